// Fawkes' side: compile bench/templates/app/templates/**/*.html.eta with our template compiler
// (from dist/, built by scripts/build.mjs), transpile the generated TypeScript with esbuild and
// import it. The module is written inside the package (.fawkes-tmp/) so its `import … from
// "fawkes"` resolves by self-reference to dist/, exactly as an app's generated code would.
// The core components (bench/templates/app/templates/bench/components.html.eta calls them) are
// the ones `fawkes new` writes: the templates are compiled from a copy of app/ with the
// scaffold's components added, so the bench always measures the components apps get.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { NotAvailable } from "./not-available.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../..");
const GENERATED = ".fawkes/templates.gen.ts";

/** The transpiled modules of the last load, by path under the run's folder (bench/templates/profile.mjs prints their lines). */
export const generatedSources = new Map();

/** `{ "bench/baryshev.html": (it) => string, ... }`, or throws NotAvailable saying why not. */
export async function loadFawkesTemplates() {
  const compiler = join(root, "dist/compiler/build/templates.js");
  if (!existsSync(compiler)) throw new NotAvailable("compiler/templates not built yet");
  const { compileTemplates } = await import(pathToFileURL(compiler).href);
  const { formatDiagnostic } = await import(pathToFileURL(join(root, "dist/compiler/diagnostics.js")).href);

  const app = join(root, `.fawkes-tmp/bench-templates/app-${process.pid}`);
  rmSync(app, { recursive: true, force: true });
  cpSync(join(here, "app"), join(app, "app"), { recursive: true });
  const scaffold = join(root, "compiler/cli/scaffold/html/app/templates/components");
  mkdirSync(join(app, "app/templates/components"), { recursive: true });
  for (const f of readdirSync(scaffold)) writeFileSync(join(app, "app/templates/components", f.replace(/\.tmpl$/, "")), readFileSync(join(scaffold, f)));
  let compiled;
  try {
    compiled = await compileTemplates({ root: app, templatesDir: "app/templates", outDir: ".fawkes" });
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
  const { files, diagnostics } = compiled;
  for (const d of diagnostics) console.log(`# fawkes: ${formatDiagnostic(d).replaceAll("\n", "\n#   ")}`);
  if (!files.has(GENERATED)) throw new NotAvailable(`the compiler produced no ${GENERATED}${diagnostics.length ? " (diagnostics above)" : ""}`);

  // templates.gen.ts imports one module per template (templates/<path>.gen.ts): each is
  // transpiled to the .js path its importers name, under a folder of this run's own.
  const dir = join(root, `.fawkes-tmp/bench-templates/run-${process.pid}`); // pid: runs by others may overlap
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of files) {
    if (!rel.startsWith(".fawkes/templates")) continue;
    // FAWKES_NO_LINE_TRACKING=1 drops the per-tag `__line = N;` stores, to measure what the
    // template-and-line error reporting costs (see runtime/templates/errors.ts).
    const source = process.env.FAWKES_NO_LINE_TRACKING === "1" ? text.replace(/^\s*__line = \d+;\n/gm, "") : text;
    const { code } = transformSync(source, { loader: "ts", format: "esm", sourcefile: rel });
    const file = join(dir, rel.slice(".fawkes/".length).replace(/\.ts$/, ".js"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, code);
    generatedSources.set(rel.slice(".fawkes/".length).replace(/\.ts$/, ".js"), code);
  }
  try {
    const mod = await import(pathToFileURL(join(dir, "templates.gen.js")).href);
    if (!mod.templates) throw new NotAvailable(`${GENERATED} exports no \`templates\``);
    return mod.templates;
  } finally {
    rmSync(dir, { recursive: true, force: true }); // imported already; keeps .fawkes-tmp/ from filling up run after run
  }
}
