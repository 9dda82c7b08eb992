// The long-poll transport at the protocol level: plain fetch against a real endpoint on port 0,
// every request built the way phoenix.js 1.8.16 builds it (phoenix.md (c), LongPoll protocol).
// Waiting is on observable events (a poll reaching the server, a subscriber count), never a sleep.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerResponse } from "node:http";
import { defineEndpoint, defineSocket, socket } from "fawkes";
import { LongPollSession } from "../runtime/channels/transports/_longpoll-session.js";
import { startChat, terminated, tokenFor, type ChatServer } from "./support/channels.js";

interface PollBody {
  status: number;
  token?: string;
  messages?: string[];
}

interface Answer {
  http: number;
  headers: Headers;
  body: PollBody;
  text: string;
}

/** `/socket/longpoll?<socket params>&vsn=2.0.0[&token=<session>]`, as phoenix.js appends its token last. */
function url(server: { port: number }, params: Record<string, string>, session?: string): string {
  const query = new URLSearchParams({ vsn: "2.0.0", ...params });
  if (session !== undefined) query.append("token", session);
  return `http://127.0.0.1:${server.port}/socket/longpoll?${query}`;
}

async function request(target: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(target, init);
  const text = await res.text();
  const json = (res.headers.get("content-type") ?? "").startsWith("application/json");
  return { http: res.status, headers: res.headers, body: json ? (JSON.parse(text) as PollBody) : { status: -1 }, text };
}

/** A new session for `name`; resolves with its token. */
async function open(server: { port: number }, name: string): Promise<string> {
  const { body } = await request(url(server, { token: tokenFor(name) }));
  expect(body).toMatchObject({ status: 410, messages: [] });
  return body.token!;
}

function poll(server: { port: number }, name: string, session: string): Promise<Answer> {
  return request(url(server, { token: tokenFor(name) }, session), { headers: { accept: "application/json" } });
}

function post(server: { port: number }, name: string, session: string | undefined, frames: string[], contentType = "application/x-ndjson"): Promise<Answer> {
  return request(url(server, { token: tokenFor(name) }, session), { method: "POST", headers: { "content-type": contentType }, body: frames.join("\n") });
}

/** Resolves once the server has taken the next poll (it waits for frames from then on). */
function nextListen(): Promise<void> {
  return new Promise((resolve) => {
    const original = LongPollSession.prototype.listen;
    const spy = vi.spyOn(LongPollSession.prototype, "listen").mockImplementation(function (this: LongPollSession, res: ServerResponse) {
      spy.mockRestore();
      original.call(this, res);
      resolve();
    });
  });
}

const frames = (answer: Answer) => (answer.body.messages ?? []).map((m) => JSON.parse(m) as unknown[]);
const join = (topic: string, ref = "1") => JSON.stringify([ref, ref, topic, "phx_join", {}]);

