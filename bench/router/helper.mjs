// Child process: a generated path helper against the hand-written template literal it replaces.
// `ratio helper template-literal x` = helper calls/s over template-literal calls/s (x < 1: the
// helper's toParam + percent-encoding costs that much).

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { fmtRate, makeLoop, measure, median, netRates, spread, table, OPTS } from "./harness.mjs";

// The helper under test is the real generated one: fixtures/demo's router compiled by the
// built compiler, helpers.gen.ts transpiled and imported (its "fawkes" import resolves to dist/).
async function generatedUserPostPath() {
  const { build } = await import("../../dist/compiler/index.js");
  const root = fileURLToPath(new URL("../../fixtures/demo", import.meta.url));
  const { files, diagnostics } = build({ root });
  if (diagnostics.length) throw new Error(`fixtures/demo does not compile: ${diagnostics[0].message}`);
  const dir = fileURLToPath(new URL("../../.fawkes-tmp/bench-helper", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `helpers-${process.pid}.mjs`);
  writeFileSync(file, transformSync(files.get(".fawkes/helpers.gen.ts"), { loader: "ts", format: "esm" }).code);
  try {
    return (await import(pathToFileURL(file).href)).Routes.userPostPath;
  } finally {
    rmSync(file);
  }
}
const templateLiteral = (u, p) => `/users/${u}/posts/${p}`;

console.log("\n## helper: Routes.userPostPath(\"show\", u, p) vs (u, p) => `/users/${u}/posts/${p}`");
const userPostPath = await generatedUserPostPath();

// Numbers (ids straight from a record) and string ids; "mix" alternates them and gives the ratio.
const INPUTS = { numbers: [[42, 7]], strings: [["42", "7"]], mix: [[42, 7], ["42", "7"]] };
for (const [u, p] of INPUTS.mix) {
  const got = userPostPath("show", u, p), want = templateLiteral(u, p);
  if (got !== want) throw new Error(`helper gives ${got}, template literal ${want}`);
}
if (userPostPath("show", 42, 7, { page: 2, id: 7 }) !== "/users/42/posts/7?page=2") throw new Error("helper query encoding changed");

const CASES = {
  noop: "acc += U[j] === P[j] ? 1 : 2;",
  helper: 'acc += userPostPath("show", U[j], P[j]).length;',
  "template-literal": "acc += templateLiteral(U[j], P[j]).length;",
};
const cases = [];
for (const [input, pairs] of Object.entries(INPUTS)) {
  const scope = { userPostPath, templateLiteral, U: pairs.map((x) => x[0]), P: pairs.map((x) => x[1]) };
  for (const [name, body] of Object.entries(CASES)) {
    cases.push({ id: `${name}/${input}`, ops: pairs.length, run: makeLoop(`${name}_${input}`, scope, pairs.length, body) });
  }
}
const samples = measure(cases);
const rate = (name, input) => netRates(samples.get(`${name}/${input}`), samples.get(`noop/${input}`));

const inputs = Object.keys(INPUTS);
console.log(`net calls/s, median of ${OPTS.rounds} interleaved rounds (CPU time); spread = IQR/median of mix`);
console.log(table(["builder", ...inputs, "spread"], ["helper", "template-literal"].map((n) =>
  [n, ...inputs.map((i) => fmtRate(median(rate(n, i)))), `${spread(rate(n, "mix")).toFixed(0)}%`])));
console.log(`ratio helper template-literal ${(median(rate("helper", "mix")) / median(rate("template-literal", "mix"))).toFixed(2)}`);
