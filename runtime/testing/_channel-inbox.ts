// The test's mailbox: what the channel wrote to its client (pushes, replies, fastlane
// broadcasts) and every broadcast on the topics the test subscribed to, in arrival order, kept
// until an assertion takes it — ExUnit's assert_receive on the test process's mailbox. A
// waiting assertion is settled by the arrival itself; the timer only bounds the wait.

import { isDeepStrictEqual } from "node:util";
import { isBinary } from "../channels/message.js";

/** One thing the test "client" received. A reply's payload is its response. */
export interface Received {
  kind: "push" | "reply" | "broadcast";
  topic: string;
  event: string;
  joinRef: string | null;
  ref: string | null;
  /** Replies only: "ok" or "error". */
  status?: string;
  payload: unknown;
}

/**
 * What a payload must be: `undefined` accepts any; an object or binary must be deep-equal
 * (node's isDeepStrictEqual; bytes compared as bytes); a function accepts unless it returns
 * `false` or throws, so `(p) => expect(p).toMatchObject({...})` works for partial matches.
 */
// `any` on purpose, as for Payload: the check reads the client's JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PayloadMatch = object | ((payload: any) => unknown) | undefined;

export interface Expectation {
  /** `push "new_msg" on room:lobby` — the failure message's subject, after "expected a" / "expected no". */
  what: string;
  /** The items worth listing when it fails (the same topic, the same kind of traffic). */
  scope(item: Received): boolean;
  matches(item: Received): boolean;
  /** Extra lines for the failure message (why the channel is gone, what a payload check threw). */
  context(): string;
}

export class Inbox {
  private readonly items: Received[] = [];
  /** Each returns true when it took the item (an assertion), false to leave it (a refutation). */
  private readonly waiters = new Set<(item: Received) => boolean>();

  put(item: Received): void {
    for (const waiter of this.waiters) if (waiter(item)) return;
    this.items.push(item);
  }

  /** Takes the first matching item, waiting up to `timeout` ms for one to arrive. */
  take(e: Expectation, timeout: number): Promise<Received> {
    const i = this.items.findIndex((item) => e.matches(item));
    if (i !== -1) return Promise.resolve(this.items.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = (item: Received) => {
        if (!e.matches(item)) return false;
        this.settle(waiter, timer);
        resolve(item);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`expected a ${e.what} within ${timeout} ms; ${this.listing(e)}${e.context()}`));
      }, timeout);
      this.waiters.add(waiter);
    });
  }

  /** Resolves after `timeout` ms unless a matching item is here already or arrives meanwhile. */
  refute(e: Expectation, timeout: number): Promise<void> {
    const found = this.items.find((item) => e.matches(item));
    if (found) return Promise.reject(unexpected(e, found, timeout));
    return new Promise((resolve, reject) => {
      const waiter = (item: Received) => {
        if (!e.matches(item)) return false;
        this.settle(waiter, timer);
        reject(unexpected(e, item, timeout));
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve();
      }, timeout);
      this.waiters.add(waiter);
    });
  }

  private settle(waiter: (item: Received) => boolean, timer: NodeJS.Timeout): void {
    this.waiters.delete(waiter);
    clearTimeout(timer);
  }

  private listing(e: Expectation): string {
    const seen = this.items.filter((item) => e.scope(item));
    if (seen.length === 0) return "received nothing (that no earlier assertion took)";
    return `received instead:\n${seen.map((item) => `  ${describeItem(item)}`).join("\n")}`;
  }
}

function unexpected(e: Expectation, item: Received, timeout: number): Error {
  return new Error(`expected no ${e.what} within ${timeout} ms, but received:\n  ${describeItem(item)}${e.context()}`);
}

/** Tests a payload against a PayloadMatch, remembering what a check function last threw. */
export class PayloadCheck {
  problem: string | null = null;

  constructor(private readonly expected: PayloadMatch) {}

  test(payload: unknown): boolean {
    const expected = this.expected;
    if (expected === undefined) return true;
    if (typeof expected !== "function") {
      if (isBinary(expected) && isBinary(payload)) return Buffer.from(bytes(expected)).equals(bytes(payload));
      return isDeepStrictEqual(payload, expected);
    }
    try {
      return expected(payload) !== false;
    } catch (e) {
      this.problem = e instanceof Error ? e.message : String(e);
      return false;
    }
  }

  /** ` with payload {...}` for the failure message's subject. */
  describe(): string {
    if (this.expected === undefined) return "";
    if (typeof this.expected === "function") return " with a payload the check accepts";
    return ` with payload ${show(this.expected)}`;
  }

  context(): string {
    return this.problem === null ? "" : `\nthe payload check last threw: ${this.problem}`;
  }
}

export function describeItem(item: Received): string {
  if (item.kind === "reply") return `reply ${item.status} to push ${item.ref}: ${show(item.payload)}`;
  return `${item.kind} "${item.event}" ${show(item.payload)}`;
}

/** JSON for messages, cut at 300 characters; binary as its length. */
export function show(value: unknown): string {
  if (isBinary(value)) return `<binary, ${bytes(value).length} bytes>`;
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 300 ? s.slice(0, 300) + "…" : s;
}

function bytes(value: Uint8Array | ArrayBuffer): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : value;
}
