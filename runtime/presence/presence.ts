// Presence as Phoenix.Presence: `definePresence()` once per app, then `track`, `untrack`,
// `update` from channels and `list` anywhere; every change is a `presence_diff` on the topic
// and the list after a join is the `presence_state`, both in the shapes the official client's
// `Presence` syncs. The tracker under it (tracker.ts) replicates over the endpoint's PubSub.
//
// Phoenix's shape rather than a class per app: a Presence is a value the channels import, and
// it runs on whichever endpoint its sockets belong to (one tracker per endpoint's PubSub), so
// one definition serves an app started several times in one process (tests, several nodes).

import type { ChannelSocket } from "../channels/channel.js";
import { Broadcast } from "../pubsub/broadcast.js";
import type { PubSub } from "../pubsub/pubsub.js";
import type { MetasByKey, RawDiff, StoredMeta } from "./_view.js";
import { Tracker, type TrackResult } from "./tracker.js";
import { describe, isThenable } from "../_internal/values.js";

type Maybe<T> = T | Promise<T>;
export type Meta = Record<string, unknown>;
/** A meta as listed and sent to clients: the tracked fields plus Phoenix's refs. */
export type PresenceMeta<M extends Meta = Meta> = M & { phx_ref: string; phx_ref_prev?: string };
/** `{key: {metas: [...], ...what fetch adds}}`, as `list` returns and `presence_state` carries. */
export type Presences<M extends Meta = Meta, E extends object = object> = Record<string, { metas: PresenceMeta<M>[] } & E>;
/** The `presence_diff` payload. */
export interface PresenceDiff<M extends Meta = Meta, E extends object = object> {
  joins: Presences<M, E>;
  leaves: Presences<M, E>;
}

export interface PresenceNodeOptions {
  /** How often each node tells the others it is alive, ms. Default 1500 (Phoenix's broadcast_period). */
  heartbeatInterval?: number;
  /**
   * A node none of whose messages arrived for this long is down: its presences leave on every
   * other node. Default 2 × heartbeatInterval, so a killed node's users are gone within
   * 2 heartbeat intervals of its last heartbeat; a graceful stop removes them at once.
   */
  downAfter?: number;
}

export interface PresenceOptions<M extends Meta, E extends object> extends PresenceNodeOptions {
  /** Names the PubSub topic (`phx_presence:<name>`); an app with two Presences gives each one. Default "presence". */
  name?: string;
  /**
   * Enriches entries (Phoenix's `fetch/2`): called with `{key: {metas}}` for `list`, and once
   * per diff (joins and leaves apart) before it is sent, on each node. May be async.
   * @example fetch: async (_topic, presences) => addUsers(presences, await Users.byIds(Object.keys(presences)))
   */
  fetch?(topic: string, presences: Presences<M>): Maybe<Presences<M, E>>;
}

/** What Presence needs of an endpoint: its PubSub and its logger. */
export interface PresenceHost {
  readonly pubsub: PubSub;
  readonly config?: { readonly logger?: (message: string, error?: unknown) => void };
  /** The endpoint's stop hook: a node started on it stops with it (graceful: its presences leave everywhere). */
  onStop?(hook: () => void): () => void;
}

export type { TrackResult };

// Which Presence names run on a PubSub: two definitions with one name would read each other's
// messages as their own.
const namesOn = new WeakMap<PubSub, Set<string>>();

/**
 * Declares the app's Presence.
 * @example
 * export const Presence = definePresence<{ online_at: string }>();
 * // in a channel, after the join:
 * socket.push("presence_state", await Presence.list(socket));
 * Presence.track(socket, socket.assigns.name, { online_at: String(Date.now()) });
 */
export function definePresence<M extends Meta = Meta, E extends object = object>(options: PresenceOptions<M, E> = {}): Presence<M, E> {
  return new Presence(options);
}

export class Presence<M extends Meta = Meta, E extends object = object> {
  readonly name: string;
  private readonly nodes = new Map<PubSub, PresenceNode<M, E>>();

