// `npm run bench:channels`: N sockets joined to one topic, N = 1,000 and 10,000, for Fawkes'
// channels against raw `ws` with a hand-written broadcast (the floor) and Socket.IO 4 rooms:
//   broadcast-N           ms from the server's stamp on one broadcast to its receipt by the
//                         last of the N sockets (median of several, after warm-ups)
//   broadcasts-per-s-10k  sustained: SUSTAINED broadcasts with WINDOW in flight, as
//                         delivered messages/s = N × broadcasts / (last receipt − first stamp)
//   rss-per-socket        server RSS with 10k sockets joined minus its RSS before the first
//                         connection, over 10k (both after two full GCs)
// Method after /work/shared/reference/perf-macro.md: each server in its own process on CPU 0,
// every socket in one client-driver process (clients.mjs, raw `ws` speaking each protocol by
// hand) on CPU 1, both with the fd limit raised (procs.mjs). A fresh server and a fresh client
// process for every (round, server, N); the server order rotates every round and reverses every
// other one; medians over rounds. BENCH_ROUNDS=n sets the rounds, BENCH_QUICK=1 a smoke run.
// Prints the raw medians per server, then one `ratio <figure> <peer> <x>` line per comparison,
// last; every ratio reads "above 1 = Fawkes better".

import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { boxTicks, canPin, processTicks, spawnNode, stop, waitFor } from "./procs.mjs";
import { median, printReport } from "./report.mjs";
import { verify } from "./verify.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const QUICK = process.env.BENCH_QUICK === "1";
// Per (round, server): 1k ≈ 3 s (51 broadcasts of 20–40 ms); 10k ≈ 4–8 s to connect,
// 12 × ~0.2 s, 40 broadcasts at 5–8/s and teardown ≈ 15 s. 3 servers × 3 rounds ≈ 2.5–3 min,
// plus waits and repeats (bounded below) on a busy box.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`# BENCH_ROUNDS must be a whole number, 1 or more; got ${JSON.stringify(process.env.BENCH_ROUNDS)}`);
  process.exit(1);
}
const SIZES = [1_000, 10_000];
/**
 * Warm-up broadcasts, dropped: enough for 30k sends at either size. Measured on a quiet box at
 * 1k, Fawkes' send loop took 20–38 ms for its first ~6 broadcasts (its deeper call path is
 * still being optimized) and 9–12 ms after, like raw ws; 3 warm-ups left it half cold.
 */
const warmup = (n) => (QUICK ? 2 : Math.ceil(30_000 / n));
/** Measured broadcasts: more at 1k, where they are short and vary more (the client sets the pace). */
const singles = (n) => (QUICK ? 5 : n < 10_000 ? 21 : 9);
/**
 * Sustained: the harness issues the broadcasts, a new one as soon as the one WINDOW back has
 * reached every socket: the same flow control for all three servers, driven by what clients
 * actually received, not by any server's own notion of backpressure. At most WINDOW frames
 * (~16 × 130 B = 2 kB) are ever outstanding per socket, far below what a loopback socket's
 * kernel buffers hold (tcp_wmem starts at 16 kB, tcp_rmem at 128 kB), so no server has to pile
 * frames up in user space, and memory stays bounded whatever a server does. Measured on raw ws
 * (quiet box): 4 in flight (perf-macro.md's choice) left both cores partly idle, ~60k msgs/s
 * at 89/67% server/client CPU; 16 reached ~75k at 94/90%. 40 broadcasts at 10k take 5–8 s.
 */
const SUSTAINED = QUICK ? 10 : 40;
const WINDOW = 16;
const SERVER_CPU = 0;
const CLIENT_CPU = 1;
/** A measurement during which the rest of the box used more than this share of a core is "crowded". */
const NOISY = 25;
// Before each measured phase, wait for a quiet moment (up to 5 s each, 30 s in all).
// A crowded measurement is repeated once (6 repeats in all, uncrowded()).
const WAIT_MS = QUICK ? 0 : 30_000;
const MAX_RETRIES = QUICK ? 0 : 6;
/** Generous: socket.io took ~175 ms per broadcast at 10k in perf-macro.md. */
const DELIVERY_TIMEOUT_MS = 30_000;

const SERVERS = [
  { name: "fawkes", file: here("servers/fawkes.mjs") },
  { name: "ws", file: here("servers/ws.mjs") },
  { name: "socket.io", file: here("servers/socket-io.mjs") },
];
const PEERS = ["ws", "socket.io"];

