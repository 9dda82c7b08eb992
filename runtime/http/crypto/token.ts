// Phoenix.Token: sign or encrypt a small piece of data (a user id) for a client to hand back later,
// e.g. a socket or email-confirmation token. The envelope is Phoenix's (MessageVerifier, keyed by
// deriveKey(secretKeyBase, salt)), but the payload is JSON, not Erlang's term format:
//
//   {"data": <data>, "signed": <ms since epoch>, "max_age": <seconds | "infinity">}
//
// so the tokens look like Phoenix's ("SFMyNTY.eyJ…") yet neither side can read the other's.
// Data makes a JSON round trip: Dates come back as strings, undefined properties vanish.

import { deriveKey, type KeyDigest } from "./key-generator.js";
import { decrypt as decryptMessage, encrypt as encryptMessage } from "./message-encryptor.js";
import { sign as signMessage, verify as verifyMessage } from "./message-verifier.js";

/** Why a token was refused; the same three atoms as Phoenix. */
export type TokenError = "missing" | "invalid" | "expired";
/** Result of Token.verify / Token.decrypt. */
export type TokenResult<T = unknown> = { ok: true; data: T } | { ok: false; error: TokenError };

/** Phoenix's `key_iterations` / `key_length` / `key_digest`, passed to deriveKey. */
export interface TokenKeyOptions {
  keyIterations?: number;
  keyLength?: number;
  keyDigest?: KeyDigest;
}

export interface TokenSignOptions extends TokenKeyOptions {
  /** When the token was signed, in Unix *seconds* like Phoenix's `signed_at:` (fractions allowed). Default: now. */
  signedAt?: number;
  /** Seconds the token stays valid, stored in it; verify's `maxAge` overrides. Default 86400 (a day). */
  maxAge?: number;
  /** The clock in ms since the epoch (Date.now()), for tests. */
  now?: number;
}

export interface TokenVerifyOptions extends TokenKeyOptions {
  /** Seconds; overrides the max age stored in the token. `Infinity` skips the age check, ≤ 0 always expires. */
  maxAge?: number;
  /** The clock in ms since the epoch (Date.now()), for tests. */
  now?: number;
}

const DEFAULT_MAX_AGE = 86_400;

/**
 * Signs `data`: the token is tamper-proof but readable by anyone (base64url JSON).
 * @throws Error when secretKeyBase is under 20 bytes or data is not JSON-serializable.
 * @example
 * const token = Token.sign(secretKeyBase, "user auth", user.id);
 * Token.verify(secretKeyBase, "user auth", token, { maxAge: 86400 }); // { ok: true, data: user.id }
 */
function sign(secretKeyBase: string | Buffer, salt: string | Buffer, data: unknown, options: TokenSignOptions = {}): string {
  return signMessage(encode(data, options), key(secretKeyBase, salt, options));
}

/**
 * Verifies a token from Token.sign with the same secret and salt. Bad input never throws.
 * `T` is a cast, not a check: the data is whatever JSON the token holds.
 * @returns `missing` for null/undefined, `invalid` for a bad signature, a wrong salt, garbage or a
 *   token signed in the future, `expired` when older than its max age.
 * @example
 * const result = Token.verify(secretKeyBase, "user auth", token, { maxAge: 3600 });
 * if (result.ok) loadUser(result.data); else console.log(result.error);
 */
function verify<T = unknown>(secretKeyBase: string | Buffer, salt: string | Buffer, token: string | null | undefined, options: TokenVerifyOptions = {}): TokenResult<T> {
  const k = key(secretKeyBase, salt, options);
  if (options.maxAge !== undefined) checkMaxAge(options.maxAge);
  if (token === null || token === undefined) return { ok: false, error: "missing" };
  const payload = verifyMessage(token, k);
  return payload === null ? { ok: false, error: "invalid" } : decode<T>(payload, options);
}

/**
 * Like Token.sign, but the data is also encrypted (AES-256-GCM, see message-encryptor.ts).
 * @example
 * const token = Token.encrypt(secretKeyBase, "reset", { email }, { maxAge: 900 });
 * Token.decrypt(secretKeyBase, "reset", token); // { ok: true, data: { email } }
 */
