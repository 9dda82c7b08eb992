// `npm run bench:pubsub`: what PubSub across processes costs, against the same app on one node.
//   redis-broadcast      ms from the stamp on one broadcast to its receipt by the last of 1,000
//                        sockets; the peer (single-node) broadcasts on the node holding the
//                        sockets, Fawkes-over-Redis on another node (one hop through a real
//                        redis-server this bench starts): p50 and p99 of BROADCASTS
//   redis-broadcasts-per-s  sustained: SUSTAINED broadcasts with WINDOW in flight, broadcasts/s
//                        reaching all 1,000 sockets
//   both for the default subscription strategy ("pattern": one PSUBSCRIBE per node) and
//   "topic" (one SUBSCRIBE per topic), which is how the default was chosen
//   cluster-cpu-per-request  HTTP requests per server CPU-second (primary + workers, from
//                        /proc) with 2 node:cluster workers vs 1 process, under the same
//                        autocannon load (200 keep-alive connections, saturated); the box has 2
//                        cores, so this is the cost per request of the cluster, not a speed-up.
//                        Why 200 connections (until 2026-12-07 the figure used 20, still printed
//                        as a comment, 0.67-0.80): what is compared is what a request costs, and
//                        a process's cost per request falls with the requests it finds per
//                        wake-up of its event loop (one epoll_wait, one pass of libuv's phases,
//                        one context switch spread over all of them). With 20 connections one
//                        process finds up to 20, each of 2 workers up to 10: twice the fixed
//                        cost per request, in ANY two processes sharing the load (the plain pair
//                        below, no cluster at all, read the same 0.7-0.8 against one process).
//                        With 200, each process is saturated with long batches in both setups,
//                        the fixed cost per wake-up is spread thin, and what is left is the cost
//                        of a request: 0.96 against one process, 1.00 against the plain pair
//                        (18:20, load ~1.7). Checked with wrk (C, a fraction of autocannon's CPU)
//                        as the load, by hand: 20 connections 0.85-0.90, 200 connections
//                        0.92-1.08, pinned (servers on one core, wrk on the other) 0.91-1.03.
//                        The runs beside it say where that cost lies:
//                        - "2 plain processes": two one-process servers on two ports, no
//                          cluster, half the connections each (two autocannons at once). What 2
//                          workers cost beyond this pair is the cluster's own machinery (the
//                          primary's round robin of connections, IPC): `ratio
//                          cluster-cpu-per-request two-processes`; the primary's CPU is printed
//                          too. With keep-alive connections nothing of the cluster runs per
//                          request (strace -c: one read and one writev per request either way;
//                          perf record -e cpu-clock: the same profile; the primary ~0 CPU), and
//                          this ratio read 0.94-0.97 at 20 connections (15:40, load ~10). What one
//                          process saved over any two at 20 connections was scheduling: a core
//                          to itself beside autocannon's, where two server processes and
//                          autocannon took turns on two cores (perf stat: 0.31 context switches
//                          per request against 0.24), each finding at most its 10 connections'
//                          requests per wake-up.
//                        - the same offered rate for both (autocannon overallRate, half what one
//                          process served saturated in that round), printed as a comment.
//                          autocannon's rate is a quota per connection per second sent as fast
//                          as it can (lib/httpClient.js): bursts at full speed, then silence,
//                          so the servers wake more often for fewer requests each. It does not
//                          favour the cluster (paced evenly by hand with node:http at 2,000 and
//                          5,000 req/s, the ratio was lower still, 0.63-0.72).
//                        - a connection per request (`Connection: close`; autocannon reconnects),
//                          printed as a comment: where the cluster does cost per request. Under
//                          node:cluster's default round robin (what Fawkes uses) the primary
//                          accepts every connection and passes it to a worker over IPC;
//                          NODE_CLUSTER_SCHED_POLICY=none lets the workers accept from the shared
//                          socket themselves (Node's docs: unevenly spread on Linux, which is
//                          why round robin stays the default: a worker holding far more channel
//                          sockets than the others would reach its descriptor limit first).
// The sockets are bench:channels' client driver (raw `ws` on the client core) and its
// server control loop; nodes and redis-server share the server core. Results are verified
// before timing: a first broadcast must reach every socket, once (the driver checks the
// sequence numbers), and each HTTP response must be the app's body. Ends with one
// `ratio <figure> <peer> <x>` line per comparison; every ratio reads "above 1 = Fawkes better"
// (the peer is Fawkes on one node / in one process: the goal is a ratio near 1).
//   sockets-held, broadcast-all-ms, rss-per-socket-kb  BENCH_HELD sockets (default 100,000)
//                        joined to one topic on a cluster of workers (BENCH_HELD_WORKERS,
//                        default one per 18,000 sockets: each process may open 20,000 files),
//                        opened by holder processes (holder.mjs: a lean client that checks
//                        every socket gets every broadcast once, in order) from 127.0.0.2, .3,
//                        ...; holders and workers are not pinned. The time for one broadcast
//                        (from one worker, over IPC to the others) to reach them all (median
//                        of 5; each is printed with the CPU the server and the holders used
//                        meanwhile, which says how far the box's two cores are from the figure),
//                        and the server's RSS (primary + workers) per socket. BENCH_HELD=0 skips it.
// BENCH_ROUNDS=n (default 3) rounds; BENCH_QUICK=1 a smoke run; BENCH_ONLY=held runs the
// sockets-held part alone (no Redis, no HTTP: its three figures only), BENCH_ONLY=http the
// HTTP part alone (its figures and two ratios).

