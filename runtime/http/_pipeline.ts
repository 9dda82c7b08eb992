// The request pipeline's moving parts, apart from the endpoint that drives them: running plugs
// (synchronously while every plug is), checking that each returns a Conn, turning an action's
// result into a response, and writing the response to node:http.

import type { ServerResponse } from "node:http";
import type { DispatchEntry, MountedRouter } from "../router/dispatch.js";
import type { PlugSpec } from "../plug/plug.js";
import { Conn } from "../plug/conn.js";
import { describe, isThenable } from "../_internal/values.js";

export { isThenable };

export type AnyPlug = PlugSpec["plug"];

/** Something a plug or action returned that is not a Conn: named, so the mistake is findable. */
export class PlugReturnError extends Error {
  override name = "PlugReturnError";
}

/** A controller module: actions, plus optional controller plugs and an action fallback. */
export interface ControllerModule {
  plugs?: readonly ControllerPlug[];
  actionFallback?: (conn: Conn, result: unknown) => Conn | Promise<Conn>;
  [action: string]: unknown;
}

/** What one route runs, worked out when the endpoint is built (plug inits included). */
export interface RouteSteps {
  /** The route's pipeline plugs, initialized. */
  pipeline: readonly PlugSpec[];
  toAction: (conn: Conn) => Conn | Promise<Conn>;
  /** The controller plugs that apply to the action, initialized. */
  plugs: readonly ControllerPlug[];
  invoke: (conn: Conn) => Conn | Promise<Conn>;
  /** A forward's target and its initialized options; null for a controller route. */
  forward: { plug: AnyPlug; options: unknown } | null;
  /** A forward to another router: that router's routes' steps; null otherwise. */
  mount: MountSteps | null;
}

/** A mounted router and the steps of each of its routes, built with the parent's. */
export interface MountSteps {
  router: MountedRouter;
  steps: readonly RouteSteps[];
  /** Whether any of its routes is scoped to a host. */
  hostRouting: boolean;
}

/** `export const plugs = [{ plug: authenticate, only: ["edit"] }]` in a controller. */
export interface ControllerPlug {
  plug: AnyPlug;
  options?: unknown;
  only?: readonly string[];
  except?: readonly string[];
}

/** Runs the hooks registered with beforeSend (session cookie, flash...) once. */
export function runBeforeSend(conn: Conn): Conn {
  const hooks = conn.private.beforeSend as ((c: Conn) => void)[] | undefined;
  if (!hooks || conn.state === "sent") return conn;
  conn.private.beforeSend = undefined;
  for (const hook of hooks) hook(conn);
  return conn;
}

export function actionResult(conn: Conn, value: unknown, entry: DispatchEntry, controller: ControllerModule): Conn | Promise<Conn> {
  if (value instanceof Conn) return value;
  if (controller.actionFallback) {
    const out = controller.actionFallback(conn, value);
    return isThenable(out) ? out.then((c) => expectConn(c, `actionFallback of ${entry.route.controller}`)) : expectConn(out, `actionFallback of ${entry.route.controller}`);
  }
  throw new PlugReturnError(
    `expected ${entry.route.controller}.${entry.action} to return a Conn, got: ${describe(value)} (add an actionFallback to handle other results)`,
  );
}

/** Runs plugs from index i; calls `done` with the conn unless one halts. Sync while the plugs are. */
export function runPlugs(conn: Conn, plugs: readonly (PlugSpec | ControllerPlug)[], i: number, done: (conn: Conn) => Conn | Promise<Conn>): Conn | Promise<Conn> {
  for (; i < plugs.length; i++) {
    if (conn.halted) return conn;
    const spec = plugs[i];
    const out = callPlug(spec, conn);
    if (isThenable(out)) {
      const next = i + 1;
      return out.then((c) => runPlugs(expectConn(c, plugName(spec.plug)), plugs, next, done));
    }
    conn = expectConn(out, plugName(spec.plug));
  }
  return conn.halted ? conn : done(conn);
}

export function callPlug(spec: { plug: AnyPlug; options?: unknown }, conn: Conn): Conn | Promise<Conn> {
  const p = spec.plug as unknown as ((c: Conn, o: unknown) => Conn | Promise<Conn>) | { call: (c: Conn, o: unknown) => Conn | Promise<Conn> };
  return typeof p === "function" ? p(conn, spec.options) : p.call(conn, spec.options);
}

function expectConn(value: unknown, what: string): Conn {
  if (value instanceof Conn) return value;
  throw new PlugReturnError(`expected plug ${what} to return a Conn, got: ${describe(value)}`);
}

function plugName(plug: unknown): string {
  if (typeof plug === "function") return plug.name || "(anonymous function)";
  const call = (plug as { call?: { name?: string } })?.call;
  return call?.name ? `module plug (call)` : "(plug)";
}


export function statusOf(error: unknown): number {
  const s = (error as { status?: unknown })?.status;
  return typeof s === "number" && s >= 400 && s < 600 ? s : 500;
}


export function defaultLogger(message: string, error?: unknown): void {
  if (error === undefined) console.error(`[fawkes] ${message}`);
  else console.error(`[fawkes] ${message}`, error);
}

/** Logs with the app's logger; a logger that throws is itself logged to stderr, never rethrown. */
export function safeLog(logger: ((message: string, error?: unknown) => void) | undefined, message: string, error?: unknown): void {
  try {
    (logger ?? defaultLogger)(message, error);
  } catch (e) {
    defaultLogger(`the logger threw while logging: ${message}`, e);
  }
}

/**
 * Writes the conn's response to node:http (HEAD without a body). Throws what Node refuses (a
 * header or status set around the checks in conn.ts); the endpoint catches it (writeFailed).
 */
export function send(conn: Conn, res: ServerResponse): void {
  if (conn.state === "sent") return;
  conn.state = "sent";
  const body = conn.respBody ?? "";
  const headers = conn.respHeaders;
  if (headers["content-length"] === undefined) headers["content-length"] = String(Buffer.byteLength(body));
  // One writeHead with every header: cheaper than a setHeader per header.
  res.writeHead(conn.status ?? 200, headers);
  res.end(conn.originalMethod === "HEAD" ? undefined : body);
}

const PLAIN_500 = "Internal Server Error\n";

/**
 * The last resort when a response cannot be written as the conn has it: a plain-text 500 if
 * nothing went out yet, else the socket is destroyed (the client sees a cut response, never a
 * response that claims to be complete).
 */
export function writeFailed(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  try {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.shouldKeepAlive = false;
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8", "content-length": String(PLAIN_500.length), "x-content-type-options": "nosniff" });
    res.end(PLAIN_500);
  } catch {
    res.destroy();
  }
}

/** A plain-text 500 on the conn, for when the error page itself fails. */
export function plainError(conn: Conn, status: number): Conn {
  for (const k of Object.keys(conn.respHeaders)) delete conn.respHeaders[k];
  conn.respHeaders["content-type"] = "text/plain; charset=utf-8";
  conn.respHeaders["x-content-type-options"] = "nosniff";
  conn.status = status;
  conn.respBody = status === 500 ? PLAIN_500 : `${status}\n`;
  conn.state = "set";
  conn.halted = true;
  return conn;
}
