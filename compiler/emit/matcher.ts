// Emits the route matcher: a `switch` over the method, then, per method, a decision tree over
// the path's segments, generated from the route table.
//
// How the tree is built (the algorithm this file writes code for):
//   A state is (depth d, the routes that can still match, in declaration order). At a state:
//   - if the path has no segment d, the first route that ends at d (or has a glob at d, which
//     may bind nothing) and accepts the host wins;
//   - otherwise the routes are cut into runs at each glob-at-d route G: the runs before G are
//     tried first, then G (it takes everything that is left), then the runs after it;
//   - inside a run, each literal leads to the state for that literal, holding the static routes
//     for it and every parameter route declared before the last of them that could match the
//     same path; all parameter routes follow the literals, so a literal that finds nothing falls
//     through to them. Every state either returns or falls through, so declaration order
//     (Phoenix's first-match rule) holds without a specificity ranking.
//
// Two trees are emitted from the same states:
//   - the scan tree (hot path) for paths without `%`: it never splits or decodes. Literals are
//     compared in place (a switch on the first char code, then the other chars, then "/" or the
//     end), `indexOf("/")` finds the end of a parameter, and only the parameters of the route
//     that matched are sliced. (`split` on a fresh request string costs ~300 ns and a builtin
//     call per literal ~10 ns, see ../shared/reference/perf-micro.md.) An empty segment ("//")
//     returns BAIL and the request is redone on the segments tree, which drops it;
//   - the segments tree for everything else: the path is split and each segment
//     percent-decoded by the runtime's `decodePath` (malformed `%` → MalformedURIError → 400),
//     then matched segment by segment with `switch` on the whole segment.
// Measured and dropped (GitHub set, `npm run bench:router:profile` and A/B runs of the generated
// module, December 2026): one JS loop finding `?` and `%` together in `match` (+40% per lookup
// against the two `indexOf`s, which are builtins); a trie over sibling literals that tests shared
// leading chars once (`co` of comments/commits/compare/contents) with nested switches (0 to 10%
// slower: more branches, bigger functions); `startsWith` for every literal (MAX_INLINE_CHARS = 0,
// ~15% slower) or char chains for all (16: no difference); SPLIT_AT 16 (slower), 64 or no split
// (no better); no whole-path static switch (3 to 11% slower on the mix, mostly param requests).
// Measured and dropped next (GitHub set, each variant of the generated module in its own process,
// alternated, net ns per lookup; `npm run bench:router:costs` for the harness and allocation
// figures): params as positional slices materialised on first read (a class holding the path and
// the offsets, a per-route builder behind a `params` getter): 95 B allocated per lookup instead of
// 125 and 6% faster when nothing reads a param, 63% slower when the first param is read (the
// builder call is megamorphic, and the endpoint reads every match's params into conn.params);
// a charCodeAt loop instead of `indexOf("/")` for a parameter's end (5 to 7% slower); the static
// switch moved out of the scan functions into `match`, before the `?`/`%` scans (a target equal
// to a static path has neither), so that a static hit skips them: app set 45.8 ns against 45.5,
// GitHub no better (the same switch kept in the scan functions as well: app 43.1 against 45.3,
// within what two identical modules differ by here; not worth a second copy). Sizes, for
// the record: the `?` and `%` scans are ~15 ns of ~165 (dropping both, incorrectly: 12%); the
// harness's consumption of a match (route index, first param by key) ~5 ns, the fresh string it
// subtracts ~60. What the mix's param requests cost is what every router pays: Fawkes makes 3.6
// builtin calls (`indexOf` x 3.62 with the two scans, `slice` x 1.52) and allocates ~130 B per
// lookup, @medley/router 4.2 calls (2.62 + 1.55) and ~135 B, which is why it is ~1.15x medley on
// the mix (3.6x on statics): a factor of 2 there needs a match that does not slice its params.
// Measured after that (one tree for every method, the empty-segment case out of the switches,
// dispatch tables, startsWith again; per request class; requests alone against mixed):
// bench/router/FINDINGS.md.
// Large subtrees become functions of their own: V8 does not optimize very large functions
// (TurboFan skips functions over ~60 kB of bytecode); SPLIT_AT = 32 keeps the GitHub set (203 routes) within a few percent of a single function in `npm run bench:router` (FAWKES_SPLIT_AT=n to retry).

