// Literal includes in the emitted code: `include("./row.html.eta", data)` names its partial at
// build time, so the emitter calls the partial's function directly (a local `__include_1` that
// still merges `it` as Eta does), or, where the partial needs no merge (include-data.ts), the
// function itself with the keys it reads. Names resolve as the runtime's registry resolves them.

import { TemplateRegistry } from "../../../runtime/templates/registry.js";
import { applyEdits } from "../../templates/components.js";
import { declaresIt, directCallEdits } from "../../templates/include-data.js";
import { includeSites } from "../../templates/includes.js";
import type { TemplateConfig, TemplateIR } from "../../templates/ir.js";

/** What the direct calls are decided from (render.ts RenderContext has them). */
export interface DirectCallContext {
  config: TemplateConfig;
  names: ReadonlyMap<string, string>;
  reads?: ReadonlyMap<string, ReadonlySet<string>>;
  targets?: ReadonlySet<string>;
}

/**
 * The literal includes whose partial needs no merged `it` become direct calls with the keys it
 * reads (include-data.ts); the rest stay for directIncludes / the registry.
 */
export function withDirectCalls(t: TemplateIR, ctx: DirectCallContext, ext: string): TemplateIR {
  if (t.named || !ctx.reads?.size) return t;
  const registry = new TemplateRegistry(ext);
  const target = (name: string) => {
    const file = name.startsWith("@") ? null : resolveOrNull(registry, name, t.file);
    return file !== null && ctx.names.has(file) ? file : undefined;
  };
  const fn = (file: string) => (ctx.targets?.has(file) ? ctx.names.get(file) : undefined);
  const sites = includeSites(t, ctx.config);
  if (!sites.length) return t;
  return applyEdits(t, directCallEdits(sites, target, ctx.reads, fn, ctx.config.varName ?? "it", declaresIt(t, ctx.config)));
}

/** `include("./x.html.eta", ` with a literal name (not `includeAsync`, not a method `x.include(`). */
const LITERAL_INCLUDE = /(?<![\w$.])include\(\s*(["'])([^"'\\\n]+)\1\s*(,|(?=\)))/g;

/**
 * The templates this one includes by literal name, each with the local that calls it directly.
 * None for a named template (its relative names depend on who includes it) and none to `@name`s.
 */
export function directIncludes(t: TemplateIR, names: ReadonlyMap<string, string>, ext: string): Map<string, string> {
  const out = new Map<string, string>();
  if (t.named) return out;
  const registry = new TemplateRegistry(ext);
  for (const node of t.ast) {
    if (typeof node === "string") continue;
    for (const m of node.val.matchAll(LITERAL_INCLUDE)) {
      const file = m[2].startsWith("@") ? null : resolveOrNull(registry, m[2], t.file);
      if (file && names.has(file) && !out.has(file)) out.set(file, `__include_${out.size + 1}`);
    }
  }
  return out;
}

export function rewriteIncludes(code: string, direct: Map<string, string>, from: string, ext: string): string {
  if (direct.size === 0) return code;
  const registry = new TemplateRegistry(ext);
  return code.replace(LITERAL_INCLUDE, (whole, _q: string, name: string) => {
    const file = name.startsWith("@") ? null : resolveOrNull(registry, name, from);
    const local = file ? direct.get(file) : undefined;
    return local ? `${local}(` : whole;
  });
}

function resolveOrNull(registry: TemplateRegistry, name: string, from: string): string | null {
  try {
    return registry.resolve(name, from);
  } catch {
    return null;
  }
}
