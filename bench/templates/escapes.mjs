// `node scripts/build.mjs && node bench/templates/escapes.mjs`: how many times one render calls
// the escaper, and with what (a number, an empty, short ≤ 32 or long string), Fawkes' generated
// code against the hand-written functions, per workload. Not timed: it says how much escaping
// work a page's code asks for (the components page: FINDINGS.md).

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WORKLOADS } from "./data.mjs";
import { generatedSources, loadFawkesTemplates } from "./fawkes.mjs";
import { handWritten } from "./hand/render.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const { escapeHtml } = await import("../../dist/runtime/templates/escape.js");
const counts = new Map();
const kind = (v) => (typeof v !== "string" ? typeof v : v === "" ? "empty" : v.length > 32 ? "long" : "short");
globalThis.__benchCountingEscape = (v) => {
  counts.set(kind(v), (counts.get(kind(v)) ?? 0) + 1);
  return escapeHtml(v);
};

// The generated modules again, each with its escaper import replaced by the counting one.
await loadFawkesTemplates();
const dir = join(here, `../../.fawkes-tmp/bench-templates/escapes-${process.pid}`);
let templates;
try {
  for (const [rel, code] of generatedSources) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, code.replace("import { escapeHtml as __e, ", "const __e = (v) => globalThis.__benchCountingEscape(v);\nimport { "));
  }
  templates = (await import(pathToFileURL(join(dir, "templates.gen.js")).href)).templates;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const hand = handWritten(globalThis.__benchCountingEscape);
const once = (render, data) => {
  counts.clear();
  render(data);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `${total} (${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")})`;
};
for (const [name, { template, data }] of Object.entries(WORKLOADS)) {
  console.log(`${name}: fawkes ${once(templates[`bench/${template}.html`], data)}; hand-written ${once(hand[template], data)}`);
}
