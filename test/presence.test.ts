// Presence against the official phoenix client's `Presence` (onJoin/onLeave/onSync, list):
// real endpoints on port 0, real WebSockets. One node: presence_state after the join, diffs on
// join, leave, update and untrack, one key on several sockets, a crashing channel, fetch.
// Several nodes: endpoints in this process whose PubSubs share an in-process adapter that
// carries every message as JSON (as Redis and cluster IPC do): two nodes converge, a late node
// receives the state, a silent node's presences leave after downAfter, a stopping one's at once,
// and a message on the tracker's topic that is not a tracker's is logged and ignored.

import { Presence as ClientPresence, type Channel as PhoenixChannel, type Socket as PhoenixSocket } from "phoenix";
import { afterEach, describe, expect, it } from "vitest";
import { Broadcast, defineChannel, defineEndpoint, definePresence, defineSocket, ok, PubSub, socket, type Endpoint, type PubSubAdapter } from "fawkes";
import { assertBroadcast, assertPush, close, socket as testSocket, subscribeAndJoin } from "fawkes/testing";
import { client, connected, disconnect, join, push } from "./support/channels.js";
import { Presence as DemoPresence } from "../fixtures/demo/app/channels/presence.js";
import { UserSocket } from "../fixtures/demo/app/channels/user-socket.js";

const WAIT_MS = 10_000;

interface Meta extends Record<string, unknown> {
  online_at: string;
  status?: string;
  device?: string;
}

const Presence = definePresence<Meta>();

/** A room that tracks its client under `name` after the join, pushing the state first (Phoenix's order). */
function roomChannel(presence: typeof Presence) {
  return defineChannel<{ name: string }>({
    join(_topic, payload, socket) {
      socket.sendInfo({ afterJoin: payload.device ?? "web" });
      return ok();
    },
    async handleInfo(message, socket) {
      const { afterJoin } = message as { afterJoin: string };
      socket.push("presence_state", await presence.list(socket));
      const tracked = presence.track(socket, socket.assigns.name, { online_at: "t0", device: afterJoin });
      if (!tracked.ok) throw new Error(`track failed: ${tracked.reason}`);
    },
    handleIn: {
      away: (_payload, socket) => ok(presence.update(socket, socket.assigns.name, (m) => ({ ...m, status: "away" }))),
      untrack(_payload, socket) {
        presence.untrack(socket, socket.assigns.name);
        return ok();
      },
      again: (_payload, socket) => ok(presence.track(socket, socket.assigns.name, { online_at: "t1" })),
      crash() {
        throw new Error("crash on purpose");
      },
    },
  });
}

function presenceSocket(presence: typeof Presence) {
  return defineSocket<{ name: string }>({
    channels: { "room:*": roomChannel(presence) },
    connect(params, s) {
      s.assign({ name: String(params.name) });
      return true;
    },
  });
}

