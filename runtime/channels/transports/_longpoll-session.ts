// One long-poll session: the transport a Connection writes to while no request is open. Frames
// wait in a buffer until the client's next GET takes them; a GET finding the buffer empty waits
// up to `window` ms for the first frame (Phoenix.Transports.LongPoll.Server's buffer and
// `client_ref`). A session nobody polls for 1.5 × window ends, and its channels with it.

import type { ServerResponse } from "node:http";
import type { Connection, Transport } from "../connection.js";
import type { Frame } from "../serializer.js";
import type { SocketHandler } from "../socket.js";

/** The JSON body of every long-poll answer; phoenix.js reads `status`, never the HTTP status. */
export interface PollBody {
  status: number;
  token?: string;
  messages?: string[];
}

/**
 * Answers with HTTP 200 and `body` as JSON, as Phoenix does for every protocol outcome.
 * `no-store`: with the token in a header, every session polls the same URL, so no cache may
 * keep or share an answer.
 */
export function sendJson(res: ServerResponse, body: PollBody): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

interface Poll {
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

export class LongPollSession implements Transport {
  readonly name = "longpoll";
  /** Set right after construction: the Connection needs this transport to exist first. */
  connection!: Connection;
  private buffer: string[] = [];
  /** UTF-16 code units waiting in `buffer` (≈ bytes for the ASCII JSON of most frames). */
  private buffered = 0;
  private poll: Poll | null = null;
  private flushing = false;
  private ended = false;
  private readonly expiry: NodeJS.Timeout;

  constructor(
    readonly id: string,
    /** The signed token naming this session, echoed in every poll answer. */
    readonly token: string,
    private readonly window: number,
    private readonly handler: SocketHandler,
    private readonly onEnd: (session: LongPollSession) => void,
    /** What may wait for a client that does not poll; past it the session ends (the client reconnects). */
    private readonly maxBuffered: number,
  ) {
    // Phoenix allows 1.5 × window between polls: a poll lasts at most one window, and the client
    // re-polls at once, so only a client that went away misses the extra half window.
    // Unref'd, like every timer here: a session must not keep a stopped server's process alive.
    this.expiry = setTimeout(() => this.expire(), Math.trunc(window * 1.5)).unref();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** A frame from the Connection: buffered, and handed to the waiting poll if there is one. */
  send(frame: Frame): void {
    if (this.ended) return;
    if (typeof frame !== "string") {
      // phoenix.js JSON-parses every long-poll message (and Phoenix cannot JSON-encode one), so a
      // binary frame has no encoding the client would read; dropping it beats a client that throws.
      this.connection.log(`longpoll ${this.handler.path}: dropped a binary frame (${frame.length} bytes): phoenix.js reads long-poll messages as JSON text; binary payloads need the WebSocket transport`);
      return;
    }
    this.buffered += frame.length;
    if (this.buffered > this.maxBuffered) {
      this.connection.log(`longpoll ${this.handler.path}: the client is not polling (${this.buffered} bytes waiting, limit ${this.maxBuffered}); ending its session`);
      this.end();
      return;
    }
    this.buffer.push(frame);
    // Answer on the next turn, not now: a reply is often followed by more frames in the same
    // turn (phx_reply then phx_close), and one answer carrying all of them saves a round trip.
    if (this.poll && !this.flushing) {
      this.flushing = true;
      setImmediate(() => {
        this.flushing = false;
        if (this.poll && this.buffer.length > 0) this.answer(200);
      });
    }
  }

  /** The Connection closes (malformed frame, `disconnect` broadcast, server stop). */
  close(_code: number, _reason: string): void {
    this.end();
  }

  /** A GET: answers at once with buffered frames, else waits up to the window. */
  listen(res: ServerResponse): void {
    this.touch();
    // One poll at a time. Phoenix leaves a superseded poll hanging until its window ends; it can
    // never receive anything, so it is answered 204 now and frees its HTTP connection.
    if (this.poll) this.answer(204);
    if (this.buffer.length > 0) {
      sendJson(res, { status: 200, token: this.token, messages: this.take() });
      return;
    }
    const timer = setTimeout(() => this.poll?.res === res && this.answer(204), this.window).unref();
    this.poll = { res, timer };
    // The client gave up on this poll (aborted, timed out): the buffer waits for the next one.
    res.once("close", () => {
      if (this.poll?.res !== res) return;
      clearTimeout(timer);
      this.poll = null;
    });
  }

  /** Ends the session: the waiting poll learns it is gone (410, the client reconnects), channels terminate. */
  end(keepAlive = true): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    const poll = this.poll;
    this.poll = null;
    this.buffer = [];
    this.buffered = 0;
    if (poll) {
      clearTimeout(poll.timer);
      if (!keepAlive) poll.res.shouldKeepAlive = false;
      sendJson(poll.res, { status: 410 });
    }
    this.onEnd(this);
    this.connection?.closed();
  }

  private answer(status: 200 | 204): void {
    const poll = this.poll!;
    this.poll = null;
    clearTimeout(poll.timer);
    sendJson(poll.res, { status, token: this.token, messages: status === 200 ? this.take() : [] });
    this.touch();
  }

  private take(): string[] {
    const messages = this.buffer;
    this.buffer = [];
    this.buffered = 0;
    return messages;
  }

  /** A poll came or went: the inactivity clock starts again. */
  private touch(): void {
    this.expiry.refresh();
  }

  private expire(): void {
    if (this.ended) return;
    if (this.poll) this.touch();
    else this.end();
  }
}
