// PubSub: topics → subscribers in this process, plus an adapter that carries messages to the
// other processes (none by default; Redis comes as an adapter). A message is anything; a
// `Broadcast` is the one kind channels write to clients themselves (the fastlane): it is
// encoded once per serializer per dispatch, and every subscriber writes the same frame.

import { Broadcast } from "./broadcast.js";
import { FrameCache } from "./frame-cache.js";

export { FrameCache };

/** Receives what is published on a topic it subscribed to. */
export interface Subscriber {
  deliver(topic: string, message: unknown, frames: FrameCache): void;
}

/** Carries messages between processes. `publish` reaches the others, never this one. */
export interface PubSubAdapter {
  /** Called once with the function that delivers a message that came from another node. */
  start(deliver: (topic: string, message: unknown) => void): void | Promise<void>;
  publish(topic: string, message: unknown): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface PubSubOptions {
  adapter?: PubSubAdapter;
  /** Where subscriber failures are logged (default console.error). */
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
    this.started ??= Promise.resolve(this.adapter?.start((topic, message) => this.localBroadcast(topic, message)));
    return this.started;
  }

  async stop(): Promise<void> {
    if (this.started) await this.adapter?.stop();
    this.started = null;
  }

  subscribe(topic: string, subscriber: Subscriber): void {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(subscriber);
  }

  unsubscribe(topic: string, subscriber: Subscriber): void {
    const set = this.topics.get(topic);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) this.topics.delete(topic);
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
    this.localBroadcast(topic, message, from);
    if (this.adapter) {
      const out = this.adapter.publish(topic, message);
      if (out && typeof out.then === "function") out.then(undefined, (e: unknown) => this.log(`publishing to ${topic} failed`, e));
    }
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

  private log(message: string, error: unknown): void {
    (this.options.logger ?? ((m, e) => console.error(`[fawkes] ${m}`, e)))(message, error);
  }
}

const EMPTY = new Broadcast("", "", null);
