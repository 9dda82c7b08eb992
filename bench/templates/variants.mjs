// `npm run bench:templates:variants <workload> <variant>[+<variant>...] ...`: ideas for the
// emitter measured before they are built. Each variant is Fawkes' generated modules with a
// textual transform (below), loaded next to the unchanged ones in the same process and timed
// with them and the hand-written floor in interleaved rounds (CPU-time medians; ROUNDS, default
// 15). Every variant's HTML must equal the unchanged modules' before timing. Prints one line per
// case: renders/s, vs the generated modules (A), vs hand-written. Last run (issue 13): all of
// these within the noise of this machine (±5-10% between runs), see render.ts's notes.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { makeLoop, measure, median, OPTS } from "../router/harness.mjs";
import { WORKLOADS } from "./data.mjs";
import { generatedSources, loadFawkesTemplates } from "./fawkes.mjs";
import * as hand from "./hand/render.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const [workloadName = "components-page", ...names] = process.argv.slice(2);

/** Transforms of one generated module (`rel` under the out dir, `code` as esbuild wrote it). */
const VARIANTS = {
  // No per-tag `__line = N;` stores (errors would lose their template line).
  noline: (rel, code) => code.replace(/^\s*__line = \d+;\n/gm, ""),
  // Only the last of consecutive `__line` stores (those before comment-only tags are dead).
  deadline: (rel, code) => {
    for (let prev; prev !== code; ) (prev = code), (code = code.replace(/^(\s*)__line = \d+;\n(\s*__line = \d+;)/m, "$1$2"));
    return code;
  },
  // No try/catch around the body (errors would not name their template).
  notry: (rel, code) => code.replace(/^  try \{\n/m, "  {\n").replace(/  \} catch \(error\) \{\n    throw __error\([^\n]*\n  \}\n/, "  }\n"),
  // partials50: the row partial's body inlined in the table's loop (what pug does with an include).
  inlinerow: (rel, code) => !rel.endsWith("bench/table.html.gen.js") ? code : code.replace(
    "__res += t_bench_row_html({ row }, t_bench_row_html$options);",
    `__res += "    <tr><td>" + __e(row.id) + '</td><td><a href="/users/' + __e(row.id) + '">' + __e(row.name) + "</a></td><td>" + __e(row.email) + "</td><td>" + __e(row.role) + "</td></tr>\\n";`,
  ),
  // Components: no per-call `slot` closure (its calls made on __slot directly).
  noslotc: (rel, code) => code.replace(/^\s*const slot = \(s, arg\) => __slot\(__capture, __e, s, arg\);\n/m, "").replace(/(?<![\w$.])slot\(/g, "__slot(__capture, __e, "),
  // Components: a slot run by the caller's own `__capSlot(slot, arg)` (it calls the slot and
  // returns what it wrote, plus what it returned, escaped), in place of renderSlot wrapping the
  // call in a closure for the caller's capture on every slot.
  slotcap: (rel, code) => {
    const capSlot = `$&  function __capSlot(s, arg) {\n    const o = __eta.res;\n    __eta.res = "";\n    try {\n      const r = s(arg);\n      return r === void 0 || r === null ? __eta.res : __eta.res + __e(r);\n    } finally {\n      __eta.res = o;\n    }\n  }\n`;
    return code
      .replace(/^  function capture\(fn\) \{\n[\s\S]*?\n  \}\n/m, capSlot)
      .replace(/(?<![\w$.])(c_\w+)\(capture(?=[,)])/g, "$1(__capSlot")
      .replace("const slot = (s, arg) => __slot(__capture, __e, s, arg);", 'const slot = (s, arg) => s === void 0 || s === null ? "" : typeof s === "string" ? __e(s) : __capture(s, arg);')
      .replace(/(c_\w+)\(__noCapture, /g, "$1((s, arg) => { const r = s(arg); return r === void 0 || r === null ? \"\" : __e(r); }, ");
  },
  // Components: no per-call `csrfToken` closure.
  nocsrf: (rel, code) => code.replace(/^\s*const csrfToken = \(\) => __csrfToken\(it\);\n/m, "").replace(/(?<![\w$.])csrfToken\(\)/g, "__csrfToken(it)"),
};

const workload = WORKLOADS[workloadName];
if (!workload) throw new Error(`unknown workload ${workloadName}; one of: ${Object.keys(WORKLOADS).join(", ")}`);
for (const name of names) for (const part of name.split("+")) if (!VARIANTS[part]) throw new Error(`unknown variant ${part}; one of: ${Object.keys(VARIANTS).join(", ")}`);
const key = `bench/${workload.template}.html`;
const generated = (await loadFawkesTemplates())[key];
const variants = new Map();
for (const name of names) {
  const dir = join(here, `../../.fawkes-tmp/bench-templates/variant-${process.pid}-${name.replace(/\W/g, "_")}`);
  try {
    for (const [rel, code] of generatedSources) {
      const file = join(dir, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, name.split("+").reduce((text, part) => VARIANTS[part](rel, text), code));
    }
    variants.set(name, (await import(pathToFileURL(join(dir, "templates.gen.js")).href)).templates[key]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const want = generated(workload.data);
const cases = [["A", generated], ...variants, ["hand-written", hand[workload.template]]].map(([id, render]) => {
  if (id !== "hand-written" && render(workload.data) !== want) throw new Error(`${id}: its HTML differs from the generated modules'`);
  return { id, ops: 1, run: makeLoop(`render_${id.replace(/\W/g, "_")}`, { R: render, D: workload.data }, 1, "acc += R(D).length;") };
});
const samples = measure(cases, { ...OPTS, sampleMs: 120, rounds: Number(process.env.ROUNDS ?? 15) });
const rate = (id) => median(samples.get(id).map((x) => 1e9 / x.cpu));
for (const c of cases) {
  console.log(`${workloadName} ${c.id.padEnd(24)} ${(rate(c.id) / 1000).toFixed(1).padStart(7)}k/s  vs A ${(rate(c.id) / rate("A")).toFixed(3)}  vs hand ${(rate(c.id) / rate("hand-written")).toFixed(3)}`);
}
