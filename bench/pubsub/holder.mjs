// A client process of the sockets-held figure: opens `n` Phoenix V2 sockets from its own
// loopback source address, each joining "bench:all", heartbeats every 30 s, and reports over IPC:
//   { cmd: "connect", port, n, from } → { id, ms, retries } once all n have their join reply
//   { delivered: seq, first, last }   when broadcast `seq` has reached all n of its sockets
//                                     (first: when the first of them got it)
//   { error }                         a socket got a broadcast out of order or twice, or closed
//   { cmd: "status" } → { id, total, open, reached }  how many sockets got each broadcast (diagnosis)
//
// A lean WebSocket client written for this bench, not `ws`: with 100,000 sockets the clients
// are half the CPU of one broadcast, and ws' per-message path (a Writable stream per socket,
// a Buffer per message, events) measured 17 µs per delivery. This one does the RFC 6455 client
// side that the bench needs and checks what it relies on: the 101 answer and its
// Sec-WebSocket-Accept, masked frames out (join, heartbeats), unmasked frames in, read from the
// socket's chunks as they come (a frame split across chunks, or several in one, both handled);
// any other opcode than text, or a close, ends the run with an error.
//
// Each socket binds an explicit local port (FIRST_PORT, FIRST_PORT + 1, ... on its own address)
// instead of letting the kernel pick one: a bind to port 0 scans the ports already bound, so
// its cost grows with every socket — measured on one address, 0.05 ms of system time per
// connection at 2,000 sockets, 0.85 ms at 8,000 and climbing, where an explicit port stays at
// 0.07 ms. An explicit port that is taken (another process listens on it on 0.0.0.0) is skipped.
//
// Verified, not just counted: every broadcast frame's seq is read, and each socket must see
// 1, 2, 3, ... exactly once each, in order (one TCP stream); anything else is reported.
import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";
import { nowMs } from "../channels/wire.mjs";

const CONCURRENCY = 100;
const FIRST_PORT = 2_000;
const LAST_PORT = 65_535;
/** Handshakes that failed and were opened again (reported with the connect reply). */
const MAX_RETRIES = 200;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const SEQ = Buffer.from('"seq":');
const MSG = Buffer.from('"msg"');
const REPLY = Buffer.from('"phx_reply"');
const HEAD_END = Buffer.from("\r\n\r\n");

const sockets = [];
const reached = [];
const firsts = [];
let total = 0;
let nextPort = FIRST_PORT;
let failed = false;
let retries = 0;

