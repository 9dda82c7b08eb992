// Cookies, as Plug.Conn's fetch_cookies / put_resp_cookie / delete_resp_cookie: serialized with
// the `cookie` package (which refuses names, values, domains and paths a header cannot carry),
// one Set-Cookie header per name (a later put replaces an earlier one, as Plug's resp_cookies
// map does), and refused past 4096 bytes as Plug's CookieOverflowError is: browsers drop a
// bigger cookie silently, and with a session cookie they would drop the whole session (CSRF
// secret and flash included) without a word.
//
// Signed and encrypted cookies are Plug's: `Plug.Crypto.sign/encrypt(secret_key_base,
// name <> "_cookie", value, max_age: cookie max_age || 86400)`, i.e. Phoenix.Token's envelope
// (Token.sign / Token.encrypt here, JSON payload) keyed by the endpoint's secretKeyBase with the
// cookie's name plus "_cookie" as salt, so each cookie name has its own key. A value that does
// not verify (tampered, expired, another secret) is left out of `conn.cookies`, as in Plug.

import { parse, serialize } from "cookie";
import type { Conn } from "./conn.js";
import { Token } from "./crypto/index.js";

/** RFC 6265 §6.1: user agents keep cookies of at least 4096 bytes (name, value, attributes). */
export const MAX_COOKIE_BYTES = 4096;

/** A cookie over 4096 bytes: a 500, raised where it is set, as Plug's CookieOverflowError. */
export class CookieOverflowError extends Error {
  override name = "CookieOverflowError";
  readonly status = 500;
  constructor(name: string, bytes: number) {
    super(`the cookie ${JSON.stringify(name)} is ${bytes} bytes, over the ${MAX_COOKIE_BYTES} bytes browsers keep; store less in it (a session: keep an id in the cookie, the data on the server)`);
  }
}

export interface CookieOptions {
  path?: string;
  domain?: string;
  /** Seconds; 0 expires the cookie at once. */
  maxAge?: number;
  expires?: Date;
  /** Default: true on HTTPS requests. */
  secure?: boolean;
  /** Default: true, as Plug's. */
  httpOnly?: boolean;
  sameSite?: "Lax" | "Strict" | "None";
  /** Sign the value (any JSON value): readable by the client, not forgeable. Read it back with fetchCookies(conn, { signed: [name] }). */
  sign?: boolean;
  /** Encrypt the value (any JSON value), which also signs it. Read it back with fetchCookies(conn, { encrypted: [name] }). */
  encrypt?: boolean;
}

/** A signed or encrypted cookie, valid for a day unless a maxAge is given (Plug's default). */
const DEFAULT_SIGNED_MAX_AGE = 86_400;

/**
 * Adds a Set-Cookie header. Throws a TypeError for a name or value a cookie cannot carry and a
 * CookieOverflowError past 4096 bytes, at the call. With `sign` or `encrypt` the value may be
 * any JSON value, protected with the endpoint's secretKeyBase.
 * @example
 * putRespCookie(conn, "theme", "dark", { maxAge: 60 * 60 * 24 * 365 })
 * putRespCookie(conn, "remember_me", { userId: 7 }, { sign: true, maxAge: 30 * 86400 })
 */
export function putRespCookie(conn: Conn, name: string, value: string, options?: CookieOptions): Conn;
export function putRespCookie(conn: Conn, name: string, value: unknown, options: CookieOptions & ({ sign: true } | { encrypt: true })): Conn;
export function putRespCookie(conn: Conn, name: string, value: unknown, options: CookieOptions = {}): Conn {
  return setCookie(conn, name, protect(conn, name, value, options), value, options, encodeURIComponent);
}

