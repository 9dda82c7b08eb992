// One node's view of a Presence: every meta of every node, by topic → key → phx_ref, and the
// presence_diff each change makes. Changes made in one synchronous burst (a join, a channel
// crash untracking three keys, a state transfer of 1,000 entries, an endpoint stopping) are
// collected per topic and come out as one diff per topic, which is what the official client's
// `Presence.syncDiff` applies: joins first, then leaves, metas matched by `phx_ref`.

/** A meta as clients see it: the app's fields plus `phx_ref` (and `phx_ref_prev` after an update). */
export type StoredMeta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };

export interface ViewEntry {
  /** The node (tracker replica) that owns it. */
  readonly replica: string;
  readonly topic: string;
  readonly key: string;
  readonly meta: StoredMeta;
}

/** `{key: {metas: [...]}}` on a null-prototype object, so a key named `__proto__` is a key. */
export type MetasByKey = Record<string, { metas: StoredMeta[] }>;

export interface RawDiff {
  joins: MetasByKey;
  leaves: MetasByKey;
}

interface PendingDiff {
  joins: Map<string, Map<string, StoredMeta>>;
  leaves: Map<string, Map<string, StoredMeta>>;
}

export class View {
  private readonly topics = new Map<string, Map<string, Map<string, ViewEntry>>>();
  private readonly byRef = new Map<string, ViewEntry>();
  private pending = new Map<string, PendingDiff>();

  get size(): number {
    return this.byRef.size;
  }

  entry(ref: string): ViewEntry | undefined {
    return this.byRef.get(ref);
  }

  add(entry: ViewEntry): void {
    const ref = entry.meta.phx_ref;
    if (this.byRef.has(ref)) return;
    this.byRef.set(ref, entry);
    let keys = this.topics.get(entry.topic);
    if (!keys) this.topics.set(entry.topic, (keys = new Map()));
    let metas = keys.get(entry.key);
    if (!metas) keys.set(entry.key, (metas = new Map()));
    metas.set(ref, entry);
    put(this.diffOf(entry.topic).joins, entry.key, entry.meta);
  }

  remove(ref: string): ViewEntry | undefined {
    const entry = this.byRef.get(ref);
    if (!entry) return undefined;
    this.byRef.delete(ref);
    const keys = this.topics.get(entry.topic)!;
    const metas = keys.get(entry.key)!;
    metas.delete(ref);
    if (metas.size === 0) keys.delete(entry.key);
    if (keys.size === 0) this.topics.delete(entry.topic);
    // A meta that joins and leaves within one burst is no news to anyone: both cancel out.
    const diff = this.diffOf(entry.topic);
    const joined = diff.joins.get(entry.key);
    if (joined?.delete(ref)) {
      if (joined.size === 0) diff.joins.delete(entry.key);
    } else {
      put(diff.leaves, entry.key, entry.meta);
    }
    return entry;
  }

  refs(): string[] {
    return [...this.byRef.keys()];
  }

  /** The refs a replica owns here. */
  refsOf(replica: string): string[] {
    const out: string[] = [];
    for (const [ref, e] of this.byRef) if (e.replica === replica) out.push(ref);
    return out;
  }

  /** Every entry on a topic, in the order this node learnt them (per key: join order). */
  list(topic: string): MetasByKey {
    const out: MetasByKey = Object.create(null);
    for (const [key, metas] of this.topics.get(topic) ?? []) {
      out[key] = { metas: [...metas.values()].map((e) => ({ ...e.meta })) };
    }
    return out;
  }

  /** Entries owned by `replica`, for a state transfer. */
  entriesOf(replica: string): ViewEntry[] {
    const out: ViewEntry[] = [];
    for (const e of this.byRef.values()) if (e.replica === replica) out.push(e);
    return out;
  }

  /** The diffs collected since the last call, one per topic; empty ones are left out. */
  takeDiffs(): Map<string, RawDiff> {
    const pending = this.pending;
    this.pending = new Map();
    const out = new Map<string, RawDiff>();
    for (const [topic, d] of pending) {
      if (d.joins.size === 0 && d.leaves.size === 0) continue;
      out.set(topic, { joins: byKey(d.joins), leaves: byKey(d.leaves) });
    }
    return out;
  }

  get hasPendingDiffs(): boolean {
    return this.pending.size > 0;
  }

  private diffOf(topic: string): PendingDiff {
    let d = this.pending.get(topic);
    if (!d) this.pending.set(topic, (d = { joins: new Map(), leaves: new Map() }));
    return d;
  }
}

function put(map: Map<string, Map<string, StoredMeta>>, key: string, meta: StoredMeta): void {
  let metas = map.get(key);
  if (!metas) map.set(key, (metas = new Map()));
  metas.set(meta.phx_ref, meta);
}

function byKey(map: Map<string, Map<string, StoredMeta>>): MetasByKey {
  const out: MetasByKey = Object.create(null);
  for (const [key, metas] of map) out[key] = { metas: [...metas.values()].map((m) => ({ ...m })) };
  return out;
}
