// Before any measurement, every server (each fresh process) must answer its endpoints like the
// expected responses built straight from data.mjs, peers/page.mjs and the peers' Eta views:
// same status, same content-type family, same body (JSON compared as values, since key order
// and spacing are the serializer's business; HTML as bytes, or else as text after whitespace
// normalisation, which is reported). Otherwise the servers would not be doing the same work.
//
// The page endpoint (GET/POST /page, on Fawkes, Fastify and Express) is checked as a browser
// would use it, once, untimed (verifyPage):
//   1. GET /page without a cookie: the page of a first visit, a session cookie set;
//   2. POST /page with that cookie and the form's CSRF token: 302 to /page, the flash in the session;
//      POST /page with the cookie and no token, and with a token of another session: 403 each;
//   3. GET /page with the cookie of 2: the flash shown, visit 2, the last visit the time of 1;
//   4. GET /page with the cookie of 3: visit 3, the flash gone (the session was written in 3).
// Bodies are compared as bytes with the page Eta renders from peers/views, once the per-request
// parts are normalised: the CSRF token in the form and the visit times (ISO dates). Every GET
// must carry Phoenix's secure browser headers (CSP compared by directives) and set the session
// cookie. The cookie of 2 is what the bench then sends with every timed request: each one reads
// the session, shows and drops the flash, counts the visit, masks a CSRF token, writes the
// session back and renders the layouts and 22 partials or components.
import { request } from "node:http";
import { isDeepStrictEqual } from "node:util";
import { Eta } from "eta";
import { PAGE_FLASH, PAGE_PATH, TEXT, pageAssigns, postAssigns, userJson } from "./data.mjs";
import { renderPost } from "./peers/page.mjs";
import { SESSION_COOKIE, VIEWS } from "./peers/page-stack.mjs";

export const ENDPOINTS = [
  { name: "text", path: "/", type: "text/plain", body: TEXT },
  { name: "json", path: "/users/42", type: "application/json", body: JSON.stringify(userJson("42")) },
  { name: "html", path: "/users/42/posts/7", type: "text/html", body: renderPost(postAssigns("42", "7")) },
  // Served by these servers only; the timed requests send the cookie verifyPage returns.
  { name: "page", path: PAGE_PATH, type: "text/html", servers: ["fawkes", "fastify", "express"] },
];

/** The endpoints `server` answers. */
export const endpointsOf = (server) => ENDPOINTS.filter((ep) => !ep.servers || ep.servers.includes(server));

