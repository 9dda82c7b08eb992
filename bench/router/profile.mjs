// `npm run bench:router:profile [github|app]`: where the generated matcher spends its time.
// Runs Fawkes' matcher alone on one shared route set (the mix of main.mjs: every request on a
// fresh string) in a child under `node --cpu-prof`, then prints the profile's self time by
// function, top 15. The generated functions are named by method (scanGET, scanGET_1, ...; see
// compiler/emit/matcher.ts), so the table says which tree, and `match` is the entry (the query
// and `%` scans and the method switch). Not a comparison: for ratios, `npm run bench:router`.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const SET = process.argv[2] ?? "github";
const PASSES = Number(process.env.PROFILE_PASSES ?? 20000);

if (process.argv[3] === "--child") {
  const { fawkes } = await import("./peers.mjs");
  const { codesOf, fresh } = await import("./harness.mjs");
  const data = await import(new URL(`../../../shared/bench-data/${SET}.mjs`, import.meta.url).href);
  const [routes, requests] = SET === "github" ? [data.githubRoutes, data.githubRequests()] : [data.appRoutes, data.appRequests()];
  const match = await fawkes.load(routes);
  const methods = requests.map((r) => r[0]);
  const codes = requests.map((r) => codesOf(r[1]));
  // Checked before profiling: each request finds the route the set expects (or none).
  requests.forEach(([method, path, , expected], j) => {
    const got = match(method, fresh(codes[j]))?.route.index ?? -1;
    if (got !== expected) throw new Error(`${method} ${path}: route ${got}, expected ${expected}`);
  });
  let acc = 0;
  const t0 = process.hrtime.bigint();
  for (let it = 0; it < PASSES; it++) {
    for (let j = 0; j < methods.length; j++) {
      const m = match(methods[j], fresh(codes[j]));
      acc += m === null ? -1 : m.route.index;
    }
  }
  const ns = Number(process.hrtime.bigint() - t0) / PASSES / methods.length;
  console.log(`# ${SET}: ${methods.length} requests × ${PASSES} passes, ${ns.toFixed(0)} ns/lookup with the fresh string (checksum ${acc})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), "fawkes-prof-"));
  try {
    const child = spawnSync(process.execPath, ["--no-flush-bytecode", "--cpu-prof", `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), SET, "--child"], { cwd: join(here, "../.."), stdio: "inherit" });
    if (child.status !== 0) process.exit(child.status ?? 1);
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const timeOf = new Map();
    profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const self = new Map();
    let total = 0;
    for (const node of profile.nodes) {
      const t = timeOf.get(node.id) ?? 0;
      total += t;
      const { functionName, url, lineNumber } = node.callFrame;
      // The matcher module's file name carries a pid and a counter: keep the function name only.
      const where = url.includes("/.fawkes-tmp/") ? "matcher" : `${url.split("/").pop() || "(native)"}:${lineNumber + 1}`;
      const name = `${functionName || "(anonymous)"}  ${where}`;
      self.set(name, (self.get(name) ?? 0) + t);
    }
    console.log("self time  function");
    for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${((100 * t) / total).toFixed(1).padStart(8)}%  ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
