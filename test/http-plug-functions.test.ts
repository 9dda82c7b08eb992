// The Plug and Phoenix functions people reach for, through a compiled app and its endpoint:
// status names, assign(conn, key, value), signed and encrypted cookies with fetchCookies,
// clearFlash, the requestId plug (header and log lines), currentPath / currentUrl.

import { beforeAll, describe, expect, it } from "vitest";
import { attachLogger, defineEndpoint, requestId, statusCode, Token, type Endpoint } from "fawkes";
import { get, getRespHeader, jsonResponse, recycleCookies, redirectedTo } from "fawkes/testing";
import { buildApp, routerSource } from "./support/app.js";

const SECRET = "k".repeat(64);
const SESSION = `{ key: "_t_key", secretKeyBase: "${SECRET}", signingSalt: "salt" }`;

const CONTROLLER = `import { assign, clearFlash, currentPath, currentUrl, deleteRespCookie, fetchCookies, getFlash, json, putFlash, putRespCookie, putStatus, redirect, resp, text, type Conn } from "fawkes";

export const created = (conn: Conn) => json(putStatus(conn, "created"), { ok: true });
export const gone = (conn: Conn) => resp(conn, "gone", "gone\\n");
export const typo = (conn: Conn) => json(putStatus(conn, "Not Found" as never), {});
export const assigns = (conn: Conn) => json(assign(assign(conn, "one", 1), { two: 2, three: 3 }), conn.assigns);

export function setCookies(conn: Conn) {
  putRespCookie(conn, "plain", "v1");
  putRespCookie(conn, "plain", "v2");
  putRespCookie(conn, "remember", { userId: 7, name: "Ada" }, { sign: true });
  putRespCookie(conn, "secret", { card: "4242" }, { encrypt: true, maxAge: 60 });
  return text(conn, "set\\n");
}
export function readCookies(conn: Conn) {
  fetchCookies(conn, { signed: ["remember"], encrypted: ["secret"] });
  return json(conn, { cookies: conn.cookies, raw: Object.keys(conn.reqCookies).sort() });
}
export function readRaw(conn: Conn) {
  fetchCookies(conn);
  return json(conn, conn.cookies);
}
export function mixed(conn: Conn) {
  let unfetched = "";
  try { void conn.cookies; } catch (e) { unfetched = (e as Error).message; }
  putRespCookie(conn, "fresh", "new");
  deleteRespCookie(conn, "plain");
  fetchCookies(conn);
  putRespCookie(conn, "later", { n: 1 }, { sign: true });
  return json(conn, { unfetched, cookies: conn.cookies });
}

export function flashAndClear(conn: Conn) {
  putFlash(conn, "info", "will be cleared");
  clearFlash(conn);
  putFlash(conn, "error", "kept");
  return redirect(conn, { to: "/flash" });
}
export function flashAllCleared(conn: Conn) {
  putFlash(conn, "info", "gone");
  clearFlash(conn);
  return redirect(conn, { to: "/flash" });
}
export const showFlash = (conn: Conn) => json(conn, { info: getFlash(conn, "info") ?? null, error: getFlash(conn, "error") ?? null });

export const where = (conn: Conn) => json(conn, { path: currentPath(conn), url: currentUrl(conn), withParams: currentPath(conn, { page: 2, q: "a b" }), none: currentPath(conn, {}) });
export const boom = (_conn: Conn): Conn => { throw new Error("boom with an id"); };
`;

const ROUTER = routerSource(
  ["ThingController"],
  `  r.pipeline("browser", (p) => { p.plug(fetchSession, ${SESSION}); p.plug(fetchFlash); });
  r.get("/created", ThingController, "created");
  r.get("/gone", ThingController, "gone");
  r.get("/typo", ThingController, "typo");
  r.get("/assigns", ThingController, "assigns");
  r.get("/set-cookies", ThingController, "setCookies");
  r.get("/read-cookies", ThingController, "readCookies");
  r.get("/read-raw", ThingController, "readRaw");
  r.get("/mixed", ThingController, "mixed");
  r.get("/boom", ThingController, "boom");
  r.get("/where/*rest", ThingController, "where");
  r.scope("/", () => {
    r.pipeThrough("browser");
    r.get("/flash-and-clear", ThingController, "flashAndClear");
    r.get("/flash-all-cleared", ThingController, "flashAllCleared");
    r.get("/flash", ThingController, "showFlash");
  });`,
).replace('import { defineRouter } from "fawkes";', 'import { defineRouter, fetchFlash, fetchSession } from "fawkes";');

