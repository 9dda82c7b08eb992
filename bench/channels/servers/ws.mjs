// The floor: a `ws` server with a hand-written broadcast. A client joins a topic with
// {"join": topic} and is added to that topic's Set; a broadcast is serialized once (JSON, then
// one Buffer) and the same bytes are sent to every member. Nothing a framework could skip.
import { WebSocketServer } from "ws";
import { EVENT, TOPIC } from "../wire.mjs";
import { control } from "./_control.mjs";

const topics = new Map(); // topic → Set<WebSocket>
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });

wss.on("connection", (ws) => {
  let joined = null;
  ws.on("message", (data) => {
    const { join } = JSON.parse(data);
    if (typeof join !== "string") return;
    if (!topics.has(join)) topics.set(join, new Set());
    topics.get(join).add(ws);
    joined = join;
    ws.send(JSON.stringify({ joined: join }));
  });
  ws.on("close", () => topics.get(joined)?.delete(ws));
});

wss.on("listening", () => {
  control("ws", wss.address().port, (payload) => {
    const frame = Buffer.from(JSON.stringify({ topic: TOPIC, event: EVENT, payload }));
    for (const ws of topics.get(TOPIC) ?? []) ws.send(frame, { binary: false });
  });
});
