// The router's pipelines: declared anywhere in the router (Phoenix defines them as functions),
// each a list of plugs that may plug other pipelines by name (Phoenix's `plug :browser` inside a
// pipeline). Checked here: a name declared twice, a pipeline plugged by a name nobody declared,
// and a pipeline that plugs itself through others (Phoenix would recurse forever at request time).

import type { Diagnostic } from "../diagnostics.js";
import { nearest } from "../_suggest.js";
import type { DslCall, PipelineCall } from "./calls.js";
import type { PipelineIR, SourceLoc } from "./ir.js";

export interface Pipelines {
  /** By name, the first declaration of each. */
  declared: Map<string, PipelineIR>;
  /** In declaration order. */
  list: PipelineIR[];
  diagnostics: Diagnostic[];
}

export function collectPipelines(calls: readonly DslCall[]): Pipelines {
  const declared = new Map<string, PipelineIR>();
  const list: PipelineIR[] = [];
  const bodies = new Map<string, PipelineCall>();
  const diagnostics: Diagnostic[] = [];
  const visit = (cs: readonly DslCall[]) => {
    for (const c of cs) {
      if (c.kind === "scope" || c.kind === "resources") visit(c.body);
      if (c.kind !== "pipeline") continue;
      const first = declared.get(c.name);
      if (first) {
        diagnostics.push({
          code: "DUPLICATE_PIPELINE",
          severity: "error",
          message: `pipeline "${c.name}" is declared twice`,
          loc: c.loc,
          related: [{ message: "first declared here", loc: first.loc }],
        });
        continue;
      }
      const p = { name: c.name, plugs: c.plugs, steps: c.steps, loc: c.loc };
      declared.set(c.name, p);
      list.push(p);
      bodies.set(c.name, c);
    }
  };
  visit(calls);
  for (const c of bodies.values()) {
    for (const use of c.uses) if (!declared.has(use.name)) diagnostics.push(unknownPipeline(use.name, use.loc, declared));
  }
  diagnostics.push(...checkCycles(bodies));
  return { declared, list, diagnostics };
}

/** UNKNOWN_PIPELINE, listing the declared ones and the closest name. */
export function unknownPipeline(name: string, loc: SourceLoc, declared: ReadonlyMap<string, unknown>): Diagnostic {
  const known = [...declared.keys()];
  const close = nearest(name, known);
  return {
    code: "UNKNOWN_PIPELINE",
    severity: "error",
    message: `unknown pipeline "${name}"`,
    loc,
    hint: known.length ? `declared pipelines: ${known.join(", ")}${close ? ` (did you mean "${close}"?)` : ""}` : `declare it with r.pipeline("${name}", (p) => { ... })`,
  };
}

/** Depth first over `p.plug("name")`: reaching a pipeline still on the path closes a cycle, reported once. */
function checkCycles(bodies: ReadonlyMap<string, PipelineCall>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const done = new Set<string>();
  const walk = (name: string, path: string[]) => {
    const body = bodies.get(name);
    if (!body || done.has(name)) return;
    path.push(name);
    for (const use of body.uses) {
      const at = path.indexOf(use.name);
      if (at === -1) walk(use.name, path);
      else {
        out.push({
          code: "PIPELINE_CYCLE",
          severity: "error",
          message: `pipeline "${use.name}" plugs itself: ${[...path.slice(at), use.name].join(" → ")}`,
          loc: use.loc,
          related: [{ message: `pipeline "${use.name}" is declared here`, loc: bodies.get(use.name)!.loc }],
          hint: "a pipeline runs the pipelines it plugs; plug the shared plugs into a third pipeline instead",
        });
      }
    }
    path.pop();
    done.add(name);
  };
  for (const name of bodies.keys()) walk(name, []);
  return out;
}
