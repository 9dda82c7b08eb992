// Preloaded into the soak's server process (`node --import ./scripts/soak-probe.mjs server.mjs`):
// reports what the soak measures from inside the server, over the IPC channel the soak opened,
// once per SOAK_SAMPLE_MS (default 1 s): RSS, heap and V8 space sizes, open file descriptors,
// active handles, and the event-loop delay (monitorEventLoopDelay) of the last interval and since
// the load began ("soak:start"). On "soak:gc" it forces a full GC (the server runs with
// --expose-gc) and sends one more sample, marked afterGc. Without an IPC channel (run by hand) it
// does nothing. It touches nothing of the app.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { readdirSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

if (typeof process.send === "function") {
  const ms = Number(process.env.SOAK_SAMPLE_MS ?? 1000);
  // A 10 ms timer (Node's default resolution); the histograms record the time between its
  // ticks, so the delay is that minus the 10 ms asked for.
  const RESOLUTION = 10;
  const total = monitorEventLoopDelay({ resolution: RESOLUTION });
  const recent = monitorEventLoopDelay({ resolution: RESOLUTION });
  total.enable();
  recent.enable();
  const msOf = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION) * 100) / 100);
  const fds = () => {
    try {
      return readdirSync("/proc/self/fd").length;
    } catch {
      return -1;
    }
  };
  const sample = (afterGc = false) => {
    const m = process.memoryUsage();
    const message = {
      soakProbe: true,
      afterGc,
      at: Date.now(),
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      fds: fds(),
      handles: process.getActiveResourcesInfo().length,
      // Committed bytes per V8 space (new_space, old_space, code_space, large_object_space...).
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size])),
      // This interval's delay, and the histogram since "soak:start" (startup excluded).
      eld: { p99: msOf(recent.percentile(99)), max: msOf(recent.max) },
      eldTotal: { p50: msOf(total.percentile(50)), p99: msOf(total.percentile(99)), max: msOf(total.max), mean: msOf(total.mean), count: total.count },
    };
    recent.reset();
    try {
      process.send(message);
    } catch {
      // The soak went away: nothing left to report to.
    }
  };
  const timer = setInterval(() => sample(), ms);
  timer.unref();
  process.on("message", (m) => {
    if (m === "soak:start") total.reset();
    else if (m === "soak:sample") sample();
    else if (m === "soak:gc") {
      // A full collection (the server runs with --expose-gc), then a sample once V8 has swept
      // and handed back what it freed: what the server keeps, without the GC's sawtooth.
      globalThis.gc?.();
      setTimeout(() => {
        globalThis.gc?.();
        setTimeout(() => sample(true), 1000);
      }, 100);
    }
  });
  // The IPC channel must not keep the server alive once the endpoint has stopped.
  process.channel?.unref();
}
