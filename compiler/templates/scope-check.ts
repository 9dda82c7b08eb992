// Build-time checks of the names templates call without an assign (emit-scope.ts): `Routes`
// in an app that has no router is an error at its first use in each template, rather than an
// import of a helpers module that is never generated.

import type { Diagnostic } from "../diagnostics.js";
import { buildProbe, Where, type SyntaxContext } from "./probe.js";
import type { TemplateIR } from "./ir.js";
import { identifierUses } from "./views.js";

const ROUTES = /(?<![\w$])(?<!(?<!\.\.)\.)Routes(?![\w$])/;

export function routesWithoutRouter(templates: readonly TemplateIR[], ctx: SyntaxContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of templates) {
    if (!t.ast.some((n) => typeof n !== "string" && ROUTES.test(n.val))) continue;
    const probe = buildProbe(t, ctx.config);
    const where = new Where(t, probe, ctx);
    for (const s of probe.segments) {
      // Not in a comment or a string: the scanner's identifiers.
      const use = s.node ? identifierUses(probe.text.slice(s.start, s.end)).find((u) => u.name === "Routes") : undefined;
      if (!use) continue;
      const m = { index: use.at };
      out.push({
        code: "TEMPLATE_NO_ROUTES",
        severity: "error",
        message: `${t.source} calls Routes, but the app has no router to generate them from${where.excerpt(s.start + m.index)}`,
        loc: where.loc(s.start + m.index),
        hint: "Routes.*Path helpers are generated from app/router.ts (the config's router): add the router, or pass the path as an assign",
      });
      break;
    }
  }
  return out;
}
