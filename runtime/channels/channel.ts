// Channels: `defineChannel({ join, handleIn, intercept, handleOut, handleInfo, terminate })` and
// the socket a channel's callbacks receive. The socket is the app's handle; the process-like
// machinery (mailbox, crash, fastlane) is in channel-server.ts.

import { Broadcast, type Payload, type Reply, type Stop, type StopReason } from "./message.js";
import type { ChannelServer } from "./channel-server.js";
import type { SocketEndpoint } from "./socket.js";

export type Assigns = Record<string, unknown>;
type Maybe<T> = T | Promise<T>;

/** What `handleIn` answers: a reply, a stop, or nothing (no reply). */
export type InResult = Reply | Stop | void;

/** One event's handler in the clause form of `handleIn`. */
export type HandleInClause<A extends Assigns = Assigns> = (payload: Payload, socket: ChannelSocket<A>) => Maybe<InResult>;

/** `handleIn` as clauses, one per event: an event without one crashes the channel. */
export type HandleInClauses<A extends Assigns = Assigns> = Readonly<Record<string, HandleInClause<A>>>;

export interface ChannelDefinition<A extends Assigns = Assigns> {
  /** Accepts with `ok(reply?)` or refuses with `error(reason)`; a throw answers `{reason: "join crashed"}`. */
  join(topic: string, payload: Payload, socket: ChannelSocket<A>): Maybe<Reply>;
  /**
   * Pushes from the client, in one of two forms, which decide what an unknown event does:
   *
   * - clauses, `{ new_msg(payload, socket) {...}, ping: (payload) => ok(payload) }`, as Phoenix's
   *   `handle_in("new_msg", ...)` clauses: an event with no clause crashes the channel, as
   *   Phoenix's FunctionClauseError does (logged with the event; the client gets `phx_error`
   *   and rejoins);
   * - a function `(event, payload, socket)`, a catch-all clause: whatever it returns for an
   *   event is that event's answer, so returning nothing is `{:noreply, socket}` (no reply),
   *   never a crash; throw to crash.
   *
   * Without handleIn every push crashes the channel, as in Phoenix.
   */
  handleIn?: ((event: string, payload: Payload, socket: ChannelSocket<A>) => Maybe<InResult>) | HandleInClauses<A>;
  /** Broadcast events that run `handleOut` for each subscriber instead of the fastlane. */
  intercept?: readonly string[];
  handleOut?(event: string, payload: Payload, socket: ChannelSocket<A>): Maybe<Stop | void>;
  /** Anything else sent to the channel: `socket.sendInfo(msg)`, PubSub messages, other topics. */
  handleInfo?(message: unknown, socket: ChannelSocket<A>): Maybe<Stop | void>;
  terminate?(reason: StopReason, socket: ChannelSocket<A>): Maybe<void>;
}

export interface Channel<A extends Assigns = Assigns> extends ChannelDefinition<A> {
  readonly intercepts: ReadonlySet<string> | null;
  /** The clauses of a clause-form handleIn, by event; null for a function or no handleIn. */
  readonly clauses: ReadonlyMap<string, HandleInClause<A>> | null;
}

/**
 * Declares a channel.
 * @example
 * export const RoomChannel = defineChannel<{ name: string }>({
 *   join: (topic, _payload, socket) => ok({ name: socket.assigns.name }),
 *   handleIn: {
 *     new_msg(payload, socket) {
 *       socket.broadcast("new_msg", { name: socket.assigns.name, body: payload.body });
 *     },
 *     ping: (payload) => ok(payload),
 *   },
 * });
 */
export function defineChannel<A extends Assigns = Assigns>(definition: ChannelDefinition<A>): Channel<A> {
  if (typeof definition?.join !== "function") throw new TypeError("defineChannel: `join(topic, payload, socket)` is required");
  const intercept = definition.intercept ?? [];
  if (intercept.length > 0 && typeof definition.handleOut !== "function") {
    throw new TypeError(`defineChannel: intercept [${intercept.join(", ")}] needs a handleOut(event, payload, socket) to run for those events`);
  }
  return { ...definition, intercepts: intercept.length ? new Set(intercept) : null, clauses: clausesOf(definition.handleIn) };
}

