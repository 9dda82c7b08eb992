// `npm run bench:build -- --floor`: what esbuild's own rebuild of the bench's app costs, by what
// it bundles (issue 10: the floor under `incremental-template-ms`). esbuild alone, on the files
// the Fawkes build generated (<snapshot>, copied into <app>/.fawkes), each variant a context of
// its own, rebuilt in turn (interleaved, so load on the machine hits each alike); medians.
//   whole app, one template changed   what the bench's esbuild floor times
//   whole app, nothing changed        a rebuild with no input changed: esbuild's fixed cost
//   + sourcemap                       as `fawkes server` bundles (sourcemap: true)
//   templates alone                   a bundle of templates.gen.ts only (no router modules)
// Each rebuild's output is checked for the edit's marker outside the timing.
// node floor.mjs <app> <snapshot> <rounds>
import { context } from "esbuild";
import { cpSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [app, snapshot, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7);
cpSync(snapshot, join(app, ".fawkes"), { recursive: true });
const edited = join(app, ".fawkes/templates/c0/show.html.gen.ts");
const original = readFileSync(edited, "utf8");
writeFileSync(join(app, "templates-only.ts"), `import { templates } from "./.fawkes/templates.gen.js";\nexport { templates };\n`);
const base = { absWorkingDir: app, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "silent" };
const variants = [
  { name: "whole app, one template changed", entry: "main.ts", edit: true },
  { name: "whole app, nothing changed", entry: "main.ts", edit: false },
  { name: "whole app + sourcemap, one template", entry: "main.ts", edit: true, sourcemap: true },
  { name: "templates alone, one template changed", entry: "templates-only.ts", edit: true },
];
const contexts = [];
for (const [i, v] of variants.entries()) {
  const ctx = await context({ ...base, entryPoints: [join(app, v.entry)], outfile: join(app, `out/floor-${i}.mjs`), sourcemap: v.sourcemap ?? false });
  const r = await ctx.rebuild();
  if (r.errors.length) throw new Error(`${v.name}: ${r.errors.map((e) => e.text).join("; ")}`);
  contexts.push(ctx);
}
const times = variants.map(() => []);
for (let n = 0; n < rounds; n++) {
  for (const [i, v] of variants.entries()) {
    const marker = `floor-${n}-${i}`;
    if (v.edit) writeFileSync(edited, original.replace("</h1>", ` ${marker}</h1>`));
    const t0 = performance.now();
    const r = await contexts[i].rebuild();
    times[i].push(performance.now() - t0);
    if (r.errors.length) throw new Error(`${v.name}: ${r.errors.map((e) => e.text).join("; ")}`);
    if (v.edit && !readFileSync(join(app, `out/floor-${i}.mjs`), "utf8").includes(marker)) throw new Error(`${v.name}: the bundle lacks the edit`);
  }
}
for (const ctx of contexts) await ctx.dispose();
writeFileSync(edited, original);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (f) => (statSync(join(app, f)).size / 1e6).toFixed(2);
console.log(`# esbuild alone, rebuild medians (${rounds} rounds, interleaved):`);
for (const [i, v] of variants.entries()) console.log(`#   ${v.name.padEnd(40)} ${median(times[i]).toFixed(0).padStart(6)} ms`);
const sizes = ["matcher", "helpers", "dispatch", "routes", "actions", "templates"].map((m) => `${m}.gen.ts ${mb(`.fawkes/${m}.gen.ts`)}`);
console.log(`#   bundle ${mb("out/floor-0.mjs")} MB (templates alone ${mb("out/floor-3.mjs")} MB); generated: ${sizes.join(", ")} MB`);
