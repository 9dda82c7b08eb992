// Authenticated encryption for values kept somewhere we do not trust (an encrypted session
// cookie, Token.encrypt). The envelope is our own, modelled on Plug's current "XCP." format:
//
//   "A256GCM." b64url(iv[12] ‖ tag[16] ‖ ciphertext)
//
// AES-256-GCM with a random 96-bit IV per message, AAD = "A256GCM" ‖ signSecret. Plug's current
// cipher is XChaCha20-Poly1305, which Node does not ship, so Phoenix cannot read these tokens nor
// we Phoenix's; a distinct prefix makes that fail as "invalid" instead of as garbage.
//
// Why the sign secret goes into the AAD: Plug's MessageEncryptor takes (secret, sign_secret) and
// fails when either is wrong; binding it as AAD keeps that contract without a second MAC.
// Why random IVs are acceptable: NIST SP 800-38D allows 2^32 random-IV messages per key, and each
// purpose (salt) derives its own key; a single app rotating secret_key_base never gets near it.

import { createCipheriv, createDecipheriv } from "node:crypto";
import { decode64, encode64 } from "./_base64url.js";
import { checkKey } from "./_checks.js";
import { randomBytes } from "./_random.js";

const PREFIX = "A256GCM.";
const ALG = "A256GCM";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Encrypts `payload` under `secret` (≥ 32 bytes; only the first 32 are used, as in Plug) and,
 * optionally, binds it to `signSecret`: decryption then needs both.
 * @throws Error when secret is shorter than 32 bytes.
 * @example
 * const secret = deriveKey(secretKeyBase, "encrypted cookie salt");
 * const token = encrypt("José", secret); // "A256GCM.…"
 * decrypt(token, secret)?.toString(); // "José"
 */
export function encrypt(payload: Buffer | string, secret: Buffer | string, signSecret?: Buffer | string): string {
  const key = aesKey(secret);
  if (typeof payload !== "string" && !Buffer.isBuffer(payload)) throw new TypeError("MessageEncryptor payload must be a string or Buffer");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(signSecret));
  const ciphertext = Buffer.concat([cipher.update(payload), cipher.final()]);
  return PREFIX + encode64(Buffer.concat([iv, cipher.getAuthTag(), ciphertext]));
}

/**
 * The plaintext of a token from `encrypt` with the same secrets, or `null` when it was altered,
 * truncated, made with other secrets, or is not such a token at all. Never throws on bad input.
 * @throws Error only when secret is shorter than 32 bytes (a configuration error).
 * @example
 * decrypt(encrypt("hi", secret, signSecret), secret, signSecret)?.toString(); // "hi"
 * decrypt(encrypt("hi", secret, signSecret), secret, otherSignSecret); // null
 */
export function decrypt(token: string | null | undefined, secret: Buffer | string, signSecret?: Buffer | string): Buffer | null {
  const key = aesKey(secret);
  const additional = aad(signSecret);
  if (typeof token !== "string" || !token.startsWith(PREFIX)) return null;
  const bytes = decode64(token.slice(PREFIX.length));
  if (bytes === null || bytes.length < IV_BYTES + TAG_BYTES) return null;
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(additional);
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plaintext = decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES));
  try {
    // final() is where GCM checks the tag; nothing decrypted is returned before it passes.
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    return null;
  }
}

function aesKey(secret: Buffer | string): Buffer {
  const bytes = checkKey(secret, "MessageEncryptor secret");
  if (bytes.length < KEY_BYTES) {
    throw new Error(`MessageEncryptor secret must be at least ${KEY_BYTES} bytes for AES-256-GCM, got ${bytes.length} (derive it with deriveKey(..., { length: 32 }))`);
  }
  return bytes.subarray(0, KEY_BYTES);
}

function aad(signSecret: Buffer | string | undefined): Buffer {
  if (signSecret === undefined) return Buffer.from(ALG, "latin1");
  const bytes = typeof signSecret === "string" ? Buffer.from(signSecret, "utf8") : signSecret;
  return Buffer.concat([Buffer.from(ALG, "latin1"), bytes]);
}
