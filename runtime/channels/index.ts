// Channels: sockets, channels, the wire protocol's serializers and PubSub.
export { defineChannel, reply, ChannelSocket } from "./channel.js";
export type { Assigns, Channel, ChannelDefinition, HandleInClause, HandleInClauses, InResult, SocketRef } from "./channel.js";
export { defineSocket, socket, Socket } from "./socket.js";
export type { ConnectInfo, LongPollOptions, SocketDefinition, SocketMount, SocketOptions, UserSocket, WebSocketOptions } from "./socket.js";
export { Broadcast, error, ok, stop } from "./message.js";
export type { Message, Payload, Reply, ReplyStatus, Stop, StopReason } from "./message.js";
export { PubSub, FrameCache } from "../pubsub/index.js";
export type { PubSubAdapter, PubSubOptions, Subscriber } from "../pubsub/index.js";
export { FrameError, negotiate, V1, V2 } from "./serializer.js";
export type { Frame, Serializer } from "./serializer.js";
export type { CheckOrigin } from "./origin.js";
