// `p` in templates: the generated templates module imports it from "fawkes" when a template
// uses it (compiler/emit/templates/modules.ts), so tag code calls it as any code does. Each template is scanned
// as syntax.ts checks it, in its probe (Eta's body, every character of tag code mapped back to
// its template line and column), with the import the module will have written above it: a `p`
// the template declares itself shadows it and is not checked.
//
// The scan also gives the emitter each literal's *site*: where its tag is in the tag code. The
// emitter hoists a builder per site (`p.site([...])`) and calls it in place of `p`, so a
// template's verified path costs no lookup at all (a module's `p` costs a WeakMap lookup).

import type { SourceLoc } from "../router/ir.js";
import { USES_VERIFIED_PATH } from "../templates/scope-check.js";
import { buildProbe, Where, type Probe } from "../templates/probe.js";
import type { PathSite, TemplateConfig, TemplateIR } from "../templates/ir.js";
import { findPathLiterals, type ScanSource } from "./scan.js";
import { fingerprint, type TemplateCache } from "../templates/cache.js";
import type { PathLiteralIR } from "./ir.js";

const IMPORT = 'import { p } from "fawkes";\n';

export interface TemplateScan {
  literals: PathLiteralIR[];
  /** Per template file (its registry key): the sites of its tag code's literals. */
  sites: Map<string, PathSite[]>;
}

/** The name a template's probe is scanned by: each literal's `source`. */
const probeName = (t: TemplateIR) => `${t.source}#${t.file}.probe.ts`;

/** Every `p` literal of the templates' code, and where each one's tag is. */
export function scanTemplates(templates: readonly TemplateIR[], config: TemplateConfig, headerLoc: SourceLoc): TemplateScan {
  const sources: ScanSource[] = [];
  const probes = new Map<string, { t: TemplateIR; probe: Probe }>();
  for (const t of templates) {
    const code = [config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))];
    if (!code.some((c) => USES_VERIFIED_PATH.test(c))) continue;
    const probe = buildProbe(t, config);
    const where = new Where(t, probe, { config, headerLoc, env: {} });
    const name = probeName(t);
    probes.set(name, { t, probe });
    sources.push({ name, text: IMPORT + probe.text, locate: (offset) => where.loc(offset - IMPORT.length) });
  }
  const literals = findPathLiterals(sources);
  const sites = new Map<string, PathSite[]>();
  for (const lit of literals) {
    const { t, probe } = probes.get(lit.source)!;
    const [start, end] = [lit.tagRange[0] - IMPORT.length, lit.tagRange[1] - IMPORT.length];
    const segment = probe.segments.find((s) => s.start <= start && end <= s.end);
    // The functionHeader's own literals keep `p` (a lookup): they are the config's text.
    if (!segment?.node || lit.strings.some((s) => s === undefined)) continue;
    const list = sites.get(t.file) ?? [];
    list.push({ node: segment.node, start: start - segment.start, end: end - segment.start, strings: lit.strings as string[] });
    sites.set(t.file, list);
  }
  return { literals, sites };
}

/**
 * scanTemplates with a watch loop's cache (templates/cache.ts): a template's literals and sites
 * are kept by its IR object and the options its probe is made with; those not kept are scanned
 * together (one program for them all, as scanTemplates does).
 */
export function scanTemplatesWith(cache: TemplateCache | undefined, templates: readonly TemplateIR[], config: TemplateConfig, headerLoc: SourceLoc): TemplateScan {
  if (!cache) return scanTemplates(templates, config, headerLoc);
  const key = fingerprint([config, headerLoc]);
  type Own = { literals: PathLiteralIR[]; sites: PathSite[] | undefined };
  const misses = templates.filter((t) => cache.peek<Own>(t, "scan", key) === undefined);
  if (misses.length) {
    const scan = scanTemplates(misses, config, headerLoc);
    const bySource = new Map<string, PathLiteralIR[]>();
    for (const lit of scan.literals) bySource.set(lit.source, [...(bySource.get(lit.source) ?? []), lit]);
    for (const t of misses) cache.of<Own>(t, "scan", key, () => ({ literals: bySource.get(probeName(t)) ?? [], sites: scan.sites.get(t.file) }));
  }
  const literals: PathLiteralIR[] = [];
  const sites = new Map<string, PathSite[]>();
  for (const t of templates) {
    const own = cache.peek<Own>(t, "scan", key)!;
    literals.push(...own.literals);
    if (own.sites) sites.set(t.file, own.sites);
  }
  return { literals, sites };
}