describe("long polling, protocol level", () => {
  let server: ChatServer;
  // Timing tests get a short window; the rest a long one, so a slow machine cannot expire their sessions.
  let short: ChatServer;
  const WINDOW = 200;

  beforeAll(async () => {
    server = await startChat({ longpoll: { window: 5000 }, websocket: true });
    short = await startChat({ longpoll: { window: WINDOW }, websocket: true });
  });
  afterAll(async () => {
    await Promise.all([server.stop(), short.stop()]);
  });

  const connections = (name: string, s = server) => s.endpoint.pubsub.subscriberCount(`users_socket:${name}`);

  it("GET without a session token runs connect and answers 410 with a session token", async () => {
    const answer = await request(url(server, { token: tokenFor("lp-new") }));
    expect(answer.http).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.body).toEqual({ status: 410, token: expect.any(String), messages: [] });
    expect(connections("lp-new")).toBe(1);
  });

  it("answers 403 when connect refuses (a forged user token), for a bad vsn, and for a foreign origin", async () => {
    expect((await request(url(server, { token: "forged" }))).body).toEqual({ status: 403 });
    expect((await request(url(server, { token: tokenFor("lp-vsn"), vsn: "3.0.0" }))).body).toEqual({ status: 403 });
    const foreign = await request(url(server, { token: tokenFor("lp-origin") }), { headers: { origin: "http://evil.example" } });
    expect(foreign.body).toEqual({ status: 403 });
    expect(connections("lp-vsn") + connections("lp-origin")).toBe(0);
  });

  it("passes the X-Phoenix-AuthToken header to connect when the mount has authToken: true", async () => {
    const AuthSocket = defineSocket({ channels: {}, connect: (_params, _socket, info) => info.transport === "longpoll" && info.authToken === "let-me-in" });
    const endpoint = defineEndpoint({
      router: { match: () => null, dispatch: [] },
      sockets: [socket("/socket", AuthSocket, { longpoll: true, websocket: false, authToken: true })],
      config: { secretKeyBase: "test-secret-key-base-0123456789abcdef0123456789abcdef0123456789abcdef" },
    });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    try {
      expect((await request(url({ port }, {}), { headers: { "x-phoenix-authtoken": "let-me-in" } })).body).toMatchObject({ status: 410 });
      expect((await request(url({ port }, {}), { headers: { "x-phoenix-authtoken": "wrong" } })).body).toEqual({ status: 403 });
      expect((await request(url({ port }, {}))).body).toEqual({ status: 403 });
    } finally {
      await endpoint.stop();
    }
  });

  it("a poll with nothing to send answers 204 with the token once the window has passed", async () => {
    const session = await open(short, "lp-empty");
    const started = performance.now();
    const answer = await poll(short, "lp-empty", session);
    expect(performance.now() - started).toBeGreaterThanOrEqual(WINDOW - 5);
    expect(answer.body).toEqual({ status: 204, token: session, messages: [] });
  });

  it("POST of a join frame answers 200; the next poll carries the join reply", async () => {
    const session = await open(server, "lp-join");
    expect((await post(server, "lp-join", session, [join("room:lobby")])).body).toEqual({ status: 200 });
    const answer = await poll(server, "lp-join", session);
    expect(answer.body).toMatchObject({ status: 200, token: session });
    expect(frames(answer)).toEqual([["1", "1", "room:lobby", "phx_reply", { status: "ok", response: { name: "lp-join" } }]]);
  });

  it("handles an ndjson batch in order, and one poll takes every buffered reply", async () => {
    const session = await open(server, "lp-batch");
    const batch = [join("room:lobby"), JSON.stringify(["1", "2", "room:lobby", "ping", { n: 1 }]), JSON.stringify(["1", "3", "room:lobby", "ping", { n: 2 }])];
    expect((await post(server, "lp-batch", session, batch)).body).toEqual({ status: 200 });
    expect(frames(await poll(server, "lp-batch", session))).toEqual([
      ["1", "1", "room:lobby", "phx_reply", { status: "ok", response: { name: "lp-batch" } }],
      ["1", "2", "room:lobby", "phx_reply", { status: "ok", response: { n: 1 } }],
      ["1", "3", "room:lobby", "phx_reply", { status: "ok", response: { n: 2 } }],
    ]);
  });

  it("accepts the older single-frame JSON body, and V1 frames (vsn 1.0.0)", async () => {
    const v1 = (await request(url(server, { token: tokenFor("lp-v1"), vsn: "1.0.0" }))).body.token!;
    const frame = JSON.stringify({ topic: "room:lobby", event: "phx_join", payload: {}, ref: "1", join_ref: "1" });
    const posted = await request(url(server, { token: tokenFor("lp-v1"), vsn: "1.0.0" }, v1), { method: "POST", headers: { "content-type": "application/json" }, body: frame });
    expect(posted.body).toEqual({ status: 200 });
    const answer = await request(url(server, { token: tokenFor("lp-v1"), vsn: "1.0.0" }, v1));
    expect(frames(answer)).toEqual([{ topic: "room:lobby", event: "phx_reply", payload: { status: "ok", response: { name: "lp-v1" } }, ref: "1", join_ref: "1" }]);
  });

  it("answers a waiting poll as soon as a broadcast arrives", async () => {
    const session = await open(server, "lp-wait");
    await post(server, "lp-wait", session, [join("room:waiting")]);
    await poll(server, "lp-wait", session); // the join reply
    const listening = nextListen();
    const waiting = poll(server, "lp-wait", session);
    await listening;
    server.endpoint.broadcast("room:waiting", "new_msg", { body: "now" });
    expect(frames(await waiting)).toEqual([[null, null, "room:waiting", "new_msg", { body: "now" }]]);
  });

  it("a new poll supersedes the waiting one, which answers 204 at once", async () => {
    const session = await open(server, "lp-twice");
    await post(server, "lp-twice", session, [join("room:twice")]);
    await poll(server, "lp-twice", session);
    let listening = nextListen();
    const first = poll(server, "lp-twice", session);
    await listening;
    listening = nextListen();
    const second = poll(server, "lp-twice", session);
    expect((await first).body).toEqual({ status: 204, token: session, messages: [] });
    await listening;
    server.endpoint.broadcast("room:twice", "new_msg", { body: "to the second" });
    expect(frames(await second)).toEqual([[null, null, "room:twice", "new_msg", { body: "to the second" }]]);
  });

  it("takes the session token from the x-phoenix-longpoll-token header too", async () => {
    const session = await open(server, "lp-header");
    const headers = { "x-phoenix-longpoll-token": session, "content-type": "application/x-ndjson" };
    const target = url(server, { token: tokenFor("lp-header") });
    expect((await request(target, { method: "POST", headers, body: join("room:lobby") })).body).toEqual({ status: 200 });
    expect((await request(target, { headers })).body).toMatchObject({ status: 200, token: session });
  });

  it("carries binary pushes base64 in ndjson; a binary reply cannot go back and is logged", async () => {
    const session = await open(server, "lp-binary");
    await post(server, "lp-binary", session, [join("room:bin")]);
    await poll(server, "lp-binary", session);
    // C→S binary push: [0, len(join_ref), len(ref), len(topic), len(event), join_ref, ref, topic, event, data]
    const push = (ref: string, event: string) => Buffer.concat([Buffer.from([0, 1, ref.length, "room:bin".length, event.length]), Buffer.from(`1${ref}room:bin${event}`), Buffer.from([1, 2, 255])]).toString("base64");
    expect((await post(server, "lp-binary", session, [push("2", "new_msg"), push("3", "ping")])).body).toEqual({ status: 200 });
    // The room's new_msg reads payload.body, which binary data lacks: the broadcast proves the push was decoded.
    expect(frames(await poll(server, "lp-binary", session))).toEqual([[null, null, "room:bin", "new_msg", { name: "lp-binary", body: "" }]]);
    expect(server.logs.some((l) => l.includes("dropped a binary frame"))).toBe(true);
  });

  it("POST without a live session answers 410", async () => {
    expect((await post(server, "lp-none", undefined, [join("room:lobby")])).body).toEqual({ status: 410 });
    expect((await post(server, "lp-none", "SFMyNTY.forged.token", [join("room:lobby")])).body).toEqual({ status: 410 });
  });

  it("refuses more than 100 frames in one POST, and bodies over 8 MB", async () => {
    const session = await open(server, "lp-big");
    const many = Array.from({ length: 101 }, (_, i) => JSON.stringify([null, String(i), "phoenix", "heartbeat", {}]));
    expect((await post(server, "lp-big", session, many)).http).toBe(400);
    expect((await post(server, "lp-big", session, ["x".repeat(8_000_001)])).http).toBe(413);
    expect((await post(server, "lp-big", session, [JSON.stringify([null, "1", "phoenix", "heartbeat", {}])])).body).toEqual({ status: 200 });
  });

  it("answers the CORS pre-flight with the headers phoenix.js sends", async () => {
    const origin = `http://localhost:${server.port}`;
    const answer = await fetch(url(server, {}), { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-custom" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
    expect(answer.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    expect(answer.headers.get("access-control-allow-headers")?.split(", ")).toEqual(expect.arrayContaining(["x-phoenix-longpoll-token", "x-phoenix-authtoken", "content-type", "x-custom"]));
    expect(answer.headers.get("access-control-max-age")).toBe("3600");
  });

  it("a malformed frame ends the session; its token then answers 410 and starts nothing", async () => {
    const session = await open(server, "lp-bad");
    expect((await post(server, "lp-bad", session, [JSON.stringify(["1", "1", "room:lobby"])])).body).toEqual({ status: 410 });
    expect(connections("lp-bad")).toBe(0);
    expect(server.logs.some((l) => l.includes("closing longpoll socket") && l.includes("expected a V2 frame"))).toBe(true);
    // phoenix.js, holding a token, takes this 410 as "session gone" (close 3410) and reconnects without one.
    expect((await poll(server, "lp-bad", session)).body).toEqual({ status: 410 });
    expect(connections("lp-bad")).toBe(0);
    // Neither JSON nor base64 is malformed too.
    const other = await open(server, "lp-bad");
    expect((await post(server, "lp-bad", other, ["not a frame!"])).body).toEqual({ status: 410 });
    expect(server.logs.some((l) => l.includes("neither JSON nor base64"))).toBe(true);
    expect(connections("lp-bad")).toBe(0);
  });

  it("a session nobody polls ends after 1.5 × window, its channels terminate; polling keeps it alive", async () => {
    const session = await open(short, "lp-idle");
    await post(short, "lp-idle", session, [join("proto:idle")]);
    await poll(short, "lp-idle", session); // the join reply, at once
    // Two empty polls span more than 1.5 × window: the session outlives them.
    expect((await poll(short, "lp-idle", session)).body.status).toBe(204);
    expect((await poll(short, "lp-idle", session)).body.status).toBe(204);
    expect(connections("lp-idle", short)).toBe(1);
    const stopped = performance.now();
    await vi.waitFor(() => expect(connections("lp-idle", short)).toBe(0), { timeout: 10_000, interval: 5 });
    expect(performance.now() - stopped).toBeGreaterThanOrEqual(WINDOW);
    expect(terminated).toContain(`proto:idle {"shutdown":"closed"}`);
    expect((await poll(short, "lp-idle", session)).body).toEqual({ status: 410 });
  });

  it("a disconnect broadcast to the socket id answers the waiting poll with 410", async () => {
    const session = await open(server, "lp-bye");
    await open(server, "lp-stay");
    const listening = nextListen();
    const waiting = poll(server, "lp-bye", session);
    await listening;
    server.endpoint.broadcast("users_socket:lp-bye", "disconnect", {});
    expect((await waiting).body).toEqual({ status: 410 });
    expect(connections("lp-bye")).toBe(0);
    expect(connections("lp-stay")).toBe(1);
  });

  it("stopping the endpoint ends every session and answers the waiting polls", async () => {
    const own = await startChat({ longpoll: { window: 5000 }, websocket: false });
    const session = await open(own, "lp-stop");
    const listening = nextListen();
    const waiting = poll(own, "lp-stop", session);
    await listening;
    await own.stop();
    expect((await waiting).body).toEqual({ status: 410 });
    expect(connections("lp-stop", own)).toBe(0);
  });
});
