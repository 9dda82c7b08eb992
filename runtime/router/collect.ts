// Runs a router definition once, at startup, and records what only exists at run time.
//
// The compiler already read the structure statically; here we only need the values the
// generated dispatch table refers to by position: each pipeline's plugs, the plugs written
// inline in pipeThrough calls, and per route-making call (get/post/.../resources/forward) its
// controller or plug, options and the scope's merged private/assigns. Calls and inline plugs
// are recorded flat, in execution order, which is the order the compiler numbered them in
// ("call index", "inline plug index"). Expansion (resources, helper names, paths, which routes
// run which pipelines) is the compiler's job and is deliberately not repeated here.

import type { Controller, RouteOptions, RouterBuilder, RouterDefinition, ScopeOptions, ResourceOptions } from "./dsl.js";
import type { PlugSpec } from "../plug/plug.js";

/** One route-making call, as executed. */
export interface CollectedCall {
  /** `"plug"`: a route to a plug (`r.get("/plug", SomePlug, opts)`), not to a controller action. */
  readonly kind: "route" | "plug" | "resources" | "forward";
  /** Verb as written (`"GET"`, `"*"`, `"PURGE"`); `"*"` for forward, `""` for resources. */
  readonly verb: string;
  /** The path argument as written (not joined with the scope's). */
  readonly path: string;
  /** The controller, or the plug of a plug route or forward. */
  readonly controller: unknown;
  readonly action: string | null;
  /**
   * The route's or resource's options; for a plug route and a forward, the plug's options as
   * declared (the endpoint passes them through a module plug's `init`).
   */
  readonly options: unknown;
  readonly private: Readonly<Record<string, unknown>>;
  readonly assigns: Readonly<Record<string, unknown>>;
  readonly log: RouteOptions["log"] | undefined;
}

export interface CollectedRouter {
  /** Each pipeline's plugs, a pipeline it plugs by name already spliced in (the same spec objects). */
  readonly pipelines: ReadonlyMap<string, readonly PlugSpec[]>;
  /** The plugs written inline in pipeThrough calls, in run order. */
  readonly plugs: readonly PlugSpec[];
  readonly calls: readonly CollectedCall[];
}

/** A pipeline as declared: its plugs, and the pipelines it plugs by name. */
type PipelineEntry = { spec: PlugSpec } | { pipeline: string };

interface Frame {
  private: Record<string, unknown>;
  assigns: Record<string, unknown>;
  log: RouteOptions["log"] | undefined;
}

/** Thrown when the router module cannot be run or disagrees with the generated code. */
export class RouterDefinitionError extends Error {
  override name = "RouterDefinitionError";
}

const collected = new WeakMap<RouterDefinition, CollectedRouter>();

/** Runs `definition` once (memoized) and returns what it recorded. */
export function collectRouter(definition: RouterDefinition): CollectedRouter {
  if (definition?.kind !== "fawkes.router") {
    throw new RouterDefinitionError(
      `expected the router module's default export to be defineRouter(...), got: ${describe(definition)}`,
    );
  }
  let result = collected.get(definition);
  if (!result) {
    result = record(definition);
    collected.set(definition, result);
  }
  return result;
}

