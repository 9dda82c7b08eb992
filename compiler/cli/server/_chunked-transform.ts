// TypeScript to JavaScript for the router's generated modules, redone only where their text changed.
// A router edit rewrites matcher.gen, dispatch.gen, routes.gen and helpers.gen (1,000 routes:
// 2.2 MB of TypeScript), yet changes a few lines of each; esbuild's transform costs what the
// whole text costs (matcher.gen alone 40-55 ms idle), so the dev server would pay ~75 ms of
// esbuild for every edit of one route's path. Here a module is cut into runs of top-level
// statements, each run transformed on its own and kept by its text: an edit transforms the runs
// it touched (a few KB) and reuses the others' JavaScript.
//
// Why the cut is sound for these modules: a top-level statement of the generator's output starts
// at column 0 with a declaration keyword (compiler/emit formats its own code, indents everything
// inside a statement, and writes string literals on one line); a declaration keyword cannot
// continue the statement before it, so each run parses alone and means what it meant in the
// whole module. Type-only imports are what a transform in parts cannot see (TypeScript drops an
// import no value uses, and each run uses nothing of another run's): `verbatimModuleSyntax`
// keeps every import not marked `type`, which is how the generated modules are written (tsc
// checks them with that option: the repository's tsconfig.json over fixtures/). A run that
// does not parse alone sends the module to one whole transform, whose errors name its lines.
//
// Where a run ends is decided by its content (a statement whose hash has 4 bits clear, or a
// run past 32 KB), not by its position, so an edit moves no boundary but its own run's.

import { transform, type TransformOptions } from "esbuild";

