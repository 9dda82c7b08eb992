// One client connection, whatever carries it (WebSocket, long polling, ChannelTest): decodes
// frames, answers heartbeats, joins and leaves channels, routes pushes to them, and closes on
// a malformed frame. Phoenix.Socket's message handling, protocol rules in phoenix.md (c).

import { ChannelServer } from "./channel-server.js";
import type { Assigns } from "./channel.js";
import { Broadcast, type Message, type Payload } from "./message.js";
import type { FrameCache } from "../pubsub/frame-cache.js";
import type { Subscriber } from "../pubsub/pubsub.js";
import { FrameError, type Frame, type Serializer } from "./serializer.js";
import type { SocketHandler } from "./socket.js";
import type { SocketEndpoint } from "./endpoint.js";
import { printable } from "../_internal/values.js";

// How many log lines one connection may cause per minute: refused joins, bad frames and crashes
// are logged, but a client repeating them must not write the server's log (each line past this
// is counted, and the count logged once the minute is over or the connection closes).
const LOG_LINES_PER_MINUTE = 20;
const LOG_WINDOW_MS = 60_000;

/** What carries frames to one client. */
export interface Transport {
  readonly name: string;
  send(frame: Frame): void;
  /** Closes the connection; the transport then calls `connection.closed()`. */
  close(code: number, reason: string): void;
}

/** 1007: the frame's data is not what the protocol allows. */
export const CLOSE_BAD_FRAME = 1007;
/** 1001: going away, what Phoenix sends for a `disconnect` broadcast (clients reconnect). */
export const CLOSE_GOING_AWAY = 1001;

export class Connection implements Subscriber {
  readonly channels = new Map<string, ChannelServer>();
  /** When a frame last arrived (ms), for the idle timeout. */
  lastSeen = Date.now();
  private isClosed = false;
  private logWindow = 0;
  private logLines = 0;
  private suppressed = 0;

  constructor(
    readonly handler: SocketHandler,
    readonly serializer: Serializer,
    readonly transport: Transport,
    readonly assigns: Assigns,
    readonly id: string | null,
  ) {
    // `id(socket)` names the connection: a "disconnect" broadcast on it closes every socket of that user.
    if (id !== null) handler.endpoint.pubsub.subscribe(id, this);
    handler.opened(this);
  }

  get endpoint(): SocketEndpoint {
    return this.handler.endpoint;
  }

  get transportName(): string {
    return this.transport.name;
  }

  write(frame: Frame): void {
    if (!this.isClosed) this.transport.send(frame);
  }

  send(message: Message): void {
    this.write(this.serializer.encode(message));
  }

  /** A frame from the client. A malformed one closes this connection and is logged. */
  receive(data: Buffer | string, binary: boolean): void {
    this.lastSeen = Date.now();
    let message: Message;
    try {
      message = this.serializer.decode(data, binary, this.handler.jsonDepth);
      this.dispatch(message);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.log(`closing ${this.transport.name} socket ${this.handler.path}: ${e.message}`);
      this.transport.close(CLOSE_BAD_FRAME, "malformed frame");
      this.closed();
    }
  }

  private dispatch(m: Message): void {
    if (m.topic === "phoenix" && m.event === "heartbeat") {
      this.send({ joinRef: null, ref: m.ref, topic: "phoenix", event: "phx_reply", payload: { status: "ok", response: {} } });
      return;
    }
    if (m.event === "phx_join") return this.join(m);
    const channel = this.channels.get(m.topic);
    if (m.event === "phx_leave") {
      // Leaving a topic that is not joined still answers ok, so the client's leave() completes.
      if (channel && (m.joinRef === null || m.joinRef === channel.socket.joinRef)) channel.leave(m.ref);
      else this.send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: "phx_reply", payload: { status: "ok", response: {} } });
      return;
    }
    if (m.event.startsWith("phx_")) throw new FrameError(`clients do not send "${m.event}" (topic ${m.topic})`);
    if (!channel) {
      this.send({ joinRef: null, ref: m.ref, topic: m.topic, event: "phx_reply", payload: { status: "error", response: { reason: "unmatched topic" } } });
      return;
    }
    // A push for an earlier join of this topic (the client rejoined since) is dropped.
    if (m.joinRef !== null && m.joinRef !== channel.socket.joinRef) return;
    channel.handleIn(m);
  }

  private join(m: Message): void {
    const payload = m.payload;
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw new FrameError(`phx_join for ${m.topic} needs an object payload`);
    // A second join of an open topic closes the first (phx_close for its join_ref).
    const previous = this.channels.get(m.topic);
    if (previous) previous.stop({ shutdown: "closed" }, undefined, null);
    const route = this.handler.route(m.topic);
    if (!route) {
      this.send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: "phx_reply", payload: { status: "error", response: { reason: "unmatched topic" } } });
      return;
    }
    if (this.channels.size >= this.handler.maxChannels) {
      this.log(`${this.handler.path}: refusing ${printable(m.topic)}, this connection already joined ${this.channels.size} channels (maxChannels)`);
      this.send({ joinRef: m.joinRef, ref: m.ref, topic: m.topic, event: "phx_reply", payload: { status: "error", response: { reason: "too many channels joined" } } });
      return;
    }
    const server = new ChannelServer(this, route.channel, route.pattern, m.topic, m.joinRef ?? m.ref, { ...this.assigns });
    this.channels.set(m.topic, server);
    server.join(payload as Payload, m.ref);
  }

  channelClosed(server: ChannelServer): void {
    if (this.channels.get(server.topic) === server) this.channels.delete(server.topic);
  }

  /** PubSub delivery on the connection's id topic: `disconnect` closes it. */
  deliver(_topic: string, message: unknown, _frames: FrameCache): void {
    if (message instanceof Broadcast && message.event === "disconnect") {
      this.transport.close(CLOSE_GOING_AWAY, "disconnect");
      this.closed();
    }
  }

  /** The transport is gone: every channel terminates, nothing more is sent. */
  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.id !== null) this.endpoint.pubsub.unsubscribe(this.id, this);
    for (const channel of [...this.channels.values()]) channel.close({ shutdown: "closed" }, true);
    this.handler.closedConnection(this);
    this.flushSuppressed();
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Logs a line about this connection, within its budget (LOG_LINES_PER_MINUTE); client text in `message` is escaped. */
  log(message: string, error?: unknown): void {
    const now = Date.now();
    if (now - this.logWindow >= LOG_WINDOW_MS) {
      this.flushSuppressed();
      this.logWindow = now;
      this.logLines = 0;
    }
    if (this.logLines++ < LOG_LINES_PER_MINUTE) this.handler.log(printable(message, 500), error);
    else this.suppressed++;
  }

  private flushSuppressed(): void {
    if (this.suppressed === 0) return;
    this.handler.log(`${this.transport.name} socket ${this.handler.path}: ${this.suppressed} more log line(s) about one connection suppressed (more than ${LOG_LINES_PER_MINUTE} a minute)`);
    this.suppressed = 0;
  }
}