/** A Map of the clause form, so an event named "constructor" or "__proto__" finds no clause. */
function clausesOf<A extends Assigns>(handleIn: ChannelDefinition<A>["handleIn"]): ReadonlyMap<string, HandleInClause<A>> | null {
  if (handleIn === undefined || typeof handleIn === "function") return null;
  if (handleIn === null || typeof handleIn !== "object") throw new TypeError(`defineChannel: handleIn must be a function (event, payload, socket) or an object of clauses { event(payload, socket) }, got ${handleIn === null ? "null" : typeof handleIn}`);
  const clauses = new Map<string, HandleInClause<A>>();
  for (const [event, clause] of Object.entries(handleIn)) {
    if (typeof clause !== "function") throw new TypeError(`defineChannel: the handleIn clause for ${JSON.stringify(event)} must be a function (payload, socket), got ${clause === null ? "null" : typeof clause}`);
    clauses.set(event, clause);
  }
  return clauses;
}

/** Where a deferred reply goes: taken with `socket.socketRef()` during `handleIn`. */
export interface SocketRef {
  readonly server: ChannelServer;
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
}

/**
 * A channel's view of its socket: the topic, its own copy of the socket's assigns, and the
 * functions Phoenix.Channel offers.
 */
export class ChannelSocket<A extends Assigns = Assigns> {
  /** The ref of the push being handled; `socketRef()` captures it. */
  currentRef: string | null = null;

  constructor(
    readonly topic: string,
    readonly joinRef: string | null,
    public assigns: A,
    private readonly server: ChannelServer,
  ) {}

  get endpoint(): SocketEndpoint {
    return this.server.connection.endpoint;
  }

  /** "websocket", "longpoll" or "test". */
  get transport(): string {
    return this.server.connection.transportName;
  }

  /** The socket's id (from the socket's `id(socket)`), or null. */
  get id(): string | null {
    return this.server.connection.id;
  }

  get joined(): boolean {
    return this.server.state === "joined";
  }

  assign(values: Partial<A>): this {
    Object.assign(this.assigns, values);
    return this;
  }

  /** Sends an event to this client only. */
  push(event: string, payload: Payload | Uint8Array = {}): void {
    this.server.push(event, payload);
  }

  /** Sends an event to every subscriber of the topic, on every node, this client included. */
  broadcast(event: string, payload: Payload | Uint8Array = {}): void {
    this.endpoint.pubsub.broadcast(this.topic, new Broadcast(this.topic, event, checkPayload(payload, "broadcast")));
  }

  /** As `broadcast`, without this client. */
  broadcastFrom(event: string, payload: Payload | Uint8Array = {}): void {
    this.endpoint.pubsub.broadcast(this.topic, new Broadcast(this.topic, event, checkPayload(payload, "broadcastFrom")), this.server);
  }

  /**
   * The push being handled, to answer later with `reply(ref, ok(...))` (handleIn returns nothing).
   * @example handleIn(event, payload, socket) { const ref = socket.socketRef(); setTimeout(() => reply(ref, ok()), 10); }
   */
  socketRef(): SocketRef {
    return { server: this.server, joinRef: this.joinRef, ref: this.currentRef, topic: this.topic };
  }

  /** Delivers `message` to this channel's handleInfo, after the current callback (Phoenix's send(self(), msg)). */
  sendInfo(message: unknown): void {
    this.server.sendInfo(message);
  }

  /**
   * Runs `hook` once when this channel ends (left, stopped, crashed, its connection gone), as
   * a monitor on Phoenix's channel process does: Presence untracks with it. Returns the
   * cancel, or null when the channel has ended already.
   */
  onEnd(hook: () => void): (() => void) | null {
    return this.server.onEnd(hook);
  }

  /** Also receive this topic's messages, in handleInfo (a Broadcast arrives as one). */
  subscribe(topic: string): void {
    this.server.subscribeExtra(topic);
  }

  unsubscribe(topic: string): void {
    this.server.unsubscribeExtra(topic);
  }
}

/** Answers a push whose ref was taken with `socket.socketRef()`. */
export function reply(ref: SocketRef, answer: Reply): void {
  ref.server.replyTo(ref, answer);
}

export function checkPayload<T>(payload: T, what: string): T {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new TypeError(`${what} expects an object payload (or binary data), got: ${payload === null ? "null" : Array.isArray(payload) ? "an array" : typeof payload}`);
  }
  return payload;
}