const OPTIONS: TransformOptions = { loader: "ts", format: "esm", target: "node20", tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } };
/** A top-level statement's start (sticky: tried at a line's start, no slice made). */
const STATEMENT = /(?:export |import |const |let |var |function |async function |class |interface |type |declare |enum |\/\/|\/\*)/y;
const COMMENT = /[ \t]*\/[/*]/y;
const at_ = (pattern: RegExp, text: string, index: number) => ((pattern.lastIndex = index), pattern.test(text));
/** A run ends after a statement whose hash's top 4 bits are clear (1 in 16), or once it is this long. */
const BOUNDARY_MASK = 15;
const RUN_BYTES = 32 * 1024;

/** A long array literal declared at the top level (`const ROUTES: … = [` … `];`): its elements cut into runs too. */
export interface ArrayRun {
  /** The declaration's first line, up to its `[`. */
  head: string;
  /** Runs of whole elements, each ending in `,` (a comment line starts an element). */
  elements: string[];
  /** The last line, `];`. */
  close: string;
}
export type Run = string | ArrayRun;

/** The source text of a run. */
export const runText = (run: Run): string => (typeof run === "string" ? run : run.head + run.elements.join("") + run.close);

/**
 * FNV-1a of a line's first and last 32 characters and its length, from `hash` (its high bits
 * decide a boundary: well mixed). Not of all of it: that cost ~10 ms for a router edit's 2.2 MB,
 * on the dev server's one thread; a generated line's ends name what it is (`const M_GET_users_$id`,
 * `source: "app/router.ts:12:3" },`).
 */
function fnv(hash: number, text: string, from: number, to: number): number {
  const head = Math.min(to, from + 32);
  for (let i = from; i < head; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  for (let i = Math.max(head, to - 32); i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return Math.imul(hash ^ (to - from), 16777619);
}
const FNV_START = 0x811c9dc5;
const boundary = (hash: number, size: number) => (hash >>> 28 & BOUNDARY_MASK) === 0 || size > RUN_BYTES;

/** The module's top-level statements, in order (joined again, the text itself). */
function statementsOf(source: string): string[] {
  const statements: string[] = [];
  let start = 0;
  for (let at = 0; at < source.length; ) {
    const end = source.indexOf("\n", at);
    const next = end === -1 ? source.length : end + 1;
    if (at > start && at_(STATEMENT, source, at)) {
      statements.push(source.slice(start, at));
      start = at;
    }
    at = next;
  }
  if (start < source.length) statements.push(source.slice(start));
  return statements;
}

/** A long top-level array declaration's elements, cut where an element starts (two spaces in) after one that ended; null for any other statement. */
function arrayRun(statement: string): ArrayRun | null {
  const headEnd = statement.indexOf("\n") + 1;
  // The last line is `];` (blank lines after it belong to the statement too).
  const closeAt = /\n\];\n\s*$/.test(statement) ? statement.lastIndexOf("\n];\n") + 1 : -1;
  if (statement.length < RUN_BYTES || headEnd === 0 || !statement.slice(0, headEnd).endsWith("= [\n") || closeAt < headEnd || statement[closeAt - 1] !== "\n") return null;
  const elements: string[] = [];
  let start = headEnd;
  let hash = FNV_START;
  let previousEnded = true;
  for (let at = headEnd; at < closeAt; ) {
    const next = statement.indexOf("\n", at) + 1;
    const startsElement = statement.startsWith("  ", at) && statement[at + 2] !== " " && previousEnded;
    // Decided by the line before alone: an edit moves no boundary but its own line's.
    if (startsElement && at > start && boundary(hash, at - start)) {
      elements.push(statement.slice(start, at));
      start = at;
    }
    hash = fnv(FNV_START, statement, at, next);
    // An element's line ended (not a comment's: a run never ends in a comment, the `,` put after it would be commented out).
    previousEnded = statement[next - 2] === "," && !at_(COMMENT, statement, at);
    at = next;
  }
  // The last element ends with `,` too (the generator writes one after every element), or the cut is not this one.
  if (!previousEnded) return null;
  elements.push(statement.slice(start, closeAt));
  return { head: statement.slice(0, headEnd), elements, close: statement.slice(closeAt) };
}

/** The module's text cut into runs of whole top-level statements (joined again, the text itself). */
export function runsOf(source: string): Run[] {
  const runs: Run[] = [];
  let run = "";
  let hash = FNV_START;
  for (const statement of statementsOf(source)) {
    const array = arrayRun(statement);
    if (array) {
      if (run) runs.push(run);
      runs.push(array);
      run = "";
      continue;
    }
    run += statement;
    hash = fnv(FNV_START, statement, 0, statement.length);
    if (boundary(hash, run.length)) {
      runs.push(run);
      run = "";
    }
  }
  if (run) runs.push(run);
  return runs;
}

export interface ChunkedTransform {
  /** `source` (the text of the module `name`) as JavaScript; throws esbuild's failure (with `errors`) as transform does. */
  transform(name: string, source: string): Promise<string>;
}

/** A transformer that keeps, per module name, the JavaScript of the runs its last text was made of; `esbuildTransform` is esbuild's (tests count its calls). */
export function chunkedTransform(esbuildTransform: typeof transform = transform): ChunkedTransform {
  const kept = new Map<string, { source: string; code: string; pieces: Map<string, string> }>();
  return {
    async transform(name, source) {
      const was = kept.get(name);
      if (was?.source === source) return was.code;
      const pieces = new Map<string, string>();
      // Each piece's JavaScript, kept under its text (and how it was wrapped to parse alone).
      const piece = async (key: string, text: string): Promise<string> => {
        const code = was?.pieces.get(key) ?? (await esbuildTransform(text, OPTIONS)).code;
        pieces.set(key, code);
        return code;
      };
      let code: string;
      try {
        const parts = await Promise.all(runsOf(source).map(async (run) => {
          if (typeof run === "string") return piece(run, run);
          // The declaration with no elements, `const ROUTES = [];` (and the export list esbuild
          // writes after it), and each run of elements as an array of its own: `[` … `];`.
          const [open, ...elements] = await Promise.all([piece(`[head]${run.head}`, `${run.head}];\n`), ...run.elements.map((e) => piece(`[elements]${e}`, `[\n${e}];\n`))]);
          const declared = /^([\s\S]*?)\[\];\n([\s\S]*)$/.exec(open);
          const inner = elements.map((e) => /^\[([\s\S]*?)\n?\];\n$/.exec(e)?.[1]);
          if (!declared || inner.some((e) => e === undefined)) throw new Error(`${name}: an array declaration esbuild printed otherwise than expected`);
          return `${declared[1]}[${inner.map((e, i) => (i === inner.length - 1 || e!.trimEnd().endsWith(",") ? e : `${e},`)).join("")}\n];\n${declared[2]}`;
        }));
        code = parts.join("");
      } catch {
        // Reported on the whole module (its own line numbers), or a cut this file did not foresee.
        code = (await esbuildTransform(source, { ...OPTIONS, sourcefile: name })).code;
        pieces.clear();
      }
      kept.set(name, { source, code, pieces });
      return code;
    },
  };
}

