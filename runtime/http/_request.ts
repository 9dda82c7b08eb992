// The checks node:http's parser leaves to the application, run before a request becomes a Conn.
// llhttp already refuses malformed request lines, bad header syntax, a Content-Length beside
// Transfer-Encoding and oversized heads (400/431); what it lets through and we must not:
//
//   a version other than HTTP/1.0 and HTTP/1.1       505
//   Transfer-Encoding other than exactly "chunked"   501  (RFC 9112 §6.1: "gzip, chunked" would
//                                                          be read as plain chunked, the gzip ignored)
//   two Host headers, or a Host that is not a host   400  (RFC 9112 §3.2; a second Host is a
//                                                          smuggling and cache-poisoning shape)
//   an absolute-form target (GET http://h/about)     routed by its path, its authority as the
//                                                          host (RFC 9112 §3.2.2: the Host header
//                                                          is then ignored)
//   any other target that is not a path             400  (except OPTIONS *, answered 204)
//
// Written by hand because it runs on every request: one pass over rawHeaders, no header object
// built (node:http builds req.headers lazily, and most requests never ask for it).

import type { IncomingMessage } from "node:http";

export type RequestVerdict =
  | { ok: true; url: string; host: string | undefined; port: number | undefined }
  | { ok: false; status: number; message: string };

// RFC 3986 host (IP-literal, IPv4, reg-name) with an optional port: what a Host header may hold.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;
// An absolute-form target: scheme "://" authority, then the path (maybe empty) and query.
const ABSOLUTE = /^https?:\/\/([^/?#]*)([^#]*)$/i;

const OK_PATH: RequestVerdict = { ok: true, url: "", host: undefined, port: undefined };

export function checkRequest(req: IncomingMessage): RequestVerdict {
  // llhttp reads `GET /` as HTTP/0.9 and accepts any digit pair as a version: HTTP/1.x only.
  if (req.httpVersionMajor !== 1) return { ok: false, status: 505, message: `HTTP/${req.httpVersion} is not supported: HTTP/1.0 and HTTP/1.1 are` };
  const raw = req.rawHeaders;
  let hosts = 0;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 4) {
      if (name.toLowerCase() === "host") {
        hosts++;
        host = raw[i + 1];
      }
    } else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
      // Node joins repeated Transfer-Encoding headers; any coding but a lone "chunked" is refused.
      if (raw[i + 1].trim().toLowerCase() !== "chunked") return { ok: false, status: 501, message: `unsupported transfer-encoding ${JSON.stringify(raw[i + 1].slice(0, 100))}: only chunked is accepted` };
    }
  }
  if (hosts > 1) return { ok: false, status: 400, message: "more than one Host header" };
  if (host !== undefined && !HOST.test(host)) return { ok: false, status: 400, message: "the Host header is not a host[:port]" };
  const url = req.url ?? "/";
  if (url.charCodeAt(0) === 47 /* "/" */) return OK_PATH;
  if (url === "*") return req.method === "OPTIONS" ? { ok: false, status: 204, message: "" } : { ok: false, status: 400, message: "the * target is for OPTIONS only" };
  const m = ABSOLUTE.exec(url);
  if (!m || !HOST.test(m[1])) return { ok: false, status: 400, message: "the request target is neither a path nor an absolute http(s) URL" };
  const authority = m[1];
  const colon = authority.lastIndexOf(":");
  const hasPort = colon > 0 && !authority.endsWith("]");
  const path = m[2] === "" || m[2][0] === "?" ? "/" + m[2] : m[2];
  return {
    ok: true,
    url: path,
    host: hasPort ? authority.slice(0, colon) : authority,
    port: hasPort ? Number(authority.slice(colon + 1)) : /^https/i.test(url) ? 443 : 80,
  };
}
