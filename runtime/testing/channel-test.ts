// ChannelTest: connect a socket, join its channels, push events and assert on what comes back,
// as Phoenix.ChannelTest does, with no network. Joins run through a real Connection and
// ChannelServer (mailbox, fastlane, intercepts, crash isolation); only the transport is an
// in-memory one. Frames are V2 JSON both ways (Phoenix's test serializer skips encoding): a test
// then sees what the official client would, so a payload that does not survive JSON (a Date, a
// Map, undefined) shows up in the test and not in production.

import { checkPayload, type Assigns, type Channel } from "../channels/channel.js";
import { Connection } from "../channels/connection.js";
import { Broadcast, type Message, type Payload, type StopReason } from "../channels/message.js";
import type { Subscriber } from "../pubsub/pubsub.js";
import { V2 } from "../channels/serializer.js";
import { socket as mountSocket, type ConnectInfo, type SocketOptions, type UserSocket } from "../channels/socket.js";
import type { ParsedParams } from "../http/body/query.js";
import type { Endpoint } from "../endpoint/endpoint.js";
import { Inbox, PayloadCheck, show } from "./_channel-inbox.js";
import { ChannelWatch, TestSocketHandler, TestTransport, clientFrame } from "./_channel-transport.js";
import { errorText, fromHere, replyTo } from "./_channel-assert.js";

// The assertions are written in _channel-assert.ts; this module is their public home.
export { assertBroadcast, assertCrashed, assertPush, assertReply, refuteBroadcast, refutePush, refuteReply } from "./_channel-assert.js";
export type { PayloadMatch } from "./_channel-inbox.js";

/** A join waits as a GenServer call does; a join that needs longer says so with `{ timeout }`. */
const JOIN_TIMEOUT = 5000;

export interface ChannelTestOptions {
  /** The app's endpoint: its PubSub carries broadcasts, its config signs tokens and logs. */
  endpoint: Endpoint;
  /** Mount options that apply without a network (maxChannels, errorHandler). */
  socketOptions?: SocketOptions;
}

export interface ConnectOptions extends ChannelTestOptions {
  /** Merged over a test default: transport "test", host www.example.com, no headers. */
  connectInfo?: Partial<ConnectInfo>;
}

/** How long an assertion waits, in ms (100 by default, 5000 for a join). */
export interface Wait {
  timeout?: number;
}

/** A client connection without a network: `socket(...)` or `connect(...)` makes one. */
export class TestSocket<A extends Assigns = Assigns> {
  /** The real connection its channels run on. */
  readonly connection: Connection;
  /** The in-memory transport; `closedWith` is set when the server closed the connection. */
  readonly transport: TestTransport;
  /** @internal */ readonly inbox = new Inbox();
  /** @internal */ readonly watches = new Set<ChannelWatch>();
  private refs = 0;

  constructor(
    /** @internal */ readonly handler: TestSocketHandler,
    /** The socket's assigns; each channel joined gets its own copy, as in Phoenix. */
    readonly assigns: A,
    readonly id: string | null,
  ) {
    this.transport = new TestTransport(this.inbox);
    this.connection = new Connection(handler, V2, this.transport, assigns, id);
  }

  get endpoint(): Endpoint {
    return this.handler.endpoint;
  }

  /** @internal */ nextRef(): string {
    return String(++this.refs);
  }
}

/** A joined channel, as `subscribeAndJoin` and `join` return it. */
export class TestChannel<A extends Assigns = Assigns> {
  constructor(
    readonly socket: TestSocket<A>,
    readonly topic: string,
    readonly joinRef: string,
    /** @internal */ readonly watch: ChannelWatch,
    /** @internal The test's own subscription to the topic (null after `join`). */ readonly listener: Subscriber | null,
  ) {}

  /** The channel's own assigns, live: what its callbacks see and set. */
  get assigns(): A {
    return this.watch.server!.socket.assigns as A;
  }

  get joined(): boolean {
    return this.watch.server?.state === "joined";
  }

  /** Why the channel exited, null while it runs: `{ shutdown: "left" }`, `"normal"`, `{ error }` after a crash. */
  get exitReason(): StopReason | null {
    return this.watch.exit;
  }
}

/** A push's ref, for `assertReply`. */
export interface PushRef {
  readonly channel: TestChannel;
  readonly ref: string;
}

export interface Joined<A extends Assigns = Assigns> {
  /** The join's ok reply. */
  reply: Payload;
  channel: TestChannel<A>;
}

/** A refused join (Phoenix's `{:error, reply}`): `reply` is what join answered with. */
export class JoinError extends Error {
  override name = "JoinError";
  constructor(
    readonly topic: string,
    readonly reply: unknown,
    cause?: unknown,
  ) {
    super(`join of ${topic} was refused: ${show(reply)}${cause === undefined ? "" : ` (join threw: ${errorText(cause)})`}`, cause === undefined ? undefined : { cause });
  }
}

