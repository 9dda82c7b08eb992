// The router's intermediate representation: a flat, ordered, plain-data route table.
// Everything downstream (checks, emitters, the reference interpreter, `fawkes routes`)
// reads only this; nothing here refers to ts-morph nodes.

/** A position in a source file; `file` is relative to the project root, with `/` separators. */
export interface SourceLoc {
  file: string;
  line: number;
  column: number;
}

export type SegmentIR =
  /** A literal segment, compared against the percent-decoded request segment. */
  | { kind: "static"; value: string }
  /** `:name`, or `prefix:name` (`profile-:id`), binding the rest of one segment. */
  | { kind: "param"; name: string; prefix: string }
  /** `*name`: the (possibly empty) list of remaining segments. Always last. */
  | { kind: "glob"; name: string };

/** How the router module imports the thing a route refers to. */
export interface ImportRefIR {
  /** Module specifier as the router wrote it (`"./controllers/user.js"`). */
  specifier: string;
  /** Resolved source file relative to the root, when it is a project file. */
  resolvedFile: string | null;
  /** `"*"` for `import * as X`, `"default"` for a default import, else the exported name. */
  imported: string;
}

/** A controller or plug reference: an imported binding, possibly followed by property names. */
export interface ModuleRefIR {
  import: ImportRefIR;
  /** Local name in the router module (`UserController`, or `Admin` for `Admin.UserController`). */
  local: string;
  /** Properties after the local name (`["UserController"]` for `Admin.UserController`). */
  members: string[];
  /** As written: `Admin.UserController`. */
  display: string;
  /**
   * The project file that defines it, through re-exports (`Api.ItemController` from
   * `api/index.ts`'s `export * as ItemController from "./item-controller.js"` is
   * `app/controllers/api/item-controller.ts`); null when that is not a project file.
   */
  definedIn: string | null;
}

export interface RouteIR {
  /** Position in declaration order; first match wins. */
  index: number;
  kind: "match" | "forward";
  /** Upper-case verb, or `"*"` for any (match "*" and forward). */
  verb: string;
  /** Normalised path pattern: `/users/:user_id/posts/:id`, `/` for the root. */
  path: string;
  segments: SegmentIR[];
  /** Hosts the route answers for; `[]` means any. A trailing `.` marks a prefix. */
  hosts: string[];
  /** What runs before the action, in order: pipelines by name, and plugs written inline. */
  pipes: PipeIR[];
  /** `pipes` as written, for display and RouteInfo: pipeline names, an inline plug's source text. */
  pipeThrough: string[];
  /** The controller, or the plug of a plug route or forward (or a sub-router). */
  target: ModuleRefIR;
  /** The action name; `null` for a route to a plug and for a forward. */
  action: string | null;
  /** Snake-case helper base (`user_comment`), or `null` when the route has no helper. */
  helper: string | null;
  /**
   * The view of a controller route: the template folder `render` looks in (`user`,
   * `admin/review`), named by the controller (see _names.ts); `null` for a plug route and a forward.
   */
  view: string | null;
  /** Index of the DSL call (get/resources/forward...) that produced the route, in run order. */
  callIndex: number;
  loc: SourceLoc;
  /** A forward to another router: the router mounted under this route's path. */
  mount?: MountIR;
}

/**
 * A router mounted by `forward` (Phoenix's `forward "/admin", AdminRouter`): compiled on its own
 * into a folder of the parent's out dir, matched on the path info the forward leaves.
 */
export interface MountIR {
  /** The mounted router module, relative to the root. */
  router: string;
  /** Its generated modules' folder, relative to the parent's out dir (`admin` for `/admin`). */
  dir: string;
  /** The mounted router, compiled; null when it could not be (its diagnostics say why). */
  ir: RouterIR | null;
}

/**
 * One entry of a route's pipeThrough list: a pipeline, or a plug written inline in a pipeThrough
 * call (`index`: its position among all inline plugs in run order, as collectRouter numbers them).
 */
export type PipeIR = { kind: "pipeline"; name: string } | { kind: "plug"; index: number; display: string };

export interface PipelineIR {
  name: string;
  /** The plugs as written, for display (`fetchSession`, `accepts(["html"])`). */
  plugs: string[];
  /**
   * The layouts it puts and the plugs it runs, in order with the pipelines it plugs: what the
   * typed conn of the routes through it reads (actions.gen.ts): render checks the layouts'
   * `@type`, and the plugs' declared assigns are on the conn.
   */
  steps: PipelineStepIR[];
  loc: SourceLoc;
}

/**
 * One step of a pipeline that concerns the typed conn: `p.plug(putLayout, "layouts/app.html")` (a
 * template name, `false` for none, or null when it is not a literal), a pipeline it plugs, or a
 * plug whose type may declare assigns.
 */
export type PipelineStepIR =
  | { kind: "layout" | "rootLayout"; template: string | false | null }
  | { kind: "pipeline"; name: string }
  /** A plug imported from an app module: the assigns its type declares (`Plug<O, A>`) are on the conn. */
  | { kind: "plug"; ref: ModuleRefIR };

/** A plug written inline in a pipeThrough call; `ref` as a pipeline's plug step's (null: not an imported binding of an app module). */
export interface InlinePlugIR {
  display: string;
  loc: SourceLoc;
  ref: ModuleRefIR | null;
}

export interface RouterIR {
  /** The router module, relative to the root (`app/router.ts`). */
  source: string;
  /** How the router module's default export is imported from the root (`./app/router.js`). */
  routerExport: string;
  pipelines: PipelineIR[];
  routes: RouteIR[];
  /**
   * The route-making DSL calls in run order, to check the run-time collection against; `index`
   * is the call index routes refer to (a call the reader could not read has none).
   */
  calls: {
    index: number;
    kind: "route" | "plug" | "resources" | "forward";
    verb: string;
    path: string;
    /** The paths of the scopes and resources around it, joined (`/users/posts` for comments nested in both), for its name. */
    within: string;
  }[];
  /** Every plug written inline in a pipeThrough call, in run order (a PipeIR `index` points here). */
  inlinePlugs: InlinePlugIR[];
  /**
   * Where this router is mounted, when another router forwards to it: the full static prefix
   * (`/admin`, scopes included) and the forward's location. Its helpers build paths under it.
   */
  mountedAt?: {
    prefix: string;
    /** The forward's own path in the parent router (`prefix` is it under every mount above). */
    path: string;
    parent: string;
    loc: SourceLoc;
  };
}

export function paramNames(route: Pick<RouteIR, "segments">): string[] {
  const names: string[] = [];
  for (const s of route.segments) if (s.kind !== "static") names.push(s.name);
  return names;
}
