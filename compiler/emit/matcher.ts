// Emits the route matcher: a `switch` over the method, then, per method, a decision tree over
// the path's segments, generated from the route table.
//
// How the tree is built (the algorithm this file writes code for):
//   A state is (depth d, the routes that can still match, in declaration order). At a state:
//   - if the path has no segment d, the first route that ends at d (or has a glob at d, which
//     may bind nothing) and accepts the host wins;
//   - otherwise the routes are cut into runs at each glob-at-d route G: the runs before G are
//     tried first, then G (it takes everything that is left), then the runs after it;
//   - inside a run, a switch on the segment's length, then `startsWith` for each literal,
//     leads to the state for that literal, holding the static routes for it *and* every
//     parameter route declared before the last of them; the parameter routes follow the switch,
//     so a literal that finds nothing falls through to them. Every state either returns or
//     falls through, so declaration order (Phoenix's first-match rule) holds without a
//     specificity ranking.
//
// Two trees are emitted from the same states:
//   - the scan tree (hot path) for paths with no `%`, no `//` and no trailing `/`: it never
//     splits or decodes, it walks the string with `indexOf("/")` and compares literals in
//     place, slicing only the parameters of the route that matched (`split` on a fresh request
//     string costs ~300 ns, see ../shared/reference/perf-micro.md);
//   - the segments tree for everything else: the path is split and each segment
//     percent-decoded by the runtime's `decodePath` (malformed `%` → MalformedURIError → 400),
//     then matched segment by segment.

import type { RouteIR, SegmentIR } from "../router/ir.js";
import { Code, key, str } from "./_code.js";

type Mode = "scan" | "segments";

export interface MatcherEmitOptions {
  /** Writes the comment above each return: `app/router.ts:12  GET /users/:id -> UserController.show`. */
  describe: (route: RouteIR) => string;
}

/** The body of the matcher module after its imports (route constants, trees, `match`). */
export function emitMatcherBody(routes: readonly RouteIR[], options: MatcherEmitOptions): string {
  const c = new Code();
  const verbs = verbsOf(routes);
  const fns = new Map<string, string>(verbs.map((v, i) => [v, fnName(v, i)]));

  c.line("const EMPTY: Readonly<Record<string, never>> = Object.freeze({});");
  for (const r of routes) {
    c.line(`const R${r.index} = routes[${r.index}];`);
  }
  c.line("// A match with no parameters is the same object every time: no allocation.");
  for (const r of routes) {
    if (isConstant(r)) c.line(`const M${r.index}: RouteMatch = Object.freeze({ route: R${r.index}, params: EMPTY, pathInfo: null });`);
  }
  c.line();

  emitEntry(c, verbs, fns, routes);

  for (const mode of ["scan", "segments"] as const) {
    for (const verb of [...verbs, "*"]) {
      const cands = routes.filter((r) => accepts(r.verb, verb));
      if (verb === "*" && cands.length === 0) continue;
      const name = (mode === "scan" ? "scan" : "segs") + (verb === "*" ? "Any" : fns.get(verb)!);
      const sig = mode === "scan" ? "(u: string, host: string)" : "(s: readonly string[], host: string)";
      c.line();
      c.line(`// ${verb === "*" ? "any other method" : verb}: ${cands.length} route${cands.length === 1 ? "" : "s"}`);
      c.block(`function ${name}${sig}: RouteMatch | null {`, () => {
        if (mode === "scan") c.line("const n = u.length;").line("const p0 = 1;");
        emitState(c, mode, 0, cands, options);
        c.line("return null;");
      });
    }
  }
  return c.toString();
}

/** Verbs with a tree of their own, in a stable order. HEAD always has one (it falls back to GET). */
function verbsOf(routes: readonly RouteIR[]): string[] {
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];
  const set = new Set(routes.map((r) => r.verb).filter((v) => v !== "*"));
  if (set.has("GET")) set.add("HEAD");
  const known = order.filter((v) => set.has(v));
  const custom = [...set].filter((v) => !order.includes(v)).sort();
  return [...known, ...custom];
}

/** Which routes a request with `method` can match: its own, HEAD also GET's, and "*". */
function accepts(routeVerb: string, method: string): boolean {
  if (method === "*") return routeVerb === "*";
  return routeVerb === method || routeVerb === "*" || (method === "HEAD" && routeVerb === "GET");
}

function fnName(verb: string, i: number): string {
  const clean = verb.replace(/[^A-Za-z0-9_]/g, "_");
  return clean === verb ? verb : `${clean}_${i}`;
}

function isConstant(r: RouteIR): boolean {
  return r.hosts.length === 0 && r.kind === "match" && r.segments.every((s) => s.kind === "static");
}

