// Line and column of a position in a source file, as ts-morph's SourceFile.getLineAndColumnAtPos
// gives them (line: 1 + the "\n" before it; column: 1 + the distance from the last "\n" or
// "\r"), but by binary search over offsets computed once per parse. ts-morph's scans the text
// from its start on every call: reading a 1,000-route router asks for ~3,000 locations, and that
// scan was 11% of a router edit's regeneration (issue 10). ts's own line map is not used because
// it also breaks lines at U+2028/U+2029 and a lone "\r", and every diagnostic's column must stay
// what it was.

import type { SourceFile } from "ts-morph";
import type { ts } from "ts-morph";

interface Breaks {
  /** Offsets of each "\n". */
  newlines: number[];
  /** Offsets of each "\n" or "\r" (where a column counts from). */
  breaks: number[];
}

// Keyed by the parse (the compiler node): an edited file is a new one.
const cache = new WeakMap<ts.SourceFile, Breaks>();

function breaksOf(sf: SourceFile): Breaks {
  const node = sf.compilerNode;
  let b = cache.get(node);
  if (!b) {
    const text = node.text;
    b = { newlines: [], breaks: [] };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) b.newlines.push(i);
      if (c === 10 || c === 13) b.breaks.push(i);
    }
    cache.set(node, b);
  }
  return b;
}

/** How many of the sorted `offsets` are below `pos`. */
function countBelow(offsets: number[], pos: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `sf.getLineAndColumnAtPos(pos)`, in logarithmic time. */
export function lineAndColumnAt(sf: SourceFile, pos: number): { line: number; column: number } {
  const { newlines, breaks } = breaksOf(sf);
  const before = countBelow(breaks, pos);
  const lineStart = before === 0 ? 0 : breaks[before - 1]! + 1;
  return { line: countBelow(newlines, pos) + 1, column: pos - lineStart + 1 };
}