/**
 * putRespCookie for a value made only of base64url characters and "." (a session cookie: a
 * MessageVerifier or MessageEncryptor token), which needs neither encodeURIComponent nor the
 * `cookie` package's value check. Its attributes are the same on every response, so they are
 * serialized (and checked) by the `cookie` package once per name, scheme and attributes, and
 * the value is put in front. Serializing the ~400-byte session cookie per request showed as ~4%
 * of the CPU profile of bench:http's page (~5 µs a call alone); the bench server built without
 * and with this, alternated six times, served 1.41x the requests per CPU-second with it (the
 * profile does not say where the rest went).
 * @internal for session.ts
 */
export function putSafeRespCookie(conn: Conn, name: string, value: string, options: CookieOptions): Conn {
  if (!TOKEN_CHARS.test(value)) throw new TypeError(`putRespCookie: the value of ${JSON.stringify(name)} is not made of base64url characters and "."`);
  const secure = options.secure ?? conn.scheme === "https";
  // Keyed by what the attributes are made of, so an options object changed in place is serialized again.
  const key = options.expires === undefined ? `${name};${secure};${options.path};${options.domain};${options.maxAge};${options.sameSite};${options.httpOnly}` : null;
  let attributes = key === null ? undefined : attributesOf.get(key);
  if (attributes === undefined) {
    // serialize checks the name and the attributes; an empty value has nothing to check.
    attributes = setCookieHeader(name, "", options, secure, asIs).slice(name.length + 1);
    if (key !== null && attributesOf.size < MAX_KEPT_ATTRIBUTES) attributesOf.set(key, attributes);
  }
  return addSetCookie(conn, name, `${name}=${value}${attributes}`, value);
}

const TOKEN_CHARS = /^[A-Za-z0-9_.-]*$/;
/** Serialized attributes by what they are made of; a few session configurations in practice, bounded all the same. */
const attributesOf = new Map<string, string>();
const MAX_KEPT_ATTRIBUTES = 64;
const asIs = (value: string): string => value;

function setCookie(conn: Conn, name: string, wire: string, value: unknown, options: CookieOptions, encode: (value: string) => string): Conn {
  return addSetCookie(conn, name, setCookieHeader(name, wire, options, options.secure ?? conn.scheme === "https", encode), value);
}

/** A Set-Cookie header value from the `cookie` package, whose refusals become TypeErrors naming putRespCookie. */
function setCookieHeader(name: string, wire: string, options: CookieOptions, secure: boolean, encode: (value: string) => string): string {
  try {
    return serialize(name, wire, {
      encode,
      path: options.path ?? "/",
      domain: options.domain,
      maxAge: options.maxAge,
      expires: options.expires,
      secure,
      httpOnly: options.httpOnly ?? true,
      sameSite: options.sameSite ? (options.sameSite.toLowerCase() as "lax" | "strict" | "none") : undefined,
    });
  } catch (e) {
    throw new TypeError(`putRespCookie: ${(e as Error).message}`, { cause: e });
  }
}

/** Sets the header (replacing an earlier one of the same name), past 4096 bytes a CookieOverflowError. */
function addSetCookie(conn: Conn, name: string, cookie: string, value: unknown): Conn {
  const bytes = Buffer.byteLength(cookie);
  if (bytes > MAX_COOKIE_BYTES) throw new CookieOverflowError(name, bytes);
  const prev = conn.respHeaders["set-cookie"];
  const others = prev === undefined ? [] : (Array.isArray(prev) ? prev : [prev]).filter((c) => !c.startsWith(`${name}=`));
  conn.respHeaders["set-cookie"] = [...others, cookie];
  // What this response sets is what the app sees in conn.cookies from now on, as in Plug.
  respCookies(conn)[name] = value;
  const fetched = conn.private.cookies as Record<string, unknown> | undefined;
  if (fetched) fetched[name] = value;
  return conn;
}

/** Expires a cookie in the browser (same path and domain as it was set with). */
export function deleteRespCookie(conn: Conn, name: string, options: Pick<CookieOptions, "path" | "domain" | "secure" | "httpOnly" | "sameSite"> = {}): Conn {
  putRespCookie(conn, name, "", { ...options, maxAge: 0, expires: new Date(0) });
  respCookies(conn)[name] = DELETED;
  const fetched = conn.private.cookies as Record<string, unknown> | undefined;
  if (fetched) delete fetched[name];
  return conn;
}