import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import autocannon from "autocannon";
import { canPin, processTicks, stop, track } from "../_procs.mjs";
import { spawnNode, waitFor } from "../channels/procs.mjs";
import { median } from "../channels/report.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const N = 1_000;
const WARMUP = QUICK ? 5 : 20;
const BROADCASTS = QUICK ? 20 : 60;
const SUSTAINED = QUICK ? 50 : 150;
const WINDOW = 8;
const HTTP_SECONDS = QUICK ? 2 : 5;
const HTTP_CONNECTIONS = 200;
// The figure's earlier load (see the header): printed as a comment line.
const HTTP_FEW_CONNECTIONS = 20;
const SERVER_CPU = 0;
const CLIENT_CPU = 1;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function startRedis() {
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (which.status !== 0) throw new Error("redis-server is not installed: apt-get install -y redis-server (bash .ci/run does)");
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child = track(spawn(canPin ? "taskset" : "redis-server", canPin ? ["-c", String(SERVER_CPU), "redis-server", ...args] : args, { stdio: ["ignore", "pipe", "inherit"] }));
  await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
  });
  return { child, port, url: `redis://127.0.0.1:${port}` };
}

/** Redis' channels with subscribers (for the "topic" strategy: wait until a node has subscribed). */
function redisChannels(port) {
  return spawnSync("redis-cli", ["-p", String(port), "PUBSUB", "CHANNELS"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
}

/** A bench node; `env` is added to this process' environment for the spawn only. */
async function startNode(env) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  let srv;
  try {
    srv = spawnNode(SERVER_CPU, ["--expose-gc", here("node.mjs")]);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  const { port } = await waitFor(srv, (m) => m.ready, 20_000, "a bench node to listen");
  return { srv, port };
}

async function broadcast(from, cli, seq) {
  const delivered = waitFor(cli, (m) => m.delivered === seq, 30_000, `broadcast ${seq} to reach all ${N} sockets`);
  await from.call({ cmd: "broadcast", seq });
  const d = await delivered;
  return { ms: d.last - d.t, t: d.t, last: d.last };
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** One scenario: sockets on node A, broadcasts from `sender` (A itself or another node B). */
async function pubsubRun(name, { redis, strategy }) {
  const env = redis ? { REDIS_URL: redis.url, PUBSUB_STRATEGY: strategy } : { REDIS_URL: undefined, PUBSUB_STRATEGY: undefined };
  const a = await startNode(env);
  const b = redis ? await startNode(env) : null;
  const cli = spawnNode(CLIENT_CPU, [here("../channels/clients.mjs")]);
  let dropped = 0;
  cli.listen((m) => m.dropped !== undefined && dropped++);
  try {
    await cli.call({ cmd: "connect", proto: "fawkes", port: a.port, n: N });
    if (strategy === "topic") {
      for (let i = 0; i < 500 && !redisChannels(redis.port).includes("fawkes:bench:all"); i++) await sleep(10);
      if (!redisChannels(redis.port).includes("fawkes:bench:all")) throw new Error("node A never subscribed to fawkes:bench:all");
    }
    const sender = (b ?? a).srv;
    let seq = 0;
    // Verified before timing: the first broadcast reaches all N sockets (the driver checks each
    // socket's count against the seq in the payload, so a duplicate or a loss fails it).
    await broadcast(sender, cli, ++seq);
    for (let i = 0; i < WARMUP; i++) await broadcast(sender, cli, ++seq);
    const lat = [];
    for (let i = 0; i < BROADCASTS; i++) {
      lat.push((await broadcast(sender, cli, ++seq)).ms);
      await sleep(10);
    }
    const done = [];
    for (let k = 0; k < SUSTAINED; k++) {
      if (k >= WINDOW) await done[k - WINDOW];
      done[k] = broadcast(sender, cli, ++seq);
      done[k].catch(() => {});
    }
    const all = await Promise.all(done);
    const perS = SUSTAINED / ((all.at(-1).last - all[0].t) / 1000);
    if (dropped) throw new Error(`${name}: the driver saw ${dropped} socket(s) dropped`);
    return { name, p50: median(lat), p99: quantile(lat, 0.99), perS };
  } finally {
    await stop(cli.child);
    await Promise.all([stop(a.srv.child), b && stop(b.srv.child)]);
  }
}

/** Every live descendant of `pid` (a cluster's workers), from /proc. */
function descendants(pid) {
  const parent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of parent) if (pp === p) out.push(c), walk(c);
  };
  walk(pid);
  return out;
}

/** The first JSON line a node prints on stdout (its `{"listening": port}`); rejects if it exits first. */
function firstJson(child, what) {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    child.once("exit", (code) => reject(new Error(`${what} exited (${code})`)));
  });
}

