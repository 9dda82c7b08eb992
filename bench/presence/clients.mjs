// The client side of bench:presence, in a process of its own: N raw `ws` sockets speaking
// Phoenix's V2 frames (half to each node) plus one observer on the first node, joined before
// the others, which syncs every presence_state and presence_diff with the official client's
// `Presence.syncState`/`syncDiff` and counts the diff bytes it received. Talks to the harness
// over IPC: `connect`, `join` (answers with the stamp taken just before the first join frame
// goes out) and `report`.
import { Presence } from "phoenix";
import { WebSocket } from "ws";

const url = (port, name) => `ws://127.0.0.1:${port}/socket/websocket?name=${name}&vsn=2.0.0`;
const open = (u) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(u);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });

let sockets = [];
let observer = null;
const seen = { state: Object.create(null), diffBytes: 0, diffFrames: 0 };

async function connect({ ports, n }) {
  observer = await open(url(ports[0], "observer"));
  observer.on("message", (data) => {
    const text = String(data);
    const [, , , event, payload] = JSON.parse(text);
    if (event === "presence_state") seen.state = Presence.syncState(seen.state, payload);
    if (event === "presence_diff") {
      seen.diffBytes += Buffer.byteLength(text);
      seen.diffFrames++;
      seen.state = Presence.syncDiff(seen.state, payload);
    }
  });
  const joined = new Promise((resolve) => observer.once("message", resolve));
  observer.send(JSON.stringify(["1", "1", "room:bench", "phx_join", { observe: true }]));
  await joined;
  // In batches: a thousand handshakes at once would only queue in the servers' accept backlog.
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) batch.push(open(url(ports[j % 2], `u${j}`)));
    sockets.push(...(await Promise.all(batch)));
  }
  // Every socket reads what it gets (the diffs of everyone's joins) and drops it.
  for (const ws of sockets) ws.on("message", () => {});
}

function join() {
  const t0 = performance.timeOrigin + performance.now();
  for (const ws of sockets) ws.send('["1","1","room:bench","phx_join",{}]');
  return { t0 };
}

process.on("message", async (m) => {
  try {
    if (m.kind === "connect") await connect(m);
    const reply = m.kind === "join" ? join() : m.kind === "report" ? { listed: Object.keys(seen.state).length, diffBytes: seen.diffBytes, diffFrames: seen.diffFrames } : {};
    process.send({ id: m.id, ...reply });
  } catch (e) {
    process.send({ id: m.id, error: String(e?.stack ?? e) });
  }
});
process.once("SIGTERM", () => {
  for (const ws of [observer, ...sockets]) ws?.terminate();
  process.exit(0);
});
