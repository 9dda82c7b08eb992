// A client process of the sockets-held figure: opens `n` Phoenix V2 sockets from its own
// loopback source address, each joining "bench:all", heartbeats every 30 s, and reports over IPC:
//   { cmd: "connect", port, n, from } → { id, ms, retries } once all n have their join reply
//   { delivered: seq, first, last }   when broadcast `seq` has reached all n of its sockets
//                                     (first: when the first of them got it)
//   { error }                         a socket got a broadcast out of order or twice
//   { cmd: "status" } → { id, total, open, reached }  how many sockets got each broadcast (diagnosis)
//
// Each socket binds an explicit local port (FIRST_PORT, FIRST_PORT + 1, ... on its own address)
// instead of letting the kernel pick one: a bind to port 0 scans the ports already bound, so
// its cost grows with every socket — measured on one address, 0.05 ms of system time per
// connection at 2,000 sockets, 0.85 ms at 8,000 and climbing, where an explicit port stays at
// 0.07 ms. An explicit port that is taken (another process listens on it on 0.0.0.0) is skipped.
//
// Verified, not just counted: every broadcast frame's seq is read, and each socket must see
// 1, 2, 3, ... exactly once each, in order (one TCP stream); anything else is reported.
import WebSocket from "ws";
import { nowMs } from "../channels/wire.mjs";

const CONCURRENCY = 100;
const FIRST_PORT = 2_000;
const LAST_PORT = 65_535;
const sockets = [];
const reached = [];
const firsts = [];
let total = 0;
let nextPort = FIRST_PORT;
let failed = false;
/** Handshakes that failed and were opened again (reported with the connect reply). */
let retries = 0;
const MAX_RETRIES = 200;

process.on("message", async (m) => {
  if (m.cmd === "status") return process.send({ id: m.id, total, open: sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length, reached: reached.slice(1) });
  if (m.cmd !== "connect") return;
  try {
    const t0 = nowMs();
    await connectAll(m.port, m.n, m.from);
    process.send({ id: m.id, ms: nowMs() - t0, retries });
  } catch (error) {
    process.send({ id: m.id, error: `holder ${m.from}: ${error?.message ?? error}` });
  }
});
process.on("disconnect", () => process.exit(0));

const SEQ = '"seq":';

/** The seq of a broadcast frame `[null,null,"bench:all","msg",{"seq":12}]`, or -1. */
function seqOf(s) {
  const at = s.indexOf(SEQ);
  if (at < 0) return -1;
  let n = 0;
  for (let i = at + SEQ.length; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}

function fail(message) {
  if (failed) return;
  failed = true;
  process.send({ error: message });
}

function connectAll(port, n, from) {
  total += n;
  let started = 0;
  let joined = 0;
  return new Promise((resolve, reject) => {
    const open = () => {
      if (nextPort > LAST_PORT) return reject(new Error(`no local port left on ${from}`));
      const localPort = nextPort++;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0`, { perMessageDeflate: false, localAddress: from, localPort });
      let count = 0;
      let isJoined = false;
      let opened = false;
      ws.on("open", () => {
        opened = true;
        sockets.push(ws);
        ws.send('["1","1","bench:all","phx_join",{}]');
      });
      ws.on("message", (data) => {
        const s = data.toString();
        if (!isJoined) {
          if (!s.includes('"phx_reply"')) return;
          isJoined = true;
          if (++joined % 5_000 === 0) process.stderr.write(`# holder ${from}: ${joined} joined\n`);
          if (joined === n) resolve();
          else next();
          return;
        }
        if (!s.includes('"msg"')) return; // heartbeat replies
        const seq = seqOf(s);
        if (seq !== count + 1) return fail(`a socket from ${from}:${localPort} got broadcast ${seq} after ${count}: lost, duplicated or reordered`);
        count = seq;
        const r = (reached[seq] ?? 0) + 1;
        reached[seq] = r;
        if (r === 1) firsts[seq] = nowMs();
        if (r === total) process.send({ delivered: seq, first: firsts[seq], last: nowMs() });
      });
      ws.on("error", (e) => {
        // The port is someone else's: take the next one.
        if (!opened && e.code === "EADDRINUSE") return open();
        if (!isJoined) return retry(`${e.message}`);
        fail(`a joined socket from ${from}:${localPort} failed: ${e.message}`);
      });
      ws.on("close", (code) => {
        if (isJoined) fail(`a joined socket from ${from}:${localPort} closed (${code})`);
        else if (opened) retry(`closed (${code}) before its join reply`);
      });
      let retried = false;
      const retry = (why) => {
        if (retried) return;
        retried = true;
        // On a box this busy, a handshake can wait past the server's 60 s headersTimeout (408):
        // such a socket is opened again, a few times at most, and the count reported.
        if (++retries > MAX_RETRIES) return reject(new Error(`socket ${sockets.length} from ${from}:${localPort}: ${why} (after ${MAX_RETRIES} retries in this holder)`));
        ws.terminate();
        open();
      };
    };
    const next = () => {
      if (started === n) return;
      started++;
      open();
    };
    for (let i = 0; i < Math.min(CONCURRENCY, n); i++) next();
  });
}

let ref = 0;
setInterval(() => {
  for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(`[null,"${++ref}","phoenix","heartbeat",{}]`);
}, 30_000).unref();
