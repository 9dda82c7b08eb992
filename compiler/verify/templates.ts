// `p` in templates: the generated templates module imports it from "fawkes" when a template
// uses it (templates/emit.ts), so tag code calls it as any code does. Each template is scanned
// as syntax.ts checks it, in its probe (Eta's body, every character of tag code mapped back to
// its template line and column), with the import the module will have written above it: a `p`
// the template declares itself shadows it and is not checked.

import type { SourceLoc } from "../router/ir.js";
import { USES_VERIFIED_PATH } from "../templates/emit.js";
import { buildProbe, Where } from "../templates/probe.js";
import type { TemplateConfig, TemplateIR } from "../templates/ir.js";
import type { ScanSource } from "./scan.js";


const IMPORT = 'import { p } from "fawkes";\n';

/** One scan source per template whose code may use `p`, locating back into the template. */
export function templateSources(templates: readonly TemplateIR[], config: TemplateConfig, headerLoc: SourceLoc): ScanSource[] {
  const out: ScanSource[] = [];
  for (const t of templates) {
    const code = [config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))];
    if (!code.some((c) => USES_VERIFIED_PATH.test(c))) continue;
    const probe = buildProbe(t, config);
    const where = new Where(t, probe, { config, headerLoc, env: {} });
    out.push({ name: `${t.source}.probe.ts`, text: IMPORT + probe.text, locate: (offset) => where.loc(offset - IMPORT.length) });
  }
  return out;
}
