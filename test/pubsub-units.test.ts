// PubSub's parts without a network: the wire between nodes, the adapter hooks, the choice of
// adapter from the environment, the log budget, the worker count.

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { Broadcast } from "../runtime/pubsub/broadcast.js";
import { ClusterPubSubAdapter } from "../runtime/pubsub/cluster.js";
import { adapterFromEnv } from "../runtime/pubsub/env.js";
import { PubSub, type PubSubAdapter, type Subscriber } from "../runtime/pubsub/pubsub.js";
import { RedisPubSubAdapter } from "../runtime/pubsub/redis.js";
import { decodeMessage, encodeMessage, LogBudget, newNodeId } from "../runtime/pubsub/_wire.js";
import { workerCount } from "../runtime/endpoint/workers.js";

describe("the wire between nodes", () => {
  it("carries a Broadcast as a Broadcast, with its origin and topic", () => {
    const d = decodeMessage(encodeMessage("n1", "room:1", new Broadcast("room:1", "new_msg", { body: "hé", list: [1, null] })));
    expect(d).toEqual({ ok: true, origin: "n1", topic: "room:1", message: new Broadcast("room:1", "new_msg", { body: "hé", list: [1, null] }) });
    expect(d.ok && d.message).toBeInstanceOf(Broadcast);
  });

  it("carries a binary payload as bytes (Uint8Array, Buffer or ArrayBuffer)", () => {
    for (const payload of [new Uint8Array([0, 255, 7]), Buffer.from([0, 255, 7]), new Uint8Array([9, 0, 255, 7]).subarray(1), new Uint8Array([0, 255, 7]).buffer]) {
      const d = decodeMessage(encodeMessage("n", "t", new Broadcast("t", "bin", payload)));
      expect(d.ok).toBe(true);
      const b = (d as { message: Broadcast }).message;
      expect(b.event).toBe("bin");
      expect([...(b.payload as Buffer)]).toEqual([0, 255, 7]);
    }
  });

  it("carries any other JSON message as itself", () => {
    expect(decodeMessage(encodeMessage("n", "t", { kind: "presence", n: 1 }))).toEqual({ ok: true, origin: "n", topic: "t", message: { kind: "presence", n: 1 } });
    expect(decodeMessage(encodeMessage("n", "t", "text"))).toEqual({ ok: true, origin: "n", topic: "t", message: "text" });
  });

  it("reads anything else as a reason, never a throw", () => {
    const cases: [string, string][] = [
      ["{", "not JSON"],
      ["[1]", "not a JSON object"],
      ["null", "not a JSON object"],
      ['{"v":2}', "unknown version 2"],
      ['{"o":"n","t":"t"}', "unknown version undefined"],
      ['{"v":1,"t":"t","k":"m"}', "no origin or topic"],
      ['{"v":1,"o":"n","t":"t","k":"b","p":{}}', "a broadcast without an event"],
      ['{"v":1,"o":"n","t":"t","k":"B","e":"x","p":1}', "a binary broadcast without an event or base64 payload"],
      ['{"v":1,"o":"n","t":"t","k":"z"}', 'unknown kind "z"'],
    ];
    for (const [data, reason] of cases) expect(decodeMessage(data), data).toEqual({ ok: false, reason });
    expect(decodeMessage(Buffer.from('{"v":1,"o":"n","t":"t","k":"m","m":1}'))).toEqual({ ok: true, origin: "n", topic: "t", message: 1 });
  });

  it("node ids differ", () => {
    expect(new Set(Array.from({ length: 50 }, () => newNodeId())).size).toBe(50);
  });
});

describe("LogBudget", () => {
  it("writes the first lines of a minute and counts the rest", () => {
    const lines: string[] = [];
    const budget = new LogBudget((m) => lines.push(m), 3);
    for (let i = 0; i < 10; i++) budget.write(`line ${i}`);
    expect(lines).toEqual(["line 0", "line 1", "line 2"]);
  });
});

