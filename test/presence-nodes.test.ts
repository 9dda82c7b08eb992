// Presence across real processes: endpoint processes (a script this file writes, run with
// tsx) and the official phoenix client's Presence on each.
// - Over Redis (redisPubSub against a real redis-server the test starts): presences made on two
//   nodes converge in every list; a node started late lists everyone; a node killed with
//   SIGKILL has its presences leave the others within downAfter of its last heartbeat (and the
//   survivors log why); a node stopped with SIGTERM has them leave at once.
// - node:cluster workers (PubSub over the cluster's IPC): users on two workers converge; a
//   worker killed with SIGKILL is restarted, its client reconnects and rejoins, and every list
//   ends with that user once, tracked by a live worker, no ghost of the dead one.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Presence as ClientPresence, Socket as PhoenixSocket } from "phoenix";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisServer } from "./support/redis-server.js";

const WAIT_MS = 20_000;
const BEAT = 250;
const DOWN_AFTER = 2 * BEAT;

const RUNTIME = pathToFileURL(resolve(import.meta.dirname, "../runtime/index.ts")).href;
const NODE_SCRIPT = `
import cluster from "node:cluster";
import { defineChannel, defineEndpoint, definePresence, defineSocket, ok, socket } from ${JSON.stringify(RUNTIME)};
const log = (m, e) => process.stderr.write(m + (e === undefined ? "" : " (" + (e?.message ?? e) + ")") + "\\n");
const Presence = definePresence({ heartbeatInterval: ${BEAT}, downAfter: ${DOWN_AFTER} });
const Room = defineChannel({
  join(_topic, _payload, s) { s.sendInfo("after_join"); return ok(); },
  async handleInfo(_m, s) {
    s.push("presence_state", await Presence.list(s));
    Presence.track(s, s.assigns.name, { online_at: String(Date.now()), pid: process.pid });
  },
});
const UserSocket = defineSocket({ channels: { "room:*": Room }, connect(params, s) { s.assign({ name: String(params.name) }); return true; } });
// PubSub from the environment: REDIS_URL for Redis, the cluster's IPC in a worker.
const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, sockets: [socket("/socket", UserSocket)], config: { logger: log, checkOrigin: false } });
const workers = Number(process.env.WORKERS ?? 1);
const { port } = await endpoint.start({ port: 0, host: "127.0.0.1", workers });
if (cluster.isPrimary) process.stdout.write(JSON.stringify({ listening: port }) + "\\n");
if (workers === 1) {
  Presence.start(endpoint);
  process.once("SIGTERM", async () => {
    // Presence first: its goodbye goes out while the PubSub is still connected.
    Presence.stop(endpoint);
    await endpoint.stop();
    process.exit(0);
  });
} else if (cluster.isWorker) {
  Presence.start(endpoint);
}
`;

interface Node {
  child: ChildProcess;
  url: string;
  log: string;
}

