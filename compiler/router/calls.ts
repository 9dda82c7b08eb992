// The router module as the reader sees it: the tree of DSL calls, each with its literal
// arguments and source location. Expansion (expand.ts) turns it into the flat route table.

import type { ModuleRefIR, SourceLoc } from "./ir.js";

export type DslCall = PipelineCall | PipeThroughCall | ScopeCall | RouteCall | ResourcesCall | ForwardCall;

export interface PipelineCall {
  kind: "pipeline";
  name: string;
  plugs: string[];
  loc: SourceLoc;
}

export interface PipeThroughCall {
  kind: "pipeThrough";
  names: { name: string; loc: SourceLoc }[];
  loc: SourceLoc;
}

export interface ScopeCall {
  kind: "scope";
  path: string | null;
  /** undefined: inherit; false: reset; string: append. */
  as: string | false | undefined;
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
  action: string;
  as: string | undefined;
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
  as: string | undefined;
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
  callIndex: number;
  /** Where the path argument is: path problems point there. */
  pathLoc: SourceLoc;
  loc: SourceLoc;
}
