// node:cluster workers sharing the port, PubSub over the cluster's IPC: a real primary with
// two workers (pubsub-node.ts with WORKERS=2, no Redis), the official phoenix client on each
// worker; a worker killed and restarted, junk on the IPC channel, SIGTERM draining all.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel, Socket as PhoenixSocket } from "phoenix";
import { client, collect, connect, join, startNode, stopAll, until, type NodeProcess } from "./support/pubsub-nodes.js";

const sockets: PhoenixSocket[] = [];

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await stopAll();
}, 60_000);

/** Opens clients until one is joined on each of `count` different workers; returns one per worker. */
async function onEachWorker(node: NodeProcess, topic: string, count: number): Promise<{ socket: PhoenixSocket; channel: Channel; pid: number }[]> {
  const byPid = new Map<number, { socket: PhoenixSocket; channel: Channel; pid: number }>();
  for (let i = 0; i < 40 && byPid.size < count; i++) {
    const socket = client(node.url);
    sockets.push(socket);
    await connect(socket);
    const channel = socket.channel(topic);
    const { pid } = (await join(channel)) as { pid: number };
    if (!byPid.has(pid)) byPid.set(pid, { socket, channel, pid });
  }
  expect(byPid.size).toBe(count);
  return [...byPid.values()];
}

describe("two workers, PubSub over IPC", { timeout: 120_000 }, () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await startNode({ WORKERS: "2" });
  }, 90_000);

  it("the primary forks two workers that share the port and says so", async () => {
    await node.waitLog(/\[primary \d+\] primary \d+: 2 workers listening on port \d+/);
    const pids = new Set<string>();
    for (let i = 0; i < 40 && pids.size < 2; i++) pids.add(await node.get("/pid"));
    expect(pids.size).toBe(2);
    expect(pids.has(String(node.pid))).toBe(false);
  });

  it("a broadcast in one worker reaches sockets in every worker, once each", async () => {
    const [w1, w2] = await onEachWorker(node, "room:ipc", 2);
    const got = [collect(w1.channel, "shout"), collect(w2.channel, "shout")];
    w1.channel.push("shout", { text: "hi" });
    await until(() => got.every((g) => g.length >= 1), "the shout in both workers");
    w2.channel.push("shout_from", { text: "from 2" });
    await until(() => got[0].length >= 2, "broadcastFrom in the other worker");
    w1.channel.push("shout", { text: "marker" });
    await until(() => got.every((g) => g.some((p) => p.text === "marker")), "the marker");
    expect(got[0].map((p) => p.text)).toEqual(["hi", "from 2", "marker"]);
    expect(got[1].map((p) => p.text)).toEqual(["hi", "marker"]);
    expect(got[0][0].pid).toBe(w1.pid);
  });

  it("a message on the IPC channel that Fawkes did not write is logged and ignored", async () => {
    const [w1, w2] = await onEachWorker(node, "room:junk", 2);
    // Whichever worker answers sends the junk to the primary, which relays it to the other one.
    expect(await node.get("/ipc-junk")).toBe("sent");
    await node.waitLog(/\[worker \d+\] cluster pubsub: ignoring an IPC pubsub message Fawkes did not write \(not JSON\): this is not from fawkes/);
    const got = collect(w2.channel, "shout");
    w1.channel.push("shout", { text: "still fine" });
    await until(() => got.length === 1, "a broadcast after the junk");
    expect(node.alive).toBe(true);
  });

  it("a worker killed with -9 is restarted (logged), its clients reconnect and rejoin, broadcasts reach them again", async () => {
    const [w1, w2] = await onEachWorker(node, "room:kill", 2);
    const rejoined = new Promise<void>((resolve) => {
      let opened = false;
      w1.socket.onError(() => void (opened = false));
      w1.socket.onOpen(() => {
        if (!opened) resolve();
        opened = true;
      });
    });
    process.kill(w1.pid, "SIGKILL");
    await node.waitLog(new RegExp(`worker \\d+ \\(pid ${w1.pid}\\) died \\(signal SIGKILL\\) after \\d+ ms; starting a new one`));
    await node.waitLog(/worker \d+ \(pid \d+\) listening on port \d+, replacing worker \d+/);
    await rejoined;
    await until(() => w1.channel.state === "joined", "the rejoin after the restart");
    const got = collect(w1.channel, "shout");
    // From the surviving worker: the reconnected client is on whichever worker took it.
    w2.channel.push("shout", { text: "after restart" });
    await until(() => got.length > 0, "a broadcast on the reconnected client");
    expect(got[0].text).toBe("after restart");
    expect(node.alive).toBe(true);
  });

  it("SIGTERM: the primary drains every worker, then exits 0", async () => {
    const [w1] = await onEachWorker(node, "room:bye", 2);
    const closedWith = new Promise<number>((resolve) => w1.socket.onClose((e: { code: number }) => resolve(e.code)));
    await node.kill("SIGTERM");
    expect(await node.exited()).toEqual({ code: 0, signal: null });
    expect(await closedWith).toBe(1001);
    await node.waitLog(/primary \d+: stopping 2 worker\(s\)/);
    for (const pid of node.log.match(/\[worker (\d+)\]/g) ?? []) {
      const n = Number(pid.replace(/\D/g, ""));
      expect(() => process.kill(n, 0), `worker ${n} still running`).toThrow();
    }
  });
});

describe("FAWKES_WORKERS", { timeout: 120_000 }, () => {
  it("(what `fawkes server --workers N` sets) wins over the start option, so the flag reaches the app's own start()", async () => {
    const node = await startNode({ FAWKES_WORKERS: "2" });
    await node.waitLog(/primary \d+: 2 workers listening on port \d+/);
    const pids = new Set<string>();
    for (let i = 0; i < 40 && pids.size < 2; i++) pids.add(await node.get("/pid"));
    expect(pids.size).toBe(2);
    await node.kill("SIGTERM");
    expect(await node.exited()).toEqual({ code: 0, signal: null });
  });

  it("a bad value stops the app at start with a clear error", async () => {
    await expect(startNode({ FAWKES_WORKERS: "lots" })).rejects.toThrow('workers must be a whole number of at least 1 or "auto", got "lots"');
  });
});
