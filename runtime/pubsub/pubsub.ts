// PubSub: topics → subscribers in this process, plus an adapter that carries messages to the
// other processes (none by default; redis.ts and cluster.ts are the adapters). A message is anything; a
// `Broadcast` is the one kind channels write to clients themselves (the fastlane): it is
// encoded once per serializer per dispatch, and every subscriber writes the same frame.

import { Broadcast } from "./broadcast.js";
import { FrameCache } from "./frame-cache.js";

export { FrameCache };

/** Receives what is published on a topic it subscribed to. */
export interface Subscriber {
  deliver(topic: string, message: unknown, frames: FrameCache): void;
}

/** What an adapter is given when PubSub starts it. */
export interface AdapterContext {
  /** Writes a line to PubSub's log (reconnects, malformed messages, dropped publishes). */
  log(message: string, error?: unknown): void;
  /** The topics this node has subscribers for now. */
  topics(): Iterable<string>;
}

/**
 * Carries messages between processes (nodes). `publish` reaches the other nodes, never this
 * one. It must not throw or reject into the caller's code: a broadcast is fire-and-forget,
 * and an adapter that cannot reach the others logs and drops (the local delivery has happened).
 */
export interface PubSubAdapter {
  /** Connects; called once, with the function that delivers a message from another node to this one's subscribers. */
  start(deliver: (topic: string, message: unknown) => void, context: AdapterContext): void | Promise<void>;
  publish(topic: string, message: unknown): void | Promise<void>;
  /** This node now has a subscriber for `topic` (it had none): for adapters that subscribe per topic. */
  subscribed?(topic: string): void;
  /** This node's last subscriber for `topic` left. */
  unsubscribed?(topic: string): void;
  stop(): void | Promise<void>;
}

export interface PubSubOptions {
  adapter?: PubSubAdapter;
  /** Where subscriber failures and the adapter's lines are logged (default console.error). */
  logger?: (message: string, error?: unknown) => void;
}

export class PubSub {
  private readonly topics = new Map<string, Set<Subscriber>>();
  private readonly adapter: PubSubAdapter | null;
  private started: Promise<void> | null = null;

  constructor(private readonly options: PubSubOptions = {}) {
    this.adapter = options.adapter ?? null;
  }

  /** Connects the adapter (idempotent); the endpoint calls it on start. */
  start(): Promise<void> {
    const context: AdapterContext = { log: (message, error) => this.log(message, error), topics: () => this.topics.keys() };
    this.started ??= Promise.resolve(this.adapter?.start((topic, message) => this.localBroadcast(topic, message), context));
    return this.started;
  }

  /** The adapter carrying messages to other nodes, null when this node is alone. */
  get adapterInUse(): PubSubAdapter | null {
    return this.adapter;
  }

  async stop(): Promise<void> {
    if (this.started) await this.adapter?.stop();
    this.started = null;
  }

  subscribe(topic: string, subscriber: Subscriber): void {
    let set = this.topics.get(topic);
    if (!set) {
      this.topics.set(topic, (set = new Set()));
      this.adapter?.subscribed?.(topic);
    }
    set.add(subscriber);
  }

  unsubscribe(topic: string, subscriber: Subscriber): void {
    const set = this.topics.get(topic);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) {
      this.topics.delete(topic);
      this.adapter?.unsubscribed?.(topic);
    }
  }

  /** Subscribers on this node for a topic. */
  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /**
   * Delivers to every subscriber of the topic, here and on the other nodes.
   * `from` (a subscriber) is skipped locally, as `broadcast_from` does.
   */
  broadcast(topic: string, message: unknown, from?: Subscriber): void {
    // The other nodes first, then this one, as Phoenix.PubSub.broadcast does: the message is on
    // its way to them while this node writes to its own sockets, instead of waiting for that
    // loop (with many sockets per node, the loop is most of a broadcast's time).
    if (this.adapter) {
      // Whatever the adapter does wrong stays here: the local delivery below still happens.
      try {
        const out = this.adapter.publish(topic, message);
        if (out && typeof out.then === "function") out.then(undefined, (e: unknown) => this.log(`publishing to ${topic} failed`, e));
      } catch (e) {
        this.log(`publishing to ${topic} failed`, e);
      }
    }
    this.localBroadcast(topic, message, from);
  }

  /** Delivers to the subscribers on this node only. */
  localBroadcast(topic: string, message: unknown, from?: Subscriber): void {
    const set = this.topics.get(topic);
    if (!set) return;
    const frames = new FrameCache(message instanceof Broadcast ? message : EMPTY);
    for (const s of set) {
      if (s === from) continue;
      // One failing subscriber must not keep the message from the others.
      try {
        s.deliver(topic, message, frames);
      } catch (e) {
        this.log(`a subscriber of ${topic} failed`, e);
      }
    }
  }

  private log(message: string, error?: unknown): void {
    if (this.options.logger) return this.options.logger(message, error);
    if (error === undefined) console.error(`[fawkes] ${message}`);
    else console.error(`[fawkes] ${message}`, error);
  }
}

const EMPTY = new Broadcast("", "", null);
