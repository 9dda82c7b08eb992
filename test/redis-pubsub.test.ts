// PubSub across processes through a real redis-server this file starts (loopback, free port,
// no persistence): three endpoint processes, the official phoenix client on each, and the
// faults: Redis killed mid-traffic and restarted, a foreign message on the channel, a slow
// subscriber, Redis unreachable at start.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { WebSocket } from "ws";
import type { Socket as PhoenixSocket } from "phoenix";
import { defineEndpoint, redisPubSub } from "../runtime/index.js";
import { freePort, INSTALL_HINT, RedisServer, redisServerBinary } from "./support/redis-server.js";
import { client, collect, connect, join, startNode, stopAll, until, type NodeProcess } from "./support/pubsub-nodes.js";

let redis: RedisServer;
const sockets: PhoenixSocket[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stopAll();
  await redis?.stop();
}, 60_000);

async function open(node: NodeProcess): Promise<PhoenixSocket> {
  const s = client(node.url);
  sockets.push(s);
  await connect(s);
  return s;
}

/** A raw publish, as a process that is not Fawkes would write to the channel. */
async function rawPublish(channel: string, message: string): Promise<void> {
  const c = createClient({ url: redis.url });
  await c.connect();
  try {
    await c.publish(channel, message);
  } finally {
    await c.close();
  }
}

async function redisChannels(): Promise<string[]> {
  const c = createClient({ url: redis.url });
  await c.connect();
  try {
    return (await c.pubSubChannels()).map(String).sort();
  } finally {
    await c.close();
  }
}

/** Asks Redis for its channels (PUBSUB CHANNELS) until `ok` holds, or 200 times; the last answer. */
async function channelsUntil(ok: (channels: string[]) => boolean): Promise<string[]> {
  let channels = await redisChannels();
  for (let i = 0; i < 200 && !ok(channels); i++) channels = await redisChannels();
  return channels;
}

describe("the redis-server the tests need", { timeout: 120_000 }, () => {
  it("is found, and without it the tests fail saying how to install it", () => {
    expect(redisServerBinary()).toMatch(/redis-server$/);
    const path = process.env.PATH;
    try {
      process.env.PATH = "/nonexistent";
      expect(() => redisServerBinary()).toThrow(INSTALL_HINT);
    } finally {
      process.env.PATH = path;
    }
    expect(INSTALL_HINT).toContain("apt-get install -y redis-server");
  });
});

