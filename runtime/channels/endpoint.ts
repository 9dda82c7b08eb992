// The endpoint as channels see it. The endpoint (runtime/endpoint/) mounts sockets and so sits
// above channels; channels, sockets and transports take this narrow interface instead of
// importing it, and `socket.endpoint` / `channel.endpoint` give user code exactly this.

import type { PubSub } from "../pubsub/pubsub.js";
import type { Token, TokenResult } from "../http/crypto/index.js";
import type { CheckOrigin } from "./origin.js";

/** The endpoint config a socket reads. */
export interface SocketEndpointConfig {
  readonly logger?: (message: string, error?: unknown) => void;
  readonly checkOrigin?: CheckOrigin;
  readonly url?: { readonly host?: string };
  readonly https?: object;
}

export interface SocketEndpoint {
  readonly config: SocketEndpointConfig;
  readonly pubsub: PubSub;
  /** Sends `event` with `payload` to every client joined to `topic`, on every node. */
  broadcast(topic: string, event: string, payload: object): void;
  /** As `broadcast`, on this node only. */
  localBroadcast(topic: string, event: string, payload: object): void;
  /** Receives what is published on a topic; returns the unsubscribe. */
  subscribe(topic: string, listener: (message: unknown, topic: string) => void): () => void;
  signToken(salt: string, data: unknown, options?: Parameters<typeof Token.sign>[3]): string;
  verifyToken<T = unknown>(salt: string, token: string | null | undefined, options?: Parameters<typeof Token.verify>[3]): TokenResult<T>;
  /** `scheme://host[:port]` from the url config. */
  url(): string;
  /** A path under the url config's path prefix. */
  path(path: string): string;
  /** Runs `hook` when the endpoint stops (after its sockets closed, before its PubSub stops); returns the removal. */
  onStop?(hook: () => void): () => void;
}
