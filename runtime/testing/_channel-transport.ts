// The client end of a ChannelTest connection: an in-memory Transport that reads what the server
// writes the way a client would (V2 frames, decoded into the inbox), the frames a client sends,
// and a SocketHandler that watches each join — which ChannelServer it started, what join threw,
// why the channel exited — by wrapping the routed channel's join and terminate. The channel
// core needs no test hooks: routing is the handler's job, and that is where the watch goes in.

import type { ChannelServer } from "../channels/channel-server.js";
import { isThenable } from "../channels/_values.js";
import type { Channel } from "../channels/channel.js";
import type { Transport } from "../channels/connection.js";
import type { Message, StopReason } from "../channels/message.js";
import type { Frame } from "../channels/serializer.js";
import { SocketHandler, type SocketMount } from "../channels/socket.js";
import type { Endpoint } from "../endpoint/endpoint.js";
import type { Inbox, Received } from "./_channel-inbox.js";

// Binary frame kinds, as serializer.ts writes them (Phoenix's V2 binary layout).
const PUSH = 0;
const REPLY = 1;

export class TestTransport implements Transport {
  readonly name = "test";
  /** Set when the server closed the connection (a malformed frame, a "disconnect" broadcast). */
  closedWith: { code: number; reason: string } | null = null;

  constructor(private readonly inbox: Inbox) {}

  send(frame: Frame): void {
    this.inbox.put(decodeServerFrame(frame));
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
}

/** A server → client frame as the client reads it; a fastlane broadcast is a push with no join_ref. */
export function decodeServerFrame(frame: Frame): Received {
  if (typeof frame === "string") {
    const [joinRef, ref, topic, event, payload] = JSON.parse(frame) as [string | null, string | null, string, string, unknown];
    if (event !== "phx_reply") return { kind: "push", joinRef, ref, topic, event, payload };
    const { status, response } = payload as { status: string; response: unknown };
    return { kind: "reply", joinRef, ref, topic, event, status, payload: response };
  }
  // [kind, len(field)..., field..., data]: push [join_ref, topic, event], reply [join_ref, ref,
  // topic, status], broadcast [topic, event].
  const kind = frame[0];
  const count = kind === PUSH ? 3 : kind === REPLY ? 4 : 2;
  const fields: string[] = [];
  let at = 1 + count;
  for (let i = 0; i < count; i++) {
    fields.push(frame.toString("utf8", at, at + frame[1 + i]));
    at += frame[1 + i];
  }
  const payload = frame.subarray(at);
  if (kind === PUSH) return { kind: "push", joinRef: fields[0] || null, ref: null, topic: fields[1], event: fields[2], payload };
  if (kind === REPLY) return { kind: "reply", joinRef: fields[0] || null, ref: fields[1] || null, topic: fields[2], event: "phx_reply", status: fields[3], payload };
  return { kind: "push", joinRef: null, ref: null, topic: fields[0], event: fields[1], payload };
}

/** A client → server frame: V2 JSON text, or a binary push for binary payloads. */
export function clientFrame(m: Message): { data: string | Buffer; binary: boolean } {
  if (!(m.payload instanceof Uint8Array)) return { data: JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload]), binary: false };
  const fields = [m.joinRef ?? "", m.ref ?? "", m.topic, m.event].map((f) => Buffer.from(f, "utf8"));
  return { data: Buffer.concat([Buffer.from([PUSH, ...fields.map((f) => f.length)]), ...fields, m.payload]), binary: true };
}

/** One join, seen from the test: its server, what join threw, how the channel exited. */
export class ChannelWatch {
  server: ChannelServer | null = null;
  joinError: unknown = undefined;
  exit: StopReason | null = null;
  /** Settles when terminate has (terminate may be async); never rejects. */
  terminated: Promise<void> = Promise.resolve();
  private readonly listeners: ((reason: StopReason) => void)[] = [];

  constructor(
    /** The channel to join instead of the socket's route for the topic (`subscribeAndJoin(s, Channel, topic)`). */
    readonly channel: Channel | null,
  ) {}

  onExit(listener: (reason: StopReason) => void): void {
    if (this.exit !== null) listener(this.exit);
    else this.listeners.push(listener);
  }

  exited(reason: StopReason, terminated: unknown): void {
    this.exit = reason;
    this.terminated = Promise.resolve(terminated).then(
      () => undefined,
      () => undefined,
    );
    for (const listener of this.listeners.splice(0)) listener(reason);
  }
}

export class TestSocketHandler extends SocketHandler {
  /** The join being sent: set around `connection.receive(phx_join)`, in which `route` runs. */
  pending: ChannelWatch | null = null;
  /** The last error logged (a throw in the socket's connect), for ConnectError's cause. */
  lastError: unknown = undefined;

  constructor(
    /** The whole endpoint the test gave (the socket itself sees only its SocketEndpoint face). */
    override readonly endpoint: Endpoint,
    mount: SocketMount,
  ) {
    super(endpoint, mount);
  }

  override route(topic: string): { pattern: string; channel: Channel } | null {
    const watch = this.pending;
    if (watch === null) return super.route(topic);
    const route = watch.channel ? { pattern: topic, channel: watch.channel } : super.route(topic);
    return route && { pattern: route.pattern, channel: watched(route.channel, watch) };
  }

  override log(message: string, error?: unknown): void {
    if (error !== undefined) this.lastError = error;
    super.log(message, error);
  }
}

/**
 * The channel with join and terminate observed. ChannelServer runs terminate on every exit of
 * a joined channel (leave, stop, crash, close), with the reason, so that is where exits are seen.
 */
function watched(channel: Channel, watch: ChannelWatch): Channel {
  return {
    ...channel,
    join(topic, payload, socket) {
      watch.server = socket.socketRef().server;
      try {
        const out = channel.join(topic, payload, socket);
        if (!isThenable(out)) return out;
        return out.then(undefined, (e: unknown) => {
          watch.joinError = e;
          throw e;
        });
      } catch (e) {
        watch.joinError = e;
        throw e;
      }
    },
    terminate(reason, socket) {
      let out: void | Promise<void> = undefined;
      try {
        out = channel.terminate?.(reason, socket);
        return out;
      } finally {
        watch.exited(reason, out);
      }
    },
  };
}