interface Node {
  endpoint: Endpoint;
  url: string;
  logs: string[];
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function startNode(presence: typeof Presence, pubsub?: PubSub): Promise<Node> {
  const logs: string[] = [];
  const endpoint = defineEndpoint({
    router: { match: () => null, dispatch: [] },
    sockets: [socket("/socket", presenceSocket(presence), { websocket: true })],
    pubsub,
    config: { secretKeyBase: "presence-test-secret-0123456789abcdef0123456789abcdef0123456789ab", logger: (m, e) => logs.push(e ? `${m}: ${(e as Error).message}` : m) },
  });
  const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
  cleanups.push(async () => {
    presence.stop(endpoint);
    await endpoint.stop();
    await pubsub?.stop();
  });
  return { endpoint, url: `ws://127.0.0.1:${port}/socket`, logs };
}

/** A client socket named `name`, connected. */
async function user(node: Node, name: string): Promise<PhoenixSocket> {
  const s = client(node, "websocket", { params: { name } });
  cleanups.push(() => disconnect(s));
  await connected(s);
  return s;
}

/** The official client's Presence on a channel, with what it reported. */
interface Watched {
  channel: PhoenixChannel;
  presence: ClientPresence;
  events: string[];
  /** name → metas' fields, as `presence.list()` gives it */
  list(): Record<string, Record<string, unknown>[]>;
  /** Resolves once a sync shows `predicate`; on timeout says what the list was. */
  until(what: string, predicate: (list: Record<string, Record<string, unknown>[]>) => boolean): Promise<void>;
}

async function enter(s: PhoenixSocket, topic: string, params: object = {}): Promise<Watched> {
  const channel = s.channel(topic, params);
  const presence = new ClientPresence(channel);
  const events: string[] = [];
  const waiters = new Set<() => void>();
  presence.onJoin((key, _current, joined) => events.push(`join ${key} ${joined.metas.length}`));
  presence.onLeave((key, _current, left) => events.push(`leave ${key} ${left.metas.length}`));
  presence.onSync(() => {
    for (const w of [...waiters]) w();
  });
  const list = () => Object.fromEntries(presence.list((key, p: { metas: Record<string, unknown>[] }) => [key, p.metas]));
  const watched: Watched = {
    channel,
    presence,
    events,
    list,
    until(what, predicate) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(list())) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${topic}: the client's Presence never showed ${what}; it lists ${JSON.stringify(list())}, events ${JSON.stringify(events)}`));
        }, WAIT_MS);
        waiters.add(check);
        check();
      });
    },
  };
  await join(channel);
  return watched;
}

const names = (list: Record<string, unknown[]>) => Object.keys(list).sort().join(",");

