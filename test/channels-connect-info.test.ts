// connect_info: peer data, headers, the client's authToken, and the cookie session when the
// params carry its CSRF token (Phoenix's rule against cross-site WebSocket hijacking).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { defineChannel, defineEndpoint, defineSocket, ok, socket, type ConnectInfo, type Endpoint, type SessionOptions } from "fawkes";
import { encodeSession, generateCsrfSecret, maskCsrfToken } from "../runtime/http/crypto/index.js";
import { client, connected, disconnect } from "./support/channels.js";

const secretKeyBase = "connect-info-secret-0123456789abcdef0123456789abcdef0123456789abcdef";
const session: SessionOptions = { key: "_app_key", secretKeyBase, signingSalt: "salt" };
const seen: ConnectInfo[] = [];

const InfoSocket = defineSocket({
  channels: { "x:*": defineChannel({ join: () => ok() }) },
  connect(params, sock, info) {
    seen.push(info);
    sock.assign({ user: params.user });
    return params.refuse === "yes" ? false : true;
  },
});

describe("connect info", () => {
  let endpoint: Endpoint;
  let url: string;
  beforeAll(async () => {
    endpoint = defineEndpoint({
      router: { match: () => null, dispatch: [] },
      sockets: [socket("/socket", InfoSocket, { websocket: true, longpoll: true, authToken: true, session })],
      config: { secretKeyBase, logger: () => undefined },
    });
    const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
    url = `ws://127.0.0.1:${port}/socket`;
  });
  afterAll(() => endpoint.stop());

  it.each(["websocket", "longpoll"] as const)("carries the official client's authToken over %s, with peer data and headers", async (transport) => {
    seen.length = 0;
    const s = client({ url }, transport, { params: { user: "u1" }, authToken: "secret-token-ü" } as never);
    await connected(s);
    await disconnect(s);
    const info = seen.at(-1)!;
    expect(info.transport).toBe(transport);
    expect(info.authToken).toBe("secret-token-ü");
    expect(info.peerData.address).toMatch(/127\.0\.0\.1/);
    expect(info.uri).toMatchObject({ host: "127.0.0.1", path: `/socket/${transport}` });
    expect(info.headers.host).toMatch(/^127\.0\.0\.1:/);
    expect(info.session).toBeNull();
  });

  it("gives the session only with a valid _csrf_token param", async () => {
    const csrf = generateCsrfSecret();
    const cookie = `_app_key=${encodeSession({ _csrf_token: csrf, user_id: 42 }, session)}`;
    const open = (token: string) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${url}/websocket?vsn=2.0.0&_csrf_token=${encodeURIComponent(token)}`, { headers: { cookie } });
        ws.on("open", () => (ws.close(), resolve()));
        ws.on("error", reject);
      });
    seen.length = 0;
    await open(maskCsrfToken(csrf));
    expect(seen[0].session).toMatchObject({ user_id: 42 });
    await open(maskCsrfToken(generateCsrfSecret()));
    expect(seen[1].session).toBeNull();
  });
});
