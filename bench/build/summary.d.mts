/** The summary of `fawkes server`'s lines (summary.mjs), or null when no line is of a known form. */
export function ownLines(lines: readonly string[], router?: string): string | null;
