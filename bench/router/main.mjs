// `npm run bench:router`: Fawkes' generated route matcher against peer routers on the shared
// GitHub and app route sets, then a generated path helper against a template literal.
// Method and caveats: /work/shared/reference/perf-micro.md. BENCH_QUICK=1 for a smoke run.
//
// Each part runs in its own child (routing.mjs github, routing.mjs app, helper.mjs), so no
// router's JIT feedback from one set leaks into the other. Children print their tables live;
// their `ratio ...` lines are held back and printed together at the very end, one per
// comparison, in a fixed order (`n/a` for any a child did not produce).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../..");
// Without it, GCs during the interleaving flush idle routers' code and every sample starts cold.
const FLAGS = ["--no-flush-bytecode"];

// Build dist/ when the matcher emitter is missing or any TypeScript source is newer than the
// build (other engineers edit runtime/ and compiler/ while this runs). scripts/build.mjs emits
// the JS with esbuild before running tsc, so a type error elsewhere still leaves usable JS.
function newestSource(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith(".ts")) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}
const builtFile = join(root, "dist/compiler/emit/standalone.js");
const stale = !existsSync(builtFile) ||
  Math.max(...["runtime", "compiler"].map((d) => newestSource(join(root, d)))) > statSync(builtFile).mtimeMs;
if (stale || process.env.BENCH_BUILD === "1") {
  // The build starts by deleting dist/: a build someone else runs at the same moment can
  // delete our output mid-way (seen as ENOENT), so a failed build gets one more try.
  for (let attempt = 1; attempt <= 2; attempt++) {
    console.log("# building dist/ (node scripts/build.mjs)");
    const b = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
    if (b.status === 0) break;
    console.log(`# build exited with ${b.status}${attempt === 1 ? "; retrying once" : "; going on with the JavaScript it emitted"}`);
  }
}
if (!existsSync(builtFile)) {
  console.error("# dist/compiler/emit/standalone.js is missing after the build; cannot run");
  process.exit(1);
}

const PEERS = ["find-my-way", "find-my-way-compiled", "@medley/router", "memoirist", "koa-tree-router", "rou3-compiled", "@jsonjoy.com/jit-router", "hono-regexp"];
const PARTS = [
  { args: ["routing.mjs", "github"], ratios: PEERS.map((p) => `github ${p}`) },
  { args: ["routing.mjs", "app"], ratios: PEERS.map((p) => `app ${p}`) },
  { args: ["helper.mjs"], ratios: ["helper template-literal"] },
];

const ratios = new Map(); // "github find-my-way" -> "2.52"
function runPart({ args }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...FLAGS, join(here, args[0]), ...args.slice(1)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
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
      if (code !== 0) console.log(`# ${args.join(" ")} exited with ${code}`);
      resolve();
    });
  });
}

const t0 = Date.now();
for (const part of PARTS) await runPart(part); // one at a time: they would compete for the CPU
console.log(`\n# ${((Date.now() - t0) / 1000).toFixed(0)} s; ratio = fawkes/peer ops/s (mix medians), > 1: Fawkes faster`);
for (const part of PARTS) for (const key of part.ratios) console.log(`ratio ${key} ${ratios.get(key) ?? "n/a"}`);
