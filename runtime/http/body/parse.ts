// Request bodies → params, as Plug.Parsers does with its JSON, URLENCODED and MULTIPART parsers:
// the content-type chooses the parser, every reader counts bytes as they arrive and stops at
// its limit, and what cannot be parsed becomes a 400, 413 or 415 (see errors.ts).

import type { IncomingMessage } from "node:http";
import { BadRequest, UnsupportedMediaType } from "./errors.js";
import { aborted, bodyTooLarge, checkDeclaredLength, CLOSE, hasBody } from "./_limits.js";
import { parseMultipart, type MultipartOptions } from "./_multipart.js";
import { parseQuery, type QueryOptions } from "./query.js";
import { DEFAULT_JSON_DEPTH, jsonTooDeep, utf8OrNull } from "../../_internal/json.js";

export type { MultipartOptions } from "./_multipart.js";

/** An uploaded file, streamed to a temporary file that `ParsedBody.cleanup()` removes. */
export interface Upload {
  /** The form field name as sent, e.g. `user[avatar]`. */
  fieldName: string;
  /** The client's file name, without any directory part. */
  filename: string;
  /** The part's content-type, e.g. `image/png` (`text/plain` if the client sent none, per RFC 7578). */
  contentType: string;
  /** Absolute path of the temporary file, under `<tmpDir>/fawkes-uploads-*`. */
  path: string;
  /** Bytes written. */
  size: number;
}

export interface ParsedBody {
  params: Record<string, unknown>;
  files: Upload[];
  /** Removes the uploads' temporary files. Call it once the response is done. Idempotent. */
  cleanup(): Promise<void>;
}

export interface ParseBodyOptions {
  /** `depth`: deepest nesting of arrays and objects accepted (default 512); deeper is a 400. */
  json?: { limit?: number; depth?: number };
  urlencoded?: { limit?: number } & QueryOptions;
  multipart?: MultipartOptions;
  /**
   * Media types to let through unread, instead of answering 415: `"text/plain"`, `"text/*"`,
   * `"*\/*"` (Plug.Parsers' `pass`). Their body stays in the request for the caller to read.
   */
  pass?: string[];
}

/** Plug.Parsers' default `length`: 8 MB. */
export const DEFAULT_BODY_LIMIT = 8_000_000;
/** Plug.Parsers only looks at the body of these methods. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const NO_FILES: ParsedBody["cleanup"] = async () => {};

/**
 * Reads the whole body into a Buffer, up to `limit` bytes. Rejects with PayloadTooLarge (413)
 * before reading when content-length is over the limit, and as soon as the bytes received pass
 * it; the request is then paused, not drained, and the error carries `connection: close`.
 *
 * @example
 * const raw = await readBody(req, { limit: 1_000_000 });
 */
export function readBody(req: IncomingMessage, options: { limit: number }): Promise<Buffer> {
  const { limit } = options;
  try {
    checkDeclaredLength(req, limit, "request body");
  } catch (error) {
    return Promise.reject(error);
  }
  if (req.readableEnded) return Promise.reject(new Error("readBody: the request body was already read"));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        stop();
        req.pause();
        reject(bodyTooLarge("request body", limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      stop();
      reject(aborted(error));
    };
    const onClose = () => onError(new Error("the connection closed before the body ended"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * Parses the body by content-type:
 * - `application/json`, `application/*+json` → the decoded object; any other JSON value goes
 *   under `_json` (Plug.Parsers.JSON); invalid JSON → 400;
 * - `application/x-www-form-urlencoded` → nested params (see parseQuery);
 * - `multipart/form-data` → fields as nested params, files streamed to temporary files;
 * - a type listed in `pass` → empty params, body left unread; any other type → 415.
 *
 * Only POST, PUT, PATCH and DELETE bodies are read; other methods, and requests without a body,
 * give empty params. Every limit defaults to 8 MB (Plug's `length`).
 *
 * @example
 * const body = await parseBody(req, { json: { limit: 1_000_000 } });
 * res.once("close", () => void body.cleanup());
 */
export async function parseBody(req: IncomingMessage, options: ParseBodyOptions = {}): Promise<ParsedBody> {
  const empty: ParsedBody = { params: {}, files: [], cleanup: NO_FILES };
  if (!BODY_METHODS.has((req.method ?? "GET").toUpperCase()) || !hasBody(req)) return empty;

  const header = req.headers["content-type"];
  const type = header === undefined ? undefined : mediaType(header);
  if (type === "application/json" || (type?.startsWith("application/") && type.endsWith("+json"))) {
    const text = utf8OrNull(await readBody(req, { limit: options.json?.limit ?? DEFAULT_BODY_LIMIT }));
    if (text === null) throw new BadRequest("malformed_json", "malformed JSON body: it is not valid UTF-8");
    return { ...empty, params: parseJson(text, options.json?.depth ?? DEFAULT_JSON_DEPTH) };
  }
  if (type === "application/x-www-form-urlencoded") {
    const { limit = DEFAULT_BODY_LIMIT, ...query } = options.urlencoded ?? {};
    const text = (await readBody(req, { limit })).toString("utf8");
    return { ...empty, params: parseQuery(text, query) };
  }
  if (type === "multipart/form-data") return parseMultipart(req, options.multipart ?? {});

  if (type !== undefined && options.pass?.some((pattern) => mediaTypeMatches(pattern, type))) return empty;
  throw new UnsupportedMediaType(
    type === undefined
      ? "the request has a body but no content-type header"
      : `unsupported media type ${JSON.stringify(type)}: bodies are parsed for application/json, ` +
          `application/*+json, application/x-www-form-urlencoded and multipart/form-data` +
          ` (to read it yourself, list it in pass: [${JSON.stringify(type)}])`,
    { headers: CLOSE },
  );
}

/** `Text/HTML; charset=utf-8` → `text/html`. */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(";");
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function mediaTypeMatches(pattern: string, type: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p === "*/*" || p === type) return true;
  return p.endsWith("/*") && type.startsWith(p.slice(0, -1));
}

/**
 * JSON.parse, with `__proto__` keys dropped: a parsed own `__proto__` is harmless until code
 * copies it with Object.assign or a spread, which then replaces the copy's prototype.
 * The reviver (slower) runs only when the text could spell that key.
 */
function parseJson(text: string, maxDepth: number): Record<string, unknown> {
  if (text === "") return {};
  const deep = jsonTooDeep(text, maxDepth);
  if (deep !== -1) throw new BadRequest("json_too_deep", `JSON body nested deeper than the limit of ${maxDepth} (json.depth), at offset ${deep}`);
  let value: unknown;
  try {
    value = text.includes("__proto__") || text.includes("\\u")
      ? JSON.parse(text, (key, v: unknown) => (key === "__proto__" ? undefined : v))
      : JSON.parse(text);
  } catch (error) {
    throw new BadRequest("malformed_json", `malformed JSON body: ${(error as Error).message}`, { cause: error });
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { _json: value };
}
