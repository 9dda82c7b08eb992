// Templates, start to end: find every `*.eta` under the templates root, parse each with Eta's
// own parser (exact tokenisation, whitespace trimming and errors), and emit one module,
// templates.gen.ts, with a render function per template. At run time nothing is parsed and
// nothing is compiled: no `new Function`, no eval (a strict Content-Security-Policy and
// runtimes without code generation work).
//
// The function body keeps Eta's shape (the same `include`, `layout`, `output`, `capture`,
// `block` closures over a `__eta` state, tag code spliced in as text), so output is Eta's byte
// for byte; what changes is where the work is done: the escaper is a fast one imported from the
// runtime, and includes resolve against a build-time table instead of reading files.

import { Eta, EtaParseError } from "eta";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { sortDiagnostics } from "../diagnostics.js";
import { emitTemplates, type EtaAst, type TemplateIR } from "./emit.js";
import { templateSyntaxErrors } from "./syntax.js";

/** The part of Eta's configuration that is decided at build time. */
export interface TemplateConfig {
  autoEscape?: boolean;
  autoFilter?: boolean;
  autoTrim?: false | "nl" | "slurp" | "-" | "_" | [false | "nl" | "slurp" | "-" | "_", false | "nl" | "slurp" | "-" | "_"];
  rmWhitespace?: boolean;
  tags?: [string, string];
  varName?: string;
  parse?: { exec?: string; interpolate?: string; raw?: string };
  defaultExtension?: string;
  /** Not supported: `with` cannot appear in an ES module (strict mode). Reported as a diagnostic. */
  useWith?: boolean;
}

export interface TemplateCompileOptions {
  root: string;
  /** Relative to root (default `app/templates`). */
  templatesDir?: string;
  /** Relative to root (default `.fawkes`). */
  outDir?: string;
  config?: TemplateConfig;
}

export interface TemplateCompileResult {
  files: Map<string, string>;
  diagnostics: Diagnostic[];
  templates: TemplateIR[];
  /** Every template file read (absolute), for watch lists. */
  inputs: string[];
}

export function compileTemplates(options: TemplateCompileOptions): TemplateCompileResult {
  const root = resolve(options.root);
  const dirRel = options.templatesDir ?? "app/templates";
  const outDir = options.outDir ?? ".fawkes";
  const dir = join(root, dirRel);
  const config = options.config ?? {};
  const diagnostics: Diagnostic[] = [];
  const toPosix = (p: string) => p.split(sep).join("/");

  if (config.useWith) {
    diagnostics.push({
      code: "UNSUPPORTED_WITH",
      severity: "error",
      message: "useWith is not supported: `with` is not allowed in ES modules (strict mode)",
      loc: { file: dirRel, line: 1, column: 1 },
      hint: "read data through `it` (it.user.name) instead of bare names",
    });
    return { files: new Map(), diagnostics, templates: [], inputs: [] };
  }

  // debug: true only makes the parser record each tag's line (for the comments in the output).
  const eta = new Eta({ ...config, views: dir, debug: true } as ConstructorParameters<typeof Eta>[0]);
  const files = listTemplates(dir, config.defaultExtension ?? ".eta");
  const templates: TemplateIR[] = [];
  for (const abs of files) {
    const file = toPosix(relative(dir, abs));
    const source = readFileSync(abs, "utf8");
    const loc = { file: toPosix(relative(root, abs)), line: 1, column: 1 };
    try {
      const ast = eta.parse(source);
      const header = readHeader(ast, abs, join(root, outDir), toPosix);
      templates.push({ file, source: loc.file, ast, ...header });
    } catch (error) {
      diagnostics.push(parseDiagnostic(error, loc));
    }
  }
  const out = new Map<string, string>();
  if (diagnostics.length === 0) {
    const text = emitTemplates(templates, { ...config, templatesDir: dirRel });
    diagnostics.push(...templateSyntaxErrors(text));
    if (diagnostics.length === 0) out.set(`${outDir}/templates.gen.ts`, text);
  }
  return { files: out, diagnostics: sortDiagnostics(diagnostics), templates, inputs: files };
}

// Typed assigns, declared in the template itself with comments Eta renders as nothing:
//   <%/* @import { User } from "../../models/user.js" */%>
//   <%/* @type { user: User; title?: string } */%>
// The type becomes the render function's `it`, so tsc checks every expression of the template
// (`it.user.nmae` is an error, reported at the template line by `fawkes check`). Imports are
// resolved from the template's folder and re-pointed at the output directory.
function readHeader(ast: EtaAst, file: string, outDir: string, toPosix: (p: string) => string): { assigns: string | null; imports: string[] } {
  let assigns: string | null = null;
  const imports: string[] = [];
  for (const node of ast) {
    if (typeof node === "string" || node.t !== "e") continue;
    for (const m of node.val.matchAll(/\/\*\s*@(type|import)\s+([\s\S]*?)\*\//g)) {
      if (m[1] === "type") assigns = m[2].trim();
      else {
        const spec = /^([\s\S]*?)\s+from\s+["']([^"']+)["']\s*;?\s*$/.exec(m[2].trim());
        if (!spec) continue;
        let target = spec[2];
        if (target.startsWith(".")) {
          target = toPosix(relative(outDir, resolve(dirname(file), target)));
          if (!target.startsWith(".")) target = "./" + target;
        }
        imports.push(`import type ${spec[1]} from ${JSON.stringify(target)};`);
      }
    }
  }
  return { assigns, imports };
}

/** Every `*.eta` (or default-extension) file under dir, sorted: the same output on every machine. */
function listTemplates(dir: string, ext: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTemplates(p, ext);
    return name.endsWith(".eta") || name.endsWith(ext) ? [p] : [];
  });
}

/** Eta's parse errors say "... at line L col C:" followed by an excerpt; keep the first line. */
function parseDiagnostic(error: unknown, loc: Diagnostic["loc"]): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  const m = /^(.*?) at line (\d+) col (\d+)/.exec(message);
  return {
    code: error instanceof EtaParseError ? "TEMPLATE_PARSE" : "TEMPLATE_ERROR",
    severity: "error",
    message: m ? m[1] : message.split("\n")[0],
    loc: m ? { ...loc, line: Number(m[2]), column: Number(m[3]) } : loc,
  };
}
