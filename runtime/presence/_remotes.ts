// The other nodes a tracker hears from: the clock it holds for each, and when each was last
// heard from. A node none of whose messages arrived for `downAfter` is reported down, once;
// the caller drops its entries. A timer per node, re-armed (refresh) by every message.

export interface Remote {
  /** The sender's clock as of the last delta or state applied here. */
  clock: number;
  /** When we last asked it for its state (one request per heartbeat interval). */
  askedAt: number;
  lastSeen: number;
  timer: NodeJS.Timeout | null;
  /** Already given one more interval because our own event loop was late. */
  graced: boolean;
}

export interface Timing {
  readonly heartbeatInterval: number;
  readonly downAfter: number;
}

export class Remotes {
  private readonly byId = new Map<string, Remote>();

  constructor(
    private readonly timing: Timing,
    private readonly onDown: (replica: string, silentMs: number) => void,
  ) {}

  get(replica: string): Remote | undefined {
    return this.byId.get(replica);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** A message from `replica`: it is alive; (re)arms its down timer. */
  touch(replica: string): Remote {
    let r = this.byId.get(replica);
    if (!r) this.byId.set(replica, (r = { clock: 0, askedAt: 0, lastSeen: 0, timer: null, graced: false }));
    r.lastSeen = Date.now();
    r.graced = false;
    if (r.timer) r.timer.refresh();
    else r.timer = this.arm(replica, this.timing.downAfter);
    return r;
  }

  delete(replica: string): void {
    const r = this.byId.get(replica);
    if (r?.timer) clearTimeout(r.timer);
    this.byId.delete(replica);
  }

  clear(): void {
    for (const id of this.ids()) this.delete(id);
  }

  private arm(replica: string, ms: number): NodeJS.Timeout {
    // A tracker never keeps the process alive: the endpoint's server does, while it runs.
    return setTimeout(() => this.check(replica), ms).unref();
  }

  private check(replica: string): void {
    const r = this.byId.get(replica);
    if (!r) return;
    const silent = Date.now() - r.lastSeen;
    const late = silent - this.timing.downAfter;
    // Heard from since this timer was set with a shorter delay (the grace below): wait out the rest.
    if (late < 0) {
      r.timer = this.arm(replica, -late);
      return;
    }
    // The timer fired much later than asked: this node's event loop was blocked, and the
    // heartbeats that came meanwhile wait in the socket's buffer behind this timer. One more
    // interval reads them before calling the node down.
    if (late > this.timing.heartbeatInterval / 2 && !r.graced) {
      r.graced = true;
      r.timer = this.arm(replica, this.timing.heartbeatInterval);
      return;
    }
    this.delete(replica);
    this.onDown(replica, silent);
  }
}
