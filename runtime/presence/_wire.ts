// The messages trackers exchange over PubSub, as plain JSON data so that any adapter carries
// them (in-process, Redis, cluster IPC), and the check every incoming one passes: the PubSub
// topic is shared with whatever else publishes on it (another app on the same Redis), so
// anything not of this shape is logged and ignored, never applied.
//
//   delta     {from, clock, prev, joins: [[topic, key, meta]], leaves: [ref]}   a node's changes
//   heartbeat {from, clock}                                      "alive, and this is my clock"
//   hello     {from}                                             a node starting: send me your state
//   transfer  {from, to}                                         "I missed a delta: your state please"
//   state     {from, to, clock, entries: [[topic, key, meta]]}   a node's whole state, to one node
//   down      {from}                                             a node stopping: drop my entries

import type { StoredMeta } from "./_view.js";

/** Bumped when the message shapes change; a message of another version is ignored (and logged). */
export const WIRE_VERSION = 1;

export type WireEntry = [topic: string, key: string, meta: StoredMeta];

export type TrackerMessage =
  | { v: 1; type: "delta"; from: string; clock: number; prev: number; joins: WireEntry[]; leaves: string[] }
  | { v: 1; type: "heartbeat"; from: string; clock: number }
  | { v: 1; type: "hello"; from: string }
  | { v: 1; type: "transfer"; from: string; to: string }
  | { v: 1; type: "state"; from: string; to: string; clock: number; entries: WireEntry[] }
  | { v: 1; type: "down"; from: string };

/** The message, or a sentence saying why it is not one of ours. */
export function parseMessage(m: unknown): TrackerMessage | string {
  if (m === null || typeof m !== "object" || Array.isArray(m)) return "not an object";
  const o = m as Record<string, unknown>;
  if (o.v !== WIRE_VERSION) return `version ${JSON.stringify(o.v)}, expected ${WIRE_VERSION}`;
  if (!isId(o.from)) return "no sender";
  switch (o.type) {
    case "heartbeat":
      return isClock(o.clock) ? (o as TrackerMessage) : "a heartbeat without a clock";
    case "hello":
    case "down":
      return o as TrackerMessage;
    case "transfer":
      return isId(o.to) ? (o as TrackerMessage) : "a transfer request without a recipient";
    case "delta":
      if (!isClock(o.clock) || !isClock(o.prev) || o.prev >= o.clock) return "a delta without clocks";
      if (!Array.isArray(o.leaves) || !o.leaves.every(isId)) return "a delta with bad leaves";
      return entries(o.joins) ? (o as TrackerMessage) : "a delta with bad joins";
    case "state":
      if (!isId(o.to) || !isClock(o.clock)) return "a state without recipient or clock";
      return entries(o.entries) ? (o as TrackerMessage) : "a state with bad entries";
    default:
      return `unknown type ${JSON.stringify(o.type)}`;
  }
}

function isId(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 64;
}

function isClock(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function entries(v: unknown): v is WireEntry[] {
  if (!Array.isArray(v)) return false;
  for (const e of v) {
    if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== "string" || typeof e[1] !== "string") return false;
    const meta = e[2] as Record<string, unknown> | null;
    if (meta === null || typeof meta !== "object" || Array.isArray(meta) || !isId(meta.phx_ref)) return false;
  }
  return true;
}
