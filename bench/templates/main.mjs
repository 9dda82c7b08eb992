// `npm run bench:templates`: Fawkes' precompiled template functions against eta, ejs,
// handlebars, pug, doT, svelte SSR and a hand-written floor. Method, engines and compile modes:
// /work/shared/reference/perf-micro.md Part B. BENCH_QUICK=1 for a smoke run.
//
// Each workload runs in its own child (render.mjs <workload>), so the JIT feedback one data
// shape leaves (long text vs short fields) does not leak into the next table. Children print
// their tables live; their `ratio ...` lines are held back and printed together at the very
// end, one per comparison in a fixed order (`n/a` for any a child did not produce).

import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKLOADS } from "./data.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../..");
// Without it, GCs during the interleaving flush idle engines' code and every sample starts cold.
const FLAGS = ["--no-flush-bytecode"];
const PEERS = ["eta", "ejs", "handlebars", "pug", "dot", "svelte", "hand-written", "hand+escapeHtml"];

// Renders are timed as an app runs in production: the typed templates' development check of
// their assigns (runtime/templates/assigns.ts) is off. NODE_ENV=development measures it on.
const NODE_ENV = process.env.NODE_ENV ?? "production";
console.log(`# NODE_ENV=${NODE_ENV}`);
const failed = []; // workloads whose child failed (a peer's output differs, or a crash)
const ratios = new Map(); // "items10 eta" -> "2.41"
function runWorkload(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...FLAGS, join(here, "render.mjs"), name], { cwd: root, env: { ...process.env, NODE_ENV }, stdio: ["ignore", "pipe", "inherit"] });
    let rest = "";
    child.stdout.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop();
      for (const line of lines) {
        const m = /^ratio (.+) (\S+)$/.exec(line);
        if (m) ratios.set(m[1], m[2]);
        else console.log(line);
      }
    });
    child.on("close", (code) => {
      if (rest) console.log(rest);
      if (code !== 0) {
        console.log(`# render.mjs ${name} exited with ${code}`);
        failed.push(name);
      }
      resolve();
    });
  });
}

const t0 = Date.now();
for (const name of Object.keys(WORKLOADS)) await runWorkload(name); // one at a time: they would compete for the CPU
console.log(`\n# ${((Date.now() - t0) / 1000).toFixed(0)} s; ratio = fawkes/peer renders/s (CPU-time medians), > 1: Fawkes faster`);
for (const name of Object.keys(WORKLOADS)) for (const peer of PEERS) console.log(`ratio ${name} ${peer} ${ratios.get(`${name} ${peer}`) ?? "n/a"}`);
if (failed.length) {
  console.error(`bench:templates FAILED: ${failed.join(", ")} (an engine's output differs from the hand-written page, or a child crashed; see the # lines)`);
  process.exitCode = 1;
}