function emitEntry(c: Code, verbs: string[], fns: Map<string, string>, routes: readonly RouteIR[]): void {
  const hasAny = routes.some((r) => r.verb === "*");
  const dispatch = (mode: Mode, arg: string) => {
    const prefix = mode === "scan" ? "scan" : "segs";
    c.block("switch (method) {", () => {
      for (const v of verbs) c.line(`case ${str(v)}: return ${prefix}${fns.get(v)}(${arg}, host);`);
      c.line(`default: return ${hasAny ? `${prefix}Any(${arg}, host)` : "null"};`);
    });
  };
  c.line("/**");
  c.line(" * Finds the route for a request: `url` is the request target (`req.url`, query allowed),");
  c.line(" * `host` the request's host without port. Returns null when no route matches; throws");
  c.line(" * MalformedURIError (status 400) when a path segment is not valid percent-encoding.");
  c.line(" */");
  c.block("export function match(method: string, url: string, host = \"\"): RouteMatch | null {", () => {
    c.line('const q = url.indexOf("?");');
    c.line("const u = q === -1 ? url : url.slice(0, q);");
    c.line("// Anything but a clean absolute path takes the decoding path.");
    c.block(
      'if (u.charCodeAt(0) !== 47 || u.indexOf("%") !== -1 || u.indexOf("//") !== -1 || (u.length > 1 && u.charCodeAt(u.length - 1) === 47)) {',
      () => c.line("return matchSegments(method, decodePath(u), host);"),
    );
    dispatch("scan", "u");
  });
  c.line();
  c.line("/** Like `match`, for a path already split into percent-decoded segments. */");
  c.block("export function matchSegments(method: string, s: readonly string[], host = \"\"): RouteMatch | null {", () =>
    dispatch("segments", "s"),
  );
  c.line();
  c.line("/** The methods some route accepts for this path (for 405 and `Allow`); slow, use on a miss. */");
  c.block("export function allowedMethods(url: string, host = \"\"): string[] {", () => {
    const probe = hasAny ? "[...METHODS, \"*\"]" : "METHODS";
    c.line(`return ${probe}.filter((m) => match(m, url, host) !== null);`);
  });
  c.line(`const METHODS: readonly string[] = ${JSON.stringify(verbs)};`);
}

// --- the tree ---------------------------------------------------------------------------

function emitState(c: Code, mode: Mode, d: number, cands: readonly RouteIR[], o: MatcherEmitOptions): void {
  if (cands.length === 0) return;
  const leaf = cands.filter((r) => r.segments.length === d || r.segments[d]?.kind === "glob");
  const more = cands.filter((r) => r.segments.length > d);
  const noMore = mode === "scan" ? `p${d} >= n` : `s.length === ${d}`;
  const hasMore = mode === "scan" ? `p${d} < n` : `s.length > ${d}`;
  if (leaf.length > 0 && more.length > 0) {
    c.block(`if (${noMore}) {`, () => emitLeaf(c, mode, d, leaf, o), "} else {");
    c.indent(() => emitSegment(c, mode, d, more, o));
    c.line("}");
  } else if (leaf.length > 0) {
    c.block(`if (${noMore}) {`, () => emitLeaf(c, mode, d, leaf, o));
  } else {
    c.block(`if (${hasMore}) {`, () => emitSegment(c, mode, d, more, o));
  }
}

/** The path has ended at depth d: the first route (in order) whose host matches wins. */
function emitLeaf(c: Code, mode: Mode, d: number, leaf: readonly RouteIR[], o: MatcherEmitOptions): void {
  for (const r of leaf) {
    if (emitReturn(c, mode, d, r, true, o)) return;
  }
}

/** Segment d exists: runs of non-glob routes, cut at each route with a glob at d. */
function emitSegment(c: Code, mode: Mode, d: number, more: readonly RouteIR[], o: MatcherEmitOptions): void {
  if (mode === "scan" && more.some((r) => r.segments[d].kind !== "glob")) {
    c.line(`let e${d} = u.indexOf("/", p${d});`);
    c.line(`if (e${d} === -1) e${d} = n;`);
    c.line(`const p${d + 1} = e${d} + 1;`);
  }
  let run: RouteIR[] = [];
  for (const r of more) {
    if (r.segments[d].kind !== "glob") {
      run.push(r);
      continue;
    }
    emitRun(c, mode, d, run, o);
    run = [];
    if (emitReturn(c, mode, d, r, false, o)) return;
  }
  emitRun(c, mode, d, run, o);
}

