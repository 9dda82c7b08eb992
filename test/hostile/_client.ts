// A raw HTTP/1.1 client for the hostile suite: writes exactly the bytes a case gives (fetch and
// node:http refuse to send most of them) and reads what the server answers, until it closes the
// connection or the first response is complete.

import { connect } from "node:net";

export interface RawResponse {
  /** The status of the first response; 0 when the server closed without answering. */
  status: number;
  headers: Record<string, string[]>;
  body: string;
  /** Everything received, for cases that look at more than the first response. */
  raw: string;
  /** Whether the server closed the connection. */
  closed: boolean;
}

/**
 * Sends `bytes` on a new connection and resolves with the first response. With `all`, waits for
 * the server to close and keeps every byte (pipelined or smuggled second responses).
 */
export function rawRequest(port: number, bytes: string | Buffer, options: { all?: boolean; timeout?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString("latin1"), closed));
    };
    // A server that neither answers nor closes is a failure of the case, not a hang of the suite.
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`no complete answer within ${options.timeout ?? 20_000} ms; got: ${JSON.stringify(Buffer.concat(chunks).toString("latin1").slice(0, 300))}`));
    }, options.timeout ?? 20_000);
    socket.on("data", (d) => {
      chunks.push(d);
      if (!options.all && complete(Buffer.concat(chunks).toString("latin1"))) finish(false);
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(bytes);
  });
}

function complete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const head = text.slice(0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (/^HTTP\/1\.1 (1\d\d|204|304)/.test(head)) return true;
  if (length) return text.length - end - 4 >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return text.includes("\r\n0\r\n\r\n", end);
  return false;
}

function parse(text: string, closed: boolean): RawResponse {
  const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(text);
  if (!m) return { status: 0, headers: {}, body: "", raw: text, closed };
  const end = text.indexOf("\r\n\r\n");
  const headers: Record<string, string[]> = {};
  for (const line of text.slice(m[0].length, end === -1 ? undefined : end).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    (headers[line.slice(0, colon).trim().toLowerCase()] ??= []).push(line.slice(colon + 1).trim());
  }
  let body = end === -1 ? "" : text.slice(end + 4);
  const length = headers["content-length"]?.[0];
  if (length !== undefined) body = body.slice(0, Number(length));
  return { status: Number(m[1]), headers, body, raw: text, closed };
}

/** `GET path` with a Host header and the extra header lines given. */
export function get(path: string, headers: string[] = []): string {
  return [`GET ${path} HTTP/1.1`, "Host: localhost", ...headers, "Connection: close", "", ""].join("\r\n");
}
