// PubSub: topics and subscribers on this node, the adapters that carry messages between nodes,
// and the fastlane's frame cache. Below channels and the endpoint; imports neither.
export { Broadcast } from "./broadcast.js";
export { FrameCache } from "./frame-cache.js";
export type { FastlaneEncoder } from "./frame-cache.js";
export { PubSub } from "./pubsub.js";
export type { PubSubAdapter, PubSubOptions, Subscriber } from "./pubsub.js";
