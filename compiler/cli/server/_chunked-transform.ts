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
const STATEMENT = /^(?:export |import |const |let |var |function |async function |class |interface |type |declare |enum |\/\/|\/\*)/;
/** A run ends after a statement whose hash's top 4 bits are clear (1 in 16), or once it is this long. */
const BOUNDARY_MASK = 15;
const RUN_BYTES = 32 * 1024;

/** The module's text cut into runs of whole top-level statements (joined again, the text itself). */
export function runsOf(source: string): string[] {
  const runs: string[] = [];
  let start = 0;
  let hash = 0;
  let at = 0;
  while (at < source.length) {
    const end = source.indexOf("\n", at);
    const next = end === -1 ? source.length : end + 1;
    // A statement starts here: the run so far ends when the last statement's hash says so.
    const statement = STATEMENT.test(source.slice(at, at + 16));
    if (statement && at > start && ((hash >>> 28 & BOUNDARY_MASK) === 0 || at - start > RUN_BYTES)) {
      runs.push(source.slice(start, at));
      start = at;
    }
    if (statement) hash = 0x811c9dc5;
    // FNV-1a over the statement's text (its high bits decide: well mixed, and ~2 ms a MB).
    for (let i = at; i < next; i++) hash = Math.imul(hash ^ source.charCodeAt(i), 16777619);
    at = next;
  }
  if (start < source.length) runs.push(source.slice(start));
  return runs;
}

export interface ChunkedTransform {
  /** `source` (the text of the module `name`) as JavaScript; throws esbuild's failure (with `errors`) as transform does. */
  transform(name: string, source: string): Promise<string>;
}

/** A transformer that keeps, per module name, the JavaScript of the runs its last text was made of; `esbuildTransform` is esbuild's (tests count its calls). */
export function chunkedTransform(esbuildTransform: typeof transform = transform): ChunkedTransform {
  const kept = new Map<string, { source: string; code: string; runs: Map<string, string> }>();
  return {
    async transform(name, source) {
      const was = kept.get(name);
      if (was?.source === source) return was.code;
      const runs = runsOf(source);
      const made = new Map<string, string>();
      let code: string;
      try {
        const parts = await Promise.all(runs.map(async (run) => was?.runs.get(run) ?? (await esbuildTransform(run, OPTIONS)).code));
        runs.forEach((run, i) => made.set(run, parts[i]));
        code = parts.join("");
      } catch {
        // Reported on the whole module (its own line numbers), or a cut this file did not foresee.
        code = (await esbuildTransform(source, { ...OPTIONS, sourcefile: name })).code;
        made.clear();
      }
      kept.set(name, { source, code, runs: made });
      return code;
    },
  };
}
