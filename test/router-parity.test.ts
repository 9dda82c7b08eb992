// Differential tests for the generated route matcher (compiler/emit/matcher.ts): on every probe
// it must agree with the naive reference interpreter (compiler/router/interpret.ts), which walks
// the routes in declaration order exactly as Phoenix's compiled clauses are tried. Agreement
// means: same route (or both no match), same params, same pathInfo, and a malformed path makes
// both throw (the generated matcher's error carries status 400).

import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { interpret, MalformedPathError } from "../compiler/router/interpret.js";
import type { RouteIR } from "../compiler/router/ir.js";
import { loadStandaloneMatcher } from "../compiler/router/standalone.js";
import { routesFromTable, type TableRoute } from "../compiler/router/table.js";
import { checkShadowing } from "../compiler/router/check.js";

const DIR = resolve(import.meta.dirname, "../.fawkes-tmp/parity");
// The benchmark route sets, copied byte for byte into fixtures/bench-routes (its README names their origin),
// so the suite needs nothing beside the repository.
const ROUTE_SETS = resolve(import.meta.dirname, "../fixtures/bench-routes");

type Matcher = Awaited<ReturnType<typeof loadStandaloneMatcher>>;

// Every module this file writes is removed at the end (other runs may share the directory).
const written: string[] = [];
afterAll(() => {
  for (const f of written) rmSync(f, { force: true });
});

async function compile(routes: readonly RouteIR[]): Promise<Matcher> {
  const m = await loadStandaloneMatcher(routes, DIR, "fawkes");
  written.push(m.file);
  return m;
}

/** What a lookup came to, in a form both implementations can be compared on. */
type Outcome =
  | { kind: "match"; index: number; params: Record<string, string | string[]>; pathInfo: string[] | null }
  | { kind: "none" }
  | { kind: "error"; status: number | undefined; name: string };

function viaMatcher(m: Matcher, method: string, url: string, host: string): Outcome {
  let r;
  try {
    r = m.match(method, url, host);
  } catch (e) {
    const err = e as Error & { status?: number };
    return { kind: "error", status: err.status, name: err.name };
  }
  if (r === null) return { kind: "none" };
  // Own properties only, arrays copied: the generated objects may be frozen or shared.
  const params: Record<string, string | string[]> = {};
  for (const k of Object.keys(r.params)) {
    const v = r.params[k];
    Object.defineProperty(params, k, { value: typeof v === "string" ? v : [...v], enumerable: true, writable: true, configurable: true });
  }
  return { kind: "match", index: r.route.index, params, pathInfo: r.pathInfo === null ? null : [...r.pathInfo] };
}

function viaInterpreter(routes: readonly RouteIR[], method: string, url: string, host: string): Outcome {
  let r;
  try {
    r = interpret(routes, method, url, host);
  } catch (e) {
    if (!(e instanceof MalformedPathError)) throw e;
    // The interpreter's error is not an HTTP error; the generated matcher must answer 400.
    return { kind: "error", status: 400, name: "MalformedURIError" };
  }
  if (r === null) return { kind: "none" };
  const params: Record<string, string | string[]> = {};
  for (const k of Object.keys(r.params)) {
    const v = r.params[k];
    Object.defineProperty(params, k, { value: typeof v === "string" ? v : [...v], enumerable: true, writable: true, configurable: true });
  }
  return { kind: "match", index: r.route.index, params, pathInfo: r.pathInfo === null ? null : [...r.pathInfo] };
}

function describeRoutes(routes: readonly RouteIR[]): string {
  return routes
    .map((r) => `  ${r.index}: ${r.kind === "forward" ? "forward" : r.verb} ${r.path}${r.hosts.length ? `  hosts ${JSON.stringify(r.hosts)}` : ""}`)
    .join("\n");
}

