// Static files, as Plug.Static serves them: GET and HEAD only, precompressed `.br`/`.gz`
// siblings chosen by Accept-Encoding, a weak ETag with 304, long-lived caching for digested
// files. Anything it does not serve (wrong method, unsafe or unknown path, a directory) is left
// to the router, which answers 404.

import type { IncomingMessage, ServerResponse } from "node:http";
import { open, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import { pipeline } from "node:stream/promises";
import fresh from "fresh";
import { lookup } from "mrmime";
import Negotiator from "negotiator";
import { isDigested, type StaticManifest } from "./manifest.js";
import { queryOf, resolveStaticPath } from "./_path.js";

export interface ServeStaticOptions {
  /** Directory the files are served from. */
  root: string;
  /** URL prefix the root is mounted at. Default "/". */
  at?: string;
  /** Serve `file.gz` when it exists and the client accepts gzip. Default true. */
  gzip?: boolean;
  /** Serve `file.br` when it exists and the client accepts br (preferred over gzip). Default true. */
  brotli?: boolean;
  /** Send a weak ETag and answer 304 to a matching If-None-Match. Default true. */
  etag?: boolean;
  /** cache-control for files that are not digested. Default "public" (Plug.Static's). */
  cacheControl?: string;
  /** Files named in its `digests`, and requests with `?vsn=`, are cached for a year, immutable. */
  manifest?: StaticManifest;
  /** Serve files and directories whose name starts with "." (e.g. `.well-known`). Default false. */
  dotfiles?: boolean;
}

/** Plug.Static's cache_control_for_vsn_requests: the name changes whenever the content does. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

interface OpenFile {
  handle: FileHandle;
  stat: Stats;
  encoding: "br" | "gzip" | undefined;
}

/**
 * Answers the request from `root` if it names a file there; resolves to true if it answered,
 * false to let the router go on (404). Never serves a path outside `root`.
 *
 * @example
 * http.createServer(async (req, res) => {
 *   if (await serveStatic(req, res, { root: "priv/static", manifest })) return;
 *   router(req, res);
 * });
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, options: ServeStaticOptions): Promise<boolean> {
  const { root, at = "/", gzip = true, brotli = true, etag = true } = options;
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const url = req.url ?? "/";
  const target = resolveStaticPath(root, at, url, { dotfiles: options.dotfiles });
  if (target === undefined) return false;
  const file = await openFile(target.file, undefined);
  if (file === undefined) return false;

  let chosen = file;
  for (const encoding of acceptedEncodings(req, { brotli, gzip })) {
    const sibling = await openFile(`${target.file}.${encoding === "br" ? "br" : "gz"}`, encoding);
    if (sibling !== undefined) {
      chosen = sibling;
      await file.handle.close();
      break;
    }
  }

  const headers: Record<string, string | number> = {
    "content-type": contentType(target.file),
    "content-length": chosen.stat.size,
    "cache-control":
      isDigested(options.manifest, target.relative) || hasVsn(url) ? IMMUTABLE : (options.cacheControl ?? "public"),
  };
  // On every answer, not only compressed ones: caches must know the URL has variants.
  if (gzip || brotli) headers.vary = "accept-encoding";
  if (chosen.encoding !== undefined) headers["content-encoding"] = chosen.encoding;
  if (etag) {
    headers.etag = weakEtag(chosen.stat);
    if (fresh(req.headers, { etag: headers.etag })) {
      await chosen.handle.close();
      const { "content-type": _t, "content-length": _l, "content-encoding": _e, ...notModified } = headers;
      res.writeHead(304, notModified).end();
      return true;
    }
  }
  res.writeHead(200, headers);
  if (req.method === "HEAD") {
    await chosen.handle.close();
    res.end();
    return true;
  }
  try {
    await pipeline(chosen.handle.createReadStream(), res);
  } catch {
    // The client went away, or the file could not be read after the headers were sent: the
    // response is cut short either way and there is nobody left to tell.
  }
  return true;
}

/** Opens a regular file; undefined when it does not exist or is not a file. */
async function openFile(path: string, encoding: OpenFile["encoding"]): Promise<OpenFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch {
    return undefined;
  }
  // fstat on the open handle: the file checked is the file sent, even if the path changes.
  const stat = await handle.stat().catch(() => undefined);
  if (stat === undefined || !stat.isFile()) {
    await handle.close();
    return undefined;
  }
  return { handle, stat, encoding };
}

type EncodingsWithPreferred = (available: string[], options: { preferred: string[] }) => string[];

/** The compressed encodings to try, best first; those the client ranks below identity are left out. */
function acceptedEncodings(req: IncomingMessage, enabled: { brotli: boolean; gzip: boolean }): Array<"br" | "gzip"> {
  if (req.headers["accept-encoding"] === undefined) return [];
  const available = [...(enabled.brotli ? ["br"] : []), ...(enabled.gzip ? ["gzip"] : [])];
  if (available.length === 0) return [];
  const negotiator = new Negotiator(req);
  // negotiator 1.x takes `preferred` to break q-value ties (br before gzip, as Plug.Static);
  // @types/negotiator predates it.
  const ordered = (negotiator.encodings as unknown as EncodingsWithPreferred).call(
    negotiator,
    [...available, "identity"],
    { preferred: ["br", "gzip", "identity"] },
  );
  const index = ordered.indexOf("identity");
  return (index === -1 ? ordered : ordered.slice(0, index)) as Array<"br" | "gzip">;
}

/** Weak, since it comes from size and mtime, not from the bytes (as Plug.Static's). */
function weakEtag(stat: Stats): string {
  return `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
}

const UTF8_TYPES = /^(text\/|application\/(javascript|json|manifest\+json|xml)$|image\/svg\+xml$)/;

// What mrmime leaves out and every site serves: favicon.ico (the type Elixir's MIME gives).
const EXTRA_TYPES: Readonly<Record<string, string>> = { ico: "image/vnd.microsoft.icon", cur: "image/x-icon" };

function contentType(file: string): string {
  const type = lookup(file) ?? EXTRA_TYPES[file.slice(file.lastIndexOf(".") + 1).toLowerCase()] ?? "application/octet-stream";
  return UTF8_TYPES.test(type) ? `${type}; charset=utf-8` : type;
}

function hasVsn(url: string): boolean {
  return new URLSearchParams(queryOf(url)).has("vsn");
}
