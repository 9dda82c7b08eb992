// The router build, above both of its halves: compiler/router reads, expands and checks a
// router module; compiler/emit turns the IR into the generated modules. Neither folder imports
// the other's pipeline; this one joins them (build(), the plugins and the type-check worker
// call it).

import type { Project } from "ts-morph";
import { emitRouterFiles } from "../emit/router-files.js";
import { compileRouterFromSyntaxWith, compileRouterWith, type RouterCompileOptions, type RouterCompileResult } from "../router/compile.js";

export type { RouterCompileOptions, RouterCompileResult };
export { emitRouterFiles };

/** The router's generated modules, read with a type-checker program (ACTION_MISSING and all). */
export function compileRouter(options: RouterCompileOptions): RouterCompileResult {
  return compileRouterWith(options, emitRouterFiles);
}

/** The same from the syntax alone, on a syntax-only project kept warm between calls (watch mode). */
export function compileRouterFromSyntax(options: RouterCompileOptions, project: Project): RouterCompileResult {
  return compileRouterFromSyntaxWith(options, project, emitRouterFiles);
}
