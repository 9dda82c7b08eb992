// multipart/form-data with @fastify/busboy: fields are collected and nested as qs does, each
// file is streamed to its own temporary file (never held in memory). All the files of one
// request live in one directory, `<tmpDir>/fawkes-uploads-XXXXXX`, made on the first file, so
// removing them is one `rm -r` whether parsing succeeded (cleanup()) or failed (done here, before
// the promise rejects, so no error path can leave a file behind).

import { Busboy, type BusboyFileStream, type BusboyHeaders, type BusboyInstance } from "@fastify/busboy";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { BadRequest, PayloadTooLarge } from "./errors.js";
import { aborted, bodyTooLarge, checkDeclaredLength, CLOSE } from "./_limits.js";
import type { ParsedBody, Upload } from "./parse.js";
import { parseQuery, type ParsedParams, type QueryOptions } from "./query.js";

export interface MultipartOptions extends QueryOptions {
  /** Whole body, boundaries included. Default 8 MB (Plug's `length`). */
  length?: number;
  /** Largest file, in bytes. Default 8 MB. */
  fileSize?: number;
  /** Most files. Default 100. */
  files?: number;
  /** Most non-file fields. Default 1000 (qs's parameterLimit). */
  fields?: number;
  /** Largest field value, in bytes. Default 1 MB (busboy's default). */
  fieldSize?: number;
  /** Where the `fawkes-uploads-*` directories are made. Default `os.tmpdir()`. */
  tmpDir?: string;
}

const BOUNDARY = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

export async function parseMultipart(req: IncomingMessage, options: MultipartOptions): Promise<ParsedBody> {
  const { length = 8_000_000, fileSize = 8_000_000, files = 100, fields = 1000, fieldSize = 1_000_000 } = options;
  checkDeclaredLength(req, length, "multipart body");
  // RFC 2046 §5.1.1: 1 to 70 characters. Busboy takes an empty one and then finds no parts.
  const boundary = BOUNDARY.exec(req.headers["content-type"] ?? "");
  const value = boundary?.[1] ?? boundary?.[2] ?? "";
  if (value.length === 0 || value.length > 70) throw malformed(new Error(`the multipart boundary must be 1 to 70 characters, got ${value.length === 0 ? "none" : value.length}`));
  let busboy: BusboyInstance;
  try {
    busboy = Busboy({
      headers: req.headers as BusboyHeaders,
      limits: { fileSize, files, fields, fieldSize },
      // A part is a file when it has a filename, as in Plug; busboy would also count any
      // application/octet-stream part, so a field could turn into a file.
      isPartAFile: (_field, _type, filename) => filename !== undefined,
    });
  } catch (error) {
    throw malformed(error);
  }
  const query: QueryOptions = { depth: options.depth, arrayLimit: options.arrayLimit, parameterLimit: Infinity };
  return collect(req, busboy, new UploadDir(options.tmpDir ?? tmpdir()), query, { length, fileSize, files, fields, fieldSize });
}

