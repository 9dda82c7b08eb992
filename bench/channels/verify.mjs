// Before any measurement, each server (a fresh process) gets one official client: the
// `phoenix` package's Socket for Fawkes, socket.io-client with `transports: ["websocket"]` for
// Socket.IO, a plain `ws` client for the floor. It joins, the server broadcasts, and the
// client must receive the payload unchanged. The load itself comes from clients.mjs, which
// speaks each protocol by hand; this check is what says that hand-written speech is the
// protocol the real clients speak (same URL, same join, same frames).
import { isDeepStrictEqual } from "node:util";
import { Socket as PhoenixSocket } from "phoenix";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { BODY, BROADCAST, EVENT, JOINED, PROTOCOLS, TOPIC } from "./wire.mjs";

const SEQ = 1;
const TIMEOUT_MS = 5000;

/** Joins `TOPIC` with the official client; resolves with { received, close } once joined. */
const officialClients = {
  fawkes(port) {
    const url = PROTOCOLS.fawkes.url(port).replace(/\/websocket\?.*$/, "");
    const socket = new PhoenixSocket(url, { transport: WebSocket, reconnectAfterMs: () => 60_000 });
    socket.connect();
    const channel = socket.channel(TOPIC, {});
    const received = new Promise((resolve) => channel.on(EVENT, resolve));
    return new Promise((resolve, reject) => {
      channel
        .join()
        .receive("ok", () => resolve({ received, close: () => socket.disconnect() }))
        .receive("error", (e) => reject(new Error(`phoenix client: join refused ${JSON.stringify(e)}`)))
        .receive("timeout", () => reject(new Error("phoenix client: join timed out")));
    });
  },
  "socket.io"(port) {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false });
    const received = new Promise((resolve) => socket.on(EVENT, resolve));
    return new Promise((resolve, reject) => {
      socket.on("connect_error", (e) => reject(new Error(`socket.io-client: ${e.message}`)));
      socket.on("connect", () => socket.emit("join", TOPIC, () => resolve({ received, close: () => socket.close() })));
    });
  },
  ws(port) {
    const ws = new WebSocket(PROTOCOLS.ws.url(port));
    const received = new Promise((resolve) => ws.on("message", (data) => PROTOCOLS.ws.classify(data) === BROADCAST && resolve(PROTOCOLS.ws.payload(data))));
    return new Promise((resolve, reject) => {
      ws.on("error", reject);
      ws.on("open", () => PROTOCOLS.ws.open(ws));
      ws.on("message", (data) => PROTOCOLS.ws.classify(data) === JOINED && resolve({ received, close: () => ws.close() }));
    });
  },
};

/** Throws unless the official client joins and gets one broadcast from the server (`srv`). */
export async function verify(name, port, srv) {
  const timeout = (what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`${name}: ${what} took over ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref());
  const client = await Promise.race([officialClients[name](port), timeout("the official client's join")]);
  try {
    await srv.call({ cmd: "broadcast", seq: SEQ });
    const payload = await Promise.race([client.received, timeout("the broadcast to the official client")]);
    const expected = { seq: SEQ, t: payload?.t, body: BODY };
    if (!isDeepStrictEqual(payload, expected) || typeof payload.t !== "number") {
      throw new Error(`${name}: the official client received ${JSON.stringify(payload)}, expected ${JSON.stringify(expected)}`);
    }
  } finally {
    client.close();
  }
}
