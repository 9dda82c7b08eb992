// One Fawkes node for bench:pubsub, as bench:channels' Fawkes server (one socket, a channel
// that accepts every "bench:*" join, the control loop over IPC) plus its PubSub from the
// environment: REDIS_URL with PUBSUB_STRATEGY ("pattern" | "topic"), or none (single node).
// Imported from the built package (dist/), as an application would get it.
// The built package: main.mjs points FAWKES_BENCH_DIST at its snapshot of dist/.
const { defineChannel, defineEndpoint, defineSocket, ok, redisPubSub, socket } = await import(process.env.FAWKES_BENCH_DIST ?? "../../dist/runtime/index.js");
import { EVENT, TOPIC } from "../channels/wire.mjs";
import { control } from "../channels/servers/_control.mjs";

const BenchChannel = defineChannel({ join: () => ok() });
const BenchSocket = defineSocket({ channels: { "bench:*": BenchChannel }, connect: () => true });
const url = process.env.REDIS_URL;
const endpoint = defineEndpoint({
  router: { match: () => null, dispatch: [] },
  sockets: [socket("/socket", BenchSocket, { websocket: true })],
  pubsub: url ? redisPubSub({ url, subscribe: process.env.PUBSUB_STRATEGY ?? "pattern" }) : undefined,
  config: { logger: (m, e) => process.stderr.write(`[bench node ${process.pid}] ${m}${e ? ` ${e.message ?? e}` : ""}\n`) },
});

const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
control("fawkes", port, (payload) => endpoint.broadcast(TOPIC, EVENT, payload));