/** Throws a readable error (route table, request, both outcomes) when the two disagree. */
function agree(routes: readonly RouteIR[], m: Matcher, method: string, url: string, host = ""): Outcome {
  const got = viaMatcher(m, method, url, host);
  const want = viaInterpreter(routes, method, url, host);
  try {
    expect(got).toStrictEqual(want);
  } catch (e) {
    throw new Error(
      `generated matcher and interpreter disagree on ${method} ${JSON.stringify(url)} host=${JSON.stringify(host)}\n` +
        `routes:\n${describeRoutes(routes)}\n${(e as Error).message}`,
    );
  }
  return got;
}

/** allowedMethods must list exactly the methods (of those the table knows) the interpreter accepts. */
function agreeAllowed(routes: readonly RouteIR[], m: Matcher, url: string, host = ""): void {
  const verbs = new Set(routes.map((r) => r.verb));
  if (verbs.has("GET")) verbs.add("HEAD");
  let want: string[] | "error";
  try {
    want = [...verbs].filter((v) => interpret(routes, v, url, host) !== null).sort();
  } catch (e) {
    if (!(e instanceof MalformedPathError)) throw e;
    want = "error";
  }
  let got: string[] | "error";
  try {
    got = [...m.allowedMethods(url, host)].sort();
  } catch (e) {
    expect((e as { status?: number }).status).toBe(400);
    got = "error";
  }
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(
      `allowedMethods(${JSON.stringify(url)}, ${JSON.stringify(host)}): generated ${JSON.stringify(got)}, ` +
        `interpreter ${JSON.stringify(want)}\nroutes:\n${describeRoutes(routes)}`,
    );
  }
}

// --- 1. the shared route sets ------------------------------------------------------------------

type Probe = [method: string, path: string, category: string, index: number, params?: Record<string, string> | null];

async function shared(file: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(`${ROUTE_SETS}/${file}`).href) as Promise<Record<string, unknown>>;
}

/** Params expected for a probe of `pattern` (httprouter syntax, `:x` and a trailing `*x`). */
function expectedParams(pattern: string, path: string): Record<string, string | string[]> {
  const pat = pattern.split("/").filter(Boolean);
  const segs = path.split("/").filter(Boolean);
  const out: Record<string, string | string[]> = {};
  pat.forEach((p, i) => {
    if (p.startsWith(":")) out[p.slice(1)] = segs[i];
    else if (p.startsWith("*")) out[p.slice(1)] = segs.slice(i);
  });
  return out;
}

describe("shared route sets: every probe", () => {
  for (const [name, file, routesKey, requestsKey] of [
    ["github", "github.mjs", "githubRoutes", "githubRequests"],
    ["app", "app.mjs", "appRoutes", "appRequests"],
  ] as const) {
    it(`${name}: interpreter, generated matcher and the expected index agree`, async () => {
      const mod = await shared(file);
      const table = mod[routesKey] as [string, string][];
      const probes = (mod[requestsKey] as () => Probe[])();
      const routes = routesFromTable(table);
      const m = await compile(routes);
      expect(probes.length).toBeGreaterThan(20);
      for (const [method, path, , index, params] of probes) {
        const got = agree(routes, m, method, path);
        if (index === -1) {
          expect(got, `${method} ${path}`).toEqual({ kind: "none" });
          continue;
        }
        expect(got.kind === "match" && got.index, `${method} ${path}`).toBe(index);
        const p = (got as Extract<Outcome, { kind: "match" }>).params;
        expect(p, `${method} ${path}`).toStrictEqual(expectedParams(table[index][1], path));
        // The data sets write a glob's value joined.
        if (params) {
          const joined = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
          expect(joined, `${method} ${path}`).toStrictEqual(params);
        }
        // The same probe through the decoding path (trailing slash, doubled slash, query) and as HEAD.
        for (const variant of [path + "/", "/" + path, path + "?a=/b//c", path.replace(/[a-z]/, (c) => "%" + c.charCodeAt(0).toString(16))]) {
          expect(agree(routes, m, method, variant), `${method} ${variant}`).toStrictEqual(got);
        }
        // Neither set has HEAD routes: HEAD finds what GET finds.
        if (method === "GET") expect(agree(routes, m, "HEAD", path), `HEAD ${path}`).toStrictEqual(got);
        agreeAllowed(routes, m, path);
      }
    });
  }
});

