// The WebSocket transport on `ws` (noServer: the endpoint's own HTTP server hands us its
// upgrades). Everything is decided before the upgrade completes: a bad vsn, a foreign origin
// or a refused `connect` is an HTTP answer (403), as Phoenix gives, not an open-then-close.

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { Connection, type Transport } from "../connection.js";
import type { Frame } from "../serializer.js";
import type { SocketHandler, WebSocketOptions } from "../socket.js";
import { admit } from "./_connect.js";
import { printable } from "../../_internal/values.js";

const DEFAULT_TIMEOUT = 60_000;
const DEFAULT_MAX_PAYLOAD = 8 * 1024 * 1024;
// What may queue for one client that stops reading (ws's bufferedAmount: the socket's write
// buffer plus ws's own queue). Measured before this limit: 128 MB queued for one paused client,
// never released. 8 MB holds minutes of a busy chat for a slow but live client.
const DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;
/** Internal server error: an unexpected throw while handling a frame. */
const CLOSE_INTERNAL = 1011;

// A fastlane broadcast hands the same frame (one string, or one Uint8Array for the binary
// serializer) to every subscriber in turn: it is turned into one WebSocket frame — header and
// payload in one Buffer — once, and that Buffer is written to each socket as it is. Through
// `ws.send` every socket would pay ws's per-message work again: two option objects, a header
// Buffer, cork, two writes and a writev. Hand-written because it is the fan-out hot path
// (RFC 6455 §5.2 framing of a server frame: FIN, opcode, unmasked length), what engine.io does
// with its pre-encoded frames. Safe beside ws's own writes (close frames) because ws writes
// synchronously to the same socket while its sender is idle, which it always is here: no
// permessage-deflate (disabled below) and no Blob payloads.
let lastFrame: Frame | null = null;
let lastWire: Buffer | null = null;
const OPEN = 1;

/** The bytes of one unmasked, final WebSocket frame carrying `frame` (text for a string, binary otherwise). */
export function wireFrame(frame: Frame): Buffer {
  const text = typeof frame === "string";
  const length = text ? Buffer.byteLength(frame) : frame.byteLength;
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + length);
  out[0] = 0x80 | (text ? 0x1 : 0x2);
  if (length < 126) out[1] = length;
  else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (text) out.write(frame, head, "utf8");
  else out.set(frame, head);
  return out;
}

class WsTransport implements Transport {
  readonly name = "websocket";
  private dropped = false;
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly owner: WebSocketTransport,
  ) {}

  send(frame: Frame): void {
    if (this.ws.bufferedAmount > this.owner.maxBuffered) return this.drop();
    // Closing (a close frame is out) or closed: nothing more is sent, as ws.send would do.
    if (this.ws.readyState !== OPEN) return;
    if (frame !== lastFrame) {
      lastWire = wireFrame(frame);
      lastFrame = frame;
    }
    this.socket.write(lastWire!);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  /**
   * The client is not reading: a close frame would only queue behind the rest, so the TCP
   * connection is cut (the client sees 1006 and reconnects) and the queue freed.
   */
  private drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    const connection = (this.ws as AttachedWs)[CONNECTION];
    connection?.log(`websocket ${this.owner.path}: the client is not reading (${this.ws.bufferedAmount} bytes queued, limit ${this.owner.maxBuffered}); dropping the socket`);
    this.ws.terminate();
    connection?.closed();
  }
}

export class WebSocketTransport {
  private readonly wss: WebSocketServer;
  private readonly timeout: number;
  readonly maxBuffered: number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly handler: SocketHandler) {
    const options: WebSocketOptions = typeof handler.mount.options.websocket === "object" ? handler.mount.options.websocket : {};
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      // The official client may offer "phoenix" plus its auth token; the answer must be "phoenix".
      handleProtocols: (protocols) => (protocols.has("phoenix") ? "phoenix" : false),
    });
  }

  /** Takes an upgrade request for `<path>/websocket`. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", destroySocket);
    admit(this.handler, req, "websocket", bearerToken(req)).then(
      (admission) => {
        if (!admission.ok) {
          if (admission.status >= 500 || admission.status === 400 || admission.log) this.handler.log(`websocket ${printable((req.url ?? "").split("?")[0])}: ${admission.reason}`); // not the query: it carries the token
          return refuse(socket, admission.status, admission.body);
        }
        if (socket.destroyed) return;
        const { serializer, assigns, id } = admission;
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          socket.removeListener("error", destroySocket);
          this.attach(ws, new Connection(this.handler, serializer, new WsTransport(ws, socket, this), assigns, id));
        });
      },
      (e: unknown) => {
        this.handler.log(`websocket upgrade of ${printable(req.url ?? "")} failed`, e);
        refuse(socket, 500, "");
      },
    );
  }

  // Module-level listeners and the connection on the ws object, not closures: a closure made in
  // upgrade() would keep the request (and its headers) alive for the life of the socket — the
  // channels bench measured +1.3 kB of heap per socket from exactly that.
  private attach(ws: WebSocket, connection: Connection): void {
    (ws as AttachedWs)[CONNECTION] = connection;
    (ws as AttachedWs)[TRANSPORT] = this;
    ws.on("message", onMessage);
    ws.on("close", onClose);
    ws.on("error", onError);
  }

  receive(connection: Connection, ws: WebSocket, data: Buffer, binary: boolean): void {
    try {
      connection.receive(data, binary);
    } catch (e) {
      // A bug, not a bad frame (those close inside receive): this socket only.
      this.handler.log(`websocket ${this.handler.path}: handling a frame failed; closing the socket`, e);
      ws.close(CLOSE_INTERNAL, "internal error");
      connection.closed();
    }
  }

  log(message: string): void {
    this.handler.log(message);
  }

  get path(): string {
    return this.handler.path;
  }

  /** Closes connections idle past the timeout; one timer for the whole mount, not one per socket. */
  start(): void {
    if (this.sweeper) return;
    const every = Math.max(10, Math.min(this.timeout / 4, 15_000));
    this.sweeper = setInterval(() => {
      const limit = Date.now() - this.timeout;
      for (const c of this.handler.connections) {
        if (c.transportName === "websocket" && c.lastSeen < limit) {
          c.transport.close(1000, "idle timeout");
          c.closed();
        }
      }
    }, every);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

const CONNECTION = Symbol("fawkes.connection");
const TRANSPORT = Symbol("fawkes.transport");
type AttachedWs = WebSocket & { [CONNECTION]: Connection; [TRANSPORT]: WebSocketTransport };

function onMessage(this: WebSocket, data: Buffer, binary: boolean): void {
  const ws = this as AttachedWs;
  ws[TRANSPORT].receive(ws[CONNECTION], ws, data, binary);
}

function onClose(this: WebSocket): void {
  (this as AttachedWs)[CONNECTION].closed();
}

function onError(this: WebSocket, e: Error): void {
  (this as AttachedWs)[TRANSPORT].log(`websocket: ${e.message}; closing it`);
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** `Sec-WebSocket-Protocol: phoenix, base64url.bearer.phx.<base64url(token)>`. */
function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers["sec-websocket-protocol"];
  if (!header) return undefined;
  for (const p of header.split(",")) {
    const s = p.trim();
    // The client encodes with btoa (one byte per char, Latin-1), so decode as atob would.
    if (s.startsWith("base64url.bearer.phx.")) return Buffer.from(s.slice("base64url.bearer.phx.".length), "base64url").toString("latin1");
  }
  return undefined;
}

function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