function collect(
  req: IncomingMessage,
  busboy: BusboyInstance,
  uploads: UploadDir,
  query: QueryOptions,
  limits: Required<Pick<MultipartOptions, "length" | "fileSize" | "files" | "fields" | "fieldSize">>,
): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const pairs: Array<[string, string]> = [];
    const files: Upload[] = [];
    const writes: Promise<void>[] = [];
    const streams = new Set<BusboyFileStream>();
    let settled = false;
    let received = 0;

    const detach = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    // Stop reading, stop every file being written, wait until their files are closed, remove
    // the directory, and only then reject.
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      detach();
      if (!req.readableEnded) req.pause();
      for (const stream of streams) stream.destroy();
      void Promise.allSettled(writes)
        .then(() => uploads.remove())
        .finally(() => reject(error));
    };

    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.length) return fail(bodyTooLarge("multipart body", limits.length));
      if (!busboy.write(chunk)) {
        req.pause();
        busboy.once("drain", () => settled || req.resume());
      }
    };
    const onEnd = () => {
      detach();
      busboy.end();
    };
    const onError = (error: Error) => fail(aborted(error));
    const onClose = () => onError(new Error("the connection closed before the body ended"));

    busboy.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (settled) return;
      if (valueTruncated) return fail(tooLarge(`field ${JSON.stringify(name)}`, limits.fieldSize, "fieldSize"));
      pairs.push([name, value]);
    });
    busboy.on("file", (fieldName, stream, filename, _encoding, contentType) => {
      // A file input left empty is sent with filename=""; Plug skips it too.
      if (settled || !filename) return void stream.resume();
      const upload: Upload = { fieldName, filename, contentType, path: "", size: 0 };
      files.push(upload);
      streams.add(stream);
      // busboy re-emits a truncated part's error on its file stream, possibly after pipeline
      // has let go of it; the same error reaches busboy's own "error" event, handled below.
      stream.on("error", () => {});
      stream.once("limit", () =>
        fail(tooLarge(`file ${JSON.stringify(filename)} (field ${JSON.stringify(fieldName)})`, limits.fileSize, "fileSize")),
      );
      const write = save(stream, upload, uploads, () => settled);
      write.catch(fail);
      writes.push(write);
    });
    busboy.on("filesLimit", () => fail(tooMany("files", limits.files)));
    busboy.on("fieldsLimit", () => fail(tooMany("fields", limits.fields)));
    busboy.on("error", (error: unknown) => fail(malformed(error)));
    busboy.on("finish", () => {
      Promise.all(writes)
        .then(() => {
          if (settled) return;
          const params = toParams(pairs, query);
          settled = true;
          detach();
          let removal: Promise<void> | undefined;
          resolve({ params, files, cleanup: () => (removal ??= uploads.remove()) });
        })
        .catch(fail);
    });

    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

async function save(stream: BusboyFileStream, upload: Upload, uploads: UploadDir, aborted: () => boolean) {
  const path = await uploads.nextPath();
  if (aborted()) throw new Error("multipart parsing was aborted");
  upload.path = path;
  const out = createWriteStream(path, { flags: "wx", mode: 0o600 });
  try {
    await pipeline(stream, out);
    upload.size = out.bytesWritten;
  } finally {
    // pipeline can settle before the file is closed; removing the directory must wait for it.
    if (!out.closed) await once(out, "close");
  }
}

/** One directory per request, made when its first file arrives. */
class UploadDir {
  #dir: Promise<string> | undefined;
  #count = 0;
  constructor(private readonly parent: string) {}

  nextPath(): Promise<string> {
    const n = this.#count++;
    this.#dir ??= mkdtemp(join(this.parent, "fawkes-uploads-"));
    return this.#dir.then((dir) => join(dir, `upload-${n}`));
  }

  async remove(): Promise<void> {
    if (this.#dir === undefined) return;
    const dir = await this.#dir.catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** Fields → nested params by the same rules as a query string (names such as `user[tags][]`). */
function toParams(pairs: Array<[string, string]>, query: QueryOptions): ParsedParams {
  if (pairs.length === 0) return {};
  const encoded = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return parseQuery(encoded, query);
}

function tooLarge(what: string, limit: number, option: string): PayloadTooLarge {
  return new PayloadTooLarge(`multipart ${what} is larger than the limit of ${limit} bytes (${option})`, {
    headers: CLOSE,
  });
}

function tooMany(what: "files" | "fields", limit: number): PayloadTooLarge {
  return new PayloadTooLarge(`multipart body has more than ${limit} ${what} (${what})`, { headers: CLOSE });
}

function malformed(error: unknown): BadRequest {
  const message = error instanceof Error ? error.message : String(error);
  return new BadRequest("malformed_multipart", `malformed multipart body: ${message}`, { headers: CLOSE, cause: error });
}
