// Plug.Session.COOKIE: the whole session lives in the cookie, signed (readable by the user, not
// forgeable) or, with an encryptionSalt, encrypted as well. Like Plug:
//   signed:    MessageVerifier.sign(json, deriveKey(secretKeyBase, signingSalt))
//   encrypted: MessageEncryptor.encrypt(json, deriveKey(secretKeyBase, encryptionSalt),
//                                             deriveKey(secretKeyBase, signingSalt))
// The session is serialized as JSON (Plug uses Erlang's term format), so values make a JSON
// round trip. There is no timestamp inside: a session expires only through the cookie's max-age.
//
// A cookie that does not verify, decrypt or parse is an *empty session*, never an error: stale
// cookies after a secret rotation or a salt change are normal traffic. Misconfiguration (short
// secret, missing salt) throws at once, on encode and decode alike.

import { checkSecretKeyBase, describeType } from "./_checks.js";
import { deriveKey, type KeyDigest } from "./key-generator.js";
import { decrypt, encrypt } from "./message-encryptor.js";
import { sign, verify } from "./message-verifier.js";

/** One set of keys for the cookie store (Plug's `signing_salt`, `encryption_salt`, `key_*`). */
export interface SessionCookieOptions {
  /** At least 64 bytes; the same secret the endpoint uses. */
  secretKeyBase: string | Buffer;
  signingSalt: string;
  /** When set, the cookie is encrypted (AES-256-GCM), not just signed. */
  encryptionSalt?: string;
  keyIterations?: number;
  keyLength?: number;
  keyDigest?: KeyDigest;
}

/** An older key set still accepted on decode; secretKeyBase defaults to the current one. */
export type RotatingSessionOptions = Omit<SessionCookieOptions, "secretKeyBase"> & { secretKeyBase?: string | Buffer };

export interface SessionDecodeOptions extends SessionCookieOptions {
  /** Tried in order when the current options do not verify the cookie (Plug's `rotating_options`). */
  rotatingOptions?: readonly RotatingSessionOptions[];
}

/** The session in a cookie signs session ids, CSRF secrets and user ids: Plug demands 64 bytes. */
export const MIN_COOKIE_SECRET_KEY_BASE_BYTES = 64;

/**
 * The cookie value holding `session`. Always encodes with the current options, never a rotating one.
 * @throws Error for a secretKeyBase under 64 bytes, a missing signingSalt, or a session that is
 *   not a JSON-serializable plain object.
 * @example
 * const opts = { secretKeyBase, signingSalt: "Xz1Yq8Lw", encryptionSalt: "kR3vT0pA" };
 * res.setHeader("set-cookie", `_app_key=${encodeSession({ user_id: 7 }, opts)}; Path=/; HttpOnly`);
 */
export function encodeSession(session: Record<string, unknown>, options: SessionCookieOptions): string {
  const keys = resolve(options, options.secretKeyBase);
  if (typeof session !== "object" || session === null || Array.isArray(session)) {
    throw new TypeError(`session must be a plain object of string keys, got ${describeType(session)}`);
  }
  let json: string;
  try {
    json = JSON.stringify(session);
  } catch (error) {
    throw new TypeError(`session values must be JSON-serializable: ${(error as Error).message}`);
  }
  return keys.encryption ? encrypt(json, keys.encryption, keys.signing) : sign(json, keys.signing);
}

/**
 * The session in a cookie value, or `{}` when the value is missing, tampered with, made with
 * unknown keys, or not a session. Tries the current options, then each rotating option in turn.
 * @throws Error only for misconfiguration (as encodeSession), never for the cookie's content.
 * @example
 * decodeSession(cookies["_app_key"], { ...opts, rotatingOptions: [{ signingSalt: "old salt" }] });
 * decodeSession("garbage", opts); // {}
 */
