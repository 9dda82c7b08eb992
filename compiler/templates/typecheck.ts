// Type-checks the generated templates modules and reports each error at the template line it
// comes from: every line of tag code in a template's module ends with `// <template>:<line>`, so
// a TypeScript diagnostic on that line belongs to that template line (syntax.ts's originOf).

import { ts } from "ts-morph";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { createProject } from "../router/compile.js";
import { originOf } from "./syntax.js";

/**
 * The type errors of the generated templates modules (`files`: path relative to root → text, as
 * compileTemplates returns them; other generated files given are loaded too, for their types).
 */
export function checkTemplateTypes(root: string, files: ReadonlyMap<string, string>): Diagnostic[] {
  const project = createProject(root);
  const sources = [...files].map(([file, contents]) => ({ file, contents, sf: project.createSourceFile(join(root, file), contents, { overwrite: true }) }));
  project.resolveSourceFileDependencies();
  return sources
    .filter(({ file }) => isTemplatesModule(file))
    .flatMap(({ file, contents, sf }) => {
      const lines = contents.split("\n");
      return sf.getPreEmitDiagnostics().map((d) => {
        const line = d.getLineNumber() ?? 1;
        return {
          code: "TEMPLATE_TYPE",
          severity: "error",
          message: `${messageText(d.getMessageText())} (TS${d.getCode()})`,
          loc: originOf(lines, line - 1, file),
        } satisfies Diagnostic;
      });
    });
}

/** The registry (`<outDir>/templates.gen.ts`) or a template's module (`<outDir>/templates/…`). */
export function isTemplatesModule(file: string): boolean {
  return /(^|\/)templates\.gen\.ts$/.test(file) || /(^|\/)templates\/.*\.gen\.ts$/.test(file);
}

/** ts-morph gives a chained message (TS2345: "... is not assignable ... Property 'x' is missing ...") as its own wrapper. */
function messageText(m: string | { compilerObject: ts.DiagnosticMessageChain }): string {
  return typeof m === "string" ? m : ts.flattenDiagnosticMessageText(m.compilerObject, " ");
}