function record(definition: RouterDefinition): CollectedRouter {
  const declared = new Map<string, PipelineEntry[]>();
  const plugs: PlugSpec[] = [];
  const calls: CollectedCall[] = [];
  const stack: Frame[] = [{ private: {}, assigns: {}, log: undefined }];
  const top = () => stack[stack.length - 1];

  const within = (opts: ScopeOptions | Omit<RouteOptions, "as"> | undefined, body: (() => void) | undefined) => {
    if (!body) return;
    const t = top();
    stack.push({
      private: { ...t.private, ...opts?.private },
      assigns: { ...t.assigns, ...opts?.assigns },
      log: opts?.log ?? t.log,
    });
    try {
      body();
    } finally {
      stack.pop();
    }
  };

  const add = (
    kind: CollectedCall["kind"],
    verb: string,
    path: string,
    controller: unknown,
    action: string | null,
    options: Omit<RouteOptions, "as"> | undefined,
    value: unknown = options,
  ) => {
    const t = top();
    calls.push({
      kind,
      verb,
      path,
      controller,
      action,
      options: value,
      private: { ...t.private, ...options?.private },
      assigns: { ...t.assigns, ...options?.assigns },
      log: options?.log ?? t.log,
    });
  };

  // The compiler's rule (read.ts, isPlugRoute), by the values instead of their types.
  const route = (verb: string, path: string, target: unknown, third: unknown, options: RouteOptions | undefined) => {
    if (isPlugRoute(target, third)) add("plug", verb, path, target, null, options, third);
    else add("route", verb, path, target, third as string, options);
  };
  const verbFn = (verb: string) => (path: string, target: unknown, third?: unknown, options?: RouteOptions) => route(verb, path, target, third, options);

  const builder = {
    pipeline(name: string, build: (p: { plug(plug: unknown, options?: unknown): void }) => void) {
      const entries: PipelineEntry[] = [];
      build({
        plug: (plug, options) =>
          void entries.push(typeof plug === "string" ? { pipeline: plug } : { spec: { plug: plug as PlugSpec["plug"], options } }),
      });
      declared.set(name, entries);
    },
    pipeThrough(...args: unknown[]) {
      // Which routes run what is decided by the compiler; only inline plugs are values it needs.
      const listForm = args.length === 1 && Array.isArray(args[0]) && args[0].every((x) => typeof x === "string");
      if (listForm) return;
      for (const item of args) {
        if (typeof item === "string") continue;
        plugs.push(Array.isArray(item) ? { plug: item[0], options: item[1] } : { plug: item as PlugSpec["plug"], options: undefined });
      }
    },
    scope(a: string | ScopeOptions, b?: ScopeOptions | (() => void), c?: () => void) {
      const options = typeof a === "string" ? (typeof b === "function" ? undefined : b) : a;
      const body = typeof b === "function" ? b : c;
      within(options, body);
    },
    get: verbFn("GET"),
    post: verbFn("POST"),
    put: verbFn("PUT"),
    patch: verbFn("PATCH"),
    delete: verbFn("DELETE"),
    options: verbFn("OPTIONS"),
    head: verbFn("HEAD"),
    match(verb: string, path: string, target: unknown, third?: unknown, options?: RouteOptions) {
      route(verb === "*" ? "*" : verb.toUpperCase(), path, target, third, options);
    },
    resources(path: string, controller: Controller, b?: ResourceOptions<string> | (() => void), c?: () => void) {
      const options = typeof b === "function" ? undefined : b;
      add("resources", "", path, controller, null, options);
      within(options, typeof b === "function" ? b : c);
    },
    forward(path: string, target: unknown, options?: unknown) {
      const t = top();
      calls.push({ kind: "forward", verb: "*", path, controller: target, action: null, options, private: { ...t.private }, assigns: { ...t.assigns }, log: t.log });
    },
  };

  try {
    definition.define(builder as unknown as RouterBuilder);
  } catch (error) {
    throw new RouterDefinitionError(`running the router definition failed: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  return { pipelines: splice(declared), plugs, calls };
}

/**
 * Whether `r.get(path, target, third)` routes to a plug: a function is a plug; an object is a
 * controller when `third` names one of its members or when it has no `call` function.
 */
function isPlugRoute(target: unknown, third: unknown): boolean {
  if (typeof target === "function") return true;
  if (target === null || typeof target !== "object") return false;
  if (typeof third === "string" && third in target) return false;
  return typeof (target as { call?: unknown }).call === "function";
}

/**
 * Each pipeline with the pipelines it plugs by name spliced in, as the same spec objects (so a
 * module plug's init runs once per place it is declared, however many pipelines include it).
 */
function splice(declared: ReadonlyMap<string, readonly PipelineEntry[]>): Map<string, readonly PlugSpec[]> {
  const done = new Map<string, readonly PlugSpec[]>();
  const visit = (name: string, through: readonly string[]): readonly PlugSpec[] => {
    const known = done.get(name);
    if (known) return known;
    if (through.includes(name)) {
      throw new RouterDefinitionError(`pipeline "${name}" plugs itself (${[...through.slice(through.indexOf(name)), name].join(" → ")}); run \`npx fawkes build\``);
    }
    const entries = declared.get(name);
    if (!entries) throw new RouterDefinitionError(`pipeline "${through[through.length - 1]}" plugs pipeline "${name}", which is not declared; run \`npx fawkes build\``);
    const out: PlugSpec[] = [];
    for (const e of entries) {
      if ("spec" in e) out.push(e.spec);
      else out.push(...visit(e.pipeline, [...through, name]));
    }
    const frozen = Object.freeze(out);
    done.set(name, frozen);
    return frozen;
  };
  for (const name of declared.keys()) visit(name, []);
  return done;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object with keys ${JSON.stringify(Object.keys(value))}`;
  return `${typeof value} ${String(value)}`;
}