import type { RouteIR, SegmentIR } from "../router/ir.js";
import { routeNames } from "../router/_names.js";
import { Code, key, str } from "./_code.js";
import { covers, StaticPrefixIndex } from "../router/coverage.js";

type Mode = "scan" | "segments";

export interface MatcherEmitOptions {
  /** Writes the comment above each return: `app/router.ts:12  GET /users/:id -> UserController.show`. */
  describe: (route: RouteIR) => string;
  /** Tuning: subtrees with at least this many routes become functions (default SPLIT_AT). */
  splitAt?: number;
}

/** A subtree with at least this many candidate routes is emitted as a function of its own. */
const SPLIT_AT = 32;
/** Literals longer than this (after the first char) are compared with one `startsWith`. */
const MAX_INLINE_CHARS = 8;

/** What the emitter of one function knows: the variables in scope and where subtrees go. */
interface Ctx {
  mode: Mode;
  o: MatcherEmitOptions;
  /** Variables (p0, e1, ...) declared so far on the current branch. */
  vars: string[];
  /** The function being written, to name its split-off subtrees. */
  fn: string;
  /** How many routes the function being written started with (a subtree with as many stays inline). */
  size: number;
  pending: { name: string; vars: string[]; d: number; cands: readonly RouteIR[] }[];
  counter: { n: number };
  /** The routes' constant names (routeNames). */
  names: ReadonlyMap<RouteIR, string>;
}

/** The body of the matcher module after its imports (route constants, trees, `match`). */
export function emitMatcherBody(routes: readonly RouteIR[], options: MatcherEmitOptions): string {
  const c = new Code();
  const trees = treesOf(routes);

  c.line("const EMPTY: Readonly<Record<string, never>> = Object.freeze({});");
  c.line("/** Returned by the scan tree for an empty segment: the request is redone on the segments tree. */");
  c.line("const BAIL: RouteMatch = Object.freeze({ route: null!, params: EMPTY, pathInfo: null });");
  // Route constants are named by verb and path, not by index: a route added or removed changes
  // its own lines here, not every later route's.
  const names = routeNames(routes);
  const R = (r: RouteIR) => `R_${names.get(r)!}`;
  const M = (r: RouteIR) => `M_${names.get(r)!}`;
  c.line("// Every route, in declaration order.");
  c.block("const [", () => {
    for (const r of routes) c.line(`${R(r)},`);
  }, "] = routes;");
  c.line("// A match with no parameters is the same object every time: no allocation.");
  for (const r of routes) {
    if (isConstant(r)) c.line(`const ${M(r)}: RouteMatch = Object.freeze({ route: ${R(r)}, params: EMPTY, pathInfo: null });`);
  }
  c.line();
  emitEntry(c, trees);

  for (const mode of ["scan", "segments"] as const) {
    for (const t of trees) {
      if (t.sameAs) continue;
      const name = (mode === "scan" ? "scan" : "segs") + t.fn;
      const sig = mode === "scan" ? "(u: string, host: string)" : "(s: readonly string[], host: string)";
      c.line();
      c.line(`// ${t.label}: ${t.routes.length} route${t.routes.length === 1 ? "" : "s"}`);
      const ctx: Ctx = { mode, o: options, vars: mode === "scan" ? ["p0"] : [], fn: name, size: t.routes.length, pending: [], counter: { n: 0 }, names };
      c.block(`function ${name}${sig}: RouteMatch | null {`, () => {
        if (mode === "scan") {
          c.line("const n = u.length;");
          emitStaticSwitch(c, t, names);
          c.line("const p0 = 1;");
        }
        emitState(c, ctx, 0, t.routes);
        c.line("return null;");
      });
      emitPending(c, ctx);
    }
  }
  return c.toString();
}

interface Tree {
  /** Method label for the comment (`GET`, `any other method`). */
  label: string;
  /** Function-name suffix. */
  fn: string;
  routes: readonly RouteIR[];
  /** Another tree with exactly the same routes (HEAD without HEAD routes is GET's tree). */
  sameAs: Tree | null;
  verb: string | null;
}

