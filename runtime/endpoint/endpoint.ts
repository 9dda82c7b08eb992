// The endpoint: owns the node:http server and runs every request through endpoint plugs →
// router → pipeline plugs → controller plugs → action, in Phoenix's order, with `halt` stopping
// the chain. The chain stays synchronous while every plug is (no promise per request unless a
// plug or action returns one). A throw anywhere becomes a 500 (or the status the error
// carries), logged, and the server goes on.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { DispatchEntry, MountedRouter } from "../router/dispatch.js";
import { decodePath, type RouteMatch } from "../router/match.js";
import type { RouterScripts } from "../router/url.js";
import { releaseStaticManifest, useStaticManifest } from "../router/verified.js";
import type { PlugSpec } from "../plug/plug.js";
import type { ViewSet } from "../views/render.js";
import { Conn, halt, NO_PARAMS } from "../plug/conn.js";
import {
  actionResult,
  callPlug,
  defaultLogger,
  isThenable,
  plainError,
  runBeforeSend,
  runPlugs,
  safeLog,
  send,
  statusOf,
  writeFailed,
  PlugReturnError,
  type AnyPlug,
  type ControllerModule,
  type MountSteps,
  type RouteSteps,
} from "../http/_pipeline.js";
import { renderError, type ErrorEndpoint } from "../http/errors.js";
import { PlugSites } from "../http/_plug-init.js";
import { checkStartup } from "../http/_startup.js";
import { checkRequest } from "../http/_request.js";
import { offerToDevServer } from "./_dev.js";
import { printable } from "../_internal/values.js";
import { parseQuery } from "../http/body/query.js";
import { Token, type TokenResult } from "../http/crypto/index.js";
import { loadManifest, staticPath, type StaticManifest } from "../http/static/index.js";
import { dispatchChannel, endpointChannel, traced } from "../http/telemetry.js";
import { Broadcast } from "../pubsub/broadcast.js";
import { PubSub, type PubSubAdapter, type Subscriber } from "../pubsub/pubsub.js";
import { adapterFromEnv } from "../pubsub/env.js";
import { isClusterWorker, serveAsWorker, Supervisor, workerCount, type WorkersOption } from "./workers.js";
import cluster from "node:cluster";
import type { CheckOrigin } from "../channels/origin.js";
import type { SocketEndpoint } from "../channels/endpoint.js";
import { SocketHandler, type SocketMount } from "../channels/socket.js";
import { WebSocketTransport } from "../channels/transports/websocket.js";
import { LongPollTransport } from "../channels/transports/longpoll.js";

/** An endpoint plug: a function or module plug, alone or with its options. */
export type EndpointPlug = AnyPlug | readonly [AnyPlug, unknown];

export interface RouterModules {
  match(method: string, url: string, host?: string): RouteMatch | null;
  dispatch: readonly DispatchEntry[];
  /** The router module (`app/router.ts`); generated since mounted routers, which need it. */
  source?: string;
}

export interface EndpointConfig {
  /** Where `*Url` helpers point: scheme, host, port, path prefix. */
  url?: { scheme?: "http" | "https"; host?: string; port?: number; path?: string };
  http?: { port?: number; host?: string };
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** Redirect plain HTTP to HTTPS (301) and send HSTS on HTTPS, as Plug.SSL does. */
  forceSsl?: { hsts?: boolean; host?: string };
  /** Development: error pages show the error, the stack and, for a 404, the routes. */
  debugErrors?: boolean;
  /** Signs tokens and cookies; at least 64 bytes in production. */
  secretKeyBase?: string;
  /** Where errors are logged (default console.error). */
  logger?: (message: string, error?: unknown) => void;
  /**
   * Which browser origins may open sockets: `true` (default) = the `url` host, a list of
   * patterns ("//example.com", "https://*.example.com"), "conn" = the request's host, false = any.
   */
  checkOrigin?: CheckOrigin;
  /**
   * Phoenix's `cache_static_manifest`: the folder holding `cache_manifest.json` (from a digest
   * step), read by `start()`; `endpoint.staticPath("/app.css")` then gives the digested path.
   */
  cacheStaticManifest?: string;
  /** Phoenix's `static_url`: where `staticUrl()`/`staticPath()` point (a CDN); default: `url`. */
  staticUrl?: { scheme?: "http" | "https"; host?: string; port?: number; path?: string };
  /**
   * Serve with this many node:cluster workers sharing the port (`"auto"`: one per core); the
   * start option overrides it, and the FAWKES_WORKERS environment variable (what
   * `fawkes server --workers N` sets) overrides both. Default 1 (no cluster). Workers share
   * PubSub over the cluster's IPC unless a Redis adapter is configured.
   */
  workers?: WorkersOption;
}

