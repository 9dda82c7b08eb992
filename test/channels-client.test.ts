// The official `phoenix` npm client against a real server on port 0, over both transports:
// every behaviour the client relies on (phoenix.md (c)). The chat is the demo's own socket.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Socket as PhoenixSocket } from "phoenix";
import { client, closed, connected, disconnect, join, next, push, seen, startChat, terminated, tokenFor, type ChatServer, type TransportName } from "./support/channels.js";

const transports: TransportName[] = ["websocket", "longpoll"];

describe.each(transports)("official phoenix client over %s", (transport) => {
  let server: ChatServer;
  const sockets: PhoenixSocket[] = [];
  // The proto channel's terminate writes to one list (support/channels.ts) for the whole file,
  // both transports' runs included: each test reads only what was recorded since it started,
  // so entries left by the WebSocket run cannot satisfy an assertion of the LongPoll run.
  let ownFrom = 0;
  beforeEach(() => void (ownFrom = terminated.length));
  const ownTerminated = () => terminated.slice(ownFrom);

  beforeAll(async () => {
    server = await startChat();
  });
  afterAll(async () => {
    await server.stop();
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => disconnect(s)));
  });

  async function open(name: string, options = {}): Promise<PhoenixSocket> {
    const s = client(server, transport, { params: { token: tokenFor(name) }, ...options });
    sockets.push(s);
    await connected(s);
    return s;
  }

  it("connects with a signed token param and refuses a bad one", async () => {
    const s = await open("alice");
    expect(s.isConnected()).toBe(true);
    const bad = client(server, transport, { params: { token: "forged" }, reconnectAfterMs: () => 60_000 });
    sockets.push(bad);
    await expect(connected(bad)).rejects.toThrow(/socket error/);
    expect(bad.isConnected()).toBe(false);
  });

  it("joins room:lobby and room:<id> with {name}, refuses room:private and topics outside room:", async () => {
    const s = await open("alice");
    expect(await join(s.channel("room:lobby"))).toEqual({ name: "alice" });
    expect(await join(s.channel("room:42"))).toEqual({ name: "alice" });
    await expect(join(s.channel("room:private"))).rejects.toMatchObject({ response: { reason: "unauthorized" } });
    await expect(join(s.channel("secret:1"))).rejects.toMatchObject({ response: { reason: "unauthorized" } });
  });

  it("replies to a push, and the client times out a push nobody answers", async () => {
    const s = await open("alice");
    const room = s.channel("room:lobby");
    await join(room);
    expect(await push(room, "ping", { n: 1, text: "héllo" })).toEqual(["ok", { n: 1, text: "héllo" }]);
    const proto = s.channel("proto:1");
    await join(proto);
    expect(await push(proto, "slow", {}, 100)).toEqual(["timeout", null]);
    expect(await push(proto, "deferred", { value: 7 })).toEqual(["ok", { later: 7 }]);
    expect(await push(proto, "async")).toEqual(["ok", { async: true }]);
  });

  it("broadcasts new_msg to every client in the room, the sender included", async () => {
    const a = await open("alice");
    const b = await open("bob");
    const ra = a.channel("room:lobby");
    const rb = b.channel("room:lobby");
    await Promise.all([join(ra), join(rb)]);
    const gotA = next(ra, "new_msg");
    const gotB = next(rb, "new_msg");
    ra.push("new_msg", { body: "hi all" });
    expect(await gotA).toEqual({ name: "alice", body: "hi all" });
    expect(await gotB).toEqual({ name: "alice", body: "hi all" });
  });

  it("runs handleOut for intercepted events, per subscriber", async () => {
    const a = await open("alice");
    const b = await open("bob");
    const pa = a.channel("proto:intercept");
    const pb = b.channel("proto:intercept");
    await Promise.all([join(pa), join(pb)]);
    const received: string[] = [];
    pa.on("filtered", (p: { n: number }) => void received.push(`alice ${p.n}`));
    const bobGets = next(pb, "filtered");
    // Alice is excluded from the first; both get the second; order per channel is kept.
    await push(pa, "filtered", { n: 1, except: "alice" });
    const second = next(pa, "filtered");
    await push(pa, "filtered", { n: 2 });
    await second;
    expect(await bobGets).toEqual({ n: 1, except: "alice" });
    expect(received).toEqual(["alice 2"]);
  });

  it("delivers handleInfo messages (sendInfo after join, other topics subscribed by the channel)", async () => {
    const s = await open("alice");
    const proto = s.channel("proto:info", { after_join: true });
    const afterJoin = next(proto, "after_join");
    await join(proto);
    expect(await afterJoin).toEqual({ name: "alice" });
    await push(proto, "subscribe", { topic: "news" });
    const info = next(proto, "info");
    server.endpoint.broadcast("news", "headline", { text: "extra" });
    expect(await info).toEqual({ message: { topic: "news", event: "headline", payload: { text: "extra" } } });
    // App code sending a plain message on the channel's own topic reaches handleInfo, not the client.
    const direct = next(proto, "info");
    server.endpoint.pubsub.broadcast("proto:info", { kind: "from_app", n: 3 });
    expect(await direct).toEqual({ message: { kind: "from_app", n: 3 } });
  });

  it("isolates a crash: phx_error, automatic rejoin, the socket and other channels go on", async () => {
    const s = await open("alice");
    const room = s.channel("room:lobby");
    const other = s.channel("room:other");
    let joins = 0;
    await new Promise<void>((resolve) => room.join().receive("ok", () => void (++joins === 1 && resolve())));
    await join(other);
    const errored = new Promise<void>((resolve) => room.onError(() => resolve()));
    const rejoined = new Promise<void>((resolve) => room.on("phx_reply", () => void (joins >= 2 && resolve())));
    room.push("crash", {});
    await errored;
    await rejoined;
    expect(joins).toBe(2);
    expect(await push(room, "ping", { again: true })).toEqual(["ok", { again: true }]);
    expect(await push(other, "ping", { other: true })).toEqual(["ok", { other: true }]);
    expect(server.logs.some((l) => l.includes("crashed") && l.includes("crash requested by alice"))).toBe(true);
  });

  it("a rejected promise crashes the channel the same way", async () => {
    const s = await open("alice");
    const proto = s.channel("proto:reject");
    await join(proto);
    const errored = new Promise<void>((resolve) => proto.onError(() => resolve()));
    proto.push("reject", {});
    await errored;
    const mine = ownTerminated();
    expect(mine.some((t) => t.startsWith("proto:reject") && t.includes("rejected on purpose")), JSON.stringify(mine)).toBe(true);
  });

  it("leaves: ok reply, the channel is closed, terminate runs", async () => {
    const s = await open("alice");
    const proto = s.channel("proto:leave");
    await join(proto);
    // The client resolves leave() at once; the server's answer is its phx_close after the ok reply.
    const serverClosed = seen(s, (m) => m.topic === "proto:leave" && m.event === "phx_close");
    proto.leave();
    await serverClosed;
    expect(proto.state).toBe("closed");
    const mine = ownTerminated();
    expect(mine, JSON.stringify(mine)).toContain(`proto:leave {"shutdown":"left"}`);
    // A push on the topic now is answered as an unjoined topic.
    const again = s.channel("proto:leave");
    expect(await join(again)).toEqual({ topic: "proto:leave" });
  });

  it("stop from handleIn replies, then closes the channel without a rejoin", async () => {
    const s = await open("alice");
    const proto = s.channel("proto:stop");
    await join(proto);
    const closedEvent = new Promise<void>((resolve) => proto.onClose(() => resolve()));
    expect(await push(proto, "stop")).toEqual(["ok", { bye: true }]);
    await closedEvent;
    expect(proto.state).toBe("closed");
  });

  it("a disconnect broadcast to the socket id closes that user's connections (and only those)", async () => {
    const a = await open("alice");
    const b = await open("bob");
    const gone = closed(a);
    server.endpoint.broadcast("users_socket:alice", "disconnect", {});
    const { code } = await gone;
    // WebSocket: 1001 (going away). LongPoll: the waiting poll answers 410, which the client reports as 3410 (session gone).
    expect(code).toBe(transport === "websocket" ? 1001 : 3410);
    const rb = b.channel("room:lobby");
    expect(await join(rb)).toEqual({ name: "bob" });
  });

  it("reconnects and rejoins after the server restarts", async () => {
    const own = await startChat();
    const s = client(own, transport, { params: { token: tokenFor("carol") } });
    sockets.push(s);
    await connected(s);
    const room = s.channel("room:lobby");
    let joins = 0;
    const firstJoin = new Promise<void>((resolve) => room.join().receive("ok", () => void (++joins === 1 && resolve())));
    await firstJoin;
    const rejoined = new Promise<void>((resolve) => room.on("phx_reply", () => void (joins >= 2 && resolve())));
    await own.stop();
    const again = await startChat(undefined, own.port);
    try {
      await rejoined;
      expect(await push(room, "ping", { back: true })).toEqual(["ok", { back: true }]);
    } finally {
      await disconnect(s);
      await again.stop();
    }
  });
});

// LongPoll has no heartbeats (the client skips them): this one is WebSocket only.
describe("official phoenix client heartbeat", () => {
  it("is answered on the phoenix topic", async () => {
    const server = await startChat();
    const s = client(server, "websocket", { params: { token: tokenFor("alice") }, heartbeatIntervalMs: 20 });
    try {
      await connected(s);
      await seen(s, (m) => m.topic === "phoenix" && m.event === "phx_reply" && (m.payload as { status: string }).status === "ok");
      expect(s.isConnected()).toBe(true);
    } finally {
      await disconnect(s);
      await server.stop();
    }
  });
});