if (!existsSync(here("../../dist/runtime/index.js"))) {
  console.error("# dist/ is missing: run `node scripts/build.mjs` first (npm run bench:channels does)");
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU of the server, the clients and everything else over a stretch of the run, in % of a core. */
function cpuMeter(srvPid, cliPid) {
  const t0 = Date.now();
  const srv0 = processTicks(srvPid), cli0 = processTicks(cliPid), self0 = processTicks(process.pid), box0 = boxTicks();
  return () => {
    const ticks = ((Date.now() - t0) / 1000) * 100; // 100 ticks per second of wall time
    const srv = processTicks(srvPid) - srv0, cli = processTicks(cliPid) - cli0;
    const foreign = boxTicks() - box0 - srv - cli - (processTicks(process.pid) - self0);
    return { srvCpu: (100 * srv) / ticks, cliCpu: (100 * cli) / ticks, foreign: Math.max(0, (100 * foreign) / ticks) };
  };
}

let waitLeft = WAIT_MS;
let retries = 0;
/** Waits until the box (our children idle) used at most NOISY% of a core over 150 ms. */
async function waitForQuiet() {
  const until = Date.now() + 5000;
  while (waitLeft > 0 && Date.now() < until) {
    const t0 = Date.now();
    const before = boxTicks();
    await sleep(150);
    const busy = (100 * (boxTicks() - before)) / ((Date.now() - t0) / 10);
    if (busy <= NOISY) return;
    waitLeft -= Date.now() - t0;
  }
}

/** One broadcast from the server; resolves when the client driver has seen it reach all n. */
async function broadcast(srv, cli, seq, n) {
  const delivered = waitFor(cli, (m) => m.delivered === seq, DELIVERY_TIMEOUT_MS, `broadcast ${seq} to reach all ${n} sockets`);
  const [{ sendMs, sendCpuMs }, d] = await Promise.all([srv.call({ cmd: "broadcast", seq }), delivered]);
  return { ms: d.last - d.t, firstMs: d.first - d.t, sendMs, sendCpuMs, t: d.t, last: d.last };
}

/** SUSTAINED broadcasts, a new one whenever the one WINDOW back has reached everyone. */
async function sustained(srv, cli, fromSeq, n) {
  const done = [];
  for (let k = 0; k < SUSTAINED; k++) {
    if (k >= WINDOW) await done[k - WINDOW];
    done[k] = broadcast(srv, cli, fromSeq + k, n);
    done[k].catch(() => {}); // awaited below; this only keeps a failure from being "unhandled" meanwhile
  }
  const all = await Promise.all(done);
  const seconds = (all.at(-1).last - all[0].t) / 1000;
  return { msgsPerS: (n * SUSTAINED) / seconds, perS: SUSTAINED / seconds };
}

/**
 * Runs `measure` (which returns { ..., cpu }); a crowded measurement is repeated once on the
 * same sockets (MAX_RETRIES in all) and the less crowded of the two kept: reconnecting 10k
 * sockets would cost more than the measurement itself.
 */
async function uncrowded(measure) {
  await waitForQuiet();
  let r = await measure();
  if (r.cpu.foreign > NOISY && retries < MAX_RETRIES) {
    retries++;
    await waitForQuiet();
    const again = await measure();
    if (again.cpu.foreign < r.cpu.foreign) r = again;
  }
  return r;
}

/** Starts a server process; resolves with it and its port once it listens. */
async function startServer(server) {
  const srv = spawnNode(SERVER_CPU, ["--expose-gc", server.file]);
  try {
    const { port } = await waitFor(srv, (m) => m.ready, 15_000, `${server.name} to listen`);
    return { srv, port };
  } catch (error) {
    await stop(srv.child);
    throw error;
  }
}

/** One fresh server and one fresh client process: connect n, then measure. */
async function run(server, n) {
  const { srv, port } = await startServer(server);
  try {
    const cli = spawnNode(CLIENT_CPU, [here("clients.mjs")]);
    let dropped = 0;
    cli.listen((m) => m.dropped !== undefined && dropped++);
    try {
      const before = await srv.call({ cmd: "rss" });
      const { ms: connectMs } = await cli.call({ cmd: "connect", proto: server.name, port, n });
      const after = await srv.call({ cmd: "rss" });
      let seq = 0;
      const meter = () => cpuMeter(srv.child.pid, cli.child.pid);
      const single = await uncrowded(async () => {
        const cpu = meter();
        const bs = [];
        for (let i = 0; i < warmup(n) + singles(n); i++) {
          const b = await broadcast(srv, cli, ++seq, n);
          if (i >= warmup(n)) bs.push(b);
          await sleep(20); // let both sides go idle: each broadcast starts from the same state
        }
        return {
          ms: median(bs.map((b) => b.ms)),
          firstMs: median(bs.map((b) => b.firstMs)),
          sendMs: median(bs.map((b) => b.sendMs)),
          sendCpuMs: median(bs.map((b) => b.sendCpuMs)),
          cpu: cpu(),
        };
      });
      const r = {
        server: server.name,
        n,
        ...single,
        rssPerSocket: (after.rss - before.rss) / n,
        heapPerSocket: (after.heapUsed - before.heapUsed) / n,
        connectPerS: n / (connectMs / 1000),
      };
      if (n === 10_000) {
        r.sustained = await uncrowded(async () => {
          const cpu = meter();
          const s = await sustained(srv, cli, seq + 1, n);
          seq += SUSTAINED;
          return { ...s, cpu: cpu() };
        });
      }
      if (dropped) throw new Error(`${server.name}: ${dropped} sockets closed during the run`);
      return r;
    } finally {
      await stop(cli.child);
    }
  } finally {
    await stop(srv.child);
  }
}

// --- rounds ---
header();
const started = Date.now();
for (const server of SERVERS) {
  const { srv, port } = await startServer(server);
  try {
    await verify(server.name, port, srv);
  } finally {
    await stop(srv.child);
  }
}
console.log("# verified: each server's broadcast reaches its official client (phoenix, socket.io-client, ws) unchanged");
const runs = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length]);
  if (round % 2 === 1) order.reverse();
  process.stdout.write(`# round ${round + 1}/${ROUNDS}: ${order.map((s) => s.name).join(", ")} `);
  for (const server of order) {
    for (const n of SIZES) runs.push({ round, ...(await run(server, n)) });
    process.stdout.write(".");
  }
  process.stdout.write("\n");
}

