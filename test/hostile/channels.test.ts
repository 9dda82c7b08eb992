// Hostile input on the demo's socket (/socket, WebSocket and long poll): forged and expired
// tokens, invalid and oversized frames, join floods, a client that never reads, long-poll
// session floods and bad POSTs. A bad frame closes that one socket (1007) with one log line; a
// refused connect is a 403 before the upgrade; other sockets and the HTTP side go on. Raw frames
// go through `ws` (the official client only sends well-formed ones); joins, floods and the
// refusals a client sees go through the official `phoenix` client.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Socket as PhoenixSocket, LongPoll, type Channel } from "phoenix";
import { defineEndpoint, socket, Token, type Endpoint } from "fawkes";
import * as router from "../../fixtures/demo/.fawkes/router.gen.js";
import { UserSocket, SOCKET_SALT } from "../../fixtures/demo/app/channels/user-socket.js";
import { secretKeyBase } from "../../fixtures/demo/app/config.js";
import { startDemo, type HostileDemo } from "./_demo.js";

let demo: HostileDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());
afterEach(() => demo.alive());

const token = (name = "mallory", options = {}) => Token.sign(secretKeyBase, SOCKET_SALT, name, options);
const wsUrl = (port: number, query: string) => `ws://127.0.0.1:${port}/socket/websocket?${query}`;

interface RawSocket {
  ws: WebSocket;
  messages: unknown[];
  /** Resolves with the close code once the server closes (or the TCP connection drops: 1006). */
  closed: Promise<number>;
  /** The next message matching `test`, however many came before. */
  next(test: (m: unknown[]) => boolean): Promise<unknown[]>;
}

/** Opens a raw v2 WebSocket with a valid token, or rejects with the HTTP status of a refusal. */
function open(port: number, query = `vsn=2.0.0&token=${encodeURIComponent(token())}`): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(port, query));
    const messages: unknown[] = [];
    const waiters: { test: (m: unknown[]) => boolean; resolve: (m: unknown[]) => void }[] = [];
    const closed = new Promise<number>((done) => ws.once("close", (code) => done(code)));
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as unknown[];
      messages.push(m);
      for (const w of waiters.splice(0)) (w.test(m) ? w.resolve(m) : waiters.push(w));
    });
    ws.once("unexpected-response", (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once("error", (e) => reject(e));
    ws.once("open", () =>
      resolve({
        ws,
        messages,
        closed,
        next: (test) =>
          new Promise((done) => {
            const seen = (messages as unknown[][]).find(test);
            if (seen) done(seen);
            else waiters.push({ test, resolve: done });
          }),
      }),
    );
  });
}

const sockets: (RawSocket | PhoenixSocket)[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) {
    if (s instanceof PhoenixSocket) s.disconnect();
    else if (s.ws.readyState !== WebSocket.CLOSED) s.ws.terminate();
  }
});

async function raw(port = demo.port): Promise<RawSocket> {
  const s = await open(port);
  sockets.push(s);
  return s;
}

/** A refused upgrade: the HTTP status. */
async function refusedWith(query: string, port = demo.port): Promise<number> {
  try {
    const s = await open(port, query);
    sockets.push(s);
    return 101;
  } catch (e) {
    return (e as { status?: number }).status ?? 0;
  }
}

const reply = (ref: string) => (m: unknown[]) => m[1] === ref && m[3] === "phx_reply";