function encrypt(secretKeyBase: string | Buffer, salt: string | Buffer, data: unknown, options: TokenSignOptions = {}): string {
  return encryptMessage(encode(data, options), key(secretKeyBase, salt, options));
}

/**
 * Decrypts a token from Token.encrypt; same results and options as Token.verify.
 * @example Token.decrypt(secretKeyBase, "reset", undefined); // { ok: false, error: "missing" }
 */
function decrypt<T = unknown>(secretKeyBase: string | Buffer, salt: string | Buffer, token: string | null | undefined, options: TokenVerifyOptions = {}): TokenResult<T> {
  const k = key(secretKeyBase, salt, options);
  if (options.maxAge !== undefined) checkMaxAge(options.maxAge);
  if (token === null || token === undefined) return { ok: false, error: "missing" };
  const payload = decryptMessage(token, k);
  return payload === null ? { ok: false, error: "invalid" } : decode<T>(payload, options);
}

/**
 * Phoenix.Token: `sign`/`verify` (signed) and `encrypt`/`decrypt` (signed and encrypted).
 * @example Token.verify(secret, "salt", Token.sign(secret, "salt", 1)); // { ok: true, data: 1 }
 */
export const Token = Object.freeze({ sign, verify, encrypt, decrypt });

function key(secretKeyBase: string | Buffer, salt: string | Buffer, options: TokenKeyOptions): Buffer {
  return deriveKey(secretKeyBase, salt, { iterations: options.keyIterations, length: options.keyLength, digest: options.keyDigest });
}

function encode(data: unknown, options: TokenSignOptions): string {
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE;
  checkMaxAge(maxAge);
  const { signedAt } = options;
  if (signedAt !== undefined && (typeof signedAt !== "number" || !Number.isFinite(signedAt))) {
    throw new TypeError(`signedAt must be a finite number of seconds since the epoch, got ${String(signedAt)}`);
  }
  const signed = signedAt === undefined ? (options.now ?? Date.now()) : Math.trunc(signedAt * 1000);
  try {
    // JSON has no Infinity: store Phoenix's atom as a string, and -Infinity as 0 (both just "expired").
    const stored = Number.isFinite(maxAge) ? maxAge : maxAge > 0 ? "infinity" : 0;
    return JSON.stringify({ data, signed, max_age: stored });
  } catch (error) {
    throw new TypeError(`token data must be JSON-serializable: ${(error as Error).message}`);
  }
}

function decode<T>(payload: Buffer, options: TokenVerifyOptions): TokenResult<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString("utf8"));
  } catch {
    return { ok: false, error: "invalid" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false, error: "invalid" };
  const { data, signed, max_age: embedded } = parsed as { data?: T; signed?: unknown; max_age?: unknown };
  if (typeof signed !== "number" || !Number.isFinite(signed)) return { ok: false, error: "invalid" };
  let maxAge: number;
  if (options.maxAge !== undefined) maxAge = options.maxAge;
  else if (embedded === undefined) maxAge = DEFAULT_MAX_AGE;
  else if (embedded === "infinity") maxAge = Infinity;
  else if (typeof embedded === "number" && Number.isFinite(embedded)) maxAge = embedded;
  else return { ok: false, error: "invalid" };
  const error = ageError(signed, maxAge, options.now ?? Date.now());
  return error ? { ok: false, error } : { ok: true, data: data as T };
}

// Plug.Crypto's validate_age, in its order: infinity first (so it also skips the future check),
// then ≤ 0, then "signed in the future" (a token from a clock we do not trust), then the age.
function ageError(signed: number, maxAge: number, now: number): TokenError | null {
  if (maxAge === Infinity) return null;
  if (maxAge <= 0) return "expired";
  if (signed > now) return "invalid";
  return signed + Math.trunc(maxAge * 1000) < now ? "expired" : null;
}

function checkMaxAge(maxAge: unknown): number {
  if (typeof maxAge !== "number" || Number.isNaN(maxAge)) {
    throw new TypeError(`maxAge must be a number of seconds (or Infinity), got ${typeof maxAge === "number" ? "NaN" : JSON.stringify(maxAge)}`);
  }
  return maxAge;
}
