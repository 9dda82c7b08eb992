// Support for the generated dispatch table (dispatch.gen.ts): building each distinct pipeline
// list once, and checking at startup that the router module still says what the generated
// code was built from.

import { RouterDefinitionError, type CollectedCall, type CollectedRouter } from "./collect.js";
import type { RouteInfo, RouteMatch } from "./match.js";
import type { PlugSpec } from "../plug/plug.js";

/** One route's dispatch: its pipelines' plugs, then the controller action (or forward target). */
export interface DispatchEntry<H = unknown> {
  readonly route: RouteInfo;
  /** Every plug of the route's `pipeThrough` pipelines, in order. Shared between routes with the same list. */
  readonly pipeline: readonly PlugSpec[];
  /** The controller module (or forward target) as imported by the router. */
  readonly controller: unknown;
  readonly action: string | null;
  /** The action function, or the forward target. */
  readonly handler: H;
  /** Run-time values from the router module: options, merged private/assigns, log level. */
  readonly call: CollectedCall;
  /** A forward to another router: its generated modules, which route the forward's path info. */
  readonly mount?: MountedRouter;
}

/** A mounted router's generated modules (its router.gen.ts), as a parent's dispatch imports them. */
export interface MountedRouter {
  matchSegments(method: string, segments: readonly string[], host?: string): RouteMatch | null;
  readonly dispatch: readonly DispatchEntry[];
  /** The router module (`app/admin/router.ts`), the key of its entry in `conn.private.routerScripts`. */
  readonly source: string;
}

/**
 * The plugs of one pipeThrough list, concatenated in order: a name is a pipeline's plugs, a
 * number the plug written inline in pipeThrough with that index (`collected.plugs`).
 * @example pipelinePlugs(collected, ["browser", 0]) // browser's plugs, then the first inline plug
 */
export function pipelinePlugs(collected: CollectedRouter, list: readonly (string | number)[]): readonly PlugSpec[] {
  const out: PlugSpec[] = [];
  for (const item of list) {
    if (typeof item === "number") {
      const spec = collected.plugs[item];
      if (!spec) throw new RouterDefinitionError(`pipeThrough plug ${item + 1} is not written when the router runs; run \`npx fawkes build\``);
      out.push(spec);
      continue;
    }
    const plugs = collected.pipelines.get(item);
    if (!plugs) throw new RouterDefinitionError(`pipeline "${item}" is not declared when the router runs; run \`npx fawkes build\``);
    out.push(...plugs);
  }
  return Object.freeze(out);
}

/** `[kind, verb, path]` of each route-making call, in the order the compiler numbered them. */
export type ExpectedCall = readonly [kind: CollectedCall["kind"], verb: string, path: string];

/**
 * Fails startup when the router module and the generated code disagree (someone edited
 * the router and did not rebuild): better a clear error now than a wrong route later.
 * `inlinePlugs` is how many plugs the generated code expects written inline in pipeThrough.
 */
export function verifyCollected(collected: CollectedRouter, expected: readonly ExpectedCall[], source: string, inlinePlugs = 0): void {
  const calls = collected.calls;
  const n = Math.max(calls.length, expected.length);
  for (let i = 0; i < n; i++) {
    const got = calls[i];
    const want = expected[i];
    if (!got || !want || got.kind !== want[0] || got.verb !== want[1] || got.path !== want[2]) {
      const show = (c: readonly [string, string, string] | undefined) => (c ? `${c[0]} ${c[1]} ${c[2]}`.replace(/ +/g, " ") : "nothing");
      throw new RouterDefinitionError(
        `${source} has changed since the routes were generated (call ${i + 1}: generated code expects ${show(want)}, ` +
          `the router now says ${show(got && [got.kind, got.verb, got.path])}); run \`npx fawkes build\``,
      );
    }
  }
  if (collected.plugs.length !== inlinePlugs) {
    throw new RouterDefinitionError(
      `${source} has changed since the routes were generated (its pipeThrough calls now write ${collected.plugs.length} plug(s) inline, ` +
        `the generated code expects ${inlinePlugs}); run \`npx fawkes build\``,
    );
  }
}