describe("connect: forged, expired and malformed tokens are a 403 before the upgrade", () => {
  it.each([
    ["no token", "vsn=2.0.0"],
    ["an empty token", "vsn=2.0.0&token="],
    ["garbage", "vsn=2.0.0&token=forged"],
    ["a token signed with another secret", `vsn=2.0.0&token=${encodeURIComponent(Token.sign("another-secret-".repeat(6), SOCKET_SALT, "mallory"))}`],
    ["a token signed with another salt", `vsn=2.0.0&token=${encodeURIComponent(Token.sign(secretKeyBase, "other salt", "mallory"))}`],
    ["an expired token (signed two days ago, max age one day)", `vsn=2.0.0&token=${encodeURIComponent(token("mallory", { signedAt: Date.now() / 1000 - 2 * 86_400 }))}`],
    ["a token with its signature cut", `vsn=2.0.0&token=${encodeURIComponent(token().slice(0, -5))}`],
    ["a token whose payload is not a name", `vsn=2.0.0&token=${encodeURIComponent(Token.sign(secretKeyBase, SOCKET_SALT, { admin: true }))}`],
    ["a token as a list", `vsn=2.0.0&token[]=${encodeURIComponent(token())}`],
    ["a token as a map", `vsn=2.0.0&token[a]=${encodeURIComponent(token())}`],
    ["a token of 100 kB", `vsn=2.0.0&token=${"A".repeat(6_000)}`],
  ])("%s", async (_name, query) => {
    expect(await refusedWith(query)).toBe(403);
  });

  it.each([
    ["an unknown serializer version", "vsn=3.0.0"],
    ["a version that is not one", "vsn=abc"],
  ])("%s is refused before connect", async (_name, vsn) => {
    const status = await refusedWith(`${vsn}&token=${encodeURIComponent(token())}`);
    expect([400, 403]).toContain(status);
  });

  it("a query that is not valid percent-encoding is refused, not a crash", async () => {
    const status = await refusedWith(`vsn=2.0.0&token=%ZZ`);
    expect([400, 403]).toContain(status);
  });

  it("a foreign Origin is a 403", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl(demo.port, `vsn=2.0.0&token=${encodeURIComponent(token())}`), { origin: "https://evil.example" });
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once("open", () => {
        resolve(101);
        ws.terminate();
      });
      ws.once("error", () => resolve(0));
    });
    expect(status).toBe(403);
  });

  it("the official client with a forged token gets a socket error and never opens", async () => {
    const s = new PhoenixSocket(`ws://127.0.0.1:${demo.port}/socket`, { transport: WebSocket as never, params: { token: "forged" }, reconnectAfterMs: () => 60_000 });
    sockets.push(s);
    const outcome = await new Promise<string>((resolve) => {
      s.onOpen(() => resolve("open"));
      s.onError(() => resolve("error"));
      s.connect();
    });
    expect(outcome).toBe("error");
  });
});

