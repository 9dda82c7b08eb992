// `npm run bench:routes`: wall time of `fawkes routes` (the built bin in a fresh process, as a
// user runs it: it reads the router from its syntax, compiler/router/syntactic.ts) against the
// same table from a full build with a type-checker program (full-routes.mjs: what `routes` did
// before), on fixtures/demo and on a generated app of 30 routes. Runs alternate between the
// two, RUNS of each; medians. Both tables are compared before anything is timed (the CLI's
// socket lines come after the routes; the build path has none).
//
// `ratio routes-<app> full-program x`: the full build's median over the CLI's (x > 1: the
// CLI is faster). `node -e ""` is printed as the floor: what starting Node alone costs here.

import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(REPO, "dist/compiler/cli/main.js");
const FULL = fileURLToPath(new URL("./full-routes.mjs", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** An app of 30 routes: ten controllers with three actions each (inside the repo, so "fawkes" resolves). */
function generateApp() {
  const root = join(REPO, ".fawkes-tmp", `bench-routes-${process.pid}`);
  const names = Array.from({ length: 10 }, (_, i) => `Thing${i}Controller`);
  const file = (rel, text) => {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const imports = names.map((n, i) => `import * as ${n} from "./controllers/thing${i}.js";`).join("\n");
  const routes = names.map((n, i) => `  r.get("/things${i}", ${n}, "index");\n  r.get("/things${i}/:id", ${n}, "show");\n  r.post("/things${i}", ${n}, "create");`).join("\n");
  file("app/router.ts", `import { defineRouter } from "fawkes";\n${imports}\n\nexport default defineRouter((r) => {\n${routes}\n});\n`);
  for (let i = 0; i < names.length; i++) {
    file(`app/controllers/thing${i}.ts`, `import { text, type Conn } from "fawkes";\n${["index", "show", "create"].map((a) => `export const ${a} = (conn: Conn) => text(conn, "${a} ${i}");`).join("\n")}\n`);
  }
  return root;
}

function run(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd: REPO });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const app30 = generateApp();
try {
  const apps = [["demo", join(REPO, "fixtures/demo")], ["app30", app30]];
  const floor = [];
  const lines = [];
  for (const [name, root] of apps) {
    const cli = ["--no-warnings", BIN, "routes", "--root", root];
    const full = [FULL, root];
    // Verify: the same routes, in the same order (the CLI adds the socket lines after them).
    const a = run(cli).stdout;
    const b = run(full).stdout;
    if (!a.startsWith(b) || b.split("\n").length < (name === "app30" ? 31 : 10)) throw new Error(`${name}: the two tables differ:\n${a}\n---\n${b}`);
    const times = { cli: [], full: [] };
    for (let i = 0; i < RUNS; i++) {
      times.cli.push(run(cli).ms);
      times.full.push(run(full).ms);
      floor.push(run(["-e", ""]).ms);
    }
    const [c, f] = [median(times.cli), median(times.full)];
    console.log(`${name}: ${b.split("\n").length - 1} routes; fawkes routes ${times.cli.map((t) => t.toFixed(0)).join(" ")} ms; full program ${times.full.map((t) => t.toFixed(0)).join(" ")} ms`);
    console.log(`routes-ms ${name} ${c.toFixed(0)}`);
    console.log(`full-program-ms ${name} ${f.toFixed(0)}`);
    lines.push(`ratio routes-${name} full-program ${(f / c).toFixed(2)}`);
  }
  console.log(`node-startup-ms ${median(floor).toFixed(0)}`);
  for (const l of lines) console.log(l);
} finally {
  rmSync(app30, { recursive: true, force: true });
}
