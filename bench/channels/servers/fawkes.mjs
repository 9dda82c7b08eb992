// Fawkes: one socket at /socket with one channel that accepts every join to "bench:*". A
// broadcast goes through the endpoint's fastlane: encoded once, the same frame to every
// subscriber. Imported from the built package (dist/), as an application would get it.
import { defineChannel, defineEndpoint, defineSocket, ok, socket } from "../../../dist/runtime/index.js";
import { EVENT, TOPIC } from "../wire.mjs";
import { control } from "./_control.mjs";

const BenchChannel = defineChannel({ join: () => ok() });
const BenchSocket = defineSocket({ channels: { "bench:*": BenchChannel }, connect: () => true });
const endpoint = defineEndpoint({
  router: { match: () => null, dispatch: [] },
  sockets: [socket("/socket", BenchSocket, { websocket: true })],
});

const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
control("fawkes", port, (payload) => endpoint.broadcast(TOPIC, EVENT, payload));
