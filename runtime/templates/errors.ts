// A throw inside a template names the template file and line. The generated function keeps the
// line of the last tag it entered in a local variable (a register move per tag, nothing when
// nothing throws) and wraps what escapes it; an error already wrapped by an included template
// or a layout keeps its innermost location.

export class TemplateError extends Error {
  override name = "TemplateError";
  constructor(
    readonly template: string,
    readonly line: number,
    override readonly cause: unknown,
  ) {
    super(`${template}:${line}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function templateError(error: unknown, template: string, line: number): TemplateError {
  return error instanceof TemplateError ? error : new TemplateError(template, line, error);
}