  constructor(readonly options: PresenceOptions<M, E> = {}) {
    this.name = options.name ?? "presence";
    if (typeof this.name !== "string" || !/^[\w.:-]{1,40}$/.test(this.name)) throw new TypeError(`definePresence: name must be 1 to 40 letters, digits or _ . : -, got ${describe(options.name)}`);
    if (options.fetch !== undefined && typeof options.fetch !== "function") throw new TypeError(`definePresence: fetch must be a function (topic, presences), got ${describe(options.fetch)}`);
    checkTiming(options, "definePresence");
  }

  /**
   * Tracks the channel's client on its topic (or on `topic`) under `key`; it leaves when the
   * channel ends (leave, crash, disconnect) or on `untrack`. A key already tracked by this
   * channel on that topic answers `{ ok: false, reason: "already tracked" }`, as Phoenix.
   */
  track(socket: ChannelSocket<any>, key: string | number, meta: M): TrackResult;
  track(socket: ChannelSocket<any>, topic: string, key: string | number, meta: M): TrackResult;
  track(socket: ChannelSocket<any>, ...args: [string | number, M] | [string, string | number, M]): TrackResult {
    const [topic, key, meta] = args.length === 3 ? args : [socket.topic, args[0], args[1]];
    const node = this.nodeOf(socket);
    return node.tracker.track(socket, (onEnd) => socket.onEnd(onEnd), checkTopic(topic, "track"), keyOf(key, "track"), snapshot(meta, "track"));
  }

  /** Stops tracking `key` for this channel (on its topic, or on `topic`). */
  untrack(socket: ChannelSocket<any>, key: string | number): void;
  untrack(socket: ChannelSocket<any>, topic: string, key: string | number): void;
  untrack(socket: ChannelSocket<any>, ...args: [string | number] | [string, string | number]): void {
    const [topic, key] = args.length === 2 ? args : [socket.topic, args[0]];
    this.nodes.get(socket.endpoint.pubsub)?.tracker.untrack(socket, checkTopic(topic, "untrack"), keyOf(key, "untrack"));
  }

  /**
   * Replaces the meta of a tracked key (a function gets the current one): clients see one diff,
   * the new meta joining with `phx_ref_prev` and the old one leaving.
   */
  update(socket: ChannelSocket<any>, key: string | number, meta: M | ((current: PresenceMeta<M>) => M)): TrackResult;
  update(socket: ChannelSocket<any>, topic: string, key: string | number, meta: M | ((current: PresenceMeta<M>) => M)): TrackResult;
  update(socket: ChannelSocket<any>, ...args: [string | number, M | ((c: PresenceMeta<M>) => M)] | [string, string | number, M | ((c: PresenceMeta<M>) => M)]): TrackResult {
    const [topic, key, meta] = args.length === 3 ? args : [socket.topic, args[0], args[1]];
    const node = this.nodes.get(socket.endpoint.pubsub);
    if (!node) return { ok: false, reason: "not tracked" };
    const next = (current: StoredMeta) => snapshot(typeof meta === "function" ? meta(current as PresenceMeta<M>) : meta, "update");
    return node.tracker.update(socket, checkTopic(topic, "update"), keyOf(key, "update"), next);
  }

  /**
   * Everyone on a topic, on every node: the channel's topic for a socket; a topic string when
   * this Presence runs on one endpoint in this process (else use `Presence.node(endpoint)`).
   */
  list(target: ChannelSocket<any> | string): Promise<Presences<M, E>> {
    if (typeof target === "string") return this.soleNode("list").list(target);
    return this.nodeOf(target).list(target.topic);
  }

  /** One key's entry on a topic (Phoenix's get_by_key), or undefined. */
  async get(target: ChannelSocket<any> | string, key: string | number): Promise<Presences<M, E>[string] | undefined> {
    const node = typeof target === "string" ? this.soleNode("get") : this.nodeOf(target);
    return node.get(typeof target === "string" ? target : target.topic, key);
  }

