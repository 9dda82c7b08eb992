// ChannelTest (fawkes/testing) against the demo's chat and the compatibility suite's proto
// channel, with no network: every helper, and the failure messages, which name what arrived.

import { describe, expect, it } from "vitest";
import { defineEndpoint, defineSocket, error, ok } from "fawkes";
import {
  assertBroadcast,
  assertCrashed,
  assertPush,
  assertReply,
  broadcastFrom,
  close,
  connect,
  join,
  leave,
  push,
  refuteBroadcast,
  refutePush,
  refuteReply,
  socket,
  subscribeAndJoin,
  type TestChannel,
} from "fawkes/testing";
import { RoomChannel, type ChatAssigns } from "../fixtures/demo/app/channels/room-channel.js";
import { UserSocket } from "../fixtures/demo/app/channels/user-socket.js";
import { ProtoChannel, SECRET, TestSocket as ProtoSocket, terminated } from "./support/channels.js";

const logs: string[] = [];
const endpoint = defineEndpoint({
  router: { match: () => null, dispatch: [] },
  config: { secretKeyBase: SECRET, logger: (m, e) => logs.push(e ? `${m}: ${(e as Error).message ?? e}` : m) },
});

// Every test joins its own topics: channels left open stay subscribed on the shared endpoint.
let n = 0;
const fresh = (prefix: string) => `${prefix}:${++n}`;

const alice = () => socket(UserSocket, "users_socket:alice", { name: "alice" }, { endpoint });
const proto = (name: string) => socket(ProtoSocket, `users_socket:${name}`, { name }, { endpoint });

/**
 * A barrier for refutations. A refutation that waits a few ms only shows that nothing came in
 * that window, so it passes as well when the message comes a moment later. Instead: push an
 * event the channel answers and wait for the answer (its callbacks run in order and write to
 * the client in order), then broadcast on the topic and wait for it in the test's subscription
 * and at the client (PubSub delivers in order too). Once this resolves, whatever the channel was
 * going to send or broadcast for the earlier messages has arrived, and a refutation with
 * `{ timeout: 0 }` (NOW) checks exactly that. Room channels answer "ping"; proto channels
 * "deferred", whose reply goes out from a setImmediate, so an earlier one scheduled alike is in too.
 */
async function barrier(channel: TestChannel): Promise<void> {
  const tag = `barrier ${++n}`;
  const [event, payload, answer] = channel.topic.startsWith("proto:") ? ["deferred", { value: tag }, { later: tag }] : ["ping", { tag }, { tag }];
  await assertReply(push(channel, event, payload), "ok", answer, { timeout: 5000 });
  if (!channel.listener) return;
  endpoint.broadcast(channel.topic, "barrier", { tag });
  await assertBroadcast(channel, "barrier", { tag }, { timeout: 5000 });
  await assertPush(channel, "barrier", { tag }, { timeout: 5000 });
}
/** For a refutation after a barrier: what it refutes has arrived already if it was sent at all. */
const NOW = { timeout: 0 };

