// The load generator: autocannon's API in its own process, which main.mjs starts once, pinned
// to the core the servers are not on, and drives over IPC: one message per run, one summary
// back. One long-lived process (not a CLI per run) saves ~0.3 s of startup per run and keeps
// autocannon's own code warm, so every server meets the same, already-JIT-compiled client.
import autocannon from "autocannon";

process.on("message", ({ id, url, seconds, connections, headers }) => {
  // sampleInt 250 ms: autocannon only checks for the end of a run at sample ticks, so the
  // default 1 s would round a 2.5 s run up to 3 s.
  // headers: the page endpoint's session cookie (the same one on every request).
  autocannon({ url, connections, duration: seconds, sampleInt: 250, headers }, (error, r) => {
    if (error) return process.send({ id, error: String(error?.message ?? error) });
    process.send({
      id,
      rps: r.requests.total / r.duration, // completed requests over the measured wall time
      requests: r.requests.total,
      p50: r.latency.p50,
      p99: r.latency.p99,
      // What did not come back as a 2xx answer, as autocannon counts it (`errors` includes the
      // timeouts): main.mjs fails the whole bench on any of them.
      failed: { non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, resets: r.resets, mismatches: r.mismatches },
    });
  });
});
// The harness went away (or killed us): nothing left to do.
process.on("disconnect", () => process.exit(0));