  /**
   * Starts this Presence on an endpoint (idempotent), for `list` before anyone tracks and to
   * set the node's timing; `track` starts it by itself. Call after `endpoint.start()`.
   * @example await endpoint.start(); Presence.start(endpoint, { heartbeatInterval: 1000 });
   */
  start(endpoint: PresenceHost, options: PresenceNodeOptions = {}): PresenceNode<M, E> {
    checkTiming(options, "Presence.start");
    const running = this.nodes.get(endpoint.pubsub);
    if (running) return running;
    const names = namesOn.get(endpoint.pubsub) ?? new Set<string>();
    if (names.has(this.name)) throw new Error(`Presence "${this.name}" already runs on this endpoint: an app with two Presences gives each its own name (definePresence({ name }))`);
    namesOn.set(endpoint.pubsub, names.add(this.name));
    const node = new PresenceNode<M, E>(this, endpoint, { ...this.options, ...options }, () => {
      this.nodes.delete(endpoint.pubsub);
      names.delete(this.name);
    });
    this.nodes.set(endpoint.pubsub, node);
    node.tracker.start();
    node.stopWithHost(endpoint.onStop?.(() => node.stop()));
    return node;
  }

  /** This Presence on one endpoint: its `list(topic)`, the nodes it hears from, `stop()`. */
  node(endpoint: PresenceHost): PresenceNode<M, E> {
    return this.start(endpoint);
  }

  /** Stops on an endpoint, telling the other nodes: this node's presences leave everywhere at once. */
  stop(endpoint: PresenceHost): void {
    this.nodes.get(endpoint.pubsub)?.stop();
  }

  private nodeOf(socket: ChannelSocket<any>): PresenceNode<M, E> {
    const endpoint = typeof socket?.onEnd === "function" ? socket.endpoint : undefined;
    if (!endpoint?.pubsub) throw new TypeError(`Presence "${this.name}": expected a channel socket (the one join, handleIn and handleInfo receive; not connect's), got ${describe(socket)}`);
    return this.nodes.get(endpoint.pubsub) ?? this.start(endpoint);
  }

  private soleNode(what: string): PresenceNode<M, E> {
    if (this.nodes.size === 1) return this.nodes.values().next().value!;
    const why = this.nodes.size === 0 ? "has not started on an endpoint yet (it starts with the first track, or Presence.start(endpoint))" : `runs on ${this.nodes.size} endpoints in this process`;
    throw new Error(`Presence "${this.name}".${what}(topic): this Presence ${why}; pass a channel socket, or use Presence.node(endpoint).${what}(topic)`);
  }
}

/** A Presence running on one endpoint: one node of the cluster. */
export class PresenceNode<M extends Meta = Meta, E extends object = object> {
  /** @internal The tracker under this node; Presence drives it. */
  readonly tracker: Tracker;
  // presence_diff payloads go out in the order of the changes, even when an async fetch
  // settles out of order: each waits for the one before it.
  private sending: Promise<void> | null = null;

  constructor(
    private readonly presence: Presence<M, E>,
    private readonly host: PresenceHost,
    options: PresenceOptions<M, E>,
    private readonly onStop: () => void,
  ) {
    const heartbeatInterval = options.heartbeatInterval ?? 1500;
    this.tracker = new Tracker(host.pubsub, {
      name: presence.name,
      heartbeatInterval,
      downAfter: options.downAfter ?? 2 * heartbeatInterval,
      logger: (m, e) => this.log(m, e),
      onDiff: (topic, diff) => this.sendDiff(topic, diff),
    });
  }

  /** This node's id among the others (random per start). */
  get replica(): string {
    return this.tracker.replica;
  }

  list(topic: string): Promise<Presences<M, E>> {
    const raw = this.tracker.list(checkTopic(topic, "list"));
    return Promise.resolve(this.fetched(topic, raw));
  }

  async get(topic: string, key: string | number): Promise<Presences<M, E>[string] | undefined> {
    const k = keyOf(key, "get");
    const raw = this.tracker.list(checkTopic(topic, "get"));
    if (!Object.hasOwn(raw, k)) return undefined;
    const one: MetasByKey = Object.create(null);
    one[k] = raw[k];
    return (await this.fetched(topic, one))[k];
  }

  /** The other nodes this one hears from, with how many of their presences it holds. */
  nodes(): { replica: string; entries: number }[] {
    return this.tracker.nodes();
  }

  private removeHook: (() => void) | undefined;

  /** @internal The removal of the endpoint's stop hook, run when the node stops first. */
  stopWithHost(remove: (() => void) | undefined): void {
    this.removeHook = remove;
  }