/** An HTTP server of the cluster figure (http-node.mjs): one process, or `workers` cluster workers. */
async function startHttpServer(workers, env = {}) {
  const child = track(spawn(process.execPath, [here("http-node.mjs")], { env: { ...process.env, ...env, WORKERS: String(workers) }, stdio: ["ignore", "pipe", "inherit"] }));
  const { listening: port } = await firstJson(child, "http node");
  const url = `http://127.0.0.1:${port}/`;
  // Verified before timing: the answer is the app's.
  const body = await (await fetch(url)).text();
  if (body !== "hello world\n") throw new Error(`unexpected body ${JSON.stringify(body)}`);
  const pids = [child.pid, ...descendants(child.pid)];
  if (workers > 1 && pids.length < workers + 1) throw new Error(`expected ${workers} workers, found ${pids.length - 1}`);
  return { child, url, pids };
}

/** What each HTTP setup is: its servers, the workers of each (1: not a cluster). */
const HTTP_SETUPS = {
  one: { label: "one process", servers: [1] },
  cluster: { label: "2 workers", servers: [2] },
  plain: { label: "2 plain processes", servers: [1, 1] },
  // node:cluster's other policy: every worker accepts from the shared socket itself.
  "cluster-os": { label: "2 workers (NODE_CLUSTER_SCHED_POLICY=none)", servers: [2], env: { NODE_CLUSTER_SCHED_POLICY: "none" } },
};

