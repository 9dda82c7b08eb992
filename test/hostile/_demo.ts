// The demo endpoint on port 0 for the hostile suite, with what every group needs: the log lines
// it wrote, a check that the same server still answers, and a check that an answer leaks nothing
// (no stack trace, no source path, no error class) since the demo runs without debugErrors.

import { expect } from "vitest";
import type { Endpoint } from "fawkes";
import { demoEndpoint } from "../../fixtures/demo/endpoint.js";
import { rawRequest, type RawResponse } from "./_client.js";

export interface HostileDemo {
  port: number;
  endpoint: Endpoint;
  /** Every log line, error message appended, in order. */
  logged: string[];
  /** Log lines written since `mark` (an index into `logged`). */
  since(mark: number): string[];
  /** Sends raw bytes, checks the answer leaks nothing, returns it. */
  send(bytes: string | Buffer, options?: { all?: boolean; timeout?: number }): Promise<RawResponse>;
  /** GET /about answers 200 on a fresh connection: the process and its listener are fine. */
  alive(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemo(): Promise<HostileDemo> {
  const logged: string[] = [];
  const logger = (message: string, error?: unknown) => {
    logged.push(error instanceof Error ? `${message} ${error.message}` : message);
  };
  const endpoint = demoEndpoint({ http: { port: 0, host: "127.0.0.1" }, logger, debugErrors: false });
  const { port } = await endpoint.start();
  const send = async (bytes: string | Buffer, options?: { all?: boolean; timeout?: number }) => {
    const res = await rawRequest(port, bytes, options);
    expectNoLeak(res.raw);
    return res;
  };
  return {
    port,
    endpoint,
    logged,
    since: (mark) => logged.slice(mark),
    send,
    async alive() {
      const res = await rawRequest(port, "GET /about HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      expect(res.status, "the server still answers GET /about").toBe(200);
    },
    stop: () => endpoint.stop(),
  };
}

/** What an answer without debugErrors must never show: a stack frame, a source path, an error name. */
export function expectNoLeak(raw: string): void {
  expect(raw, "no stack frame in the answer").not.toMatch(/\n\s+at [^\n]+[:(]\d+:\d+/);
  expect(raw, "no source path in the answer").not.toMatch(/\/work\/|node_modules|file:\/\/|\.ts:\d+/);
  expect(raw, "no error class in the answer").not.toMatch(/\b(?:TypeError|RangeError|SyntaxError|ReferenceError)\b/);
}

/** A request with a body: `Content-Length` from the body unless `headers` sets framing itself. */
export function request(method: string, path: string, headers: string[] = [], body: string | Buffer = ""): Buffer {
  const framed = headers.some((h) => /^(content-length|transfer-encoding):/i.test(h));
  const length = Buffer.byteLength(body);
  const head = [
    `${method} ${path} HTTP/1.1`,
    "Host: localhost",
    ...headers,
    ...(framed || (length === 0 && method === "GET") ? [] : [`Content-Length: ${length}`]),
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head, "latin1"), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}