// --- 2. random route sets ----------------------------------------------------------------------

/** Literal segments: [pattern text, decoded value]. Small, so that routes overlap. */
const LITERALS: [string, string][] = [
  ["a", "a"],
  ["b", "b"],
  ["new", "new"],
  ["users", "users"],
  ["x y", "x y"],
  ["ø", "ø"],
  ["%", "%"],
  ["v-1", "v-1"],
  ["\\:x", ":x"],
  ["1", "1"],
  ["😀", "😀"],
  ["..", ".."],
  ["ab", "ab"],
];
const LITERAL_WEIGHTS = [6, 4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2];
const PREFIXES = ["v-", "x", "ø", "n"];
/** Parameter names: a base plus the position, or one of these bare (at most once per route). */
const NAMES = ["p", "q", "id"];
const SPECIAL_NAMES = ["__proto__", "constructor"];
const VERBS = ["GET", "POST", "PUT", "HEAD", "PURGE", "*"];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PURGE", "DELETE", "*", "get"];
const HOSTS = ["", "api.example.com", "api.", "example.com", "apix.example.com", "www.example.com"];

/**
 * Decoded values for parameters and glob segments: equal to a literal, extending one ("ab",
 * "news", "10"), separators and escapes, unicode (two spellings of é), "" (dropped if alone).
 */
const VALUES = [
  "1", "42", "new", "a", "b", "users", "x y", "a/b", "/", "%", "%25", "%2F", "+", "a+b", "ø", "😀",
  "v-", "v-1", "x", ".", "..", "~", ":x", "*", "a?b", "#", "&=", "é", "e\u0301", "\u2028", "",
  "ab", "aa", "news", "10", "...", "øø",
];

type SegSpec = { t: "lit"; lit: number } | { t: "param"; prefix: string; base: string };
interface RouteSpec {
  verb: string;
  segs: SegSpec[];
  glob: string | null;
  hosts: readonly string[] | null;
  forward: boolean;
}

const litArb = fc.oneof(...LITERALS.map((_, i) => ({ weight: LITERAL_WEIGHTS[i], arbitrary: fc.constant(i) })));
const nameArb = fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_NAMES) });
const segArb: fc.Arbitrary<SegSpec> = fc.oneof(
  { weight: 5, arbitrary: litArb.map((lit) => ({ t: "lit" as const, lit })) },
  { weight: 3, arbitrary: nameArb.map((base) => ({ t: "param" as const, prefix: "", base })) },
  {
    weight: 2,
    arbitrary: fc.record({ prefix: fc.constantFrom(...PREFIXES), base: nameArb }).map((r) => ({ t: "param" as const, ...r })),
  },
);
const routeArb: fc.Arbitrary<RouteSpec> = fc.record({
  verb: fc.constantFrom(...VERBS),
  segs: fc.array(segArb, { maxLength: 4 }),
  glob: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("rest", "path") }),
  hosts: fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(["api."]) },
    { weight: 1, arbitrary: fc.constant(["example.com"]) },
    { weight: 1, arbitrary: fc.constant(["api.", "example.com"]) },
  ),
  forward: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

function tableOf(specs: readonly RouteSpec[]): TableRoute[] {
  return specs.map((s) => {
    if (s.forward) {
      // A forward's path is static.
      const lits = s.segs.filter((g): g is Extract<SegSpec, { t: "lit" }> => g.t === "lit");
      return { verb: "*", kind: "forward", path: "/" + lits.map((g) => LITERALS[g.lit][0]).join("/"), hosts: s.hosts ? [...s.hosts] : undefined };
    }
    // Names are unique within a route: the position is part of the name, but for the first use
    // of a special name.
    const used = new Set<string>();
    const name = (base: string, i: number) => (SPECIAL_NAMES.includes(base) && !used.has(base) ? (used.add(base), base) : `${base}${i}`);
    const parts = s.segs.map((g, i) => (g.t === "lit" ? LITERALS[g.lit][0] : `${g.prefix}:${name(g.base, i)}`));
    if (s.glob) parts.push("*" + s.glob);
    return { verb: s.verb, path: "/" + parts.join("/"), hosts: s.hosts ? [...s.hosts] : undefined };
  });
}

