// What both transports do before a connection exists: find the serializer for `vsn`, check the
// origin, build connect_info and run the socket's `connect`. Answers with an HTTP status when
// the client may not connect (403 for a bad vsn, a foreign origin or a refused connect).

import type { IncomingMessage } from "node:http";
import { negotiate, type Serializer } from "../serializer.js";
import { originAllowed } from "../origin.js";
import type { ConnectInfo, SocketHandler } from "../socket.js";
import { parseQuery, type ParsedParams } from "../../http/body/query.js";
import { parseHostHeader } from "../../plug/conn.js";

export type Admission =
  | { ok: true; serializer: Serializer; params: ParsedParams; assigns: Record<string, unknown>; id: string | null }
  | { ok: false; status: number; body: string; reason: string; log?: boolean };

/**
 * check_origin: null when the request's Origin may connect, else why not, with what to change.
 * Phoenix logs these: a production app tried on localhost (or behind a host it does not know)
 * otherwise sees its sockets fail with a bare 403.
 */
export function originRefusal(handler: SocketHandler, req: IncomingMessage): string | null {
  const endpoint = handler.endpoint;
  const check = handler.mount.options.checkOrigin ?? endpoint.config.checkOrigin ?? true;
  const scheme = endpoint.config.https ? "https" : "http";
  const host = endpoint.config.url?.host ?? "localhost";
  if (originAllowed(check, req.headers.origin, host, req.headers.host, scheme)) return null;
  const allowed = check === true ? `the endpoint's url host, ${JSON.stringify(host)}` : check === "conn" ? "the request's host" : `checkOrigin: ${JSON.stringify(check)}`;
  return `origin ${req.headers.origin} is not allowed (checkOrigin): only ${allowed}; set the endpoint's url.host to the host users reach the app at, or list the origins in checkOrigin`;
}

export async function admit(handler: SocketHandler, req: IncomingMessage, transport: "websocket" | "longpoll", authToken: string | undefined): Promise<Admission> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const query = q === -1 ? "" : url.slice(q + 1);
  let params: ParsedParams;
  try {
    params = parseQuery(query);
  } catch (e) {
    return { ok: false, status: 400, body: "", reason: (e as Error).message };
  }
  const vsn = typeof params.vsn === "string" ? params.vsn : undefined;
  const serializer = negotiate(vsn);
  if (!serializer) return { ok: false, status: 403, body: "", reason: `no serializer for vsn ${JSON.stringify(vsn)} (this server speaks 1.0.0 and 2.0.0)` };
  const scheme = handler.endpoint.config.https ? "https" : "http";
  const refusal = originRefusal(handler, req);
  if (refusal !== null) return { ok: false, status: 403, body: "", reason: refusal, log: true };
  const info = connectInfo(handler, req, transport, params, query, scheme);
  if (authToken !== undefined && handler.mount.options.authToken) info.authToken = authToken;
  const outcome = await handler.connect(params, info);
  if (!outcome.ok) return { ok: false, status: outcome.status, body: outcome.body, reason: "connect refused" };
  return { ok: true, serializer, params, assigns: outcome.assigns, id: outcome.id };
}

function connectInfo(handler: SocketHandler, req: IncomingMessage, transport: "websocket" | "longpoll", params: ParsedParams, query: string, scheme: string): ConnectInfo {
  const { host, port } = parseHostHeader(req.headers.host, scheme);
  const path = (req.url ?? "/").split("?")[0];
  const info: ConnectInfo = {
    transport,
    peerData: { address: req.socket.remoteAddress ?? "", port: req.socket.remotePort ?? 0 },
    uri: { scheme, host, port, path, query },
    userAgent: req.headers["user-agent"],
    headers: req.headers,
  };
  const session = handler.session(req.headers, params);
  if (session !== undefined) info.session = session;
  return info;
}
