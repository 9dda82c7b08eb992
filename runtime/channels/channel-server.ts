// One joined channel, run the way Phoenix runs a channel process: callbacks one at a time
// through a mailbox (an async callback holds the next until it settles), a throw or rejection
// crashes this channel only (phx_error to the client, which rejoins by itself), and broadcasts
// on the topic go straight to the transport (the fastlane) unless the event is intercepted.

import { ChannelSocket, checkPayload, type Assigns, type Channel, type SocketRef } from "./channel.js";
import type { Connection } from "./connection.js";
import { Broadcast, isBinary, isCleanStop, type Message, type Payload, type Reply, type StopReason } from "./message.js";
import type { FrameCache } from "../pubsub/frame-cache.js";
import type { Subscriber } from "../pubsub/pubsub.js";
import { describe, isThenable, quote } from "./_values.js";

type Task = () => unknown;

export class ChannelServer implements Subscriber {
  state: "joining" | "joined" | "closed" = "joining";
  readonly socket: ChannelSocket;
  private busy = false;
  private queue: Task[] | null = null;
  private extraTopics: Set<string> | null = null;
  private endHooks: Set<() => void> | null = null;

  constructor(
    readonly connection: Connection,
    readonly channel: Channel,
    /** The socket's pattern for this channel ("room:*"), for log lines. */
    readonly name: string,
    topic: string,
    joinRef: string | null,
    assigns: Assigns,
  ) {
    this.socket = new ChannelSocket(topic, joinRef, assigns, this);
  }

  get topic(): string {
    return this.socket.topic;
  }

  join(payload: Payload, ref: string | null): void {
    this.enqueue(() => {
      let out: unknown;
      try {
        out = this.channel.join(this.topic, payload, this.socket);
      } catch (e) {
        return this.joinCrashed(e, ref);
      }
      if (!isThenable(out)) return this.joined(out, ref);
      return out.then(
        (r) => this.joined(r, ref),
        (e: unknown) => this.joinCrashed(e, ref),
      );
    });
  }

  private joined(result: unknown, ref: string | null): void {
    if (!isReply(result)) return this.joinCrashed(new TypeError(`expected join of ${this.name} to return ok(reply?) or error(reason), got: ${describe(result)}`), ref);
    if (this.state === "closed") return;
    if (result.status === "ok") {
      this.state = "joined";
      this.connection.endpoint.pubsub.subscribe(this.topic, this);
      this.sendReply(ref, result);
    } else {
      this.sendReply(ref, result);
      this.close({ shutdown: "join refused" }, false);
    }
  }

  private joinCrashed(error: unknown, ref: string | null): void {
    this.connection.log(`${this.name} crashed joining ${this.topic}`, error);
    this.sendReply(ref, { status: "error", response: { reason: "join crashed" } });
    this.close({ error }, false);
  }

  /** A push from the client. */
  handleIn(m: Message): void {
    this.enqueue(() => {
      const handle = this.channel.handleIn;
      let out: unknown;
      if (typeof handle === "function") {
        this.socket.currentRef = m.ref;
        out = handle(m.event, m.payload as Payload, this.socket);
      } else {
        // Phoenix's FunctionClauseError: no clause for the event crashes the channel.
        const clause = this.channel.clauses?.get(m.event);
        if (!clause) throw new UnhandledEventError(this.name, m.event, this.topic, this.channel.clauses);
        this.socket.currentRef = m.ref;
        out = clause(m.payload as Payload, this.socket);
      }
      if (!isThenable(out)) return this.afterIn(out, m.ref);
      return out.then((r) => this.afterIn(r, m.ref));
    });
  }

  private afterIn(result: unknown, ref: string | null): void {
    this.socket.currentRef = null;
    if (result === undefined) return;
    if (isReply(result)) return this.sendReply(ref, result);
    if (isStop(result)) return this.stop(result.stop, result.reply, ref);
    throw new TypeError(`expected handleIn of ${this.name} to return ok(...), error(...), stop(...) or nothing, got: ${describe(result)}`);
  }

  /** Runs handleOut / handleInfo through the mailbox; either may stop the channel. */
  private callback(name: "handleOut" | "handleInfo", invoke: () => unknown): void {
    this.enqueue(() => {
      const out = invoke();
      const after = (r: unknown) => {
        if (r === undefined) return;
        if (isStop(r)) return this.stop(r.stop, r.reply, null);
        throw new TypeError(`expected ${name} of ${this.name} to return stop(...) or nothing, got: ${describe(r)}`);
      };
      return isThenable(out) ? out.then(after) : after(out);
    });
  }

  /** PubSub delivery: the fastlane for broadcasts on the topic, handleOut or handleInfo otherwise. */
  deliver(topic: string, message: unknown, frames: FrameCache): void {
    if (this.state !== "joined") return;
    if (message instanceof Broadcast && topic === this.topic) {
      if (this.channel.intercepts?.has(message.event)) {
        const handleOut = this.channel.handleOut!;
        this.callback("handleOut", () => handleOut(message.event, message.payload as Payload, this.socket));
      } else {
        this.connection.write(frames.frameFor(this.connection.serializer));
      }
      return;
    }
    this.info(message);
  }

  sendInfo(message: unknown): void {
    this.info(message);
  }

  private info(message: unknown): void {
    const handleInfo = this.channel.handleInfo;
    if (!handleInfo) {
      // Phoenix logs unhandled messages and carries on.
      this.connection.log(`${this.name} on ${this.topic} received a message but has no handleInfo: ${describe(message)}`);
      return;
    }
    this.callback("handleInfo", () => handleInfo(message, this.socket));
  }

