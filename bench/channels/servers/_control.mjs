// The control loop every server runs: main.mjs starts the server script in its own process
// (node --expose-gc, pinned to the server core) and drives it over IPC:
//   { cmd: "rss" }               → { rss, heapUsed } in bytes, after two full GCs
//   { cmd: "broadcast", seq }    → stamps the payload with the shared clock, broadcasts it to
//                                  TOPIC and replies { sendMs, sendCpuMs }: wall and CPU time
//                                  of the synchronous broadcast call, the server-only view of
//                                  its cost (CPU time holds up when others share the core)
// A server only supplies its port and a `broadcast(payload)` function; the payload, the stamp
// and everything around them are the same code for every server.
import { BODY, nowMs } from "../wire.mjs";

/** Announces `port` to the harness and serves its commands until it disconnects. */
export function control(name, port, broadcast) {
  if (typeof globalThis.gc !== "function") throw new Error(`${name}: run with node --expose-gc`);
  process.on("message", (m) => {
    try {
      process.send({ id: m.id, ...handle(m) });
    } catch (error) {
      process.send({ id: m.id, error: `${name}: ${error?.stack ?? error}` });
    }
  });
  function handle(m) {
    if (m.cmd === "rss") {
      // Two passes: the first can leave work (weak references, finalizers) for the second.
      globalThis.gc();
      globalThis.gc();
      const { rss, heapUsed } = process.memoryUsage();
      return { rss, heapUsed };
    }
    if (m.cmd === "broadcast") {
      // The stamp is taken before the server encodes anything, so encoding counts.
      const cpu = process.cpuUsage();
      const t = nowMs();
      broadcast({ seq: m.seq, t, body: BODY });
      const sendMs = nowMs() - t;
      const { user, system } = process.cpuUsage(cpu);
      return { sendMs, sendCpuMs: (user + system) / 1000 };
    }
    throw new Error(`unknown command ${JSON.stringify(m)}`);
  }
  process.on("disconnect", () => process.exit(0));
  process.send({ ready: true, port });
}
