// How many lines a change of a file touches: lines removed plus lines added, from the longest
// common subsequence of the two versions' lines (what `diff` counts). Hand-written because no
// diff package is installed and the count needs nothing more than LCS: generated files are a
// few hundred lines, so the quadratic table (one row kept) is milliseconds.

/** The lines of `before` and `after` that a line diff reports as removed and as added. */
export function lineChanges(before: string, after: string): { removed: number; added: number } {
  const a = before.split("\n");
  const b = after.split("\n");
  // Common head and tail first: a one-route change leaves most of a file on either side of it.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const lcs = head + tail + lcsLength(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return { removed: a.length - lcs, added: b.length - lcs };
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}
