// `fawkes.config.ts`: one configuration file for the whole toolchain (the CLI, the esbuild and
// Vite plugins), as `vite.config.ts` is for Vite. This module is what the file imports
// (`import { defineConfig } from "fawkes/config"`): types and an identity function only, so
// loading a config never loads the compiler.

/** Eta's whitespace control: what `-` / `_` strip, or nothing. */
export type AutoTrim = false | "nl" | "slurp";

/** Eta's options that decide what a template compiles to (read at build time, never at run time). */
export interface TemplateOptions {
  /** The templates folder, relative to the project root. Default `app/templates`. */
  dir?: string;
  /** Escape `<%= %>` output (Eta's `autoEscape`). Default true. */
  autoEscape?: boolean;
  /** Run output through the filter function (Eta's `autoFilter`). Default false. */
  autoFilter?: boolean;
  /** Whitespace trimmed around tags: one mode for both sides, or `[left, right]`. Default `[false, "nl"]`. */
  autoTrim?: AutoTrim | "-" | "_" | [AutoTrim | "-" | "_", AutoTrim | "-" | "_"];
  /** Strip leading and trailing whitespace of every line and blank lines (Eta's `rmWhitespace`). */
  rmWhitespace?: boolean;
  /** The opening and closing tags. Default `["<%", "%>"]`. */
  tags?: [string, string];
  /** The name templates read their data from. Default `it`. */
  varName?: string;
  /** The prefixes after the opening tag. Default `{ exec: "", interpolate: "=", raw: "~" }`. */
  parse?: { exec?: string; interpolate?: string; raw?: string };
  /** The extension of template files. Default `.eta`. */
  defaultExtension?: string;
}

export interface FawkesConfig {
  /** The router module, relative to the project root. Default `app/router.ts`. */
  router?: string;
  /** Where generated modules are written, relative to the project root. Default `.fawkes`. */
  outDir?: string;
  /** Template compilation. */
  templates?: TemplateOptions;
  /** Warnings (shadowed routes, duplicate helpers...) fail the build as errors do. Default false. */
  strict?: boolean;
}

/**
 * Types the configuration for editors and `tsc`; returns it unchanged.
 *
 * @example
 * // fawkes.config.ts
 * import { defineConfig } from "fawkes/config";
 * export default defineConfig({ templates: { tags: ["{{", "}}"] }, strict: true });
 */
export function defineConfig(config: FawkesConfig): FawkesConfig {
  return config;
}
