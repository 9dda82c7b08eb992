// Builds the package: one JavaScript file per TypeScript source (no bundling, so the
// runtime/compiler boundary stays visible in dist/), then declarations with tsc.
// Runs from `npm prepare`, so a fresh `npm install` leaves a working `npx fawkes`.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const roots = ["runtime", "compiler", "plugin-esbuild"];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: roots.flatMap(sources),
  outdir: "dist",
  outbase: ".",
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
chmodSync("dist/compiler/cli/main.js", 0o755);
// The files `fawkes new` writes are templates, not sources: copied as they are (compiler/cli/new.ts).
cpSync("compiler/cli/scaffold", "dist/compiler/cli/scaffold", { recursive: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
