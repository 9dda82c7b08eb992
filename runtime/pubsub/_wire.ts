// How a message crosses between nodes (Redis, the cluster's IPC): one JSON text, written once
// per broadcast and read once per receiving node, so the fastlane still encodes once per
// serializer on each node. It carries the origin node, which skips its own messages (Redis
// echoes a publish to the publisher's own subscription), so `broadcastFrom` and "publish
// reaches the others, never this one" hold.
//
//   {"v":1,"o":"<node>","t":"<topic>","k":"b","e":"<event>","p":<payload>}   a Broadcast
//   {"v":1,"o":"<node>","t":"<topic>","k":"B","e":"<event>","p":"<base64>"}  a binary Broadcast
//   {"v":1,"o":"<node>","t":"<topic>","k":"m","m":<message>}                 any other message
//
// Other messages cross as JSON: what JSON cannot say (functions, undefined, class instances'
// prototypes) does not arrive. Hand-written: the format is ours and tiny, a codec library
// would only wrap JSON.stringify/parse.

import { randomBytes } from "node:crypto";
import { Broadcast } from "./broadcast.js";

/** A fresh node id: random, so a restarted node is a new one. */
export function newNodeId(): string {
  return randomBytes(9).toString("base64url");
}

export function encodeMessage(origin: string, topic: string, message: unknown): string {
  if (message instanceof Broadcast) {
    const p = message.payload;
    if (p instanceof Uint8Array || p instanceof ArrayBuffer) {
      const bytes = p instanceof ArrayBuffer ? Buffer.from(p) : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
      return JSON.stringify({ v: 1, o: origin, t: topic, k: "B", e: message.event, p: bytes.toString("base64") });
    }
    return JSON.stringify({ v: 1, o: origin, t: topic, k: "b", e: message.event, p });
  }
  return JSON.stringify({ v: 1, o: origin, t: topic, k: "m", m: message });
}

export type Decoded = { ok: true; origin: string; topic: string; message: unknown } | { ok: false; reason: string };

/** Reads a message another node wrote; anything else is `{ ok: false, reason }`, never a throw. */
export function decodeMessage(data: string | Buffer): Decoded {
  let o: unknown;
  try {
    o = JSON.parse(typeof data === "string" ? data : data.toString("utf8"));
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) return { ok: false, reason: "not a JSON object" };
  const m = o as Record<string, unknown>;
  if (m.v !== 1) return { ok: false, reason: `unknown version ${JSON.stringify(m.v) ?? "undefined"}` };
  if (typeof m.o !== "string" || typeof m.t !== "string") return { ok: false, reason: "no origin or topic" };
  switch (m.k) {
    case "b":
      if (typeof m.e !== "string") return { ok: false, reason: "a broadcast without an event" };
      return { ok: true, origin: m.o, topic: m.t, message: new Broadcast(m.t, m.e, m.p) };
    case "B":
      if (typeof m.e !== "string" || typeof m.p !== "string") return { ok: false, reason: "a binary broadcast without an event or base64 payload" };
      return { ok: true, origin: m.o, topic: m.t, message: new Broadcast(m.t, m.e, Buffer.from(m.p, "base64")) };
    case "m":
      return { ok: true, origin: m.o, topic: m.t, message: m.m };
    default:
      return { ok: false, reason: `unknown kind ${JSON.stringify(m.k) ?? "undefined"}` };
  }
}

/**
 * Logs at most `perMinute` lines a minute (the rest counted and reported once): a foreign
 * publisher flooding a channel with junk must not flood the log too.
 */
export class LogBudget {
  private window = 0;
  private lines = 0;
  private suppressed = 0;

  constructor(
    private readonly log: (message: string, error?: unknown) => void,
    private readonly perMinute = 20,
  ) {}

  write(message: string, error?: unknown): void {
    const now = Date.now();
    if (now - this.window >= 60_000) {
      if (this.suppressed > 0) this.log(`${this.suppressed} more such line(s) suppressed in the last minute`);
      this.window = now;
      this.lines = 0;
      this.suppressed = 0;
    }
    if (this.lines++ < this.perMinute) this.log(message, error);
    else this.suppressed++;
  }
}
