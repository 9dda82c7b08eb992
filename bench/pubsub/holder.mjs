// A client process of the sockets-held figure: opens `n` Phoenix V2 sockets from its own
// loopback source address (one address has ~28k ephemeral ports towards one server port),
// each joining "bench:all", heartbeats every 30 s, and reports over IPC:
//   { cmd: "connect", port, n, from } → { id, ms } once all n have their join reply
//   { delivered: seq, last }          when broadcast `seq` has reached all n of its sockets
import WebSocket from "ws";
import { nowMs } from "../channels/wire.mjs";

const CONCURRENCY = 50;
const sockets = [];
const reached = [];
let total = 0;

process.on("message", async (m) => {
  if (m.cmd !== "connect") return;
  try {
    const t0 = nowMs();
    await connectAll(m.port, m.n, m.from);
    process.send({ id: m.id, ms: nowMs() - t0 });
  } catch (error) {
    process.send({ id: m.id, error: `holder ${m.from}: ${error?.message ?? error}` });
  }
});
process.on("disconnect", () => process.exit(0));

function connectAll(port, n, from) {
  total += n;
  let started = 0;
  let joined = 0;
  return new Promise((resolve, reject) => {
    const next = () => {
      if (started === n) return;
      started++;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0`, { perMessageDeflate: false, localAddress: from });
      let count = 0;
      let isJoined = false;
      sockets.push(ws);
      ws.on("open", () => ws.send('["1","1","bench:all","phx_join",{}]'));
      ws.on("message", (data) => {
        const s = data.toString();
        if (!isJoined && s.includes('"phx_reply"')) {
          isJoined = true;
          if (++joined === n) resolve();
          else next();
          return;
        }
        if (s.includes('"msg"')) {
          const c = ++count;
          reached[c] = (reached[c] ?? 0) + 1;
          if (reached[c] === total) process.send({ delivered: c, last: nowMs() });
        }
      });
      ws.on("error", (e) => reject(new Error(`socket ${sockets.length} from ${from}: ${e.message}`)));
      ws.on("close", (code) => !isJoined && reject(new Error(`a socket closed (${code}) before its join reply`)));
    };
    for (let i = 0; i < Math.min(CONCURRENCY, n); i++) next();
  });
}

let ref = 0;
setInterval(() => {
  for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(`[null,"${++ref}","phoenix","heartbeat",{}]`);
}, 30_000).unref();
