// Socket.IO 4 with its defaults, websocket transport only: a client emits "join" with the
// topic (acknowledged once it is in the room) and a broadcast is `io.to(room).emit(...)`, which
// the in-memory adapter encodes once and engine.io writes to every socket as a pre-built frame.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { EVENT, TOPIC } from "../wire.mjs";
import { control } from "./_control.mjs";

const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack();
  });
});

http.listen(0, "127.0.0.1", () => {
  control("socket.io", http.address().port, (payload) => io.to(TOPIC).emit(EVENT, payload));
});
