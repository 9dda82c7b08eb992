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
