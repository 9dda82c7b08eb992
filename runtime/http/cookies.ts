// Response cookies, as Plug.Conn's put_resp_cookie / delete_resp_cookie: serialized with the
// `cookie` package (which refuses names, values, domains and paths a header cannot carry), one
// Set-Cookie header each, and refused past 4096 bytes as Plug's CookieOverflowError is: browsers
// drop a bigger cookie silently, and with a session cookie they would drop the whole session
// (CSRF secret and flash included) without a word.

import { serialize } from "cookie";
import type { Conn } from "./conn.js";

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
}

/**
 * Adds a Set-Cookie header. Throws a TypeError for a name or value a cookie cannot carry and a
 * CookieOverflowError past 4096 bytes, at the call.
 * @example putRespCookie(conn, "theme", "dark", { maxAge: 60 * 60 * 24 * 365 })
 */
export function putRespCookie(conn: Conn, name: string, value: string, options: CookieOptions = {}): Conn {
  if (typeof value !== "string") throw new TypeError(`putRespCookie: the value of ${JSON.stringify(name)} must be a string, got ${value === null ? "null" : typeof value}`);
  let cookie: string;
  try {
    cookie = serialize(name, value, {
      path: options.path ?? "/",
      domain: options.domain,
      maxAge: options.maxAge,
      expires: options.expires,
      secure: options.secure ?? conn.scheme === "https",
      httpOnly: options.httpOnly ?? true,
      sameSite: options.sameSite ? (options.sameSite.toLowerCase() as "lax" | "strict" | "none") : undefined,
    });
  } catch (e) {
    throw new TypeError(`putRespCookie: ${(e as Error).message}`, { cause: e });
  }
  const bytes = Buffer.byteLength(cookie);
  if (bytes > MAX_COOKIE_BYTES) throw new CookieOverflowError(name, bytes);
  const prev = conn.respHeaders["set-cookie"];
  conn.respHeaders["set-cookie"] = prev === undefined ? [cookie] : [...(Array.isArray(prev) ? prev : [prev]), cookie];
  return conn;
}

/** Expires a cookie in the browser (same path and domain as it was set with). */
export function deleteRespCookie(conn: Conn, name: string, options: Pick<CookieOptions, "path" | "domain" | "secure" | "httpOnly" | "sameSite"> = {}): Conn {
  return putRespCookie(conn, name, "", { ...options, maxAge: 0, expires: new Date(0) });
}
