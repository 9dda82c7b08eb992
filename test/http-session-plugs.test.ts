// The session plugs on a bare Conn (no endpoint): what fetchSession reads and its before-send
// hook writes, changes made in place on the request's own session but never on a session handed
// in from outside, fetchFlash's hook across a redirect and not, and putSecureBrowserHeaders with
// headers already set (in any case) and with extra headers.

import { describe, expect, it } from "vitest";
import {
  clearSession,
  Conn,
  deleteSession,
  fetchFlash,
  fetchSession,
  getSession,
  putFlash,
  putRespHeader,
  putSecureBrowserHeaders,
  putSession,
  type SessionOptions,
} from "fawkes";
import { decodeSession, encodeSession } from "../runtime/http/crypto/index.js";

const options: SessionOptions = { key: "_t_key", secretKeyBase: "s".repeat(64), signingSalt: "salt", sameSite: "Lax" };

/** A GET with the session cookie holding `session` (none when undefined). */
function connWith(session?: Record<string, unknown>, method = "GET"): Conn {
  const headers = session === undefined ? {} : { cookie: `other=1; ${options.key}=${encodeSession(session, options)}` };
  return new Conn({ method, url: "/", headers });
}

/** Runs the before-send hooks as the endpoint does; the session the response's cookie holds, or null for no cookie. */
function written(conn: Conn): Record<string, unknown> | null {
  for (const hook of (conn.private.beforeSend ?? []) as ((c: Conn) => void)[]) hook(conn);
  const cookies = conn.respHeaders["set-cookie"];
  const line = (Array.isArray(cookies) ? cookies : cookies === undefined ? [] : [cookies]).find((c) => c.startsWith(`${options.key}=`));
  if (line === undefined) return null;
  expect(line).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
  return decodeSession(line.slice(options.key.length + 1).split(";")[0], options);
}

