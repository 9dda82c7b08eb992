// The names templates call without an assign (compiler/emit/templates/scope.ts binds them):
// which each template uses (scopeUse), and build-time checks of them. `Routes`
// in an app that has no router is an error at its first use in each template, rather than an
// import of a helpers module that is never generated; in an app with one, each
// `Routes.<helper>("<action>")` names a helper and an action of the route table.

import { ts } from "ts-morph";
import { nearest } from "../_suggest.js";
import type { Diagnostic } from "../diagnostics.js";
import { helperName, urlHelperName } from "../router/_names.js";
import type { RouterIR } from "../router/ir.js";
import { buildProbe, Where, type SyntaxContext } from "./probe.js";
import type { TemplateConfig, TemplateIR } from "./ir.js";
import { identifiersOf, identifierUses, usedViewExports, type TemplateScope, type ViewModuleIR } from "./views.js";

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

/** The app's path and URL helpers (`userPath`, `userUrl`), each with the actions its routes have. */
export type RouteHelpers = ReadonlyMap<string, readonly string[]>;

/** The helpers helpers.gen.ts has (as emitHelpers makes them), with their actions. */
export function routeHelpers(ir: RouterIR): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of ir.routes) {
    if (!r.helper || r.action === null) continue;
    for (const name of [helperName(r.helper), urlHelperName(r.helper)]) {
      const actions = out.get(name) ?? [];
      if (!actions.includes(r.action)) actions.push(r.action);
      out.set(name, actions);
    }
  }
  return out;
}

/**
 * `Routes.<helper>("<action>", ...)` with a literal action, checked against the route table at
 * build time, so a misspelt helper or action fails `fawkes build` (and the dev server, the
 * bundler plugins) at the template line, not only `fawkes check`'s type check. A template that
 * declares a `Routes` of its own is left to tsc.
 */
export function checkRoutesCalls(templates: readonly TemplateIR[], ctx: SyntaxContext, helpers: RouteHelpers): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = [...helpers.keys()];
  for (const t of templates) {
    if (!t.ast.some((n) => typeof n !== "string" && ROUTES.test(n.val))) continue;
    const probe = buildProbe(t, ctx.config);
    const where = new Where(t, probe, ctx);
    const sf = ts.createSourceFile("probe.ts", probe.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const calls: ts.CallExpression[] = [];
    let shadowed = false;
    const visit = (node: ts.Node): void => {
      if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionDeclaration(node) || ts.isBindingElement(node)) && node.name && ts.isIdentifier(node.name) && node.name.text === "Routes") shadowed = true;
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === "Routes") calls.push(node);
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (shadowed) continue;
    for (const call of calls) {
      const access = call.expression as ts.PropertyAccessExpression;
      const name = access.name.text;
      const at = (node: ts.Node) => ({ loc: where.loc(node.getStart(sf)), excerpt: where.excerpt(node.getStart(sf)) });
      const actions = helpers.get(name);
      if (!actions) {
        const near = nearest(name, names);
        const { loc, excerpt } = at(access.name);
        out.push({
          code: "TEMPLATE_ROUTES_HELPER",
          severity: "error",
          message: `Routes.${name} does not exist: no route of the router has that helper${excerpt}`,
          loc,
          hint: near ? `did you mean Routes.${near}?` : `the helpers are: ${names.join(", ") || "none"}`,
        });
        continue;
      }
      // `userPath("show", ...)`, `userPath(conn, "show", ...)`, `userUrl(base, "show", ...)`.
      const [first, second] = call.arguments;
      const literal = (e: ts.Expression | undefined) => (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e : undefined);
      const action = name.endsWith("Url") ? literal(second) : (literal(first) ?? literal(second));
      if (!action || actions.includes(action.text)) continue;
      const near = nearest(action.text, actions);
      const { loc, excerpt } = at(action);
      out.push({
        code: "TEMPLATE_ROUTES_ACTION",
        severity: "error",
        message: `Routes.${name} has no action ${JSON.stringify(action.text)}${excerpt}`,
        loc,
        hint: near ? `did you mean ${JSON.stringify(near)}? (its actions: ${actions.join(", ")})` : `its actions: ${actions.join(", ")}`,
      });
    }
  }
  return out;
}

/** The code of a template Fawkes looks names up in: the config's functionHeader, then its tags. */
export function templateCode(t: TemplateIR, config: TemplateConfig): string {
  return [config.functionHeader ?? "", ...t.ast.map((n) => (typeof n === "string" ? "" : n.val))].join("\n");
}

export interface ScopeUse {
  routes: boolean;
  csrfToken: boolean;
  getFlash: boolean;
  views: { name: string; module: ViewModuleIR }[];
}

export function scopeUse(t: TemplateIR, config: TemplateConfig, scope: TemplateScope): ScopeUse {
  const code = identifiersOf(templateCode(t, config));
  return {
    routes: scope.routes && code.has("Routes"),
    csrfToken: code.has("csrfToken"),
    getFlash: code.has("getFlash"),
    views: usedViewExports(t, code, scope),
  };
}

/**
 * Tag code that may call `p` (verified paths, runtime/router/verified.ts): the module then imports
 * it, so templates use it as modules do, without an assign; compiler/verify checks each literal.
 */
export const USES_VERIFIED_PATH = /(?<![\w$.])p\s*(?:\.\s*(?:get|post|put|patch|delete|options|head|connect|trace)\s*)?`/;
