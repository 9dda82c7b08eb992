// One child of `npm run bench:build`: node round.mjs <fawkes|esbuild> <app> <lib> <snapshots> <edits> [profile-phase]
// fawkes:  esbuild with the Fawkes plugin (generation + bundling), from a project with no
//          .fawkes/: a cold build, then <edits> template edits and <edits> router edits, each a
//          ctx.rebuild() as a watcher would do. It saves what each step generated (<snapshots>).
// esbuild: the floor: the same bundle with esbuild alone, the generated files already there; each
//          edit writes the files the Fawkes step generated, then times the rebuild.
// Each build's output is checked (errors, the edit's marker in the bundle) outside the timing.
// Prints one JSON line: { cold, template: [ms...], router: [ms...], typecheck: { cold, router: [ms...] }, codeCache }
// (typecheck: when the deferred type check of the router arrived, from the start of its build).
// With a profile phase (cold, template, router), that phase runs under V8's CPU profiler (the
// one `node --cpu-prof` starts, here started and stopped around the phase by node:inspector)
// and the profile is written to <snapshots>/<mode>-<phase>.cpuprofile.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { EDITED_TEMPLATE, ROUTER, router, template } from "./generate.mjs";

const [mode, app, lib, snapshots, editsArg, profilePhase] = process.argv.slice(2);
const edits = Number(editsArg);
const out = join(app, "out/main.mjs");
let session;

async function phase(name, fn) {
  if (profilePhase === name) {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
  }
  const result = await fn();
  if (profilePhase === name) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(join(snapshots, `${mode}-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  return result;
}

function check(result, marker) {
  if (result.errors.length) throw new Error(`build failed: ${result.errors.map((e) => e.text).join("; ")}`);
  const bundle = readFileSync(out, "utf8");
  if (!bundle.includes(marker)) throw new Error(`the bundle lacks ${JSON.stringify(marker)}: the edit was not rebuilt`);
}

const snap = (name) => join(snapshots, name);
function save(name) {
  rmSync(snap(name), { recursive: true, force: true });
  cpSync(join(app, ".fawkes"), snap(name), { recursive: true });
}
/** The generated files of a step put back (folders too: the templates' modules), only those that differ, as the plugin writes them. */
function restore(name) {
  for (const e of readdirSync(snap(name), { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = relative(snap(name), join(e.parentPath, e.name));
    const to = join(app, ".fawkes", rel);
    const text = readFileSync(join(snap(name), rel));
    let same = false;
    try {
      same = readFileSync(to).equals(text);
    } catch {}
    if (same) continue;
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
  }
}

const fawkesMode = mode === "fawkes";

// The plugin as `fawkes server` runs it (typeCheck "deferred"): a build that read the router
// from its syntax is served, and the type checker's read arrives after, from a worker thread.
// Each arrival is timed from the start of its build; the next edit waits for it (untimed).
const reports = [];
let arrived = null;
function onTypeCheck(report) {
  reports.push({ report, at: performance.now() });
  arrived?.();
}
async function typeChecked(t0) {
  while (!reports.length) await new Promise((resolve) => (arrived = resolve));
  const { report, at } = reports.shift();
  if (report.errors.length) throw new Error(`the type check failed: ${report.errors.map((e) => e.text).join("; ")}`);
  return at - t0;
}
if (!fawkesMode) {
  mkdirSync(join(app, ".fawkes"), { recursive: true });
  restore("initial");
}

const cold = await phase("cold", async () => {
  const t0 = performance.now();
  const { context } = await import("esbuild");
  const plugins = fawkesMode ? [(await import(pathToFileURL(join(lib, "plugin-esbuild/esbuild.js")).href)).fawkes({ root: app, typeCheck: "deferred", onTypeCheck })] : [];
  const ctx = await context({ entryPoints: [join(app, "main.ts")], absWorkingDir: app, bundle: true, platform: "node", format: "esm", packages: "external", outfile: out, logLevel: "silent", plugins });
  const result = await ctx.rebuild();
  return { ms: performance.now() - t0, t0, ctx, result };
});
const typecheck = { cold: fawkesMode ? await typeChecked(cold.t0) : 0, router: [] };
check(cold.result, "c0/show: static text");
if (fawkesMode) save("initial");
const ctx = cold.ctx;

async function edit(kind, n) {
  const marker = kind === "template" ? ` edit-${n}` : `-v${n}`;
  if (kind === "template") writeFileSync(join(app, EDITED_TEMPLATE), template("c0", "show", marker));
  else writeFileSync(join(app, ROUTER), router(marker));
  if (!fawkesMode) restore(`${kind}-${n}`);
  const t0 = performance.now();
  const result = await ctx.rebuild();
  const ms = performance.now() - t0;
  check(result, kind === "template" ? `edit-${n}` : `p0-v${n}`);
  if (fawkesMode && kind === "router") typecheck.router.push(await typeChecked(t0));
  // A profiling child's snapshots are not replayed (the floor's children ran before it), and
  // copying them would be most of what its profile shows.
  if (fawkesMode && !profilePhase) save(`${kind}-${n}`);
  return ms;
}

const times = { template: [], router: [] };
for (const kind of ["template", "router"]) {
  await phase(kind, async () => {
    for (let n = 1; n <= edits; n++) times[kind].push(await edit(kind, n));
  });
}
await ctx.dispose();
// What the compiler found in its code cache (FAWKES_CODE_CACHE, set by main.mjs), for main.mjs to
// check; null for sources from before the cache.
const codeCache = fawkesMode ? await import(pathToFileURL(join(lib, "compiler/_code-cache.js")).href).then((m) => m.codeCacheReport().map((e) => e.found), () => null) : null;
process.stdout.write(JSON.stringify({ cold: cold.ms, ...times, typecheck, codeCache }) + "\n");
