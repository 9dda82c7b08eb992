// `npm run bench:router:classes [github|app]`: where a lookup's time goes, by request class and
// by router, and how much of it the mix itself costs. Not the headline comparison (that is
// `npm run bench:router`); this is what to read before changing compiler/emit/matcher.ts.
//
// 1. Classes: net ns per lookup (CPU, noop subtracted, medians of interleaved rounds, as in
//    routing.mjs) for static paths, routes with one, two, three or more params, misses (404,
//    wrong method included), and HEAD (every GET request of the set sent as HEAD, expecting the
//    GET route; a router that answers otherwise is n/a there, not wrong).
// 2. Alone vs mixed: a spread sample of the set's requests, each timed alone (the same request
//    every iteration: the branch predictor learns it) and all of them interleaved (what a server
//    sees). The difference is what the variety of requests costs: branches that depend on the
//    path, which a predictor cannot learn across many paths. See FINDINGS.md beside this file.

import { fawkes, peers } from "./peers.mjs";
import { FRESH, codesOf, fresh, makeLoop, measure, median, table } from "./harness.mjs";

const SET = process.argv[2] ?? "github";
const PEERS = (process.env.CLASSES_PEERS ?? "find-my-way-compiled,@medley/router").split(",");
const data = await import(new URL(`../../../shared/bench-data/${SET}.mjs`, import.meta.url).href);
const [routes, raw] = SET === "github" ? [data.githubRoutes, data.githubRequests()] : [data.appRoutes, data.appRequests()];
const adapters = [fawkes, ...peers.filter((p) => PEERS.includes(p.label))];

const paramCount = (i) => routes[i][1].split("/").filter((p) => /^[:*]/.test(p)).length;
const firstKey = (a, i) => {
  if (i < 0) return null;
  const p = routes[i][1].split("/").find((x) => /^[:*]/.test(x));
  if (!p) return null;
  return p[0] === "*" && a.globKey ? a.globKey : p.slice(1);
};
const requests = raw.map(([method, path, cat, expected]) => ({ method, path, expected, codes: codesOf(path),
  cls: cat === "miss" ? "miss" : paramCount(expected) === 0 ? "static" : paramCount(expected) >= 3 ? "params3+" : `params${paramCount(expected)}` }));
for (const r of raw) if (r[0] === "GET" && r[3] >= 0) requests.push({ method: "HEAD", path: r[1], expected: r[3], codes: codesOf(r[1]), cls: "head" });
const CLASSES = ["static", "params1", "params2", "params3+", "miss", "head"];

/** Does the adapter answer every request of the list as the set expects (route index only)? */
function answers(a, R, list) {
  const check = new Function("R", `return (m, s) => { ${a.lookup} return ${a.hit} ? ${a.index} : -1; };`)(R);
  return list.every((r) => { try { return check(r.method, fresh(r.codes)) === r.expected; } catch { return false; } });
}

const loop = (id, a, R, list) => {
  const scope = { R, fcc: String.fromCharCode, M: list.map((r) => r.method), K: list.map((r) => (a ? firstKey(a, r.expected) : null)), C: list.map((r) => r.codes) };
  const body = a === null
    ? `const m = M[j], k = K[j]; ${FRESH} acc += s.length + m.length;`
    : `const m = M[j], k = K[j]; ${FRESH} ${a.lookup}
      if (${a.hit}) { acc += ${a.index}; if (k !== null) acc += ${a.param}.length; } else acc -= 1;`;
  return { id, ops: list.length, run: makeLoop(id, scope, list.length, body) };
};

// A spread sample for part 2: every ninth request of the set (misses and statics included).
const sample = requests.filter((r) => r.cls !== "head").filter((_, i) => i % 9 === 0);
const cases = [];
for (const cls of CLASSES) cases.push(loop(`noop/${cls}`, null, null, requests.filter((r) => r.cls === cls)));
cases.push(loop("noop/mixed", null, null, sample));
sample.forEach((r, i) => cases.push(loop(`noop/alone${i}`, null, null, [r])));
const usable = new Map(); // label -> classes it answers
for (const a of adapters) {
  let R;
  try { R = await a.load(routes); } catch (e) { console.log(`# ${a.label}: n/a, loading the set throws: ${e.message.split("\n")[0]}`); continue; }
  const ok = CLASSES.filter((cls) => answers(a, R, requests.filter((r) => r.cls === cls)));
  usable.set(a.label, ok);
  for (const cls of ok) cases.push(loop(`${a.label}/${cls}`, a, R, requests.filter((r) => r.cls === cls)));
  if (answers(a, R, sample)) {
    cases.push(loop(`${a.label}/mixed`, a, R, sample));
    sample.forEach((r, i) => cases.push(loop(`${a.label}/alone${i}`, a, R, [r])));
  }
}

const samples = measure(cases);
const net = (label, what) => {
  const s = samples.get(`${label}/${what}`);
  return s ? median(s.map((x, r) => x.cpu - samples.get(`noop/${what}`)[r].cpu)) : NaN;
};
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const counts = Object.fromEntries(CLASSES.map((c) => [c, requests.filter((r) => r.cls === c).length]));
console.log(`\n## ${SET}: net ns per lookup by request class (CPU, median of rounds); requests: ${CLASSES.map((c) => `${c} ${counts[c]}`).join(", ")}`);
console.log(table(["router", ...CLASSES], [...usable.keys()].map((l) => [l, ...CLASSES.map((c) => fmt(net(l, c)))])));

console.log(`\n## ${SET}: the same ${sample.length} requests alone (mean of their net ns) and interleaved`);
const rows = [...usable.keys()].filter((l) => samples.has(`${l}/mixed`)).map((l) => {
  const alone = sample.map((_, i) => net(l, `alone${i}`)).reduce((x, y) => x + y, 0) / sample.length;
  const mixed = net(l, "mixed");
  return [l, fmt(alone), fmt(mixed), `${(mixed / alone).toFixed(2)}x`];
});
console.log(table(["router", "alone", "mixed", "mixed/alone"], rows));
