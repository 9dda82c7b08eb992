// Presence: who is on a topic, on every node (Phoenix.Presence over a tracker that replicates
// through PubSub). Above pubsub/ and channels/; nothing below imports it.
export { definePresence, Presence, PresenceNode } from "./presence.js";
export type { Meta, PresenceDiff, PresenceHost, PresenceMeta, PresenceNodeOptions, PresenceOptions, Presences, TrackResult } from "./presence.js";
