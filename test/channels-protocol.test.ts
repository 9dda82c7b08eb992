// The wire protocol as raw frames over a real WebSocket: what the official client never sends
// (bad frames, stale refs, foreign origins, unknown vsn) and the binary layouts byte for byte.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startChat, tokenFor, type ChatServer } from "./support/channels.js";

interface Raw {
  ws: WebSocket;
  /** The next frame (parsed JSON for text, the Buffer for binary). */
  next(): Promise<unknown>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

function raw(server: ChatServer, query = `token=${encodeURIComponent(tokenFor("alice"))}&vsn=2.0.0`, headers: Record<string, string> = {}): Promise<Raw> {
  const ws = new WebSocket(`${server.url}/websocket?${query}`, { headers });
  const queue: unknown[] = [];
  const waiting: ((v: unknown) => void)[] = [];
  ws.on("message", (data: Buffer, binary: boolean) => {
    const v = binary ? data : JSON.parse(data.toString());
    const w = waiting.shift();
    if (w) w(v);
    else queue.push(v);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.on("open", () =>
      resolve({
        ws,
        next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r))),
        send: (f) => ws.send(typeof f === "string" || Buffer.isBuffer(f) ? (f as string | Buffer) : JSON.stringify(f)),
        closed,
      }),
    );
    ws.on("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.on("error", (e) => reject(e));
  });
}

/** The HTTP status a refused upgrade answers with. */
function refused(server: ChatServer, query: string, headers: Record<string, string> = {}): Promise<number> {
  return raw(server, query, headers).then(
    (r) => {
      r.ws.close();
      return 101;
    },
    (e: { status?: number }) => e.status ?? -1,
  );
}

const OK = (response: unknown = {}) => ({ status: "ok", response });

