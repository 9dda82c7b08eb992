// The Redis PubSub adapter, on node-redis (the `redis` package, loaded only when an app uses
// this adapter). Every node is one Redis client pair: a publisher, and a subscriber connection
// of its own (a connection in subscribe mode can do nothing else). A broadcast is one PUBLISH
// to `<namespace>:<topic>`; Redis hands it once to each node that listens, and the node
// delivers it to its local subscribers through the fastlane. Messages carry their origin node
// (_wire.ts), so a node skips its own.
//
// Subscription strategy, `subscribe: "pattern"` (default) or `"topic"`:
// - "pattern": one PSUBSCRIBE `<namespace>:*` per node at start. Every node receives every
//   broadcast of the namespace (as Phoenix.PubSub.Redis does with its one channel), and a node
//   hears a topic from the moment it starts: a client that joins and is answered "ok" cannot
//   miss a broadcast sent right after because a SUBSCRIBE was still on its way to Redis.
// - "topic": a SUBSCRIBE per topic this node has subscribers for (and UNSUBSCRIBE when the last
//   leaves), so nodes receive only what they deliver. Cheaper when nodes hold disjoint topics,
//   but a join on a topic new to this node races its SUBSCRIBE (a broadcast from another node
//   in that window is missed), and every first join and last leave costs a Redis round trip.
// `npm run bench:pubsub` measures both (broadcasts/s to a node holding the topic, and the
// cost of topic churn); the default is "pattern" for the race above, at equal throughput.
//
// Redis going away: node-redis reconnects by itself (after 50 ms, doubling, at most
// `reconnectMaxDelay`, 500 ms by default, so broadcasts resume well within 2 s of Redis coming
// back) and resubscribes what the subscriber connection had; we log the loss once and the
// recovery once. Meanwhile local delivery goes on, and broadcasts to the other nodes are
// dropped (counted, logged) instead of queued: a queue would grow without bound during an
// outage and then replay stale messages. Nothing here throws into the code that broadcasts.

import { printable } from "../_internal/values.js";
import type { AdapterContext, PubSubAdapter } from "./pubsub.js";
import { decodeMessage, encodeMessage, LogBudget, newNodeId } from "./_wire.js";

