// Plug.Crypto.MessageVerifier: signed (readable, not secret) messages, in a JWS-compact-like
// layout that Phoenix apps emit byte for byte:
//
//   b64url(alg) "." b64url(payload) "." b64url(HMAC-alg(key, b64url(alg) "." b64url(payload)))
//
// alg is "HS256" | "HS384" | "HS512", so a SHA-256 token always starts "SFMyNTY.". All three
// parts are base64url without padding. The MAC covers the header too, so a token cannot be
// re-labelled with another algorithm.

import { createHmac, timingSafeEqual } from "node:crypto";
import { decode64, encode64 } from "./_base64url.js";
import { checkKey } from "./_checks.js";

/** HMAC digest of a signed message; the protected header names it. */
export type SignDigest = "sha256" | "sha384" | "sha512";

// Maps, not object literals: a header of "constructor" must not find Object.prototype's.
const HEADER_OF = new Map<string, string>([["sha256", "HS256"], ["sha384", "HS384"], ["sha512", "HS512"]]);
const DIGEST_OF = new Map<string, SignDigest>([["HS256", "sha256"], ["HS384", "sha384"], ["HS512", "sha512"]]);

/**
 * Signs `payload` with `key` (usually `deriveKey(secretKeyBase, salt)`).
 * @throws Error for an empty key or an unknown digest.
 * @example
 * sign("hello world", key); // "SFMyNTY.aGVsbG8gd29ybGQ.<43 chars>"
 * sign(Buffer.from([0, 1]), key, "sha512"); // "SFM1MTI.AAE.<86 chars>"
 */
export function sign(payload: Buffer | string, key: Buffer | string, digest: SignDigest = "sha256"): string {
  const keyBytes = checkKey(key, "MessageVerifier key");
  const header = HEADER_OF.get(digest);
  if (header === undefined) {
    throw new Error(`MessageVerifier digest must be one of sha256, sha384, sha512, got ${JSON.stringify(digest)}`);
  }
  if (typeof payload !== "string" && !Buffer.isBuffer(payload)) throw new TypeError("MessageVerifier payload must be a string or Buffer");
  const signingInput = `${encode64(header)}.${encode64(payload)}`;
  return `${signingInput}.${encode64(mac(digest, keyBytes, signingInput))}`;
}

/**
 * The payload of a token signed with `key`, or `null` when the token is malformed, names an
 * unknown algorithm, or its signature does not match. Never throws on bad input (a client sent
 * it); the signature is compared in constant time.
 * @throws Error only for an empty key (a configuration error).
 * @example
 * verify(sign("hello world", key), key)?.toString(); // "hello world"
 * verify("garbage", key); // null
 */
export function verify(token: string | null | undefined, key: Buffer | string): Buffer | null {
  const keyBytes = checkKey(key, "MessageVerifier key");
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header64, payload64, signature64] = parts as [string, string, string];
  const header = decode64(header64);
  const payload = decode64(payload64);
  const signature = decode64(signature64);
  if (header === null || payload === null || signature === null) return null;
  const digest = DIGEST_OF.get(header.toString("latin1"));
  if (digest === undefined) return null;
  // The MAC is recomputed over the text as received: decode64 only accepts canonical base64url,
  // so this is the same text the signer produced.
  const expected = mac(digest, keyBytes, `${header64}.${payload64}`);
  // timingSafeEqual throws on unequal lengths; the length of an HMAC is public anyway.
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  return payload;
}

function mac(digest: SignDigest, key: Buffer, signingInput: string): Buffer {
  return createHmac(digest, key).update(signingInput, "latin1").digest();
}
