// `npm run bench:router:costs [github|app]`: what a lookup costs besides the router, and what
// each router allocates and calls per lookup. Checks the fairness of routing.mjs's loop rather
// than ranking routers (for ratios: `npm run bench:router`).
//
// 1. Harness share (CPU time, interleaved rounds as in routing.mjs): per router, the loop of
//    routing.mjs (`full`: lookup, then the route index and the first param read by key) and
//    the same loop consuming only "was it a hit" (`hit`). `noop` (making the fresh string and
//    the loop) is what routing.mjs subtracts; full - hit is what consuming the answer costs,
//    which routing.mjs does not subtract, so it is the part of the harness that could compress
//    the ratios.
// 2. Allocation (a child with a fixed 128 MB young generation, so no scavenge runs inside a
//    measurement): bytes of heap per lookup, net of the fresh string, with the result stored
//    where the optimizer cannot drop it (a server passes the match on), and after reading the
//    params (lazy designs pay there).
// 3. Builtin string calls per lookup (String.prototype methods wrapped with counters, untimed).

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { fawkes, peers } from "./peers.mjs";
import { FRESH, codesOf, makeLoop, measure, median } from "./harness.mjs";

const SET = process.argv[2] ?? "github";
const PART = process.argv[3] ?? "main";
const PEERS = (process.env.COSTS_PEERS ?? "find-my-way-compiled,@medley/router,koa-tree-router").split(",");
const data = await import(new URL(`../../../shared/bench-data/${SET}.mjs`, import.meta.url).href);
const [routes, raw] = SET === "github" ? [data.githubRoutes, data.githubRequests()] : [data.appRoutes, data.appRequests()];
const adapters = [fawkes, ...peers.filter((p) => PEERS.includes(p.label))];

const paramsOf = (pattern) => pattern.split("/").filter((p) => /^[:*]/.test(p)).map((p) => ({ name: p.slice(1), glob: p[0] === "*" }));
const reqs = raw.map(([method, path, , expected]) => ({ method, path, codes: codesOf(path), first: expected < 0 ? null : paramsOf(routes[expected][1])[0] ?? null }));
const M = reqs.map((r) => r.method), C = reqs.map((r) => r.codes);
const keysFor = (a) => reqs.map((r) => (r.first === null ? null : r.first.glob && a.globKey ? a.globKey : r.first.name));

if (PART === "main") {
  const cases = [];
  const add = (id, R, a, body) => {
    const scope = { R, fcc: String.fromCharCode, M, K: a ? keysFor(a) : M.map(() => null), C };
    cases.push({ id, ops: reqs.length, run: makeLoop(id, scope, reqs.length, body) });
  };
  add("noop", null, null, `const m = M[j], k = K[j]; ${FRESH} acc += s.length + m.length;`);
  for (const a of adapters) {
    let R;
    try { R = await a.load(routes); } catch (e) { console.log(`# ${a.label}: n/a, loading the set throws: ${e.message.split("\n")[0]}`); continue; }
    add(`${a.label}/full`, R, a, `const m = M[j], k = K[j]; ${FRESH} ${a.lookup}
      if (${a.hit}) { acc += ${a.index}; if (k !== null) acc += ${a.param}.length; } else acc -= 1;`);
    add(`${a.label}/hit`, R, a, `const m = M[j], k = K[j]; ${FRESH} ${a.lookup} if (${a.hit}) acc += 1; else acc -= 1;`);
  }
  const samples = measure(cases);
  const noop = samples.get("noop").map((x) => x.cpu);
  const net = (id) => median(samples.get(id).map((x, r) => x.cpu - noop[r]));
  const gross = (id) => median(samples.get(id).map((x) => x.cpu));
  console.log(`\n## ${SET}: ns per lookup (CPU, median of rounds); noop = the fresh string + loop = ${median(noop).toFixed(0)} ns`);
  console.log("router".padEnd(26) + "full gross  full net  hit net  consuming  noop share of gross");
  for (const a of adapters) {
    if (!samples.has(`${a.label}/full`)) continue;
    const f = net(`${a.label}/full`), h = net(`${a.label}/hit`), g = gross(`${a.label}/full`);
    console.log(a.label.padEnd(26) + [g, f, h, f - h].map((x) => x.toFixed(0).padStart(9)).join(" ") + `${((100 * median(noop)) / g).toFixed(0).padStart(13)}%`);
  }
  const child = spawnSync(process.execPath, ["--expose-gc", "--min-semi-space-size=128", "--max-semi-space-size=128", fileURLToPath(import.meta.url), SET, "alloc"], { stdio: "inherit" });
  if (child.status !== 0) process.exit(child.status ?? 1);
} else {
  // Allocation and builtin calls, one router at a time.
  const used = () => v8.getHeapStatistics().used_heap_size;
  // ~50,000 lookups a measurement: enough bytes that the heap's accounting granularity does not
  // show, ~15 MB at most, far below the 128 MB young generation.
  const PASSES = Math.ceil(50_000 / M.length);
  const bytes = (fn) => {
    const run = () => { for (let w = 0; w < PASSES; w++) for (let j = 0; j < M.length; j++) fn(M[j], String.fromCharCode.apply(null, C[j]), j); };
    run(); // warm-up (and optimization)
    const out = [];
    for (let t = 0; t < 7; t++) {
      globalThis.gc();
      const b0 = used();
      run();
      out.push((used() - b0) / (PASSES * M.length));
    }
    return median(out);
  };
  const OUT = [null];
  const string = bytes((m, s) => { OUT[0] = s; });
  console.log(`\n## ${SET}: bytes allocated per lookup (net of the fresh string, ${string.toFixed(0)} B) and builtin calls per lookup`);
  const names = ["indexOf", "slice", "startsWith", "charCodeAt", "split", "substring"];
  const orig = Object.fromEntries(names.map((n) => [n, String.prototype[n]]));
  console.log("router".padEnd(26) + "lookup  +params  " + names.join("  "));
  for (const a of adapters) {
    let R;
    try { R = await a.load(routes); } catch { console.log(a.label.padEnd(26) + "n/a (loading the set throws)"); continue; }
    const K = keysFor(a);
    const lookup = new Function("R", "OUT", `return (m, s) => { ${a.lookup} OUT[0] = ${a.hit} ? ${a.index} : null; }`)(R, OUT);
    const withParams = new Function("R", "OUT", "K", `return (m, s, j) => { const k = K[j]; ${a.lookup} OUT[0] = ${a.hit} && k !== null ? ${a.param} : null; }`)(R, OUT, K);
    const b1 = bytes(lookup) - string, b2 = bytes(withParams) - string;
    const counts = Object.fromEntries(names.map((n) => [n, 0]));
    for (const n of names) String.prototype[n] = function (...x) { counts[n]++; return orig[n].apply(this, x); };
    try { reqs.forEach((r, j) => withParams(r.method, r.path, j)); } finally { for (const n of names) String.prototype[n] = orig[n]; }
    console.log(a.label.padEnd(26) + b1.toFixed(0).padStart(6) + b2.toFixed(0).padStart(9) + "  " +
      names.map((n) => (counts[n] / reqs.length).toFixed(2).padStart(n.length)).join("  "));
  }
}