describe("channel protocol over raw WebSocket frames", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChat({ websocket: { maxPayload: 4096 }, longpoll: true, maxChannels: 3 });
  });
  afterAll(() => server.stop());

  it("answers heartbeat, join, push and leave with Phoenix's V2 arrays", async () => {
    const c = await raw(server);
    c.send([null, "1", "phoenix", "heartbeat", {}]);
    expect(await c.next()).toEqual([null, "1", "phoenix", "phx_reply", OK()]);
    c.send(["2", "2", "room:lobby", "phx_join", {}]);
    expect(await c.next()).toEqual(["2", "2", "room:lobby", "phx_reply", OK({ name: "alice" })]);
    c.send(["2", "3", "room:lobby", "ping", { a: [1, 2] }]);
    expect(await c.next()).toEqual(["2", "3", "room:lobby", "phx_reply", OK({ a: [1, 2] })]);
    c.send(["2", "4", "room:lobby", "new_msg", { body: "yo" }]);
    expect(await c.next()).toEqual([null, null, "room:lobby", "new_msg", { name: "alice", body: "yo" }]);
    c.send(["2", "5", "room:lobby", "phx_leave", {}]);
    expect(await c.next()).toEqual(["2", "5", "room:lobby", "phx_reply", OK()]);
    expect(await c.next()).toEqual(["2", "2", "room:lobby", "phx_close", {}]);
    c.ws.close();
  });

  it("answers pushes to unjoined topics with 'unmatched topic', leaves of them with ok", async () => {
    const c = await raw(server);
    c.send(["9", "1", "room:nowhere", "ping", {}]);
    expect(await c.next()).toEqual([null, "1", "room:nowhere", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
    c.send(["9", "2", "room:nowhere", "phx_leave", {}]);
    expect(await c.next()).toEqual(["9", "2", "room:nowhere", "phx_reply", OK()]);
    c.ws.close();
  });

  it("a second join of a topic closes the first; pushes with the stale join_ref are dropped", async () => {
    const c = await raw(server);
    c.send(["1", "1", "room:lobby", "phx_join", {}]);
    await c.next();
    c.send(["2", "2", "room:lobby", "phx_join", {}]);
    expect(await c.next()).toEqual(["1", "1", "room:lobby", "phx_close", {}]);
    expect(await c.next()).toEqual(["2", "2", "room:lobby", "phx_reply", OK({ name: "alice" })]);
    c.send(["1", "3", "room:lobby", "ping", { stale: true }]);
    c.send(["2", "4", "room:lobby", "ping", { fresh: true }]);
    // The next frame answers ref 4: the stale push got nothing.
    expect(await c.next()).toEqual(["2", "4", "room:lobby", "phx_reply", OK({ fresh: true })]);
    c.send([null, "5", "room:lobby", "ping", { nullJoinRef: true }]);
    expect(await c.next()).toEqual(["2", "5", "room:lobby", "phx_reply", OK({ nullJoinRef: true })]);
    c.ws.close();
  });

  it("an async handleIn that settles after its channel closed answers nothing", async () => {
    const c = await raw(server);
    c.send(["1", "1", "proto:late", "phx_join", {}]);
    await c.next();
    // The rejoin closes the first channel while its "async" push is still pending.
    c.send(["1", "2", "proto:late", "async", {}]);
    c.send(["3", "3", "proto:late", "phx_join", {}]);
    expect(await c.next()).toEqual(["1", "1", "proto:late", "phx_close", {}]);
    expect(await c.next()).toEqual(["3", "3", "proto:late", "phx_reply", OK({ topic: "proto:late" })]);
    c.send(["3", "4", "proto:late", "async", {}]);
    expect(await c.next()).toEqual(["3", "4", "proto:late", "phx_reply", OK({ async: true })]);
    c.ws.close();
  });

  it("caps the channels per connection", async () => {
    const c = await raw(server);
    for (const [i, topic] of ["room:1", "room:2", "room:3"].entries()) {
      c.send([String(i), String(i), topic, "phx_join", {}]);
      expect(await c.next()).toMatchObject([String(i), String(i), topic, "phx_reply", { status: "ok" }]);
    }
    c.send(["9", "9", "room:4", "phx_join", {}]);
    expect(await c.next()).toEqual(["9", "9", "room:4", "phx_reply", { status: "error", response: { reason: "too many channels joined" } }]);
    c.ws.close();
  });

  it("a crash answers phx_error with the join_ref, and the topic can be joined again", async () => {
    const c = await raw(server);
    c.send(["1", "1", "room:lobby", "phx_join", {}]);
    await c.next();
    c.send(["1", "2", "room:lobby", "crash", {}]);
    expect(await c.next()).toEqual(["1", "1", "room:lobby", "phx_error", { reason: "channel_crash" }]);
    c.send(["1", "3", "room:lobby", "ping", {}]);
    expect(await c.next()).toEqual([null, "3", "room:lobby", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
    c.send(["4", "4", "room:lobby", "phx_join", {}]);
    expect(await c.next()).toEqual(["4", "4", "room:lobby", "phx_reply", OK({ name: "alice" })]);
    c.ws.close();
  });

  it("a join that throws answers 'join crashed' and logs; the connection goes on", async () => {
    const c = await raw(server);
    c.send(["1", "1", "proto:x", "phx_join", { explode: true }]);
    expect(await c.next()).toEqual(["1", "1", "proto:x", "phx_reply", { status: "error", response: { reason: "join crashed" } }]);
    expect(server.logs.some((l) => l.includes("crashed joining proto:x") && l.includes("join exploded"))).toBe(true);
    c.send(["2", "2", "proto:x", "phx_join", {}]);
    expect(await c.next()).toEqual(["2", "2", "proto:x", "phx_reply", OK({ topic: "proto:x" })]);
    c.ws.close();
  });

  it("a join whose payload is not an object is a bad frame", async () => {
    const c = await raw(server);
    c.send(["1", "1", "room:lobby", "phx_join", []]);
    expect((await c.closed).code).toBe(1007);
  });

  describe("V2 binary frames", () => {
    it("decodes a binary push and answers a binary reply (kind 1)", async () => {
      const c = await raw(server);
      c.send(["1", "1", "room:lobby", "phx_join", {}]);
      await c.next();
      const fields = ["1", "2", "room:lobby", "ping"].map((s) => Buffer.from(s));
      c.send(Buffer.concat([Buffer.from([0, ...fields.map((f) => f.length)]), ...fields, Buffer.from([1, 2, 255])]));
      const frame = (await c.next()) as Buffer;
      const expected = Buffer.concat([Buffer.from([1, 1, 1, 10, 2]), Buffer.from("12room:lobbyok"), Buffer.from([1, 2, 255])]);
      expect(frame.equals(expected)).toBe(true);
      c.ws.close();
    });

    it("sends binary broadcasts as kind 2", async () => {
      const c = await raw(server);
      c.send(["1", "1", "room:lobby", "phx_join", {}]);
      await c.next();
      server.endpoint.broadcast("room:lobby", "blob", new Uint8Array([7, 8]));
      const frame = (await c.next()) as Buffer;
      expect(frame.equals(Buffer.concat([Buffer.from([2, 10, 4]), Buffer.from("room:lobbyblob"), Buffer.from([7, 8])]))).toBe(true);
      c.ws.close();
    });
  });

  it("writes one broadcast frame to every subscriber with the right header for each length (7-bit, 16-bit, 64-bit) and UTF-8 text", async () => {
    const [a, b] = [await raw(server), await raw(server)];
    for (const c of [a, b]) {
      c.send(["1", "1", "room:lobby", "phx_join", {}]);
      await c.next();
    }
    // Frame lengths around the header's boundaries: 125/126 bytes, 65,535/65,536, and 200 kB.
    const base = JSON.stringify([null, null, "room:lobby", "size", { s: "" }]).length;
    const bodies = [125 - base, 126 - base, 65_535 - base, 65_536 - base, 200_000, 3].map((n) => "x".repeat(n));
    bodies.push("héllo ✓ 😀");
    for (const s of bodies) server.endpoint.broadcast("room:lobby", "size", { s });
    for (const c of [a, b]) {
      for (const s of bodies) expect(await c.next()).toEqual([null, null, "room:lobby", "size", { s }]);
    }
    // A reply after the broadcasts still arrives in order on the same socket.
    a.send([null, "9", "phoenix", "heartbeat", {}]);
    expect(await a.next()).toEqual([null, "9", "phoenix", "phx_reply", OK()]);
    a.ws.close();
    b.ws.close();
  });

  it("speaks V1 JSON objects to clients without vsn", async () => {
    const c = await raw(server, `token=${encodeURIComponent(tokenFor("vee"))}`);
    c.send({ topic: "room:lobby", event: "phx_join", payload: {}, ref: "1" });
    expect(await c.next()).toEqual({ topic: "room:lobby", event: "phx_reply", payload: OK({ name: "vee" }), ref: "1", join_ref: "1" });
    c.send({ topic: "room:lobby", event: "ping", payload: { v: 1 }, ref: "2", join_ref: "1" });
    expect(await c.next()).toEqual({ topic: "room:lobby", event: "phx_reply", payload: OK({ v: 1 }), ref: "2", join_ref: "1" });
    c.ws.close();
  });

  describe("refusals before the upgrade", () => {
    const token = () => `token=${encodeURIComponent(tokenFor("alice"))}`;
    it("403 for an unknown vsn, a forged token, a foreign origin", async () => {
      expect(await refused(server, `${token()}&vsn=3.0.0`)).toBe(403);
      expect(await refused(server, `${token()}&vsn=banana`)).toBe(403);
      expect(await refused(server, "token=forged&vsn=2.0.0")).toBe(403);
      expect(await refused(server, `${token()}&vsn=2.0.0`, { origin: "http://evil.example" })).toBe(403);
      // The foreign origin is logged, with what to change (as Phoenix's check_origin does).
      expect(server.logs.filter((l) => l.includes("http://evil.example"))).toEqual([
        expect.stringMatching(/^websocket \/socket\/websocket: origin http:\/\/evil\.example is not allowed \(checkOrigin\): only the endpoint's url host, "localhost"; set the endpoint's url\.host to the host users reach the app at, or list the origins in checkOrigin$/),
      ]);
      // The long poll's too, on each request.
      const poll = await fetch(`http://127.0.0.1:${server.port}/socket/longpoll?${token()}&vsn=2.0.0`, { headers: { origin: "http://evil.longpoll" } });
      expect(poll.status).toBe(200); // the long poll answers in its body, as Phoenix's does
      expect(await poll.json()).toEqual({ status: 403 });
      expect(server.logs.filter((l) => l.includes("http://evil.longpoll"))).toEqual([
        expect.stringMatching(/^longpoll \/socket\/longpoll: origin http:\/\/evil\.longpoll is not allowed \(checkOrigin\): only the endpoint's url host, "localhost"; /),
      ]);
      // The endpoint's url host (localhost by default) is allowed, on any port.
      expect(await refused(server, `${token()}&vsn=2.0.0`, { origin: "http://localhost:1234" })).toBe(101);
    });

    it("404 for an upgrade on a path with no socket", async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/nope/websocket`);
      const status = await new Promise<number>((resolve) => ws.on("unexpected-response", (_q, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(404);
    });
  });

  describe("bad frames close only the offending socket", () => {
    const cases: [string, unknown, number][] = [
      ["not JSON", "{nope", 1007],
      ["wrong arity", '["1","1","room:lobby"]', 1007],
      ["wrong field types", '[1, 2, "room:lobby", "ping", {}]', 1007],
      ["an event clients do not send", '["1","9","room:lobby","phx_reply",{}]', 1007],
      ["binary garbage", Buffer.from([9, 9, 9]), 1007],
      ["a truncated binary push", Buffer.from([0, 5, 5, 5, 5, 65]), 1007],
      ["an oversized frame", JSON.stringify(["1", "9", "room:lobby", "ping", { pad: "x".repeat(5000) }]), 1009],
    ];
    it.each(cases)("%s", async (_name, frame, code) => {
      const bystander = await raw(server, `token=${encodeURIComponent(tokenFor("bob"))}&vsn=2.0.0`);
      bystander.send(["1", "1", "room:lobby", "phx_join", {}]);
      await bystander.next();
      const bad = await raw(server);
      bad.send(["1", "1", "room:lobby", "phx_join", {}]);
      await bad.next();
      const logsBefore = server.logs.length;
      bad.send(frame);
      expect((await bad.closed).code).toBe(code);
      bystander.send(["1", "2", "room:lobby", "ping", { alive: true }]);
      expect(await bystander.next()).toEqual(["1", "2", "room:lobby", "phx_reply", OK({ alive: true })]);
      expect(server.logs.length).toBeGreaterThan(logsBefore);
      bystander.ws.close();
    });
  });

  it("closes a connection idle past the timeout", async () => {
    const idle = await startChat({ websocket: { timeout: 40 } });
    try {
      const c = await raw(idle);
      expect(await c.closed).toEqual({ code: 1000, reason: "idle timeout" });
    } finally {
      await idle.stop();
    }
  });
});
