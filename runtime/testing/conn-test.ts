// ConnTest: dispatch a request through an endpoint without a socket, then assert on the
// response, as Phoenix.ConnTest does (`get(conn, ~p"/")`, `html_response(conn, 200)`).
//
// As Phoenix's build_conn, every request skips CSRF protection (`plug_skip_csrf_protection`):
// a test posts to a browser route with `params` and no token; `csrfProtection: true` checks it.
// Errors are already responses in Fawkes (the endpoint renders them), so assertErrorSent reads
// the mark the error rendering leaves on the conn instead of catching a raise.

import type { IncomingHttpHeaders } from "node:http";
import { Conn } from "../plug/conn.js";
import type { Endpoint } from "../endpoint/endpoint.js";
import { statusCode, type Status } from "../plug/status.js";

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
  /**
   * Check CSRF tokens as for a browser (default false: protectFromForgery lets test requests
   * through, as Phoenix's ConnTest does).
   */
  csrfProtection?: boolean;
}

/** Runs `method path` through the endpoint (plugs, router, pipelines, action) and returns the conn. */
export async function dispatch(endpoint: Endpoint, method: string, path: string, request: TestRequest = {}): Promise<Conn> {
  const cookie = Object.entries(request.cookies ?? {}).map(([k, v]) => `${k}=${v}`).join("; ");
  const conn = new Conn({ method, url: path, headers: { host: request.host ?? "www.example.com", ...(cookie ? { cookie } : {}), ...request.headers } });
  conn.bodyParams = request.params ?? {};
  if (request.session) conn.private.session = { data: { ...request.session }, dirty: false, options: undefined };
  if (request.bypassThrough) conn.private.bypassThrough = true;
  if (request.csrfProtection !== true) conn.private.skipCsrfProtection = true;
  return endpoint.call(conn);
}

export const get = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "GET", path, request);
export const post = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "POST", path, request);
export const put = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "PUT", path, request);
export const patch = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "PATCH", path, request);
export const del = (endpoint: Endpoint, path: string, request?: TestRequest) => dispatch(endpoint, "DELETE", path, request);

/** The response body, after checking the status and that the content type is `kind`. */
function response(conn: Conn, expected: Status, kind: string | null): string {
  const status = statusCode(expected, "expected status");
  const body = conn.respBody === null ? "" : conn.respBody.toString();
  if (conn.status !== status) {
    throw new Error(`expected response with status ${status}, got: ${conn.status}, with body:\n${body.slice(0, 2000)}`);
  }
  const type = String(conn.respHeaders["content-type"] ?? "");
  if (kind && !type.includes(kind)) throw new Error(`expected content-type for ${kind}, got: ${JSON.stringify(type)}`);
  return body;
}

/** The HTML body; throws unless the status matches and the response is HTML. */
export const htmlResponse = (conn: Conn, status: Status): string => response(conn, status, "text/html");
/** The text body; throws unless the status matches and the response is plain text. */
export const textResponse = (conn: Conn, status: Status): string => response(conn, status, "text/plain");
/** The decoded JSON body; throws unless the status matches and the response is JSON. */
export const jsonResponse = (conn: Conn, status: Status): unknown => JSON.parse(response(conn, status, "application/json"));

/** The redirect location; throws unless the status matches and a location is set. */
export function redirectedTo(conn: Conn, status: Status = 302): string {
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

/** What assertErrorSent returns: the error response as sent. */
export interface SentError {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * Runs `fn` (a request) and expects the endpoint to have answered it with an *error* of
 * `status`: a throw turned into an error page, a missing route, a refused body (Phoenix's
 * assert_error_sent). A response the action set itself with that status does not count: test
 * those with htmlResponse/jsonResponse. Returns the error response.
 *
 * @example
 * const { body } = await assertErrorSent("not_found", () => get(endpoint, "/users/0"));
 * await assertErrorSent(403, () => post(endpoint, "/users", { params: {}, csrfProtection: true }));
 */
export async function assertErrorSent(status: Status, fn: () => Conn | Promise<Conn>): Promise<SentError> {
  const expected = statusCode(status, "assertErrorSent");
  let conn: Conn;
  try {
    conn = await fn();
  } catch (e) {
    throw new Error(`expected error to be sent as ${expected} status, but got an error with no response from:\n\n${banner(e)}`, { cause: e });
  }
  if (!(conn instanceof Conn)) throw new TypeError(`assertErrorSent: expected the function to return the conn of a request (get(endpoint, path)...), got: ${typeof conn}`);
  const sent = conn.private.errorSent as { status: number; error: unknown } | undefined;
  if (!sent) {
    if (conn.state === "unset") throw new Error(`expected error to be sent as ${expected} status, but no error happened`);
    throw new Error(`expected error to be sent as ${expected} status, but response sent ${conn.status} without error`);
  }
  if (conn.status !== expected) {
    throw new Error(`expected error to be sent as ${expected} status, but got ${conn.status} from:\n\n${banner(sent.error, conn)}`, { cause: sent.error });
  }
  return { status: expected, headers: { ...conn.respHeaders }, body: conn.respBody === null ? "" : conn.respBody.toString() };
}

function banner(error: unknown, conn?: Conn): string {
  if (error === null && conn) return `no route found for ${conn.method} ${conn.requestPath}`;
  if (error instanceof Error) return `** (${error.name}) ${error.message}`;
  return `** (throw) ${String(error)}`;
}

/**
 * The path params of the route a redirect points to (Phoenix's redirected_params): the
 * location is matched as a GET against the endpoint's router. Throws unless the status matches
 * and a route matches the location.
 *
 * @example
 * const conn = await post(endpoint, "/users", { params: { user: { name: "Ada" } } });
 * expect(redirectedParams(conn)).toEqual({ id: "7" });
 */
export function redirectedParams(conn: Conn, status: Status = 302): Record<string, string | readonly string[]> {
  const location = redirectedTo(conn, status);
  const endpoint = conn.private.endpoint as Endpoint | undefined;
  if (!endpoint) throw new Error("redirectedParams: the conn has not been through an endpoint (dispatch it with get/post/... from fawkes/testing)");
  const url = new URL(location, `${conn.scheme}://${conn.host}`);
  let path = url.pathname;
  // A location built with the url config's path prefix (`endpoint.path(...)`) routes without it.
  const prefix = (endpoint.config.url?.path ?? "/").replace(/\/$/, "");
  if (prefix && (path === prefix || path.startsWith(prefix + "/"))) path = path.slice(prefix.length) || "/";
  const m = endpoint.router.match("GET", path, url.hostname || conn.host);
  if (m === null) throw new Error(`redirectedParams: no route found for GET ${path} (the redirect's location ${JSON.stringify(location)})`);
  return { ...m.params };
}
