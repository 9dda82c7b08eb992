// Child process for one route set: `node --no-flush-bytecode routing.mjs github|app`.
// One set per process so that no router's code gets type feedback from the other set.
// Prints the table, `#` notes, and `ratio <set> <peer> <fawkes/peer>` lines (main.mjs
// moves those to the end of the whole run).

import { fawkes, peers } from "./peers.mjs";
import { FRESH, codesOf, fmtRate, fresh, makeLoop, measure, median, netRates, spread, table, OPTS, QUICK } from "./harness.mjs";

// The shared route sets sit beside the repository: ../shared/bench-data.
const SHARED = new URL("../../../shared/bench-data/", import.meta.url);
const SETS = {
  github: async () => { const m = await import(new URL("github.mjs", SHARED).href); return [m.githubRoutes, m.githubRequests()]; },
  app: async () => { const m = await import(new URL("app.mjs", SHARED).href); return [m.appRoutes, m.appRequests()]; },
};
const CATS = ["mix", "static", "param", "miss"];

const set = process.argv[2];
if (!SETS[set]) throw new Error(`unknown set ${set}`);
const [routes, raw] = await SETS[set]();

// Pattern params in path order: [{ name, glob }].
const paramsOf = (pattern) => pattern.split("/").filter((p) => /^[:*]/.test(p)).map((p) => ({ name: p.slice(1), glob: p[0] === "*" }));

// The GitHub requests carry no expected params: read them off the pattern (one segment each).
function deriveParams(pattern, path) {
  const segs = path.split("/"), out = {};
  pattern.split("/").forEach((p, i) => {
    if (p[0] === ":") out[p.slice(1)] = segs[i];
    if (p[0] === "*") out[p.slice(1)] = segs.slice(i).join("/");
  });
  return out;
}

const requests = raw.map(([method, path, cat, expected, params]) => ({
  method, path, cat, expected, codes: codesOf(path),
  params: expected < 0 ? null : params ?? deriveParams(routes[expected][1], path),
  first: expected < 0 ? null : paramsOf(routes[expected][1])[0] ?? null,
}));

const sameParams = (got, want) => JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).sort());

/** The first request the adapter answers wrongly, as a sentence, or null. */
function firstWrong(adapter, R) {
  const check = new Function("R", `return (m, s) => { ${adapter.lookup}
    if (!(${adapter.hit})) return null;
    return { index: ${adapter.index}, params: ${adapter.params} }; };`)(R);
  const globName = (req) => paramsOf(routes[req.expected][1]).find((p) => p.glob)?.name;
  for (const req of requests) {
    let got;
    try { got = check(req.method, fresh(req.codes)); } catch (e) { return `${req.method} ${req.path} throws ${e.message}`; }
    const what = `${req.method} ${req.path}: got ${got === null ? "no match" : `route ${got.index} ${JSON.stringify(got.params)}`}`;
    if (req.expected < 0) { if (got !== null) return `${what}, expected no match`; continue; }
    if (got === null || got.index !== req.expected) return `${what}, expected route ${req.expected}`;
    // Normalise: the peer's glob key back to the route's name, glob arrays (fawkes) to "a/b".
    const params = {};
    for (const [k, v] of Object.entries(got.params)) params[k === adapter.globKey ? globName(req) : k] = Array.isArray(v) ? v.join("/") : v;
    if (!sameParams(params, req.params)) return `${what}, expected params ${JSON.stringify(req.params)}`;
  }
  return null;
}

function loopsFor(adapter, R) {
  return CATS.map((cat) => {
    const reqs = requests.filter((r) => cat === "mix" || r.cat === cat);
    const key = (r) => (r.first === null ? null : r.first.glob && adapter.globKey ? adapter.globKey : r.first.name);
    const scope = { R, fcc: String.fromCharCode, M: reqs.map((r) => r.method), K: reqs.map(key), C: reqs.map((r) => r.codes) };
    const body = adapter === NOOP
      ? `const m = M[j], k = K[j]; ${FRESH} acc += s.length + m.length;`
      : `const m = M[j], k = K[j]; ${FRESH}
      ${adapter.lookup}
      if (${adapter.hit}) { acc += ${adapter.index}; if (k !== null) acc += ${adapter.param}.length; } else acc -= 1;`;
    return { id: `${adapter.label}/${cat}`, label: adapter.label, cat, ops: reqs.length, run: makeLoop(`${adapter.label}_${cat}`, scope, reqs.length, body) };
  });
}

const NOOP = { label: "noop" };
const counts = Object.fromEntries(CATS.map((c) => [c, requests.filter((r) => c === "mix" || r.cat === c).length]));
console.log(`\n## ${set}: ${routes.length} routes; requests: ${CATS.map((c) => `${c} ${counts[c]}`).join(", ")}` +
  `${QUICK ? " (BENCH_QUICK: short rounds, not for quoting)" : ""}`);

const cases = [...loopsFor(NOOP, null)];
const timed = [], notes = [];
for (const adapter of [fawkes, ...peers]) {
  let R, wrong;
  try { R = await adapter.load(routes); } catch (e) { notes.push(`# ${set} ${adapter.label}: n/a, loading the set throws: ${e.message.split("\n")[0]}`); continue; }
  try { wrong = firstWrong(adapter, R); } catch (e) { wrong = `check failed: ${e.message}`; }
  if (wrong) { notes.push(`# ${set} ${adapter.label}: n/a, wrong answer: ${wrong}`); continue; }
  timed.push(adapter.label);
  cases.push(...loopsFor(adapter, R));
}
notes.forEach((n) => console.log(n));

const samples = measure(cases);
const stat = (label, cat, key = "cpu") => netRates(samples.get(`${label}/${cat}`), samples.get(`noop/${cat}`), key);
const mixOf = (label) => median(stat(label, "mix"));
const fawkesMix = timed.includes("fawkes") ? mixOf("fawkes") : NaN;

const rows = [fawkes, ...peers].map(({ label }) => {
  if (!timed.includes(label)) return [label, "n/a", "", "", "", "", "", ""];
  const mix = stat(label, "mix");
  return [label, ...CATS.map((c) => fmtRate(median(stat(label, c)))), `${spread(mix).toFixed(0)}%`,
    fmtRate(median(stat(label, "mix", "wall"))), label === "fawkes" ? "1.00x" : (fawkesMix / median(mix)).toFixed(2) + "x"];
});
console.log(`net lookups/s, median of ${OPTS.rounds} interleaved rounds (CPU time); spread = IQR/median of mix`);
console.log(table(["router", ...CATS, "spread", "mix (wall)", "fawkes/x"], rows));
console.log(`# noop (making the fresh string), ns/lookup: ${CATS.map((c) => `${c} ${median(samples.get(`noop/${c}`).map((x) => x.cpu)).toFixed(0)}`).join(", ")}`);

for (const { label } of peers) {
  const x = timed.includes(label) ? fawkesMix / mixOf(label) : NaN;
  console.log(`ratio ${set} ${label} ${Number.isFinite(x) ? x.toFixed(2) : "n/a"}`);
}
