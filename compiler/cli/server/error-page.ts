// The page the dev server answers browser navigations with while the last build failed (or the
// app would not start): every error at its file:line:col with the code around it, as Phoenix's
// CodeReloader page shows a compile error. The live-reload script is on it, so the page goes
// back to the app by itself when a fix builds.

import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Message } from "esbuild";

export interface Problem {
  /** The message, with its code: `PageController has no action "missing" [ACTION_MISSING]`. */
  text: string;
  /** Relative to the project root; none for an error without a place. */
  file?: string;
  line?: number;
  /** 1-based. */
  column?: number;
  /** Numbered source lines around the place, the error's line marked, with a caret. */
  frame?: string;
  notes: string[];
}

/** An esbuild message (ours from the Fawkes plugin, or esbuild's own: a TypeScript syntax error) as a Problem. */
export function problemFromMessage(root: string, m: Message): Problem {
  // The plugin's stand-in for a generated module ("triggered by this import") is not the user's to read.
  const notes = m.notes.filter((n) => !n.location?.file.startsWith("fawkes-failed")).map((n) => (n.location ? `${n.text} (${n.location.file}:${n.location.line}:${n.location.column + 1})` : n.text));
  const text = m.pluginName && m.pluginName !== "fawkes" ? `[plugin ${m.pluginName}] ${m.text}` : m.text;
  const loc = m.location;
  if (!loc) return { text, notes };
  const column = loc.column + 1; // esbuild's columns are 0-based
  return { text, file: loc.file, line: loc.line, column, frame: codeFrame(root, loc.file, loc.line, column, loc.lineText), notes };
}

/**
 * Two lines either side of `line`, numbered, with `>` at the line and `^` under the column.
 *
 * @example
 * codeFrame(root, "app/router.ts", 3, 5)
 * // "  2 | ...\n> 3 | r.get(...)\n    |     ^\n  4 | ..."
 */
export function codeFrame(root: string, file: string, line: number, column: number, lineText?: string): string {
  let lines: string[];
  try {
    lines = readFileSync(isAbsolute(file) ? file : join(root, file), "utf8").split(/\r?\n/);
  } catch {
    if (lineText === undefined) return "";
    lines = [];
    lines[line - 1] = lineText;
  }
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? "").replace(/\t/g, "  ");
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${text}`);
    if (n === line) {
      // Tabs before the column are two spaces wide, as above.
      const before = (lines[n - 1] ?? "").slice(0, Math.max(0, column - 1)).replace(/\t/g, "  ");
      out.push(`  ${" ".repeat(width)} | ${" ".repeat(before.length)}^`);
    }
  }
  return out.join("\n");
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The whole page. `heading` says what failed; `output` is what the app printed, for a crash. */
export function errorPage(options: { heading: string; summary: string; problems: Problem[]; output?: string; scriptTag: string }): string {
  const items = options.problems
    .map((p) => {
      const where = p.file ? `<p class="where">${escape(`${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ""}`)}</p>` : "";
      const frame = p.frame ? `<pre class="frame">${escape(p.frame)}</pre>` : "";
      const notes = p.notes.length ? `<ul class="notes">${p.notes.map((n) => `<li>${escape(n)}</li>`).join("")}</ul>` : "";
      // A message's first line is its heading; the rest stays as written, but for an excerpt with a
      // caret (a template error's) when the frame below shows the same line: its code
      // ("[TEMPLATE_PARSE]", after the caret) stays, on a line of its own.
      const [heading, ...lines] = p.text.split("\n");
      const caret = p.frame && lines.length === 2 ? /^\s*\^(?: (\[[A-Z_]+\]))?$/.exec(lines[1]) : null;
      const more = caret
        ? caret[1] ? `<p class="code">${escape(caret[1])}</p>` : ""
        : lines.length ? `<pre class="detail">${escape(lines.join("\n"))}</pre>` : "";
      return `<section class="problem">${where}<h2>${escape(heading)}</h2>${more}${frame}${notes}</section>`;
    })
    .join("\n");
  const output = options.output ? `<h2 class="output-title">Output</h2><pre class="output">${escape(options.output)}</pre>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(options.heading)} · fawkes server</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: #fdf6f6; color: #2a1a1a; }
  header { background: #b3261e; color: #fff; padding: 1.25rem 2rem; }
  header h1 { margin: 0; font-size: 1.4rem; }
  header p { margin: .25rem 0 0; opacity: .9; }
  main { padding: 1rem 2rem 3rem; max-width: 70rem; }
  .problem { background: #fff; border: 1px solid #efd0d0; border-radius: 6px; padding: 1rem 1.25rem; margin: 1rem 0; }
  .where { margin: 0; font: 13px/1.4 ui-monospace, monospace; color: #8a3a3a; }
  .problem h2 { margin: .25rem 0 .75rem; font-size: 1.05rem; }
  .detail { margin-bottom: .5rem; background: #f6eeee; color: #4a2a2a; }
  .code { margin: -.5rem 0 .5rem; font: 12px/1.4 ui-monospace, monospace; color: #8a3a3a; }
  pre { margin: 0; padding: .75rem 1rem; background: #2b2424; color: #f4eaea; border-radius: 4px; overflow-x: auto; font: 13px/1.45 ui-monospace, monospace; }
  .notes { margin: .75rem 0 0; padding-left: 1.25rem; color: #5a4040; }
  .output-title { font-size: 1rem; }
  footer { color: #7a6060; font-size: 13px; }
</style>
</head>
<body>
<header><h1>${escape(options.heading)}</h1><p>${escape(options.summary)}</p></header>
<main>
${items}
${output}
<footer>This page reloads by itself when a change builds. fawkes server, development only.</footer>
</main>
${options.scriptTag}
</body>
</html>
`;
}