/** A refused connect: the HTTP status a transport would answer, and the `error(reason)` if any. */
export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(
    readonly status: number,
    readonly reason: unknown,
    cause?: unknown,
  ) {
    const why = cause !== undefined ? `threw: ${errorText(cause)}` : reason !== undefined ? `answered error(${show(reason)})` : "returned false";
    super(`the socket's connect refused the connection (${status}): it ${why}`, cause === undefined ? undefined : { cause });
  }
}

/**
 * A connected test socket with the given id and assigns, without running the socket's
 * `connect` (Phoenix's `socket(UserSocket, id, assigns)`).
 * @example const s = socket(UserSocket, "users_socket:alice", { name: "alice" }, { endpoint });
 */
export function socket<A extends Assigns>(definition: UserSocket<A>, options: ChannelTestOptions): TestSocket<A>;
export function socket<A extends Assigns>(definition: UserSocket<A>, id: string | null, assigns: A, options: ChannelTestOptions): TestSocket<A>;
export function socket<A extends Assigns>(definition: UserSocket<A>, ...args: unknown[]): TestSocket<A> {
  const [id, assigns, options] = (args.length === 1 ? [null, {}, args[0]] : args) as [string | null, A, ChannelTestOptions];
  return new TestSocket(handlerFor(definition, options, "socket"), assigns, id);
}

/**
 * Runs the socket's real `connect` with these params; resolves with the connected socket or
 * rejects with a ConnectError (Phoenix's `connect(UserSocket, params, connect_info)`).
 * @example
 * const s = await connect(UserSocket, { token: endpoint.signToken("user socket", "alice") }, { endpoint });
 * await expect(connect(UserSocket, { token: "forged" }, { endpoint })).rejects.toMatchObject({ status: 403 });
 */
export async function connect<A extends Assigns>(definition: UserSocket<A>, params: ParsedParams, options: ConnectOptions): Promise<TestSocket<A>> {
  const refused: { reason?: unknown } = {};
  const custom = options?.socketOptions?.errorHandler;
  const errorHandler = (reason: unknown) => ((refused.reason = reason), custom ? custom(reason) : { status: 403 });
  const handler = handlerFor(definition, { ...options, socketOptions: { ...options?.socketOptions, errorHandler } }, "connect");
  const info: ConnectInfo = {
    transport: "test",
    peerData: { address: "127.0.0.1", port: 0 },
    uri: { scheme: "http", host: "www.example.com", port: 80, path: "/socket", query: "" },
    userAgent: undefined,
    headers: {},
    ...options.connectInfo,
  };
  const outcome = await handler.connect(params, info);
  if (!outcome.ok) throw new ConnectError(outcome.status, refused.reason, outcome.status >= 500 ? handler.lastError : undefined);
  return new TestSocket(handler, outcome.assigns as A, outcome.id);
}

function handlerFor<A extends Assigns>(definition: UserSocket<A>, options: ChannelTestOptions, what: string): TestSocketHandler {
  if (!options?.endpoint) throw new TypeError(`${what}: pass the app's endpoint, as in ${what}(UserSocket, ..., { endpoint })`);
  return new TestSocketHandler(options.endpoint, mountSocket("/socket", definition, options.socketOptions ?? {}));
}

/**
 * Subscribes the test to `topic` (for `assertBroadcast`) and joins it, through the socket's
 * routes or the channel given. Resolves `{ reply, channel }` on ok; rejects with a JoinError
 * carrying the reply when join refuses (Phoenix's `{:ok, reply, socket}` / `{:error, reply}`).
 * The subscription lasts until the channel exits.
 * @example
 * const { reply, channel } = await subscribeAndJoin(s, "room:lobby");
 * await expect(subscribeAndJoin(s, "room:private")).rejects.toMatchObject({ reply: { reason: "unauthorized" } });
 * await subscribeAndJoin(s, RoomChannel, "room:lobby", { since: 0 });
 */
export function subscribeAndJoin<A extends Assigns>(socket: TestSocket<A>, topic: string, payload?: Payload, wait?: Wait): Promise<Joined<A>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function subscribeAndJoin<A extends Assigns>(socket: TestSocket<A>, channel: Channel<any>, topic: string, payload?: Payload, wait?: Wait): Promise<Joined<A>>;
export function subscribeAndJoin<A extends Assigns>(socket: TestSocket<A>, ...args: unknown[]): Promise<Joined<A>> {
  return fromHere(joinWith(socket, true, args), subscribeAndJoin);
}

/**
 * As `subscribeAndJoin`, without subscribing the test to the topic.
 * @example const { channel } = await join(s, "room:lobby", { since: 0 });
 */
