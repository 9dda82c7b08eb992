// `npm run bench:presence`: 1,000 users joining one topic across 2 nodes. Two endpoint
// processes (node.mjs) and a client process (clients.mjs) with 1,000 raw `ws` sockets, half on
// each node, all joining `room:bench` at once; each join is tracked in Presence on its node.
// The nodes' PubSubs are joined two ways, each a run of its own:
//   redis   Fawkes' Redis adapter against a redis-server this harness starts (loopback, no
//           persistence); skipped, and said so, when redis-server is not installed
//   ipc     this harness relays every adapter message between the two over IPC, as JSON text,
//           and counts it: the replication bytes below are measured here
// Figures, medians over rounds, per way (-redis, -ipc):
//   presence-converge-ms-<way>      from the stamp before the first join frame to the moment
//                                   the later of the two nodes lists all 1,000 (each node
//                                   stamps its own moment; one machine, one clock)
//   presence-diff-bytes-per-join-<way>   bytes of presence_diff frames one client in the room
//                                   received, over 1,000 joins (the changes of one event-loop
//                                   turn are one diff, so a burst of joins is a few frames)
//   presence-diff-frames-per-join-<way>  how many presence_diff frames that was, per join
//   presence-replication-bytes-per-join  (ipc) tracker messages between the nodes while they
//                                   converged (deltas, heartbeats, the hello/state exchange
//                                   excluded: it happens at start), over 1,000 joins
// Verified before any figure is kept: both nodes list exactly the 1,000 names, and the
// observer's view, synced by the official client's Presence.syncState/syncDiff, lists them too.
// No peer: nothing in node_modules does presence (Socket.IO has rooms, no presence; raw ws has
// neither), so the figures are printed alone and there is no `ratio` line.
// BENCH_ROUNDS=n sets the rounds (default 3), BENCH_USERS the users (default 1000), BENCH_PROF=dir
// writes each process's CPU profile there (how the per-turn diff batching was found).

import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stop, track } from "../_procs.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(USERS) || USERS < 2) {
  console.error("# BENCH_ROUNDS must be a whole number ≥ 1 and BENCH_USERS one ≥ 2");
  process.exit(1);
}
/** Generous: converging takes well under a second here; a loaded box may take many. */
const TIMEOUT_MS = 60_000;
// Sockets per process: the clients hold USERS + 1; raise the soft limit where it is 1,024.
const RAISE_LIMIT = `ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;

if (!existsSync(here("../../dist/runtime/index.js"))) {
  console.error("# dist/ is missing: run `node scripts/build.mjs` first (npm run bench:presence does)");
  process.exit(1);
}

/** A child node process with IPC: `call(msg)` resolves with its reply; `on(fn)` sees the rest. */
function child(file) {
  const proc = track(spawn("bash", ["-c", RAISE_LIMIT, "bash", process.execPath, ...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.BENCH_PROF] : []), file], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  const pending = new Map();
  const listeners = new Set();
  let next = 0;
  proc.on("message", (m) => {
    const p = m.id !== undefined && pending.get(m.id);
    if (!p) return void listeners.forEach((fn) => fn(m));
    pending.delete(m.id);
    m.error ? p.reject(new Error(m.error)) : p.resolve(m);
  });
  proc.once("exit", (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${file} exited (${signal ?? code})`));
  });
  proc.on("error", () => {});
  return {
    proc,
    call: (msg) => new Promise((resolve, reject) => (pending.set(next, { resolve, reject }), proc.send({ ...msg, id: next++ }))),
    on: (fn) => listeners.add(fn),
    send: (msg) => proc.connected && proc.send(msg),
  };
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s: ${what}`)), TIMEOUT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A free loopback port (the kernel's pick, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** redis-server on a free port, no persistence; resolves with its URL and the process. */
async function startRedis() {
  const port = await freePort();
  const proc = track(spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] }));
  await within(
    new Promise((resolve, reject) => {
      let out = "";
      proc.stdout.on("data", (d) => (out += d).includes("Ready to accept connections") && resolve());
      proc.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    }),
    "redis-server to start",
  );
  return { url: `redis://127.0.0.1:${port}`, proc };
}