/**
 * One HTTP measurement of a setup: HTTP_CONNECTIONS keep-alive connections shared out over its
 * servers (the plain pair: half each, one autocannon per server, run together), saturated
 * (`rate` 0) or at `rate` requests/s overall (autocannon's overallRate, shared out likewise);
 * the CPU of every server process (primary and workers) from /proc, the primary's apart.
 */
async function httpRun(setup, { rate = 0, connections: total = HTTP_CONNECTIONS, close = false } = {}) {
  const servers = [];
  try {
    for (const workers of HTTP_SETUPS[setup].servers) servers.push(await startHttpServer(workers, HTTP_SETUPS[setup].env));
    const connections = total / servers.length;
    // close: a connection per request (autocannon reconnects when the server closes).
    const headers = close ? { connection: "close" } : undefined;
    await Promise.all(servers.map((s) => autocannon({ url: s.url, connections, headers, duration: 1 })));
    const pids = servers.flatMap((s) => s.pids);
    const before = pids.map(processTicks);
    const rs = await Promise.all(servers.map((s) => autocannon({ url: s.url, connections, headers, duration: HTTP_SECONDS, ...(rate ? { overallRate: rate / servers.length } : {}) })));
    const spent = pids.map((p, i) => processTicks(p) - before[i]);
    const ticks = spent.reduce((a, t) => a + t, 0);
    for (const r of rs) if (r.non2xx || r.errors) throw new Error(`http run had ${r.non2xx} non-2xx and ${r.errors} errors`);
    const requests = rs.reduce((a, r) => a + r.requests.total, 0);
    // In a cluster, pids[0] is the primary: the round robin of connections and the IPC are its part.
    const primaryCpuS = setup.startsWith("cluster") ? spent[0] / 100 : 0;
    return { setup, rate, close, connections: total, requests, cpuS: ticks / 100, primaryCpuS, perCpuS: requests / (ticks / 100), rps: requests / HTTP_SECONDS };
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)));
  }
}