function send(port, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, type: res.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const get = (port, path) => send(port, "GET", path);

const family = (type) => type.split(";")[0].trim().toLowerCase();
const squash = (s) => s.replace(/\s+/g, " ").trim();

/** Resolves with a list of notes (how the HTML matched); throws naming the first mismatch. */
export async function verify(server, port) {
  const notes = [];
  for (const ep of endpointsOf(server)) {
    if (ep.name === "page") continue; // verifyPage
    const r = await get(port, ep.path);
    const where = `${server} GET ${ep.path}`;
    if (r.status !== 200) throw new Error(`${where}: status ${r.status}, expected 200`);
    if (family(r.type) !== ep.type) throw new Error(`${where}: content-type "${r.type}", expected ${ep.type}`);
    if (ep.name === "json") {
      if (!isDeepStrictEqual(JSON.parse(r.body), JSON.parse(ep.body))) throw new Error(`${where}: JSON ${r.body}, expected ${ep.body}`);
    } else if (r.body !== ep.body) {
      if (ep.name !== "html" || squash(r.body) !== squash(ep.body)) {
        throw new Error(`${where}: body differs from the expected ${ep.name} (${r.body.length} vs ${ep.body.length} chars):\n${r.body.slice(0, 300)}`);
      }
      notes.push(`${server}: HTML equal only after whitespace normalisation`);
    }
  }
  return notes;
}

// --- the page endpoint ---------------------------------------------------------------------------

const eta = new Eta({ views: VIEWS, cache: true });
const TOKEN_FIELD = /(<input type="hidden" name="_csrf_token" value=")([^"]*)(">)/g;
const ISO_DATE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

/** The page every server must send for this visit, with its token and dates normalised. */
function expectedPage(visits, flashed) {
  return eta.render("catalogue", {
    ...pageAssigns({ visits, lastVisit: visits > 1 ? "DATE" : null }),
    flash: flashed ? { info: [PAGE_FLASH] } : {},
    csrfToken: "TOKEN",
  });
}

/** The body with the form's token and the ISO dates replaced; the token and dates as found. */
function normalise(body) {
  const tokens = [];
  const dates = body.match(ISO_DATE) ?? [];
  const text = body.replace(TOKEN_FIELD, (_, open, token, close) => {
    tokens.push(token);
    return `${open}TOKEN${close}`;
  }).replace(ISO_DATE, "DATE");
  return { text, tokens, dates };
}

/** Phoenix 1.8's put_secure_browser_headers, as every page response must carry them. */
const SECURE_HEADERS = {
  "content-security-policy": "base-uri 'self'; frame-ancestors 'self'",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-content-type-options": "nosniff",
  "x-permitted-cross-domain-policies": "none",
};
const directives = (csp) => csp.split(";").map((d) => d.trim().replace(/\s+/g, " ")).filter(Boolean);

/** A browser's cookie jar, for one server: name → value, from Set-Cookie headers. */
class Jar {
  cookies = new Map();
  take(res) {
    for (const line of res.headers["set-cookie"] ?? []) {
      const pair = line.split(";")[0];
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return this;
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  copy() {
    const jar = new Jar();
    jar.cookies = new Map(this.cookies);
    return jar;
  }
}

/**
 * The page flow of the comment above, once, for `server`. Resolves with the request headers the
 * timed GET /page requests send (the cookie of a session holding a flash); throws naming the
 * first thing a server did differently.
 */
export async function verifyPage(server, port) {
  const where = (what) => `${server} ${what}`;
  const page = async (jar, visits, flashed, what) => {
    const r = await send(port, "GET", PAGE_PATH, { headers: jar ? { cookie: jar.header } : {} });
    const at = where(`${what} (GET ${PAGE_PATH})`);
    if (r.status !== 200) throw new Error(`${at}: status ${r.status}, expected 200:\n${r.body.slice(0, 300)}`);
    if (family(r.type) !== "text/html") throw new Error(`${at}: content-type "${r.type}", expected text/html`);
    for (const [name, value] of Object.entries(SECURE_HEADERS)) {
      const got = r.headers[name];
      const same = typeof got === "string" && (name === "content-security-policy" ? isDeepStrictEqual(directives(got), directives(value)) : got === value);
      if (!same) throw new Error(`${at}: header ${name} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)} (Phoenix's secure browser headers)`);
    }
    if (!(r.headers["set-cookie"] ?? []).some((c) => c.startsWith(`${SESSION_COOKIE}=`))) {
      throw new Error(`${at}: no ${SESSION_COOKIE} cookie set: the session must be written on every visit`);
    }
    const { text, tokens, dates } = normalise(r.body);
    if (tokens.length !== 1 || tokens[0].length < 16) throw new Error(`${at}: expected one CSRF token in the form, found ${JSON.stringify(tokens)}`);
    const expected = expectedPage(visits, flashed);
    if (text !== expected) {
      let i = 0;
      while (i < text.length && text[i] === expected[i]) i++;
      throw new Error(`${at}: the page differs from the expected one (visit ${visits}${flashed ? ", flash" : ""}) at char ${i} of ${text.length} (expected ${expected.length}):\n` +
        `got:      ${JSON.stringify(text.slice(Math.max(0, i - 80), i + 80))}\nexpected: ${JSON.stringify(expected.slice(Math.max(0, i - 80), i + 80))}`);
    }
    return { res: r, token: tokens[0], dates };
  };
  const post = (jar, token) =>
    send(port, "POST", PAGE_PATH, {
      headers: { cookie: jar.header, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...(token === undefined ? {} : { _csrf_token: token }), "item[name]": "Lamp & shade", "item[price]": "12" }).toString(),
    });

  // 1. A first visit.
  const t0 = Date.now();
  const first = await page(null, 1, false, "first visit");
  const t1 = Date.now();
  const jar1 = new Jar().take(first.res);

  // 2. The form posted back: with the token, without it, and with another session's token.
  const noToken = await post(jar1, undefined);
  if (noToken.status !== 403) throw new Error(where(`POST ${PAGE_PATH} without a CSRF token: status ${noToken.status}, expected 403`));
  const other = await page(null, 1, false, "another first visit");
  const wrongToken = await post(jar1, other.token);
  if (wrongToken.status !== 403) throw new Error(where(`POST ${PAGE_PATH} with another session's CSRF token: status ${wrongToken.status}, expected 403`));
  const posted = await post(jar1, first.token);
  if (posted.status !== 302 || !/(^|\/\/[^/]+)\/page$/.test(posted.headers.location ?? "")) {
    throw new Error(where(`POST ${PAGE_PATH} with the form's CSRF token: status ${posted.status}, location ${posted.headers.location}, expected 302 to ${PAGE_PATH}:\n${posted.body.slice(0, 300)}`));
  }
  const jar2 = jar1.copy().take(posted);

  // 3. The page after the redirect: the flash, the second visit, the first one's time.
  const second = await page(jar2, 2, true, "the page after the POST");
  const last = Date.parse(second.dates[0] ?? "");
  if (!(last >= t0 - 1000 && last <= t1 + 1000)) throw new Error(where(`visit 2 shows the last visit at ${second.dates[0]}, not the time of visit 1 (${new Date(t0).toISOString()})`));
  const jar3 = jar2.copy().take(second.res);

  // 4. The session written in 3: visit 3, no flash.
  await page(jar3, 3, false, "the visit after that");

  // The timed requests replay 3 (the same cookie every time: visit 2 with the flash); check
  // it gives that page again, so every timed request does the same work.
  await page(jar2, 2, true, "the replayed visit");
  return { cookie: jar2.header };
}