/** One tree per verb (HEAD also takes GET's routes, every verb takes "*"), and one for other methods. */
function treesOf(routes: readonly RouteIR[]): Tree[] {
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];
  const set = new Set(routes.map((r) => r.verb).filter((v) => v !== "*"));
  if (set.has("GET")) set.add("HEAD");
  const verbs = [...order.filter((v) => set.has(v)), ...[...set].filter((v) => !order.includes(v)).sort()];
  const trees: Tree[] = verbs.map((verb, i) => {
    const clean = verb.replace(/[^A-Za-z0-9_]/g, "_");
    return {
      label: verb,
      fn: clean === verb ? verb : `${clean}_${i}`,
      routes: routes.filter((r) => r.verb === verb || r.verb === "*" || (verb === "HEAD" && r.verb === "GET")),
      sameAs: null,
      verb,
    };
  });
  const any = routes.filter((r) => r.verb === "*");
  if (any.length) trees.push({ label: "any other method", fn: "Any", routes: any, sameAs: null, verb: null });
  for (const t of trees) {
    const twin = trees.find((o) => o !== t && o.sameAs === null && o.routes.length === t.routes.length && o.routes.every((r, i) => r === t.routes[i]));
    if (twin && trees.indexOf(twin) < trees.indexOf(t)) t.sameAs = twin;
  }
  return trees;
}

/**
 * Whole-path answers for static routes, before the walk: a switch on the length, then one
 * string comparison (the whole-path switch ran at ~2x the segment walk for static paths in
 * ../shared/reference/perf-micro.md). Only for a route that no earlier route of the tree also
 * matches (so first-match order holds) and whose path is the same raw and decoded.
 */
function emitStaticSwitch(c: Code, t: Tree, names: ReadonlyMap<RouteIR, string>): void {
  const byLength = new Map<number, RouteIR[]>();
  const earlier = new StaticPrefixIndex<RouteIR>();
  for (const r of t.routes) {
    // The tree's routes are those its method reaches, in declaration order: an earlier one whose
    // pattern matches this path, for any host, keeps this route in the walk (first match wins).
    const constant = isConstant(r) && r.segments.every((s) => s.kind === "static" && RAW_SAFE.test(s.value));
    const taken = constant && earlier.along(r.segments).some((list) => list.some((e) => covers(e.segments, r.segments)));
    earlier.add(r);
    if (!constant || taken) continue;
    const same = byLength.get(r.path.length);
    if (same) same.push(r);
    else byLength.set(r.path.length, [r]);
  }
  if (byLength.size === 0) return;
  c.block("switch (n) {", () => {
    for (const [len, rs] of [...byLength].sort(([a], [b]) => a - b)) {
      c.line(`case ${len}:`);
      c.indent(() => {
        for (const r of rs) c.line(`if (u === ${str(r.path)}) return M_${names.get(r)!};`);
        c.line("break;");
      });
    }
  });
}

/** Segment text that a request carries as is (no percent-encoding needed). */
const RAW_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]+$/;

function isConstant(r: RouteIR): boolean {
  return r.hosts.length === 0 && r.kind === "match" && r.segments.every((s) => s.kind === "static");
}

function emitEntry(c: Code, trees: Tree[]): void {
  const fnOf = (t: Tree) => (t.sameAs ?? t).fn;
  const other = trees.find((t) => t.verb === null);
  const dispatch = (prefix: string, arg: string, assign: boolean) => {
    c.block("switch (method) {", () => {
      for (const t of trees) {
        if (t.verb === null) continue;
        const call = `${prefix}${fnOf(t)}(${arg}, host)`;
        c.line(`case ${str(t.verb)}: ${assign ? `m = ${call}; break;` : `return ${call};`}`);
      }
      const call = other ? `${prefix}Any(${arg}, host)` : "null";
      c.line(`default: ${assign ? `m = ${call};` : `return ${call};`}`);
    });
  };
  c.line("/**");
  c.line(" * Finds the route for a request: `url` is the request target (`req.url`, query allowed),");
  c.line(" * `host` the request's host without port. Returns null when no route matches; throws");
  c.line(" * MalformedURIError (status 400) when a path segment is not valid percent-encoding.");
  c.line(" */");
  c.block('export function match(method: string, url: string, host = ""): RouteMatch | null {', () => {
    c.line('const q = url.indexOf("?");');
    c.line("const u = q === -1 ? url : url.slice(0, q);");
    c.line("// Percent-encoded or relative paths take the decoding path.");
    c.line('if (u.charCodeAt(0) !== 47 || u.indexOf("%") !== -1) return matchSegments(method, decodePath(u), host);');
    c.line("let m: RouteMatch | null;");
    dispatch("scan", "u", true);
    c.line('// An empty segment ("//") bails out of the scan: redo on the segments, which drop it.');
    c.line("return m === BAIL ? matchSegments(method, decodePath(u), host) : m;");
  });
  c.line();
  c.line("/** Like `match`, for a path already split into percent-decoded segments. */");
  c.block('export function matchSegments(method: string, s: readonly string[], host = ""): RouteMatch | null {', () =>
    dispatch("segs", "s", false),
  );
  c.line();
  c.line("/** The methods some route accepts for this path (for 405 and `Allow`); slow, use on a miss. */");
  c.block('export function allowedMethods(url: string, host = ""): string[] {', () => {
    c.line(`return ${other ? '[...METHODS, "*"]' : "METHODS"}.filter((m) => match(m, url, host) !== null);`);
  });
  c.line(`const METHODS: readonly string[] = ${JSON.stringify(trees.filter((t) => t.verb !== null).map((t) => t.verb))};`);
}

