// `npm run bench:templates:profile [workload] [engine]`: where one engine's render spends its
// time on one workload (default: items100, fawkes). Runs the engine alone in a child under
// V8's CPU profiler (node:inspector, started after the engines are loaded and the output checked
// against the hand-written one, so only renders are sampled), then prints the self time by
// function, top 20, with the generated module each function is in
// (templates/bench/row.html.gen.js) or the file and line, and the hottest lines of the top
// functions (V8 inlines the escaper into the render function: its lines say what is the
// escaper and what is the template). Not a comparison: for ratios, `npm run bench:templates`.
// PROFILE_MS sets how long it renders (default 4000); PROFILE_INLINE=0 turns TurboFan's inlining
// off (the escaper then shows apart from the template, at the price of the calls it adds).

import { Session } from "node:inspector/promises";
import { setFlagsFromString } from "node:v8";

const WORKLOAD = process.argv[2] ?? "items100";
const ENGINE = process.argv[3] ?? "fawkes";
const MS = Number(process.env.PROFILE_MS ?? 4000);

if (process.env.PROFILE_INLINE === "0") setFlagsFromString("--no-turbo-inlining");
const { WORKLOADS } = await import("./data.mjs");
const { generatedSources } = await import("./fawkes.mjs");
const { engines } = await import("./engines.mjs");
const { normalize, firstDifference } = await import("./normalize.mjs");
const hand = await import("./hand/render.mjs");
const workload = WORKLOADS[WORKLOAD];
if (!workload) throw new Error(`unknown workload ${WORKLOAD}; one of: ${Object.keys(WORKLOADS).join(", ")}`);
const engine = engines.find((e) => e.label === ENGINE);
if (!engine) throw new Error(`unknown engine ${ENGINE}; one of: ${engines.map((e) => e.label).join(", ")}`);
const render = await engine.load({ name: WORKLOAD, ...workload });
const got = normalize(render(workload.data)), want = normalize(hand[workload.template](workload.data));
if (got !== want) throw new Error(`${ENGINE}: output differs from the hand-written one ${firstDifference(got, want)}`);

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
// Renders in a function of its own, so that a render inlined into the loop is still named.
function loop(count) {
  let acc = 0;
  for (let i = 0; i < count; i++) acc += render(workload.data).length;
  return acc;
}
let acc = 0, n = 0;
const t0 = process.hrtime.bigint(), end = t0 + BigInt(MS) * 1_000_000n;
while (process.hrtime.bigint() < end) (acc += loop(100)), (n += 100);
const us = Number(process.hrtime.bigint() - t0) / n / 1000;
const { profile } = await session.post("Profiler.stop");
session.disconnect();
console.log(`# ${ENGINE} on ${WORKLOAD}: ${n} renders, ${us.toFixed(2)} us/render (wall, under the profiler; checksum ${acc})`);

const timeOf = new Map();
profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const self = new Map(); // name -> { t, lines: Map<line, ticks> }
let total = 0;
for (const node of profile.nodes) {
  const t = timeOf.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === "(idle)" || functionName === "(program)") continue;
  total += t;
  // The generated modules live in a folder named by pid: keep their path under it.
  const gen = /\/run-\d+\/(.*)$/.exec(url);
  const where = gen ? gen[1] : `${url.split("/").pop() || "(native)"}:${lineNumber + 1}`;
  const name = `${functionName || "(anonymous)"}  ${where}`;
  const entry = self.get(name) ?? { t: 0, lines: new Map() };
  entry.t += t;
  for (const { line, ticks } of node.positionTicks ?? []) entry.lines.set(line, (entry.lines.get(line) ?? 0) + ticks);
  self.set(name, entry);
}
const top = [...self].sort((a, b) => b[1].t - a[1].t);
console.log("self time  function (share of the samples outside idle and program)");
for (const [name, { t }] of top.slice(0, 20)) console.log(`${((100 * t) / total).toFixed(1).padStart(8)}%  ${name}`);
for (const [name, { t, lines }] of top.slice(0, 3)) {
  const ticks = [...lines.values()].reduce((a, b) => a + b, 0);
  if (!ticks || t / total < 0.05) continue;
  console.log(`\nhottest lines of ${name}`);
  const text = generatedSources.get(name.split("  ")[1])?.split("\n");
  for (const [line, k] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    console.log(`${((100 * k) / ticks).toFixed(1).padStart(8)}%  line ${line}${text ? `  ${text[line - 1].trim().slice(0, 110)}` : ""}`);
  }
}
