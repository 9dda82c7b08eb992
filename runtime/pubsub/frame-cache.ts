// The fastlane's memo: a broadcast delivered to many sockets is encoded once per encoder (a
// channel serializer) per dispatch on this node, and every socket writes the same frame.
// PubSub makes one per dispatch; it never looks inside the frames.

import type { Broadcast } from "./broadcast.js";

/** What turns a broadcast into a frame: a channel serializer (V1, V2). */
export interface FastlaneEncoder<F> {
  fastlane(broadcast: Broadcast): F;
}

/** The frames of one broadcast, encoded at most once per encoder. */
export class FrameCache {
  private encoder: FastlaneEncoder<unknown> | null = null;
  private frame: unknown = null;
  private others: Map<FastlaneEncoder<unknown>, unknown> | null = null;

  constructor(private readonly broadcast: Broadcast) {}

  frameFor<F>(encoder: FastlaneEncoder<F>): F {
    // Nearly every client speaks V2: one slot, a map only when a second encoder shows up.
    if (this.encoder === encoder) return this.frame as F;
    if (this.encoder === null) {
      this.encoder = encoder;
      return (this.frame = encoder.fastlane(this.broadcast));
    }
    this.others ??= new Map();
    if (this.others.has(encoder)) return this.others.get(encoder) as F;
    const f = encoder.fastlane(this.broadcast);
    this.others.set(encoder, f);
    return f;
  }
}