// --- the tree ---------------------------------------------------------------------------

function emitState(c: Code, ctx: Ctx, d: number, cands: readonly RouteIR[]): void {
  if (cands.length === 0) return;
  const leaf = cands.filter((r) => r.segments.length === d || r.segments[d]?.kind === "glob");
  const more = cands.filter((r) => r.segments.length > d);
  const scan = ctx.mode === "scan";
  const noMore = scan ? `p${d} >= n` : `s.length === ${d}`;
  const hasMore = scan ? `p${d} < n` : `s.length > ${d}`;
  if (leaf.length > 0 && more.length > 0) {
    c.block(`if (${noMore}) {`, () => emitLeaf(c, ctx, d, leaf), "} else {");
    c.indent(() => emitSegment(c, ctx, d, more));
    c.line("}");
  } else if (leaf.length > 0) {
    c.block(`if (${noMore}) {`, () => emitLeaf(c, ctx, d, leaf), scan ? "} else if (u.charCodeAt(p" + d + ") === 47) {" : "}");
    // The path goes on with an empty segment ("//"): only the segments tree knows the answer.
    if (scan) c.indent(() => c.line("return BAIL;")).line("}");
  } else {
    c.block(`if (${hasMore}) {`, () => emitSegment(c, ctx, d, more));
  }
}

/** The path has ended at depth d: the first route (in order) whose host matches wins. */
function emitLeaf(c: Code, ctx: Ctx, d: number, leaf: readonly RouteIR[]): void {
  for (const r of leaf) if (emitReturn(c, ctx, d, r, true)) return;
}

/** Segment d exists: runs of non-glob routes, cut at each route with a glob at d. */
function emitSegment(c: Code, ctx: Ctx, d: number, more: readonly RouteIR[]): void {
  let run: RouteIR[] = [];
  for (const r of more) {
    if (r.segments[d].kind !== "glob") {
      run.push(r);
      continue;
    }
    // A run always bails on an empty segment; a glob with no run before it checks for itself.
    if (run.length === 0 && ctx.mode === "scan") c.line(`if (u.charCodeAt(p${d}) === 47) return BAIL;  // "//"`);
    emitRun(c, ctx, d, run);
    run = [];
    if (emitReturn(c, ctx, d, r, false)) return;
  }
  emitRun(c, ctx, d, run);
}

function emitRun(c: Code, ctx: Ctx, d: number, run: readonly RouteIR[]): void {
  if (run.length === 0) return;
  const last = new Map<string, number>();
  for (const r of run) {
    const s = r.segments[d];
    if (s.kind === "static") last.set(s.value, r.index);
  }
  // A literal's state: its static routes, plus each parameter route declared before the last of
  // them that could match a path some later route of the state also matches (decided from the
  // highest index down, so every later route is known). The other parameter routes are tried
  // after the literals (fall-through), which keeps declaration order wherever it matters.
  const caseFor = (lit: string) => {
    const inCase = run.filter((r) => r.segments[d].kind === "static" && (r.segments[d] as { value: string }).value === lit);
    const params = run.filter((r) => r.segments[d].kind === "param" && r.index < last.get(lit)! && segmentAccepts(r.segments[d], lit));
    for (const p of params.reverse()) {
      if (inCase.some((r) => r.index > p.index && overlapAfter(p.segments, r.segments, d + 1))) inCase.push(p);
    }
    return inCase.sort((a, b) => a.index - b.index);
  };
  if (last.size > 0) emitLiterals(c, ctx, d, [...last.keys()], caseFor);

  const params = run.filter((r) => r.segments[d].kind === "param");
  if (params.length === 0) return;
  if (ctx.mode === "scan") {
    c.block("{", () => {
      c.line(`let e${d} = u.indexOf("/", p${d});`);
      c.line(`if (e${d} === -1) e${d} = n;`);
      c.line(`else if (e${d} === p${d}) return BAIL;  // an empty segment ("//")`);
      c.line(`const p${d + 1} = e${d} + 1;`);
      within(ctx, [`e${d}`, `p${d + 1}`], () => emitParams(c, ctx, d, params));
    });
  } else emitParams(c, ctx, d, params);
}