/** RSS of a process, bytes, from /proc. */
function rssOf(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * sockets-held: HELD sockets joined to one topic on a cluster of HELD_WORKERS workers (each
 * under the 20,000-descriptor limit), opened by several holder processes each from its own
 * loopback source address (127.0.0.2, .3, ...); then broadcasts from one worker, timed from
 * its stamp to the last socket's receipt in any holder.
 */
async function heldRun(total, workers) {
  const perHolder = 18_000;
  const holders = Math.ceil(total / perHolder);
  const raise = `ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  const child = track(spawn("bash", ["-c", raise, "bash", process.execPath, here("held-node.mjs")], { env: { ...process.env, WORKERS: String(workers) }, stdio: ["ignore", "pipe", "inherit"] }));
  const procs = [];
  try {
    const { listening: port } = await firstJson(child, "held node");
    const serverPids = [child.pid, ...descendants(child.pid)];
    const rssBefore = serverPids.reduce((s, p) => s + rssOf(p), 0);
    const t0 = Date.now();
    // A holder's { error } (a joined socket closed, or saw a broadcast twice or out of order) ends the run.
    let holderError = null;
    for (let i = 0; i < holders; i++) {
      // Not pinned: the holders and the workers share both cores as the scheduler sees fit
      // (all holders on one core would make the client side the bottleneck of the broadcast).
      const h = spawnNode(null, [here("holder.mjs")]);
      h.listen((m) => m.error !== undefined && m.id === undefined && (holderError ??= m.error));
      procs.push(h);
    }
    const connected = await Promise.all(procs.map((h, i) => h.call({ cmd: "connect", port, n: Math.min(perHolder, total - i * perHolder), from: `127.0.0.${i + 2}` })));
    const connectS = (Date.now() - t0) / 1000;
    console.log(`# ${total} sockets joined in ${connectS.toFixed(0)} s`);
    const retries = connected.reduce((s, c) => s + c.retries, 0);
    if (holderError) throw new Error(holderError);
    const rssAfter = [child.pid, ...descendants(child.pid)].reduce((s, p) => s + rssOf(p), 0);
    const times = [];
    for (let seq = 1; seq <= (QUICK ? 2 : 5); seq++) {
      const delivered = procs.map((h) => waitFor(h, (m) => m.delivered === seq || (m.error !== undefined && m.id === undefined), 120_000, `broadcast ${seq} to reach every socket of a holder`));
      const pids = [child.pid, ...descendants(child.pid)];
      const cpu0 = [pids.map(processTicks), procs.map((h) => processTicks(h.child.pid))];
      const t = Number(await (await fetch(`http://127.0.0.1:${port}/broadcast?seq=${seq}`)).text());
      let lasts;
      try {
        lasts = await Promise.all(delivered);
      } catch (error) {
        // Say where it stopped: per holder, its sockets and how many got each broadcast.
        const status = await Promise.all(procs.map((h) => h.call({ cmd: "status" }).catch((e) => ({ error: e.message }))));
        console.error(`# broadcast ${seq} stalled; holders: ${JSON.stringify(status)}`);
        throw error;
      }
      for (const d of lasts) if (d.error) throw new Error(d.error);
      if (holderError) throw new Error(holderError);
      times.push(Math.max(...lasts.map((d) => d.last)) - t);
      const serverCpu = pids.map(processTicks).reduce((a, x, i) => a + x - cpu0[0][i], 0) / 100;
      const holderCpu = procs.map((h) => processTicks(h.child.pid)).reduce((a, x, i) => a + x - cpu0[1][i], 0) / 100;
      const span = (k) => `${Math.min(...lasts.map((d) => d[k] - t)).toFixed(0)}–${Math.max(...lasts.map((d) => d[k] - t)).toFixed(0)}`;
      console.log(`# broadcast ${seq}: ${times.at(-1).toFixed(0)} ms to reach all ${total} (holders' first receipt ${span("first")} ms, last ${span("last")} ms; CPU meanwhile: server ${serverCpu.toFixed(2)} s, holders ${holderCpu.toFixed(2)} s)`);
    }
    return { total, workers, holders, connectS, retries, times, ms: median(times), rssPerSocketKb: (rssAfter - rssBefore) / total / 1024 };
  } finally {
    await Promise.all(procs.map((h) => stop(h.child)));
    await stop(child);
  }
}

// The nodes import the built package from a copy taken now: dist/ is rebuilt by anyone who
// runs a build meanwhile (other benches, the tests), and a node starting mid-rebuild would not
// find it. The copy sits under the project, so its imports still resolve in node_modules/.
const DIST = fileURLToPath(new URL("../../.fawkes-tmp/bench-pubsub-dist/", import.meta.url));
rmSync(DIST, { recursive: true, force: true });
cpSync(fileURLToPath(new URL("../../dist/", import.meta.url)), DIST, { recursive: true });
process.env.FAWKES_BENCH_DIST = pathToFileURL(join(DIST, "runtime/index.js")).href;

const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== "held" && ONLY !== "http") {
  console.error(`# BENCH_ONLY must be "held", "http" (or unset); got ${JSON.stringify(ONLY)}`);
  process.exit(1);
}
const RUN_PUBSUB = ONLY === undefined;
const RUN_HTTP = ONLY === undefined || ONLY === "http";
const redis = RUN_PUBSUB ? await startRedis() : null;
const scenarios = [
  ["single-node", { redis: null, strategy: undefined }],
  ["redis-pattern", { redis, strategy: "pattern" }],
  ["redis-topic", { redis, strategy: "topic" }],
];
const results = Object.fromEntries(scenarios.map(([n]) => [n, []]));
const http = { one: [], cluster: [], plain: [], "one@rate": [], "cluster@rate": [], "one@close": [], "cluster@close": [], "cluster-os@close": [], "one@few": [], "cluster@few": [] };
const httpLine = (round, r) =>
  `# round ${round + 1} http ${HTTP_SETUPS[r.setup].label}, ${r.connections} ${r.close ? "connections at a time, one per request" : "connections"}${r.rate ? `, ${r.rate.toFixed(0)} req/s offered` : ", saturated"}: ${r.requests} requests, ${r.cpuS.toFixed(2)} server CPU-s${r.setup.startsWith("cluster") ? ` (primary ${r.primaryCpuS.toFixed(2)})` : ""}, ${r.perCpuS.toFixed(0)} requests/CPU-s, ${r.rps.toFixed(0)} req/s`;
