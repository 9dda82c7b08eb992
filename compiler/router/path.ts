// Parsing a route path pattern into segments, with Phoenix's rules:
// empty segments are dropped; `:name` and `prefix:name` bind one segment; `*name` binds the
// rest and must be last; names are `[a-z_][A-Za-z0-9_]*`; `\:` and `\*` escape a literal.

import type { SegmentIR } from "./ir.js";

export interface PathProblem {
  code: "BAD_PARAM_NAME" | "GLOB_NOT_LAST" | "INVALID_DYNAMIC_PATH";
  message: string;
  hint?: string;
}

const NAME = /^[a-z_][A-Za-z0-9_]*$/;

export function parsePath(path: string): { segments: SegmentIR[]; problems: PathProblem[] } {
  const segments: SegmentIR[] = [];
  const problems: PathProblem[] = [];
  const parts = path.split("/").filter((p) => p !== "");
  parts.forEach((raw, i) => {
    const colon = indexOfUnescaped(raw, ":");
    const star = indexOfUnescaped(raw, "*");
    if (star !== -1 && (colon === -1 || star < colon)) {
      const name = raw.slice(star + 1);
      if (star !== 0) {
        problems.push({
          code: "INVALID_DYNAMIC_PATH",
          message: `glob "${raw}" in ${path} must be a whole segment`,
          hint: `write "/${unescape(raw.slice(0, star))}/*${name}" or capture the segment with a parameter`,
        });
      } else if (!NAME.test(name)) {
        problems.push(badName(name, raw, path));
      } else if (i !== parts.length - 1) {
        problems.push({
          code: "GLOB_NOT_LAST",
          message: `glob *${name} must be the last segment of ${path}`,
          hint: `a glob takes every remaining segment; move "${parts.slice(i + 1).join("/")}" before it or drop it`,
        });
      }
      segments.push({ kind: "glob", name });
      return;
    }
    if (colon !== -1) {
      const name = raw.slice(colon + 1);
      const prefix = unescape(raw.slice(0, colon));
      if (!NAME.test(name)) {
        const m = /^[a-z_][A-Za-z0-9_]*/.exec(name);
        if (m && name.length > m[0].length) {
          problems.push({
            code: "INVALID_DYNAMIC_PATH",
            message: `segment "${raw}" in ${path} has text after the parameter :${m[0]}`,
            hint: `a parameter takes the rest of its segment; use "${prefix}:${m[0]}" and split "${name.slice(m[0].length)}" off in the action`,
          });
        } else problems.push(badName(name, raw, path));
      }
      segments.push({ kind: "param", name, prefix });
      return;
    }
    segments.push({ kind: "static", value: unescape(raw) });
  });
  return { segments, problems };
}

/** Formats segments back into a normalised pattern (`/users/:id`). */
export function formatPath(segments: readonly SegmentIR[]): string {
  if (segments.length === 0) return "/";
  return segments
    .map((s) =>
      s.kind === "static"
        ? "/" + s.value.replace(/^([:*])/, "\\$1")
        : s.kind === "param"
          ? `/${s.prefix}:${s.name}`
          : `/*${s.name}`,
    )
    .join("");
}

function badName(name: string, raw: string, path: string): PathProblem {
  return {
    code: "BAD_PARAM_NAME",
    message: `invalid parameter name "${name}" in segment "${raw}" of ${path}`,
    hint: `names start with a lowercase letter or "_" and continue with letters, digits or "_" (e.g. :user_id)`,
  };
}

function indexOfUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}