/** What `start` takes; each key overrides the config. */
export interface ListenOptions {
  port?: number;
  host?: string;
  /** node:cluster workers (see `EndpointConfig.workers`). */
  workers?: WorkersOption;
}

export interface EndpointOptions {
  router: RouterModules;
  plugs?: readonly EndpointPlug[];
  views?: ViewSet;
  config?: EndpointConfig;
  /** Channel sockets: `[socket("/socket", UserSocket, { websocket: true, longpoll: true })]`. */
  sockets?: readonly SocketMount[];
  /**
   * The PubSub channels and `broadcast` use, or the adapter that joins it to the other nodes
   * (`redisPubSub({ url })`, `clusterPubSub()`). Default: from FAWKES_PUBSUB / REDIS_URL, the
   * cluster's IPC in a worker, else this process only.
   */
  pubsub?: PubSub | PubSubAdapter;
}

/** App code listening on a PubSub topic (`endpoint.subscribe`). */
export type Listener = (message: unknown, topic: string) => void;

export class Endpoint implements SocketEndpoint, ErrorEndpoint {
  readonly config: EndpointConfig;
  readonly pubsub: PubSub;
  private server: Server | null = null;
  /** In a cluster's primary: the workers' supervisor (the primary serves nothing itself). */
  private supervisor: Supervisor | null = null;
  /** Whether the endpoint made its PubSub (and so stops it). */
  private readonly ownsPubSub: boolean;
  private manifest: StaticManifest | undefined;
  private readonly listeners = new WeakMap<Listener, Map<string, Subscriber>>();
  private readonly toRouter = (conn: Conn) => this.route(conn);
  // The router's three below change only when `fawkes server` swaps a router edit in (_dev.ts).
  /** Per route index: its pipeline, controller plugs and action, plug inits done at construction. */
  private steps: readonly RouteSteps[];
  /** Whether any route is scoped to a host: only then does matching read the Host header. */
  private hostRouting: boolean;
  /** Whether a forward mounts another router: only then are router script names recorded. */
  private mounted: boolean;
  /** The segments of `url.path`, the script name of every conn; null for none. */
  private readonly urlScript: string[] | null;
  private readonly plugs: readonly PlugSpec[];
  private readonly sockets: readonly SocketHandler[];
  private readonly websockets = new Map<string, WebSocketTransport>();
  /** What runs when the endpoint stops, after its sockets closed and before its PubSub stops. */
  private readonly stopHooks = new Set<() => void>();
  /** Long-poll paths, checked before the plugs as Phoenix mounts sockets ahead of them; null when none. */
  private readonly longpolls: Map<string, LongPollTransport> | null = null;

