// The names the templates' modules are written with: each template's function
// (`t_user_show_html`), its module's path (`user/show.html.gen.ts`), its assigns type and the
// locals of custom tags. Stable for the same files (sorted input, first come keeps the name),
// so regenerating changes nothing and one new template renames nothing else.

import type { TemplateIR } from "../../templates/ir.js";

/** The registry module's path under the out dir; the templates' modules are under TEMPLATE_MODULES. */
export const REGISTRY_MODULE = "templates.gen.ts";
export const TEMPLATE_MODULES = "templates/";

/** The registry object's module under `templates/`, keyed in modulePaths by REGISTRY_KEY. */
export const REGISTRY_KEY = "\0registry";

/** `user/show.html.eta` → `t_user_show_html`, `@card` → `t_named_card`; unique, never a reserved word. */
export function functionNames(templates: readonly TemplateIR[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const t of templates) {
    const stem = t.named ? "named_" + t.file.slice(1) : t.file.replace(/\.eta$/, "");
    const base = "t_" + stem.replace(/[^A-Za-z0-9_$]/g, "_");
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(t.file, name);
  }
  return out;
}

/**
 * Each template's module path under `templates/` (`user/show.html.eta` → `user/show.html.gen.ts`,
 * `@card` → `__named/card.gen.ts`), and the registry's (`__registry.gen.ts`) under REGISTRY_KEY;
 * unique (a clash gets `_2`), stable for the same files.
 */
export function modulePaths(templates: readonly TemplateIR[]): Map<string, string> {
  const out = new Map<string, string>([[REGISTRY_KEY, "__registry.gen.ts"]]);
  const used = new Set(["__registry.gen.ts"]);
  for (const t of templates) {
    const stem = (t.named ? "__named/" + t.file.slice(1) : t.file.replace(/\.eta$/, "")).replace(/[^\w./@$-]/g, "_");
    let path = `${stem}.gen.ts`;
    for (let i = 2; used.has(path.toLowerCase()); i++) path = `${stem}_${i}.gen.ts`;
    used.add(path.toLowerCase());
    out.set(t.file, path);
  }
  return out;
}

/** `t_user_show_html` → `UserShowHtmlAssigns`. */
export function assignsType(fn: string): string {
  return fn.replace(/^t_/, "").split("_").filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("") + "Assigns";
}

/** The local a custom tag's function is imported as: `*` → `__tag_$2a`, `t` → `__tag_t`. */
export function tagLocal(prefix: string): string {
  return "__tag_" + [...prefix].map((ch) => (/[A-Za-z0-9_]/.test(ch) ? ch : `$${ch.codePointAt(0)!.toString(16)}`)).join("");
}
