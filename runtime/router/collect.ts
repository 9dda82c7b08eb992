// Runs a router definition once, at startup, and records what only exists at run time.
//
// The compiler already read the structure statically; here we only need the values the
// generated dispatch table refers to by position: each pipeline's plugs, and per route-making
// call (get/post/.../resources/forward) its controller, options and the scope's merged
// private/assigns. Calls are recorded flat, in execution order, which is the order the
// compiler numbered them in ("call index"). Expansion (resources, helper names, paths) is the
// compiler's job and is deliberately not repeated here.

import type { Controller, RouteOptions, RouterBuilder, RouterDefinition, ScopeOptions, ResourceOptions } from "./dsl.js";
import type { PlugSpec } from "./plug.js";

/** One route-making call, as executed. */
export interface CollectedCall {
  readonly kind: "route" | "resources" | "forward";
  /** Verb as written (`"GET"`, `"*"`, `"PURGE"`); `"*"` for forward, `""` for resources. */
  readonly verb: string;
  /** The path argument as written (not joined with the scope's). */
  readonly path: string;
  readonly controller: unknown;
  readonly action: string | null;
  readonly options: unknown;
  readonly private: Readonly<Record<string, unknown>>;
  readonly assigns: Readonly<Record<string, unknown>>;
  readonly log: RouteOptions["log"] | undefined;
}

export interface CollectedRouter {
  readonly pipelines: ReadonlyMap<string, readonly PlugSpec[]>;
  readonly calls: readonly CollectedCall[];
}

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
  const pipelines = new Map<string, PlugSpec[]>();
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
    options: RouteOptions | ResourceOptions<string> | undefined,
    forwardOptions?: unknown,
  ) => {
    const t = top();
    calls.push({
      kind,
      verb,
      path,
      controller,
      action,
      options: kind === "forward" ? forwardOptions : options,
      private: { ...t.private, ...(kind === "forward" ? undefined : options?.private) },
      assigns: { ...t.assigns, ...(kind === "forward" ? undefined : options?.assigns) },
      log: (kind === "forward" ? undefined : options?.log) ?? t.log,
    });
  };

  const verbFn =
    (verb: string) =>
    (path: string, controller: Controller, action: string, options?: RouteOptions) =>
      add("route", verb, path, controller, action, options);

  const builder: RouterBuilder = {
    pipeline(name, build) {
      const plugs: PlugSpec[] = [];
      build({ plug: (plug, options) => void plugs.push({ plug: plug as PlugSpec["plug"], options }) });
      pipelines.set(name, plugs);
    },
    pipeThrough() {
      // Which routes run which pipelines is decided by the compiler.
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
    match(verb, path, controller, action, options) {
      add("route", verb === "*" ? "*" : verb.toUpperCase(), path, controller, action, options);
    },
    resources(
      path: string,
      controller: Controller,
      b?: ResourceOptions<string> | (() => void),
      c?: () => void,
    ) {
      const options = typeof b === "function" ? undefined : b;
      add("resources", "", path, controller, null, options);
      within(options, typeof b === "function" ? b : c);
    },
    forward(path, target, options) {
      add("forward", "*", path, target, null, undefined, options);
    },
  } as RouterBuilder;

  try {
    definition.define(builder);
  } catch (error) {
    throw new RouterDefinitionError(`running the router definition failed: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  return { pipelines, calls };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object with keys ${JSON.stringify(Object.keys(value))}`;
  return `${typeof value} ${String(value)}`;
}