  constructor(private options: EndpointOptions) {
    this.config = options.config ?? {};
    // Every module plug's init runs here, once per plug site: a throw stops the endpoint at
    // construction, naming the site, instead of on some request.
    const sites = new PlugSites();
    this.plugs = sites.endpointPlugs((options.plugs ?? []).map((p) => (Array.isArray(p) ? { plug: p[0], options: p[1] } : { plug: p as AnyPlug, options: undefined })));
    this.steps = options.router.dispatch.map((entry) => this.stepsOf(entry, sites));
    this.hostRouting = hostRouted(options.router);
    this.mounted = mounts(options.router);
    this.ownsPubSub = !(options.pubsub instanceof PubSub);
    this.pubsub = options.pubsub instanceof PubSub ? options.pubsub : new PubSub({ logger: this.config.logger, adapter: options.pubsub ?? adapterFromEnv() ?? undefined });
    const script = (this.config.url?.path ?? "").split("/").filter(Boolean);
    // Not named scriptName: helpers tell a conn from an endpoint by that property.
    this.urlScript = script.length ? (Object.freeze(script) as string[]) : null;
    this.sockets = (options.sockets ?? []).map((mount) => new SocketHandler(this, mount));
    for (const handler of this.sockets) {
      const { websocket = true, longpoll = false } = handler.mount.options;
      if (websocket) this.websockets.set(`${handler.path}/websocket`, new WebSocketTransport(handler));
      if (longpoll) (this.longpolls ??= new Map()).set(`${handler.path}/longpoll`, new LongPollTransport(handler));
    }
    const endpoint = this;
    offerToDevServer({ get router() { return endpoint.options.router; }, prepare: (router) => this.prepareRouter(router) });
  }

  /**
   * `fawkes server` swapping a router edit in (_dev.ts): what the constructor derives from the
   * router (each route's steps with their plug inits, host routing, mounts) and start()'s checks,
   * done for `router`; the returned commit makes the endpoint route with it. A throw changes nothing.
   */
  private prepareRouter(router: RouterModules): () => void {
    if (this.server) checkStartup(this.startupFacts(router.dispatch));
    const sites = new PlugSites();
    const steps = router.dispatch.map((entry) => this.stepsOf(entry, sites));
    const hostRouting = hostRouted(router);
    const mounted = mounts(router);
    return () => {
      this.options = { ...this.options, router };
      this.steps = steps;
      this.hostRouting = hostRouting;
      this.mounted = mounted;
    };
  }

  /** What start() checks before it listens (checkStartup). */
  private startupFacts(dispatch: readonly DispatchEntry[]): Parameters<typeof checkStartup>[0] {
    return {
      production: process.env.NODE_ENV === "production",
      secretKeyBase: this.config.secretKeyBase,
      plugs: this.plugs,
      dispatch,
      socketSessions: this.sockets.flatMap((h) => (h.mount.options.session ? [{ path: h.path, session: h.mount.options.session }] : [])),
    };
  }

  /**
   * Sends `event` with `payload` to every client joined to `topic`, on every node.
   * @example endpoint.broadcast("room:lobby", "new_msg", { body: "hello" })
   */
  broadcast(topic: string, event: string, payload: object): void {
    this.pubsub.broadcast(topic, new Broadcast(topic, event, payload));
  }

  /** As `broadcast`, on this node only. */
  localBroadcast(topic: string, event: string, payload: object): void {
    this.pubsub.localBroadcast(topic, new Broadcast(topic, event, payload));
  }

  /**
   * Receives what is published on a topic (a `Broadcast` for `broadcast`); returns the unsubscribe.
   * @example const off = endpoint.subscribe("room:lobby", (message) => console.log(message)); off();
   */
  subscribe(topic: string, listener: Listener): () => void {
    let byTopic = this.listeners.get(listener);
    if (!byTopic) this.listeners.set(listener, (byTopic = new Map()));
    let subscriber = byTopic.get(topic);
    if (!subscriber) {
      byTopic.set(topic, (subscriber = { deliver: (t, message) => listener(message, t) }));
      this.pubsub.subscribe(topic, subscriber);
    }
    return () => this.unsubscribe(topic, listener);
  }

  /** Stops `listener` receiving the topic's messages. */
  unsubscribe(topic: string, listener: Listener): void {
    const byTopic = this.listeners.get(listener);
    const subscriber = byTopic?.get(topic);
    if (!subscriber) return;
    byTopic!.delete(topic);
    this.pubsub.unsubscribe(topic, subscriber);
  }

