// One node of the multi-node tests, as its own process (`node --import tsx pubsub-node.ts`):
// an endpoint with a `room:*` channel and a few control routes, PubSub from the environment
// (REDIS_URL / FAWKES_PUBSUB) or `PUBSUB_STRATEGY` for redisPubSub's subscribe option, and
// `WORKERS` for node:cluster workers. Prints `{"listening":port,"pid":pid}` on stdout once it
// serves; logs go to stderr, one line each, prefixed with the pid.
//   GET /broadcast?topic=t&event=e&n=1[&size=N]  endpoint.broadcast (payload {n, pid[, pad: N bytes]})
//   GET /pid                             the serving process' pid
//   GET /ipc-junk                        (a worker) sends the primary an IPC pubsub message Fawkes did not write

import cluster from "node:cluster";
import { defineChannel, defineEndpoint, defineSocket, halt, ok, redisPubSub, socket, text, type Conn } from "../../runtime/index.js";

const log = (m: string, e?: unknown) => process.stderr.write(`[${cluster.isPrimary ? "primary" : "worker"} ${process.pid}] ${m}${e === undefined ? "" : ` (${(e as Error)?.message ?? String(e)})`}\n`);

const Room = defineChannel({
  join: (topic) => ok({ pid: process.pid, topic }),
  handleIn(event, payload, socket) {
    if (event === "shout") socket.broadcast("shout", { ...payload, pid: process.pid });
    else if (event === "shout_from") socket.broadcastFrom("shout", { ...payload, pid: process.pid });
    else if (event === "bin") socket.broadcast("bin", Buffer.from(String(payload.text ?? "")));
    return ok({ pid: process.pid });
  },
});

const NodeSocket = defineSocket({ channels: { "room:*": Room }, connect: () => true });

function control(conn: Conn): Conn {
  const q = new URLSearchParams(conn.queryString);
  switch (conn.requestPath) {
    case "/broadcast":
      endpoint.broadcast(q.get("topic") ?? "room:a", q.get("event") ?? "news", { n: Number(q.get("n") ?? 0), pid: process.pid, ...(q.has("size") ? { pad: "x".repeat(Number(q.get("size"))) } : {}) });
      return halt(text(conn, "ok"));
    case "/pid":
      return halt(text(conn, String(process.pid)));
    case "/ipc-junk":
      process.send?.({ fawkes: "pubsub", data: "this is not from fawkes" });
      process.send?.({ fawkes: "mystery", data: 1 });
      return halt(text(conn, "sent"));
    case "/hello":
      return halt(text(conn, "hello"));
    default:
      return conn;
  }
}

const strategy = process.env.PUBSUB_STRATEGY as "pattern" | "topic" | undefined;
const endpoint = defineEndpoint({
  router: { match: () => null, dispatch: [] },
  plugs: [control],
  sockets: [socket("/socket", NodeSocket, { websocket: { maxBuffered: Number(process.env.MAX_BUFFERED ?? 8 * 1024 * 1024) } })],
  config: { logger: log, checkOrigin: false },
  pubsub: strategy ? redisPubSub({ url: process.env.REDIS_URL, subscribe: strategy }) : undefined,
});

const { port } = await endpoint.start({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1", workers: (process.env.WORKERS as "auto" | undefined) ?? 1 });
if (cluster.isPrimary) process.stdout.write(JSON.stringify({ listening: port, pid: process.pid }) + "\n");
if (cluster.isPrimary && !process.env.WORKERS) {
  // A single process: stop cleanly on SIGTERM (workers and their primary handle it themselves).
  process.once("SIGTERM", () => void endpoint.stop().then(() => process.exit(0)));
}
