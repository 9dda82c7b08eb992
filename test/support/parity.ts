// The parity property of test/router-parity.test.ts, shared with `npm run fuzz:router`
// (test/support/fuzz-router.ts runs it on 10,000 route sets outside vitest, where each set's
// matcher module is imported by Node itself, untransformed): random route tables and requests,
// the generated matcher (compiler/emit/matcher.ts) against the reference interpreter
// (compiler/router/interpret.ts). Agreement means: same route (or both no match), same params,
// same pathInfo, and a malformed path makes both throw (the generated matcher's error carries
// status 400).

import { deepStrictEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { interpret, MalformedPathError } from "../../compiler/router/interpret.js";
import type { RouteIR } from "../../compiler/router/ir.js";
import type { loadStandaloneMatcher } from "../../compiler/emit/standalone.js";
import { routesFromTable, type TableRoute } from "../../compiler/router/table.js";
import { checkShadowing } from "../../compiler/router/check.js";

export type Matcher = Awaited<ReturnType<typeof loadStandaloneMatcher>>;

/** What a lookup came to, in a form both implementations can be compared on. */
export type Outcome =
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

export function describeRoutes(routes: readonly RouteIR[]): string {
  return routes
    .map((r) => `  ${r.index}: ${r.kind === "forward" ? "forward" : r.verb} ${r.path}${r.hosts.length ? `  hosts ${JSON.stringify(r.hosts)}` : ""}`)
    .join("\n");
}

/** Throws a readable error (route table, request, both outcomes) when the two disagree. */
export function agree(routes: readonly RouteIR[], m: Matcher, method: string, url: string, host = ""): Outcome {
  const got = viaMatcher(m, method, url, host);
  const want = viaInterpreter(routes, method, url, host);
  try {
    deepStrictEqual(got, want);
  } catch (e) {
    throw new Error(
      `generated matcher and interpreter disagree on ${method} ${JSON.stringify(url)} host=${JSON.stringify(host)}\n` +
        `routes:\n${describeRoutes(routes)}\n${(e as Error).message}`,
    );
  }
  return got;
}

/** allowedMethods must list exactly the methods (of those the table knows) the interpreter accepts. */
export function agreeAllowed(routes: readonly RouteIR[], m: Matcher, url: string, host = ""): void {
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
    equal((e as { status?: number }).status, 400);
    got = "error";
  }
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(
      `allowedMethods(${JSON.stringify(url)}, ${JSON.stringify(host)}): generated ${JSON.stringify(got)}, ` +
        `interpreter ${JSON.stringify(want)}\nroutes:\n${describeRoutes(routes)}`,
    );
  }
}

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
export const routeArb: fc.Arbitrary<RouteSpec> = fc.record({
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

export function tableOf(specs: readonly RouteSpec[]): TableRoute[] {
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

export const requestArb: fc.Arbitrary<RequestSpec> = fc.record({
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

export const hex = (b: number, lower: boolean) => "%" + (lower ? b.toString(16) : b.toString(16).toUpperCase()).padStart(2, "0");

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

export function buildRequest(routes: readonly RouteIR[], r: RequestSpec): { method: string; url: string; host: string } {
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

/** Whether the generated `match` takes its scan tree for this URL (the rule in matcher.ts). */
export function takesScanPath(url: string): boolean {
  const u = url.split("?")[0];
  return u.startsWith("/") && !u.includes("%") && !u.includes("//") && (u.length === 1 || !u.endsWith("/"));
}

/** What a run of the property saw: the generators must reach every kind of outcome. */
export interface ParityStats {
  runs: number;
  requests: number;
  /** Requests the scan tree answered (clean paths); the rest took the decoding path. */
  scanned: number;
  seen: { match: number; none: number; error: number };
  /** Routes ROUTE_SHADOWED/DUPLICATE_ROUTE called unreachable, and requests aimed at one. */
  flagged: number;
  aimedAtFlagged: number;
}

/**
 * Runs the property on `runs` random route sets of 1-40 routes, 60 requests each (plus 5
 * allowedMethods probes): the generated matcher agrees with the interpreter, and never answers
 * with a route the checks call unreachable. Throws, with fast-check's seed and the shrunk case,
 * at the first disagreement.
 */
export async function randomParity(runs: number, compile: (routes: readonly RouteIR[]) => Promise<Matcher>, seed?: number): Promise<ParityStats> {
  const stats: ParityStats = { runs, requests: 0, scanned: 0, seen: { match: 0, none: 0, error: 0 }, flagged: 0, aimedAtFlagged: 0 };
  // ROUTE_SHADOWED and DUPLICATE_ROUTE are warnings: the build goes on and emits these routes.
  // The warning says "unreachable", so neither implementation may ever answer with one.
  await fc.assert(
    fc.asyncProperty(fc.array(routeArb, { minLength: 1, maxLength: 40 }), fc.array(requestArb, { minLength: 60, maxLength: 60 }), async (specs, reqs) => {
      const routes = routesFromTable(tableOf(specs));
      const m = await compile(routes);
      // routesFromTable puts route i on line i + 1.
      const unreachable = new Set(checkShadowing(routes).map((d) => d.loc.line - 1));
      stats.flagged += unreachable.size;
      for (const spec of reqs) {
        const { method, url, host } = buildRequest(routes, spec);
        const outcome = agree(routes, m, method, url, host);
        stats.seen[outcome.kind]++;
        if (spec.fromRoute && unreachable.has(spec.route % routes.length)) stats.aimedAtFlagged++;
        if (outcome.kind === "match" && unreachable.has(outcome.index)) {
          throw new Error(`route ${outcome.index} was reported unreachable, yet answers ${method} ${JSON.stringify(url)} host=${JSON.stringify(host)}\nroutes:\n${describeRoutes(routes)}`);
        }
        stats.requests++;
        if (takesScanPath(url)) stats.scanned++;
      }
      // allowedMethods is `match` per method; a few probes per set are enough.
      for (const spec of reqs.slice(0, 5)) {
        const { url, host } = buildRequest(routes, spec);
        agreeAllowed(routes, m, url, host);
      }
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
  );
  return stats;
}
