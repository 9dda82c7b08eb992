// What servers and clients agree on: the topic, the payload, the clock, and each server's wire
// protocol as the client driver speaks it. Every system is driven by the same raw `ws` clients
// speaking its protocol by hand (perf-macro.md's method), so client-side cost is the same for
// all three and the comparison is about the servers. (The official phoenix and socket.io-client
// packages cost several times more per socket and would make the client core the bottleneck
// for some servers and not others.)

export const TOPIC = "bench:all";
export const EVENT = "msg";

/**
 * ~60 B of text so that each frame on the wire is 100–130 B, the size perf-macro.md measured
 * with: payload `{"seq":12,"t":8406998.031766,"body":"..."}`.
 */
export const BODY = "one broadcast to every subscriber, encoded once, 60 bytes..";

/**
 * The one clock of the bench, in milliseconds: CLOCK_MONOTONIC (libuv's `uv_hrtime`), which on
 * Linux is one clock for every process on the box, so the server's stamp and the client's
 * receipt time can be subtracted with no IPC hop in between.
 */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// Frame kinds a protocol's `classify` returns.
export const OTHER = 0;
export const JOINED = 1;
export const BROADCAST = 2;

const startsWith = (data, prefix) => {
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix.charCodeAt(i)) return false;
  return true;
};

/**
 * Per server: the URL, what to send once the socket is open, how to classify an incoming frame
 * (answering protocol chatter such as pings on the way), and how to read the payload of a
 * broadcast. `classify` looks at the first bytes only: it runs for every delivered message, and
 * the driver parses one frame per broadcast, not one per delivery (see clients.mjs).
 */
export const PROTOCOLS = {
  // The floor's own protocol: join and its reply, then broadcasts as {"topic","event","payload"}.
  ws: {
    url: (port) => `ws://127.0.0.1:${port}/`,
    open: (ws) => ws.send(JSON.stringify({ join: TOPIC })),
    classify(data) {
      if (startsWith(data, '{"topic"')) return BROADCAST;
      if (startsWith(data, '{"joined"')) return JOINED;
      return OTHER;
    },
    payload: (data) => JSON.parse(data).payload,
  },

  // Engine.IO 4 over the websocket transport only (what `transports: ["websocket"]` does):
  // `0{handshake}` → `40` (connect to "/") → `40{sid}` → `420["join",topic]` → ack `430[]`;
  // pings `2` are answered with `3`; broadcasts arrive as `42["msg",{...}]`.
  "socket.io": {
    url: (port) => `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
    open: () => {},
    classify(data, ws) {
      if (startsWith(data, '42["')) return BROADCAST;
      if (startsWith(data, "430")) return JOINED;
      if (data.length === 1 && data[0] === 0x32) ws.send("3");
      else if (startsWith(data, "0{")) ws.send("40");
      else if (startsWith(data, "40{")) ws.send(`420${JSON.stringify(["join", TOPIC])}`);
      else if (startsWith(data, "44")) throw new Error(`socket.io refused the connection: ${data}`);
      return OTHER;
    },
    payload: (data) => JSON.parse(String(data).slice(2))[1],
  },

  // Phoenix V2 JSON serializer: [join_ref, ref, topic, event, payload].
  fawkes: {
    url: (port) => `ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0`,
    open: (ws) => ws.send(JSON.stringify(["1", "1", TOPIC, "phx_join", {}])),
    classify(data) {
      if (startsWith(data, "[null,null,")) return BROADCAST;
      if (startsWith(data, '["1","1",')) {
        const [, , , event, payload] = JSON.parse(data);
        if (event === "phx_reply" && payload.status === "ok") return JOINED;
        throw new Error(`join refused: ${data}`);
      }
      return OTHER; // heartbeat replies
    },
    payload: (data) => JSON.parse(data)[4],
    heartbeat: (ws, ref) => ws.send(`[null,"${ref}","phoenix","heartbeat",{}]`),
  },
};
