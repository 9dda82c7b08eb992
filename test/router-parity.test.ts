// Differential tests for the generated route matcher (compiler/emit/matcher.ts): on every probe
// it must agree with the naive reference interpreter (compiler/router/interpret.ts), which walks
// the routes in declaration order exactly as Phoenix's compiled clauses are tried. Agreement
// means: same route (or both no match), same params, same pathInfo, and a malformed path makes
// both throw (the generated matcher's error carries status 400). The comparison and the random
// property live in test/support/parity.ts, shared with `npm run fuzz:router`.

import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { RouteIR } from "../compiler/router/ir.js";
import { loadStandaloneMatcher } from "../compiler/emit/standalone.js";
import { routesFromTable, type TableRoute } from "../compiler/router/table.js";
import { interpret, MalformedPathError } from "../compiler/router/interpret.js";
import { agree, agreeAllowed, hex, randomParity, type Matcher, type Outcome } from "./support/parity.js";

const DIR = resolve(import.meta.dirname, "../.fawkes-tmp/parity");
// The benchmark route sets, copied byte for byte into fixtures/bench-routes (its README names their origin),
// so the suite needs nothing beside the repository.
const ROUTE_SETS = resolve(import.meta.dirname, "../fixtures/bench-routes");

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

describe("random route sets", () => {
  // Each run compiles and imports a module (a few ms): 300 x 60 takes a few seconds; `npm run
  // fuzz:router` runs the same property on 10,000 route sets (test/support/fuzz-router.ts).
  const RUNS = 300;
  it(`the generated matcher agrees with the interpreter, and never answers with a route reported unreachable (${RUNS} route sets x 60 requests)`, async () => {
    const { requests, scanned, seen, flagged, aimedAtFlagged } = await randomParity(RUNS, compile);
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