/** How a request is made: from a route (filled in awkwardly) or from noise, then decorated. */
interface RequestSpec {
  fromRoute: boolean;
  route: number;
  values: number[];
  encodings: number[];
  globLength: number;
  noise: string[];
  method: number;
  host: string;
  trailingSlash: boolean;
  doubleSlashAt: number | null;
  noLeadingSlash: boolean;
  query: string | null;
  mangle: { at: number; text: string } | null;
}

const NOISE = ["a", "b", "ab", "new", "users", "x y", "x%20y", "%C3%B8", "ø", "%", "%25", "%2F", "+", "", "..", ".", "v-", "v-1", "%zz", "%E0%A4%A", "%41"];
// Invalid escapes, truncated or invalid UTF-8 (lone byte, encoded surrogate, overlong), and two valid ones.
const MALFORMED = ["%zz", "%E0%A4%A", "%", "%C3", "%FF", "%2", "%ED%A0%80", "%C0%AF", "%2F", "%41"];

/** `arb` one time in `n`, else null (with fc.option's `freq` it is null that is 1 in n). */
const oneIn = <T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const requestArb: fc.Arbitrary<RequestSpec> = fc.record({
  fromRoute: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  route: fc.nat(),
  values: fc.array(fc.nat(VALUES.length - 1), { minLength: 8, maxLength: 8 }),
  // Mostly the plain spelling (so the scan tree gets its share), else one of the encoded ones.
  encodings: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }), {
    minLength: 8,
    maxLength: 8,
  }),
  globLength: fc.nat(3),
  noise: fc.array(fc.constantFrom(...NOISE), { maxLength: 5 }),
  method: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat(METHODS.length - 1) }),
  host: fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 2, arbitrary: fc.constantFrom(...HOSTS) }),
  trailingSlash: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  doubleSlashAt: oneIn(4, fc.nat(4)),
  noLeadingSlash: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  query: oneIn(4, fc.constantFrom("?a=/b", "?", "?x=%zz", "?q=a//b/", "?%")),
  mangle: oneIn(8, fc.record({ at: fc.nat(4), text: fc.constantFrom(...MALFORMED) })),
});

const hex = (b: number, lower: boolean) => "%" + (lower ? b.toString(16) : b.toString(16).toUpperCase()).padStart(2, "0");

/** A decoded segment as request text, in one of several legal spellings. */
function encode(text: string, how: number): string {
  switch (how) {
    case 0: // only what must be encoded: raw spaces, "+" and unicode stay
      return text.replace(/[%/?]/g, (c) => hex(c.charCodeAt(0), false));
    case 1:
      return encodeURIComponent(text);
    case 2: // every byte
      return [...new TextEncoder().encode(text)].map((b) => hex(b, false)).join("");
    default: // lower-case hex
      return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  }
}

