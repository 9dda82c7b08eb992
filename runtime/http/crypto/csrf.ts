// Plug.CSRFProtection's tokens. The session keeps one *unmasked* secret under "_csrf_token":
// base64url(18 random bytes), 24 characters (18 bytes encode without padding). Each page gets a
// freshly *masked* copy:
//
//   mask  = base64url(18 random bytes)                          24 chars
//   token = base64url(secret_ascii XOR mask_ascii) ‖ mask        32 + 24 = 56 chars
//
// Masking makes every rendered token different, so a compressed HTTPS response does not leak the
// secret byte by byte (BREACH), while any of them still verifies against the one secret.
// Host-bound tokens (get_csrf_token_for/1) are not implemented here.

import { decode64 } from "./_base64url.js";
import { randomBase64url } from "./_random.js";

/** The session key of the unmasked secret, as in Plug. */
export const CSRF_SESSION_KEY = "_csrf_token";

// 18 bytes is Plug's @token_size: a multiple of 3, so base64 has no padding.
const SECRET_BYTES = 18;
const SECRET_CHARS = 24;
const MASKED_PART_CHARS = 32;
const TOKEN_CHARS = MASKED_PART_CHARS + SECRET_CHARS;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{24}$/;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{56}$/;

/**
 * A new unmasked CSRF secret, to store in the session under "_csrf_token" (never send it as is).
 * @example session[CSRF_SESSION_KEY] ??= generateCsrfSecret(); // e.g. "pXc2k0Sx9mWz3rT1b8QfLm0n"
 */
export function generateCsrfSecret(): string {
  return randomBase64url(SECRET_BYTES);
}

/**
 * A masked, per-request token for forms (`_csrf_token` field) and the `x-csrf-token` header.
 * Every call returns a different 56-character token for the same secret.
 * @throws Error when `secret` is not a 24-character secret from generateCsrfSecret.
 * @example `<input type="hidden" name="_csrf_token" value="${maskCsrfToken(session._csrf_token)}">`
 */
export function maskCsrfToken(secret: string): string {
  if (typeof secret !== "string" || !SECRET_SHAPE.test(secret)) {
    throw new Error(`maskCsrfToken expects the ${SECRET_CHARS}-character secret from generateCsrfSecret() (session "${CSRF_SESSION_KEY}"), got ${typeof secret === "string" ? `${secret.length} characters` : typeof secret}`);
  }
  const mask = generateCsrfSecret();
  const masked = Buffer.from(secret, "latin1");
  const maskBytes = Buffer.from(mask, "latin1");
  for (let i = 0; i < masked.length; i++) masked[i] ^= maskBytes[i]!;
  return masked.toString("base64url") + mask;
}

/**
 * Whether `candidate` (from the request) is a masked token of `secret` (from the session).
 * Anything malformed is `false`, never an error; the comparison takes the same time wherever the
 * first differing byte is.
 * @example validCsrfToken(session._csrf_token, body._csrf_token ?? req.headers["x-csrf-token"]);
 */
export function validCsrfToken(secret: unknown, candidate: unknown): boolean {
  // Shape checks look only at the format, which an attacker knows anyway; no secret byte is involved.
  if (typeof secret !== "string" || !SECRET_SHAPE.test(secret)) return false;
  if (typeof candidate !== "string" || candidate.length !== TOKEN_CHARS || !TOKEN_SHAPE.test(candidate)) return false;
  const masked = decode64(candidate.slice(0, MASKED_PART_CHARS));
  if (masked === null || masked.length !== SECRET_CHARS) return false;
  const mask = Buffer.from(candidate.slice(MASKED_PART_CHARS), "latin1");
  const expected = Buffer.from(secret, "latin1");
  // Plug.Crypto.masked_compare: OR together every (secret ^ masked ^ mask) and test once at the end.
  let diff = 0;
  for (let i = 0; i < SECRET_CHARS; i++) diff |= expected[i]! ^ masked[i]! ^ mask[i]!;
  return diff === 0;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a request with this method must carry a CSRF token: all but GET, HEAD and OPTIONS.
 * Methods are compared as sent (HTTP methods are case-sensitive), so "get" is checked: failing safe.
 * @example isUnsafeMethod("POST") === true; isUnsafeMethod("GET") === false
 */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}