// --- results ---
printReport(runs, {
  servers: SERVERS.map((s) => s.name),
  peers: PEERS,
  noisy: NOISY,
  method: [
    `# 1k/10k ms: median over rounds of the median over ${singles(1_000)} (1k) or ${singles(10_000)} (10k) broadcasts (after ${warmup(1_000)} or ${warmup(10_000)} warm-ups) of server stamp → receipt by the last socket; send: the server's synchronous broadcast call (cpu: its CPU time, steadier on a busy box); first: stamp → first receipt`,
    `# 10k msgs/s: ${SUSTAINED} broadcasts with ${WINDOW} in flight, N × broadcasts / (last receipt − first stamp); bcast/s the same over N; srv/cli CPU: % of a core meanwhile`,
  ],
  notes: [
    retries ? `# ${retries} crowded measurement(s) were repeated on the same sockets (the less crowded kept)` : "",
    WAIT_MS - waitLeft > 1000 ? `# waited ${((WAIT_MS - waitLeft) / 1000).toFixed(0)} s in all for quiet moments before runs` : "",
    `# total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  ].filter(Boolean),
});

function header() {
  const version = (pkg) => {
    try {
      return JSON.parse(readFileSync(here(`../../node_modules/${pkg}/package.json`), "utf8")).version;
    } catch {
      return "?";
    }
  };
  console.log(`# bench:channels  node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
  console.log(`# ws ${version("ws")}, socket.io ${version("socket.io")} (engine.io ${version("engine.io")}); clients: raw ws speaking each protocol`);
  console.log(`# ${ROUNDS} round(s); N = ${SIZES.join(", ")}; ${warmup(1_000)} + ${singles(1_000)} single broadcasts at 1k, ${warmup(10_000)} + ${singles(10_000)} at 10k, ${SUSTAINED} sustained at 10k${QUICK ? " (BENCH_QUICK)" : ""}`);
  console.log(canPin
    ? `# servers pinned to CPU ${SERVER_CPU}, clients to CPU ${CLIENT_CPU} (taskset)`
    : "# taskset missing or not permitted: servers and clients run unpinned and share both cores");
}
