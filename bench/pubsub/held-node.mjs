// The server of the sockets-held figure: WORKERS node:cluster workers (PubSub over IPC), each
// holding its share of the sockets (one "bench:*" channel), and GET /broadcast?seq=n, answered
// by whichever worker takes it, which broadcasts {seq} to every socket in every worker and
// answers with the stamp taken just before. From dist/, as an app gets it.
import cluster from "node:cluster";
// The built package: main.mjs points FAWKES_BENCH_DIST at its snapshot of dist/.
const { defineChannel, defineEndpoint, defineSocket, halt, ok, socket, text } = await import(process.env.FAWKES_BENCH_DIST ?? "../../dist/runtime/index.js");
import { nowMs } from "../channels/wire.mjs";

const BenchChannel = defineChannel({ join: () => ok() });
const BenchSocket = defineSocket({ channels: { "bench:*": BenchChannel }, connect: () => true });
const endpoint = defineEndpoint({
  router: { match: () => null, dispatch: [] },
  plugs: [
    (conn) => {
      if (conn.requestPath !== "/broadcast") return conn;
      const seq = Number(new URLSearchParams(conn.queryString).get("seq"));
      const t = nowMs();
      endpoint.broadcast("bench:all", "msg", { seq });
      return halt(text(conn, String(t)));
    },
  ],
  sockets: [socket("/socket", BenchSocket, { websocket: true })],
  config: { logger: (m) => process.stderr.write(`[held ${process.pid}] ${m}\n`) },
});
const { port } = await endpoint.start({ port: 0, host: "127.0.0.1", workers: Number(process.env.WORKERS ?? 6) });
if (cluster.isPrimary) process.stdout.write(JSON.stringify({ listening: port }) + "\n");