describe("PubSub and its adapter", () => {
  const sink = (): Subscriber & { got: unknown[] } => {
    const got: unknown[] = [];
    return { got, deliver: (_t, m) => void got.push(m) };
  };

  it("tells the adapter when a topic gets its first subscriber and loses its last", async () => {
    const calls: string[] = [];
    const adapter: PubSubAdapter = { start: () => undefined, publish: () => undefined, stop: () => undefined, subscribed: (t) => void calls.push(`+${t}`), unsubscribed: (t) => void calls.push(`-${t}`) };
    const pubsub = new PubSub({ adapter });
    await pubsub.start();
    const [a, b] = [sink(), sink()];
    pubsub.subscribe("t", a);
    pubsub.subscribe("t", b);
    pubsub.unsubscribe("t", a);
    pubsub.unsubscribe("t", b);
    pubsub.unsubscribe("t", b);
    expect(calls).toEqual(["+t", "-t"]);
  });

  it("gives the adapter a log and the topics subscribed", async () => {
    const logs: string[] = [];
    let topics: string[] = [];
    const adapter: PubSubAdapter = {
      start: (_deliver, context) => {
        context.log("hello from the adapter");
        topics = [...context.topics()];
      },
      publish: () => undefined,
      stop: () => undefined,
    };
    const pubsub = new PubSub({ adapter, logger: (m) => logs.push(m) });
    pubsub.subscribe("x", sink());
    await pubsub.start();
    expect(logs).toEqual(["hello from the adapter"]);
    expect(topics).toEqual(["x"]);
  });

  it("a broadcast is handed to the adapter before this node's subscribers get it (the other nodes do not wait for the local loop)", async () => {
    const order: string[] = [];
    const adapter: PubSubAdapter = { start: () => undefined, publish: (topic, message) => void order.push(`publish ${topic} ${String(message)}`), stop: () => undefined };
    const pubsub = new PubSub({ adapter });
    await pubsub.start();
    for (const name of ["a", "b"]) pubsub.subscribe("t", { deliver: (_t, m) => void order.push(`${name} got ${String(m)}`) });
    pubsub.broadcast("t", "one");
    expect(order).toEqual(["publish t one", "a got one", "b got one"]);
  });

  it("an adapter whose publish throws or rejects: the broadcast is delivered here, logged, and the caller never sees it", async () => {
    const logs: string[] = [];
    let mode: "throw" | "reject" = "throw";
    const adapter: PubSubAdapter = {
      start: () => undefined,
      publish: () => {
        if (mode === "throw") throw new Error("adapter broke");
        return Promise.reject(new Error("adapter rejected"));
      },
      stop: () => undefined,
    };
    const pubsub = new PubSub({ adapter, logger: (m, e) => logs.push(`${m}: ${(e as Error).message}`) });
    await pubsub.start();
    const a = sink();
    pubsub.subscribe("t", a);
    expect(() => pubsub.broadcast("t", "one")).not.toThrow();
    mode = "reject";
    pubsub.broadcast("t", "two");
    await new Promise((r) => setImmediate(r));
    expect(a.got).toEqual(["one", "two"]);
    expect(logs).toEqual(["publishing to t failed: adapter broke", "publishing to t failed: adapter rejected"]);
  });
});

describe("adapterFromEnv", () => {
  it("Redis for FAWKES_PUBSUB=redis or a REDIS_URL, IPC in a cluster worker, else none", () => {
    const redis = adapterFromEnv({ FAWKES_PUBSUB: "redis", REDIS_URL: "redis://10.0.0.1:6380" });
    expect(redis).toBeInstanceOf(RedisPubSubAdapter);
    expect((redis as RedisPubSubAdapter).url).toBe("redis://10.0.0.1:6380");
    expect((adapterFromEnv({ FAWKES_PUBSUB: "redis" }) as RedisPubSubAdapter).url).toBe("redis://127.0.0.1:6379");
    expect(adapterFromEnv({ REDIS_URL: "redis://h:1" })).toBeInstanceOf(RedisPubSubAdapter);
    expect(adapterFromEnv({ FAWKES_PUBSUB: "cluster" })).toBeInstanceOf(ClusterPubSubAdapter);
    expect(adapterFromEnv({ FAWKES_CLUSTER_WORKER: "1" })).toBeInstanceOf(ClusterPubSubAdapter);
    expect(adapterFromEnv({ FAWKES_PUBSUB: "local", REDIS_URL: "redis://h:1" })).toBeNull();
    expect(adapterFromEnv({})).toBeNull();
  });

  it("refuses an unknown FAWKES_PUBSUB, naming the choices", () => {
    expect(() => adapterFromEnv({ FAWKES_PUBSUB: "kafka" })).toThrow('FAWKES_PUBSUB must be one of redis, cluster, local, got "kafka"');
  });

  it("the cluster adapter refuses to start in a process without an IPC channel", () => {
    // A plain child process (no IPC), as an app run without workers is.
    const module = pathToFileURL(join(import.meta.dirname, "../runtime/pubsub/cluster.ts")).href;
    const code = `import { ClusterPubSubAdapter } from ${JSON.stringify(module)};\ntry { new ClusterPubSubAdapter().start(() => {}, { log() {}, topics: () => [] }); console.log("started"); } catch (e) { console.log(e.message); }`;
    const out = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out.stdout.trim()).toBe("clusterPubSub: this process has no IPC channel (it is not a cluster worker); use the endpoint's `workers` option, or redisPubSub");
  });
});

describe("workerCount", () => {
  it("reads a count, a numeric string and auto; refuses anything else", () => {
    expect(workerCount(undefined)).toBe(1);
    expect(workerCount(3)).toBe(3);
    expect(workerCount("4")).toBe(4);
    expect(workerCount("auto")).toBe(availableParallelism());
    for (const bad of [0, -1, 1.5, "two", "", NaN]) expect(() => workerCount(bad as never), String(bad)).toThrow('workers must be a whole number of at least 1 or "auto"');
  });
});