  push(event: string, payload: Payload | Uint8Array): void {
    if (this.state === "joining") throw new Error(`push("${event}") in join of ${this.name}: push can only be called after the channel has joined (use socket.sendInfo to push right after join)`);
    if (this.state === "closed") return;
    this.connection.send({ joinRef: this.socket.joinRef, ref: null, topic: this.topic, event, payload: checkPayload(payload, "push") });
  }

  replyTo(ref: SocketRef, answer: Reply): void {
    if (this.state === "closed" || ref.joinRef !== this.socket.joinRef) return;
    this.sendReply(ref.ref, answer);
  }

  private sendReply(ref: string | null, reply: Reply): void {
    // An async handleIn that settles after the channel closed (left, crashed, rejoined) answers nothing.
    if (this.state === "closed") return;
    const response = isBinary(reply.response) ? reply.response : checkPayload(reply.response, `reply ${reply.status}`);
    this.connection.send({ joinRef: this.socket.joinRef, ref, topic: this.topic, event: "phx_reply", payload: { status: reply.status, response } });
  }

  /** The client left: reply ok, phx_close, terminate. */
  leave(ref: string | null): void {
    this.enqueue(() => {
      this.sendReply(ref, { status: "ok", response: {} });
      this.stop({ shutdown: "left" }, undefined, null);
    });
  }

  /** The server stops the channel: phx_close when clean, phx_error otherwise. */
  stop(reason: StopReason, reply: Reply | undefined, ref: string | null): void {
    if (this.state === "closed") return;
    if (reply) this.sendReply(ref, reply);
    const event = isCleanStop(reason) ? "phx_close" : "phx_error";
    const payload = event === "phx_close" ? {} : { reason: "channel_crash" };
    this.connection.send({ joinRef: this.socket.joinRef, ref: this.socket.joinRef, topic: this.topic, event, payload });
    this.close(reason, true);
  }

  /** A throw or rejection in a callback: this channel only. */
  private crash(error: unknown): void {
    if (this.state === "closed") return;
    this.connection.log(`${this.name} on ${this.topic} crashed`, error);
    if (this.state === "joined") {
      this.connection.send({ joinRef: this.socket.joinRef, ref: this.socket.joinRef, topic: this.topic, event: "phx_error", payload: { reason: "channel_crash" } });
    }
    this.close({ error }, true);
  }

  /** Leaves PubSub and the connection, then runs terminate (errors there are only logged). */
  close(reason: StopReason, terminate: boolean): void {
    if (this.state === "closed") return;
    const wasJoined = this.state === "joined";
    this.state = "closed";
    this.queue = null;
    const pubsub = this.connection.endpoint.pubsub;
    pubsub.unsubscribe(this.topic, this);
    for (const t of this.extraTopics ?? []) pubsub.unsubscribe(t, this);
    this.connection.channelClosed(this);
    for (const hook of this.endHooks ?? []) {
      try {
        hook();
      } catch (e) {
        this.connection.log(`an end hook of ${this.name} on ${this.topic} failed`, e);
      }
    }
    this.endHooks = null;
    const fn = this.channel.terminate;
    if (!terminate || !wasJoined || !fn) return;
    try {
      const out = fn(reason, this.socket);
      if (isThenable(out)) out.then(undefined, (e: unknown) => this.connection.log(`terminate of ${this.name} on ${this.topic} failed`, e));
    } catch (e) {
      this.connection.log(`terminate of ${this.name} on ${this.topic} failed`, e);
    }
  }

  /** Runs `hook` once when this channel ends; null when it has already. */
  onEnd(hook: () => void): (() => void) | null {
    if (this.state === "closed") return null;
    (this.endHooks ??= new Set()).add(hook);
    return () => void this.endHooks?.delete(hook);
  }

  subscribeExtra(topic: string): void {
    (this.extraTopics ??= new Set()).add(topic);
    this.connection.endpoint.pubsub.subscribe(topic, this);
  }

  unsubscribeExtra(topic: string): void {
    this.extraTopics?.delete(topic);
    if (topic !== this.topic) this.connection.endpoint.pubsub.unsubscribe(topic, this);
  }

  // The mailbox: one callback at a time, in arrival order; sync callbacks run at once.
  private enqueue(task: Task): void {
    if (this.state === "closed") return;
    if (this.busy) (this.queue ??= []).push(task);
    else this.drain(task);
  }

  private drain(task: Task | undefined): void {
    while (task && this.state !== "closed") {
      this.busy = true;
      let out: unknown;
      try {
        out = task();
      } catch (e) {
        this.busy = false;
        return this.crash(e);
      }
      if (isThenable(out)) {
        out.then(
          () => {
            this.busy = false;
            this.drain(this.queue?.shift());
          },
          (e: unknown) => {
            this.busy = false;
            this.crash(e);
          },
        );
        return;
      }
      task = this.queue?.shift();
    }
    this.busy = false;
  }
}

/** A push no handleIn clause matches (or a channel with no handleIn): the channel crashes. */
class UnhandledEventError extends Error {
  override name = "UnhandledEventError";
  constructor(channel: string, event: string, topic: string, clauses: ReadonlyMap<string, unknown> | null) {
    const known = clauses && clauses.size ? `; it handles: ${[...clauses.keys()].slice(0, 20).join(", ")}` : "";
    super(clauses ? `no handleIn clause of ${channel} matches event ${quote(event)} on ${topic}${known}` : `${channel} has no handleIn for event ${quote(event)} on ${topic}`);
  }
}

function isReply(v: unknown): v is Reply {
  const s = (v as Reply | null)?.status;
  return (s === "ok" || s === "error") && "response" in (v as object);
}

function isStop(v: unknown): v is { stop: StopReason; reply?: Reply } {
  return typeof v === "object" && v !== null && "stop" in v;
}
