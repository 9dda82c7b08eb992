// Plug's two halves for module plugs: `init(options)` runs once per plug site, when the endpoint
// is built, and what it returns is what `call(conn, options)` receives on every request (Plug
// runs init at compile time; the endpoint's construction is our startup). A function plug has
// no init and gets its options as written.
//
// A plug site is one place a plug is declared: an endpoint plug, one `p.plug(...)` of a pipeline
// (shared by every route that pipes through it: init runs once for it, not once per route), one
// entry of a controller's `plugs` (shared by the controller's actions), a forward's target. So
// sites are keyed by the spec object the router or controller recorded, never by the plug.

import type { DispatchEntry } from "../router/dispatch.js";
import type { ModulePlug, PlugSpec } from "../plug/plug.js";
import type { Conn } from "./conn.js";
import { isThenable, type AnyPlug, type ControllerModule, type ControllerPlug } from "./_pipeline.js";


/** A module plug's init that threw or returned a promise: the endpoint does not start. */
export class PlugInitError extends Error {
  override name = "PlugInitError";
}

/** `spec` with its options through the plug's init; the same object when there is no init. */
export function initSpec<S extends { readonly plug: AnyPlug; readonly options?: unknown }>(spec: S, site: () => string): S {
  const plug = spec.plug as unknown;
  if (typeof plug === "function" || plug === null || typeof plug !== "object") return spec;
  const init = (plug as ModulePlug).init;
  if (init === undefined) return spec;
  if (typeof init !== "function") throw new PlugInitError(`${site()}: the module plug's init is not a function (got ${typeof init})`);
  let options: unknown;
  try {
    options = init.call(plug, spec.options);
  } catch (e) {
    throw new PlugInitError(`init of the module plug at ${site()} threw: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  if (isThenable(options)) {
    // Swallow the rejection: this error already says what went wrong.
    options.then(undefined, () => {});
    throw new PlugInitError(`init of the module plug at ${site()} returned a promise; init runs once at startup and must return the options synchronously (do async setup before defineEndpoint)`);
  }
  return { ...spec, options } as S;
}

/** Every plug site of one endpoint, initialized once each (the caches make sharing explicit). */
export class PlugSites {
  private readonly pipelines = new Map<readonly PlugSpec[], readonly PlugSpec[]>();
  private readonly specs = new Map<object, PlugSpec>();
  private readonly controllerSpecs = new Map<ControllerPlug, ControllerPlug>();

  /** The endpoint's plugs, each initialized. */
  endpointPlugs(plugs: readonly PlugSpec[]): readonly PlugSpec[] {
    return plugs.map((spec, i) => initSpec(spec, () => `endpoint plug ${i + 1} of ${plugs.length}`));
  }

  /** A route's pipeline: one array per distinct pipeThrough list, each spec initialized once. */
  pipeline(entry: DispatchEntry): readonly PlugSpec[] {
    let out = this.pipelines.get(entry.pipeline);
    if (out) return out;
    const specs = entry.pipeline.map((spec, i) => {
      let done = this.specs.get(spec);
      if (!done) {
        done = initSpec(spec, () => `plug ${i + 1} of pipeThrough(${entry.route.pipeThrough.map((n) => JSON.stringify(n)).join(", ")}) (first piped by ${routeName(entry)})`);
        this.specs.set(spec, done);
      }
      return done;
    });
    out = specs.every((s, i) => s === entry.pipeline[i]) ? entry.pipeline : Object.freeze(specs);
    this.pipelines.set(entry.pipeline, out);
    return out;
  }

  /** The controller plugs that apply to the route's action (only/except), each initialized once. */
  controllerPlugs(entry: DispatchEntry): readonly ControllerPlug[] {
    if (entry.action === null) return [];
    const action = entry.action;
    const all = (entry.controller as ControllerModule).plugs ?? [];
    const out: ControllerPlug[] = [];
    all.forEach((p, i) => {
      if ((p.only && !p.only.includes(action)) || (p.except ?? []).includes(action)) return;
      let done = this.controllerSpecs.get(p);
      if (!done) {
        done = initSpec(p, () => `controller plug ${i + 1} of ${entry.route.controller} (first used by ${routeName(entry)})`);
        this.controllerSpecs.set(p, done);
      }
      out.push(done);
    });
    return out;
  }

  /** A forward's target with its router options through init. */
  forward(entry: DispatchEntry): { plug: AnyPlug; options: unknown } {
    return initSpec({ plug: entry.handler as AnyPlug, options: entry.call.options }, () => `the forward target of ${routeName(entry)}`);
  }
}

function routeName(entry: DispatchEntry): string {
  const r = entry.route;
  return `${r.verb} ${r.path} (${r.source})`;
}