process.on("message", async (m) => {
  if (m.cmd === "status") return process.send({ id: m.id, total, open: sockets.filter((s) => s.open).length, reached: reached.slice(1) });
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

function fail(message) {
  if (failed) return;
  failed = true;
  process.send({ error: message });
}

/** One masked client text frame (RFC 6455 §5.3). */
function clientFrame(text) {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("the holder only sends short frames");
  const mask = randomBytes(4);
  const out = Buffer.allocUnsafe(6 + payload.length);
  out[0] = 0x81;
  out[1] = 0x80 | payload.length;
  mask.copy(out, 2);
  for (let i = 0; i < payload.length; i++) out[6 + i] = payload[i] ^ mask[i & 3];
  return out;
}

/** The digits after `"seq":` in a frame's payload, or -1. */
function seqOf(buf, start, end) {
  const at = buf.indexOf(SEQ, start);
  if (at < 0 || at >= end) return -1;
  let n = 0;
  for (let i = at + SEQ.length; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}

class Client {
  constructor(port, from, localPort, onJoined, onFailed) {
    this.from = from;
    this.localPort = localPort;
    this.onJoined = onJoined;
    this.onFailed = onFailed;
    this.key = randomBytes(16).toString("base64");
    this.open = false; // the 101 arrived
    this.joined = false;
    this.count = 0; // broadcasts received
    this.pending = null; // bytes of an incomplete frame (or of the HTTP head)
    this.done = false; // closed or failed
    this.socket = connect({ host: "127.0.0.1", port, localAddress: from, localPort });
    this.socket.setNoDelay(true);
    this.socket.on("connect", () => this.socket.write(`GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    this.socket.on("data", (chunk) => this.data(chunk));
    this.socket.on("error", (e) => this.closed(e));
    this.socket.on("close", () => this.closed(null));
  }

  where() {
    return `${this.from}:${this.localPort}`;
  }

  send(text) {
    this.socket.write(clientFrame(text));
  }

  data(chunk) {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    if (!this.open) {
      const end = buf.indexOf(HEAD_END);
      if (end < 0) return void (this.pending = buf);
      const head = buf.toString("latin1", 0, end);
      const accept = createHash("sha1").update(this.key + GUID).digest("base64");
      if (!head.startsWith("HTTP/1.1 101 ")) return this.refused(head.split("\r\n")[0]);
      const line = head.split("\r\n").find((l) => l.toLowerCase().startsWith("sec-websocket-accept:"));
      if (line?.slice("sec-websocket-accept:".length).trim() !== accept) return this.refused("a 101 without the right Sec-WebSocket-Accept");
      this.open = true;
      this.send('["1","1","bench:all","phx_join",{}]');
      at = end + 4;
    }
    while (at < buf.length) {
      if (buf.length - at < 2) break;
      const op = buf[at] & 0x0f;
      let len = buf[at + 1] & 0x7f;
      let head = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6);
        head = 10;
      }
      if (buf.length - at < head + len) break;
      const start = at + head;
      const end = start + len;
      at = end;
      if (op !== 0x1 || (buf[start - head] & 0x80) === 0) {
        if (op === 0x8) return this.closed(new Error(`the server closed the socket (code ${len >= 2 ? buf.readUInt16BE(start) : "none"})`));
        return fail(`a socket from ${this.where()} got a frame with opcode ${op} (or a fragment): the holder reads final text frames only`);
      }
      this.frame(buf, start, end);
    }
    if (at < buf.length) this.pending = buf.subarray(at);
  }

  frame(buf, start, end) {
    if (!this.joined) {
      const r = buf.indexOf(REPLY, start);
      if (r < 0 || r >= end) return;
      this.joined = true;
      sockets.push(this);
      return this.onJoined();
    }
    const m = buf.indexOf(MSG, start);
    if (m < 0 || m >= end) return; // heartbeat replies
    const seq = seqOf(buf, start, end);
    if (seq !== this.count + 1) return fail(`a socket from ${this.where()} got broadcast ${seq} after ${this.count}: lost, duplicated or reordered`);
    this.count = seq;
    const n = (reached[seq] ?? 0) + 1;
    reached[seq] = n;
    if (n === 1) firsts[seq] = nowMs();
    if (n === total) process.send({ delivered: seq, first: firsts[seq], last: nowMs() });
  }

  refused(why) {
    this.socket.destroy();
    this.closed(new Error(why));
  }

  closed(error) {
    if (this.done) return;
    this.done = true;
    const wasOpen = this.open;
    this.open = false;
    if (this.joined) return fail(`a joined socket from ${this.where()} closed${error ? `: ${error.message}` : ""}`);
    this.onFailed(error ?? new Error("closed before its join reply"), wasOpen);
  }
}

function connectAll(port, n, from) {
  total += n;
  let started = 0;
  let joined = 0;
  return new Promise((resolve, reject) => {
    const open = () => {
      if (nextPort > LAST_PORT) return reject(new Error(`no local port left on ${from}`));
      const localPort = nextPort++;
      new Client(
        port,
        from,
        localPort,
        () => {
          if (++joined % 5_000 === 0) process.stderr.write(`# holder ${from}: ${joined} joined\n`);
          if (joined === n) resolve();
          else next();
        },
        (error, wasOpen) => {
          // The port is someone else's: take the next one.
          if (!wasOpen && error.code === "EADDRINUSE") return open();
          // On a box this busy, a handshake can wait past the server's 60 s headersTimeout (408):
          // such a socket is opened again, a few times at most, and the count reported.
          if (++retries > MAX_RETRIES) return reject(new Error(`socket from ${from}:${localPort}: ${error.message} (after ${MAX_RETRIES} retries in this holder)`));
          open();
        },
      );
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
  for (const s of sockets) if (s.open) s.send(`[null,"${++ref}","phoenix","heartbeat",{}]`);
}, 30_000).unref();
