// Built-in endpoint plugs, in the order a Phoenix endpoint lists them: static files, the body
// and query parsers, method override. HEAD is answered as GET by the router and the endpoint.

import type { IncomingMessage } from "node:http";
import { beforeSend, type Conn, halt, NO_PARAMS } from "./conn.js";
import { methodOverride as overriddenMethod, parseBody, parseQuery, type ParseBodyOptions } from "./body/index.js";
import { serveStatic as serveStaticFile, type ServeStaticOptions } from "./static/index.js";

/**
 * Plug.Parsers: query params always, the body (JSON, urlencoded, multipart) when there is one.
 * Synchronous for requests without a body; uploads' temp files are removed after the response.
 */
export function parsers(conn: Conn, options: ParseBodyOptions = {}): Conn | Promise<Conn> {
  conn.queryParams = conn.queryString ? parseQuery(conn.queryString) : NO_PARAMS;
  conn.params = { ...conn.queryParams };
  conn.private.parsed = true;
  const req = conn.req;
  if (!req || !mayHaveBody(req)) return conn;
  return parseBody(req, options).then((parsed) => {
    conn.bodyParams = { ...parsed.params };
    for (const upload of parsed.files) conn.bodyParams[upload.fieldName] = upload;
    conn.params = { ...conn.queryParams, ...conn.bodyParams };
    if (parsed.files.length) beforeSend(conn, () => void parsed.cleanup());
    return conn;
  });
}

function mayHaveBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/** Plug.MethodOverride: a POST with `_method` DELETE, PUT or PATCH becomes that method. */
export function methodOverride(conn: Conn): Conn {
  conn.method = overriddenMethod(conn.method, conn.bodyParams);
  return conn;
}

/** Plug.Static: answers from `root` before the router; anything else goes on. */
export function serveStatic(conn: Conn, options: ServeStaticOptions): Conn | Promise<Conn> {
  if (!conn.req || !conn.res || (conn.method !== "GET" && conn.method !== "HEAD")) return conn;
  return serveStaticFile(conn.req, conn.res, options).then((served) => {
    if (!served) return conn;
    conn.state = "sent"; // serveStatic wrote the response itself
    conn.status = conn.res!.statusCode; // 200 or 304: what the request logger and telemetry report
    return halt(conn);
  });
}