export interface FetchCookiesOptions {
  /** Cookies set with `{ sign: true }`: verified, and left out of conn.cookies when they do not verify. */
  signed?: readonly string[];
  /** Cookies set with `{ encrypt: true }`: decrypted, and left out of conn.cookies when they do not decrypt. */
  encrypted?: readonly string[];
}

/**
 * Plug.Conn.fetch_cookies: reads the request's cookies into `conn.reqCookies` (as sent) and
 * `conn.cookies` (with this response's own cookies merged in), verifying the `signed` and
 * decrypting the `encrypted` ones. Usable as a plug: `p.plug(fetchCookies, { signed: ["remember_me"] })`.
 * @example
 * fetchCookies(conn, { signed: ["remember_me"] });
 * const remembered = conn.cookies.remember_me as { userId: number } | undefined;
 */
export function fetchCookies(conn: Conn, options: FetchCookiesOptions = {}): Conn {
  let req = conn.private.reqCookies as Record<string, string> | undefined;
  let cookies = conn.private.cookies as Record<string, unknown> | undefined;
  if (!req || !cookies) {
    req = parse(conn.getReqHeader("cookie") ?? "") as Record<string, string>;
    cookies = Object.assign(Object.create(null) as Record<string, unknown>, req);
    for (const [name, value] of Object.entries((conn.private.respCookies as Record<string, unknown> | undefined) ?? {})) {
      if (value === DELETED) delete cookies[name];
      else cookies[name] = value;
    }
    conn.private.reqCookies = req;
    conn.private.cookies = cookies;
  }
  if (options.signed?.length || options.encrypted?.length) {
    const secret = secretKeyBase(conn, "fetchCookies", "verify signed and encrypted cookies");
    for (const [names, open] of [
      [options.signed, Token.verify],
      [options.encrypted, Token.decrypt],
    ] as const) {
      for (const name of names ?? []) {
        const raw = req[name];
        if (raw === undefined) continue;
        const result = open(secret, `${name}_cookie`, raw);
        if (result.ok) cookies[name] = result.data;
        else delete cookies[name];
      }
    }
  }
  return conn;
}

/** A cookie this response deletes (Plug's resp cookie without a value). */
const DELETED = Symbol("deleted");

function respCookies(conn: Conn): Record<string, unknown> {
  return (conn.private.respCookies ??= Object.create(null)) as Record<string, unknown>;
}

/** The string that goes on the wire: the value, or it signed or encrypted. */
function protect(conn: Conn, name: string, value: unknown, options: CookieOptions): string {
  if (options.sign && options.encrypt) throw new TypeError(`putRespCookie: encrypt implies sign; pass only one of them for ${JSON.stringify(name)}`);
  if (options.sign || options.encrypt) {
    const secret = secretKeyBase(conn, "putRespCookie", `${options.sign ? "sign" : "encrypt"} the cookie ${JSON.stringify(name)}`);
    const maxAge = options.maxAge ?? DEFAULT_SIGNED_MAX_AGE;
    return (options.sign ? Token.sign : Token.encrypt)(secret, `${name}_cookie`, value, { maxAge });
  }
  if (typeof value !== "string") {
    throw new TypeError(`putRespCookie: the value of ${JSON.stringify(name)} must be a string, got ${value === null ? "null" : typeof value} (pass { sign: true } or { encrypt: true } to store other values)`);
  }
  return value;
}

function secretKeyBase(conn: Conn, caller: string, what: string): string {
  const secret = (conn.private.endpoint as { config?: { secretKeyBase?: string } } | undefined)?.config?.secretKeyBase;
  if (!secret) throw new Error(`${caller}: to ${what} the endpoint needs a secretKeyBase (config.secretKeyBase, 64+ random bytes)`);
  return secret;
}
