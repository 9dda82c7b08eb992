// Type-checks the generated templates module and reports each error at the template line it
// comes from: every line of tag code in templates.gen.ts ends with `// <template>:<line>`, so
// a TypeScript diagnostic on that line belongs to that template line (syntax.ts's originOf).

import { ts } from "ts-morph";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { createProject } from "../router/compile.js";
import { originOf } from "./syntax.js";

export function checkTemplateTypes(root: string, file: string, contents: string): Diagnostic[] {
  const project = createProject(root);
  const sf = project.createSourceFile(join(root, file), contents, { overwrite: true });
  project.resolveSourceFileDependencies();
  const lines = contents.split("\n");
  return sf.getPreEmitDiagnostics().map((d) => {
    const line = d.getLineNumber() ?? 1;
    return {
      code: "TEMPLATE_TYPE",
      severity: "error",
      message: `${messageText(d.getMessageText())} (TS${d.getCode()})`,
      loc: originOf(lines, line - 1),
    } satisfies Diagnostic;
  });
}

/** ts-morph gives a chained message (TS2345: "... is not assignable ... Property 'x' is missing ...") as its own wrapper. */
function messageText(m: string | { compilerObject: ts.DiagnosticMessageChain }): string {
  return typeof m === "string" ? m : ts.flattenDiagnosticMessageText(m.compilerObject, " ");
}
