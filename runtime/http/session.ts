// Sessions, flash and CSRF protection as plugs, on top of runtime/http/crypto:
// - fetchSession: a signed (optionally encrypted) cookie session, written back only when changed;
// - fetchFlash / putFlash / getFlash: Phoenix's flash, kept across exactly one redirect;
// - protectFromForgery / getCsrfToken: masked per-request tokens checked on unsafe methods;
// - putSecureBrowserHeaders: Phoenix 1.8's defaults.

import { parse as parseCookies } from "cookie";
import { beforeSend, type Conn, putRespHeader } from "./conn.js";
import { putSafeRespCookie } from "./cookies.js";
import {
  CSRF_SESSION_KEY,
  decodeSession,
  encodeSession,
  generateCsrfSecret,
  isUnsafeMethod,
  maskCsrfToken,
  SECURE_BROWSER_HEADERS,
  secureBrowserHeaders,
  validCsrfToken,
  type RotatingSessionOptions,
} from "./crypto/index.js";

export interface SessionOptions {
  /** Cookie name, e.g. "_demo_key". */
  key: string;
  secretKeyBase: string;
  signingSalt: string;
  /** Encrypts the cookie (AES-256-GCM) as well as signing it. */
  encryptionSalt?: string;
  rotatingOptions?: RotatingSessionOptions[];
  sameSite?: "Lax" | "Strict" | "None";
  /** Cookie max-age in seconds; default: a browser-session cookie. */
  maxAge?: number;
  path?: string;
}

interface SessionState {
  data: Record<string, unknown>;
  dirty: boolean;
  options: SessionOptions;
  /**
   * `data` is this request's own object (decoded from the cookie, or already copied), so a
   * change may be made in place. A session handed in from outside (ConnTest's `session:`) is
   * copied on its first change instead, as every change copied before.
   */
  owned?: boolean;
}

const state = (conn: Conn): SessionState => {
  const s = conn.private.session as SessionState | undefined;
  if (!s) throw new Error("the session is not fetched: add fetchSession to the pipeline (p.plug(fetchSession, { key, secretKeyBase, signingSalt }))");
  return s;
};

/** Reads the session cookie (a tampered or garbled one gives an empty session) and writes it back when changed. */
export function fetchSession(conn: Conn, options: SessionOptions): Conn {
  const preset = conn.private.session as SessionState | undefined;
  if (preset) {
    // Set by ConnTest's `session:` (Phoenix's init_test_session): keep its data, learn the options.
    if (!preset.options) {
      preset.options = options;
      beforeSend(conn, writeSessionCookie);
    }
    return conn;
  }
  const raw = parseCookies(conn.getReqHeader("cookie") ?? "")[options.key];
  const data = raw ? decodeSession(raw, options) : {};
  conn.private.session = { data, dirty: false, options, owned: true } satisfies SessionState;
  beforeSend(conn, writeSessionCookie);
  return conn;
}

/** The before-send hook: the changed session as a cookie; over 4096 bytes it is a CookieOverflowError. */
function writeSessionCookie(conn: Conn): void {
  const s = conn.private.session as SessionState;
  if (!s.dirty) return;
  const value = encodeSession(s.data, s.options);
  // The value is base64url and "." (MessageVerifier / MessageEncryptor tokens): cookie-safe as is.
  putSafeRespCookie(conn, s.options.key, value, { path: s.options.path ?? "/", sameSite: s.options.sameSite, maxAge: s.options.maxAge });
}


export function getSession(conn: Conn, key: string): unknown {
  return state(conn).data[key];
}

export function putSession(conn: Conn, key: string, value: unknown): Conn {
  const s = state(conn);
  own(s)[key] = value;
  s.dirty = true;
  return conn;
}

export function deleteSession(conn: Conn, key: string): Conn {
  const s = state(conn);
  if (key in s.data) {
    delete own(s)[key];
    s.dirty = true;
  }
  return conn;
}

export function clearSession(conn: Conn): Conn {
  const s = state(conn);
  s.data = {};
  s.owned = true;
  s.dirty = true;
  return conn;
}

/** The session's data, copied first unless it is this request's own object. */
function own(s: SessionState): Record<string, unknown> {
  if (!s.owned) {
    s.data = { ...s.data };
    s.owned = true;
  }
  return s.data;
}

// --- flash ---------------------------------------------------------------------------------

const FLASH_KEY = "phoenix_flash";

