// `npm start` (or `npm run demo`): bundles fixtures/demo/server.ts with esbuild and the Fawkes plugin (which
// regenerates the router and template modules first), then runs it: the demo app on
// http://localhost:4000 (PORT to change it).
import { build } from "esbuild";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fawkes } from "../dist/plugin-esbuild/esbuild.js";

const root = fileURLToPath(new URL("../fixtures/demo", import.meta.url));
const outfile = fileURLToPath(new URL("../.fawkes-tmp/demo/server.mjs", import.meta.url));
/** The demo's static files; the bundle runs from .fawkes-tmp, so it is told where they are. */
export const staticRoot = fileURLToPath(new URL("../fixtures/demo/priv/static", import.meta.url));

/** Bundles the demo server (tests running in parallel pass their own outfile); returns the file to run with node. */
export async function bundleDemo(out = outfile) {
  await build({
    absWorkingDir: root,
    entryPoints: ["server.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Dependencies (fawkes itself included) load from node_modules at run time, as a server's do.
    packages: "external",
    outfile: out,
    // server.mjs.map beside the bundle: run with --enable-source-maps, stack frames name the
    // .fawkes/*.gen.ts files, and the debug page (DEBUG_ERRORS=1) maps them to router and
    // template lines (runtime/http/stack.ts).
    sourcemap: true,
    plugins: [fawkes()],
    logLevel: "warning",
  });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = await bundleDemo();
  const child = spawn(process.execPath, ["--enable-source-maps", file], { stdio: "inherit", env: { ...process.env, DEMO_STATIC: staticRoot } });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code) => process.exit(code ?? 0));
}
