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
  /**
   * Escapes `<%= %>` output instead of Eta's XMLEscape (Eta's `escapeFunction`). The generated
   * module imports it, so it runs where the templates render, never inside the build.
   */
  escapeFunction?: ModuleRef;
  /** Applied to every `<%= %>` and `<%~ %>` value before escaping, with `autoFilter: true` (Eta's `filterFunction`). Default `String`. */
  filterFunction?: ModuleRef;
  /**
   * Tags with a prefix of their own (Eta's `customTags`): `{ "*": { from: "./app/i18n.js", import: "t" } }`
   * makes `<%* greeting %>` output `t("greeting", it)`. Not `-`, `_` or a `parse` prefix.
   */
  customTags?: Record<string, ModuleRef>;
  /** JavaScript put at the top of every render function (Eta's `functionHeader`), e.g. `const year = 2025;`. */
  functionHeader?: string;
  /** The name of the function tag code writes output with. Default `output`. */
  outputFunctionName?: string;
  /**
   * Eta plugins, run by the compiler: `processTemplate` on each template's source and `processAST`
   * on its parse, at build time; `processFnString` on each generated render function's body (Fawkes's
   * TypeScript, not Eta's function string). Each export is a plugin object or a function returning one.
   */
  plugins?: ModuleRef[];
  /**
   * Named templates (Eta's `loadTemplate("@name", ...)`), for `include("@name")`: each name, starting
   * with `@`, to a template file relative to the project root.
   */
  named?: Record<string, string>;
  /** A folder (relative to the project root) whose every template is named `@` + its path without the extension. */
  namedDir?: string;
  /**
   * The view modules' folder, relative to the project root. Default `app/views`. The exports of
   * `<viewsDir>/user.ts` are callable by their bare names in `<templates>/user/**` (a Phoenix
   * view's functions in its templates); resolved at build time.
   */
  viewsDir?: string;
  /**
   * A module whose exports every template can call (Phoenix's `html_helpers`), relative to the
   * project root. Default `<viewsDir>/shared.ts` when it exists; a view's own export of the
   * same name wins.
   */
  htmlHelpers?: string;
}

/**
 * An export of one of the app's modules, named in the config so that the generated code can
 * import it. Config values are data: a function written into the config itself would have to
 * be evaluated at run time (or copied as text), so it is referenced instead.
 *
 * @example
 * // app/templates/escape.ts exports `escapeAttr`:
 * escapeFunction: { from: "./app/templates/escape.js", import: "escapeAttr" }
 */
export interface ModuleRef {
  /** The module, relative to the project root, spelt as TypeScript imports it (`./app/x.js` for app/x.ts). */
  from: string;
  /** The export. Default `default`. */
  import?: string;
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
  /** Static files. */
  static?: StaticOptions;
  /** `fawkes server`, the development server. */
  server?: DevServerConfig;
}

/** `fawkes server`'s settings; the command line's `--port`, `--host` and `--entry` win over them. */
export interface DevServerConfig {
  /** The module that starts the app (calls `endpoint.start()`), relative to the project root. Default `server.ts`. */
  entry?: string;
  /** The port to serve on (0: a free one). Default: the PORT environment variable, else 4000. */
  port?: number;
  /** The interface to bind. Default `localhost` (this machine only). */
  host?: string;
  /**
   * node:cluster workers sharing the port (`"auto"`: one per core), passed to the endpoint's
   * `start({ workers })`; `--workers N` wins over it. Default 1.
   */
  workers?: number | "auto";
  /**
   * More files whose change restarts the app (files it reads at run time): globs such as
   * `"priv/data/*.json"` or regular expressions, against paths relative to the project root.
   * The entry and everything it imports, the router, the templates and the static folder are
   * always watched.
   */
  watch?: (string | RegExp)[];
}

export interface StaticOptions {
  /** The static folder, relative to the project root: what `fawkes digest` digests in place. Default `priv/static`. */
  dir?: string;
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
