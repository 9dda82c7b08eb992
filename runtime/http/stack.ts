// Stack frames in Fawkes-generated code, mapped to the app source they came from, for the debug
// page. Every generated line that can throw carries (or sits under) a comment naming its origin:
//
//     __res += __e(it.user.email) + '</p>\n';  // app/templates/user/show.html.eta:4
//     // app/router.ts:31  GET /users/:id -> UserController.show  [browser]
//     { route: routes[5], pipeline: PIPE_0, ... },
//     case "edit":  // GET /users/:id/edit  app/router.ts:31
//       return "/users/" + $segment(a0 as ParamValue, "userPath :id") + "/edit";
//
// A frame names the generated file when the app runs from the .gen.ts files (tsx, vitest) or
// from a bundle run with `node --enable-source-maps` (V8 rewrites its frames to the sources).
// Files are read only here, when a debug page is rendered: never on a request's normal path.

import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One line of a stack: its text and, for a frame in generated code, where that code came from. */
export interface StackLine {
  text: string;
  origin: string | null;
}

/** Each line of `stack` (an `error.stack`), frames in generated files mapped to their origin. */
export function mapStack(stack: string): StackLine[] {
  return stack.split("\n").map((text) => ({ text, origin: frameOrigin(text) }));
}

/** The origin of a frame line (`    at fn (/app/.fawkes/templates.gen.ts:12:5)`), or null. */
export function frameOrigin(text: string): string | null {
  const frame = parseFrame(text);
  if (!frame) return null;
  const lines = generatedLines(frame.file);
  return lines ? originAt(lines, frame.line - 1) : null;
}

/** The file and line a V8 frame line names, when it names a generated file. */
export function parseFrame(text: string): { file: string; line: number } | null {
  const m = FRAME.exec(text);
  if (!m) return null;
  let file = m[1];
  if (file.startsWith("file://")) {
    try {
      file = fileURLToPath(file);
    } catch {
      return null;
    }
  }
  return { file, line: Number(m[2]) };
}

// `at fn (LOCATION)` or `at LOCATION`, LOCATION ending in `<name>.gen.ts:LINE:COLUMN`.
const FRAME = /^\s+at (?:.*\()?((?:file:\/\/)?[^()]+\.gen\.[cm]?[jt]s):(\d+):\d+\)?$/;

/**
 * The origin of line `index` (0-based) of a generated file: the comment on the line itself, else
 * the nearest one above that still describes it. Going up, a comment-only line at the same
 * indentation describes the lines below it (dispatch, routes and matcher entries); the first
 * line indented less is the enclosing block's opener (`case "edit":  // ...`), which names the
 * origin or ends the search. A blank line (a new declaration) ends it too, so a frame is never
 * mapped to a neighbouring function's origin.
 */
export function originAt(lines: readonly string[], index: number): string | null {
  if (index < 0 || index >= lines.length) return null;
  const own = originIn(lines[index]);
  if (own) return own;
  const indent = indentOf(lines[index]);
  for (let i = index - 1; i >= 0 && i >= index - MAX_SCAN; i--) {
    const line = lines[i];
    if (line.trim() === "") return null;
    const depth = indentOf(line);
    if (depth < indent) return originIn(line);
    if (depth === indent && line.trimStart().startsWith("//")) {
      const origin = originIn(line);
      if (origin) return origin;
    }
  }
  return null;
}

// Generated functions are short; a frame more than this far below its origin has none.
const MAX_SCAN = 200;

// A `//` comment holding an app-relative `path.ext:line` token: `// app/router.ts:12  GET /`,
// `// GET /users  app/router.ts:31`, `// app/templates/page/home.html.eta:4`.
const ORIGIN = /(?:^|\s)\/\/ (?:.*?\s)?([\w@-][\w.@-]*(?:\/[\w.@-]+)*\.[A-Za-z]+:\d+)(?=\s|$)/;

/** The origin named by a line's comment, or null. */
export function originIn(line: string): string | null {
  return ORIGIN.exec(line)?.[1] ?? null;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

// The lines of each generated file read so far, by path, with the mtime and size they were read
// at: a dev server's watcher regenerates these files, and a stale copy would name wrong lines.
// Bounded, the oldest read dropped first: an app has six generated files, a test run a few apps.
const cache = new Map<string, { mtimeMs: number; size: number; lines: string[] }>();
const CACHE_FILES = 32;

function generatedLines(file: string): string[] | null {
  try {
    const { mtimeMs, size } = statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.lines;
    const lines = readFileSync(file, "utf8").split("\n");
    cache.delete(file);
    if (cache.size >= CACHE_FILES) cache.delete(cache.keys().next().value!);
    cache.set(file, { mtimeMs, size, lines });
    return lines;
  } catch {
    // Gone, unreadable or not a file: the frame stays as it is.
    return null;
  }
}
