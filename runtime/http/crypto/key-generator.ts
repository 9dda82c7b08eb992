// Plug.Crypto.KeyGenerator: PBKDF2 derives one key per purpose (salt) from the app's single
// secret_key_base, so a key leaked from one purpose (say, CSRF) says nothing about another (the
// session cookie). Defaults match Plug: 1000 iterations of HMAC-SHA256, 32 bytes. 1000 is low for
// passwords but fine here: the input is already a long random secret, and every request derives.

import { pbkdf2Sync } from "node:crypto";
import { checkSecretKeyBase, describeType } from "./_checks.js";

/** HMAC digests PBKDF2 may use (Plug's `:key_digest`). */
export type KeyDigest = "sha1" | "sha224" | "sha256" | "sha384" | "sha512";

/** Plug's `key_iterations` / `key_length` / `key_digest`. */
export interface KeyOptions {
  /** PBKDF2 rounds, an integer ≥ 1. Default 1000. */
  iterations?: number;
  /** Key length in bytes. Default 32. */
  length?: number;
  /** Default "sha256". */
  digest?: KeyDigest;
}

/** Tokens refuse a shorter secret_key_base; the cookie store asks for 64 (see session-cookie.ts). */
export const MIN_SECRET_KEY_BASE_BYTES = 20;

const DIGESTS: readonly string[] = ["sha1", "sha224", "sha256", "sha384", "sha512"];
const MAX_LENGTH = 2 ** 32 - 1; // Plug's limit, from PBKDF2's 32-bit block counter.

// Derivation costs ~0.35 ms at 1000 rounds (Node 20, 64-byte secret) against ~2 µs for a cache
// hit, and every request derives the session and token keys again, so results are cached like
// Plug's ETS cache. Plug warns that such a cache is safe only for a bounded set of salts; this one
// is capped, so a caller passing user input as a salt cannot grow it without limit (the oldest
// entry goes first: a Map keeps insertion order).
const CACHE_LIMIT = 1000;
const cache = new Map<string, Buffer>();

/**
 * Derives a key from `secretKeyBase` for the purpose named by `salt` (PBKDF2-HMAC), cached per
 * (secret, salt, options). Returns a fresh copy each time, so callers may not poison the cache.
 * @throws Error when secretKeyBase is shorter than 20 bytes or an option is out of range.
 * @example
 * const key = deriveKey(process.env.SECRET_KEY_BASE!, "user auth"); // 32 bytes
 * const wide = deriveKey(secret, "signing salt", { length: 64, digest: "sha512" });
 */
export function deriveKey(secretKeyBase: string | Buffer, salt: string | Buffer, options: KeyOptions = {}): Buffer {
  const { iterations = 1000, length = 32, digest = "sha256" } = options;
  checkSecretKeyBase(secretKeyBase, MIN_SECRET_KEY_BASE_BYTES);
  if (typeof salt !== "string" && !Buffer.isBuffer(salt)) throw new TypeError(`salt must be a string or Buffer, got ${describeType(salt)}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`key iterations must be an integer >= 1, got ${String(iterations)}`);
  if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH) throw new Error(`key length must be an integer between 1 and ${MAX_LENGTH}, got ${String(length)}`);
  if (!DIGESTS.includes(digest)) throw new Error(`key digest must be one of ${DIGESTS.join(", ")}, got ${JSON.stringify(digest)}`);

  const secretBytes = toBytes(secretKeyBase);
  const saltBytes = toBytes(salt);
  // Hex never contains ":", so the fields cannot run into each other.
  const cacheKey = `${digest}:${iterations}:${length}:${saltBytes.toString("hex")}:${secretBytes.toString("hex")}`;
  let key = cache.get(cacheKey);
  if (key === undefined) {
    key = pbkdf2Sync(secretBytes, saltBytes, iterations, length, digest);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(cacheKey, key);
  }
  return Buffer.from(key);
}

function toBytes(value: string | Buffer): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}
