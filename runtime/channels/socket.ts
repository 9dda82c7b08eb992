// Sockets: `defineSocket({ channels, connect, id })` routes topics to channels and
// authenticates connections; `socket("/socket", UserSocket, { websocket, longpoll })` mounts
// one on an endpoint. SocketHandler is the mount at run time: what both transports call to
// connect a client, and the registry of its live connections.

import type { IncomingHttpHeaders } from "node:http";
import { parse as parseCookies } from "cookie";
import type { Assigns, Channel } from "./channel.js";
import type { Connection } from "./connection.js";
import type { Reply } from "./message.js";
import type { CheckOrigin } from "./origin.js";
import { describe, isThenable } from "./_values.js";
import { decodeSession, validCsrfToken, CSRF_SESSION_KEY } from "../http/crypto/index.js";
import type { ParsedParams } from "../http/body/query.js";
import type { SessionOptions } from "../http/session.js";
import type { SocketEndpoint } from "./endpoint.js";

export type { SocketEndpoint };
type Maybe<T> = T | Promise<T>;

/** What `connect` learns about the client besides its params. */
export interface ConnectInfo {
  transport: "websocket" | "longpoll" | "test";
  peerData: { address: string; port: number };
  uri: { scheme: string; host: string; port: number; path: string; query: string };
  userAgent: string | undefined;
  /** Every request header (Phoenix exposes `x_headers`; here they are all available). */
  headers: IncomingHttpHeaders;
  /** The token the client passed with `authToken` (mount option `authToken: true`). */
  authToken?: string;
  /** The cookie session, when the mount has `session` options and the params carry a valid `_csrf_token`. */
  session?: Record<string, unknown> | null;
}

/** The socket `connect` and `id` receive: assigns shared by every channel the client joins. */
export class Socket<A extends Assigns = Assigns> {
  constructor(
    public assigns: A,
    readonly endpoint: SocketEndpoint,
    readonly transport: string,
  ) {}

  assign(values: Partial<A>): this {
    Object.assign(this.assigns, values);
    return this;
  }
}

export interface SocketDefinition<A extends Assigns = Assigns> {
  /** Topic patterns to channels: exact topics or a trailing `*` ("room:*"), first match wins. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  channels: Record<string, Channel<any>>;
  /** Authenticates: `true` (or `ok()`) accepts, `false` refuses (403), `error(reason)` goes to the mount's errorHandler. */
  connect?(params: ParsedParams, socket: Socket<A>, info: ConnectInfo): Maybe<boolean | Reply>;
  /** Names the connection; broadcasting "disconnect" to that topic closes every connection with that id. */
  id?(socket: Socket<A>): string | null;
}

export interface UserSocket<A extends Assigns = Assigns> extends SocketDefinition<A> {
  readonly routes: readonly { pattern: string; prefix: string | null; channel: Channel }[];
}

/**
 * Declares a socket.
 * @example
 * export const UserSocket = defineSocket<{ name: string }>({
 *   channels: { "room:*": RoomChannel },
 *   connect(params, socket) {
 *     const token = socket.endpoint.verifyToken<string>("user socket", params.token as string, { maxAge: 86400 });
 *     return token.ok ? (socket.assign({ name: token.data }), true) : false;
 *   },
 *   id: (socket) => `users_socket:${socket.assigns.name}`,
 * });
 */
export function defineSocket<A extends Assigns = Assigns>(definition: SocketDefinition<A>): UserSocket<A> {
  const routes = Object.entries(definition.channels ?? {}).map(([pattern, channel]) => {
    const star = pattern.indexOf("*");
    if (star !== -1 && star !== pattern.length - 1) throw new TypeError(`defineSocket: channel pattern "${pattern}" may only end with *, as in "room:*"`);
    if (typeof channel?.join !== "function") throw new TypeError(`defineSocket: "${pattern}" must map to a channel made with defineChannel`);
    return { pattern, prefix: star === -1 ? null : pattern.slice(0, -1), channel: channel as Channel };
  });
  return { ...definition, routes };
}

export interface WebSocketOptions {
  /** Close a connection that sent nothing (not even a heartbeat) for this long, ms. Default 60 000. */
  timeout?: number;
  /** Largest frame accepted, bytes; bigger closes the socket (1009). Default 8 MB. */
  maxPayload?: number;
  /**
   * Most bytes queued for a client that does not read; past it the socket is dropped (and
   * logged), so one stalled reader cannot hold the server's memory. Default 8 MB.
   */
  maxBuffered?: number;
}

export interface LongPollOptions {
  /** How long a poll waits for messages, ms (default 10 000); a session without a poll for 1.5 × window ends. */
  window?: number;
  /** Most bytes of messages waiting for a session's next poll; past it the session ends. Default 8 MB. */
  maxBuffered?: number;
  /** Most sessions open at once on this mount; past it new clients are told to retry (status 500). Default 10 000. */
  maxSessions?: number;
}