  /** Runs a conn through the whole chain. Never throws: errors become error responses. */
  call(conn: Conn): Conn | Promise<Conn> {
    conn.private.views = this.options.views;
    conn.private.endpoint = this;
    // Phoenix's endpoint: `url.path` is where the app is mounted (behind a proxy), so it is the
    // script name the conn's paths are built under.
    if (this.urlScript !== null) conn.scriptName = this.urlScript;
    // No context object or closure per request unless someone listens.
    if (!endpointChannel.hasSubscribers) return this.run(conn);
    return traced(endpointChannel, { conn }, () => this.run(conn));
  }

  private run(conn: Conn): Conn | Promise<Conn> {
    const ssl = this.config.forceSsl;
    if (ssl && conn.scheme !== "https") {
      // Plug.SSL: GET/HEAD get a 301, other methods a 307 so the body is sent again.
      const location = `https://${ssl.host ?? conn.host}${conn.requestPath}${conn.queryString ? "?" + conn.queryString : ""}`;
      conn.respHeaders.location = location;
      conn.status = conn.method === "GET" || conn.method === "HEAD" ? 301 : 307;
      conn.respBody = "";
      conn.state = "set";
      conn.halted = true;
      return conn;
    }
    if (ssl && ssl.hsts !== false) conn.respHeaders["strict-transport-security"] = "max-age=31536000";
    try {
      const out = runPlugs(conn, this.plugs, 0, this.toRouter);
      // The async path settles exactly as the sync one: a before-send hook that throws after an
      // async plug is a logged 500, not a rejection nobody handles (which ends the process).
      return isThenable(out) ? out.then((c) => this.settle(c), (e: unknown) => this.fail(conn, e)) : this.settle(out);
    } catch (e) {
      return this.fail(conn, e);
    }
  }

  /** finish(), with what it throws (a before-send hook) turned into the error response. */
  private settle(conn: Conn): Conn {
    try {
      return this.finish(conn);
    } catch (e) {
      return this.fail(conn, e);
    }
  }

  /** A chain that ends without a response is a bug in a plug or action: say which. */
  private finish(conn: Conn): Conn {
    if (conn.state !== "unset" || conn.private.bypassThrough) return runBeforeSend(conn);
    const where = conn.route ? `${conn.route.controller}.${conn.route.action ?? "call"} (${conn.route.source})` : "an endpoint plug";
    return this.fail(conn, new PlugReturnError(`${conn.halted ? "the conn was halted" : "the request finished"} without a response; set one in ${where} (text, json, html, render or redirect)`));
  }

  private route(conn: Conn): Conn | Promise<Conn> {
    const m = this.options.router.match(conn.method, conn.requestPath, this.hostRouting ? conn.host : undefined);
    if (m === null) return renderError(conn, 404, null, this);
    // With mounted routers, the script name each router was entered at (Phoenix's private[Router]).
    if (this.mounted) conn.private.routerScripts = { [this.options.router.source ?? ""]: conn.scriptName };
    return this.dispatchTo(conn, m, this.options.router.dispatch, this.steps);
  }

  /** Runs the route `m` found: params, the call's private/assigns, then its pipeline and action. */
  private dispatchTo(conn: Conn, m: RouteMatch, dispatch: readonly DispatchEntry[], routeSteps: readonly RouteSteps[]): Conn | Promise<Conn> {
    const entry = dispatch[m.route.index];
    conn.route = m.route;
    conn.pathParams = m.params;
    // Query params even without the parsers plug (a body needs it: reading one is async).
    if (!conn.private.parsed && conn.queryString) conn.queryParams = parseQuery(conn.queryString);
    const query = conn.queryParams;
    const body = conn.bodyParams;
    // One copy of the path params when there is nothing to merge (most GETs): three spreads cost ~3x.
    conn.params = query === NO_PARAMS && body === NO_PARAMS ? { ...m.params } : { ...query, ...body, ...m.params };
    Object.assign(conn.private, entry.call.private);
    Object.assign(conn.assigns, entry.call.assigns);
    if (m.pathInfo) {
      // A forward: its prefix moves from the path info to the script name, as Plug's forward does.
      const prefix = m.route.path.split("/").filter(Boolean);
      conn.scriptName = [...conn.scriptName, ...prefix];
      conn.pathInfo = conn.pathInfo.slice(prefix.length);
    }
    const steps = routeSteps[m.route.index];
    if (!dispatchChannel.hasSubscribers) return runPlugs(conn, steps.pipeline, 0, steps.toAction);
    const run = () => runPlugs(conn, steps.pipeline, 0, steps.toAction);
    const event = { conn, route: m.route.path, pathParams: m.params, pipeThrough: m.route.pipeThrough, plug: m.route.controller, plugOpts: m.route.action };
    return traced(dispatchChannel, event, run);
  }

