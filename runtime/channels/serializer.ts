// Phoenix's socket serializers, written by hand because the layout *is* the protocol
// (reference: phoenix.md (c)). V2: text frames `[join_ref, ref, topic, event, payload]` and
// binary frames with one-byte lengths; V1: JSON objects. A decode error is a FrameError: the
// transport closes that one socket and logs it.

import { isBinary, type Broadcast, type Message } from "./message.js";
import { DEFAULT_JSON_DEPTH, jsonTooDeep } from "../_internal/json.js";

/** What a transport writes: text (a JSON string) or a binary frame. */
export type Frame = string | Buffer;

export interface Serializer {
  readonly vsn: "1.0.0" | "2.0.0";
  /** Encodes a push or a reply (`event: "phx_reply"`, payload `{status, response}`). */
  encode(message: Message): Frame;
  /** Encodes a broadcast once for every subscriber (no join_ref, no ref). */
  fastlane(broadcast: Broadcast): Frame;
  /** Decodes a client frame; JSON nested deeper than `maxDepth` (default 512) is a FrameError. */
  decode(data: Buffer | string, binary: boolean, maxDepth?: number): Message;
}

export class FrameError extends Error {
  override name = "FrameError";
}

const PUSH = 0;
const REPLY = 1;
const BROADCAST = 2;

export const V2: Serializer = {
  vsn: "2.0.0",
  encode(m) {
    if (m.event === "phx_reply") {
      const { status, response } = m.payload as { status: string; response: unknown };
      if (isBinary(response)) return binaryFrame(REPLY, [m.joinRef ?? "", m.ref ?? "", m.topic, status], response);
    } else if (isBinary(m.payload)) {
      return binaryFrame(PUSH, [m.joinRef ?? "", m.topic, m.event], m.payload);
    }
    return JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload]);
  },
  fastlane(b) {
    if (isBinary(b.payload)) return binaryFrame(BROADCAST, [b.topic, b.event], b.payload);
    return JSON.stringify([null, null, b.topic, b.event, b.payload]);
  },
  decode(data, binary, maxDepth = DEFAULT_JSON_DEPTH) {
    if (binary) return decodeBinaryPush(data as Buffer);
    const frame = parseJson(data, maxDepth);
    // Phoenix matches `[join_ref, ref, topic, event, payload | _]`: extra elements are ignored.
    if (!Array.isArray(frame) || frame.length < 5) throw new FrameError(`expected a V2 frame [join_ref, ref, topic, event, payload], got: ${preview(data)}`);
    const [joinRef, ref, topic, event, payload] = frame as unknown[];
    return checked({ joinRef, ref, topic, event, payload }, data);
  },
};

export const V1: Serializer = {
  vsn: "1.0.0",
  encode(m) {
    if (isBinary(m.payload) || (m.event === "phx_reply" && isBinary((m.payload as { response: unknown }).response))) {
      throw new FrameError("the V1 serializer cannot send binary payloads; the client must connect with vsn=2.0.0");
    }
    return JSON.stringify({ topic: m.topic, event: m.event, payload: m.payload, ref: m.ref, join_ref: m.joinRef });
  },
  fastlane(b) {
    if (isBinary(b.payload)) throw new FrameError("the V1 serializer cannot send binary payloads");
    return JSON.stringify({ topic: b.topic, event: b.event, payload: b.payload, ref: null });
  },
  decode(data, binary, maxDepth = DEFAULT_JSON_DEPTH) {
    if (binary) throw new FrameError("the V1 serializer accepts text frames only");
    const frame = parseJson(data, maxDepth) as Record<string, unknown> | null;
    if (frame === null || typeof frame !== "object" || Array.isArray(frame)) throw new FrameError(`expected a V1 frame {topic, event, payload, ref}, got: ${preview(data)}`);
    return checked({ joinRef: frame.join_ref ?? null, ref: frame.ref ?? null, topic: frame.topic, event: frame.event, payload: frame.payload ?? {} }, data);
  },
};

/**
 * The serializer for a client's `vsn` (Phoenix's `~> 1.0.0` / `~> 2.0.0`; none means 1.0.0).
 * Null when no serializer matches: the transport answers 403.
 */
export function negotiate(vsn: string | null | undefined): Serializer | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(vsn ?? "1.0.0");
  if (!m) return null;
  if (m[1] === "2" && m[2] === "0") return V2;
  if (m[1] === "1" && m[2] === "0") return V1;
  return null;
}

function parseJson(data: Buffer | string, maxDepth: number): unknown {
  const text = typeof data === "string" ? data : data.toString("utf8");
  const deep = jsonTooDeep(text, maxDepth);
  if (deep !== -1) throw new FrameError(`frame nests JSON deeper than ${maxDepth} levels (jsonDepth)`);
  try {
    return JSON.parse(text);
  } catch {
    throw new FrameError(`frame is not JSON: ${preview(data)}`);
  }
}

function checked(m: { joinRef: unknown; ref: unknown; topic: unknown; event: unknown; payload: unknown }, data: Buffer | string): Message {
  if (!isRef(m.joinRef) || !isRef(m.ref) || typeof m.topic !== "string" || typeof m.event !== "string") {
    throw new FrameError(`frame fields have the wrong types (refs are strings or null, topic and event strings): ${preview(data)}`);
  }
  return m as Message;
}

function isRef(v: unknown): v is string | null {
  return v === null || typeof v === "string";
}

/** C→S push: `[0, len(join_ref), len(ref), len(topic), len(event), join_ref, ref, topic, event, data]`. */
function decodeBinaryPush(buf: Buffer): Message {
  if (buf.length < 5 || buf[0] !== PUSH) throw new FrameError(`binary frame is not a push (kind ${buf[0]}, ${buf.length} bytes)`);
  const lengths = [buf[1], buf[2], buf[3], buf[4]];
  let at = 5;
  const parts: string[] = [];
  for (const n of lengths) {
    if (at + n > buf.length) throw new FrameError(`binary frame is truncated (${buf.length} bytes)`);
    parts.push(buf.toString("utf8", at, at + n));
    at += n;
  }
  const [joinRef, ref, topic, event] = parts;
  return { joinRef: joinRef === "" ? null : joinRef, ref: ref === "" ? null : ref, topic, event, payload: buf.subarray(at) };
}

/** `[kind, len(field)..., field..., data]` with one-byte lengths, as the client decodes them. */
function binaryFrame(kind: number, fields: string[], data: Uint8Array | ArrayBuffer): Buffer {
  const encoded = fields.map((f) => Buffer.from(f, "utf8"));
  for (const [i, b] of encoded.entries()) {
    if (b.length > 255) throw new FrameError(`binary frames carry fields of at most 255 bytes; field ${i} (${fields[i].slice(0, 40)}…) has ${b.length}`);
  }
  const body = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  return Buffer.concat([Buffer.from([kind, ...encoded.map((b) => b.length)]), ...encoded, body]);
}

function preview(data: Buffer | string): string {
  const s = typeof data === "string" ? data : data.toString("utf8");
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + "…" : s);
}
