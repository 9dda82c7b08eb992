// What the Fastify and Express page endpoints (GET/POST /page) share: the Eta views (the same
// markup as the Fawkes bench app's templates and components, written with Eta's include() and
// layout(): Eta has no components), the session secrets, and helmet's options for Phoenix 1.8's
// put_secure_browser_headers set. helmet's defaults send eleven headers; these send the four
// Phoenix sends (runtime/http/crypto/secure-headers.ts), so every server does the same work:
//   content-security-policy: base-uri 'self'; frame-ancestors 'self'
//   referrer-policy: strict-origin-when-cross-origin
//   x-content-type-options: nosniff
//   x-permitted-cross-domain-policies: none
// (helmet writes the CSP as "base-uri 'self';frame-ancestors 'self'": verify.mjs compares
// directives, not spacing.)
import { fileURLToPath } from "node:url";

export const VIEWS = fileURLToPath(new URL("./views", import.meta.url));

/** The session cookie's name on every server. */
export const SESSION_COOKIE = "_bench_key";

/** @fastify/secure-session's key: 32 bytes (a fixed one: the bench runs only on this machine). */
export const SECURE_SESSION_KEY = Buffer.from("6b4f3c2a1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a", "hex");

/** cookie-session's signing keys (Keygrip). */
export const COOKIE_SESSION_KEYS = ["bench-http-cookie-session-key-0123456789abcdef0123456789abcdef"];

/**
 * helmet's options, given the `contentSecurityPolicy` of the helmet the caller uses: helmet ships
 * an ESM and a CommonJS build, @fastify/helmet requires the latter, and the marker for "no
 * default-src" (Phoenix's CSP has none; helmet insists on one unless told) is a Symbol of each.
 */
export const helmetOptions = (contentSecurityPolicy) => ({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { "default-src": contentSecurityPolicy.dangerouslyDisableDefaultSrc, "base-uri": ["'self'"], "frame-ancestors": ["'self'"] },
  },
  referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  xContentTypeOptions: true,
  xPermittedCrossDomainPolicies: { permittedPolicies: "none" },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xXssProtection: false,
  // helmet's default: X-Powered-By removed (Express sends it otherwise; Phoenix never does).
  xPoweredBy: true,
});