describe("a malformed frame closes that socket with 1007 and one log line", () => {
  const deep = (n: number) => `["1","1","room:lobby","ping",${"[".repeat(n)}${"]".repeat(n)}]`;
  it.each([
    ["not JSON", "hello"],
    ["an empty frame", ""],
    ["a JSON object (a V1 frame on V2)", '{"topic":"room:lobby","event":"phx_join","payload":{},"ref":"1"}'],
    ["an empty array", "[]"],
    ["four elements", '[null,"1","room:lobby","phx_join"]'],
    ["a number topic", '[null,"1",42,"phx_join",{}]'],
    ["a null event", '[null,"1","room:lobby",null,{}]'],
    ["an object ref", '[null,{"a":1},"room:lobby","phx_join",{}]'],
    ["an array join_ref", '[["x"],"1","room:lobby","phx_join",{}]'],
    ["a number ref", '[null,1,"room:lobby","phx_join",{}]'],
    ["a join with a string payload", '[null,"1","room:lobby","phx_join","x"]'],
    ["a join with a list payload", '[null,"1","room:lobby","phx_join",[1]]'],
    ["a join with a null payload", '[null,"1","room:lobby","phx_join",null]'],
    ["a phx_reply from the client", '[null,"1","room:lobby","phx_reply",{}]'],
    ["a phx_close from the client", '[null,"1","room:lobby","phx_close",{}]'],
    ["a phx_error from the client", '[null,"1","room:lobby","phx_error",{}]'],
    ["JSON 513 deep", deep(513)],
    ["JSON 100 000 deep", deep(100_000)],
    ["an unclosed JSON 100 000 deep", "[".repeat(100_000)],
    ["trailing garbage", '[null,"1","room:lobby","phx_join",{}] x'],
    ["a binary frame that is not a push", Buffer.from([9, 1, 2, 3, 4, 5])],
    ["a truncated binary push", Buffer.from([0, 5, 5, 5, 1, 2])],
  ])("%s", async (_name, frame) => {
    const s = await raw();
    const mark = demo.logged.length;
    s.ws.send(frame);
    expect(await s.closed).toBe(1007);
    const lines = demo.since(mark).filter((l) => l.includes("closing websocket socket /socket"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[0].length).toBeLessThan(700);
  });

  it("a text frame that is not UTF-8 is closed by the WebSocket layer (1007)", async () => {
    const s = await raw();
    // ws validates UTF-8 before the frame reaches us: send the raw bytes as a text frame.
    (s.ws as unknown as { _sender: { send(d: Buffer, o: object, cb?: () => void): void } })._sender.send(Buffer.from([0x5b, 0xff, 0x5d]), { binary: false, fin: true, mask: true, compress: false, rsv1: false, opcode: 1 });
    expect(await s.closed).toBe(1007);
  });

  it("a frame over the 8 MB payload limit closes with 1009", async () => {
    const s = await raw();
    s.ws.send(`[null,"1","room:lobby","ping",{"a":"${"x".repeat(8 * 1024 * 1024 + 10)}"}]`);
    expect(await s.closed).toBe(1009);
  });

  it("JSON 512 deep is accepted: the push is answered", async () => {
    const s = await raw();
    s.ws.send('["1","1","room:lobby","phx_join",{}]');
    await s.next(reply("1"));
    s.ws.send(`["1","2","room:lobby","ping",{"a":${"[".repeat(510)}${"]".repeat(510)}}]`);
    const m = await s.next(reply("2"));
    expect((m[4] as { status: string }).status).toBe("ok");
  });

  it("a bad frame on one socket leaves the others in the same room connected", async () => {
    const good = await raw();
    good.ws.send('["1","1","room:lobby","phx_join",{}]');
    await good.next(reply("1"));
    const bad = await raw();
    bad.ws.send("nope");
    expect(await bad.closed).toBe(1007);
    good.ws.send('["1","2","room:lobby","ping",{"still":"here"}]');
    const m = await good.next(reply("2"));
    expect(m[4]).toEqual({ status: "ok", response: { still: "here" } });
  });

  it("a topic with a newline and ANSI escapes is logged on one line, escaped", async () => {
    const s = await raw();
    const mark = demo.logged.length;
    s.ws.send(JSON.stringify([null, "1", "room:x\n[info] admin logged in\u001b[2J", "phx_reply", {}]));
    expect(await s.closed).toBe(1007);
    const lines = demo.since(mark);
    expect(lines.join("\n")).not.toContain("\n[info] admin logged in");
    expect(lines.join("")).not.toContain("\u001b");
    expect(lines.join("")).toMatch(/\\u000a\[info\] admin logged in/);
  });
});

describe("frames a client may send and the server answers, not closes", () => {
  it.each([
    ["a push to a topic not joined", '[null,"5","room:nowhere","ping",{}]', { status: "error", response: { reason: "unmatched topic" } }],
    ["a join to a topic no channel routes", '["5","5","nothing-routes-here","phx_join",{}]', { status: "error", response: { reason: "unauthorized" } }],
    ["a refused join", '["5","5","room:private","phx_join",{}]', { status: "error", response: { reason: "unauthorized" } }],
    ["a leave of a topic not joined", '[null,"5","room:nowhere","phx_leave",{}]', { status: "ok", response: {} }],
    ["a heartbeat", '[null,"5","phoenix","heartbeat",{}]', { status: "ok", response: {} }],
  ])("%s", async (_name, frame, payload) => {
    const s = await raw();
    s.ws.send(frame);
    const m = await s.next(reply("5"));
    expect(m[4]).toEqual(payload);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("an unknown event in a joined room is an error reply, the socket stays", async () => {
    const s = await raw();
    s.ws.send('["1","1","room:lobby","phx_join",{}]');
    await s.next(reply("1"));
    s.ws.send('["1","2","room:lobby","no_such_event",{}]');
    const m = await s.next(reply("2"));
    expect(m[4]).toEqual({ status: "error", response: { reason: "unknown event no_such_event" } });
  });

  it("a crash in the channel is a phx_error for that topic; the socket and its other rooms go on", async () => {
    const s = await raw();
    s.ws.send('["1","1","room:lobby","phx_join",{}]');
    s.ws.send('["2","2","room:2","phx_join",{}]');
    await s.next(reply("1"));
    await s.next(reply("2"));
    s.ws.send('["1","3","room:lobby","crash",{}]');
    await s.next((m) => m[2] === "room:lobby" && m[3] === "phx_error");
    s.ws.send('["2","4","room:2","ping",{"n":1}]');
    expect((await s.next(reply("4")))[4]).toEqual({ status: "ok", response: { n: 1 } });
  });

  it("a second join of the same topic closes the first (phx_close) and answers the second", async () => {
    const s = await raw();
    s.ws.send('["1","1","room:lobby","phx_join",{}]');
    await s.next(reply("1"));
    s.ws.send('["7","7","room:lobby","phx_join",{}]');
    await s.next((m) => m[0] === "1" && m[3] === "phx_close");
    expect((await s.next(reply("7")))[4]).toMatchObject({ status: "ok" });
  });
});

describe("join floods", () => {
  it("past 100 channels a join is refused with a reply, and the log says so once a minute at most", async () => {
    const s = await raw();
    const mark = demo.logged.length;
    for (let i = 0; i < 150; i++) s.ws.send(JSON.stringify([String(i), String(i), `room:${i}`, "phx_join", {}]));
    const last = await s.next(reply("149"));
    expect(last[4]).toEqual({ status: "error", response: { reason: "too many channels joined" } });
    const ok = (s.messages as unknown[][]).filter((m) => m[3] === "phx_reply" && (m[4] as { status: string }).status === "ok");
    expect(ok).toHaveLength(100);
    // 50 refusals, but one connection writes at most 20 lines a minute.
    const lines = demo.since(mark).filter((l) => l.includes("maxChannels"));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(20);
  });

  it("1000 refused joins from one client write at most 20 log lines, then a summary when it closes", async () => {
    const s = await raw();
    const mark = demo.logged.length;
    for (let i = 0; i < 1000; i++) s.ws.send(JSON.stringify([String(i), String(i), "room:private", "phx_join", {}]));
    await s.next(reply("999"));
    for (let i = 0; i < 200; i++) s.ws.send(JSON.stringify([String(i), String(i), `room:${i}`, "phx_join", {}]));
    await s.next(reply("199"));
    s.ws.close();
    await s.closed;
    await demo.alive();
    const lines = demo.since(mark);
    expect(lines.length).toBeLessThanOrEqual(22);
  });

  it("50 official clients each joining 20 rooms, then leaving: all joined, all closed", async () => {
    const clients = Array.from({ length: 50 }, (_, i) => {
      const c = new PhoenixSocket(`ws://127.0.0.1:${demo.port}/socket`, { transport: WebSocket as never, params: { token: token(`user${i}`) }, timeout: 10_000 });
      sockets.push(c);
      c.connect();
      return c;
    });
    const joins = clients.flatMap((c) => Array.from({ length: 20 }, (_, r) => joined(c.channel(`room:${r}`, {}))));
    const results = await Promise.all(joins);
    expect(results.every((r) => r === "ok")).toBe(true);
    const before = handlerConnections(demo.endpoint);
    for (const c of clients) c.disconnect();
    await until(() => handlerConnections(demo.endpoint) <= before - 50);
    expect(handlerConnections(demo.endpoint)).toBeLessThanOrEqual(before - 50);
  });
});

function joined(channel: Channel): Promise<string> {
  return new Promise((resolve) => {
    channel.join().receive("ok", () => resolve("ok")).receive("error", (e: unknown) => resolve(`error ${JSON.stringify(e)}`)).receive("timeout", () => resolve("timeout"));
  });
}

/** The socket handlers' live connections (the test's own view into the endpoint). */
function handlerConnections(endpoint: Endpoint): number {
  const handlers = (endpoint as unknown as { sockets: { connections: Set<unknown> }[] }).sockets;
  return handlers.reduce((n, h) => n + h.connections.size, 0);
}

/** Polls a condition the server reaches asynchronously (a close handshake), for at most 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
}

describe("limits that need a small configuration to reach quickly", () => {
  // The demo's socket with limits low enough to reach in a test: a client that stops reading
  // is dropped past 256 kB queued, and at most 20 long-poll sessions live at once.
  let endpoint: Endpoint;
  let port: number;
  const logged: string[] = [];
  beforeAll(async () => {
    endpoint = defineEndpoint({
      router,
      sockets: [socket("/socket", UserSocket, { websocket: { maxBuffered: 256 * 1024 }, longpoll: { maxSessions: 20 } })],
      config: { secretKeyBase, logger: (m) => void logged.push(m) },
    });
    ({ port } = await endpoint.start({ port: 0, host: "127.0.0.1" }));
  });
  afterAll(() => endpoint.stop());

  it("a client that never reads is dropped with one log line; the room's readers go on", async () => {
    const reader = await raw(port);
    const stalled = await raw(port);
    reader.ws.send('["1","1","room:lobby","phx_join",{}]');
    stalled.ws.send('["1","1","room:lobby","phx_join",{}]');
    await reader.next(reply("1"));
    await stalled.next(reply("1"));
    // Stop reading: the kernel buffers fill, then ws queues, then the limit.
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const body = "x".repeat(64 * 1024);
    let n = 0;
    const mark = logged.length;
    // new_msg has no reply: the reader's copy of each broadcast is the barrier before the next.
    const broadcasts = () => (reader.messages as unknown[][]).filter((m) => m[3] === "new_msg").length;
    while (!logged.slice(mark).some((l) => l.includes("not reading")) && n < 2000) {
      reader.ws.send(JSON.stringify(["1", String(++n + 1), "room:lobby", "new_msg", { body }]));
      await reader.next(() => broadcasts() >= n);
    }
    expect(broadcasts()).toBe(n);
    const lines = logged.slice(mark).filter((l) => l.includes("not reading"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/limit 262144\); dropping the socket/);
    // The reader got every broadcast it sent, and still gets answers.
    reader.ws.send('["1","ping","room:lobby","ping",{"after":"drop"}]');
    expect((await reader.next(reply("ping")))[4]).toEqual({ status: "ok", response: { after: "drop" } });
    (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await stalled.closed).toBe(1006);
  });

  async function poll(query: string, init: RequestInit = {}): Promise<Record<string, unknown> & { httpStatus: number; headers: Headers }> {
    const res = await fetch(`http://127.0.0.1:${port}/socket/longpoll?${query}`, init);
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { text };
    }
    return { ...body, httpStatus: res.status, headers: res.headers };
  }

  it("a long-poll session flood stops at maxSessions: 500s (the client retries), one log line", async () => {
    const mark = logged.length;
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await poll(`vsn=2.0.0&token=${encodeURIComponent(token(`flood${i}`))}`));
    expect(answers.slice(0, 20).every((a) => a.status === 410 && typeof a.token === "string")).toBe(true);
    expect(answers.slice(20).every((a) => a.status === 500)).toBe(true);
    expect(logged.slice(mark).filter((l) => l.includes("maxSessions"))).toHaveLength(1);
  });

  it("long-poll sessions that are not ours, or gone, are a 410, never a session", async () => {
    for (const t of ["forged", token(), Token.sign(secretKeyBase, "longpoll", "no-such-session")]) {
      const a = await poll(`vsn=2.0.0&token=${encodeURIComponent(token())}`, { method: "POST", headers: { "x-phoenix-longpoll-token": t }, body: "[]" });
      expect(a.status).toBe(410);
    }
  });

  it("a long-poll request from a foreign origin is a 403 without CORS headers", async () => {
    const a = await poll(`vsn=2.0.0&token=${encodeURIComponent(token())}`, { headers: { origin: "https://evil.example" } });
    expect(a.status).toBe(403);
    expect(a.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("long-poll POSTs", () => {
  async function session(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${demo.port}/socket/longpoll?vsn=2.0.0&token=${encodeURIComponent(token())}`);
    const body = (await res.json()) as { status: number; token: string };
    expect(body.status).toBe(410);
    return body.token;
  }
  const post = (t: string, body: string | Buffer, type = "application/x-ndjson") =>
    fetch(`http://127.0.0.1:${demo.port}/socket/longpoll?vsn=2.0.0&token=${encodeURIComponent(t)}`, { method: "POST", headers: { "content-type": type }, body });

  it.each([
    ["not JSON", "hello"],
    ["JSON 513 deep", `[null,"1","room:lobby","ping",${"[".repeat(513)}${"]".repeat(513)}]`],
    ["an unclosed JSON 100 000 deep", "[".repeat(100_000)],
    ["a V2 frame of the wrong shape", '[null,"1",42,"phx_join",{}]'],
    ["a phx_reply from the client", '[null,"1","room:lobby","phx_reply",{}]'],
  ])("%s ends the session: 410, then the token is gone", async (_name, frame) => {
    const t = await session();
    const mark = demo.logged.length;
    const res = await post(t, frame);
    expect(((await res.json()) as { status: number }).status).toBe(410);
    expect(demo.since(mark).some((l) => l.includes("closing longpoll socket"))).toBe(true);
    const again = await post(t, '[null,"1","phoenix","heartbeat",{}]');
    expect(((await again.json()) as { status: number }).status).toBe(410);
  });

  it("a body that is not UTF-8 ends the session", async () => {
    const t = await session();
    const res = await post(t, Buffer.from([0x5b, 0xff, 0x5d]));
    expect(((await res.json()) as { status: number }).status).toBe(410);
  });

  it("more than 100 frames in one POST is a 400, the session lives", async () => {
    const t = await session();
    const res = await post(t, Array.from({ length: 101 }, (_, i) => `[null,"${i}","phoenix","heartbeat",{}]`).join("\n"));
    expect(res.status).toBe(400);
    const ok = await post(t, '[null,"1","phoenix","heartbeat",{}]');
    expect(((await ok.json()) as { status: number }).status).toBe(200);
  });

  it("a body over 8 MB is a 413", async () => {
    const t = await session();
    const res = await post(t, `[null,"1","room:lobby","ping",{"a":"${"x".repeat(8_000_001)}"}]`).catch(() => null);
    // The server answers before reading the rest and closes: fetch may see the 413 or a reset.
    if (res) expect(res.status).toBe(413);
  });

  it.each(["PUT", "DELETE", "PATCH"])("%s is a 400", async (method) => {
    const res = await fetch(`http://127.0.0.1:${demo.port}/socket/longpoll?vsn=2.0.0`, { method, body: "x" });
    expect(res.status).toBe(400);
  });

  it("the official long-poll client with a forged token gives up, the server goes on", async () => {
    const s = new PhoenixSocket(`http://127.0.0.1:${demo.port}/socket`, { transport: LongPoll, params: { token: "forged" }, reconnectAfterMs: () => 60_000 });
    sockets.push(s);
    const outcome = await new Promise<string>((resolve) => {
      s.onOpen(() => resolve("open"));
      s.onError(() => resolve("error"));
      s.connect();
    });
    expect(outcome).toBe("error");
  });
});
