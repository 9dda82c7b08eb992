// ConnTest: dispatch a request through an endpoint without a socket, then assert on the
// response, as Phoenix.ConnTest does (`get(conn, ~p"/")`, `html_response(conn, 200)`).

import type { IncomingHttpHeaders } from "node:http";
import { Conn } from "../http/conn.js";
import type { Endpoint } from "../http/endpoint.js";

export interface TestRequest {
  headers?: IncomingHttpHeaders;
  /** Cookies to send (e.g. from a previous response's set-cookie, via recycleCookies). */
  cookies?: Record<string, string>;
  /** A session the request starts with, without a cookie (Phoenix's init_test_session). */
  session?: Record<string, unknown>;
  /** Run the pipelines only, not the controller (Phoenix's bypass_through): test plugs in place. */
  bypassThrough?: boolean;
  /** Body params as a parser would have produced them. */
  params?: Record<string, unknown>;
  host?: string;
}

/** Runs `method path` through the endpoint (plugs, router, pipelines, action) and returns the conn. */
export async function dispatch(endpoint: Endpoint, method: string, path: string, request: TestRequest = {}): Promise<Conn> {
  const cookie = Object.entries(request.cookies ?? {}).map(([k, v]) => `${k}=${v}`).join("; ");
  const conn = new Conn({ method, url: path, headers: { host: request.host ?? "www.example.com", ...(cookie ? { cookie } : {}), ...request.headers } });
  conn.bodyParams = request.params ?? {};
  if (request.session) conn.private.session = { data: { ...request.session }, dirty: false, options: undefined };
  if (request.bypassThrough) conn.private.bypassThrough = true;
  return endpoint.call(conn);
}

export const get = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "GET", path, request);
export const post = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "POST", path, request);
export const put = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "PUT", path, request);
export const patch = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "PATCH", path, request);
export const del = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "DELETE", path, request);

/** The response body, after checking the status and that the content type is `kind`. */
function response(conn: Conn, status: number, kind: string | null): string {
  const body = conn.respBody === null ? "" : conn.respBody.toString();
  if (conn.status !== status) {
    throw new Error(`expected response with status ${status}, got: ${conn.status}, with body:\n${body.slice(0, 2000)}`);
  }
  const type = String(conn.respHeaders["content-type"] ?? "");
  if (kind && !type.includes(kind)) throw new Error(`expected content-type for ${kind}, got: ${JSON.stringify(type)}`);
  return body;
}

/** The HTML body; throws unless the status matches and the response is HTML. */
export const htmlResponse = (conn: Conn, status: number): string => response(conn, status, "text/html");
/** The text body; throws unless the status matches and the response is plain text. */
export const textResponse = (conn: Conn, status: number): string => response(conn, status, "text/plain");
/** The decoded JSON body; throws unless the status matches and the response is JSON. */
export const jsonResponse = (conn: Conn, status: number): unknown => JSON.parse(response(conn, status, "application/json"));

/** The redirect location; throws unless the status matches and a location is set. */
export function redirectedTo(conn: Conn, status = 302): string {
  response(conn, status, null);
  const location = conn.respHeaders.location;
  if (typeof location !== "string") throw new Error("expected a redirect with a location header, found none");
  return location;
}

/** The cookies a response set (name → value), to send with the next request, as Phoenix's recycle does. */
export function recycleCookies(conn: Conn): Record<string, string> {
  const set = conn.respHeaders["set-cookie"];
  const out: Record<string, string> = {};
  for (const c of set === undefined ? [] : Array.isArray(set) ? set : [set]) {
    const [pair] = c.split(";");
    const eq = pair.indexOf("=");
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** A response header (lower-case name). */
export function getRespHeader(conn: Conn, name: string): string | string[] | undefined {
  return conn.respHeaders[name.toLowerCase()];
}
