// `npm run bench:verified`: a verified path (`` p`/users/${u}/posts/${p}` ``) against the
// generated helper that builds the same path (`Routes.userPostPath("show", u, p)`), in the same
// run, with the timing machinery of bench/router (harness.mjs: a noop subtracted per round,
// interleaved shuffled rounds, medians of CPU time). BENCH_QUICK=1 for a smoke run.
//
// Four shapes: two path segments (numbers and string ids alternating), the same through the
// hoisted per-literal builder the templates module calls (p.site), a constant path
// (`p`/about`` against `Routes.pagePath("about")`) and a query value (`p`/users?page=${n}``
// against `Routes.userPath("index", { page: n })`). Each result is checked against the
// helper's before anything is timed.
//
// `ratio verified-path helper x`: p calls/s over helper calls/s (x > 1: p is the cheaper). A
// module's p pays a WeakMap lookup per call (its strings array to its plan); a template's does not.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { fmtRate, makeLoop, measure, median, netRates, spread, table, OPTS } from "../router/harness.mjs";

const { p } = await import("../../dist/runtime/index.js");

// The real generated helpers: fixtures/demo's router compiled by the built compiler.
async function generatedRoutes() {
  const { build } = await import("../../dist/compiler/index.js");
  const root = fileURLToPath(new URL("../../fixtures/demo", import.meta.url));
  const { files, diagnostics } = build({ root });
  if (diagnostics.some((d) => d.severity === "error")) throw new Error(`fixtures/demo does not compile: ${diagnostics[0].message}`);
  const dir = fileURLToPath(new URL("../../.fawkes-tmp/bench-verified", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `helpers-${process.pid}.mjs`);
  writeFileSync(file, transformSync(files.get(".fawkes/helpers.gen.ts"), { loader: "ts", format: "esm" }).code);
  try {
    return (await import(pathToFileURL(file).href)).Routes;
  } finally {
    rmSync(file);
  }
}
const Routes = await generatedRoutes();

const INPUTS = [[42, 7], ["42", "7"], [1234567, "a b"], ["user-9", 3]];
const U = INPUTS.map((x) => x[0]);
const P = INPUTS.map((x) => x[1]);
const N = [1, 2, 30, 400];
// How a template calls it: the templates module hoists one builder per literal (p.site).
const site = p.site(["/users/", "/posts/", ""]);
const SHAPES = {
  segments: { helper: 'acc += R.userPostPath("show", U[j], P[j]).length;', verified: "acc += p`/users/${U[j]}/posts/${P[j]}`.length;" },
  template: { helper: 'acc += R.userPostPath("show", U[j], P[j]).length;', verified: "acc += site`/users/${U[j]}/posts/${P[j]}`.length;" },
  constant: { helper: 'acc += R.pagePath("about").length;', verified: "acc += p`/about`.length;" },
  query: { helper: 'acc += R.userPath("index", { page: N[j] }).length;', verified: "acc += p`/users?page=${N[j]}`.length;" },
};

// Verify before timing: the two builders agree on every input.
for (let j = 0; j < INPUTS.length; j++) {
  const pairs = [
    [Routes.userPostPath("show", U[j], P[j]), p`/users/${U[j]}/posts/${P[j]}`],
    [Routes.userPostPath("show", U[j], P[j]), site`/users/${U[j]}/posts/${P[j]}`],
    [Routes.pagePath("about"), p`/about`],
    [Routes.userPath("index", { page: N[j] }), p`/users?page=${N[j]}`],
  ];
  for (const [helper, verified] of pairs) if (helper !== verified) throw new Error(`helper gives ${helper}, p gives ${verified}`);
}

const scope = { R: Routes, p, site, U, P, N };
const cases = [{ id: "noop", ops: INPUTS.length, run: makeLoop("noop", scope, INPUTS.length, "acc += U[j] === P[j] ? 1 : N[j];") }];
for (const [shape, bodies] of Object.entries(SHAPES)) {
  for (const [builder, body] of Object.entries(bodies)) {
    cases.push({ id: `${builder}/${shape}`, ops: INPUTS.length, run: makeLoop(`${builder}_${shape}`, scope, INPUTS.length, body) });
  }
}

console.log('\n## verified path vs helper: p`/users/${u}/posts/${p}` vs Routes.userPostPath("show", u, p), and two more shapes');
const samples = measure(cases);
// A constant helper call is folded by V8 to about nothing: its net rate (after the noop) is
// not measurable, so the constant shape compares gross rates, the loop's own cost included.
const GROSS = new Set(["constant"]);
const rate = (id) => (GROSS.has(id.split("/")[1]) ? samples.get(id).map((x) => 1e9 / x.cpu) : netRates(samples.get(id), samples.get("noop")));
const shapes = Object.keys(SHAPES);
console.log(`net calls/s (constant: gross), median of ${OPTS.rounds} interleaved rounds (CPU time); spread = IQR/median`);
console.log(table(["builder", ...shapes.flatMap((s) => [s, "spread"])], ["helper", "verified"].map((b) =>
  [b, ...shapes.flatMap((s) => [fmtRate(median(rate(`${b}/${s}`))), `${spread(rate(`${b}/${s}`)).toFixed(0)}%`])])));
const ratio = (s) => (median(rate(`verified/${s}`)) / median(rate(`helper/${s}`))).toFixed(2);
console.log(`ratio verified-path helper ${ratio("segments")}`);
console.log(`ratio verified-path-template helper ${ratio("template")}`);
console.log(`ratio verified-path-constant helper ${ratio("constant")}`);
console.log(`ratio verified-path-query helper ${ratio("query")}`);
