// ChannelTest's assertions: what a test expects the channel to have replied, pushed or
// broadcast, turned into Inbox expectations whose failure messages list what did arrive. Each
// helper waits on the inbox (settled by the arrival, bounded by a timeout) and rejects with the
// stack of the helper's call, so the runner points at the test's line.

import { isCleanStop, type Payload, type ReplyStatus } from "../channels/message.js";
import { PayloadCheck, show, type Expectation, type PayloadMatch } from "./_channel-inbox.js";
import type { ChannelWatch } from "./_channel-transport.js";
import type { PushRef, TestChannel, Wait } from "./channel-test.js";

// ExUnit's assert_receive_timeout and refute_receive_timeout default to 100 ms; a refutation
// can only pass by waiting, so that is the one wait a passing test pays.
const ASSERT_TIMEOUT = 100;
const REFUTE_TIMEOUT = 100;

/**
 * Waits for the reply to a push (deferred replies too) and returns its response. `payload`:
 * see PayloadMatch (deep equality; a function for partial checks). Rejects after `timeout` ms
 * listing what the channel sent instead.
 * @example const answer = await assertReply(push(channel, "ping", { n: 1 }), "ok", { n: 1 });
 */
export function assertReply(ref: PushRef, status: ReplyStatus, payload?: PayloadMatch, { timeout = ASSERT_TIMEOUT }: Wait = {}): Promise<Payload> {
  const e = replyTo(ref.channel.topic, ref.ref, ref.channel.watch, status, new PayloadCheck(payload), `push ${ref.ref}`);
  return fromHere(ref.channel.socket.inbox.take(e, timeout), assertReply).then((item) => item.payload as Payload);
}

/**
 * Fails if a matching reply arrives within `timeout` ms (100 by default, which the test waits).
 * @example await refuteReply(push(channel, "slow"), "ok");
 */
export function refuteReply(ref: PushRef, status: ReplyStatus, payload?: PayloadMatch, { timeout = REFUTE_TIMEOUT }: Wait = {}): Promise<void> {
  const e = replyTo(ref.channel.topic, ref.ref, ref.channel.watch, status, new PayloadCheck(payload), `push ${ref.ref}`);
  return fromHere(ref.channel.socket.inbox.refute(e, timeout), refuteReply);
}

/**
 * Waits for the channel to send `event` to its client (a push, or a broadcast it relayed) and
 * returns the payload.
 * @example await assertPush(channel, "new_msg", { name: "alice", body: "hi" });
 */
export function assertPush(channel: TestChannel, event: string, payload?: PayloadMatch, { timeout = ASSERT_TIMEOUT }: Wait = {}): Promise<Payload> {
  return fromHere(channel.socket.inbox.take(pushed(channel, event, new PayloadCheck(payload)), timeout), assertPush).then((item) => item.payload as Payload);
}

/**
 * Fails if the channel sends a matching `event` within `timeout` ms (100 by default: a passing
 * refutation always waits that long, so keep it short and use it sparingly).
 * @example await refutePush(channel, "new_msg", undefined, { timeout: 20 });
 */
export function refutePush(channel: TestChannel, event: string, payload?: PayloadMatch, { timeout = REFUTE_TIMEOUT }: Wait = {}): Promise<void> {
  return fromHere(channel.socket.inbox.refute(pushed(channel, event, new PayloadCheck(payload)), timeout), refutePush);
}

/**
 * Waits for a broadcast of `event` on the channel's topic (needs `subscribeAndJoin`) and
 * returns its payload, as PubSub carried it (not JSON-encoded).
 * @example push(channel, "new_msg", { body: "hi" }); await assertBroadcast(channel, "new_msg", { name: "alice", body: "hi" });
 */
export function assertBroadcast(channel: TestChannel, event: string, payload?: PayloadMatch, { timeout = ASSERT_TIMEOUT }: Wait = {}): Promise<Payload> {
  const take = channel.socket.inbox.take(broadcasted(channel, event, new PayloadCheck(payload)), timeout);
  return fromHere(take, assertBroadcast).then((item) => item.payload as Payload);
}