/** Makes the flash of the previous request (a redirect) available; keeps new messages only across a redirect. */
export function fetchFlash(conn: Conn): Conn {
  const stored = getSession(conn, FLASH_KEY);
  conn.private.flash = stored && typeof stored === "object" ? { ...(stored as Record<string, string>) } : {};
  conn.private.flashNext = {};
  beforeSend(conn, writeFlash);
  return conn;
}

/** fetchFlash's before-send hook: new messages into the session across a redirect, else none. */
function writeFlash(conn: Conn): void {
  const next = conn.private.flashNext as Record<string, string>;
  const redirecting = conn.status !== null && conn.status >= 300 && conn.status < 400;
  if (redirecting && Object.keys(next).length) putSession(conn, FLASH_KEY, next);
  else if (getSession(conn, FLASH_KEY) !== undefined) deleteSession(conn, FLASH_KEY);
}

/** Sets a flash message (shown in this response, and after a redirect in the next one). */
export function putFlash(conn: Conn, key: string, message: string): Conn {
  if (!conn.private.flash) throw new Error("the flash is not fetched: add fetchFlash to the pipeline");
  (conn.private.flash as Record<string, string>)[key] = message;
  (conn.private.flashNext as Record<string, string>)[key] = message;
  return conn;
}

/** Removes every flash message, from this response and from the next request (Phoenix's clear_flash). */
export function clearFlash(conn: Conn): Conn {
  if (!conn.private.flash) throw new Error("the flash is not fetched: add fetchFlash to the pipeline");
  conn.private.flash = {};
  conn.private.flashNext = {};
  return conn;
}

export function getFlash(conn: Conn, key: string): string | undefined {
  return (conn.private.flash as Record<string, string> | undefined)?.[key];
}

// --- CSRF ----------------------------------------------------------------------------------

/** A request that failed the CSRF check: answered 403. */
export class InvalidCsrfTokenError extends Error {
  override name = "InvalidCsrfTokenError";
  readonly status = 403;
  constructor() {
    super("invalid CSRF (Cross Site Request Forgery) token: send the token from getCsrfToken(conn) as _csrf_token or the x-csrf-token header");
  }
}

/**
 * Checks unsafe methods (POST, PUT, PATCH, DELETE...) for a valid masked token from `_csrf_token`
 * or `x-csrf-token`. A conn with `conn.private.skipCsrfProtection === true` (Plug's
 * `plug_skip_csrf_protection`, set by fawkes/testing's request helpers) is let through.
 */
export function protectFromForgery(conn: Conn): Conn {
  if (!isUnsafeMethod(conn.method) || conn.private.skipCsrfProtection === true) return conn;
  const secret = getSession(conn, CSRF_SESSION_KEY);
  const candidate = conn.bodyParams._csrf_token ?? conn.getReqHeader("x-csrf-token");
  if (typeof secret !== "string" || typeof candidate !== "string" || !validCsrfToken(secret, candidate)) throw new InvalidCsrfTokenError();
  return conn;
}

/** A masked token for forms and `x-csrf-token`; a new mask on every call, the secret kept in the session. */
export function getCsrfToken(conn: Conn): string {
  let secret = getSession(conn, CSRF_SESSION_KEY);
  if (typeof secret !== "string") {
    secret = generateCsrfSecret();
    putSession(conn, CSRF_SESSION_KEY, secret);
  }
  return maskCsrfToken(secret as string);
}

const SECURE_HEADER_ENTRIES = Object.entries(SECURE_BROWSER_HEADERS);

/** Phoenix 1.8's secure browser headers, without overriding headers already set. */
export function putSecureBrowserHeaders(conn: Conn, extra?: Record<string, string>): Conn {
  // The plug as pipelines use it, on a conn whose header names are lowercase (putRespHeader
  // makes them so): the four constant, valid headers, each unless set, without the merging and
  // header checks below.
  if (extra === undefined && lowercaseNames(conn.respHeaders)) {
    const headers = conn.respHeaders;
    for (const [name, value] of SECURE_HEADER_ENTRIES) if (headers[name] === undefined) headers[name] = value;
    return conn;
  }
  const existing: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(conn.respHeaders)) existing[k] = Array.isArray(v) ? v.join(", ") : v;
  for (const [k, v] of Object.entries(secureBrowserHeaders(existing, extra))) putRespHeader(conn, k, v);
  return conn;
}

const UPPERCASE = /[A-Z]/;

function lowercaseNames(headers: Record<string, unknown>): boolean {
  for (const name in headers) if (UPPERCASE.test(name)) return false;
  return true;
}