async function round(mode) {
  const redis = mode === "redis" ? await startRedis() : null;
  if (redis) process.env.REDIS_URL = redis.url;
  else delete process.env.REDIS_URL;
  const nodes = [child(here("node.mjs")), child(here("node.mjs"))];
  const clients = child(here("clients.mjs"));
  try {
    const bus = { bytes: 0, counting: false };
    const ready = nodes.map((node, i) => {
      const other = nodes[1 - i];
      return new Promise((resolve) =>
        node.on((m) => {
          if (m.kind === "ready") resolve(m.port);
          if (m.kind !== "bus") return;
          if (bus.counting) bus.bytes += Buffer.byteLength(m.data) + Buffer.byteLength(m.topic);
          other.send(m);
        }),
      );
    });
    const ports = await within(Promise.all(ready), "the nodes to listen");
    await Promise.all(nodes.map((n) => n.call({ kind: "expect", n: USERS })));
    const converged = nodes.map((n) => new Promise((resolve) => n.on((m) => m.kind === "converged" && resolve(m))));
    await within(clients.call({ kind: "connect", ports, n: USERS }), "the clients to connect");

    bus.counting = true;
    const { t0 } = await clients.call({ kind: "join" });
    const done = await within(Promise.all(converged), "both nodes to list every user");
    bus.counting = false;
    const ms = Math.max(...done.map((d) => d.at)) - t0;

    // Verify: each node's own list has every user, and so does the official client's view.
    for (const [i, d] of done.entries()) if (d.keys !== USERS) throw new Error(`node ${i} lists ${d.keys} users, expected ${USERS}`);
    let report;
    const deadline = Date.now() + TIMEOUT_MS;
    while ((report = await clients.call({ kind: "report" })).listed !== USERS) {
      if (Date.now() > deadline) throw new Error(`the observer's Presence lists ${report.listed} users, expected ${USERS}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { ms, diffBytes: report.diffBytes / USERS, diffFrames: report.diffFrames / USERS, replicationBytes: bus.bytes / USERS };
  } finally {
    await Promise.all([...nodes.map((n) => stop(n.proc)), stop(clients.proc)]);
    if (redis) await stop(redis.proc);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
const modes = hasRedis ? ["redis", "ipc"] : ["ipc"];
console.log(`# bench:presence — ${USERS} users joining room:bench, half on each of 2 node processes, ${ROUNDS} round(s) per way (${modes.join(", ")})`);
if (!hasRedis) console.log("# redis-server is not installed (apt-get install -y redis-server): the redis figures are skipped");
const lines = [];
for (const mode of modes) {
  const results = [];
  for (let r = 0; r < ROUNDS; r++) {
    const res = await round(mode);
    results.push(res);
    console.log(`# ${mode} round ${r + 1}: converge ${res.ms.toFixed(1)} ms, presence_diff ${res.diffBytes.toFixed(1)} B and ${res.diffFrames.toFixed(3)} frames per join at one client${mode === "ipc" ? `, replication ${res.replicationBytes.toFixed(1)} B per join` : ""}`);
  }
  const m = (f) => median(results.map(f));
  lines.push(`presence-converge-ms-${mode} ${m((r) => r.ms).toFixed(1)}`);
  lines.push(`presence-diff-bytes-per-join-${mode} ${m((r) => r.diffBytes).toFixed(1)}`);
  lines.push(`presence-diff-frames-per-join-${mode} ${m((r) => r.diffFrames).toFixed(3)}`);
  if (mode === "ipc") lines.push(`presence-replication-bytes-per-join ${m((r) => r.replicationBytes).toFixed(1)}`);
}
for (const line of lines) console.log(line);
console.log("# no peer in node_modules has presence (Socket.IO: rooms only; ws: neither), so no ratio line");
