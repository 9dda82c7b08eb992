// Public API of the crypto building blocks: plain functions over strings and Buffers, with no
// HTTP dependency; the HTTP runtime wires them to requests, cookies and sessions.

export { deriveKey, MIN_SECRET_KEY_BASE_BYTES, type KeyDigest, type KeyOptions } from "./key-generator.js";
// Namespaced like Plug (MessageVerifier.sign), so the short verbs do not collide with Token's.
export * as MessageVerifier from "./message-verifier.js";
export * as MessageEncryptor from "./message-encryptor.js";
export type { SignDigest } from "./message-verifier.js";
export { Token, type TokenError, type TokenResult, type TokenKeyOptions, type TokenSignOptions, type TokenVerifyOptions } from "./token.js";
export {
  encodeSession,
  decodeSession,
  MIN_COOKIE_SECRET_KEY_BASE_BYTES,
  type SessionCookieOptions,
  type SessionDecodeOptions,
  type RotatingSessionOptions,
} from "./session-cookie.js";
export { CSRF_SESSION_KEY, generateCsrfSecret, maskCsrfToken, validCsrfToken, isUnsafeMethod } from "./csrf.js";
export { SECURE_BROWSER_HEADERS, secureBrowserHeaders } from "./secure-headers.js";
