// The data the template stages pass each other: options (TemplateConfig), one TemplateIR per
// template (sources.ts and parse.ts produce it, compiler/build/templates.ts joins them;
// compiler/emit/templates and syntax.ts read it), and the verified paths of its tag code
// (PathSite, from compiler/verify).

import type { ModuleRef, TemplateOptions } from "../config/define.js";
import type { SourceLoc } from "../router/ir.js";

export type { ModuleRef };

/** An Eta plugin, as Eta takes it (`plugins: [{ processTemplate, processAST, processFnString }]`). */
export interface TemplatePlugin {
  processTemplate?: (template: string, env?: object) => string;
  processAST?: (ast: EtaAst, env?: object) => EtaAst;
  processFnString?: (fnString: string, env?: object) => string;
  /** Where it came from (`./app/plugins.js#emoji`), for messages and comments. */
  name?: string;
}

/**
 * The part of Eta's configuration decided at build time: the config file's `templates` options
 * (without `dir`), plugins as the objects their modules export. Functions stay module references:
 * the generated module imports them.
 */
export type TemplateConfig = Omit<TemplateOptions, "dir" | "plugins"> & {
  /** The plugin objects, loaded by the compiler from the modules the config names. */
  plugins?: TemplatePlugin[];
  /** Not supported: `with` cannot appear in an ES module (strict mode). Reported as a diagnostic. */
  useWith?: boolean;
};

/** Where an option is written: a key of fawkes.config.ts (path under `templates`). */
export type Locate = (key: string[]) => SourceLoc;

/** A module reference, checked: what the generated module imports. */
export interface ResolvedRef {
  /** Absolute path of the module. */
  file: string;
  /** The import specifier, relative to the output directory. */
  specifier: string;
  /** The export. */
  name: string;
}

/** A tag of Eta's AST; `lineNo` and `column` are where its code starts in the template file. */
export interface EtaTag {
  t: string;
  val: string;
  lineNo?: number;
  column?: number;
}

/** Eta's AST: text (already escaped for a '...' literal) or a tag. */
export type EtaAst = Array<string | EtaTag>;

export interface TemplateIR {
  /** The registry key: its path under the templates root (`user/show.html.eta`), or its `@name`. */
  file: string;
  /** A named template (`include("@card")`): relative includes resolve from the includer, as in Eta. */
  named: boolean;
  /** The file, relative to the project root, for comments and diagnostics. */
  source: string;
  ast: EtaAst;
  /** The declared type of `it` (a `@type` comment tag, see sources.ts readHeader), or null: loosely typed. */
  assigns: string | null;
  /** `@import` lines, already re-pointed at the output directory. */
  imports: string[];
  /**
   * The text Eta parsed, and for each of its offsets the offset in the file (after the
   * plugins' processTemplate and rmWhitespace): what diagnostics map tag code back through.
   */
  parsed: { text: string; origin: number[]; tagCode: Map<EtaTag, number> };
  /** The file's text, or what processTemplate returned when a plugin changed it. */
  text: string;
  /** A processTemplate plugin changed the text: lines and columns are in the text it returned. */
  rewritten: boolean;
}

/**
 * A verified path in tag code: its tag (`p`, `p.post`) at [start, end) of the tag's code. The
 * emitter hoists `const t_x$p0 = p.site([...strings])` and calls that in place of the tag, so
 * the call site's plan is ready at load and a call looks nothing up.
 */
export interface PathSite {
  node: EtaTag;
  start: number;
  end: number;
  strings: string[];
}