describe("fetchSession", () => {
  it("reads the cookie's session and writes it back only when changed", () => {
    const read = connWith({ visits: 2, user: "ada" });
    fetchSession(read, options);
    expect(getSession(read, "visits")).toBe(2);
    expect(getSession(read, "user")).toBe("ada");
    expect(written(read)).toBeNull();

    const changed = fetchSession(connWith({ visits: 2, user: "ada" }), options);
    putSession(changed, "visits", 3);
    deleteSession(changed, "user");
    deleteSession(changed, "never-there");
    expect(getSession(changed, "visits")).toBe(3);
    expect(getSession(changed, "user")).toBeUndefined();
    expect(written(changed)).toEqual({ visits: 3 });
  });

  it("writes the token as is (no percent-encoding), signed or encrypted", () => {
    const signed = fetchSession(connWith(), options);
    putSession(signed, "note", "a&b=c; d");
    expect(written(signed)).toEqual({ note: "a&b=c; d" });
    const value = (signed.respHeaders["set-cookie"] as string[])[0].slice(options.key.length + 1).split(";")[0];
    expect(value).toMatch(/^SFMyNTY\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeSession(value, options)).toEqual({ note: "a&b=c; d" });

    const sealed: SessionOptions = { ...options, encryptionSalt: "enc" };
    const conn = fetchSession(new Conn({ method: "GET", url: "/" }), sealed);
    putSession(conn, "n", 1);
    for (const hook of (conn.private.beforeSend ?? []) as ((c: Conn) => void)[]) hook(conn);
    const sealedValue = (conn.respHeaders["set-cookie"] as string[])[0].slice(options.key.length + 1).split(";")[0];
    expect(sealedValue).toMatch(/^A256GCM\.[A-Za-z0-9_-]+$/);
    expect(decodeSession(sealedValue, sealed)).toEqual({ n: 1 });
  });

  it("writes the cookie's attributes of the options as they are now, per scheme, on every response", () => {
    // putSafeRespCookie serializes the attributes once per options object: a changed option,
    // another scheme or another configuration must still give their own attributes.
    const cookieOf = (conn: Conn, key = options.key) => {
      for (const hook of (conn.private.beforeSend ?? []) as ((c: Conn) => void)[]) hook(conn);
      const line = (conn.respHeaders["set-cookie"] as string[]).find((c) => c.startsWith(`${key}=`))!;
      return { value: line.slice(key.length + 1).split(";")[0], attributes: line.slice(line.indexOf(";")) };
    };
    const visit = (opts: SessionOptions, scheme: "http" | "https" = "http", n = 1) => {
      const conn = fetchSession(new Conn({ method: "GET", url: "/", scheme }), opts);
      putSession(conn, "n", n);
      return cookieOf(conn, opts.key);
    };
    const mine: SessionOptions = { ...options };
    expect(visit(mine).attributes).toBe("; Path=/; HttpOnly; SameSite=Lax");
    const second = visit(mine, "http", 2);
    expect(second.attributes).toBe("; Path=/; HttpOnly; SameSite=Lax");
    expect(decodeSession(second.value, mine)).toEqual({ n: 2 });
    expect(visit(mine, "https").attributes).toBe("; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(visit(mine).attributes).toBe("; Path=/; HttpOnly; SameSite=Lax");
    mine.maxAge = 3600;
    mine.path = "/app";
    expect(visit(mine).attributes).toBe("; Max-Age=3600; Path=/app; HttpOnly; SameSite=Lax");
    const other: SessionOptions = { ...options, key: "_other_key", sameSite: "Strict" };
    expect(visit(other).attributes).toBe("; Path=/; HttpOnly; SameSite=Strict");
    // A path a header cannot carry is still refused, with putRespCookie's message.
    expect(() => visit({ ...options, path: "/a;b" })).toThrow(/putRespCookie: option path is invalid/);
  });

  it("starts an empty session without a cookie or with a forged one", () => {
    const none = fetchSession(connWith(), options);
    expect(getSession(none, "visits")).toBeUndefined();
    const forged = new Conn({ method: "GET", url: "/", headers: { cookie: `${options.key}=${encodeSession({ admin: true }, { ...options, signingSalt: "other" })}` } });
    fetchSession(forged, options);
    expect(getSession(forged, "admin")).toBeUndefined();
    putSession(forged, "visits", 1);
    expect(written(forged)).toEqual({ visits: 1 });
  });

  it("changes a session handed in from outside (ConnTest's session:) on a copy, never in place", () => {
    const given = { visits: 1, user: "ada" };
    const conn = new Conn({ method: "GET", url: "/" });
    conn.private.session = { data: given, dirty: false, options: undefined };
    fetchSession(conn, options);
    putSession(conn, "visits", 2);
    deleteSession(conn, "user");
    putSession(conn, "flag", true);
    expect(given).toEqual({ visits: 1, user: "ada" });
    expect(written(conn)).toEqual({ visits: 2, flag: true });

    const cleared = new Conn({ method: "GET", url: "/" });
    const kept = { a: 1 };
    cleared.private.session = { data: kept, dirty: false, options: undefined };
    fetchSession(cleared, options);
    clearSession(cleared);
    putSession(cleared, "b", 2);
    expect(kept).toEqual({ a: 1 });
    expect(written(cleared)).toEqual({ b: 2 });
  });
});

describe("fetchFlash", () => {
  it("shows the flash of the request before and drops it from the session on a page", () => {
    const conn = fetchFlash(fetchSession(connWith({ phoenix_flash: { info: "Saved" }, visits: 1 }), options));
    expect(conn.private.flash).toEqual({ info: "Saved" });
    conn.status = 200;
    expect(written(conn)).toEqual({ visits: 1 });
  });

  it("keeps new messages across a redirect only", () => {
    const redirecting = fetchFlash(fetchSession(connWith({ visits: 1 }), options));
    putFlash(redirecting, "info", "Created");
    redirecting.status = 302;
    expect(written(redirecting)).toEqual({ visits: 1, phoenix_flash: { info: "Created" } });

    const page = fetchFlash(fetchSession(connWith({ visits: 1 }), options));
    putFlash(page, "info", "Shown now");
    page.status = 200;
    expect(page.private.flash).toEqual({ info: "Shown now" });
    expect(written(page)).toBeNull();
  });
});

describe("putSecureBrowserHeaders", () => {
  const defaults = {
    "content-security-policy": "base-uri 'self'; frame-ancestors 'self';",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    "x-permitted-cross-domain-policies": "none",
  };

  it("sets Phoenix's four headers on a bare response", () => {
    const conn = putSecureBrowserHeaders(new Conn({ method: "GET", url: "/" }));
    expect(conn.respHeaders).toEqual(defaults);
  });

  it("leaves a header already set alone, whatever the case of its name", () => {
    const lower = putRespHeader(new Conn({ method: "GET", url: "/" }), "Content-Security-Policy", "default-src 'self'");
    putSecureBrowserHeaders(lower);
    expect(lower.respHeaders).toEqual({ ...defaults, "content-security-policy": "default-src 'self'" });

    const upper = new Conn({ method: "GET", url: "/" });
    upper.respHeaders["X-Content-Type-Options"] = "custom";
    putSecureBrowserHeaders(upper);
    expect(upper.respHeaders["X-Content-Type-Options"]).toBe("custom");
    expect(upper.respHeaders["x-content-type-options"]).toBeUndefined();
    expect(upper.respHeaders["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("adds extra headers on top, over existing ones", () => {
    const conn = putRespHeader(new Conn({ method: "GET", url: "/" }), "x-content-type-options", "already");
    putSecureBrowserHeaders(conn, { "X-Frame-Options": "DENY", "x-content-type-options": "forced" });
    expect(conn.respHeaders).toEqual({ ...defaults, "x-content-type-options": "forced", "x-frame-options": "DENY" });
  });
});
