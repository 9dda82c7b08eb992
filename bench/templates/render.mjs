// One workload, in its own process (started by main.mjs): `node render.mjs <workload>`.
// Loads every engine, checks its HTML against the hand-written one, times the ones that pass
// with the shared harness (interleaved shuffled rounds, CPU-time medians), prints the table and
// one `ratio <workload> <peer> <fawkes/peer>` line per peer (main.mjs holds those back).

import { OPTS, QUICK, makeLoop, measure, median, spread, table } from "../router/harness.mjs";
import { WORKLOADS } from "./data.mjs";
import { engines } from "./engines.mjs";
import { normalize, firstDifference } from "./normalize.mjs";
import { NotAvailable } from "./not-available.mjs";
import * as hand from "./hand/render.mjs";

const name = process.argv[2];
if (!WORKLOADS[name]) throw new Error(`unknown workload ${name}; one of: ${Object.keys(WORKLOADS).join(", ")}`);
const workload = { name, ...WORKLOADS[name] };
const { data } = workload;
// A render takes 5-100 us, so a 150 ms sample is thousands of renders; 11 rounds as in
// perf-micro.md. About 20 s per workload with eight engines.
const opts = QUICK ? OPTS : { ...OPTS, sampleMs: 150, rounds: 11 };

console.log(`\n## ${name}: ${describe(workload)}`);

const expected = hand[workload.template](data);
const want = normalize(expected);
const ready = [];
const missing = new Map(); // label -> why n/a
const outputs = new Map(); // label -> raw html, for the byte-for-byte check below

for (const engine of engines) {
  try {
    const render = await engine.load(workload);
    const html = render(data);
    if (typeof html !== "string") throw new NotAvailable(`render returned ${typeof html}, not a string`);
    const got = normalize(html);
    if (got !== want) {
      // A wrong page is a bug, not a missing engine: the run fails (main.mjs exits non-zero).
      process.exitCode = 1;
      throw new NotAvailable(`FAIL: output differs from the hand-written one ${firstDifference(got, want)}`);
    }
    outputs.set(engine.label, html);
    ready.push({ label: engine.label, render });
    const note = engine.notes?.[workload.template];
    if (note) console.log(`# ${engine.label}: ${note}`);
  } catch (error) {
    const why = error instanceof NotAvailable ? error.message : `failed: ${String(error?.message ?? error).split("\n")[0]}`;
    missing.set(engine.label, why);
    console.log(`# ${engine.label}: ${why}`); // the table and the ratio lines say n/a
  }
}
// What each engine's escaping writes (its HTML's bytes and entities): the same HTML up to
// normalising, but Eta's semantics (Fawkes, eta, ejs, handlebars) escape & < > " ' everywhere,
// pug all but ', svelte only & < in text and & " < in attributes: less work for the same page.
const entities = (html) => (html.match(/&(?:amp|lt|gt|quot|#39|#x27|#34|apos);/g) ?? []).length;
console.log(`# output bytes/entities: ${[...outputs].map(([label, html]) => `${label} ${html.length}/${entities(html)}`).join(", ")}`);
// Fawkes promises Eta's output byte for byte: say so when only the normalised check passes.
// (The components page's eta port is another template: there the hand-written page is Eta's output.)
const fawkesHtml = outputs.get("fawkes"), etaHtml = (workload.template === "components" ? undefined : outputs.get("eta")) ?? expected;
if (fawkesHtml !== undefined && fawkesHtml !== etaHtml) {
  console.log(`# fawkes: not Eta's output byte for byte (same after normalising) ${firstDifference(fawkesHtml, etaHtml)}`);
}

// BENCH_FLATTEN=1 also reads a char of the middle of each page, which makes V8 flatten the
// rope the concatenations built into one string, as writing the page to a socket does: an
// engine whose escaper returns many small pieces pays for them there (the default counts only
// the length, as the figures of earlier runs did).
const FLATTEN = process.env.BENCH_FLATTEN === "1";
const body = FLATTEN ? "const h = R(D); acc += h.length + h.charCodeAt(h.length >> 1);" : "acc += R(D).length;";
if (FLATTEN) console.log("# BENCH_FLATTEN=1: each page flattened (a char read) after its render");
const cases = ready.map((e) => ({
  id: e.label,
  ops: 1,
  run: makeLoop(`render_${e.label}`, { R: e.render, D: data }, 1, body),
}));
const samples = measure(cases, opts);
const cpuRates = (label) => samples.get(label).map((x) => 1e9 / x.cpu);
const rate = new Map(ready.map((e) => [e.label, median(cpuRates(e.label))])); // label -> renders/s
const vs = (a, b) => (rate.has(a) && rate.has(b) ? (rate.get(a) / rate.get(b)).toFixed(2) : null);
const times = (x) => (x === null ? "-" : `${x}x`);

console.log(`renders/s: CPU-time median of ${opts.rounds} rounds; spread: IQR/median; wall/s: wall-clock median`);
console.log(table(
  ["engine", "renders/s", "spread", "wall/s", "vs hand", "fawkes/x"],
  engines.map(({ label }) => {
    if (!rate.has(label)) return [label, "n/a", "", "", "", ""];
    const wall = median(samples.get(label).map((x) => 1e9 / x.wall));
    return [label, fmt(rate.get(label)), `${spread(cpuRates(label)).toFixed(0)}%`, fmt(wall),
      times(vs(label, "hand-written")), times(vs("fawkes", label))];
  }),
));
for (const e of engines) if (e.label !== "fawkes") console.log(`ratio ${name} ${e.label} ${vs("fawkes", e.label) ?? "n/a"}`);

function describe({ template, data }) {
  if (template === "table") return `${data.rows.length}-row table, one partial per row`;
  if (template === "components") return `a page of the core components: flashGroup, header, a ${data.users.length}-row table (link, delete form per row), form with 3 inputs`;
  if (data.text.length > 1000) return `baryshev template, ${data.projects.length} items, ${(data.text.length / 1000).toFixed(1)} kB text`;
  return `baryshev template, ${data.projects.length} items with short fields full of & < > " '`;
}

/** Three significant digits: the harness's fmtRate rounds 5.4k and 5.6k apart by a whole 1k. */
function fmt(x) {
  if (!Number.isFinite(x)) return "-";
  if (x >= 999.5e3) return (x / 1e6).toFixed(2) + "M";
  return x >= 100e3 ? (x / 1e3).toFixed(0) + "k" : x >= 10e3 ? (x / 1e3).toFixed(1) + "k" : (x / 1e3).toFixed(2) + "k";
}
