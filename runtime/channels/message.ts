// The plain data of the channel protocol: a message as it travels between client and server,
// the reply a callback returns, and the broadcast PubSub carries. Shapes follow Phoenix
// (`Phoenix.Socket.Message`, `Reply`, `Broadcast`); the wire layout is the serializers' business.

/** A payload: the JSON object a client pushed (a Buffer for a binary push). */
// `any` on purpose: payloads are the client's JSON; channels narrow them where they read them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = Record<string, any>;

/** A decoded frame: `[join_ref, ref, topic, event, payload]` in V2. */
export interface Message {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

export type ReplyStatus = "ok" | "error";

/** What `join` and `handleIn` answer with; travels as `phx_reply` `{status, response}`. */
export interface Reply {
  readonly status: ReplyStatus;
  readonly response: unknown;
}

/**
 * An ok reply (join accepted, push answered).
 * @example join: () => ok({ name: "alice" })
 */
export function ok(response: unknown = {}): Reply {
  return { status: "ok", response };
}

/**
 * An error reply (join refused, push answered with an error).
 * @example join: () => error({ reason: "unauthorized" })
 */
export function error(response: unknown = {}): Reply {
  return { status: "error", response };
}

/** Why a channel stopped: `normal`, `shutdown` or `{ shutdown: x }` close it cleanly (phx_close). */
export type StopReason = "normal" | "shutdown" | { shutdown: unknown } | { error: unknown };

export interface Stop {
  readonly stop: StopReason;
  readonly reply?: Reply;
}

/**
 * Stops the channel from `handleIn`, optionally replying first.
 * @example handleIn: (event) => event === "bye" ? stop("normal", ok()) : undefined
 */
export function stop(reason: StopReason = "normal", reply?: Reply): Stop {
  return reply ? { stop: reason, reply } : { stop: reason };
}

/** A clean stop sends phx_close; anything else is a crash (phx_error). */
export function isCleanStop(reason: StopReason): boolean {
  return reason === "normal" || reason === "shutdown" || (typeof reason === "object" && reason !== null && "shutdown" in reason);
}

// Broadcast is what PubSub carries between nodes, so it lives in runtime/pubsub/.
export { Broadcast } from "../pubsub/broadcast.js";

export function isBinary(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}
