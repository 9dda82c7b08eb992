// Bundles the Fawkes bench app's server (app/server.ts) with esbuild and the Fawkes plugin, as
// scripts/demo.mjs bundles the demo: the plugin regenerates app/.fawkes/ (router and
// templates) first. The bundle goes to <repo>/.fawkes-tmp/bench-http/ (git-ignored).
// One addition: a `require` for the ESM bundle. The runtime now pulls in CommonJS packages
// (@fastify/busboy requires "node:stream"), which esbuild's ESM output cannot require by itself
// ("Dynamic require of node:stream is not supported" at startup).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { fawkes } from "../../dist/plugin-esbuild/esbuild.js";

const root = fileURLToPath(new URL("./app", import.meta.url));
const outfile = fileURLToPath(new URL("../../.fawkes-tmp/bench-http/server.mjs", import.meta.url));

/** Bundles the bench app's server; returns the file to run with node. */
export async function bundleFawkes() {
  await build({
    absWorkingDir: root,
    entryPoints: ["server.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    plugins: [fawkes()],
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel: "warning",
  });
  return outfile;
}