describe("Presence across node processes", () => {
  let redis: RedisServer | undefined;
  let dir = "";
  const nodes: Node[] = [];
  const sockets: PhoenixSocket[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    dir = mkdtempSync(join(tmpdir(), "fawkes-presence-"));
    writeFileSync(join(dir, "node.mjs"), NODE_SCRIPT);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(nodes.map((n) => kill(n, "SIGKILL")));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function startNode(env: Record<string, string> = { REDIS_URL: redis!.url }): Promise<Node> {
    const child = spawn(process.execPath, ["--import", "tsx", join(dir, "node.mjs")], { env: { ...process.env, FAWKES_PUBSUB: undefined, REDIS_URL: undefined, WORKERS: undefined, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const node: Node = { child, url: "", log: "" };
    nodes.push(node);
    child.stderr!.on("data", (d: Buffer) => void (node.log += d.toString()));
    return new Promise((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /\{"listening":(\d+)\}/.exec(out);
        if (m && !node.url) resolve(Object.assign(node, { url: `ws://127.0.0.1:${m[1]}/socket` }));
      });
      child.once("exit", (code, signal) => reject(new Error(`node exited (${signal ?? code}) before it listened:\n${node.log}`)));
    });
  }

  function kill(node: Node, signal: NodeJS.Signals): Promise<void> {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      node.child.once("exit", () => resolve());
      node.child.kill(signal);
    });
  }

  /** `name` joins `topic` on `node` with the official client; resolves with its Presence's view. */
  async function enter(node: Node, name: string, topic: string) {
    const s = new PhoenixSocket(node.url, { transport: WebSocket as never, params: { name }, reconnectAfterMs: () => 50, rejoinAfterMs: () => 50, timeout: 5000 });
    sockets.push(s);
    const channel = s.channel(topic, {});
    const presence = new ClientPresence(channel);
    const listed = () => presence.list((key) => key).sort().join(",");
    const waiters = new Set<() => void>();
    presence.onSync(() => [...waiters].forEach((w) => w()));
    s.connect();
    await new Promise<void>((resolve, reject) => {
      channel.join().receive("ok", () => resolve()).receive("error", reject).receive("timeout", () => reject(new Error(`${name}: join timed out`)));
    });
    const when = (what: string, predicate: () => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name}'s Presence never showed ${what}; it lists ${JSON.stringify(presence.list((k, p) => [k, p.metas]))}\nnode logs:\n${nodes.map((n) => n.log).join("\n---\n")}`));
        }, WAIT_MS);
        waiters.add(check);
        check();
      });
    return {
      listed,
      /** The pids of the workers tracking `key`'s metas. */
      pids: (key: string): number[] => presence.list((k, p: { metas: { pid: number }[] }) => (k === key ? p.metas.map((m) => m.pid) : [])).flat(),
      when,
      /** Resolves when the list reads `expected` (names joined by commas). */
      until(expected: string): Promise<void> {
        return new Promise((resolve, reject) => {
          const check = () => {
            if (listed() !== expected) return;
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`${name}'s Presence never listed ${expected}; it lists ${listed()}\nnode logs:\n${nodes.map((n) => n.log).join("\n---\n")}`));
          }, WAIT_MS);
          waiters.add(check);
          check();
        });
      },
    };
  }

  it("over Redis: presences on two nodes converge; a node started late lists everyone", async () => {
    const [a, b] = await Promise.all([startNode(), startNode()]);
    const alice = await enter(a, "alice", "room:redis");
    const bob = await enter(b, "bob", "room:redis");
    await alice.until("alice,bob");
    await bob.until("alice,bob");

    const c = await startNode();
    const carol = await enter(c, "carol", "room:redis");
    await carol.until("alice,bob,carol");
    await alice.until("alice,bob,carol");
    await bob.until("alice,bob,carol");
    await kill(c, "SIGTERM");
    await alice.until("alice,bob");
  });

  it("over Redis, kill -9 of a node: its presences leave the others within downAfter of its last heartbeat", async () => {
    const [a, b] = [nodes[0], nodes[1]];
    const dave = await enter(b, "dave", "room:kill");
    const erin = await enter(a, "erin", "room:kill");
    await erin.until("dave,erin");
    await dave.until("dave,erin");

    const killedAt = Date.now();
    await kill(b, "SIGKILL");
    await erin.until("erin");
    const elapsed = Date.now() - killedAt;
    // The heartbeats decided (not a goodbye): not before downAfter less one interval; the
    // upper figure only bounds a loaded machine, the bound itself being downAfter.
    expect(elapsed).toBeGreaterThanOrEqual(DOWN_AFTER - BEAT - 20);
    expect(elapsed).toBeLessThan(DOWN_AFTER + 10_000);
    expect(a.log).toMatch(new RegExp(`presence presence: node \\S+ sent nothing for \\d+ ms \\(downAfter ${DOWN_AFTER} ms\\): its \\d+ presence\\(s\\) left`));
  });

  it("over Redis, SIGTERM of a node: its presences leave at once", async () => {
    const a = nodes[0];
    const f = await startNode();
    const frank = await enter(f, "frank", "room:term");
    const gina = await enter(a, "gina", "room:term");
    await gina.until("frank,gina");
    await frank.until("frank,gina");
    const before = a.log;
    await kill(f, "SIGTERM");
    await gina.until("gina");
    // Removed by its goodbye (the leaves, then `down`), not by a missed heartbeat.
    expect(a.log.slice(before.length)).not.toContain("sent nothing");
  });

  it("cluster workers: a worker killed with SIGKILL is restarted, its user rejoins, every list converges without a ghost", async () => {
    const node = await startNode({ WORKERS: "2" });
    // node:cluster hands connections to the workers in turn: hana and ivan sit on different ones.
    const hana = await enter(node, "hana", "room:workers");
    const ivan = await enter(node, "ivan", "room:workers");
    await hana.until("hana,ivan");
    await ivan.until("hana,ivan");
    const [dead] = ivan.pids("hana");
    expect(ivan.pids("ivan")).toHaveLength(1);
    expect(ivan.pids("ivan")[0]).not.toBe(dead);

    process.kill(dead, "SIGKILL");
    // hana's client reconnects (to a live or the restarted worker) and rejoins; the dead
    // worker's entry leaves ivan's list when its heartbeats stop. Both end with one live hana.
    const settled = (view: typeof hana) => () => view.listed() === "hana,ivan" && view.pids("hana").length === 1 && view.pids("hana")[0] !== dead;
    await ivan.when(`hana tracked once by a live worker (not ${dead})`, settled(ivan));
    await hana.when(`hana tracked once by a live worker (not ${dead})`, settled(hana));
    expect(ivan.pids("ivan")).toHaveLength(1);
  });
});