describe("Presence on one node, seen by the official client", () => {
  it("pushes presence_state after the join and a diff for each join and leave", async () => {
    const node = await startNode(Presence);
    const alice = await enter(await user(node, "alice"), "room:one");
    await alice.until("alice", (l) => names(l) === "alice");
    const bob = await enter(await user(node, "bob"), "room:one");
    await bob.until("alice and bob", (l) => names(l) === "alice,bob");
    await alice.until("bob too", (l) => names(l) === "alice,bob");

    // bob learnt alice from presence_state and himself from the diff of his own track.
    expect(bob.events).toEqual(["join alice 1", "join bob 1"]);
    const meta = alice.list().bob[0];
    expect(meta).toMatchObject({ online_at: "t0", device: "web" });
    expect(meta.phx_ref).toMatch(/^[\w-]{16}$/);
    expect(await Presence.list("room:one")).toEqual({
      alice: { metas: [expect.objectContaining({ online_at: "t0" })] },
      bob: { metas: [expect.objectContaining({ phx_ref: meta.phx_ref })] },
    });

    await new Promise<void>((resolve) => bob.channel.leave().receive("ok", () => resolve()));
    await alice.until("bob gone", (l) => names(l) === "alice");
    expect(alice.events).toEqual(["join alice 1", "join bob 1", "leave bob 1"]);
    expect(Object.keys(await Presence.list("room:one"))).toEqual(["alice"]);
    // Another topic is another list.
    expect(await Presence.list("room:two")).toEqual({});
  });

  it("an update is one diff: the new meta joins with phx_ref_prev, the old one leaves", async () => {
    const node = await startNode(Presence);
    const alice = await enter(await user(node, "alice"), "room:upd");
    const bob = await enter(await user(node, "bob"), "room:upd");
    await bob.until("both", (l) => names(l) === "alice,bob");
    const before = bob.list().alice[0].phx_ref;

    const frames: unknown[] = [];
    bob.channel.on("presence_diff", (d) => void frames.push(d));
    const [status, answer] = await push(alice.channel, "away");
    expect(status).toBe("ok");
    await bob.until("alice away", (l) => l.alice?.[0]?.status === "away");
    const after = bob.list().alice;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: "away", online_at: "t0", phx_ref_prev: before, phx_ref: (answer as { ref: string }).ref });
    expect(frames).toEqual([
      {
        joins: { alice: { metas: [expect.objectContaining({ status: "away", phx_ref_prev: before })] } },
        leaves: { alice: { metas: [expect.not.objectContaining({ status: "away" })] } },
      },
    ]);
  });

  it("one key on several sockets is one presence with several metas; each leaves with its socket", async () => {
    const node = await startNode(Presence);
    const watcher = await enter(await user(node, "watcher"), "room:multi");
    const phone = await user(node, "alice");
    await enter(phone, "room:multi", { device: "phone" });
    await enter(await user(node, "alice"), "room:multi", { device: "laptop" });
    await watcher.until("alice twice", (l) => l.alice?.length === 2);
    expect(watcher.list().alice.map((m) => m.device).sort()).toEqual(["laptop", "phone"]);

    await disconnect(phone);
    await watcher.until("alice once", (l) => l.alice?.length === 1);
    expect(watcher.list().alice[0].device).toBe("laptop");
    expect(watcher.events.at(-1)).toBe("leave alice 1");
    const listed = await Presence.get("room:multi", "alice");
    expect(listed?.metas.map((m) => m.device)).toEqual(["laptop"]);
  });

  it("untrack leaves at once; tracking a key twice from one channel is refused", async () => {
    const node = await startNode(Presence);
    const watcher = await enter(await user(node, "watcher"), "room:untrack");
    const alice = await enter(await user(node, "alice"), "room:untrack");
    await watcher.until("alice", (l) => "alice" in l);
    expect(await push(alice.channel, "again")).toEqual(["ok", { ok: false, reason: "already tracked" }]);

    expect(await push(alice.channel, "untrack")).toEqual(["ok", {}]);
    await watcher.until("alice gone", (l) => !("alice" in l));
    const [, retracked] = await push(alice.channel, "again");
    expect(retracked).toMatchObject({ ok: true });
    await watcher.until("alice back", (l) => l.alice?.[0]?.online_at === "t1");
  });

  it("a crashing channel's presence leaves; the client rejoins and is tracked anew", async () => {
    const node = await startNode(Presence);
    const watcher = await enter(await user(node, "watcher"), "room:crash");
    const alice = await enter(await user(node, "alice"), "room:crash");
    await watcher.until("alice", (l) => "alice" in l);
    const first = watcher.list().alice[0].phx_ref;

    void push(alice.channel, "crash");
    await watcher.until("alice rejoined with a new ref", (l) => l.alice?.length === 1 && l.alice[0].phx_ref !== first);
    expect(watcher.events.slice(-2)).toEqual(["leave alice 1", "join alice 1"]);
    expect(node.logs.some((l) => l.includes("crash on purpose"))).toBe(true);
  });

  it("fetch enriches the state and every diff, once per diff", async () => {
    const calls: string[] = [];
    const Enriched = definePresence<Meta, { user: { label: string } }>({
      name: "enriched",
      async fetch(topic, presences) {
        calls.push(Object.keys(presences).join(","));
        await new Promise((r) => setImmediate(r));
        const out: Record<string, { metas: typeof presences[string]["metas"]; user: { label: string } }> = {};
        for (const [key, p] of Object.entries(presences)) out[key] = { ...p, user: { label: `${key.toUpperCase()} in ${topic}` } };
        return out;
      },
    });
    const node = await startNode(Enriched);
    const alice = await enter(await user(node, "alice"), "room:fetch");
    await enter(await user(node, "bob"), "room:fetch");
    await alice.until("bob", (l) => "bob" in l);
    const raw = alice.presence.list((key, p: { user: { label: string } }) => `${key}: ${p.user.label}`).sort();
    expect(raw).toEqual(["alice: ALICE in room:fetch", "bob: BOB in room:fetch"]);
    // list for alice's state (empty: not called), alice's join, list for bob's state, bob's join.
    expect(calls).toEqual(["alice", "alice", "bob"]);
    expect((await Enriched.list("room:fetch")).bob.user.label).toBe("BOB in room:fetch");
  });

  it("keys named like Object.prototype's properties are plain keys, on the server and in the client", async () => {
    const node = await startNode(Presence);
    const proto = await enter(await user(node, "__proto__"), "room:proto");
    await enter(await user(node, "constructor"), "room:proto");
    await proto.until("both", (l) => names(l) === "__proto__,constructor");
    const listed = await Presence.list("room:proto");
    expect(Object.keys(listed).sort()).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(listed)).toBe(null);
    expect(listed["__proto__"].metas).toHaveLength(1);
  });

  it("rejects a meta that is not JSON data and a key that is not a string or number", async () => {
    const node = await startNode(Presence);
    const Bad = defineChannel<{ name: string }>({
      join: () => ok(),
      handleIn: {
        meta(_p, s) {
          Presence.track(s, "x", { online_at: "t", n: 1n } as never);
        },
        key(_p, s) {
          Presence.track(s, { id: 1 } as never, { online_at: "t" });
        },
      },
    });
    const endpoint = defineEndpoint({
      router: { match: () => null, dispatch: [] },
      sockets: [socket("/socket", defineSocket({ channels: { "bad:*": Bad } }))],
      config: { logger: (m, e) => node.logs.push(`${m}: ${(e as Error)?.message}`) },
    });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    cleanups.push(() => endpoint.stop());
    cleanups.push(() => Presence.stop(endpoint));
    const s = client({ url: `ws://127.0.0.1:${port}/socket` }, "websocket");
    cleanups.push(() => disconnect(s));
    await connected(s);
    const channel = s.channel("bad:1");
    await join(channel);
    void push(channel, "meta");
    await expect.poll(() => node.logs.join("\n"), { timeout: WAIT_MS }).toContain("Presence.track: the meta must be JSON data");
    const other = s.channel("bad:2");
    await join(other);
    void push(other, "key");
    await expect.poll(() => node.logs.join("\n"), { timeout: WAIT_MS }).toContain("Presence.track: the key must be a string or a number");
    expect(() => definePresence({ downAfter: 100, heartbeatInterval: 200 })).toThrow("downAfter must be a number of ms longer than heartbeatInterval (200)");
    expect(() => Presence.start(endpoint).list("")).toThrow("Presence.list: expected a topic string");
    // connect's socket is not a channel's: nothing would untrack it.
    expect(() => Presence.track({ endpoint, assigns: {} } as never, "k", { online_at: "t" })).toThrow("Presence \"presence\": expected a channel socket (the one join, handleIn and handleInfo receive; not connect's), got an object with keys [endpoint, assigns]");
  });
});