/** Parameter routes, in consecutive groups of the same shape (same prefix). */
function emitParams(c: Code, ctx: Ctx, d: number, params: readonly RouteIR[]): void {
  let i = 0;
  while (i < params.length) {
    const prefix = (params[i].segments[d] as { prefix: string }).prefix;
    let j = i;
    while (j < params.length && (params[j].segments[d] as { prefix: string }).prefix === prefix) j++;
    const group = params.slice(i, j);
    if (prefix === "") subtree(c, ctx, d + 1, group);
    else {
      const test = ctx.mode === "scan" ? charsAt(prefix, `p${d}`) : `s[${d}].startsWith(${str(prefix)})`;
      c.block(`if (${test}) {`, () => subtree(c, ctx, d + 1, group));
    }
    i = j;
  }
}

function emitLiterals(c: Code, ctx: Ctx, d: number, literals: string[], caseFor: (lit: string) => RouteIR[]): void {
  if (ctx.mode === "segments") {
    c.block(`switch (s[${d}]) {`, () => {
      for (const lit of literals) {
        c.block(`case ${str(lit)}: {`, () => {
          subtree(c, ctx, d + 1, caseFor(lit));
          c.line("break;");
        });
      }
    });
    return;
  }
  const p = `p${d}`;
  const test = (lit: string, from: number) =>
    [charsAt(lit, p, from), `(${p} + ${lit.length} === n || u.charCodeAt(${p} + ${lit.length}) === 47)`].filter(Boolean).join(" && ");
  const enter = (lit: string) =>
    c.indent(() => {
      const cands = caseFor(lit);
      // Parameter routes that take this literal as their value need the segment's end.
      const vars = [`p${d + 1}`];
      if (cands.some((r) => r.segments[d].kind === "param")) {
        c.line(`const e${d} = ${p} + ${lit.length};`);
        vars.unshift(`e${d}`);
      }
      c.line(`const p${d + 1} = ${p} + ${lit.length + 1};`);
      within(ctx, vars, () => subtree(c, ctx, d + 1, cands));
    });
  // A "/" where a segment starts is an empty segment ("//"): checked only once no literal matched.
  if (literals.length === 1) {
    c.line(`if (${test(literals[0], 0)}) {  // ${literals[0]}`);
    enter(literals[0]);
    c.line(`} else if (u.charCodeAt(${p}) === 47) {`);
    c.line("  return BAIL;");
    c.line("}");
    return;
  }
  const byFirst = new Map<number, string[]>();
  for (const lit of literals) byFirst.set(lit.charCodeAt(0), [...(byFirst.get(lit.charCodeAt(0)) ?? []), lit]);
  c.block(`switch (u.charCodeAt(${p})) {`, () => {
    c.line("case 47: return BAIL;  // an empty segment (\"//\")");
    for (const [code, lits] of [...byFirst].sort(([a], [b]) => a - b)) {
      c.line(`case ${code}:`);
      c.indent(() => {
        lits.forEach((lit, k) => {
          c.line(`${k === 0 ? "" : "} else "}if (${test(lit, 1)}) {  // ${lit}`);
          enter(lit);
        });
        c.line("}");
        c.line("break;");
      });
    }
  });
}

/** The state at d, inline, or as a call to a function of its own when it is large. */
function subtree(c: Code, ctx: Ctx, d: number, cands: readonly RouteIR[]): void {
  // A subtree holding all of the function's routes (a parameter step) gains nothing from a call.
  if (cands.length < (ctx.o.splitAt ?? SPLIT_AT) || cands.length >= ctx.size) return emitState(c, ctx, d, cands);
  const name = `${ctx.fn}_${++ctx.counter.n}`;
  ctx.pending.push({ name, vars: [...ctx.vars], d, cands });
  const args = ctx.mode === "scan" ? ["u", "n", "host", ...ctx.vars] : ["s", "host", ...ctx.vars];
  c.block("{", () => {
    c.line(`const m = ${name}(${args.join(", ")});`);
    c.line("if (m !== null) return m;");
  });
}

