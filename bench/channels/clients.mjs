// The client driver: one process (pinned to the client core) holding every socket of a run,
// all raw `ws` clients speaking the server's protocol by hand (wire.mjs). main.mjs drives it
// over IPC:
//   { cmd: "connect", proto, port, n } → opens n sockets, CONCURRENCY attempts at a time (so
//        the listen backlog never overflows into SYN retries), each joining TOPIC; replies
//        { ms } once every one of them has its join reply
// and it reports on its own, for every broadcast that has reached all n sockets:
//   { delivered: seq, t, first, mid, last }   t = the server's stamp in the payload; first, mid
//        and last = when the first, the (n/2)-th and the n-th socket received it; all on the
//        shared clock (wire.mjs)
//
// Counting, not parsing: each socket counts the broadcasts it received, and reached[c] counts
// the sockets that received at least c. Broadcasts are numbered 1, 2, ... from the first one
// the server sends to this set of sockets, and each socket gets them in order (one TCP stream),
// so broadcast `seq` has reached everyone when reached[seq] === n. Only the first copy of each
// broadcast is parsed (for its stamp, and to check that its seq is the count): the per-message
// work is a prefix check and two increments, the same for every server.
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { BROADCAST, JOINED, PROTOCOLS, nowMs } from "./wire.mjs";

/** Connection attempts in flight; perf-macro.md connected with 200 (somaxconn is 4096). */
const CONCURRENCY = 200;
/** Phoenix closes a socket after 60 s without a heartbeat; Phoenix's own client sends one every 30 s. */
const HEARTBEAT_MS = 30_000;

const sockets = [];
let reached = [0];
let stamps = [];
let expected = 0;
let heartbeat;

process.on("message", async (m) => {
  try {
    if (m.cmd !== "connect") throw new Error(`unknown command ${JSON.stringify(m)}`);
    const t0 = nowMs();
    await connectAll(PROTOCOLS[m.proto], m.port, m.n);
    process.send({ id: m.id, ms: nowMs() - t0 });
  } catch (error) {
    process.send({ id: m.id, error: `clients: ${error?.message ?? error}` });
  }
});
process.on("disconnect", () => process.exit(0));

function connectAll(proto, port, n) {
  checkFdLimit(n);
  expected += n;
  let started = 0;
  let joined = 0;
  return new Promise((resolve, reject) => {
    const next = () => {
      if (started === n) return;
      started++;
      open(proto, port, () => (++joined === n ? resolve() : next()), reject);
    };
    for (let i = 0; i < Math.min(CONCURRENCY, n); i++) next();
    if (proto.heartbeat && !heartbeat) {
      let ref = 0;
      heartbeat = setInterval(() => {
        for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) proto.heartbeat(ws, String(++ref));
      }, HEARTBEAT_MS);
      heartbeat.unref();
    }
  });
}

function open(proto, port, onJoined, onError) {
  const ws = new WebSocket(proto.url(port), { perMessageDeflate: false });
  let count = 0; // broadcasts this socket received
  let joined = false;
  sockets.push(ws);
  ws.on("open", () => proto.open(ws));
  ws.on("message", (data) => {
    let kind;
    try {
      kind = proto.classify(data, ws);
    } catch (error) {
      return onError(error);
    }
    if (kind === BROADCAST) received(proto, data, ++count);
    else if (kind === JOINED && !joined) {
      joined = true;
      onJoined();
    }
  });
  ws.on("error", (error) => onError(new Error(`socket ${sockets.length}: ${error.message}`)));
  ws.on("close", (code) => {
    if (!joined) onError(new Error(`a socket closed (${code}) before its join reply`));
    else process.send({ dropped: code });
  });
}

function received(proto, data, count) {
  const n = (reached[count] ?? 0) + 1;
  reached[count] = n;
  if (n === 1) {
    const { seq, t } = proto.payload(data);
    if (seq !== count) throw new Error(`broadcast ${seq} arrived as the ${count}th: one was lost or reordered`);
    stamps[count] = { t, first: nowMs(), mid: 0 };
  }
  if (n === expected >> 1) stamps[count].mid = nowMs();
  if (n === expected) {
    const { t, first, mid } = stamps[count];
    process.send({ delivered: count, t, first, mid: mid || first, last: nowMs() });
    stamps[count] = undefined;
  }
}

/** 10k sockets need 10k descriptors: say so plainly instead of failing with EMFILE midway. */
function checkFdLimit(n) {
  let limit = Infinity;
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    limit = Number(line.split(/\s+/)[3]);
  } catch {
    return; // not Linux: let the OS say it
  }
  if (expected + n + 50 > limit) {
    throw new Error(`${expected + n} sockets need more descriptors than this process may open (ulimit -n ${limit})`);
  }
}