export function join<A extends Assigns>(socket: TestSocket<A>, topic: string, payload?: Payload, wait?: Wait): Promise<Joined<A>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function join<A extends Assigns>(socket: TestSocket<A>, channel: Channel<any>, topic: string, payload?: Payload, wait?: Wait): Promise<Joined<A>>;
export function join<A extends Assigns>(socket: TestSocket<A>, ...args: unknown[]): Promise<Joined<A>> {
  return fromHere(joinWith(socket, false, args), join);
}

async function joinWith<A extends Assigns>(socket: TestSocket<A>, subscribe: boolean, args: unknown[]): Promise<Joined<A>> {
  const [channel, topic, payload = {}, { timeout = JOIN_TIMEOUT } = {}] = (typeof args[0] === "string" ? [null, ...args] : args) as [Channel | null, string, Payload?, Wait?];
  if (!socket.connection.isOpen) throw new Error(`cannot join ${topic}: the test socket is closed`);
  checkPayload(payload, `the join of ${topic}`);
  const watch = new ChannelWatch(channel);
  const listener = subscribe ? subscribeTest(socket, topic) : null;
  const unsubscribe = () => listener && socket.endpoint.pubsub.unsubscribe(topic, listener);
  const ref = socket.nextRef();
  socket.handler.pending = watch;
  try {
    send(socket, { joinRef: ref, ref, topic, event: "phx_join", payload });
  } finally {
    socket.handler.pending = null;
  }
  const answer = await socket.inbox.take(replyTo(topic, ref, watch, null, new PayloadCheck(undefined), `the join of ${topic}`), timeout).catch((e: unknown) => {
    unsubscribe();
    throw e;
  });
  if (answer.status !== "ok") {
    unsubscribe();
    throw new JoinError(topic, answer.payload, watch.joinError);
  }
  socket.watches.add(watch);
  watch.onExit(() => (unsubscribe(), socket.watches.delete(watch)));
  return { reply: answer.payload as Payload, channel: new TestChannel(socket, topic, ref, watch, listener) };
}

/** Broadcasts on the topic, into the socket's inbox (Phoenix's test process subscribing). */
function subscribeTest(socket: TestSocket, topic: string): Subscriber {
  const subscriber: Subscriber = {
    deliver(t, message) {
      if (message instanceof Broadcast && t === topic) socket.inbox.put({ kind: "broadcast", topic, event: message.event, joinRef: null, ref: null, payload: message.payload });
    },
  };
  socket.endpoint.pubsub.subscribe(topic, subscriber);
  return subscriber;
}

function send(socket: TestSocket, message: Message): void {
  const { data, binary } = clientFrame(message);
  socket.connection.receive(data, binary);
}

/**
 * Pushes an event to the channel's handleIn, as the client's `channel.push`; returns the ref
 * to pass to `assertReply`.
 * @example const ref = push(channel, "ping", { n: 1 }); await assertReply(ref, "ok", { n: 1 });
 */
export function push(channel: TestChannel, event: string, payload: Payload | Uint8Array = {}): PushRef {
  if (event.startsWith("phx_")) throw new TypeError(`push: "${event}" is a protocol event; use leave(channel) or close(channel)`);
  checkPayload(payload, `push("${event}")`);
  const ref = channel.socket.nextRef();
  send(channel.socket, { joinRef: channel.joinRef, ref, topic: channel.topic, event, payload });
  return { channel, ref };
}

/**
 * Leaves the channel as the client does; the server replies ok, then terminates it with `{ shutdown: "left" }`.
 * @example await assertReply(leave(channel), "ok");
 */
export function leave(channel: TestChannel): PushRef {
  const ref = channel.socket.nextRef();
  send(channel.socket, { joinRef: channel.joinRef, ref, topic: channel.topic, event: "phx_leave", payload: {} });
  return { channel, ref };
}

/**
 * Closes a channel as a client closing its socket does: nothing is sent, the channel
 * terminates with `{ shutdown: "closed" }`. Given a test socket, closes its every channel.
 * Resolves once terminate has run.
 * @example await close(channel); expect(channel.exitReason).toEqual({ shutdown: "closed" });
 */
export async function close(target: TestChannel | TestSocket): Promise<void> {
  if (target instanceof TestSocket) {
    const watches = [...target.watches];
    target.connection.closed();
    await Promise.all(watches.map((w) => w.terminated));
    return;
  }
  target.watch.server?.close({ shutdown: "closed" }, true);
  await target.watch.terminated;
}

/**
 * Broadcasts on the channel's topic from the test: the channel and every other subscriber get
 * it (intercepted events run handleOut), the test's own subscription does not, as in Phoenix.
 * @example broadcastFrom(channel, "new_msg", { body: "hi" }); await assertPush(channel, "new_msg", { body: "hi" });
 */
export function broadcastFrom(channel: TestChannel, event: string, payload: Payload | Uint8Array): void {
  const message = new Broadcast(channel.topic, event, checkPayload(payload, "broadcastFrom"));
  channel.socket.endpoint.pubsub.broadcast(channel.topic, message, channel.listener ?? undefined);
}