  /** Graceful: the other nodes drop this node's presences now. The endpoint's stop does it too. */
  stop(): void {
    if (this.tracker.isStopped) return;
    this.tracker.stop(true);
    this.removeHook?.();
    this.onStop();
  }

  private fetched(topic: string, raw: MetasByKey): Maybe<Presences<M, E>> {
    const fetch = this.presence.options.fetch;
    if (!fetch || Object.keys(raw).length === 0) return raw as Presences<M, E>;
    return fetch(topic, raw as Presences<M>);
  }

  private sendDiff(topic: string, raw: RawDiff): void {
    const send = (diff: object) => this.host.pubsub.localBroadcast(topic, new Broadcast(topic, "presence_diff", diff));
    if (!this.presence.options.fetch) return send(raw);
    const enrich = (): Maybe<void> => {
      let joins: Maybe<object>, leaves: Maybe<object>;
      try {
        joins = this.fetched(topic, raw.joins);
        leaves = this.fetched(topic, raw.leaves);
      } catch (e) {
        return this.fetchFailed(topic, e, () => send(raw));
      }
      if (!isThenable(joins) && !isThenable(leaves)) return send({ joins, leaves });
      return Promise.all([joins, leaves]).then(
        ([j, l]) => send({ joins: j, leaves: l }),
        (e: unknown) => this.fetchFailed(topic, e, () => send(raw)),
      );
    };
    const out = this.sending ? this.sending.then(enrich) : enrich();
    if (!isThenable(out)) return;
    const mine: Promise<void> = out.then(
      () => void (this.sending === mine && (this.sending = null)),
      (e: unknown) => this.log(`presence ${this.presence.name}: sending a presence_diff on ${topic} failed`, e),
    );
    this.sending = mine;
  }

  /** A failed fetch still sends the diff, unenriched: clients must not miss a join or leave. */
  private fetchFailed(topic: string, error: unknown, sendRaw: () => void): void {
    this.log(`presence ${this.presence.name}: fetch failed for a presence_diff on ${topic}; sent without it`, error);
    sendRaw();
  }

  private log(message: string, error?: unknown): void {
    const logger = this.host.config?.logger;
    if (logger) logger(message, error);
    else if (error === undefined) console.error(`[fawkes] ${message}`);
    else console.error(`[fawkes] ${message}`, error);
  }
}

function checkTiming(options: PresenceNodeOptions, where: string): void {
  const { heartbeatInterval, downAfter } = options;
  if (heartbeatInterval !== undefined && !(Number.isFinite(heartbeatInterval) && heartbeatInterval >= 10)) {
    throw new TypeError(`${where}: heartbeatInterval must be a number of ms, at least 10, got ${describe(heartbeatInterval)}`);
  }
  const beat = heartbeatInterval ?? 1500;
  if (downAfter !== undefined && !(Number.isFinite(downAfter) && downAfter > beat)) {
    throw new TypeError(`${where}: downAfter must be a number of ms longer than heartbeatInterval (${beat}), got ${describe(downAfter)}: a node would be called down between two of its heartbeats`);
  }
}

function checkTopic(topic: unknown, what: string): string {
  if (typeof topic !== "string" || topic === "") throw new TypeError(`Presence.${what}: expected a topic string, got ${describe(topic)}`);
  return topic;
}

function keyOf(key: unknown, what: string): string {
  if (typeof key === "string") return key;
  if (typeof key === "number" && Number.isFinite(key)) return String(key);
  throw new TypeError(`Presence.${what}: the key must be a string or a number (Phoenix casts it to a string), got ${describe(key)}`);
}

/** A copy of the meta as JSON will carry it, so a later change to the app's object changes nothing. */
function snapshot(meta: unknown, what: string): Meta {
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) throw new TypeError(`Presence.${what}: the meta must be an object, got ${describe(meta)}`);
  try {
    return JSON.parse(JSON.stringify(meta)) as Meta;
  } catch (e) {
    throw new TypeError(`Presence.${what}: the meta must be JSON data (it travels to clients and other nodes): ${(e as Error).message}`);
  }
}
