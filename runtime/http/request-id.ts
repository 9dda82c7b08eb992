// Plug.RequestId: every request gets an id, the one a proxy sent in `x-request-id` when it looks
// like one (20 to 200 characters), else a new one; it goes back in the response header and into
// the endpoint's log lines for that request (`request_id=…`, Phoenix's Logger metadata), so a
// user's report and a log line can be matched up.
//
// Plug itself checks only the length since 1.14. We also keep to base64's alphabet (Plug's older
// rule): the id is written into log lines and a response header verbatim, and an id that is
// anything else is replaced, not escaped.

import { randomBytes } from "node:crypto";
import { describe } from "../_internal/values.js";
import { type Conn, putRespHeader } from "./conn.js";

export interface RequestIdOptions {
  /** The request header read, and the response header set (default "x-request-id"). */
  httpHeader?: string;
  /** Also store the id in `conn.assigns[assignAs]`. */
  assignAs?: string;
  /** Makes a new id; what it returns must be 20-200 characters of [A-Za-z0-9+/=_-]. */
  generator?: () => string;
}

const VALID_ID = /^[A-Za-z0-9+/=_-]{20,200}$/;

/**
 * A plug: sets `conn.private.requestId` and the response's `x-request-id`.
 * @example plugs: [requestId, parsers]  // or [requestId, { httpHeader: "x-amzn-trace-id", assignAs: "requestId" }]
 */
export function requestId(conn: Conn, options: RequestIdOptions = {}): Conn {
  const header = options.httpHeader ?? "x-request-id";
  const sent = conn.getReqHeader(header);
  let id: string;
  if (sent !== undefined && VALID_ID.test(sent)) id = sent;
  else {
    id = (options.generator ?? generateRequestId)();
    if (typeof id !== "string" || !VALID_ID.test(id)) throw new TypeError(`requestId: the generator must return 20-200 characters of [A-Za-z0-9+/=_-], got: ${describe(id)}`);
  }
  conn.private.requestId = id;
  // An error response starts from clean headers but keeps this one (errors.ts).
  conn.private.requestIdHeader = header;
  if (options.assignAs !== undefined) conn.assigns[options.assignAs] = id;
  return putRespHeader(conn, header, id);
}

/**
 * A new id as Plug's: 20 base64url characters from a nanosecond timestamp (8 bytes) and 7
 * random bytes, so ids sort roughly by time and do not collide across processes.
 */
export function generateRequestId(): string {
  const bytes = Buffer.allocUnsafe(15);
  bytes.writeBigUInt64BE(process.hrtime.bigint() + EPOCH_NS, 0);
  randomBytes(7).copy(bytes, 8);
  return bytes.toString("base64url");
}

// hrtime counts from an arbitrary point: offset it once to the Unix epoch.
const EPOCH_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
