// An event no handleIn answers is what Phoenix makes it: the channel crashes (a FunctionClauseError
// in Phoenix), the log line names the event, and the client gets phx_error and rejoins, instead
// of waiting for a reply that never comes. The rule (runtime/channels/channel.ts): a channel
// without handleIn, or whose handleIn is clauses `{ event(payload, socket) }` with none for the
// event, crashes; a function handleIn is a catch-all clause, and returning nothing from it is
// {:noreply, socket}, never a crash.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Socket as PhoenixSocket, LongPoll, type Channel as PhoenixChannel } from "phoenix";
import { defineChannel, defineEndpoint, defineSocket, ok, socket, type Endpoint } from "fawkes";
import { assertCrashed, assertPush, assertReply, push as testPush, socket as testSocket, subscribeAndJoin } from "fawkes/testing";
import { connected, disconnect, push, type TransportName } from "./support/channels.js";

const ClauseChannel = defineChannel({
  join: () => ok(),
  handleIn: {
    ping: (payload) => ok(payload),
    // A clause that matches and answers nothing: no reply, no crash ({:noreply, socket}).
    quiet: () => undefined,
  },
});
const NoHandleIn = defineChannel({ join: () => ok() });
const CatchAll = defineChannel({
  join: () => ok(),
  handleIn(event, payload) {
    if (event === "ping") return ok(payload);
  },
});

const AppSocket = defineSocket({ channels: { "clauses:*": ClauseChannel, "none:*": NoHandleIn, "catchall:*": CatchAll }, connect: () => true });

const logs: string[] = [];
let endpoint: Endpoint;
let url: string;
beforeAll(async () => {
  endpoint = defineEndpoint({
    router: { match: () => null, dispatch: [] },
    sockets: [socket("/socket", AppSocket, { websocket: true, longpoll: true })],
    config: { secretKeyBase: "c".repeat(64), logger: (m, e) => void logs.push(e ? `${m}: ${(e as Error).message}` : m) },
  });
  const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
  url = `ws://127.0.0.1:${port}/socket`;
});
afterAll(() => endpoint.stop());

/** Joins, counting every ok the join push receives: the first join and each rejoin. */
function joinCounting(channel: PhoenixChannel): { joins: () => number; rejoined: (n: number) => Promise<void> } {
  let joins = 0;
  const waiters: [number, () => void][] = [];
  channel.join().receive("ok", () => {
    joins++;
    for (const [n, resolve] of waiters) if (joins >= n) resolve();
  });
  return { joins: () => joins, rejoined: (n) => new Promise((resolve) => (joins >= n ? resolve() : waiters.push([n, resolve]))) };
}

describe.each(["websocket", "longpoll"] as TransportName[])("with the official client over %s", (transport) => {
  const sockets: PhoenixSocket[] = [];
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => disconnect(s)));
  });
  async function open(): Promise<PhoenixSocket> {
    const s = new PhoenixSocket(transport === "websocket" ? url : url.replace(/^ws/, "http"), {
      transport: transport === "websocket" ? (WebSocket as never) : LongPoll,
      reconnectAfterMs: () => 10,
      rejoinAfterMs: () => 10,
      timeout: 2000,
    });
    sockets.push(s);
    await connected(s);
    return s;
  }

  it.each([
    ["clauses", 'no handleIn clause of clauses:* matches event "nope" on clauses:1; it handles: ping, quiet'],
    ["none", 'none:* has no handleIn for event "nope" on none:1'],
  ])("an event without a clause (%s): phx_error, a log line naming it, a rejoin", async (kind, reason) => {
    const s = await open();
    const channel = s.channel(`${kind}:1`);
    const errored = new Promise<unknown>((resolve) => channel.onError(resolve));
    const { rejoined } = joinCounting(channel);
    await rejoined(1);
    const from = logs.length;
    const answer = push(channel, "nope", {}, 500);
    await errored;
    await rejoined(2);
    expect(logs.slice(from)).toContain(`${kind}:* on ${kind}:1 crashed: ${reason}`);
    // The push got no reply: the client times it out after the crash, as with Phoenix.
    expect(await answer).toEqual(["timeout", null]);
    if (kind === "clauses") expect(await push(channel, "ping", { n: 1 })).toEqual(["ok", { n: 1 }]);
  });

  it("a clause that answers nothing and a catch-all that returns nothing do not crash", async () => {
    const s = await open();
    for (const topic of ["clauses:2", "catchall:2"]) {
      const channel = s.channel(topic);
      let errors = 0;
      channel.onError(() => void errors++);
      const { rejoined, joins } = joinCounting(channel);
      await rejoined(1);
      expect(await push(channel, topic.startsWith("clauses") ? "quiet" : "unknown", {}, 200)).toEqual(["timeout", null]);
      expect(await push(channel, "ping", { after: true })).toEqual(["ok", { after: true }]);
      expect([errors, joins()]).toEqual([0, 1]);
    }
  });
});

describe("with ChannelTest", () => {
  it("assertCrashed gives the error naming the event; the channel is gone", async () => {
    const s = testSocket(AppSocket, { endpoint });
    const { channel } = await subscribeAndJoin(s, "clauses:3");
    await assertReply(testPush(channel, "ping", { a: 1 }), "ok", { a: 1 });
    testPush(channel, "constructor");
    await assertPush(channel, "phx_error", { reason: "channel_crash" });
    expect(((await assertCrashed(channel)) as Error).message).toBe('no handleIn clause of clauses:* matches event "constructor" on clauses:3; it handles: ping, quiet');
    expect(channel.joined).toBe(false);
  });

  it("defineChannel refuses a clause that is not a function", () => {
    expect(() => defineChannel({ join: () => ok(), handleIn: { ping: "pong" as never } })).toThrow('defineChannel: the handleIn clause for "ping" must be a function (payload, socket), got string');
  });
});
