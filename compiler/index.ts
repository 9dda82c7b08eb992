// The compiler's public entry ("fawkes/compiler"). Build time only: the CLI and the bundler
// plugins call `build`; it returns contents and diagnostics and writes nothing itself.

import { compileRouter, type RouterCompileOptions } from "./router/compile.js";
import type { Diagnostic } from "./diagnostics.js";
import type { RouterIR } from "./router/ir.js";

export interface BuildOptions extends RouterCompileOptions {}

export interface BuildResult {
  /** Generated files, by path relative to root. Empty when there are errors. */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
  router: RouterIR | null;
  /** Source files the output depends on (absolute), for watch lists. */
  inputs: string[];
}

/**
 * Compiles a Fawkes app: reads `app/router.ts` and emits the matcher, helpers, dispatch table
 * and route metadata.
 *
 * @example
 * const { files, diagnostics } = build({ root: process.cwd() });
 * if (!diagnostics.length) writeFiles(process.cwd(), files);
 */
export function build(options: BuildOptions): BuildResult {
  const router = compileRouter(options);
  return { files: router.files, diagnostics: router.diagnostics, router: router.ir, inputs: router.inputs };
}

export { writeFiles, staleFiles } from "./write.js";
export { formatDiagnostic, hasErrors, sortDiagnostics, CompileError } from "./diagnostics.js";
export type { Diagnostic, Severity } from "./diagnostics.js";
export type { RouterIR, RouteIR, SegmentIR, SourceLoc, ModuleRefIR, PipelineIR } from "./router/ir.js";
export { interpret } from "./router/interpret.js";
export { routesFromTable } from "./router/table.js";
export { emitRouterFiles } from "./router/compile.js";
