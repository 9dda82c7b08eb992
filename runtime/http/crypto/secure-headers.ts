// Phoenix.Controller.put_secure_browser_headers, Phoenix 1.8 defaults. 1.7 also sent
// x-frame-options: SAMEORIGIN and x-download-options: noopen; 1.8 dropped both as deprecated by
// the standards (the CSP frame-ancestors directive replaces x-frame-options).

/** The headers Phoenix 1.8 adds to browser responses unless already set. */
export const SECURE_BROWSER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  // Allow <base> and framing only from our own origin.
  "content-security-policy": "base-uri 'self'; frame-ancestors 'self';",
  // Send only the origin to other sites, never the path (which may hold tokens).
  "referrer-policy": "strict-origin-when-cross-origin",
  // Scripts and styles must be served with their proper content type.
  "x-content-type-options": "nosniff",
  // No cross-domain policy files (Flash, Acrobat).
  "x-permitted-cross-domain-policies": "none",
});

/**
 * The response headers to set, as Phoenix's put_secure_browser_headers(conn, extra) would: every
 * default not already in `existing`, then all of `extra` on top (extra wins even over existing
 * headers, as merge_resp_headers does). Names are compared case-insensitively and returned in
 * lowercase, so "Content-Security-Policy" already set counts as set.
 * @example
 * secureBrowserHeaders({ "content-security-policy": "default-src 'self'" });
 * // → referrer-policy, x-content-type-options, x-permitted-cross-domain-policies (CSP left alone)
 * secureBrowserHeaders({}, { "x-frame-options": "DENY" }); // the four defaults plus x-frame-options
 */
export function secureBrowserHeaders(existing: Readonly<Record<string, string | undefined>>, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const present = new Set(
    Object.entries(existing)
      .filter(([, value]) => value !== undefined)
      .map(([name]) => name.toLowerCase()),
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(SECURE_BROWSER_HEADERS)) {
    if (!present.has(name)) headers[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
  return headers;
}
