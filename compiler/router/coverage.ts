// Which routes take the requests of which: decided from the IR alone, for the checks
// (check.ts: a route no request can reach) and the matcher emitter (a static route answered
// before the walk only when no earlier route takes its path). The reference interpreter is the
// oracle the generated matcher is tested against, so neither of these asks it.

import type { SegmentIR } from "./ir.js";

/** HEAD requests try HEAD, GET and "*" routes in declaration order, so an earlier GET covers a HEAD. */
export function verbCovers(a: string, b: string): boolean {
  return a === "*" || a === b || (a === "GET" && b === "HEAD");
}

export function hostsCover(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return false;
  return b.every((hb) => a.some((ha) => (ha.endsWith(".") ? hb.startsWith(ha) : ha === hb)));
}

/** Does every path matched by pattern `b` also match pattern `a`? */
export function covers(a: readonly SegmentIR[], b: readonly SegmentIR[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const sa = a[i];
    if (sa.kind === "glob") return true;
    const sb = b[i];
    if (!sb || sb.kind === "glob") return false;
    if (sa.kind === "static") {
      if (sb.kind !== "static" || sb.value !== sa.value) return false;
    } else if (sa.prefix !== "") {
      const pb = sb.kind === "static" ? sb.value : sb.prefix;
      if (!pb.startsWith(sa.prefix)) return false;
    }
  }
  return a.length === b.length;
}

/**
 * Items (routes) by their leading static segments, a trie: the only items whose patterns can
 * cover a pattern are those of the nodes along its own static prefix (an item whose static
 * prefix leaves it cannot match its paths). Comparing every earlier pair was ~500,000 `covers`
 * calls for bench:build's 1,000 routes on every router edit (issue 10).
 */
export class StaticPrefixIndex<T extends { segments: readonly SegmentIR[] }> {
  private readonly root: PrefixNode<T> = { items: [], next: new Map() };

  add(item: T): void {
    let node = this.root;
    for (const seg of item.segments) {
      if (seg.kind !== "static") break;
      let child = node.next.get(seg.value);
      if (!child) node.next.set(seg.value, (child = { items: [], next: new Map() }));
      node = child;
    }
    node.items.push(item);
  }

  /** The items that may cover `segments`: one list per node along its static prefix, each in the order added. */
  along(segments: readonly SegmentIR[]): T[][] {
    const lists: T[][] = [];
    let node: PrefixNode<T> | undefined = this.root;
    for (let depth = 0; node; depth++) {
      if (node.items.length) lists.push(node.items);
      const seg = segments[depth];
      node = seg?.kind === "static" ? node.next.get(seg.value) : undefined;
    }
    return lists;
  }
}

interface PrefixNode<T> {
  /** Items whose static segments end here (the next is a parameter, a glob, or none). */
  items: T[];
  next: Map<string, PrefixNode<T>>;
}
