// One node of bench:presence: a Fawkes endpoint (from dist/) whose room channel tracks every
// joiner in Presence. Its PubSub is Fawkes' Redis adapter when REDIS_URL is set; otherwise an
// adapter over this process's IPC channel, through which the harness relays each message, as
// JSON text, to the other node and counts its bytes (the tracker's messages are the same over
// either). It reports `converged` (with its clock) when its own Presence lists `expect` users.
import { Broadcast, defineChannel, defineEndpoint, definePresence, defineSocket, ok, PubSub, socket } from "../../dist/runtime/index.js";

const Presence = definePresence();

/** PubSub messages out through IPC, in through IPC; a Broadcast travels as its three fields. */
const ipcAdapter = {
  start(deliver) {
    process.on("message", (m) => {
      if (m.kind !== "bus") return;
      const o = JSON.parse(m.data);
      deliver(m.topic, o.b ? new Broadcast(o.b[0], o.b[1], o.b[2]) : o.m);
    });
  },
  publish(topic, message) {
    const data = JSON.stringify(message instanceof Broadcast ? { b: [message.topic, message.event, message.payload] } : { m: message });
    process.send({ kind: "bus", topic, data });
  },
  stop() {},
};

const Room = defineChannel({
  join(_topic, payload, s) {
    s.sendInfo({ observe: payload.observe === true });
    return ok();
  },
  async handleInfo(message, s) {
    s.push("presence_state", await Presence.list(s));
    if (!message.observe) Presence.track(s, s.assigns.name, { online_at: String(Date.now()) });
  },
});

const UserSocket = defineSocket({
  channels: { "room:*": Room },
  connect(params, s) {
    s.assign({ name: String(params.name) });
    return true;
  },
});

// REDIS_URL set: the endpoint's default PubSub, redisPubSub; otherwise the IPC relay above.
const pubsub = process.env.REDIS_URL ? undefined : new PubSub({ adapter: ipcAdapter });
const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, sockets: [socket("/socket", UserSocket)], pubsub, config: { logger: (m, e) => console.error(`[node ${process.pid}] ${m}`, e ?? "") } });
const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
const node = Presence.start(endpoint);

let expect = Infinity;
let listed = 0;
let reported = false;
// Every change this node's view takes comes out as one presence_diff on the topic: counting
// keys joined and left there follows its list without building it after every diff.
endpoint.subscribe("room:bench", (message) => {
  if (!(message instanceof Broadcast) || message.event !== "presence_diff") return;
  listed += Object.keys(message.payload.joins).length - Object.keys(message.payload.leaves).length;
  if (listed === expect && !reported) {
    reported = true;
    const at = performance.timeOrigin + performance.now();
    void node.list("room:bench").then((list) => process.send({ kind: "converged", at, keys: Object.keys(list).length }));
  }
});

process.on("message", (m) => {
  if (m.kind === "expect") {
    expect = m.n;
    process.send({ id: m.id });
  }
});
process.send({ kind: "ready", port });
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => void endpoint.stop().then(() => process.exit(0)));