for (let round = 0; round < (RUN_PUBSUB || RUN_HTTP ? ROUNDS : 0); round++) {
  const order = round % 2 ? [...scenarios].reverse() : scenarios;
  for (const [name, opts] of RUN_PUBSUB ? order : []) {
    const r = await pubsubRun(name, opts);
    results[name].push(r);
    console.log(`# round ${round + 1} ${name}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.perS.toFixed(0)} broadcasts/s to ${N} sockets`);
  }
  if (!RUN_HTTP) continue;
  const setups = round % 2 ? ["plain", "cluster", "one"] : ["one", "cluster", "plain"];
  for (const setup of setups) {
    const r = await httpRun(setup);
    http[setup].push(r);
    console.log(httpLine(round, r));
  }
  const pair = round % 2 ? ["cluster", "one"] : ["one", "cluster"];
  // The same offered rate for both: half what one process served saturated in this round.
  const rate = Math.round(http.one.at(-1).rps / 2);
  for (const setup of pair) {
    const r = await httpRun(setup, { rate });
    http[`${setup}@rate`].push(r);
    console.log(httpLine(round, r));
  }
  for (const setup of pair) {
    const r = await httpRun(setup, { connections: HTTP_FEW_CONNECTIONS });
    http[`${setup}@few`].push(r);
    console.log(httpLine(round, r));
  }
  for (const setup of round % 2 ? ["cluster-os", "cluster", "one"] : ["one", "cluster", "cluster-os"]) {
    const r = await httpRun(setup, { close: true });
    http[`${setup}@close`].push(r);
    console.log(httpLine(round, r));
  }
}
if (redis) await stop(redis.child);
const HELD = ONLY === "http" ? 0 : Number(process.env.BENCH_HELD ?? (QUICK ? 20_000 : 100_000));
const HELD_WORKERS = Number(process.env.BENCH_HELD_WORKERS ?? Math.max(2, Math.ceil(HELD / 18_000)));
let held = null;
if (HELD > 0) {
  held = await heldRun(HELD, HELD_WORKERS);
  console.log(`# sockets-held: ${held.total} sockets on ${held.workers} workers from ${held.holders} holder processes, connected in ${held.connectS.toFixed(1)} s (${held.retries} handshake(s) retried); broadcasts ${held.times.map((t) => t.toFixed(0)).join(", ")} ms`);
}