function emitPending(c: Code, parent: Ctx): void {
  while (parent.pending.length) {
    const p = parent.pending.shift()!;
    const params = (parent.mode === "scan" ? ["u: string", "n: number", "host: string"] : ["s: readonly string[]", "host: string"]).concat(
      p.vars.map((v) => `${v}: number`),
    );
    const ctx: Ctx = { ...parent, vars: p.vars, size: p.cands.length };
    c.line();
    c.block(`function ${p.name}(${params.join(", ")}): RouteMatch | null {`, () => {
      emitState(c, ctx, p.d, p.cands);
      c.line("return null;");
    });
  }
}

function within(ctx: Ctx, vars: string[], body: () => void): void {
  const before = ctx.vars;
  ctx.vars = [...before, ...vars];
  body();
  ctx.vars = before;
}

/** `u.charCodeAt(p + i) === c && ...` for the chars of `lit` from index `from` ("" when none). */
function charsAt(lit: string, p: string, from = 0): string {
  const at = (i: number) => (i === 0 ? p : `${p} + ${i}`);
  if (lit.length - from > MAX_INLINE_CHARS) return `u.startsWith(${str(lit.slice(from))}, ${at(from)})`;
  const tests: string[] = [];
  for (let i = from; i < lit.length; i++) tests.push(`u.charCodeAt(${at(i)}) === ${lit.charCodeAt(i)}`);
  return tests.join(" && ");
}

function segmentAccepts(s: SegmentIR, lit: string): boolean {
  if (s.kind === "static") return s.value === lit;
  if (s.kind === "param") return lit.startsWith(s.prefix);
  return true;
}

/** Can some path match both patterns, given that they agree on the segments before `from`? */
function overlapAfter(a: readonly SegmentIR[], b: readonly SegmentIR[], from: number): boolean {
  for (let i = from; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x?.kind === "glob" || y?.kind === "glob") return true;
    if (!x || !y) return !x && !y;
    if (x.kind === "static" && y.kind === "static" && x.value !== y.value) return false;
    if (x.kind === "static" && y.kind === "param" && !x.value.startsWith(y.prefix)) return false;
    if (y.kind === "static" && x.kind === "param" && !y.value.startsWith(x.prefix)) return false;
    if (x.kind === "param" && y.kind === "param" && !(x.prefix.startsWith(y.prefix) || y.prefix.startsWith(x.prefix))) return false;
  }
}

/**
 * Writes the return for route r, matched with segments 0..d-1 bound (and a glob at d, when it
 * has one). Returns true when the return is unconditional, i.e. nothing after it can run.
 */
function emitReturn(c: Code, ctx: Ctx, d: number, r: RouteIR, ended: boolean): boolean {
  c.line(`// ${ctx.o.describe(r)}`);
  let value: string;
  if (isConstant(r)) value = `M_${ctx.names.get(r)!}`;
  else {
    const glob = r.segments[d]?.kind === "glob" ? globValue(ctx.mode, d, ended) : null;
    const params: string[] = [];
    r.segments.forEach((s, i) => {
      if (s.kind === "param") params.push(`${prop(s.name)}: ${paramValue(ctx.mode, i, s.prefix.length)}`);
      else if (s.kind === "glob" && r.kind === "match") params.push(`${prop(s.name)}: ${glob}`);
    });
    const p = params.length ? `{ ${params.join(", ")} }` : "EMPTY";
    value = `{ route: R_${ctx.names.get(r)!}, params: ${p}, pathInfo: ${r.kind === "forward" ? glob : "null"} }`;
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
  // decodePath drops the empty segments of "a//b" and "a/" (there is no "%" on the scan path).
  return mode === "segments" ? `s.slice(${d})` : `decodePath(u.slice(p${d}))`;
}

/** `__proto__` as a plain key would set the prototype: write it computed. */
function prop(name: string): string {
  return name === "__proto__" ? `["__proto__"]` : key(name);
}

function hostTest(hosts: readonly string[]): string | null {
  if (hosts.length === 0) return null;
  return hosts.map((h) => (h.endsWith(".") ? `host.startsWith(${str(h)})` : `host === ${str(h)}`)).join(" || ");
}