describe("three nodes on one Redis (REDIS_URL), the official client on each", { timeout: 120_000 }, () => {
  let nodes: NodeProcess[];
  beforeAll(async () => {
    nodes = await Promise.all([0, 1, 2].map(() => startNode({ REDIS_URL: redis.url })));
  }, 90_000);

  it("a broadcast from one node reaches every client on every node, once each", async () => {
    const clients = await Promise.all(nodes.map((n) => open(n)));
    const channels = clients.map((s) => s.channel("room:lobby"));
    const replies = await Promise.all(channels.map((c) => join(c)));
    // Each client is on its own process.
    expect(new Set(replies.map((r) => r.pid)).size).toBe(3);
    const got = channels.map((c) => collect(c, "shout"));
    channels[1].push("shout", { text: "from B" });
    await until(() => got.every((g) => g.length >= 1), "the shout on all three nodes");
    for (const g of got) expect(g[0]).toEqual({ text: "from B", pid: nodes[1].pid });
    // A marker after it: had anything been delivered twice, it would be here by now.
    nodes[2].get("/broadcast?topic=room:lobby&event=shout&n=99");
    await until(() => got.every((g) => g.length >= 2), "the marker on all three nodes");
    for (const g of got) expect(g.map((p) => p.text ?? p.n)).toEqual(["from B", 99]);
  });

  it("broadcastFrom skips only the sender, on its node; the other nodes deliver to all", async () => {
    const [a, b1, b2, c] = await Promise.all([open(nodes[0]), open(nodes[1]), open(nodes[1]), open(nodes[2])]);
    const channels = [a, b1, b2, c].map((s) => s.channel("room:from"));
    await Promise.all(channels.map((ch) => join(ch)));
    const got = channels.map((ch) => collect(ch, "shout"));
    channels[1].push("shout_from", { text: "not to me" });
    await until(() => got[0].length === 1 && got[2].length === 1 && got[3].length === 1, "broadcastFrom on the others");
    nodes[0].get("/broadcast?topic=room:from&event=shout&n=1");
    await until(() => got.every((g) => g.length >= 1) && got[0].length === 2, "the marker");
    expect(got[1].map((p) => p.n)).toEqual([1]);
    expect(got[2].map((p) => p.text ?? p.n)).toEqual(["not to me", 1]);
  });

  it("a binary broadcast crosses as bytes", async () => {
    const [a, b] = await Promise.all([open(nodes[0]), open(nodes[1])]);
    const [ca, cb] = [a.channel("room:bin"), b.channel("room:bin")];
    await Promise.all([join(ca), join(cb)]);
    const got: unknown[] = [];
    ca.on("bin", (p: unknown) => void got.push(p));
    cb.push("bin", { text: "bytes ✓" });
    await until(() => got.length === 1, "the binary broadcast on the other node");
    expect(got[0]).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(got[0] as ArrayBuffer).toString()).toBe("bytes ✓");
  });

  it("a message on the channel that Fawkes did not write is logged and ignored; the node goes on", async () => {
    const s = await open(nodes[0]);
    const ch = s.channel("room:junk");
    await join(ch);
    const got = collect(ch, "news");
    await rawPublish("fawkes:room:junk", "hello from redis-cli");
    await rawPublish("fawkes:room:junk", JSON.stringify({ v: 2, o: "x", t: "room:junk" }));
    await rawPublish("fawkes:room:junk", JSON.stringify({ v: 1, o: "x", t: "room:junk", k: "b", p: {} }));
    await nodes[0].waitLog(/ignoring a message on fawkes:room:junk that Fawkes did not write \(not JSON\): hello from redis-cli/);
    await nodes[0].waitLog(/ignoring a message on fawkes:room:junk that Fawkes did not write \(unknown version 2\)/);
    await nodes[0].waitLog(/ignoring a message on fawkes:room:junk that Fawkes did not write \(a broadcast without an event\)/);
    expect(got).toEqual([]);
    await nodes[1].get("/broadcast?topic=room:junk&event=news&n=7");
    await until(() => got.length === 1, "a real broadcast after the junk");
    expect(got[0]).toEqual({ n: 7, pid: nodes[1].pid });
    expect(nodes.every((n) => n.alive)).toBe(true);
  });

  it("pattern strategy (the default): one PSUBSCRIBE per node, no per-topic subscriptions", async () => {
    expect(await redisChannels()).toEqual([]);
  });
});

describe('subscribe: "topic"', { timeout: 120_000 }, () => {
  it("subscribes a node to a topic's channel while it has subscribers, and a broadcast crosses", async () => {
    const [a, b] = await Promise.all([startNode({ REDIS_URL: redis.url, PUBSUB_STRATEGY: "topic" }), startNode({ REDIS_URL: redis.url, PUBSUB_STRATEGY: "topic" })]);
    const s = await open(a);
    const ch = s.channel("room:t1");
    await join(ch);
    expect(await channelsUntil((c) => c.includes("fawkes:room:t1"))).toContain("fawkes:room:t1");
    const got = collect(ch, "news");
    await b.get("/broadcast?topic=room:t1&event=news&n=3");
    await until(() => got.length === 1, "the broadcast through the topic subscription");
    expect(got[0]).toEqual({ n: 3, pid: b.pid });
    // The last subscriber leaves: the node unsubscribes.
    await new Promise<void>((resolve) => ch.leave().receive("ok", () => resolve()));
    expect(await channelsUntil((c) => !c.includes("fawkes:room:t1"))).not.toContain("fawkes:room:t1");
    await Promise.all([a.kill("SIGTERM"), b.kill("SIGTERM")]);
  });
});

