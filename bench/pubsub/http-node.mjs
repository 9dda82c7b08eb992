// The HTTP server of the cluster figure: an endpoint plug answering every request with a short
// text, served by one process or by WORKERS node:cluster workers (the endpoint's `workers`
// option). Prints {"listening":port} once every worker listens. From dist/, as an app gets it.
import cluster from "node:cluster";
// The built package: main.mjs points FAWKES_BENCH_DIST at its snapshot of dist/.
const { defineEndpoint, halt, text } = await import(process.env.FAWKES_BENCH_DIST ?? "../../dist/runtime/index.js");

const endpoint = defineEndpoint({
  router: { match: () => null, dispatch: [] },
  plugs: [(conn) => halt(text(conn, "hello world\n"))],
});
const workers = Number(process.env.WORKERS ?? 1);
const { port } = await endpoint.start({ port: 0, host: "127.0.0.1", workers });
if (cluster.isPrimary) {
  process.stdout.write(JSON.stringify({ listening: port, pid: process.pid }) + "\n");
  if (workers === 1) process.once("SIGTERM", () => void endpoint.stop().then(() => process.exit(0)));
}