export interface SocketOptions {
  websocket?: boolean | WebSocketOptions;
  longpoll?: boolean | LongPollOptions;
  /** Default: the endpoint's `checkOrigin` config, which defaults to `true` (its url host). */
  checkOrigin?: CheckOrigin;
  /** Channels one connection may join. Default 100, as Phoenix. */
  maxChannels?: number;
  /** Deepest nesting of arrays and objects in a client frame; deeper closes the socket. Default 512. */
  jsonDepth?: number;
  /** Accept a token from the client's `authToken` option (Sec-WebSocket-Protocol / X-Phoenix-AuthToken). */
  authToken?: boolean;
  /** Read the cookie session into `connectInfo.session` (needs `_csrf_token` in the params). */
  session?: SessionOptions;
  /** The HTTP answer when `connect` returns `error(reason)`. Default 403. */
  errorHandler?: (reason: unknown) => { status: number; body?: string };
}

export interface SocketMount {
  readonly path: string;
  readonly socket: UserSocket;
  readonly options: SocketOptions;
}

/**
 * Mounts a socket on an endpoint: `/socket/websocket` and `/socket/longpoll`.
 * @example defineEndpoint({ router, sockets: [socket("/socket", UserSocket, { websocket: true, longpoll: true })] })
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function socket(path: string, definition: UserSocket<any>, options: SocketOptions = { websocket: true }): SocketMount {
  if (!path.startsWith("/") || path.endsWith("/")) throw new TypeError(`socket: the path must start with "/" and not end with one, got "${path}"`);
  if (!definition?.routes) throw new TypeError("socket: the second argument must be a socket made with defineSocket");
  return { path, socket: definition as UserSocket, options };
}

export type ConnectOutcome = { ok: true; assigns: Assigns; id: string | null } | { ok: false; status: number; body: string };

export class SocketHandler {
  readonly connections = new Set<Connection>();
  readonly maxChannels: number;
  readonly jsonDepth: number | undefined;

  constructor(
    readonly endpoint: SocketEndpoint,
    readonly mount: SocketMount,
  ) {
    this.maxChannels = mount.options.maxChannels ?? 100;
    this.jsonDepth = mount.options.jsonDepth;
  }

  get path(): string {
    return this.mount.path;
  }

  /** Runs the socket's `connect`; a throw there is a 500, logged. */
  async connect(params: ParsedParams, info: ConnectInfo): Promise<ConnectOutcome> {
    const def = this.mount.socket;
    const socket = new Socket({}, this.endpoint, info.transport);
    try {
      let result: unknown = def.connect ? def.connect(params, socket, info) : true;
      if (isThenable(result)) result = await result;
      if (result === false || (isReplyLike(result) && result.status === "error")) {
        const answer = result !== false && this.mount.options.errorHandler ? this.mount.options.errorHandler((result as Reply).response) : { status: 403 };
        return { ok: false, status: answer.status, body: answer.body ?? "" };
      }
      if (result !== true && !(isReplyLike(result) && result.status === "ok")) {
        throw new TypeError(`expected connect of the socket at ${this.path} to return true, false, ok() or error(reason), got: ${describe(result)}`);
      }
      const id = def.id ? def.id(socket) : null;
      if (id !== null && typeof id !== "string") throw new TypeError(`expected id of the socket at ${this.path} to return a string or null, got: ${describe(id)}`);
      return { ok: true, assigns: socket.assigns, id };
    } catch (e) {
      this.log(`connect of the socket at ${this.path} failed`, e);
      return { ok: false, status: 500, body: "" };
    }
  }

  /** The cookie session for connectInfo: only with a matching CSRF token, as Phoenix requires. */
  session(headers: IncomingHttpHeaders, params: ParsedParams): Record<string, unknown> | null | undefined {
    const options = this.mount.options.session;
    if (!options) return undefined;
    const raw = parseCookies(headers.cookie ?? "")[options.key];
    const data = raw ? decodeSession(raw, options) : {};
    return validCsrfToken(data[CSRF_SESSION_KEY], params._csrf_token) ? data : null;
  }

  route(topic: string): { pattern: string; channel: Channel } | null {
    for (const r of this.mount.socket.routes) {
      if (r.prefix === null ? topic === r.pattern : topic.startsWith(r.prefix)) return r;
    }
    return null;
  }

  opened(connection: Connection): void {
    this.connections.add(connection);
  }

  closedConnection(connection: Connection): void {
    this.connections.delete(connection);
  }

  log(message: string, error?: unknown): void {
    const logger = this.endpoint.config.logger;
    if (logger) logger(message, error);
    else if (error === undefined) console.error(`[fawkes] ${message}`);
    else console.error(`[fawkes] ${message}`, error);
  }
}

function isReplyLike(v: unknown): v is Reply {
  return typeof v === "object" && v !== null && "status" in v && "response" in v;
}
