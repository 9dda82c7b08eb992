// A channel app for the compatibility suite: the demo's chat socket plus a `proto:*` channel
// exercising what the chat does not (intercept/handleOut, deferred replies, handleInfo, stop,
// terminate), served on port 0, and small promise helpers around the official phoenix client.

import { WebSocket } from "ws";
import { Socket as PhoenixSocket, LongPoll, type Channel as PhoenixChannel, type SocketConnectOption } from "phoenix";
import { defineChannel, defineEndpoint, defineSocket, ok, reply, socket, stop, Token, type Endpoint, type SocketOptions, type StopReason } from "fawkes";
import { RoomChannel, RefusedChannel, type ChatAssigns } from "../../fixtures/demo/app/channels/room-channel.js";
import { UserSocket } from "../../fixtures/demo/app/channels/user-socket.js";

export const SECRET = "test-secret-key-base-0123456789abcdef0123456789abcdef0123456789abcdef";

/** What the proto channel's terminate saw, in order: `topic reason`. */
export const terminated: string[] = [];

export const ProtoChannel = defineChannel<ChatAssigns>({
  join(topic, payload, socket) {
    if (payload.explode) throw new Error("join exploded");
    if (payload.after_join) socket.sendInfo({ kind: "after_join" });
    return ok({ topic });
  },
  intercept: ["filtered"],
  handleOut(event, payload, socket) {
    // Everyone but the name in `except` gets it: user code per subscriber, only for intercepted events.
    if (payload.except !== socket.assigns.name) socket.push(event, payload);
  },
  handleInfo(message, socket) {
    const m = message as { kind?: string };
    if (m.kind === "after_join") socket.push("after_join", { name: socket.assigns.name });
    else socket.push("info", { message: m });
  },
  handleIn(event, payload, socket) {
    switch (event) {
      case "slow":
        return; // never answers: the client's push times out
      case "deferred": {
        const ref = socket.socketRef();
        setImmediate(() => reply(ref, ok({ later: payload.value })));
        return;
      }
      case "async":
        return Promise.resolve().then(() => ok({ async: true }));
      case "reject":
        return Promise.reject(new Error("rejected on purpose"));
      case "filtered":
        socket.broadcast("filtered", payload);
        return ok();
      case "subscribe":
        socket.subscribe(String(payload.topic));
        return ok();
      case "stop":
        return stop("normal", ok({ bye: true }));
      default:
        throw new Error(`unexpected event ${event}`);
    }
  },
  terminate(reason: StopReason, socket) {
    terminated.push(`${socket.topic} ${JSON.stringify(reason, (_k, v) => (v instanceof Error ? v.message : v))}`);
  },
});

/** The demo's socket with the proto channel added in front of the catch-all. */
export const TestSocket = defineSocket<ChatAssigns>({
  channels: { "proto:*": ProtoChannel, "room:*": RoomChannel, "*": RefusedChannel },
  connect: UserSocket.connect,
  id: UserSocket.id,
});

export interface ChatServer {
  endpoint: Endpoint;
  port: number;
  /** ws://127.0.0.1:port/socket */
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function startChat(options: SocketOptions = { websocket: true, longpoll: true }, port = 0): Promise<ChatServer> {
  const logs: string[] = [];
  const endpoint = defineEndpoint({
    router: { match: () => null, dispatch: [] },
    sockets: [socket("/socket", TestSocket, options)],
    config: { secretKeyBase: SECRET, logger: (m, e) => logs.push(e ? `${m}: ${(e as Error).message ?? e}` : m) },
  });
  const started = await endpoint.start({ port, host: "127.0.0.1" });
  return { endpoint, port: started.port, url: `ws://127.0.0.1:${started.port}/socket`, logs, stop: () => endpoint.stop() };
}

export function tokenFor(name: string): string {
  return Token.sign(SECRET, "user socket", name);
}

export type TransportName = "websocket" | "longpoll";

/** The official client, with `ws` as its WebSocket (Node 20 has none) or its LongPoll transport. */
export function client(server: { url: string }, transport: TransportName, options: Partial<SocketConnectOption> = {}): PhoenixSocket {
  const s = new PhoenixSocket(transport === "websocket" ? server.url : server.url.replace(/^ws/, "http"), {
    transport: transport === "websocket" ? (WebSocket as never) : LongPoll,
    // Fast retries keep the suite quick; the protocol under test is the same.
    reconnectAfterMs: () => 10,
    rejoinAfterMs: () => 10,
    timeout: 2000,
    ...options,
  });
  return s;
}

export function connected(s: PhoenixSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = s.onOpen(() => {
      s.off([open, err]);
      resolve();
    });
    const err = s.onError((e: unknown) => {
      s.off([open, err]);
      reject(new Error(`socket error: ${String((e as Error)?.message ?? e)}`));
    });
    s.connect();
  });
}

/** Joins; resolves with the ok reply, rejects with the error reply. */
export function join(channel: PhoenixChannel): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive("ok", resolve)
      .receive("error", (r: unknown) => reject(Object.assign(new Error("join refused"), { response: r })))
      .receive("timeout", () => reject(new Error("join timed out")));
  });
}

/** Pushes; resolves with [status, response] whatever the status (timeout included). */
export function push(channel: PhoenixChannel, event: string, payload: object = {}, timeout?: number): Promise<[string, unknown]> {
  return new Promise((resolve) => {
    channel
      .push(event, payload, timeout)
      .receive("ok", (r: unknown) => resolve(["ok", r]))
      .receive("error", (r: unknown) => resolve(["error", r]))
      .receive("timeout", () => resolve(["timeout", null]));
  });
}

/** The next `event` on the channel. */
export function next(channel: PhoenixChannel, event: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload: Record<string, unknown>) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

/** Resolves when the socket's raw message stream shows `predicate`. */
export function seen(s: PhoenixSocket, predicate: (m: { topic: string; event: string; payload: unknown; ref: string | null }) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const ref = s.onMessage((message: object) => {
      if (!predicate(message as { topic: string; event: string; payload: unknown; ref: string | null })) return;
      s.off([ref]);
      resolve();
    });
  });
}

export function closed(s: PhoenixSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const ref = s.onClose((e: { code: number; reason: string }) => {
      s.off([ref]);
      resolve({ code: e.code, reason: e.reason });
    });
  });
}

export function disconnect(s: PhoenixSocket): Promise<void> {
  return new Promise((resolve) => s.disconnect(() => resolve()));
}