describe("Presence in ChannelTest (fawkes/testing), on the demo's room channel", () => {
  it("assertPush sees presence_state, assertBroadcast the presence_diff, and Presence lists the user", async () => {
    const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, config: { secretKeyBase: "presence-test-secret-0123456789abcdef0123456789abcdef0123456789ab" } });
    cleanups.push(() => DemoPresence.stop(endpoint));
    const alice = testSocket(UserSocket, "users_socket:alice", { name: "alice" }, { endpoint });
    const bob = testSocket(UserSocket, "users_socket:bob", { name: "bob" }, { endpoint });
    cleanups.push(() => close(alice), () => close(bob));

    const { channel: a } = await subscribeAndJoin(alice, "room:ct", { presence: true });
    await assertPush(a, "presence_state", {});
    await assertBroadcast(a, "presence_diff", (d) => expect(Object.keys(d.joins)).toEqual(["alice"]));
    const { channel: b } = await subscribeAndJoin(bob, "room:ct", { presence: true });
    await assertPush(b, "presence_state", (state) => expect(Object.keys(state)).toEqual(["alice"]));
    await assertPush(a, "presence_diff", (d) => expect(d).toMatchObject({ joins: { bob: { metas: [{ online_at: expect.any(String) }] } }, leaves: {} }));
    expect(Object.keys(await DemoPresence.node(endpoint).list("room:ct")).sort()).toEqual(["alice", "bob"]);

    await close(bob);
    await assertPush(a, "presence_diff", (d) => expect(Object.keys(d.leaves)).toEqual(["bob"]));
    expect(Object.keys(await DemoPresence.node(endpoint).list("room:ct"))).toEqual(["alice"]);
  });
});