let endpoint: Endpoint;
const logs: string[] = [];
beforeAll(async () => {
  const app = await buildApp({ "app/router.ts": ROUTER, "app/controllers/thing-controller.ts": CONTROLLER });
  expect(app.errors).toEqual([]);
  const router = await import(`${app.root}/.fawkes/router.gen.ts`);
  endpoint = defineEndpoint({
    router,
    plugs: [requestId],
    config: { secretKeyBase: SECRET, url: { scheme: "https", host: "example.com" }, logger: (m, e) => void logs.push(e ? `${m}: ${(e as Error).message}` : m) },
  });
});

describe("status names", () => {
  it("putStatus and resp take Plug's names, as json(putStatus(conn, 'created'))", async () => {
    expect(jsonResponse(await get(endpoint, "/created"), 201)).toEqual({ ok: true });
    const gone = await get(endpoint, "/gone");
    expect([gone.status, gone.respBody]).toEqual([410, "gone\n"]);
    expect(statusCode("unprocessable_entity")).toBe(422);
    expect(statusCode("unprocessable_content")).toBe(422);
    expect(statusCode("im_a_teapot")).toBe(418);
    expect(statusCode(204)).toBe(204);
  });

  it("an unknown name is a 500 whose log line says what was meant", async () => {
    expect((await get(endpoint, "/typo")).status).toBe(500);
    expect(logs.at(-1)).toMatch(/putStatus: unknown status "Not Found" \(did you mean "not_found"\?\)/);
    expect(() => statusCode("nope" as never)).toThrow(/unknown status "nope"; use a number or one of Plug's names/);
  });
});

it("assign takes a key and a value, or an object", async () => {
  expect(jsonResponse(await get(endpoint, "/assigns"), 200)).toEqual({ one: 1, two: 2, three: 3 });
});

describe("signed and encrypted cookies", () => {
  it("round-trip through fetchCookies; one Set-Cookie per name, the last put wins", async () => {
    const set = await get(endpoint, "/set-cookies");
    const headers = getRespHeader(set, "set-cookie") as string[];
    expect(headers.filter((h) => h.startsWith("plain="))).toEqual(["plain=v2; Path=/; HttpOnly"]);
    const cookies = recycleCookies(set);
    const read = jsonResponse(await get(endpoint, "/read-cookies", { cookies }), 200);
    expect(read).toEqual({ cookies: { plain: "v2", remember: { userId: 7, name: "Ada" }, secret: { card: "4242" } }, raw: ["plain", "remember", "secret"] });
  });

  it("are Plug's: Token.sign/encrypt with the cookie name + \"_cookie\" as salt, a day unless maxAge", async () => {
    const cookies = recycleCookies(await get(endpoint, "/set-cookies"));
    expect(Token.verify(SECRET, "remember_cookie", cookies.remember)).toEqual({ ok: true, data: { userId: 7, name: "Ada" } });
    expect(Token.decrypt(SECRET, "secret_cookie", cookies.secret)).toEqual({ ok: true, data: { card: "4242" } });
    // The signed value is readable (not secret), the encrypted one is not.
    const payload = JSON.parse(Buffer.from(cookies.remember.split(".")[1], "base64url").toString());
    expect(payload).toMatchObject({ data: { userId: 7, name: "Ada" }, max_age: 86400 });
    expect(Buffer.from(cookies.secret, "base64url").toString("latin1")).not.toContain("4242");
    // maxAge: 60 is in the token too: a minute later it no longer decrypts.
    expect(Token.decrypt(SECRET, "secret_cookie", cookies.secret, { now: Date.now() + 61_000 })).toEqual({ ok: false, error: "expired" });
  });

  it("a tampered value, another secret or another cookie's value is left out, not an error", async () => {
    const cookies = recycleCookies(await get(endpoint, "/set-cookies"));
    const other = Token.sign("o".repeat(64), "remember_cookie", { userId: 1 });
    const read = jsonResponse(await get(endpoint, "/read-cookies", { cookies: { remember: cookies.remember.slice(0, -2) + "xx", secret: cookies.remember } }), 200) as { cookies: object };
    expect(read.cookies).toEqual({});
    const forged = jsonResponse(await get(endpoint, "/read-cookies", { cookies: { remember: other } }), 200) as { cookies: object };
    expect(forged.cookies).toEqual({});
  });

  it("without signed: the value as sent; conn.cookies throws until fetched and merges this response's cookies", async () => {
    const cookies = recycleCookies(await get(endpoint, "/set-cookies"));
    expect(jsonResponse(await get(endpoint, "/read-raw", { cookies }), 200)).toEqual(cookies);
    const mixed = jsonResponse(await get(endpoint, "/mixed", { cookies: { plain: "old", kept: "yes" } }), 200);
    expect(mixed).toEqual({ unfetched: expect.stringMatching(/^cookies are not fetched: call fetchCookies\(conn\) first/), cookies: { kept: "yes", fresh: "new", later: { n: 1 } } });
  });

  it("signing without a secretKeyBase is an error naming the setting", async () => {
    const { putRespCookie, fetchCookies, Conn } = await import("fawkes");
    const conn = new Conn({ method: "GET", url: "/" });
    expect(() => putRespCookie(conn, "x", 1, { sign: true })).toThrow('putRespCookie: to sign the cookie "x" the endpoint needs a secretKeyBase (config.secretKeyBase, 64+ random bytes)');
    expect(() => putRespCookie(conn, "x", 1, { sign: true, encrypt: true } as never)).toThrow(/encrypt implies sign/);
    expect(() => putRespCookie(conn, "x", 1 as never)).toThrow(/must be a string, got number \(pass \{ sign: true \} or \{ encrypt: true \}/);
    expect(() => fetchCookies(conn, { signed: ["x"] })).toThrow(/fetchCookies: to verify signed and encrypted cookies the endpoint needs a secretKeyBase/);
  });
});

describe("clearFlash", () => {
  it("drops the messages put before it, from this response and the next", async () => {
    const first = await get(endpoint, "/flash-and-clear");
    expect(redirectedTo(first)).toBe("/flash");
    expect(jsonResponse(await get(endpoint, "/flash", { cookies: recycleCookies(first) }), 200)).toEqual({ info: null, error: "kept" });
    const all = await get(endpoint, "/flash-all-cleared");
    expect(jsonResponse(await get(endpoint, "/flash", { cookies: recycleCookies(all) }), 200)).toEqual({ info: null, error: null });
  });
});

describe("requestId", () => {
  it("keeps a valid x-request-id, replaces a short or odd one, and sets the response header", async () => {
    const sent = "abcdefghij0123456789-_";
    expect(getRespHeader(await get(endpoint, "/created", { headers: { "x-request-id": sent } }), "x-request-id")).toBe(sent);
    for (const bad of ["short", "x".repeat(201), "has spaces in it, twenty+", "new\nline-0123456789abcdef"]) {
      const id = getRespHeader(await get(endpoint, "/created", { headers: { "x-request-id": bad } }), "x-request-id") as string;
      expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    }
    const a = getRespHeader(await get(endpoint, "/created"), "x-request-id");
    const b = getRespHeader(await get(endpoint, "/created"), "x-request-id");
    expect(a).not.toBe(b);
  });

  it("the endpoint's log lines for the request carry it, and its error response keeps the header", async () => {
    const id = "req-0123456789abcdefghij";
    const conn = await get(endpoint, "/boom", { headers: { "x-request-id": id } });
    expect(conn.status).toBe(500);
    expect(getRespHeader(conn, "x-request-id")).toBe(id);
    expect(logs.at(-1)).toBe(`request_id=${id} GET /boom failed: boom with an id`);
  });

  it("attachLogger's request line starts with it", async () => {
    const lines: string[] = [];
    const detach = attachLogger((l) => lines.push(l));
    try {
      await get(endpoint, "/created", { headers: { "x-request-id": "line-0123456789abcdefghij" } });
    } finally {
      detach();
    }
    expect(lines[0]).toMatch(/^request_id=line-0123456789abcdefghij GET \/created 201 in /);
  });

  it("options: another header, assignAs, a generator", async () => {
    const plain = defineEndpoint({ router: { match: () => null, dispatch: [] }, plugs: [[requestId, { httpHeader: "X-Trace", assignAs: "rid", generator: () => "g".repeat(24) }]], config: { logger: () => {} } });
    const conn = await get(plain, "/nothing");
    expect(conn.status).toBe(404);
    expect(conn.assigns.rid).toBe("g".repeat(24));
    expect(getRespHeader(conn, "x-trace")).toBe("g".repeat(24));
  });
});

describe("currentPath and currentUrl", () => {
  it("normalize the path, keep the query as sent, and take the host from the url config", async () => {
    expect(jsonResponse(await get(endpoint, "/where//a/b%20c/?x=1&y=%2F"), 200)).toEqual({
      path: "/where/a/b%20c?x=1&y=%2F",
      url: "https://example.com/where/a/b%20c?x=1&y=%2F",
      withParams: "/where/a/b%20c?page=2&q=a+b",
      none: "/where/a/b%20c",
    });
  });
});