/**
 * Fails if `event` is broadcast on the channel's topic within `timeout` ms (100 by default).
 * @example await refuteBroadcast(channel, "new_msg");
 */
export function refuteBroadcast(channel: TestChannel, event: string, payload?: PayloadMatch, { timeout = REFUTE_TIMEOUT }: Wait = {}): Promise<void> {
  return fromHere(channel.socket.inbox.refute(broadcasted(channel, event, new PayloadCheck(payload)), timeout), refuteBroadcast);
}

/**
 * Waits for the channel to crash (a throw or rejection in a callback, or `stop({ error })`) and
 * returns the error. The client saw a `phx_error` push: `assertPush(channel, "phx_error")` works too.
 * @example push(channel, "crash"); expect(await assertCrashed(channel)).toBeInstanceOf(Error);
 */
export function assertCrashed(channel: TestChannel, { timeout = ASSERT_TIMEOUT }: Wait = {}): Promise<unknown> {
  const crashed = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`expected ${channel.topic} to crash within ${timeout} ms; it is still running`)), timeout);
    channel.watch.onExit((reason) => {
      clearTimeout(timer);
      if (isCleanStop(reason)) reject(new Error(`expected ${channel.topic} to crash, but it exited cleanly with ${show(reason)}`));
      else resolve((reason as { error: unknown }).error);
    });
  });
  return fromHere(crashed, assertCrashed);
}

export function replyTo(topic: string, ref: string, watch: ChannelWatch, status: ReplyStatus | null, check: PayloadCheck, to: string): Expectation {
  return {
    what: `reply${status ? ` ${status}` : ""} to ${to} on ${topic}${check.describe()}`,
    scope: (item) => item.kind !== "broadcast" && item.topic === topic,
    matches: (item) => item.kind === "reply" && item.ref === ref && (status === null || item.status === status) && check.test(item.payload),
    context: () => check.context() + exitContext(topic, watch),
  };
}

function pushed(channel: TestChannel, event: string, check: PayloadCheck): Expectation {
  const { topic, joinRef } = channel;
  return {
    what: `push "${event}" on ${topic}${check.describe()}`,
    scope: (item) => item.kind !== "broadcast" && item.topic === topic,
    matches: (item) => item.kind === "push" && item.topic === topic && item.event === event && (item.joinRef === null || item.joinRef === joinRef) && check.test(item.payload),
    context: () => check.context() + exitContext(topic, channel.watch),
  };
}

function broadcasted(channel: TestChannel, event: string, check: PayloadCheck): Expectation {
  if (!channel.listener) throw new TypeError(`${channel.topic} was joined with join(), which does not subscribe the test to it: use subscribeAndJoin() to assert on broadcasts`);
  return {
    what: `broadcast "${event}" on ${channel.topic}${check.describe()}`,
    scope: (item) => item.kind === "broadcast" && item.topic === channel.topic,
    matches: (item) => item.kind === "broadcast" && item.topic === channel.topic && item.event === event && check.test(item.payload),
    context: () => check.context(),
  };
}

function exitContext(topic: string, watch: ChannelWatch): string {
  const reason = watch.exit;
  if (reason === null) return "";
  if (isCleanStop(reason)) return `\n${topic} has exited: ${show(reason)}`;
  return `\n${topic} crashed: ${errorText((reason as { error: unknown }).error)}`;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : show(e);
}

/** Rejections get the stack of the helper's call, so the runner points at the test's line, not a timer. */
export function fromHere<T>(promise: Promise<T>, helper: (...args: never[]) => unknown): Promise<T> {
  const site: { stack?: string } = {};
  Error.captureStackTrace?.(site, helper);
  return promise.catch((e: unknown) => {
    if (e instanceof Error && site.stack) e.stack = `${e.name}: ${e.message}${site.stack.slice(site.stack.indexOf("\n"))}`;
    throw e;
  });
}
