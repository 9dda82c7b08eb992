// Pieces shared by the body readers: the declared length, the rule for whether a request has a
// body at all, and the headers an error carries when the body was left unread.

import type { IncomingMessage } from "node:http";
import { BadRequest, PayloadTooLarge } from "./errors.js";

/**
 * Sent with an error raised before the body was read to its end: the rest of the body is still
 * on the socket, so the connection cannot be reused. Measured on Node 20: without it, a
 * keep-alive socket whose request was paused mid-body stays open and unusable until a timeout.
 */
export const CLOSE: Readonly<Record<string, string>> = Object.freeze({ connection: "close" });

/** The content-length header as a number, or undefined (chunked, or no body). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined) return undefined;
  // Node's HTTP parser already rejected a content-length that is not a decimal number.
  return Number(header);
}

/** Whether the request carries a body: a transfer-encoding, or a content-length above 0. */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const length = declaredLength(req);
  return length !== undefined && length > 0;
}

/** Rejects before reading a byte when content-length already says the body is too large. */
export function checkDeclaredLength(req: IncomingMessage, limit: number, what: string): void {
  const length = declaredLength(req);
  if (length !== undefined && length > limit) {
    throw new PayloadTooLarge(
      `${what} is ${length} bytes (content-length), larger than the limit of ${limit} bytes`,
      { headers: CLOSE },
    );
  }
}

export function bodyTooLarge(what: string, limit: number): PayloadTooLarge {
  return new PayloadTooLarge(`${what} is larger than the limit of ${limit} bytes`, { headers: CLOSE });
}

/** The client went away, or the socket failed, before the body ended. */
export function aborted(error: Error): BadRequest {
  return new BadRequest("body_aborted", `the request body could not be read: ${error.message}`, {
    headers: CLOSE,
    cause: error,
  });
}