const m = (name, key) => median(results[name].map((r) => r[key]));
const row = (label, name) => `${label.padEnd(22)} p50 ${m(name, "p50").toFixed(2).padStart(7)} ms   p99 ${m(name, "p99").toFixed(2).padStart(7)} ms   ${m(name, "perS").toFixed(0).padStart(6)} broadcasts/s`;
if (RUN_PUBSUB) {
  console.log(`\nbroadcast to ${N} sockets on node A (medians of ${ROUNDS} round(s), ${BROADCASTS} broadcasts each):`);
  console.log(row("single-node (A→A)", "single-node"));
  console.log(row("redis pattern (B→A)", "redis-pattern"));
  console.log(row("redis topic (B→A)", "redis-topic"));
}
const h = (setup, k) => median(http[setup].map((r) => r[k]));
if (RUN_HTTP) {
  const hrow = (label, setup) => `${label.padEnd(24)} ${h(setup, "perCpuS").toFixed(0).padStart(7)} requests/CPU-s   ${h(setup, "rps").toFixed(0).padStart(6)} req/s`;
  console.log(`\nHTTP, same autocannon load (${HTTP_CONNECTIONS} connections, ${HTTP_SECONDS} s, saturated; medians of ${ROUNDS} round(s)):`);
  console.log(hrow("one process", "one"));
  console.log(hrow("2 workers", "cluster"));
  console.log(hrow("2 plain processes", "plain"));
  console.log(`# the cluster's primary (round robin of connections, IPC): ${h("cluster", "primaryCpuS").toFixed(2)} of ${h("cluster", "cpuS").toFixed(2)} server CPU-s`);
  console.log(`# at the same offered rate (autocannon overallRate, half of one process' saturated rate): one process ${h("one@rate", "perCpuS").toFixed(0)}, 2 workers ${h("cluster@rate", "perCpuS").toFixed(0)} requests/CPU-s (${(h("cluster@rate", "perCpuS") / h("one@rate", "perCpuS")).toFixed(2)}×)`);
  console.log(`# with ${HTTP_FEW_CONNECTIONS} connections (the figure's load until 2026-12-07; each process then finds fewer requests per wake-up, see the header): one process ${h("one@few", "perCpuS").toFixed(0)}, 2 workers ${h("cluster@few", "perCpuS").toFixed(0)} requests/CPU-s (${(h("cluster@few", "perCpuS") / h("one@few", "perCpuS")).toFixed(2)}×)`);
  console.log(`# a connection per request (Connection: close), saturated: one process ${h("one@close", "perCpuS").toFixed(0)}, 2 workers ${h("cluster@close", "perCpuS").toFixed(0)} (primary ${h("cluster@close", "primaryCpuS").toFixed(2)} of ${h("cluster@close", "cpuS").toFixed(2)} CPU-s), 2 workers under NODE_CLUSTER_SCHED_POLICY=none ${h("cluster-os@close", "perCpuS").toFixed(0)} requests/CPU-s (${(h("cluster@close", "perCpuS") / h("one@close", "perCpuS")).toFixed(2)}× and ${(h("cluster-os@close", "perCpuS") / h("one@close", "perCpuS")).toFixed(2)}×)`);
}
if (held) {
  console.log(`\nsockets-held ${held.total}`);
  console.log(`broadcast-all-ms ${held.ms.toFixed(0)}`);
  console.log(`rss-per-socket-kb ${held.rssPerSocketKb.toFixed(2)}`);
}
console.log("");
if (RUN_PUBSUB) {
  console.log(`ratio redis-broadcast single-node ${(m("single-node", "p50") / m("redis-pattern", "p50")).toFixed(2)}`);
  console.log(`ratio redis-broadcast-p99 single-node ${(m("single-node", "p99") / m("redis-pattern", "p99")).toFixed(2)}`);
  console.log(`ratio redis-broadcasts-per-s single-node ${(m("redis-pattern", "perS") / m("single-node", "perS")).toFixed(2)}`);
  console.log(`ratio redis-topic-broadcast single-node ${(m("single-node", "p50") / m("redis-topic", "p50")).toFixed(2)}`);
  console.log(`ratio redis-topic-broadcasts-per-s single-node ${(m("redis-topic", "perS") / m("single-node", "perS")).toFixed(2)}`);
}
if (RUN_HTTP) {
  console.log(`ratio cluster-cpu-per-request one-process ${(h("cluster", "perCpuS") / h("one", "perCpuS")).toFixed(2)}`);
  console.log(`ratio cluster-cpu-per-request two-processes ${(h("cluster", "perCpuS") / h("plain", "perCpuS")).toFixed(2)}`);
}
rmSync(DIST, { recursive: true, force: true });
process.exit(0);