export interface RedisPubSubOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`; default `REDIS_URL`, else redis://127.0.0.1:6379. */
  url?: string;
  /** Prefix of the Redis channels, so several apps can share one Redis. Default "fawkes". */
  namespace?: string;
  /** One pattern per namespace (default) or one subscription per topic; see above. */
  subscribe?: "pattern" | "topic";
  /** Longest wait between reconnection attempts, ms. Default 500. */
  reconnectMaxDelay?: number;
  /** How long `start` waits for the first connection before it fails, ms. Default 5000. */
  connectTimeout?: number;
}

/** The subset of a node-redis client this adapter uses. */
interface Client {
  connect(): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
  pSubscribe(pattern: string, listener: (message: string, channel: string) => void): Promise<void>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  duplicate(options?: object): Client;
  destroy(): void;
  close?(): Promise<void>;
  quit?(): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  readonly isReady: boolean;
}

/**
 * PubSub across nodes through Redis.
 * @example defineEndpoint({ router, sockets, pubsub: redisPubSub({ url: process.env.REDIS_URL }) })
 */
export function redisPubSub(options: RedisPubSubOptions = {}): RedisPubSubAdapter {
  return new RedisPubSubAdapter(options);
}

export class RedisPubSubAdapter implements PubSubAdapter {
  /** This node's id on the wire. */
  readonly nodeId = newNodeId();
  readonly url: string;
  readonly namespace: string;
  readonly strategy: "pattern" | "topic";
  private publisher: Client | null = null;
  private subscriber: Client | null = null;
  private deliver: ((topic: string, message: unknown) => void) | null = null;
  private log: (message: string, error?: unknown) => void = () => undefined;
  private malformed: LogBudget | null = null;
  /** Since when a connection is down (ms), null while both are up. */
  private downSince: number | null = null;
  private dropped = 0;
  private topics: (() => Iterable<string>) | null = null;
  private stopping = false;
  private readonly listener = (data: string, channel: string) => this.receive(data, channel);

  constructor(private readonly options: RedisPubSubOptions = {}) {
    this.url = options.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    this.namespace = options.namespace ?? "fawkes";
    this.strategy = options.subscribe ?? "pattern";
    if (this.strategy !== "pattern" && this.strategy !== "topic") throw new TypeError(`redisPubSub: subscribe must be "pattern" or "topic", got ${JSON.stringify(this.strategy)}`);
    if (!/^rediss?:\/\//.test(this.url)) throw new TypeError(`redisPubSub: url must start with redis:// or rediss://, got ${JSON.stringify(printable(this.url, 200))}`);
  }

  async start(deliver: (topic: string, message: unknown) => void, context: AdapterContext): Promise<void> {
    this.deliver = deliver;
    this.topics = () => context.topics();
    this.log = (m, e) => context.log(`redis pubsub (${this.where()}): ${m}`, e);
    this.malformed = new LogBudget(this.log);
    const { createClient } = await loadRedis();
    const maxDelay = this.options.reconnectMaxDelay ?? 500;
    const publisher = createClient({
      url: this.url,
      // A publish while Redis is down fails at once (and is counted), instead of waiting in a queue.
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelay), connectTimeout: this.options.connectTimeout ?? 5000 },
    }) as unknown as Client;
    // The subscriber keeps its offline queue: a SUBSCRIBE made while Redis is down is sent on reconnect.
    const subscriber = publisher.duplicate({ disableOfflineQueue: false }) as Client;
    this.publisher = publisher;
    this.subscriber = subscriber;
    for (const [client, role] of [
      [publisher, "publisher"],
      [subscriber, "subscriber"],
    ] as const) {
      // node-redis emits "error" for every failed attempt; with no listener it would end the process.
      client.on("error", (e: Error) => this.connectionError(role, e));
      client.on("ready", () => this.ready());
    }
    const timeout = this.options.connectTimeout ?? 5000;
    try {
      await withTimeout(Promise.all([publisher.connect(), subscriber.connect()]), timeout, `no connection within ${timeout} ms`);
      if (this.strategy === "pattern") await subscriber.pSubscribe(`${globEscape(this.namespace)}:*`, this.listener);
      else for (const topic of [...context.topics()]) await subscriber.subscribe(this.channel(topic), this.listener);
    } catch (e) {
      this.stopping = true;
      publisher.destroy();
      subscriber.destroy();
      throw new Error(`redisPubSub: could not connect to Redis at ${this.where()}: ${(e as Error).message ?? e}`, { cause: e });
    }
  }

  publish(topic: string, message: unknown): void {
    const publisher = this.publisher;
    if (publisher === null || this.stopping) return;
    if (!publisher.isReady) {
      this.dropped++;
      return;
    }
    const data = encodeMessage(this.nodeId, topic, message);
    publisher.publish(this.channel(topic), data).then(undefined, (e: unknown) => {
      // Lost between the isReady check and the write: the reconnect path logs the outage.
      this.dropped++;
      if (publisher.isReady) this.log(`publishing to ${printable(topic)} failed`, e);
    });
  }

  subscribed(topic: string): void {
    if (this.strategy !== "topic" || this.subscriber === null) return;
    this.subscriber.subscribe(this.channel(topic), this.listener).then(undefined, (e: unknown) => this.log(`subscribing to ${printable(topic)} failed`, e));
  }

  unsubscribed(topic: string): void {
    if (this.strategy !== "topic" || this.subscriber === null || this.stopping) return;
    this.subscriber.unsubscribe(this.channel(topic)).then(undefined, (e: unknown) => this.log(`unsubscribing from ${printable(topic)} failed`, e));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const clients = [this.publisher, this.subscriber].filter((c): c is Client => c !== null);
    this.publisher = this.subscriber = null;
    await Promise.all(
      clients.map(async (c) => {
        try {
          if (c.isReady && c.close) await c.close();
          else if (c.isReady && c.quit) await c.quit();
          else c.destroy();
        } catch {
          c.destroy();
        }
      }),
    );
  }

  /** Whether both connections are up. */
  get connected(): boolean {
    return this.downSince === null && this.publisher?.isReady === true && this.subscriber?.isReady === true;
  }

  private channel(topic: string): string {
    return `${this.namespace}:${topic}`;
  }

  private receive(data: string, channel: string): void {
    const decoded = decodeMessage(data);
    if (!decoded.ok) {
      this.malformed?.write(`ignoring a message on ${printable(channel)} that Fawkes did not write (${decoded.reason}): ${printable(String(data), 200)}`);
      return;
    }
    if (decoded.origin === this.nodeId) return;
    if (channel !== this.channel(decoded.topic)) {
      this.malformed?.write(`ignoring a message on ${printable(channel)} for another topic (${printable(decoded.topic)})`);
      return;
    }
    this.deliver?.(decoded.topic, decoded.message);
  }

  private connectionError(role: string, e: Error): void {
    if (this.stopping) return;
    if (this.downSince === null) {
      this.downSince = Date.now();
      this.log(`lost the ${role} connection (${e.message || e.name}); broadcasts reach this node's sockets only until Redis is back, reconnecting`);
    }
  }

  private ready(): void {
    if (this.downSince === null || this.stopping) return;
    if (!this.publisher?.isReady || !this.subscriber?.isReady) return;
    const ms = Date.now() - this.downSince;
    const what = this.strategy === "pattern" ? `pattern ${this.namespace}:*` : `${[...(this.topics?.() ?? [])].length} topic(s)`;
    this.log(`reconnected after ${ms} ms, resubscribed (${what})${this.dropped ? `; ${this.dropped} broadcast(s) to other nodes were dropped meanwhile` : ""}`);
    this.downSince = null;
    this.dropped = 0;
  }

  /** The URL without its password, for log lines. */
  private where(): string {
    try {
      const u = new URL(this.url);
      if (u.password) u.password = "***";
      return u.toString().replace(/\/$/, "");
    } catch {
      return "(unparsable url)";
    }
  }
}

/** Escapes PSUBSCRIBE's glob characters in a namespace. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * node-redis, an optional peer of fawkes: an app that uses Redis lists it in its dependencies,
 * one that does not carries none of it (6.9 MB of a 10.8 MB production install).
 */
async function loadRedis(): Promise<typeof import("redis")> {
  try {
    return await import("redis");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw e;
    throw new Error('redisPubSub needs the "redis" package (node-redis), which is not installed: npm install redis@6', { cause: e });
  }
}