export function decodeSession(value: string | null | undefined, options: SessionDecodeOptions): Record<string, unknown> {
  // Resolve every key set first, so a bad rotating option fails loudly even when unused.
  const keySets = [resolve(options, options.secretKeyBase), ...(options.rotatingOptions ?? []).map((o) => resolve(o, o.secretKeyBase ?? options.secretKeyBase))];
  if (typeof value !== "string" || value === "") return {};
  for (const keys of keySets) {
    const payload = keys.encryption ? decrypt(value, keys.encryption, keys.signing) : verify(value, keys.signing);
    // Like Plug: the first key set that authenticates the cookie decides; a payload that then
    // fails to parse is an empty session rather than a reason to try older keys.
    if (payload !== null) return parseSession(payload);
  }
  return {};
}

interface SessionKeys {
  signing: Buffer;
  encryption: Buffer | null;
}

// Every request decodes and encodes with the same options object (the fetchSession plug's), so
// its keys are kept with it: checking and deriving again (deriveKey's cache key alone is a hex
// encoding of the secret) was ~2.4 µs of CPU twice per request. An entry holds the inputs it was
// derived from and is used only while the object still has them, so changing an option in place
// derives again. Only string secrets: a Buffer can change its bytes under the same identity.
interface CachedKeys extends SessionKeys {
  secretKeyBase: string;
  signingSalt: unknown;
  encryptionSalt: unknown;
  keyIterations: unknown;
  keyLength: unknown;
  keyDigest: unknown;
}
const keysOf = new WeakMap<object, CachedKeys>();

function resolve(options: Omit<SessionCookieOptions, "secretKeyBase">, secretKeyBase: string | Buffer): SessionKeys {
  const cached = keysOf.get(options);
  if (
    cached !== undefined &&
    cached.secretKeyBase === secretKeyBase &&
    cached.signingSalt === options.signingSalt &&
    cached.encryptionSalt === options.encryptionSalt &&
    cached.keyIterations === options.keyIterations &&
    cached.keyLength === options.keyLength &&
    cached.keyDigest === options.keyDigest
  ) {
    return cached;
  }
  const keys = deriveKeys(options, secretKeyBase);
  if (typeof secretKeyBase === "string" && typeof options === "object" && options !== null) {
    const { signingSalt, encryptionSalt, keyIterations, keyLength, keyDigest } = options;
    keysOf.set(options, { ...keys, secretKeyBase, signingSalt, encryptionSalt, keyIterations, keyLength, keyDigest });
  }
  return keys;
}

function deriveKeys(options: Omit<SessionCookieOptions, "secretKeyBase">, secretKeyBase: string | Buffer): SessionKeys {
  checkSecretKeyBase(secretKeyBase, MIN_COOKIE_SECRET_KEY_BASE_BYTES, "the cookie session store");
  const { signingSalt, encryptionSalt } = options;
  if (typeof signingSalt !== "string" || signingSalt === "") {
    throw new Error(`the cookie session store expects a signingSalt option (a non-empty string), got ${signingSalt === "" ? '""' : describeType(signingSalt)}`);
  }
  if (encryptionSalt !== undefined && (typeof encryptionSalt !== "string" || encryptionSalt === "")) {
    throw new Error(`the cookie session store expects encryptionSalt to be a non-empty string when given, got ${encryptionSalt === "" ? '""' : describeType(encryptionSalt)}`);
  }
  const keyOpts = { iterations: options.keyIterations, length: options.keyLength, digest: options.keyDigest };
  return {
    signing: deriveKey(secretKeyBase, signingSalt, keyOpts),
    encryption: encryptionSalt === undefined ? null : deriveKey(secretKeyBase, encryptionSalt, keyOpts),
  };
}

function parseSession(payload: Buffer): Record<string, unknown> {
  try {
    const session: unknown = JSON.parse(payload.toString("utf8"));
    if (typeof session === "object" && session !== null && !Array.isArray(session)) return session as Record<string, unknown>;
  } catch {
    // fall through: an authenticated but unparsable payload is still just "no session"
  }
  return {};
}
