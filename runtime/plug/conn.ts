// The connection every plug and action transforms: Plug.Conn in TypeScript. Request data is
// read once from node:http's request; the response is accumulated on the conn and written by
// the endpoint at the end, so plugs and actions stay plain synchronous functions.

import { validateHeaderName, validateHeaderValue, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { describe } from "../_internal/values.js";
import { statusCode, type Status } from "./status.js";

export type Params = Record<string, unknown>;

/** A route as generated code describes it (`routes.gen.ts`), for dispatch and introspection. */
export interface RouteInfo {
  /** Position in declaration order. */
  readonly index: number;
  readonly kind: "match" | "forward";
  /** Upper-case verb, or "*" (match "*", forward). */
  readonly verb: string;
  /** The pattern, e.g. `/users/:user_id/posts/:id`. */
  readonly path: string;
  /** Helper name (`userPostPath`), or null. */
  readonly helper: string | null;
  /** Controller (or forward target) as written in the router: `UserController`. */
  readonly controller: string;
  /**
   * The controller's view, the template folder `render` looks in (`user`, `admin/review`),
   * named by the compiler from the controller's module; null for a plug route and a forward.
   */
  readonly view: string | null;
  /** Action name, or null for a forward. */
  readonly action: string | null;
  readonly pipeThrough: readonly string[];
  /** Hosts the route answers for; empty means any. */
  readonly hosts: readonly string[];
  /** Where the route was declared: `app/router.ts:12:3`. */
  readonly source: string;
}

/**
 * The params of a request that has none: one frozen object shared by every conn, so a GET
 * without a query or body allocates nothing for them. Parsers replace it, never write into it.
 */
export const NO_PARAMS: Params = Object.freeze({});
const NO_SEGMENTS: string[] = Object.freeze([]) as unknown as string[];

export interface ConnInit {
  method: string;
  /** The request target (`req.url`): path and query. */
  url: string;
  headers?: IncomingHttpHeaders;
  host?: string;
  port?: number;
  scheme?: "http" | "https";
  remoteIp?: string;
  req?: IncomingMessage;
  res?: ServerResponse;
}

export class Conn {
  // --- request ---
  /** The method, after method override (`_method`) when a plug applied it. */
  method: string;
  readonly originalMethod: string;
  readonly scheme: "http" | "https";
  readonly remoteIp: string;
  /** The raw path of the request target (no query). */
  readonly requestPath: string;
  readonly queryString: string;
  // Headers, host and port are read when first asked for: node:http builds `req.headers` lazily,
  // and a request no plug looks at (most of a JSON API's) then never pays for it.
  private headers: IncomingHttpHeaders | undefined;
  private hostName: string | undefined;
  private portNumber: number | undefined;
  /** Prefix segments consumed before the router (a `forward` moves its prefix here). */
  scriptName: string[] = NO_SEGMENTS;
  private pathInfoValue: string[] | undefined;
  /**
   * The request path's segments a `forward` has not consumed (Plug's `path_info`), as sent (not
   * percent-decoded); empty segments (`//`) are left out, as the router does.
   */
  get pathInfo(): string[] {
    return (this.pathInfoValue ??= this.requestPath.split("/").filter((s) => s !== ""));
  }
  set pathInfo(segments: string[]) {
    this.pathInfoValue = segments;
  }

  // --- data ---
  assigns: Record<string, unknown> = {};
  /** Framework-private data (route, view, layouts, session...). */
  private: Record<string, unknown> = {};
  queryParams: Params = NO_PARAMS;
  bodyParams: Params = NO_PARAMS;
  pathParams: Readonly<Record<string, string | readonly string[]>> = NO_PARAMS as Record<string, string>;
  /** Query, body and path params merged (path params win), as Phoenix merges them. */
  params: Params = {};
  route: RouteInfo | null = null;

  // --- response ---
  status: number | null = null;
  readonly respHeaders: Record<string, string | string[]> = {};
  respBody: string | Buffer | null = null;
  /** "unset" until a response is set, "set" once it is, "sent" after the endpoint wrote it. */
  state: "unset" | "set" | "sent" = "unset";
  halted = false;

  readonly req: IncomingMessage | undefined;
  readonly res: ServerResponse | undefined;

  constructor(init: ConnInit) {
    this.method = init.method.toUpperCase();
    this.originalMethod = this.method;
    const q = init.url.indexOf("?");
    this.requestPath = q === -1 ? init.url : init.url.slice(0, q);
    this.queryString = q === -1 ? "" : init.url.slice(q + 1);
    this.headers = init.headers;
    this.hostName = init.host;
    this.portNumber = init.port;
    this.scheme = init.scheme ?? "http";
    this.remoteIp = init.remoteIp ?? "127.0.0.1";
    this.req = init.req;
    this.res = init.res;
  }

  get reqHeaders(): IncomingHttpHeaders {
    return (this.headers ??= this.req?.headers ?? {});
  }

  /** The request's host, without the port. */
  get host(): string {
    if (this.hostName === undefined) this.readHost();
    return this.hostName!;
  }

  get port(): number {
    if (this.portNumber === undefined) this.readHost();
    return this.portNumber!;
  }

  private readHost(): void {
    const { host, port } = parseHostHeader(this.reqHeaders.host, this.scheme);
    this.hostName ??= host;
    this.portNumber ??= port;
  }


  /**
   * The request's cookies after `fetchCookies` (signed and encrypted ones verified), with the
   * cookies this response sets merged in, as Plug's `conn.cookies`. Throws until fetched.
   */
  get cookies(): Record<string, unknown> {
    const cookies = this.private.cookies as Record<string, unknown> | undefined;
    if (!cookies) throw new Error("cookies are not fetched: call fetchCookies(conn) first (or add the fetchCookies plug)");
    return cookies;
  }

  /** The request's cookies as sent (signed ones still signed), after `fetchCookies`. Throws until fetched. */
  get reqCookies(): Record<string, string> {
    const cookies = this.private.reqCookies as Record<string, string> | undefined;
    if (!cookies) throw new Error("cookies are not fetched: call fetchCookies(conn) first (or add the fetchCookies plug)");
    return cookies;
  }

  /** A request header (lower-case name), the first value when repeated. */
  getReqHeader(name: string): string | undefined {
    const v = this.reqHeaders[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }
}

// ---- typed conns (types only: nothing here exists at run time) ------------------------------
// The generated `.fawkes/actions.gen.ts` names one TypedConn per controller action, from the
// route table (`ActionConn<"user", "show">`): its path params as the routes give them, and the
// templates `render` may name with the assigns each needs (controller.ts).

/** The key of a typed conn's render table. Declared only: no conn ever has this property. */
declare const RENDERS: unique symbol;

/** The key of what a conn type says is in its assigns. Declared only: no conn ever has this property. */
declare const ASSIGNED: unique symbol;

/**
 * A conn that has assigns `A` put on it: what a plug that assigns says it returns (its type
 * only: nothing is checked at run time), so that the typed conn of every action behind it has
 * them (`conn.assigns.currentUser`) and render does not ask for them. `Plug<O, A>` returns it.
 * @example export function fetchCurrentUser(conn: Conn): Assigned<{ currentUser: User | null }> { ... }
 */
export type Assigned<A extends object> = [keyof A] extends [never] ? Conn : Conn & { readonly [ASSIGNED]?: A };

/** The assigns a conn type says it carries (Assigned, TypedConn), or `{}`: nothing known. */
export type AssignedOf<C> = C extends { readonly [ASSIGNED]?: infer A } ? (unknown extends A ? {} : [A] extends [object] ? A : {}) : {};

/** What a TypedConn's path params may be: strings, and lists of strings for globs. */
export type PathParamsShape = { readonly [name: string]: string | readonly string[] };

/**
 * A conn typed by the routes that reach an action: `pathParams` has exactly the route's params
 * (`:id` → `id: string`, `*path` → `path: string[]`, one only some routes give → optional), and
 * `params` has them too, besides query and body params as `unknown`. `R` is the render table
 * (template name → the assigns it needs), or null: render stays as loose as for a plain Conn.
 * `A` is what the plugs of its routes' pipelines say they assign (`Plug<O, A>`): `assigns` has
 * those keys typed, and render does not ask for them.
 * @example export function show(conn: ActionConn<"user", "show">) { findUser(conn.pathParams.id) }
 */
export interface TypedConn<P extends PathParamsShape = {}, R extends object | null = null, A extends object = {}> extends Conn {
  pathParams: Readonly<P>;
  params: RouteParams<P>;
  assigns: A & Record<string, unknown>;
  /** Types only (never set): what `render` checks its template name and assigns against. */
  readonly [RENDERS]?: R;
  /** Types only (never set): the assigns the pipelines' plugs put. */
  readonly [ASSIGNED]?: A;
}

/**
 * The merged params of a route with path params `P`: those keys as the path gives them (path
 * params win the merge; a key only some routes give may come from the query, so it is
 * `unknown`), and any other key `unknown`, to be checked before use.
 */
export type RouteParams<P extends PathParamsShape> = { [K in keyof P]-?: undefined extends P[K] ? unknown : P[K] } & Params;

/** The render table of a conn type, or null for a plain Conn (and a TypedConn without one). */
export type RendersOf<C> = C extends { readonly [RENDERS]?: infer R }
  ? unknown extends R
    ? null
    : [Exclude<R, null | undefined>] extends [never]
      ? null
      : Exclude<R, null | undefined>
  : null;

/**
 * A Host header as host and port: `example.com:8080` → example.com, 8080; `[::1]` keeps its
 * brackets; no port → the scheme's default; no header → localhost.
 */
export function parseHostHeader(header: string | undefined, scheme: string): { host: string; port: number } {
  const value = header ?? "localhost";
  const colon = value.lastIndexOf(":");
  const hasPort = colon > 0 && !value.endsWith("]");
  return {
    host: hasPort ? value.slice(0, colon) : value,
    port: hasPort ? Number(value.slice(colon + 1)) : scheme === "https" || scheme === "wss" ? 443 : 80,
  };
}

/** Stops the plug pipeline: nothing after the current plug runs, the response is sent as is. */
export function halt<C extends Conn>(conn: C): C {
  conn.halted = true;
  return conn;
}

/**
 * Sets assigns: one key and its value, as Plug's `assign(conn, :user, user)`, or several at
 * once from an object (merged into `conn.assigns`).
 * @example assign(conn, "user", user); assign(conn, { user, admin: false })
 */
export function assign<C extends Conn>(conn: C, key: string, value: unknown): C;
export function assign<C extends Conn>(conn: C, values: Record<string, unknown>): C;
export function assign(conn: Conn, keyOrValues: string | Record<string, unknown>, value?: unknown): Conn {
  if (typeof keyOrValues === "string") conn.assigns[keyOrValues] = value;
  else if (keyOrValues !== null && typeof keyOrValues === "object") Object.assign(conn.assigns, keyOrValues);
  else throw new TypeError(`assign: expected a key and a value, or an object of assigns, got: ${describe(keyOrValues)}`);
  return conn;
}

/**
 * Sets the response (status and body); the endpoint sends it once the pipeline is done. The
 * status is a number or one of Plug's names (`"not_found"`).
 */
export function resp(conn: Conn, status: Status, body: string | Buffer): Conn {
  if (conn.state === "sent") throw new Error("the response was already sent");
  const code = statusCode(status, "resp");
  if (typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new TypeError(`resp: expected the body to be a string or a Buffer, got: ${describe(body)}`);
  }
  conn.status = code;
  conn.respBody = body;
  conn.state = "set";
  return conn;
}

/**
 * Sets a response header (lower-cased name). The name must be an HTTP token and the value (or
 * each value of a list) a string without CR, LF or other characters a header cannot carry:
 * anything else throws here, at the call that set it, rather than in the write (where Node
 * refuses it) or, worse, in the client as an injected header.
 */
export function putRespHeader<C extends Conn>(conn: C, name: string, value: string | string[]): C {
  checkHeader(name, value, "putRespHeader");
  conn.respHeaders[name.toLowerCase()] = value;
  return conn;
}

/** Throws a TypeError naming the header unless `name: value` can be sent as is. */
export function checkHeader(name: string, value: unknown, caller: string): void {
  try {
    validateHeaderName(name);
  } catch {
    throw new TypeError(`${caller}: ${describe(name)} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
  }
  for (const v of Array.isArray(value) ? value : [value]) {
    if (typeof v !== "string") throw new TypeError(`${caller}: the value of the ${JSON.stringify(name)} header must be a string, got: ${describe(v)}`);
    try {
      validateHeaderValue(name, v);
    } catch {
      throw new TypeError(`${caller}: the value of the ${JSON.stringify(name)} header has a character headers cannot carry (CR, LF or another control character): ${JSON.stringify(v.slice(0, 200))}`);
    }
  }
}

/**
 * Sets the status: an integer from 100 to 999 (a status read from a param is checked here) or
 * one of Plug's names.
 * It returns the conn it was given, typed as it was (a typed conn stays typed for render).
 * @example json(putStatus(conn, "created"), user); render(putStatus(conn, 422), "new.html", { errors })
 */
export function putStatus<C extends Conn>(conn: C, status: Status): C {
  conn.status = statusCode(status, "putStatus");
  return conn;
}


export function putRespContentType(conn: Conn, type: string, charset: string | null = "utf-8"): Conn {
  return putRespHeader(conn, "content-type", charset ? `${type}; charset=${charset}` : type);
}

/** Functions run just before the response is written (Plug's register_before_send); the endpoint runs them. */
export function beforeSend(conn: Conn, fn: (conn: Conn) => void): Conn {
  const list = (conn.private.beforeSend ??= []) as ((conn: Conn) => void)[];
  list.unshift(fn); // last registered runs first, as in Plug
  return conn;
}