function emitRun(c: Code, mode: Mode, d: number, run: readonly RouteIR[], o: MatcherEmitOptions): void {
  if (run.length === 0) return;
  // Literals at d, with the last declaration index among their static routes.
  const last = new Map<string, number>();
  for (const r of run) {
    const s = r.segments[d];
    if (s.kind === "static") last.set(s.value, r.index);
  }
  const caseFor = (lit: string) => run.filter((r) => r.index <= last.get(lit)! && segmentAccepts(r.segments[d], lit));
  if (last.size > 0) emitLiterals(c, mode, d, [...last.keys()], caseFor, o);

  // Parameter routes, grouped into consecutive runs of the same shape (same prefix).
  const params = run.filter((r) => r.segments[d].kind === "param");
  let i = 0;
  while (i < params.length) {
    const prefix = (params[i].segments[d] as { prefix: string }).prefix;
    let j = i;
    while (j < params.length && (params[j].segments[d] as { prefix: string }).prefix === prefix) j++;
    const group = params.slice(i, j);
    if (prefix === "") emitState(c, mode, d + 1, group, o);
    else {
      const test = mode === "scan" ? `u.startsWith(${str(prefix)}, p${d})` : `s[${d}].startsWith(${str(prefix)})`;
      c.block(`if (${test}) {`, () => emitState(c, mode, d + 1, group, o));
    }
    i = j;
  }
}

function emitLiterals(
  c: Code,
  mode: Mode,
  d: number,
  literals: string[],
  caseFor: (lit: string) => RouteIR[],
  o: MatcherEmitOptions,
): void {
  if (mode === "segments") {
    c.block(`switch (s[${d}]) {`, () => {
      for (const lit of literals) {
        c.block(`case ${str(lit)}: {`, () => {
          emitState(c, mode, d + 1, caseFor(lit), o);
          c.line("break;");
        });
      }
    });
    return;
  }
  const byLength = new Map<number, string[]>();
  for (const lit of literals) byLength.set(lit.length, [...(byLength.get(lit.length) ?? []), lit]);
  const lengths = [...byLength.keys()].sort((a, b) => a - b);
  const test = (lit: string) => `u.startsWith(${str(lit)}, p${d})`;
  if (literals.length === 1) {
    const lit = literals[0];
    c.block(`if (e${d} - p${d} === ${lit.length} && ${test(lit)}) {`, () => emitState(c, mode, d + 1, caseFor(lit), o));
    return;
  }
  c.block(`switch (e${d} - p${d}) {`, () => {
    for (const len of lengths) {
      c.line(`case ${len}:`);
      c.indent(() => {
        byLength.get(len)!.forEach((lit, k) => {
          c.line(`${k === 0 ? "" : "} else "}if (${test(lit)}) {`);
          c.indent(() => emitState(c, mode, d + 1, caseFor(lit), o));
        });
        c.line("}");
        c.line("break;");
      });
    }
  });
}

function segmentAccepts(s: SegmentIR, lit: string): boolean {
  if (s.kind === "static") return s.value === lit;
  if (s.kind === "param") return lit.startsWith(s.prefix);
  return true;
}

/**
 * Writes the return for route r, matched with segments 0..d-1 bound (and a glob at d, when it
 * has one). Returns true when the return is unconditional, i.e. nothing after it can run.
 */
function emitReturn(c: Code, mode: Mode, d: number, r: RouteIR, ended: boolean, o: MatcherEmitOptions): boolean {
  c.line(`// ${o.describe(r)}`);
  let value: string;
  if (isConstant(r)) value = `M${r.index}`;
  else {
    const glob = r.segments[d]?.kind === "glob" ? globValue(mode, d, ended) : null;
    const params: string[] = [];
    r.segments.forEach((s, i) => {
      if (s.kind === "param") params.push(`${prop(s.name)}: ${paramValue(mode, i, s.prefix.length)}`);
      else if (s.kind === "glob" && r.kind === "match") params.push(`${prop(s.name)}: ${glob}`);
    });
    const p = params.length ? `{ ${params.join(", ")} }` : "EMPTY";
    value = `{ route: R${r.index}, params: ${p}, pathInfo: ${r.kind === "forward" ? glob : "null"} }`;
  }
  const cond = hostTest(r.hosts);
  c.line(cond ? `if (${cond}) return ${value};` : `return ${value};`);
  return cond === null;
}

function paramValue(mode: Mode, i: number, prefixLength: number): string {
  if (mode === "segments") return prefixLength ? `s[${i}].slice(${prefixLength})` : `s[${i}]`;
  return `u.slice(${prefixLength ? `p${i} + ${prefixLength}` : `p${i}`}, e${i})`;
}

function globValue(mode: Mode, d: number, ended: boolean): string {
  if (ended) return "[]";
  return mode === "segments" ? `s.slice(${d})` : `u.slice(p${d}).split("/")`;
}

/** `__proto__` as a plain key would set the prototype: write it computed. */
function prop(name: string): string {
  return name === "__proto__" ? `["__proto__"]` : key(name);
}

function hostTest(hosts: readonly string[]): string | null {
  if (hosts.length === 0) return null;
  return hosts.map((h) => (h.endsWith(".") ? `host.startsWith(${str(h)})` : `host === ${str(h)}`)).join(" || ");
}
