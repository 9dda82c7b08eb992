// The two registry modules: `templates/__registry.gen.ts`, the registry object and the helpers
// the templates' modules share (they import it; it imports none of them), and
// `templates.gen.ts`, what generated code, the runtime and apps import: it imports every
// template's module, defines each in the registry, and exports `templates`, `renderTemplate`
// and the components' functions and types.

import { Code, str } from "../_code.js";
import { header } from "../header.js";
import type { TemplateIR } from "../../templates/ir.js";
import { jsPath } from "./imports.js";
import { REGISTRY_KEY, REGISTRY_MODULE, TEMPLATE_MODULES } from "./names.js";

/** What `templates/__registry.gen.ts` holds for the templates' modules: the registry, and helpers their code calls. */
export const SUPPORT: readonly string[] = ["__registry", "__own"];
const SUPPORT_CODE: Record<string, string[]> = {
  __own: [
    "/** What `{ ...o }` would hold at `k`: an include's data taken from the includer's `it` key by key (include-data.ts). */",
    "export function __own(o: unknown, k: string): any { return o != null && Object.prototype.propertyIsEnumerable.call(o, k) ? (o as Record<string, unknown>)[k] : undefined; }",
  ],
};

/** What the registry module needs of a template's module: its path, what it registers and exports again. */
export interface RegisteredModule {
  t: TemplateIR;
  path: string;
  /** The functions the registry defines, and the values it exports again (components' functions). */
  registered: string[];
  reexported: string[];
  types: string[];
  /** Its `__registry.define(...)` line. */
  defines: string;
}

export interface RegistryOptions {
  ext: string;
  names: ReadonlyMap<string, string>;
  paths: ReadonlyMap<string, string>;
  templatesDir: string;
  configFile: string | null;
}

/** `templates/__registry.gen.ts`: the registry object, and the SUPPORT helpers some module uses. */
export function emitRegistryObject(o: RegistryOptions, supportUsed: ReadonlySet<string>): [path: string, text: string] {
  const path = TEMPLATE_MODULES + o.paths.get(REGISTRY_KEY)!;
  const support = new Code();
  support.line(`export const __registry = new TemplateRegistry(${str(o.ext)});`);
  for (const n of SUPPORT) if (n !== "__registry" && supportUsed.has(n)) for (const line of SUPPORT_CODE[n]) support.line(line);
  const about = "The registry that `include`, `layout` and `renderTemplate` resolve names against (templates.gen.ts defines every template in it), and what the templates' modules share.";
  return [path, header(path, `${o.templatesDir}/**/*.eta`, about) + `import { TemplateRegistry } from "fawkes";\n\n` + support.toString()];
}

/** `templates.gen.ts`: every module imported and defined, `templates` by name, `renderTemplate`. */
export function emitRegistryIndex(templates: readonly TemplateIR[], modules: readonly RegisteredModule[], o: RegistryOptions): [path: string, text: string] {
  const c = new Code();
  const from = (path: string) => str("./" + TEMPLATE_MODULES + jsPath(path));
  c.line(`import { __registry } from ${from(o.paths.get(REGISTRY_KEY)!)};`);
  for (const m of modules) c.line(`import { ${m.registered.join(", ")} } from ${from(m.path)};`);
  const exported = modules.filter((m) => m.types.length || m.reexported.length);
  if (exported.length) {
    c.line();
    c.line("// The components' functions, and the assigns and props types, as the templates' modules declare them.");
    for (const m of exported) {
      if (m.reexported.length) c.line(`export { ${m.reexported.join(", ")} } from ${from(m.path)};`);
      if (m.types.length) c.line(`export type { ${m.types.join(", ")} } from ${from(m.path)};`);
    }
  }
  c.line();
  for (const m of modules) c.line(`${m.defines}  // ${m.t.source}`);
  c.line();
  c.line("/** Every template by name (its path under the templates root, without the extension). */");
  c.block("export const templates = {", () => {
    for (const t of templates) {
      if (t.named) continue;
      const key = t.file.endsWith(o.ext) ? t.file.slice(0, -o.ext.length) : t.file;
      c.line(`${key === "__proto__" ? '["__proto__"]' : str(key)}: ${o.names.get(t.file)},`);
    }
  }, "} as const;");
  c.line();
  c.line("/** Renders a template by name, as Eta's `render(name, data)` with `views` at the templates root. */");
  c.line("export const renderTemplate = (name: string, data?: object): string => __registry.render(name, data, null);");
  c.line("export const renderTemplateAsync = (name: string, data?: object): Promise<string> => __registry.renderAsync(name, data, null);");
  const named = templates.filter((t) => t.named).length;
  const counted = `${templates.length - named} templates${named ? ` and ${named} named` : ""}`;
  const sources = `${o.templatesDir}/**/*.eta${named ? " and named templates" : ""}`;
  const about = `${counted}, compiled with Eta's parser${o.configFile ? ` and the templates options of ${o.configFile}` : ""}; each template's render function is in its module under ${TEMPLATE_MODULES}.`;
  return [REGISTRY_MODULE, header("templates.gen.ts", sources, about) + c.toString()];
}