  private action(conn: Conn, steps: RouteSteps): Conn | Promise<Conn> {
    // A mounted router matches the path info, then runs its own pipelines and action.
    if (steps.mount) return this.routeMounted(conn, steps.mount);
    // ConnTest's bypassThrough: the pipelines ran, the controller does not.
    if (conn.private.bypassThrough) return conn;
    // A forward: the target plug gets the rest of the path; its options come from the router.
    if (steps.forward) return callPlug(steps.forward, conn);
    return runPlugs(conn, steps.plugs, 0, steps.invoke);
  }

  private routeMounted(conn: Conn, mount: MountSteps): Conn | Promise<Conn> {
    const router = mount.router;
    conn.private.routerScripts = { ...(conn.private.routerScripts as RouterScripts | undefined), [router.source]: conn.scriptName };
    // The segments were decoded once already, by the parent's match: a bad one never gets here.
    const m = router.matchSegments(conn.method, decodePath("/" + conn.pathInfo.join("/")), mount.hostRouting ? conn.host : undefined);
    // Phoenix's sub-router raises NoRouteError: the prefix is the mounted router's, nothing after it is tried.
    if (m === null) return renderError(conn, 404, null, this);
    return this.dispatchTo(conn, m, router.dispatch, mount.steps);
  }

  /**
   * What a route runs: its pipeline, the controller plugs that apply (only/except), the action
   * or forward target, with every module plug's init done. Built once per route when the
   * endpoint is, so a request allocates no closures.
   */
  private stepsOf(entry: DispatchEntry, sites: PlugSites): RouteSteps {
    const controller = entry.controller as ControllerModule;
    const handler = entry.handler as (conn: Conn, params: Conn["params"]) => unknown;
    const steps: RouteSteps = {
      pipeline: sites.pipeline(entry),
      toAction: (c) => this.action(c, steps),
      plugs: sites.controllerPlugs(entry),
      invoke: (c) => {
        const out = handler(c, c.params);
        return isThenable(out) ? out.then((v) => actionResult(c, v, entry, controller)) : actionResult(c, out, entry, controller);
      },
      forward: entry.action === null && !entry.mount ? sites.forward(entry) : null,
      mount: entry.mount
        ? { router: entry.mount, steps: entry.mount.dispatch.map((e) => this.stepsOf(e, sites)), hostRouting: entry.mount.dispatch.some((d) => d.route.hosts.length > 0) }
        : null,
    };
    return steps;
  }

  /**
   * The error response for `error`: the app's error page, or the debug page, or (when rendering
   * those throws too) a plain-text one. Never throws.
   */
  private fail(conn: Conn, error: unknown): Conn {
    const status = statusOf(error);
    if (conn.state === "sent") {
      // A plug wrote the response itself (serveStatic) and then threw: nothing left to answer.
      this.logFor(conn, `${conn.method} ${printable(conn.requestPath)} failed after its response was sent`, error);
      return conn;
    }
    if (status >= 500) this.logFor(conn, `${conn.method} ${printable(conn.requestPath)} failed`, error);
    let out: Conn;
    try {
      out = renderError(conn, status, error, this);
    } catch (e) {
      this.logFor(conn, `rendering the ${status} page of ${conn.method} ${printable(conn.requestPath)} failed; answering in plain text`, e);
      return plainError(conn, status);
    }
    try {
      return runBeforeSend(out);
    } catch (e) {
      this.logFor(conn, `before-send of ${conn.method} ${printable(conn.requestPath)} failed`, e);
      return out;
    }
  }

