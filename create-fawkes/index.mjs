#!/usr/bin/env node
// `npm create fawkes@latest my_app [options]`: npm installs this package and runs its bin,
// which runs `fawkes new my_app [options]` of the fawkes it depends on (the same version), so
// the app is made by the same code as `npx fawkes new`. Options and exit codes are fawkes new's.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
const help = args.includes("--help") || args.includes("-h");
if (!help && !args.some((a) => !a.startsWith("-"))) {
  process.stderr.write("usage: npm create fawkes@latest DIR [-- options]\n  the options are those of `fawkes new`: npm create fawkes@latest -- --help\n");
  process.exit(2);
}

const require = createRequire(import.meta.url);
const manifest = require.resolve("fawkes/package.json");
const { bin } = JSON.parse(readFileSync(manifest, "utf8"));
const cli = join(dirname(manifest), typeof bin === "string" ? bin : bin.fawkes);
const run = spawnSync(process.execPath, [cli, "new", ...args], { stdio: "inherit" });
process.exit(run.status ?? 1);
