// Eta plugins, ahead of time. Eta runs a plugin's three hooks each time it compiles a template
// at run time; Fawkes compiles once, at build time, so all three run in the compiler:
//
// - processTemplate(source, env) rewrites a template's text before it is parsed: as in Eta.
// - processAST(ast, env) rewrites Eta's parse (text strings already escaped for a '...' literal,
//   and { t, val } tags): as in Eta.
// - processFnString(body, env) rewrites the code of a compiled template. Eta hands it the body of
//   the function it is about to `new Function`; Fawkes never builds that string, so it gets the
//   body of each render function in templates.gen.ts (its sync and its async variant) instead:
//   the same tag code, spliced in the same order, with Fawkes's scaffolding around it (a local
//   `__res`, `__e(...)` for escaping, TypeScript annotations) where Eta has `__eta.res+=` and
//   `this.config`. A plugin that edits tag code (a placeholder, a macro) works unchanged; one
//   that pattern-matches Eta's scaffolding finds nothing to change and should become a
//   processAST plugin. A function a plugin changed says so in a comment above it.
//
// `env` is the Eta config the compiler parses with (module-referenced functions appear as
// Eta's defaults: the real ones exist only in the generated module).
//
// In fawkes.config.ts a plugin is a module reference; loadTemplatePlugins imports it (bundled,
// so TypeScript works) and checks that it is one.

import { resolve } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { importProjectModule } from "../config/_import.js";
import { relativePosix } from "../paths.js";
import type { ModuleRef } from "../config/define.js";
import { describeRef, resolveModuleRef } from "./modules.js";
import type { Locate, TemplatePlugin } from "./ir.js";

const HOOKS = ["processTemplate", "processAST", "processFnString"] as const;

export interface LoadedPlugins {
  plugins: TemplatePlugin[];
  diagnostics: Diagnostic[];
  /** The plugin modules and what they import (absolute), for watch lists. */
  inputs: string[];
}

/**
 * Imports every plugin the config names. An export that is a function is called once, with no
 * arguments, to make the plugin (Eta's own examples are factories: `plugins: [myPlugin()]`).
 *
 * @example
 * const { plugins, diagnostics } = await loadTemplatePlugins(root, [{ from: "./app/emoji.js", import: "emoji" }], locate);
 */
export async function loadTemplatePlugins(root: string, refs: readonly ModuleRef[], locate: Locate): Promise<LoadedPlugins> {
  const out: LoadedPlugins = { plugins: [], diagnostics: [], inputs: [] };
  for (const [i, ref] of refs.entries()) {
    const key = ["plugins", String(i)];
    const label = `templates.plugins[${i}] (${describeRef(ref)})`;
    const checked = resolveModuleRef(root, root, ref, key, locate);
    out.diagnostics.push(...checked.diagnostics);
    if (!checked.ref) continue;
    const fail = (message: string, loc = locate(key), related?: Diagnostic["related"]) =>
      out.diagnostics.push({ code: "CONFIG_PLUGIN", severity: "error", message: `${label}: ${message}`, loc, ...(related ? { related } : {}) });
    const imported = await importProjectModule(resolve(root), checked.ref.file);
    out.inputs.push(...imported.inputs);
    if (!imported.ok) {
      if (imported.stage === "run") fail(`importing it threw: ${messageOf(imported.error)}`);
      else {
        const first = imported.messages[0];
        const at = first.location ? { file: relativePosix(root, first.location.file), line: first.location.line, column: first.location.column } : undefined;
        fail(`it does not build: ${first.text}`, at ?? locate(key), at ? [{ message: "named here", loc: locate(key) }] : undefined);
      }
      continue;
    }
    let plugin = imported.exports[checked.ref.name];
    if (typeof plugin === "function") {
      try {
        plugin = (plugin as () => unknown)();
      } catch (error) {
        fail(`calling ${checked.ref.name}() to make the plugin threw: ${messageOf(error)}`);
        continue;
      }
    }
    const hooks = plugin !== null && typeof plugin === "object" ? HOOKS.filter((h) => typeof (plugin as Record<string, unknown>)[h] === "function") : [];
    if (hooks.length === 0) {
      fail(`not an Eta plugin: expected an object with ${HOOKS.join(", ")} or a function returning one, got ${plugin === null ? "null" : typeof plugin}`);
      continue;
    }
    // Bound, so a plugin written as a class keeps its `this`; named, for messages.
    const p = plugin as Record<(typeof HOOKS)[number], (...args: unknown[]) => unknown>;
    const wrapped: TemplatePlugin = { name: describeRef(ref) };
    for (const h of hooks) (wrapped as Record<string, unknown>)[h] = p[h].bind(p);
    out.plugins.push(wrapped);
  }
  return out;
}

/**
 * Runs every processFnString over `body` in order; returns the result and the plugins that
 * changed it. A plugin that throws or returns a non-string is a diagnostic at `loc`.
 */
export function applyFnStringPlugins(plugins: readonly TemplatePlugin[], body: string, env: object, loc: Diagnostic["loc"], diagnostics: Diagnostic[]): { body: string; changedBy: string[] } {
  const changedBy: string[] = [];
  for (const [i, plugin] of plugins.entries()) {
    if (!plugin.processFnString) continue;
    const name = pluginName(plugin, i);
    try {
      const next = plugin.processFnString(body, env);
      if (typeof next !== "string") throw new Error(`it returned ${next === null ? "null" : typeof next}, not a string`);
      if (next !== body) changedBy.push(name);
      body = next;
    } catch (error) {
      diagnostics.push({ code: "TEMPLATE_PLUGIN", severity: "error", message: `processFnString of ${name} failed: ${messageOf(error)}`, loc });
    }
  }
  return { body, changedBy };
}

/** `plugins[0] (./app/emoji.js#emoji)`, or `plugins[0]` for a plugin passed as an object. */
export function pluginName(plugin: TemplatePlugin, index: number): string {
  return `plugins[${index}]${plugin.name ? ` (${plugin.name})` : ""}`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
