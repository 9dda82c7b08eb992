// Errors the body, query and negotiation helpers throw. Each carries the HTTP status to answer
// with (Plug's `plug_status`), a stable machine code and a message that names what was wrong and
// the limit that applied, so the endpoint can answer without knowing where the error came from.

import type { ServerResponse } from "node:http";

/**
 * An error with the HTTP status to answer with.
 *
 * `headers` are to be sent with the error response. Body errors raised before the request body
 * was read to its end carry `connection: close`: the unread rest of the body is still on the
 * socket, and closing is the only way to answer without reading it (a keep-alive socket would
 * otherwise stay paused, or Node would drain megabytes just to throw them away).
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.headers = { ...options.headers };
  }
}

/** 400: a body or query string that cannot be parsed (malformed JSON, urlencoded, multipart). */
export class BadRequest extends HttpError {
  override name = "BadRequest";
  constructor(code: string, message: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    super(400, code, message, options);
  }
}

/** 413: a body, file or field over its configured limit. */
export class PayloadTooLarge extends HttpError {
  override name = "PayloadTooLarge";
  constructor(message: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    super(413, "payload_too_large", message, options);
  }
}

/** 415: a body whose content-type no parser handles (and that `pass` does not let through). */
export class UnsupportedMediaType extends HttpError {
  override name = "UnsupportedMediaType";
  constructor(message: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    super(415, "unsupported_media_type", message, options);
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/**
 * Answers `error` as plain text with its status and headers (for an HttpError), or as a bare
 * 500 for anything else, whose message may hold internals and is not sent.
 *
 * @example
 * try { await parseBody(req) } catch (e) { return writeHttpError(res, e) }
 */
export function writeHttpError(res: ServerResponse, error: unknown): void {
  const known = isHttpError(error);
  const status = known ? error.status : 500;
  const body = known ? `${error.message}\n` : "internal server error\n";
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    ...(known ? error.headers : {}),
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
