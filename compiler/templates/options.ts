// Template options that are valid one by one (validate.ts checked their types) but not
// together, or not with Eta: each problem is a diagnostic at the option's key in
// fawkes.config.ts (or, when `build()` is called without a config file, at the templates folder).

import type { Diagnostic } from "../diagnostics.js";
import { resolveModuleRef } from "./modules.js";
import type { Locate, ResolvedRef, TemplateConfig } from "./ir.js";

/** Names the render function already declares; `output` under one of them would be shadowed or clash. */
const HELPERS = ["include", "includeAsync", "layout", "capture", "captureAsync", "block", "blockAsync", "options", "arguments"];
/** Reserved words a JavaScript identifier test lets through. */
const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await".split(" "),
);

/** Eta's parse prefixes after its shallow merge: a `parse` object replaces all three. */
export function parsePrefixes(config: TemplateConfig): { exec?: string; interpolate?: string; raw?: string } {
  return config.parse ?? { exec: "", interpolate: "=", raw: "~" };
}

export function checkTemplateOptions(config: TemplateConfig, locate: Locate): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (config.useWith) {
    out.push({
      code: "UNSUPPORTED_WITH",
      severity: "error",
      message: "useWith is not supported: `with` is not allowed in ES modules (strict mode)",
      loc: locate(["useWith"]),
      hint: "read data through `it` (it.user.name) instead of bare names",
    });
  }
  const p = parsePrefixes(config);
  const [open, close] = config.tags ?? ["<%", "%>"];
  const taken: [string | undefined, string][] = [[p.exec, "exec"], [p.interpolate, "interpolate"], [p.raw, "raw"], ["-", "whitespace control"], ["_", "whitespace control"]];
  for (const key of Object.keys(config.customTags ?? {})) {
    const owner = taken.find(([prefix]) => prefix === key);
    if (owner) {
      out.push({
        code: "CONFIG_CUSTOM_TAG",
        severity: "error",
        message: `templates.customTags: the prefix ${JSON.stringify(key)} is already ${owner[1]}'s (${open}${key} ... ${close})`,
        loc: locate(["customTags", key]),
        hint: "pick a prefix no built-in tag uses, such as * or #",
      });
    } else if (p.exec === "" && /^[\w$]/.test(key)) {
      // Eta reads the prefix before the code: with exec tags unprefixed, `<% try {` is this tag.
      out.push({
        code: "CONFIG_CUSTOM_TAG",
        severity: "warning",
        message: `templates.customTags: the prefix ${JSON.stringify(key)} starts like code, so every ${open} ... ${close} whose code starts with ${JSON.stringify(key)} (${open} ${key}${key === "t" ? "ry {" : "..."} ${close}) is read as this tag`,
        loc: locate(["customTags", key]),
        hint: "use a punctuation prefix, such as * or #",
      });
    }
  }
  const name = config.outputFunctionName;
  if (name !== undefined && (HELPERS.includes(name) || RESERVED.has(name) || name === (config.varName ?? "it") || name.startsWith("__"))) {
    out.push({
      code: "CONFIG_OUTPUT_NAME",
      severity: "error",
      message: `templates.outputFunctionName: ${JSON.stringify(name)} ${RESERVED.has(name) ? "is a reserved word" : name.startsWith("__") ? "is a name the compiler uses (__...)" : "is already a name in every template"}`,
      loc: locate(["outputFunctionName"]),
      hint: `the default is "output"; template code also sees ${[config.varName ?? "it", ...HELPERS.filter((h) => h !== "arguments")].join(", ")}`,
    });
  }
  if (config.filterFunction && !config.autoFilter) {
    out.push({
      code: "CONFIG_FILTER_UNUSED",
      severity: "warning",
      message: "templates.filterFunction is never called: Eta applies it only with autoFilter: true",
      loc: locate(["filterFunction"]),
      hint: "add autoFilter: true, or remove filterFunction",
    });
  }
  return out;
}

/** The functions the generated module imports: the escaper, the filter and each custom tag's. */
export interface TemplateImports {
  escape?: ResolvedRef;
  filter?: ResolvedRef;
  /** By tag prefix, in the config's order. */
  tags: Map<string, ResolvedRef>;
}

export function resolveTemplateImports(root: string, outDir: string, config: TemplateConfig, locate: Locate): { imports: TemplateImports; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const resolve = (ref: NonNullable<TemplateConfig["escapeFunction"]>, key: string[]) => {
    const r = resolveModuleRef(root, outDir, ref, key, locate);
    diagnostics.push(...r.diagnostics);
    return r.ref;
  };
  const imports: TemplateImports = { tags: new Map() };
  if (config.escapeFunction) imports.escape = resolve(config.escapeFunction, ["escapeFunction"]);
  if (config.filterFunction) {
    // Checked even when autoFilter is off (a typo is still a typo), imported only when it is called.
    const filter = resolve(config.filterFunction, ["filterFunction"]);
    if (config.autoFilter) imports.filter = filter;
  }
  for (const [prefix, ref] of Object.entries(config.customTags ?? {})) {
    const r = resolve(ref, ["customTags", prefix]);
    if (r) imports.tags.set(prefix, r);
  }
  return { imports, diagnostics };
}
