// Preloaded into each app process that `fawkes server` runs (`node --import`). The app listens
// as it always does (server.ts: `endpoint.start()` on PORT, which the dev server sets to its own
// port); this module moves that one listen to an ephemeral port on the loopback interface and
// tells the dev server which, over the IPC channel. The dev server keeps the public port for
// itself and proxies to the app, so a restarted app never drops it (see server/dev.ts).
//
// Only the first HTTP server the app starts is moved: that is the endpoint. Any other server
// (a metrics port, a second endpoint) listens where it asks to. `server.address()` of the moved
// server reports the public port, so what the app prints and computes from it stays true.
//
// It also takes the dev server's swaps: a template edit's modules (templates-tree.ts) and a router
// edit's (router-side.ts), each answered with "swapped" (or why not: the dev server restarts).

import { Server as HttpServer } from "node:http";
import { Server as HttpsServer } from "node:https";
import { Server as NetServer, type AddressInfo } from "node:net";
import { getHeapStatistics } from "node:v8";

/** What the dev server reads from the IPC channel. */
export interface ListeningMessage {
  fawkes: "listening";
  /** Where the app really listens (127.0.0.1). */
  port: number;
  /** Whether the app's server is HTTPS (the proxy then speaks TLS to it). */
  https: boolean;
  /** V8's used heap once it listens (bytes): what swaps grow it from (dev.ts, SWAP_HEAP_MB). */
  heap: number;
}

const publicPort = Number(process.env.FAWKES_DEV_PORT);
const listen = NetServer.prototype.listen;
const address = NetServer.prototype.address;
let claimed = false;

NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]) {
  const isHttp = this instanceof HttpServer || this instanceof HttpsServer;
  // A path (a Unix socket) or a handle is left alone; a port (or none) is TCP.
  const first = args[0];
  const tcp = first === undefined || typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first)) || (typeof first === "object" && first !== null && "port" in first);
  if (claimed || !isHttp || !tcp || !process.send) return listen.apply(this, args as never) as NetServer;
  claimed = true;
  const callback = typeof args.at(-1) === "function" ? (args.at(-1) as () => void) : undefined;
  const server = this;
  server.once("listening", () => {
    const real = address.call(server) as AddressInfo;
    const message: ListeningMessage = { fawkes: "listening", port: real.port, https: server instanceof HttpsServer, heap: getHeapStatistics().used_heap_size };
    process.send!(message);
  });
  server.address = function () {
    const real = address.call(server);
    return real && typeof real === "object" && Number.isInteger(publicPort) ? { ...real, port: publicPort } : real;
  };
  return listen.call(server, { port: 0, host: "127.0.0.1" }, callback) as NetServer;
} as typeof NetServer.prototype.listen;

/** What the dev server sends after a template edit (templates-tree.ts): swap these modules in. */
export interface SwapMessage {
  fawkes: "swap";
  id: number;
  /** The file: URLs of the templates' modules written again. */
  modules: string[];
  /** templates.gen.mjs and templates/__registry.gen.mjs: the `templates` table and the registry whose functions are replaced. */
  templates: string;
  registry: string;
}

/** The answer: swapped, or why not (the dev server then restarts the app). */
export interface SwappedMessage {
  fawkes: "swapped";
  id: number;
  error?: string;
  /** V8's used heap after the swap (bytes): the old modules stay in it (ES modules are not unloaded). */
  heap?: number;
}

async function swap(m: SwapMessage): Promise<void> {
  let answer: SwappedMessage = { fawkes: "swapped", id: m.id };
  try {
    const { templates } = await import(m.templates);
    const { __registry } = await import(m.registry);
    // Each module as the app loaded it, its exports pointed at a new instance of its file; the
    // functions replaced in the table by name and in the registry (the layouts, renderTemplate).
    for (const url of m.modules) {
      const loaded = await import(url);
      const before = { ...loaded };
      loaded.__fawkesSwap(await import(`${url}?v=${m.id}`));
      for (const [name, previous] of Object.entries(before)) {
        const next = loaded[name];
        if (typeof previous !== "function" || next === previous) continue;
        for (const key of Object.keys(templates)) if (templates[key] === previous) templates[key] = next;
        __registry.replace(previous, next);
      }
    }
  } catch (e) {
    answer = { ...answer, error: (e as Error)?.stack ?? String(e) };
  }
  process.send?.({ ...answer, heap: getHeapStatistics().used_heap_size });
}

/** What the dev server sends after a router edit (router-side.ts): the router's modules built anew. */
export interface RouterSwapMessage {
  fawkes: "swap-router";
  id: number;
  /** Each facade module the app imports (router.gen, helpers.gen) and the new build of what it stands for (its URL versioned by content). */
  parts: Array<{ facade: string; side: string; /** Built against the app's modules (the registry): only once the app has run. */ registry: boolean }>;
}

/** What an endpoint offers (runtime/endpoint/_dev.ts). */
interface DevEndpoint {
  readonly router: { dispatch: unknown };
  prepare(router: unknown): () => void;
}
const endpoints = new Set<DevEndpoint>();
// Shared by name with the runtime and router-side.ts's modules.
const ENDPOINTS = Symbol.for("fawkes.dev.endpoints");
const MODULES = Symbol.for("fawkes.dev.modules");

async function swapRouter(m: RouterSwapMessage): Promise<void> {
  let answer: SwappedMessage = { fawkes: "swapped", id: m.id };
  try {
    // Everything new evaluated (the router's DSL runs again) and every endpoint's new steps
    // computed before anything changes: a throw on the way leaves the app as it was.
    const ready: Array<{ facade: { __fawkesSwap(next: unknown): void }; next: unknown }> = [];
    const commits: Array<() => void> = [];
    for (const part of m.parts) {
      // A spare process has not run the app yet: its router is loaded from disk when it does.
      if (part.registry && !(globalThis as Record<symbol, unknown>)[MODULES]) continue;
      const facade = await import(part.facade);
      // Versioned by content (router-side.ts): a build that changed it has a URL of its own, a new instance.
      const next = await import(part.side);
      if (part.registry) {
        const serving = [...endpoints].filter((e) => e.router.dispatch === facade.dispatch);
        if (serving.length === 0) throw new Error(`no endpoint routes with ${next.source ?? part.facade}: the app made its endpoint from something else than the router module`);
        for (const e of serving) commits.push(e.prepare(next));
      }
      ready.push({ facade, next });
    }
    for (const { facade, next } of ready) facade.__fawkesSwap(next);
    for (const commit of commits) commit();
  } catch (e) {
    answer = { ...answer, error: (e as Error)?.stack ?? String(e) };
  }
  process.send?.({ ...answer, heap: getHeapStatistics().used_heap_size });
}

if (process.send) {
  (globalThis as Record<symbol, unknown>)[ENDPOINTS] = endpoints;
  process.on("message", (m: SwapMessage | RouterSwapMessage) => {
    if (m?.fawkes === "swap") void swap(m);
    else if (m?.fawkes === "swap-router") void swapRouter(m);
  });
  // Listening keeps the IPC channel from holding the process: an app that ends, ends.
  (process.channel as { unref?: () => void } | undefined)?.unref?.();
}