describe("faults", { timeout: 120_000 }, () => {
  it("Redis killed mid-traffic and restarted: local delivery goes on, nothing crashes, broadcasts resume within 2 s, the log says so", async () => {
    const [a, b] = await Promise.all([startNode({ REDIS_URL: redis.url }), startNode({ REDIS_URL: redis.url })]);
    const [sa, sb] = await Promise.all([open(a), open(b)]);
    const [ca, cb] = [sa.channel("room:fault"), sb.channel("room:fault")];
    await Promise.all([join(ca), join(cb)]);
    const onA = collect(ca, "shout");
    const onB = collect(cb, "shout");
    // Traffic: B's client shouts every 20 ms, each push answered (publishing never throws into the channel).
    let n = 0;
    const replies: string[] = [];
    const traffic = setInterval(() => void cb.push("shout", { n: ++n }).receive("ok", () => void replies.push("ok")).receive("error", () => void replies.push("error")), 20);
    try {
      await until(() => onA.length >= 5, "traffic crossing before the fault");
      await redis.kill("SIGKILL");
      await b.waitLog(/redis pubsub \(redis:\/\/127\.0\.0\.1:\d+\): lost the (publisher|subscriber) connection/);
      await a.waitLog(/lost the (publisher|subscriber) connection/);
      // Redis is down: B's own client still gets B's broadcasts, and every push is answered ok.
      const downAt = n;
      await until(() => onB.some((p) => (p.n as number) > downAt + 5), "local delivery while Redis is down");
      const onAWhileDown = onA.length;
      await redis.run();
      const restartedAt = Date.now();
      const afterRestart = n;
      await until(() => onA.some((p) => (p.n as number) > afterRestart), "a broadcast crossing after the restart", 10_000);
      const resumedMs = Date.now() - restartedAt;
      expect(resumedMs).toBeLessThan(2_000);
      expect(onA.length).toBeGreaterThan(onAWhileDown);
      await a.waitLog(/reconnected after \d+ ms, resubscribed \(pattern fawkes:\*\)/);
      await b.waitLog(/reconnected after \d+ ms, resubscribed \(pattern fawkes:\*\); \d+ broadcast\(s\) to other nodes were dropped meanwhile/);
    } finally {
      clearInterval(traffic);
    }
    expect(replies.length).toBeGreaterThan(0);
    expect(replies).not.toContain("error");
    expect(a.alive && b.alive).toBe(true);
    await Promise.all([a.kill("SIGTERM"), b.kill("SIGTERM")]);
  }, 120_000);

  it("a slow subscriber (a socket that never reads) is dropped past its buffer limit, with a log line, and the others get every broadcast", async () => {
    const a = await startNode({ REDIS_URL: redis.url, MAX_BUFFERED: String(256 * 1024) });
    const b = await startNode({ REDIS_URL: redis.url });
    // The slow one: a raw WebSocket that joins, then stops reading from its TCP socket.
    const slow = new WebSocket(`ws://127.0.0.1:${a.port}/socket/websocket?vsn=2.0.0`);
    await new Promise((resolve, reject) => slow.once("open", resolve).once("error", reject));
    const joined = new Promise((resolve) => slow.once("message", resolve));
    slow.send(JSON.stringify(["1", "1", "room:slow", "phx_join", {}]));
    await joined;
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const fast = await open(a);
    const ch = fast.channel("room:slow");
    await join(ch);
    const got = collect(ch, "news");
    // 600 broadcasts of 32 KB from the other node: 19 MB for the slow reader, past what the
    // kernel's socket buffers hold and past its 256 KB limit.
    for (let i = 0; i < 60; i++) await Promise.all(Array.from({ length: 10 }, (_, j) => b.get(`/broadcast?topic=room:slow&event=news&n=${i * 10 + j}&size=32768`)));
    await until(() => got.length === 600, "all 600 broadcasts on the fast client", 60_000);
    await a.waitLog(/websocket \/socket: the client is not reading \(\d+ bytes queued, limit 262144\); dropping the socket/);
    expect(new Set(got.map((p) => p.n)).size).toBe(600);
    slow.terminate();
    expect(a.alive).toBe(true);
  }, 120_000);

  it("Redis unreachable at start: start() fails with a clear error and leaves nothing open", async () => {
    const port = await freePort();
    const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, pubsub: redisPubSub({ url: `redis://127.0.0.1:${port}`, connectTimeout: 1000 }), config: { logger: () => undefined } });
    await expect(endpoint.start({ port: 0, host: "127.0.0.1" })).rejects.toThrow(`redisPubSub: could not connect to Redis at redis://127.0.0.1:${port}`);
  });

  it("a bad url or strategy is refused when the adapter is made", () => {
    expect(() => redisPubSub({ url: "http://localhost:6379" })).toThrow('redisPubSub: url must start with redis:// or rediss://, got "http://localhost:6379"');
    expect(() => redisPubSub({ subscribe: "every" as never })).toThrow('redisPubSub: subscribe must be "pattern" or "topic", got "every"');
  });
});
