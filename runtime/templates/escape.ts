// HTML escaping for `<%= %>`, byte-identical to Eta's XMLEscape (`& < > " '` →
// `&amp; &lt; &gt; &quot; &#39;`, everything else through String()), but fast: the escaper is
// where template engines lose (eta ≈ a hand-written function using eta's regex escaper, and
// 1.9-2.5x slower than the same function with this one; ../shared/reference/perf-micro.md).
// Hand-written because it is the hot path this project exists for.

const AMP = 38, LT = 60, GT = 62, QUOT = 34, APOS = 39;
/** Up to this length a charCodeAt loop beats native passes (short fields); above, replaceAll wins. */
const LOOP_MAX = 256;

/**
 * `String(value)` with `& < > " '` replaced by entities, exactly as Eta's default escapeFunction.
 * @example escapeHtml(`<a href="x">Tom & Jerry's</a>`) === "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
 */
export function escapeHtml(value: unknown): string {
  const s = typeof value === "string" ? value : String(value);
  if (s.length > LOOP_MAX) return escapeLong(s);
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > GT || (c !== AMP && c !== LT && c !== GT && c !== QUOT && c !== APOS)) continue;
    const entity = c === AMP ? "&amp;" : c === LT ? "&lt;" : c === GT ? "&gt;" : c === QUOT ? "&quot;" : "&#39;";
    out += last === i ? entity : s.slice(last, i) + entity;
    last = i + 1;
  }
  return last === 0 ? s : last === s.length ? out : out + s.slice(last);
}

const SPECIAL = /[&<>"']/;

function escapeLong(s: string): string {
  if (!SPECIAL.test(s)) return s;
  // "&" first, so the entities added by the later passes are not escaped again.
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}
