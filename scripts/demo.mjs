// `npm run demo`: bundles fixtures/demo/main.ts with esbuild and the Fawkes plugin (which
// regenerates the router and template modules first), then runs it.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fawkes } from "../dist/plugin-esbuild/esbuild.js";

const root = fileURLToPath(new URL("../fixtures/demo", import.meta.url));
const outfile = fileURLToPath(new URL("../.fawkes-tmp/demo/main.mjs", import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ["main.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile,
  plugins: [fawkes()],
  logLevel: "warning",
});
const run = spawnSync(process.execPath, [outfile], { stdio: "inherit" });
process.exit(run.status ?? 1);
