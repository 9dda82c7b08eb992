// Telemetry with node:diagnostics_channel tracing channels, named after Phoenix's events:
//   fawkes.endpoint         a whole request            { conn }
//   fawkes.router_dispatch  route → pipelines → action { conn, route (the pattern), pathParams, pipeThrough, plug, plugOpts }
//   fawkes.controller_render a render                  { conn, view, template, format }
//   fawkes.error_rendered   an error response          { conn, status, kind, reason }
// Subscribers get start/end/asyncStart/asyncEnd/error as tracingChannel defines them. With no
// subscriber, tracing costs a check of `hasSubscribers` (measured nothing in `npm run bench:http`).

import { channel, tracingChannel } from "node:diagnostics_channel";
import type { Conn } from "./conn.js";

export const endpointChannel = tracingChannel<object, { conn: Conn }>("fawkes.endpoint");
export const dispatchChannel = tracingChannel<object, DispatchEvent>("fawkes.router_dispatch");
export const renderChannel = tracingChannel<object, RenderEvent>("fawkes.controller_render");
export const errorChannel = channel("fawkes.error_rendered");

export interface DispatchEvent {
  conn: Conn;
  route: string;
  pathParams: Readonly<Record<string, unknown>>;
  pipeThrough: readonly string[];
  plug: string;
  plugOpts: string | null;
}

export interface RenderEvent {
  conn: Conn;
  view: string;
  template: string;
  format: string;
}

/**
 * Runs `fn` inside a tracing channel when someone listens, directly otherwise. `fn` may return
 * a value or a promise (the chain is synchronous unless a plug is not), so the events are
 * published by hand: start, end (sync part), then asyncStart/asyncEnd when it settles.
 */
export function traced<T>(ch: TracingChannelLike, context: Record<string, unknown>, fn: () => T): T {
  if (!ch.hasSubscribers) return fn();
  ch.start.publish(context);
  let out: T;
  try {
    out = fn();
    context.result = out;
  } catch (error) {
    context.error = error;
    ch.error.publish(context);
    throw error;
  } finally {
    ch.end.publish(context);
  }
  if (typeof (out as { then?: unknown })?.then !== "function") return out;
  return (out as unknown as Promise<unknown>).then(
    (value) => {
      context.result = value;
      ch.asyncStart.publish(context);
      ch.asyncEnd.publish(context);
      return value;
    },
    (error: unknown) => {
      context.error = error;
      ch.error.publish(context);
      ch.asyncStart.publish(context);
      ch.asyncEnd.publish(context);
      throw error;
    },
  ) as unknown as T;
}

type TracingChannelLike = ReturnType<typeof tracingChannel>;

/**
 * The default request logger, built on the channels: one line per request with method, path,
 * status, route and duration (`GET /users/42 200 in 312µs UserController.show`), after
 * `request_id=…` when the requestId plug gave the request one.
 */
export function attachLogger(log: (line: string) => void = (l) => console.log(l)): () => void {
  const started = new WeakMap<object, bigint>();
  const handlers = {
    start(ctx: object) {
      started.set(ctx, process.hrtime.bigint());
    },
    end(ctx: object) {
      // A promise result ends later, in asyncEnd.
      const result = (ctx as { result?: { then?: unknown } }).result;
      if (typeof result?.then === "function") return;
      line(ctx, (ctx as { conn: Conn }).conn);
    },
    asyncEnd(ctx: object) {
      line(ctx, (ctx as { conn: Conn }).conn);
    },
    error() {},
    asyncStart() {},
  };
  const line = (ctx: object, conn: Conn) => {
    const t0 = started.get(ctx);
    const us = t0 === undefined ? 0 : Number(process.hrtime.bigint() - t0) / 1000;
    const where = conn.route ? ` ${conn.route.controller}${conn.route.action ? "." + conn.route.action : ""}` : "";
    const id = conn.private.requestId;
    log(`${typeof id === "string" ? `request_id=${id} ` : ""}${conn.method} ${conn.requestPath} ${conn.status ?? "-"} in ${us < 1000 ? `${Math.round(us)}µs` : `${(us / 1000).toFixed(1)}ms`}${where}`);
  };
  endpointChannel.subscribe(handlers);
  return () => endpointChannel.unsubscribe(handlers);
}
