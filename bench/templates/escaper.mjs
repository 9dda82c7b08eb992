// `node scripts/build.mjs && node --no-flush-bytecode bench/templates/escaper.mjs [flat]`: the
// runtime's escapeHtml alone against the hand-written floor's escapeFast and the two shapes it
// replaced (a charCodeAt loop up to 256 chars, five replaceAll passes above), per kind of value
// the workloads escape. ns per call, CPU-time medians of interleaved rounds; `flat` also reads a
// char of each result (a rope of slices pays its flattening). Each escaper's output is checked
// against escapeHtml's first. Findings: FINDINGS.md.

import { makeLoop, measure, median, OPTS } from "../router/harness.mjs";
import { WORKLOADS } from "./data.mjs";
import { escapeFast } from "./hand/render.mjs";

const { escapeHtml } = await import("../../dist/runtime/templates/escape.js");

/** The runtime's escaper before issue 13's second pass (loop ≤ 256 chars, else five replaceAll). */
function previous(value) {
  const s = typeof value === "string" ? value : String(value);
  if (s.length > 256) {
    if (!/[&<>"']/.test(s)) return s;
    return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
  }
  let out = "", last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 62 || (c !== 38 && c !== 60 && c !== 62 && c !== 34 && c !== 39)) continue;
    const entity = c === 38 ? "&amp;" : c === 60 ? "&lt;" : c === 62 ? "&gt;" : c === 34 ? "&quot;" : "&#39;";
    out += last === i ? entity : s.slice(last, i) + entity;
    last = i + 1;
  }
  return last === 0 ? s : last === s.length ? out : out + s.slice(last);
}

const { baryshev, items100, partials50 } = Object.fromEntries(Object.entries(WORKLOADS).map(([k, w]) => [k, w.data]));
const SETS = {
  "dense short (items100)": items100.projects.flatMap((p) => [p.url, p.name, p.description]),
  "clean short (baryshev)": baryshev.projects.flatMap((p) => [p.url, p.name, p.description]),
  "row values (partials50)": partials50.rows.flatMap((r) => [r.id, r.id, r.name, r.email, r.role]),
  "250-char text": Array.from({ length: 20 }, (_, k) => baryshev.text.slice(k * 300, k * 300 + 250 + k)),
  "10 kB text (baryshev)": [baryshev.text],
};
const ESCAPERS = { escapeHtml, escapeFast, previous };
const flat = process.argv[2] === "flat";

for (const [set, values] of Object.entries(SETS)) {
  for (const [id, f] of Object.entries(ESCAPERS)) for (const v of values) if (f(v) !== escapeHtml(v)) throw new Error(`${id} differs on ${JSON.stringify(v)}`);
  const body = flat ? "const r = F(S[j]); acc += r.length + r.charCodeAt(r.length >> 1);" : "acc += F(S[j]).length;";
  const cases = Object.entries(ESCAPERS).map(([id, F]) => ({ id, ops: values.length, run: makeLoop(`e_${id}`, { F, S: values }, values.length, body) }));
  const samples = measure(cases, { ...OPTS, rounds: Number(process.env.ROUNDS ?? 11) });
  const ns = (id) => median(samples.get(id).map((x) => x.cpu));
  console.log(`${set.padEnd(24)} ${cases.map((c) => `${c.id} ${ns(c.id).toFixed(1)} ns`).join("  ")}  ratio previous/escapeHtml ${(ns("previous") / ns("escapeHtml")).toFixed(2)}`);
}