  /** Writes the response; what Node refuses to write (a bad header or status) is a logged plain 500. */
  private respond(conn: Conn, res: ServerResponse): void {
    try {
      send(conn, res);
    } catch (e) {
      this.logFor(conn, `${conn.method} ${printable(conn.requestPath)}: the response could not be written`, e);
      writeFailed(res);
    }
  }

  /** A log line about one request: `request_id=… ` first when a requestId plug gave it one. */
  private logFor(conn: Conn, message: string, error?: unknown): void {
    const id = conn.private.requestId;
    this.log(typeof id === "string" ? `request_id=${id} ${message}` : message, error);
  }

  log(message: string, error?: unknown): void {
    safeLog(this.config.logger, message, error);
  }

  /** The node:http request listener. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    const verdict = checkRequest(req);
    if (!verdict.ok) return refuseRequest(res, verdict.status, verdict.message);
    const url = verdict.url || (req.url as string);
    if (this.longpolls !== null) {
      const q = url.indexOf("?");
      const longpoll = this.longpolls.get(q === -1 ? url : url.slice(0, q));
      if (longpoll) return longpoll.handle(req, res);
    }
    const scheme = this.config.https ? "https" : "http";
    const conn = new Conn({ method: req.method ?? "GET", url, host: verdict.host, port: verdict.port, remoteIp: req.socket.remoteAddress, req, res, scheme });
    let out: Conn | Promise<Conn>;
    try {
      out = this.call(conn);
    } catch (e) {
      out = this.fail(conn, e);
    }
    if (isThenable(out)) out.then((c) => this.respond(c, res), (e: unknown) => this.respond(this.fail(conn, e), res));
    else this.respond(out, res);
  };

  /** Listens (port 0 for tests) and resolves with the address. */
  async start(listen: ListenOptions = {}): Promise<{ port: number; url: string }> {
    const production = process.env.NODE_ENV === "production";
    checkStartup(this.startupFacts(this.options.router.dispatch));
    // What the server needs before the first request: the static manifest, the PubSub adapter.
    // The manifest first: a missing one refuses to start before an adapter opens a connection
    // (a Redis client left open would keep the refused process alive).
    const manifest = this.config.cacheStaticManifest;
    if (manifest) this.manifest = await loadManifest(manifest);
    // Verified paths of static files (p`/css/app.css`) go through it while this endpoint runs.
    if (this.manifest) useStaticManifest(this, this.manifest, (path) => this.staticPath(path));
    // FAWKES_WORKERS is how `fawkes server --workers N` reaches the app's own start() call.
    const workers = workerCount(process.env.FAWKES_WORKERS || (listen.workers ?? this.config.workers));
    if (workers > 1 && cluster.isPrimary) return this.startPrimary(workers, listen);
    await this.pubsub.start();
    const https = this.config.https;
    const server = https ? createHttpsServer({ key: https.key, cert: https.cert }, this.handler) : createServer(this.handler);
    if (this.websockets.size > 0) server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    const port = listen.port ?? this.config.http?.port ?? 4000;
    // No host: in development this machine only (Phoenix's dev config binds 127.0.0.1), so a
    // debug page or a dev secret is not served to the network; in production every interface,
    // IPv4 and IPv6.
    const host = listen.host ?? this.config.http?.host ?? (production ? undefined : "localhost");
    const address = await new Promise<AddressInfo>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve(server.address() as AddressInfo));
    });
    this.server = server;
    for (const ws of this.websockets.values()) ws.start();
    for (const lp of this.longpolls?.values() ?? []) lp.start();
    if (isClusterWorker()) serveAsWorker(address.port, () => this.stop(), (m, e) => this.log(m, e));
    return { port: address.port, url: `${https ? "https" : "http"}://${host ?? "localhost"}:${address.port}` };
  }

  /**
   * The cluster's primary: forks the workers (each runs the app's script and so this endpoint's
   * `start`, listening for real on the shared port) and supervises them; see workers.ts.
   */
  private async startPrimary(count: number, listen: ListenOptions): Promise<{ port: number; url: string }> {
    // Each worker runs the same script with the same arguments, so its own start() gets the
    // same listen options; a port 0 is one port shared by all (node:cluster's round robin).
    const supervisor = new Supervisor({ count, log: (m, e) => this.log(m, e) });
    this.supervisor = supervisor;
    const { port } = await supervisor.start();
    const host = listen.host ?? this.config.http?.host ?? (process.env.NODE_ENV === "production" ? undefined : "localhost");
    return { port, url: `${this.config.https ? "https" : "http"}://${host ?? "localhost"}:${port}` };
  }

  /**
   * Hands `<socket>/websocket` upgrades to their transport. Any other request that asks for an
   * upgrade (`curl --http2` sends `Upgrade: h2c` with every request) is an ordinary request that
   * we decline to upgrade, as RFC 9110 §7.8 lets a server: node:http has already detached its
   * parser from the socket, so the request head is written back without its upgrade headers
   * and the socket handed to the server again, which parses it (body included) as any other.
   */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const ws = this.websockets.get(q === -1 ? url : url.slice(0, q));
    if (ws && req.headers.upgrade?.toLowerCase() === "websocket") return ws.upgrade(req, socket, head);
    const server = this.server;
    if (!server) return void socket.destroy();
    let fed = false;
    const refeed = () => {
      if (fed || socket.destroyed) return;
      fed = true;
      socket.unshift(Buffer.concat([withoutUpgrade(req), head]));
      // Over TLS the socket is already decrypted: https.Server parses HTTP on "secureConnection"
      // ("connection" would start a second TLS handshake inside the first).
      server.emit(this.config.https ? "secureConnection" : "connection", socket);
    };
    // Pipelined after a keep-alive request whose response is still being written: node:http
    // has let go of the socket, so the new parser waits until that response is out.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inFlight && !inFlight.writableFinished) inFlight.once("finish", refeed).once("close", refeed);
    else refeed();
  }

  /**
   * Runs `hook` when the endpoint stops: after its sockets have closed, before its PubSub stops
   * (a Presence node uses it to tell the other nodes its presences leave). Returns the removal.
   */
  onStop(hook: () => void): () => void {
    this.stopHooks.add(hook);
    return () => void this.stopHooks.delete(hook);
  }

  /** Stops accepting connections, lets in-flight requests finish, closes idle keep-alives. */
  stop(): Promise<void> {
    releaseStaticManifest(this);
    if (this.supervisor) {
      const supervisor = this.supervisor;
      this.supervisor = null;
      return supervisor.shutdown();
    }
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = null;
    for (const ws of this.websockets.values()) ws.stop();
    for (const lp of this.longpolls?.values() ?? []) lp.stop();
    // Sockets are told to go away (1001): clients reconnect, to this server's successor.
    for (const handler of this.sockets) {
      for (const c of [...handler.connections]) {
        c.transport.close(1001, "server shutting down");
        c.closed();
      }
    }
    // The channels closed above have untracked their presences; the hooks (a Presence node
    // saying goodbye) publish before the PubSub goes.
    for (const hook of [...this.stopHooks]) {
      try {
        hook();
      } catch (e) {
        this.log("a stop hook of the endpoint failed", e);
      }
    }
    this.stopHooks.clear();
    return new Promise<void>((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()));
      server.closeIdleConnections();
    }).then(() => (this.ownsPubSub ? this.pubsub.stop() : undefined));
  }

  /** `scheme://host[:port]` from the url config, for `*Url` helpers (default ports left out). */
  url(): string {
    const u = this.config.url ?? {};
    const scheme = u.scheme ?? "http";
    const port = u.port ?? this.config.http?.port ?? (scheme === "https" ? 443 : 80);
    const defaultPort = (scheme === "http" && port === 80) || (scheme === "https" && port === 443);
    return `${scheme}://${u.host ?? "localhost"}${defaultPort ? "" : `:${port}`}`;
  }

  /** `scheme://host[:port]` for static files: `staticUrl` config, else `url`. */
  staticUrl(): string {
    const s = this.config.staticUrl;
    if (!s) return this.url();
    const scheme = s.scheme ?? "http";
    const port = s.port ?? (scheme === "https" ? 443 : 80);
    const defaultPort = (scheme === "http" && port === 80) || (scheme === "https" && port === 443);
    return `${scheme}://${s.host ?? "localhost"}${defaultPort ? "" : `:${port}`}`;
  }

  /**
   * The path of a static file: digested (`/app-abc123.css?vsn=d`) when the manifest knows it,
   * under the static (or url) path prefix.
   * @example endpoint.staticPath("/css/app.css")
   */
  staticPath(path: string): string {
    const prefix = (this.config.staticUrl?.path ?? this.config.url?.path ?? "/").replace(/\/$/, "");
    return prefix + staticPath(this.manifest, path);
  }

  /** A path under the url config's path prefix. */
  path(path: string): string {
    const prefix = (this.config.url?.path ?? "/").replace(/\/$/, "");
    return prefix + path;
  }

  /** The router modules this endpoint routes with (its generated `match` and dispatch table). */
  get router(): RouterModules {
    return this.options.router;
  }

  /** The views the endpoint renders with (error pages look for `error/<status>.html`). */
  get views(): ViewSet | undefined {
    return this.options.views;
  }

  /**
   * Phoenix.Token with this endpoint's secret_key_base: `endpoint.signToken("user socket", id)`.
   * @example const token = endpoint.signToken("user socket", { name }); endpoint.verifyToken("user socket", token, { maxAge: 86400 })
   */
  signToken(salt: string, data: unknown, options?: Parameters<typeof Token.sign>[3]): string {
    return Token.sign(this.secretKeyBase(), salt, data, options);
  }

  verifyToken<T = unknown>(salt: string, token: string | null | undefined, options?: Parameters<typeof Token.verify>[3]): TokenResult<T> {
    return Token.verify(this.secretKeyBase(), salt, token, options) as TokenResult<T>;
  }

  private secretKeyBase(): string {
    const s = this.config.secretKeyBase;
    if (!s) throw new Error("this endpoint has no secretKeyBase: set config.secretKeyBase (64+ random bytes, e.g. from SECRET_KEY_BASE)");
    return s;
  }

  /** The route table, for the debug 404 page. */
  routes(): readonly DispatchEntry[] {
    return this.options.router.dispatch;
  }
}