/**
 * Several PubSubs in this process joined as nodes: each message crosses as JSON text, on a
 * later turn of the event loop, as over Redis. `detach` cuts a node off without a word, as
 * `kill -9` does.
 */
class Bus {
  private readonly nodes = new Map<number, (topic: string, message: unknown) => void>();
  private next = 0;
  bytes = 0;
  /** The `type` of every tracker message that crossed, in order. */
  readonly types: string[] = [];
  /** When set, a message it returns true for is lost on the way (once per call that returns true). */
  drop: ((topic: string, message: unknown) => boolean) | null = null;

  pubsub(): PubSub & { detach(): void } {
    const id = this.next++;
    let attached = true;
    const adapter: PubSubAdapter = {
      start: (deliver) => void this.nodes.set(id, deliver),
      publish: (topic, message) => {
        if (!attached) return;
        if (this.drop?.(topic, message)) return;
        const type = (message as { type?: unknown } | null)?.type;
        if (typeof type === "string") this.types.push(type);
        const data = JSON.stringify(message instanceof Broadcast ? { b: [message.topic, message.event, message.payload] } : { m: message });
        this.bytes += data.length;
        for (const [other, deliver] of this.nodes) {
          if (other === id) continue;
          setImmediate(() => {
            if (!this.nodes.has(other)) return;
            const o = JSON.parse(data) as { b?: [string, string, unknown]; m?: unknown };
            deliver(topic, o.b ? new Broadcast(...o.b) : o.m);
          });
        }
      },
      stop: () => void this.nodes.delete(id),
    };
    const pubsub = new PubSub({ adapter });
    return Object.assign(pubsub, {
      detach: () => {
        attached = false;
        this.nodes.delete(id);
      },
    });
  }

  /** Publishes as a foreign process would, to every node. */
  inject(topic: string, message: unknown): void {
    for (const deliver of this.nodes.values()) deliver(topic, message);
  }
}

