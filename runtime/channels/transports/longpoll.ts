// Placeholder while the long-poll transport is being written (replaced in this session).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SocketHandler } from "../socket.js";

export class LongPollTransport {
  constructor(private readonly handler: SocketHandler) {}
  handle(_req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(501).end();
  }
  start(): void {}
  stop(): void {}
}