/** Whether any route of `router` is scoped to a host: only then does matching read the Host header. */
const hostRouted = (router: RouterModules) => router.dispatch.some((d) => d.route.hosts.length > 0);
/** Whether a forward of `router` mounts another router. */
const mounts = (router: RouterModules) => router.dispatch.some((d) => d.mount !== undefined);

/** The request head of `req` again, minus `Upgrade`, `HTTP2-Settings` and their Connection tokens. */
function withoutUpgrade(req: IncomingMessage): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === "upgrade" || name === "http2-settings") continue;
    let value = raw[i + 1];
    if (name === "connection") {
      value = value
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "" && !/^(upgrade|http2-settings)$/i.test(t))
        .join(", ");
      if (value === "") continue;
    }
    lines.push(`${raw[i]}: ${value}`);
  }
  // llhttp parsed these lines and refused CR/LF in them, so they go back byte for byte.
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
}

/** A request refused before it became a Conn (see _request.ts): plain text, connection closed. */
function refuseRequest(res: ServerResponse, status: number, message: string): void {
  res.shouldKeepAlive = false;
  if (status === 204) {
    res.writeHead(204, { allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" }).end();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), "x-content-type-options": "nosniff", connection: "close" });
  res.end(body);
}

/**
 * Declares the endpoint: the router's generated modules, endpoint plugs, views and config.
 *
 * @example
 * import * as router from "./.fawkes/router.gen.js";
 * export const endpoint = defineEndpoint({ router, views: { templates }, config: { http: { port: 4000 } } });
 * await endpoint.start();
 */
export function defineEndpoint(options: EndpointOptions): Endpoint {
  return new Endpoint(options);
}

export { halt, send, PlugReturnError };
export type { AnyPlug, ControllerModule, ControllerPlug } from "../http/_pipeline.js";