function buildRequest(routes: readonly RouteIR[], r: RequestSpec): { method: string; url: string; host: string } {
  let parts: string[];
  let method: string;
  if (r.fromRoute) {
    const route = routes[r.route % routes.length];
    parts = [];
    let k = 0;
    const next = () => VALUES[r.values[k++ % r.values.length]];
    route.segments.forEach((s, i) => {
      const how = r.encodings[i % r.encodings.length];
      if (s.kind === "static") parts.push(encode(s.value, how));
      else if (s.kind === "param") parts.push(encode(s.prefix + next(), how) || "e");
      else for (let g = 0; g < r.globLength; g++) parts.push(encode(next(), how));
    });
    method = r.method === -1 ? (route.verb === "*" ? "DELETE" : route.verb) : METHODS[r.method];
  } else {
    parts = [...r.noise];
    method = r.method === -1 ? "GET" : METHODS[r.method];
  }
  if (r.mangle) {
    const at = r.mangle.at % (parts.length + 1);
    if (at === parts.length) parts.push(r.mangle.text);
    else parts[at] += r.mangle.text;
  }
  let url = (r.noLeadingSlash ? "" : "/") + parts.join("/");
  if (r.doubleSlashAt !== null) {
    const slashes = [...url.matchAll(/\//g)].map((x) => x.index);
    if (slashes.length) {
      const at = slashes[r.doubleSlashAt % slashes.length];
      url = url.slice(0, at) + "/" + url.slice(at);
    }
  }
  if (r.trailingSlash) url += "/";
  if (r.query) url += r.query;
  return { method, url, host: r.host };
}

function runsFromEnv(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PARITY_RUNS must be a whole number of route sets, at least 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Whether the generated `match` takes its scan tree for this URL (the rule in matcher.ts). */
function takesScanPath(url: string): boolean {
  const u = url.split("?")[0];
  return u.startsWith("/") && !u.includes("%") && !u.includes("//") && (u.length === 1 || !u.endsWith("/"));
}

describe("random route sets", () => {
  // Each run compiles and imports a module (a few ms): 300 x 60 takes a few seconds. The suite
  // runs 300; `npm run fuzz:router` runs the same property on PARITY_RUNS=10000 route sets.
  const RUNS = runsFromEnv(process.env.PARITY_RUNS, 300);
  it(`the generated matcher agrees with the interpreter, and never answers with a route reported unreachable (${RUNS} route sets x 60 requests)`, { timeout: 120_000 + RUNS * 200 }, async () => {
    let requests = 0;
    let scanned = 0;
    const seen = { match: 0, none: 0, error: 0 };
    // ROUTE_SHADOWED and DUPLICATE_ROUTE are warnings: the build goes on and emits these routes.
    // The warning says "unreachable", so neither implementation may ever answer with one.
    let flagged = 0;
    let aimedAtFlagged = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(routeArb, { minLength: 1, maxLength: 40 }),
        fc.array(requestArb, { minLength: 60, maxLength: 60 }),
        async (specs, reqs) => {
          const routes = routesFromTable(tableOf(specs));
          const m = await compile(routes);
          // routesFromTable puts route i on line i + 1.
          const unreachable = new Set(checkShadowing(routes).map((d) => d.loc.line - 1));
          flagged += unreachable.size;
          for (const spec of reqs) {
            const { method, url, host } = buildRequest(routes, spec);
            const outcome = agree(routes, m, method, url, host);
            seen[outcome.kind]++;
            if (spec.fromRoute && unreachable.has(spec.route % routes.length)) aimedAtFlagged++;
            if (outcome.kind === "match" && unreachable.has(outcome.index)) {
              throw new Error(`route ${outcome.index} was reported unreachable, yet answers ${method} ${JSON.stringify(url)} host=${JSON.stringify(host)}\nroutes:\n${describeRoutes(routes)}`);
            }
            requests++;
            if (takesScanPath(url)) scanned++;
          }
          // allowedMethods is `match` per method; a few probes per set are enough.
          for (const spec of reqs.slice(0, 5)) {
            const { url, host } = buildRequest(routes, spec);
            agreeAllowed(routes, m, url, host);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // The generators must reach every kind of outcome, or the property proves little.
    expect(requests).toBeGreaterThanOrEqual(RUNS * 60);
    // Measured: 260-310 flagged routes and 7-10 % of the requests aimed at one, over runs.
    expect(flagged).toBeGreaterThan(RUNS / 2);
    expect(aimedAtFlagged).toBeGreaterThan(requests * 0.03);
    expect(seen.match).toBeGreaterThan(requests * 0.2);
    expect(seen.none).toBeGreaterThan(requests * 0.05);
    expect(seen.error).toBeGreaterThan(requests * 0.02);
    // ... and both trees (see matcher.ts: clean paths are scanned, the rest split and decoded).
    expect(scanned).toBeGreaterThan(requests * 0.1);
    expect(requests - scanned).toBeGreaterThan(requests * 0.1);
  });
});

// --- 3. the tree's tricky parts ----------------------------------------------------------------

async function setup(table: TableRoute[]) {
  const routes = routesFromTable(table);
  const m = await compile(routes);
  /** The route index and params (pathInfo too, for forwards), checked against the interpreter. */
  const hit = (method: string, url: string, host = "") => {
    const o = agree(routes, m, method, url, host);
    if (o.kind !== "match") return o.kind === "none" ? null : o;
    return o.pathInfo === null ? [o.index, o.params] : [o.index, o.params, o.pathInfo];
  };
  return { routes, m, hit };
}

/** Spellings of the same request: the scan path, and several that take the decoding path. */
function spellings(url: string): string[] {
  return [url, url + "/", "/" + url, url + "?z=/q", url.replace(/\/([^/])/, (_, c: string) => "/" + hex(c.charCodeAt(0), false))];
}

describe("tree corner cases", () => {
  it("a parameter route declared before a static one at the same position wins", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/a/:x/c" },
      { verb: "GET", path: "/a/b/d" },
      { verb: "GET", path: "/a/b" },
      { verb: "GET", path: "/a/:y" },
    ]);
    for (const u of spellings("/a/b/c")) expect(hit("GET", u)).toEqual([0, { x: "b" }]);
    for (const u of spellings("/a/b/d")) expect(hit("GET", u)).toEqual([1, {}]);
    for (const u of spellings("/a/z/c")) expect(hit("GET", u)).toEqual([0, { x: "z" }]);
    expect(hit("GET", "/a/z/d")).toBeNull();
    expect(hit("GET", "/a/b")).toEqual([2, {}]);
    expect(hit("GET", "/a/q")).toEqual([3, { y: "q" }]);
  });

  it("a static route after a parameter route with the same shape is unreachable (no specificity)", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/posts/:id" },
      { verb: "GET", path: "/posts/skip" },
    ]);
    expect(hit("GET", "/posts/skip")).toEqual([0, { id: "skip" }]);
  });

  it("a glob between parameter routes of the same depth takes everything after it", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/f/:x" },
      { verb: "GET", path: "/f/*rest" },
      { verb: "GET", path: "/f/:x/:y" },
      { verb: "GET", path: "/f/new" },
      { verb: "GET", path: "/g/:x" },
      { verb: "GET", path: "/g/*rest", hosts: ["api."] },
      { verb: "GET", path: "/g/:x/:y" },
      { verb: "GET", path: "/g" },
    ]);
    for (const u of spellings("/f/1")) expect(hit("GET", u)).toEqual([0, { x: "1" }]);
    for (const u of spellings("/f/1/2")) expect(hit("GET", u)).toEqual([1, { rest: ["1", "2"] }]);
    expect(hit("GET", "/f")).toEqual([1, { rest: [] }]);
    expect(hit("GET", "/f/new")).toEqual([0, { x: "new" }]);
    expect(hit("GET", "/f/a%2Fb/%C3%B8/x%20y")).toEqual([1, { rest: ["a/b", "ø", "x y"] }]);
    // The glob only answers for its host; elsewhere the routes after it get their turn.
    expect(hit("GET", "/g/1/2", "api.example.com")).toEqual([5, { rest: ["1", "2"] }]);
    expect(hit("GET", "/g/1/2", "example.com")).toEqual([6, { x: "1", y: "2" }]);
    expect(hit("GET", "/g", "api.example.com")).toEqual([5, { rest: [] }]);
    expect(hit("GET", "/g")).toEqual([7, {}]);
    expect(hit("GET", "/g/1")).toEqual([4, { x: "1" }]);
  });

  it("prefix parameters interleaved with plain ones keep declaration order", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/p/v-:a" },
      { verb: "GET", path: "/p/:b" },
      { verb: "GET", path: "/p/v-:c/x" },
      { verb: "GET", path: "/p/w-:d/x" },
      { verb: "GET", path: "/p/:e/x" },
      { verb: "GET", path: "/p/w-:f/x" },
      { verb: "GET", path: "/p/v-1" },
    ]);
    for (const u of spellings("/p/v-1")) expect(hit("GET", u)).toEqual([0, { a: "1" }]);
    expect(hit("GET", "/p/v-")).toEqual([0, { a: "" }]);
    expect(hit("GET", "/p/v")).toEqual([1, { b: "v" }]);
    expect(hit("GET", "/p/w-2")).toEqual([1, { b: "w-2" }]);
    for (const u of spellings("/p/v-1/x")) expect(hit("GET", u)).toEqual([2, { c: "1" }]);
    expect(hit("GET", "/p/w-2/x")).toEqual([3, { d: "2" }]);
    expect(hit("GET", "/p/z/x")).toEqual([4, { e: "z" }]);
    expect(hit("GET", "/p/v-%2F/x")).toEqual([2, { c: "/" }]);
    // "v" then "-" across a slash is not the prefix "v-".
    expect(hit("GET", "/p/v/-x")).toBeNull();
  });

  it("a host-restricted route before an unrestricted one with the same path", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/h/:id", hosts: ["api."] },
      { verb: "GET", path: "/h/:key", hosts: ["example.com", "other.org"] },
      { verb: "GET", path: "/h/:other" },
      { verb: "GET", path: "/s", hosts: ["api."] },
      { verb: "GET", path: "/s" },
    ]);
    for (const u of spellings("/h/1")) {
      expect(hit("GET", u, "api.example.com")).toEqual([0, { id: "1" }]);
      expect(hit("GET", u, "example.com")).toEqual([1, { key: "1" }]);
      expect(hit("GET", u, "other.org")).toEqual([1, { key: "1" }]);
      expect(hit("GET", u, "www.example.com")).toEqual([2, { other: "1" }]);
      expect(hit("GET", u)).toEqual([2, { other: "1" }]);
    }
    // "api." is a prefix match on the whole host; "api" without the dot is not.
    expect(hit("GET", "/s", "api.")).toEqual([3, {}]);
    expect(hit("GET", "/s", "api")).toEqual([4, {}]);
    expect(hit("GET", "/s", "x.api.com")).toEqual([4, {}]);
  });

  it("HEAD also matches GET routes, in declaration order; `*` matches any method", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/x" },
      { verb: "HEAD", path: "/x" },
      { verb: "HEAD", path: "/y" },
      { verb: "GET", path: "/y" },
      { verb: "POST", path: "/z" },
      { verb: "PURGE", path: "/cache/:key" },
      { verb: "*", path: "/any/:id" },
      { verb: "GET", path: "/any/:id" },
    ]);
    expect(hit("HEAD", "/x")).toEqual([0, {}]);
    expect(hit("HEAD", "/y")).toEqual([2, {}]);
    expect(hit("GET", "/y")).toEqual([3, {}]);
    expect(hit("HEAD", "/z")).toBeNull();
    expect(hit("GET", "/z")).toBeNull();
    expect(hit("PURGE", "/cache/a%20b")).toEqual([5, { key: "a b" }]);
    expect(hit("GET", "/cache/a")).toBeNull();
    for (const method of ["GET", "HEAD", "POST", "PURGE", "DELETE", "M-SEARCH", "get", "*"]) {
      expect(hit(method, "/any/7")).toEqual([6, { id: "7" }]);
    }
    // Methods are case-sensitive: "get" is a method of its own, only `*` routes take it.
    expect(hit("get", "/x")).toBeNull();
  });

  it("HEAD without any GET route, and a table with only `*` routes", async () => {
    const a = await setup([{ verb: "POST", path: "/p" }]);
    expect(a.hit("HEAD", "/p")).toBeNull();
    const b = await setup([{ verb: "*", path: "/" }, { verb: "*", path: "/*rest" }]);
    expect(b.hit("HEAD", "/")).toEqual([0, {}]);
    expect(b.hit("OPTIONS", "/a/b")).toEqual([1, { rest: ["a", "b"] }]);
  });

  it("forwards: static prefix, any verb, pathInfo is the rest", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/admin/login" },
      { verb: "*", kind: "forward", path: "/admin" },
      { verb: "GET", path: "/admin/users" },
      { verb: "*", kind: "forward", path: "/api/v1", hosts: ["api."] },
      { verb: "GET", path: "/api/v1/:x" },
    ]);
    expect(hit("GET", "/admin/login")).toEqual([0, {}]);
    expect(hit("POST", "/admin/login")).toEqual([1, {}, ["login"]]);
    expect(hit("GET", "/admin/users")).toEqual([1, {}, ["users"]]);
    for (const u of spellings("/admin")) expect(hit("DELETE", u)).toEqual([1, {}, []]);
    expect(hit("PURGE", "/admin/a%2Fb/%C3%B8")).toEqual([1, {}, ["a/b", "ø"]]);
    expect(hit("GET", "/administrator")).toBeNull();
    expect(hit("GET", "/api/v1/x", "api.example.com")).toEqual([3, {}, ["x"]]);
    expect(hit("GET", "/api/v1/x")).toEqual([4, { x: "x" }]);
    expect(hit("GET", "/api/v1")).toBeNull();
  });

  it("a parameter named __proto__ is an own property, not the prototype", async () => {
    const { hit } = await setup([
      { verb: "GET", path: "/o/:__proto__" },
      { verb: "GET", path: "/g/*__proto__" },
    ]);
    const [, params] = hit("GET", "/o/x") as [number, Record<string, string>];
    expect(Object.keys(params)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(params, "__proto__")?.value).toBe("x");
    const [, glob] = hit("GET", "/g/a/b") as [number, Record<string, string[]>];
    expect(Object.getOwnPropertyDescriptor(glob, "__proto__")?.value).toEqual(["a", "b"]);
  });

  it("malformed percent-encoding: 400 from the generated matcher, an error from the interpreter", async () => {
    const { routes, m } = await setup([
      { verb: "GET", path: "/a/:x" },
      { verb: "GET", path: "/%" },
    ]);
    for (const url of ["/a/%zz", "/a/%E0%A4%A", "/a/%", "/b/%C3", "/%FF", "/a/b/%2"]) {
      for (const method of ["GET", "POST", "NOPE"]) {
        const o = agree(routes, m, method, url);
        expect(o).toEqual({ kind: "error", status: 400, name: "MalformedURIError" });
      }
      expect(() => interpret(routes, "GET", url)).toThrow(MalformedPathError);
    }
    // A bad escape in the query does not matter; "%25" is a literal "%".
    expect(agree(routes, m, "GET", "/a/1?x=%zz")).toMatchObject({ kind: "match", index: 0 });
    expect(agree(routes, m, "GET", "/%25")).toMatchObject({ kind: "match", index: 1 });
    expect(agree(routes, m, "GET", "/a/%2B+")).toMatchObject({ params: { x: "++" } });
  });

  it("allowedMethods lists the methods that match, for the host", async () => {
    const { routes, m } = await setup([
      { verb: "GET", path: "/u/:id" },
      { verb: "PUT", path: "/u/:id" },
      { verb: "DELETE", path: "/u/:id", hosts: ["admin."] },
      { verb: "POST", path: "/u" },
      { verb: "PURGE", path: "/u/:id" },
      { verb: "PATCH", path: "/u/new" },
    ]);
    expect(m.allowedMethods("/u/1")).toEqual(["GET", "HEAD", "PUT", "PURGE"]);
    expect(m.allowedMethods("/u/1", "admin.example.com")).toEqual(["GET", "HEAD", "PUT", "DELETE", "PURGE"]);
    expect(m.allowedMethods("/u/new/")).toEqual(["GET", "HEAD", "PUT", "PATCH", "PURGE"]);
    expect(m.allowedMethods("/u")).toEqual(["POST"]);
    expect(m.allowedMethods("/nope")).toEqual([]);
    expect(() => m.allowedMethods("/u/%zz")).toThrow(expect.objectContaining({ status: 400 }));
    for (const url of ["/u/1", "/u/new", "/u", "/nope"]) {
      agreeAllowed(routes, m, url);
      agreeAllowed(routes, m, url, "admin.x");
    }
    const any = await setup([
      { verb: "GET", path: "/a" },
      { verb: "*", path: "/b" },
    ]);
    expect(any.m.allowedMethods("/a")).toEqual(["GET", "HEAD"]);
    expect(any.m.allowedMethods("/b")).toEqual(["GET", "HEAD", "*"]);
  });
});
