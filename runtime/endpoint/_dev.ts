// `fawkes server`'s way into a running app, development only: a router edit is swapped into the
// app's process (compiler/cli/server/router-side.ts) instead of restarting it, and the endpoint
// precomputes what a route runs (its steps, plug inits done) from the router it was given. So
// each endpoint offers the dev server a way to take a new router: `prepare` computes everything
// from it (and throws, changing nothing, when it cannot: a plug's init, a session plug without
// a secret), the function it returns commits it in one synchronous step, so no request sees
// half of each.
//
// The offer goes to a Set that the dev server's preload (compiler/cli/server/worker-hook.ts)
// puts on globalThis before the app loads; anywhere else (production, tests, `fawkes build`)
// there is no Set and an endpoint costs one global lookup more. The Set holds the endpoints for
// the process's life: the dev server's app process makes one or two.

import type { RouterModules } from "./endpoint.js";

/** Where the dev server's preload puts its Set (Symbol.for: the same key in every copy of the runtime). */
const ENDPOINTS = Symbol.for("fawkes.dev.endpoints");

/** What the dev server sees of an endpoint. */
export interface DevEndpoint {
  /** The router it routes with now. */
  readonly router: RouterModules;
  /** Everything the endpoint derives from `router`, computed; the commit swaps it in. Throws when the router cannot be taken. */
  prepare(router: RouterModules): () => void;
}

/** Offers `endpoint` to `fawkes server` when the process runs under it; nothing otherwise. */
export function offerToDevServer(endpoint: DevEndpoint): void {
  const endpoints = (globalThis as Record<symbol, unknown>)[ENDPOINTS];
  if (endpoints instanceof Set) endpoints.add(endpoint);
}