describe("Presence across nodes (PubSubs joined by an adapter)", () => {
  const BEAT = 200;
  const Replicated = definePresence<Meta>({ name: "replicated", heartbeatInterval: BEAT });

  async function cluster(n: number): Promise<{ bus: Bus; nodes: Node[]; pubsubs: ReturnType<Bus["pubsub"]>[] }> {
    const bus = new Bus();
    const pubsubs = Array.from({ length: n }, () => bus.pubsub());
    const nodes: Node[] = [];
    for (const p of pubsubs) nodes.push(await startNode(Replicated, p));
    for (const node of nodes) Replicated.start(node.endpoint);
    return { bus, nodes, pubsubs };
  }

  it("presences made on two nodes converge in both lists, and a node started later receives them", async () => {
    const { bus, nodes } = await cluster(2);
    const [a, b] = nodes;
    const alice = await enter(await user(a, "alice"), "room:x");
    const bob = await enter(await user(b, "bob"), "room:x");
    await alice.until("bob from node b", (l) => names(l) === "alice,bob");
    await bob.until("alice from node a", (l) => names(l) === "alice,bob");
    // Each node lists both on the server too, and hears from the other.
    for (const node of [a, b]) expect(Object.keys(await Replicated.node(node.endpoint).list("room:x")).sort()).toEqual(["alice", "bob"]);
    expect(Replicated.node(a.endpoint).nodes()).toEqual([{ replica: Replicated.node(b.endpoint).replica, entries: 1 }]);

    // A third node joins late: its first client's presence_state has everyone, once the
    // answers to its hello are in.
    const c = await startNode(Replicated, bus.pubsub());
    const cNode = Replicated.start(c.endpoint);
    await expect.poll(async () => Object.keys(await cNode.list("room:x")).sort(), { timeout: WAIT_MS }).toEqual(["alice", "bob"]);
    const carol = await enter(await user(c, "carol"), "room:x");
    await carol.until("everyone", (l) => names(l) === "alice,bob,carol");
    expect(carol.events.slice(0, 2).sort()).toEqual(["join alice 1", "join bob 1"]);
    await alice.until("carol from node c", (l) => names(l) === "alice,bob,carol");

    // Leaving on one node leaves everywhere.
    await new Promise<void>((resolve) => bob.channel.leave().receive("ok", () => resolve()));
    await alice.until("bob gone", (l) => names(l) === "alice,carol");
    await carol.until("bob gone", (l) => names(l) === "alice,carol");
  });

  it("a node that goes silent (kill -9) has its presences leave within downAfter of its last heartbeat", async () => {
    const { nodes, pubsubs } = await cluster(2);
    const [a, b] = nodes;
    const alice = await enter(await user(a, "alice"), "room:kill");
    await enter(await user(b, "bob"), "room:kill");
    await enter(await user(b, "bea"), "room:kill");
    await alice.until("bob and bea", (l) => names(l) === "alice,bea,bob");

    const killedAt = Date.now();
    pubsubs[1].detach();
    await alice.until("b's users gone", (l) => names(l) === "alice");
    const elapsed = Date.now() - killedAt;
    // Not before downAfter less one interval (its last heartbeat came at most one interval
    // before the kill): the heartbeats decided, not a goodbye. The upper figure is only a
    // sanity bound for a loaded machine: the bound itself is downAfter after the last beat.
    expect(elapsed).toBeGreaterThanOrEqual(2 * BEAT - BEAT - 20);
    expect(elapsed).toBeLessThan(2 * BEAT + 5_000);
    expect(alice.events.slice(-2).sort()).toEqual(["leave bea 1", "leave bob 1"]);
    expect(a.logs.some((l) => /presence replicated: node \S+ sent nothing for \d+ ms \(downAfter 400 ms\): its 2 presence\(s\) left/.test(l))).toBe(true);
    expect(Replicated.node(a.endpoint).nodes()).toEqual([]);
  });

  it("a node that stops gracefully has its presences leave at once, without waiting for downAfter", async () => {
    const Slow = definePresence<Meta>({ name: "slow-expiry", heartbeatInterval: 1000, downAfter: 60_000 });
    const bus = new Bus();
    const [a, b] = [await startNode(Slow, bus.pubsub()), await startNode(Slow, bus.pubsub())];
    Slow.start(a.endpoint);
    Slow.start(b.endpoint);
    const alice = await enter(await user(a, "alice"), "room:bye");
    await enter(await user(b, "bob"), "room:bye");
    await alice.until("bob", (l) => "bob" in l);
    await b.endpoint.stop();
    Slow.stop(b.endpoint);
    // downAfter is a minute: only the goodbye (the leaves of bob's closed channel, then
    // `down`) can make this pass within the wait.
    await alice.until("bob gone", (l) => names(l) === "alice");
    expect(a.logs.filter((l) => l.includes("sent nothing"))).toEqual([]);
  });

  it("a node stops with its endpoint: endpoint.stop() alone says goodbye, and the node is stopped, not left running", async () => {
    const Bound = definePresence<Meta>({ name: "stops-with-endpoint", heartbeatInterval: 1000, downAfter: 60_000 });
    const bus = new Bus();
    const [a, b] = [await startNode(Bound, bus.pubsub()), await startNode(Bound, bus.pubsub())];
    Bound.start(a.endpoint);
    const nodeB = Bound.start(b.endpoint);
    const alice = await enter(await user(a, "alice"), "room:stop");
    await enter(await user(b, "bob"), "room:stop");
    await alice.until("bob", (l) => "bob" in l);
    expect(Bound.node(a.endpoint).nodes().map((n) => n.replica)).toEqual([nodeB.replica]);
    // No Presence.stop: downAfter is a minute, so only the endpoint's own stop can say goodbye.
    await b.endpoint.stop();
    expect(nodeB.tracker.isStopped).toBe(true);
    await alice.until("bob gone", (l) => names(l) === "alice");
    expect(alice.events).toContain("leave bob 1");
    expect(Bound.node(a.endpoint).nodes()).toEqual([]);
    // A node stopped by hand first leaves no hook behind: the endpoint's stop does not run it again.
    const Manual = definePresence<Meta>({ name: "stopped-by-hand" });
    const c = await startNode(Manual);
    const nodeC = Manual.start(c.endpoint);
    Manual.stop(c.endpoint);
    const again = Manual.start(c.endpoint);
    expect(again).not.toBe(nodeC);
    await c.endpoint.stop();
    expect(again.tracker.isStopped).toBe(true);
    expect(c.logs.filter((l) => l.includes("stop hook"))).toEqual([]);
  });

  it("a lost delta is noticed (a gap in its sender's clock) and repaired by a state transfer", async () => {
    const { bus, nodes } = await cluster(2);
    const [a, b] = nodes;
    const alice = await enter(await user(a, "alice"), "room:lossy");
    const bob = await enter(await user(b, "bob"), "room:lossy");
    await bob.until("alice", (l) => names(l) === "alice,bob");

    // carol's join, a delta from node a, never reaches node b.
    let dropped = 0;
    bus.drop = (_topic, m) => (m as { type?: string }).type === "delta" && (m as { joins: unknown[][] }).joins.some((j) => j[1] === "carol") && ++dropped === 1;
    await enter(await user(a, "carol"), "room:lossy");
    await alice.until("carol on node a", (l) => names(l) === "alice,bob,carol");
    expect(dropped).toBe(1);
    // Node a's next heartbeat carries a clock node b has not seen: b asks for a's state.
    await bob.until("carol, from the transfer", (l) => names(l) === "alice,bob,carol");
    expect(bus.types).toContain("transfer");
    expect(bus.types.filter((t) => t === "state").length).toBeGreaterThanOrEqual(1);
  });

  it("a blocked event loop does not make the other nodes look down", async () => {
    const { nodes } = await cluster(2);
    const [a, b] = nodes;
    const alice = await enter(await user(a, "alice"), "room:busy");
    await enter(await user(b, "bob"), "room:busy");
    await alice.until("bob", (l) => "bob" in l);
    // Three downAfter periods of synchronous work: every down timer fires late, with the other
    // node's heartbeats waiting behind it. The trackers see their own lateness and wait one
    // more interval, in which the heartbeats arrive.
    const until = Date.now() + 6 * BEAT;
    while (Date.now() < until);
    await new Promise((r) => setTimeout(r, 3 * BEAT));
    expect(names(alice.list())).toBe("alice,bob");
    expect([...a.logs, ...b.logs].filter((l) => l.includes("sent nothing"))).toEqual([]);
  });

  it("a message on the tracker's topic that is not a tracker's is logged and ignored", async () => {
    const { bus, nodes } = await cluster(2);
    const [a, b] = nodes;
    const alice = await enter(await user(a, "alice"), "room:junk");
    await enter(await user(b, "bob"), "room:junk");
    await alice.until("bob", (l) => "bob" in l);
    bus.inject("phx_presence:replicated", { hello: "from another app" });
    bus.inject("phx_presence:replicated", { v: 1, type: "delta", from: "x", clock: 1, prev: 0, joins: [["room:junk", "mallory", { phx_ref: 5 }]], leaves: [] });
    expect(a.logs.filter((l) => l.includes("ignored a message on phx_presence:replicated"))).toEqual([
      'presence replicated: ignored a message on phx_presence:replicated that is not a tracker\'s: version undefined, expected 1',
    ]);
    // Nothing was applied, and the nodes still replicate.
    const carol = await enter(await user(b, "carol"), "room:junk");
    await alice.until("carol", (l) => names(l) === "alice,bob,carol");
    expect(names(carol.list())).toBe("alice,bob,carol");
  });
});
