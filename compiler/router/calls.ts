// The router module as the reader sees it: the tree of DSL calls, each with its literal
// arguments and source location. Expansion (expand.ts) turns it into the flat route table.

import type { PipelineStepIR, ModuleRefIR, SourceLoc } from "./ir.js";

export type DslCall = PipelineCall | PipeThroughCall | ScopeCall | RouteCall | ResourcesCall | ForwardCall;

export interface PipelineCall {
  kind: "pipeline";
  name: string;
  plugs: string[];
  /** Pipelines it plugs by name (`p.plug("browser")`). */
  uses: { name: string; loc: SourceLoc }[];
  /** Its putLayout/putRootLayout plugs, other imported plugs and the pipelines it plugs, in order (for the typed conn). */
  steps: PipelineStepIR[];
  loc: SourceLoc;
}

export interface PipeThroughCall {
  kind: "pipeThrough";
  /** Pipeline names and inline plugs, in order; `index` numbers inline plugs in run order. */
  items: ({ kind: "pipeline"; name: string; loc: SourceLoc } | { kind: "plug"; index: number; display: string; loc: SourceLoc })[];
  loc: SourceLoc;
}

export interface ScopeCall {
  kind: "scope";
  path: string | null;
  /** undefined: inherit; false: reset; string: append. */
  as: string | false | undefined;
  /** `helpers: false`: no helper for the routes inside, unless one names its own with `as`. */
  helpers: boolean;
  hosts: string[] | undefined;
  body: DslCall[];
  loc: SourceLoc;
}

export interface RouteCall {
  kind: "route";
  verb: string;
  /** The DSL function used (`get`, `match`...), for messages and hints. */
  fn: string;
  path: string;
  target: ModuleRefIR;
  /** The controller action; null for a route to a plug (`r.get("/plug", SomePlug, opts)`). */
  action: string | null;
  /** The helper's own name; false: no helper (Phoenix's `as: nil`). */
  as: string | false | undefined;
  callIndex: number;
  /** Where the path argument is: path problems point there. */
  pathLoc: SourceLoc;
  loc: SourceLoc;
}

export interface ResourcesCall {
  kind: "resources";
  path: string;
  target: ModuleRefIR;
  only: string[] | undefined;
  except: string[] | undefined;
  /** false: no helper for the resource nor for what is nested in it. */
  as: string | false | undefined;
  name: string | undefined;
  param: string | undefined;
  singleton: boolean;
  body: DslCall[];
  callIndex: number;
  /** Where the path argument is: path problems point there. */
  pathLoc: SourceLoc;
  loc: SourceLoc;
  /** Where `only`/`except` were written, for diagnostics about their values. */
  optionLoc: SourceLoc;
}

export interface ForwardCall {
  kind: "forward";
  path: string;
  target: ModuleRefIR;
  /** When the target is another router (`defineRouter(...)`), its module, relative to the root. */
  router: string | null;
  callIndex: number;
  /** Where the path argument is: path problems point there. */
  pathLoc: SourceLoc;
  loc: SourceLoc;
}
