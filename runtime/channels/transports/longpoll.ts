// The long-poll transport, Phoenix.Transports.LongPoll as phoenix.js 1.8.16 speaks it
// (phoenix.md (c)): GET with no live session runs `connect` and answers 410 with a session
// token; GET with the token waits for frames (200) or the window (204); POST with the token
// carries frames, one per line. Every outcome is HTTP 200 with a JSON `status`, which is what
// the client reads. Sessions live in this process: behind a load balancer, long-polling clients
// need sticky sessions (Phoenix finds a session on another node through PubSub; we do not).

import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { Connection, CLOSE_BAD_FRAME } from "../connection.js";
import type { SocketHandler } from "../socket.js";
import { admit, originRefusal } from "./_connect.js";
import { printable } from "../../_internal/values.js";
import { utf8OrNull } from "../../_internal/json.js";

/** readBody's answer for a body that is not UTF-8. */
const INVALID_UTF8 = Symbol("invalid utf-8");
import { LongPollSession, sendJson } from "./_longpoll-session.js";

const DEFAULT_WINDOW = 10_000;
const DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;
const DEFAULT_MAX_SESSIONS = 10_000;
// Phoenix signs with the PubSub server's name as the salt; any fixed purpose string does the
// job (tokens are not interchangeable with Phoenix's anyway: our Token carries JSON). This one
// only names long-poll sessions, so no other token of the app verifies as one.
const TOKEN_SALT = "fawkes longpoll session";
/** Phoenix's `crypto: [max_age: 1_209_600]`: 14 days, in seconds. */
const TOKEN_MAX_AGE = 1_209_600;
/** Plug's read_body default (8 MB), which caps a Phoenix long-poll POST. */
const MAX_BODY = 8_000_000;
/** phoenix.js sends at most MAX_LONGPOLL_BATCH_SIZE = 100 frames per POST. */
const MAX_FRAMES = 100;
const TOKEN_HEADER = "x-phoenix-longpoll-token";
const AUTH_TOKEN_HEADER = "x-phoenix-authtoken";
const ALLOW_HEADERS = ["x-phoenix-longpoll-token", "x-phoenix-authtoken", "content-type", "accept"];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class LongPollTransport {
  private readonly sessions = new Map<string, LongPollSession>();
  private readonly window: number;
  private readonly maxBuffered: number;
  private readonly maxSessions: number;
  private stopped = false;
  /** When the last "too many sessions" line was logged: one a minute, however many are refused. */
  private refusedLoggedAt = 0;

  constructor(private readonly handler: SocketHandler) {
    const options = handler.mount.options.longpoll;
    const o = typeof options === "object" ? options : {};
    this.window = o.window ?? DEFAULT_WINDOW;
    this.maxBuffered = o.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    this.maxSessions = o.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!(this.window > 0) || !Number.isFinite(this.window)) {
      throw new TypeError(`socket ${handler.path}: longpoll.window must be a positive number of milliseconds, got ${String(this.window)}`);
    }
  }

  /** Takes a request for `<path>/longpoll` (ahead of the endpoint's plugs). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.dispatch(req, res).catch((e: unknown) => {
      this.handler.log(`longpoll ${req.method} ${this.handler.path}: handling the request failed`, e);
      // phoenix.js closes with 1011 on a 500 and reconnects.
      sendJson(res, { status: 500 });
    });
  }

  /** Nothing to start: sessions carry their own (unref'd) timers. */
  start(): void {
    this.stopped = false;
  }

  /** Ends every session; waiting polls answer 410 and their HTTP connections close. */
  stop(): void {
    this.stopped = true;
    for (const session of [...this.sessions.values()]) session.end(false);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Cross-origin polls are fine once the Origin header passes check_origin, as for WebSockets;
    // a refused origin gets no CORS header at all (its page cannot read the 403). No
    // allow-credentials, as in Phoenix: the session travels in the token, not in cookies.
    if (req.headers.origin) res.setHeader("vary", "origin");
    if (this.stopped) {
      // A request that slipped in while the server stops: 500 makes the client close (1011) and
      // reconnect, reaching whatever server listens next; the connection must not be kept.
      res.shouldKeepAlive = false;
      return sendJson(res, { status: 500 });
    }
    const refusal = originRefusal(this.handler, req);
    if (refusal !== null) {
      this.handler.log(`longpoll ${printable((req.url ?? "").split("?")[0])}: ${refusal}`); // not the query: it carries the token
      return sendJson(res, { status: 403 });
    }
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    switch (req.method) {
      case "OPTIONS":
        return preflight(req, res);
      case "GET": {
        const session = this.resume(req);
        if (session instanceof LongPollSession) return session.listen(res);
        // Our token, but its session ended (expired, closed, another server run): 410 without a
        // new session. Phoenix would run connect again here, with the session token as `token`
        // (the last one in the query), refusing apps whose own param is `token`; phoenix.js,
        // which holds a token, closes with 3410 and reconnects without one either way.
        return session === "gone" ? sendJson(res, { status: 410 }) : this.newSession(req, res);
      }
      case "POST": {
        const session = this.resume(req);
        return session instanceof LongPollSession ? this.publish(session, req, res) : sendJson(res, { status: 410 });
      }
      default:
        res.writeHead(400, { "content-type": "text/plain" }).end(`longpoll takes GET, POST and OPTIONS, not ${req.method}`);
    }
  }

  /** Runs `connect`; the answer is 410 (the client's "open") with the new session's token. */
  private async newSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.sessions.size >= this.maxSessions) {
      const now = Date.now();
      if (now - this.refusedLoggedAt >= 60_000) {
        this.refusedLoggedAt = now;
        this.handler.log(`longpoll ${this.handler.path}: ${this.sessions.size} sessions open (maxSessions); refusing new ones, clients retry`);
      }
      return sendJson(res, { status: 500 });
    }
    const header = req.headers[AUTH_TOKEN_HEADER];
    const admission = await admit(this.handler, req, "longpoll", typeof header === "string" ? header : undefined);
    if (!admission.ok) {
      if (admission.status >= 500 || admission.status === 400) this.handler.log(`longpoll ${printable(req.url ?? "")}: ${admission.reason}`);
      // phoenix.js knows 403 (give up) and 500 (retry) only; any other status would hang it, so
      // an errorHandler's 429 is a 403 here, as every refusal is in Phoenix's long poll.
      return sendJson(res, { status: admission.status >= 500 ? 500 : 403 });
    }
    if (this.stopped) return sendJson(res, { status: 500 });
    // The client gave up while connect ran: a session nobody holds a token for would only idle.
    if (res.destroyed) return;
    // A random id, not a counter: a token from an earlier run of the server (same secret) must
    // not name a session of this one.
    const id = randomBytes(16).toString("base64url");
    const token = this.handler.endpoint.signToken(TOKEN_SALT, id, { maxAge: TOKEN_MAX_AGE });
    const session = new LongPollSession(id, token, this.window, this.handler, (s) => this.sessions.delete(s.id), this.maxBuffered);
    this.sessions.set(id, session);
    session.connection = new Connection(this.handler, admission.serializer, session, admission.assigns, admission.id);
    sendJson(res, { status: 410, token, messages: [] });
  }

  /**
   * The live session the request's token names; "gone" for a token of ours whose session ended;
   * null for no token, or one that is not ours (it may be the app's own `token` param). The header
   * wins over `?token=`, as in Phoenix; in the query the last `token` wins, since phoenix.js
   * appends its session token after the socket params.
   */
  private resume(req: IncomingMessage): LongPollSession | "gone" | null {
    let token = req.headers[TOKEN_HEADER];
    if (typeof token !== "string") {
      const url = req.url ?? "";
      const q = url.indexOf("?");
      token = q === -1 ? undefined : new URLSearchParams(url.slice(q + 1)).getAll("token").at(-1);
    }
    if (token === undefined) return null;
    const verified = this.handler.endpoint.verifyToken<string>(TOKEN_SALT, token, { maxAge: TOKEN_MAX_AGE });
    if (!verified.ok) return verified.error === "expired" ? "gone" : null;
    const session = typeof verified.data === "string" ? this.sessions.get(verified.data) : undefined;
    return session && !session.isEnded ? session : "gone";
  }

  /** A POST: each frame to the connection, in order; 200 once all are handled. */
  private async publish(session: LongPollSession, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (res.destroyed) return;
    if (body === null) {
      res.shouldKeepAlive = false;
      res.writeHead(413, { "content-type": "text/plain" }).end(`longpoll POST bodies are limited to ${MAX_BODY} bytes`);
      return;
    }
    if (body === INVALID_UTF8) {
      // A malformed frame, as over WebSocket: the session ends (the client reconnects).
      session.connection.log(`closing longpoll socket ${this.handler.path}: the POST body is not valid UTF-8`);
      session.connection.transport.close(CLOSE_BAD_FRAME, "malformed frame");
      return sendJson(res, { status: 410 });
    }
    // Current clients send ndjson (text frames as JSON, binary ones base64); older ones one JSON frame.
    const ndjson = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === "application/x-ndjson";
    const frames = ndjson ? body.split(/\r?\n/).filter((line) => line !== "") : [body];
    if (frames.length > MAX_FRAMES) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`longpoll POSTs carry at most ${MAX_FRAMES} frames, got ${frames.length}`);
      return;
    }
    let status = 200;
    for (const frame of frames) {
      if (session.isEnded) break;
      if (!this.receive(session, frame, ndjson)) status = 500;
    }
    // A frame that ended the session (malformed, or it made the server close) is a 410 and the
    // rest of the batch is dropped; a bug in handling one is a 500. The client reconnects on both.
    sendJson(res, { status: status === 200 && session.isEnded ? 410 : status });
  }

  /** Hands one frame to the connection; false when handling it threw (a bug, not a bad frame). */
  private receive(session: LongPollSession, frame: string, ndjson: boolean): boolean {
    const connection = session.connection;
    // In ndjson a text frame is a JSON array (V2) or object (V1); anything else is base64 binary.
    const text = !ndjson || frame[0] === "[" || frame[0] === "{";
    if (!text && (frame.length % 4 !== 0 || !BASE64.test(frame))) {
      connection.log(`closing longpoll socket ${this.handler.path}: a frame is neither JSON nor base64: ${JSON.stringify(frame.slice(0, 80))}`);
      connection.transport.close(CLOSE_BAD_FRAME, "malformed frame");
      return true;
    }
    try {
      if (text) connection.receive(frame, false);
      else connection.receive(Buffer.from(frame, "base64"), true);
      return true;
    } catch (e) {
      // Bad frames close inside receive; a throw is a bug, and ends this session only.
      this.handler.log(`longpoll ${this.handler.path}: handling a frame failed; ending the session`, e);
      session.end();
      return false;
    }
  }
}

/** The CORS pre-flight for the headers phoenix.js sends (and any the page asks for). */
function preflight(req: IncomingMessage, res: ServerResponse): void {
  const asked = (req.headers["access-control-request-headers"] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const headers = [...new Set([...ALLOW_HEADERS, ...asked.filter((h) => h !== "")])];
  res.writeHead(200, {
    "access-control-allow-headers": headers.join(", "),
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-max-age": "3600",
    "content-length": 0,
  });
  res.end();
}

/** The body as UTF-8, or null past MAX_BODY (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | null | typeof INVALID_UTF8> {
  const declared = Number(req.headers["content-length"]);
  if (declared > MAX_BODY) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.removeAllListeners("data");
        req.pause();
        resolve(null);
      } else chunks.push(chunk);
    });
    // Frames are JSON (or base64 in ndjson): bytes that are not UTF-8 are refused, as a WebSocket
    // text frame's are (1007), not read with replacement characters.
    req.on("end", () => resolve(utf8OrNull(Buffer.concat(chunks)) ?? INVALID_UTF8));
    // An aborted upload: nobody is left to answer (a no-op once "end" has resolved).
    req.on("close", () => resolve(null));
    req.on("error", reject);
  });
}