/** The message an assertion rejected with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err as Error,
  );
  if (e === null) throw new Error("expected the assertion to fail");
  return e.message;
}

describe("ChannelTest: sockets and joins", () => {
  it("connect runs the socket's connect: a signed token gives assigns and id, a forged one is refused with 403", async () => {
    const s = await connect(UserSocket, { token: endpoint.signToken("user socket", "alice") }, { endpoint });
    expect(s.assigns).toEqual({ name: "alice" });
    expect(s.id).toBe("users_socket:alice");
    const refused = connect(UserSocket, { token: "forged" }, { endpoint });
    await expect(refused).rejects.toMatchObject({ name: "ConnectError", status: 403, reason: undefined });
    await expect(refused).rejects.toThrow("the socket's connect refused the connection (403): it returned false");
  });

  it("connect reports error(reason) through the errorHandler, and a throw as a 500 with its cause", async () => {
    const Picky = defineSocket({ channels: {}, connect: (params) => (params.token === "expired" ? error({ reason: "expired" }) : ok()) });
    await expect(connect(Picky, { token: "expired" }, { endpoint, socketOptions: { errorHandler: () => ({ status: 401 }) } })).rejects.toMatchObject({
      status: 401,
      reason: { reason: "expired" },
      message: `the socket's connect refused the connection (401): it answered error({"reason":"expired"})`,
    });
    const Broken = defineSocket({
      channels: {},
      connect() {
        throw new Error("db down");
      },
    });
    await expect(connect(Broken, {}, { endpoint })).rejects.toThrow("(500): it threw: Error: db down");
    expect(logs.at(-1)).toBe("connect of the socket at /socket failed: db down");
  });

  it("socket() skips connect and needs the app's endpoint", async () => {
    const s = socket(UserSocket, null, { name: "bob" }, { endpoint });
    const { reply, channel } = await subscribeAndJoin(s, fresh("room"));
    expect(reply).toEqual({ name: "bob" });
    expect(channel.assigns).toEqual({ name: "bob" });
    expect(channel.socket.connection.transportName).toBe("test");
    expect(() => socket(UserSocket, null, { name: "x" }, {} as never)).toThrow("socket: pass the app's endpoint, as in socket(UserSocket, ..., { endpoint })");
  });

  it("a refused join rejects with the reply and drops the test's subscription (room:private, unmatched topics)", async () => {
    const s = alice();
    await expect(subscribeAndJoin(s, "room:private")).rejects.toMatchObject({ name: "JoinError", reply: { reason: "unauthorized" } });
    expect(endpoint.pubsub.subscriberCount("room:private")).toBe(0);
    const RoomsOnly = defineSocket<ChatAssigns>({ channels: { "room:*": RoomChannel } });
    const r = socket(RoomsOnly, null, { name: "alice" }, { endpoint });
    await expect(subscribeAndJoin(r, "lobby")).rejects.toThrow(`join of lobby was refused: {"reason":"unmatched topic"}`);
  });

  it("a join that throws is refused with {reason: \"join crashed\"}, the error being the JoinError's cause; a non-object payload is a TypeError", async () => {
    expect(await failure(subscribeAndJoin(alice(), ProtoChannel, fresh("proto"), "not an object" as never))).toMatch(/^the join of proto:\d+ expects an object payload/);
    const Crashing = defineSocket({ channels: { "boom:*": { ...ProtoChannel, join: () => { throw new Error("no db"); } } } });
    await expect(subscribeAndJoin(socket(Crashing, { endpoint }), "boom:1")).rejects.toMatchObject({
      reply: { reason: "join crashed" },
      cause: new Error("no db"),
      message: `join of boom:1 was refused: {"reason":"join crashed"} (join threw: Error: no db)`,
    });
  });

  it("subscribeAndJoin with an explicit channel joins it whatever the socket routes", async () => {
    const topic = fresh("anything");
    const { reply, channel } = await subscribeAndJoin(alice(), ProtoChannel, topic, { after_join: true });
    expect(reply).toEqual({ topic });
    await assertPush(channel, "after_join", { name: "alice" });
  });

  it("join does not subscribe the test: assertBroadcast says to use subscribeAndJoin", async () => {
    const { channel } = await join(alice(), fresh("room"));
    push(channel, "new_msg", { body: "hi" });
    await assertPush(channel, "new_msg", { name: "alice", body: "hi" });
    expect(() => assertBroadcast(channel, "new_msg")).toThrow(/was joined with join\(\), which does not subscribe the test to it: use subscribeAndJoin\(\)/);
  });
});

describe("ChannelTest: the demo chat", () => {
  it("push → assertReply: ping answers with its payload, an unknown event with an error", async () => {
    const { channel } = await subscribeAndJoin(alice(), fresh("room"));
    expect(await assertReply(push(channel, "ping", { n: 1, text: "héllo" }), "ok", { n: 1, text: "héllo" })).toEqual({ n: 1, text: "héllo" });
    await assertReply(push(channel, "dance"), "error", { reason: "unknown event dance" });
    await assertReply(push(channel, "ping", { n: 2 }), "ok");
  });

  it("payloads cross as JSON, as the official client sends and reads them", async () => {
    const { channel } = await subscribeAndJoin(alice(), fresh("room"));
    await assertReply(push(channel, "ping", { at: new Date(0), gone: undefined }), "ok", { at: "1970-01-01T00:00:00.000Z" });
    await assertReply(push(channel, "ping", new Uint8Array([1, 2, 3])), "ok", new Uint8Array([1, 2, 3]));
  });

  it("new_msg: assertBroadcast sees the PubSub broadcast, assertPush the frame each client gets", async () => {
    const topic = fresh("room");
    const a = (await subscribeAndJoin(alice(), topic)).channel;
    const b = (await subscribeAndJoin(socket(UserSocket, null, { name: "bob" }, { endpoint }), topic)).channel;
    push(a, "new_msg", { body: "hi" });
    expect(await assertBroadcast(a, "new_msg", { name: "alice", body: "hi" })).toEqual({ name: "alice", body: "hi" });
    await assertPush(a, "new_msg", { name: "alice", body: "hi" });
    await assertPush(b, "new_msg", (p) => p.name === "alice");
    // Each assertion took its message: nothing more came before the barrier.
    await barrier(a);
    await refutePush(a, "new_msg", undefined, NOW);
    await refuteBroadcast(a, "new_msg", undefined, NOW);
  });

  it("a crash in handleIn: phx_error, assertCrashed returns the error, the socket's other channels go on", async () => {
    const s = alice();
    const lobby = (await subscribeAndJoin(s, fresh("room"))).channel;
    const other = (await subscribeAndJoin(s, fresh("room"))).channel;
    push(lobby, "crash");
    await assertPush(lobby, "phx_error", { reason: "channel_crash" });
    const e = await assertCrashed(lobby);
    expect((e as Error).message).toBe(`crash requested by alice on ${lobby.topic}`);
    expect(lobby.joined).toBe(false);
    expect(lobby.exitReason).toEqual({ error: e });
    expect(endpoint.pubsub.subscriberCount(lobby.topic)).toBe(0);
    expect(logs).toContain(`room:* on ${lobby.topic} crashed: crash requested by alice on ${lobby.topic}`);
    await assertReply(push(other, "ping"), "ok", {});
  });

  it("leave replies ok, sends phx_close and terminates with {shutdown: \"left\"}", async () => {
    const { channel } = await subscribeAndJoin(alice(), fresh("room"));
    await assertReply(leave(channel), "ok", {});
    await assertPush(channel, "phx_close", {});
    expect(channel.exitReason).toEqual({ shutdown: "left" });
    expect(endpoint.pubsub.subscriberCount(channel.topic)).toBe(0);
  });

  it("broadcastFrom reaches the channel and its client, not the test's own subscription", async () => {
    const { channel } = await subscribeAndJoin(alice(), fresh("room"));
    broadcastFrom(channel, "new_msg", { name: "carol", body: "from the test" });
    await assertPush(channel, "new_msg", { name: "carol", body: "from the test" });
    await barrier(channel);
    await refuteBroadcast(channel, "new_msg", undefined, NOW);
  });

  it("a disconnect broadcast on the socket's id closes the test socket and its channels", async () => {
    const s = socket(UserSocket, "users_socket:dora", { name: "dora" }, { endpoint });
    const { channel } = await subscribeAndJoin(s, fresh("room"));
    endpoint.broadcast("users_socket:dora", "disconnect", {});
    expect(s.transport.closedWith).toEqual({ code: 1001, reason: "disconnect" });
    expect(channel.exitReason).toEqual({ shutdown: "closed" });
  });
});

describe("ChannelTest: the proto channel (intercepts, deferred replies, handleInfo, stop, close)", () => {
  it("an intercepted event runs handleOut per subscriber: everyone but `except` gets the push", async () => {
    const topic = fresh("proto");
    const a = (await subscribeAndJoin(proto("alice"), topic)).channel;
    const b = (await subscribeAndJoin(proto("bob"), topic)).channel;
    await assertReply(push(a, "filtered", { except: "bob", n: 1 }), "ok");
    await assertBroadcast(a, "filtered", { except: "bob", n: 1 });
    await assertPush(a, "filtered", { except: "bob", n: 1 });
    // b's handleOut for that broadcast ran before b answers the barrier's push.
    await barrier(b);
    await refutePush(b, "filtered", undefined, NOW);
  });

  it("assertReply waits for a deferred reply and an async handleIn", async () => {
    const { channel } = await subscribeAndJoin(proto("alice"), fresh("proto"));
    const ref = push(channel, "deferred", { value: 7 });
    await assertReply(ref, "ok", { later: 7 });
    await assertReply(push(channel, "async"), "ok", { async: true });
    const slow = push(channel, "slow");
    await barrier(channel);
    await refuteReply(slow, "ok", undefined, NOW);
    await refuteReply(slow, "error", undefined, NOW);
  });

  it("handleInfo: after join, and for a topic the channel subscribed to", async () => {
    const { channel } = await subscribeAndJoin(proto("alice"), fresh("proto"), { after_join: true });
    await assertPush(channel, "after_join", { name: "alice" });
    const news = fresh("news");
    await assertReply(push(channel, "subscribe", { topic: news }), "ok");
    endpoint.broadcast(news, "headline", { text: "hello" });
    await assertPush(channel, "info", (p) => expect(p.message).toMatchObject({ event: "headline", payload: { text: "hello" } }));
  });

  it("stop replies, sends phx_close and exits normally; assertCrashed says it exited cleanly", async () => {
    const { channel } = await subscribeAndJoin(proto("alice"), fresh("proto"));
    await assertReply(push(channel, "stop"), "ok", { bye: true });
    await assertPush(channel, "phx_close", {});
    expect(channel.exitReason).toBe("normal");
    expect(terminated).toContain(`${channel.topic} "normal"`);
    expect(await failure(assertCrashed(channel))).toBe(`expected ${channel.topic} to crash, but it exited cleanly with "normal"`);
  });

  it("a rejected promise in handleIn crashes the channel as a throw does", async () => {
    const { channel } = await subscribeAndJoin(proto("alice"), fresh("proto"));
    push(channel, "reject");
    expect(await assertCrashed(channel)).toEqual(new Error("rejected on purpose"));
    expect(terminated).toContain(`${channel.topic} {"error":"rejected on purpose"}`);
  });

  it("close terminates with {shutdown: \"closed\"} and sends nothing; close(socket) closes every channel", async () => {
    const s = proto("alice");
    const one = (await subscribeAndJoin(s, fresh("proto"))).channel;
    await close(one);
    expect(terminated).toContain(`${one.topic} {"shutdown":"closed"}`);
    // The socket writes in order: what closing `one` sent comes before what `two` answers.
    const two = (await subscribeAndJoin(s, fresh("proto"))).channel;
    await barrier(two);
    await refutePush(one, "phx_close", undefined, NOW);
    await refutePush(one, "phx_error", undefined, NOW);
    const three = (await subscribeAndJoin(s, fresh("proto"))).channel;
    await close(s);
    expect([two.exitReason, three.exitReason]).toEqual([{ shutdown: "closed" }, { shutdown: "closed" }]);
    await expect(subscribeAndJoin(s, fresh("proto"))).rejects.toThrow(/^cannot join proto:\d+: the test socket is closed$/);
  });
});

describe("ChannelTest: failing assertions name what arrived", () => {
  async function lobby(): Promise<TestChannel> {
    return (await subscribeAndJoin(alice(), fresh("room"))).channel;
  }

  it("assertReply with the wrong payload or status lists the reply that came", async () => {
    const channel = await lobby();
    const ref = push(channel, "ping", { n: 1 });
    expect(await failure(assertReply(ref, "ok", { n: 2 }, { timeout: 10 }))).toBe(
      `expected a reply ok to push 2 on ${channel.topic} with payload {"n":2} within 10 ms; received instead:\n  reply ok to push 2: {"n":1}`,
    );
    expect(await failure(assertReply(ref, "error"))).toBe(
      `expected a reply error to push 2 on ${channel.topic} within 100 ms; received instead:\n  reply ok to push 2: {"n":1}`,
    );
    await assertReply(ref, "ok", { n: 1 });
  });

  it("assertPush after a crash lists the phx_error and says why the channel crashed", async () => {
    const channel = await lobby();
    push(channel, "crash");
    expect(await failure(assertPush(channel, "new_msg", undefined, { timeout: 10 }))).toBe(
      `expected a push "new_msg" on ${channel.topic} within 10 ms; received instead:\n  push "phx_error" {"reason":"channel_crash"}\n` +
        `${channel.topic} crashed: Error: crash requested by alice on ${channel.topic}`,
    );
  });

  it("a payload check that throws is quoted; with nothing pending, the message says so", async () => {
    const channel = await lobby();
    push(channel, "new_msg", { body: "hi" });
    const message = await failure(assertBroadcast(channel, "new_msg", (p) => expect(p).toMatchObject({ body: "bye" }), { timeout: 10 }));
    expect(message).toMatch(/^expected a broadcast "new_msg" on room:\d+ with a payload the check accepts within 10 ms; received instead:\n {2}broadcast "new_msg" \{"name":"alice","body":"hi"\}\nthe payload check last threw: expected/);
    await assertBroadcast(channel, "new_msg");
    expect(await failure(assertBroadcast(channel, "new_msg", undefined, { timeout: 10 }))).toBe(
      `expected a broadcast "new_msg" on ${channel.topic} within 10 ms; received nothing (that no earlier assertion took)`,
    );
  });

  it("refutePush fails when the push is already there, and as soon as it arrives", async () => {
    const channel = await lobby();
    push(channel, "new_msg", { body: "early" });
    expect(await failure(refutePush(channel, "new_msg"))).toBe(`expected no push "new_msg" on ${channel.topic} within 100 ms, but received:\n  push "new_msg" {"name":"alice","body":"early"}`);
    const started = performance.now();
    const refuted = failure(refutePush(channel, "new_msg", { name: "alice", body: "late" }, { timeout: 5000 }));
    broadcastFrom(channel, "new_msg", { name: "alice", body: "late" });
    expect(await refuted).toMatch(/but received:\n {2}push "new_msg" \{"name":"alice","body":"late"\}$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("assertCrashed on a running channel times out saying so", async () => {
    const channel = await lobby();
    expect(await failure(assertCrashed(channel, { timeout: 10 }))).toBe(`expected ${channel.topic} to crash within 10 ms; it is still running`);
  });

  it("the rejection's stack points at the test's line, not at a timer", async () => {
    const channel = await lobby();
    const e = await assertPush(channel, "nothing", undefined, { timeout: 10 }).catch((err: unknown) => err as Error);
    expect(e.stack).toContain("channel-test.test.ts");
    expect(e.stack?.split("\n")[0]).toBe(`Error: expected a push "nothing" on ${channel.topic} within 10 ms; received nothing (that no earlier assertion took)`);
  });
});
