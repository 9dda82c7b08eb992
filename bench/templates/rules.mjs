// `node scripts/build.mjs && node --no-flush-bytecode bench/templates/rules.mjs`: how much of a
// peer's lead is its escaping rules rather than its engine. The hand-written functions
// (hand/render.mjs) run with Eta's rules (& < > " ', what Fawkes must do to match Eta byte for
// byte) and with the peer's (svelte: & < in text, & " < in attributes; pug: all but '), timed
// with Fawkes and the peer in interleaved rounds (CPU-time medians, ROUNDS, default 11).
// Their HTML is not the same bytes (fewer entities), so it is not checked against Eta's here;
// bench:templates checks every engine's output. Findings: FINDINGS.md.

import { makeLoop, measure, median, OPTS } from "../router/harness.mjs";
import { WORKLOADS } from "./data.mjs";
import { engines } from "./engines.mjs";
import { handWritten } from "./hand/render.mjs";

const { escapeHtml } = await import("../../dist/runtime/templates/escape.js");

/** Svelte 5's escape_html (svelte/src/escaping.js), as its server output calls it. */
const CONTENT = /[&<]/g, ATTR = /[&"<]/g;
function svelteEscape(value, isAttr) {
  const str = String(value ?? "");
  const pattern = isAttr ? ATTR : CONTENT;
  pattern.lastIndex = 0;
  let escaped = "", last = 0;
  while (pattern.test(str)) {
    const i = pattern.lastIndex - 1;
    const ch = str[i];
    escaped += str.substring(last, i) + (ch === "&" ? "&amp;" : ch === '"' ? "&quot;" : "&lt;");
    last = i + 1;
  }
  return escaped + str.substring(last);
}

/** baryshev by hand with svelte's rules (the attribute is the only `isAttr` call). */
function baryshevSvelteRules(it) {
  const e = svelteEscape;
  let out = `<html>\n  <head>\n    <title>${e(it.title)}</title>\n  </head>\n  <body>\n    <p>${e(it.text)}</p>\n`;
  if (it.projects.length) for (const p of it.projects) out += `    <a href="${e(p.url, true)}">${e(p.name)}</a>\n    <p>${e(p.description)}</p>\n`;
  else out += "    No projects\n";
  return out + "  </body>\n</html>\n";
}

/** The runtime's escapeHtml with pug's rule set (no `'`): the same code, one character fewer. */
const PUG_SPECIAL = /[&<>"]/;
function pugRulesEscape(value) {
  let s;
  if (typeof value === "string") s = value;
  else if (typeof value === "number") return "" + value;
  else s = String(value);
  let i = s.search(PUG_SPECIAL);
  if (i === -1) return s;
  let out = "", last = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const entity = c === 38 ? "&amp;" : c === 60 ? "&lt;" : c === 62 ? "&gt;" : c === 34 ? "&quot;" : null;
    if (entity === null) continue;
    out += last === i ? entity : s.slice(last, i) + entity;
    last = i + 1;
  }
  return last === s.length ? out : out + s.slice(last);
}

const COMPARISONS = [
  { workload: "items100", peer: "svelte", theirs: baryshevSvelteRules },
  { workload: "partials50", peer: "pug", theirs: handWritten(pugRulesEscape).table },
];

for (const { workload, peer, theirs } of COMPARISONS) {
  const w = { name: workload, ...WORKLOADS[workload] };
  const load = (label) => engines.find((e) => e.label === label).load(w);
  const impls = {
    fawkes: await load("fawkes"),
    [peer]: await load(peer),
    "hand, Eta's rules": handWritten(escapeHtml)[w.template],
    [`hand, ${peer}'s rules`]: theirs,
  };
  const cases = Object.entries(impls).map(([id, R]) => ({ id, ops: 1, run: makeLoop(`r_${id.replace(/\W/g, "_")}`, { R, D: w.data }, 1, "acc += R(D).length;") }));
  const samples = measure(cases, { ...OPTS, rounds: Number(process.env.ROUNDS ?? 11) });
  const rate = (id) => median(samples.get(id).map((x) => 1e9 / x.cpu));
  for (const c of cases) console.log(`${workload} ${c.id.padEnd(20)} ${(rate(c.id) / 1000).toFixed(1).padStart(6)}k/s  fawkes/x ${(rate("fawkes") / rate(c.id)).toFixed(2)}`);
  console.log(`${workload}: ${peer}'s rules are worth ${(rate(`hand, ${peer}'s rules`) / rate("hand, Eta's rules")).toFixed(2)}x to a hand-written function`);
}
