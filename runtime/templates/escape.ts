// HTML escaping for `<%= %>`, byte-identical to Eta's XMLEscape (`& < > " '` →
// `&amp; &lt; &gt; &quot; &#39;`, everything else through String()), but fast: the escaper is
// where template engines lose (eta ≈ a hand-written function using eta's regex escaper, and
// 1.9-2.5x slower than the same function with this one; ../shared/reference/perf-micro.md).
// Hand-written because it is the hot path this project exists for.
//
// Three paths, by what the value is (measured on Node 20, bench/templates/FINDINGS.md):
// - a number: its String() has no special character (digits, `-`, `.`, `e`, `+`, Infinity,
//   NaN), so it is returned as a string without a scan (a table's ids: 1.15x on partials50's rows);
// - a short string (≤ 32 chars: names, emails, urls, ids): one native `search` for the first
//   special character (the common, clean field returns at native speed, 1.5x the JS scan), then
//   a charCodeAt loop from there that appends clean runs (dense fields such as `<b>"x"</b> &`);
// - a longer one: `indexOf` per special character, each cursor moved past only the one just
//   replaced (five native scans in all, and a slice + entity per special): a 10 kB text with 80
//   specials in 3.6 us against 10.5 us for five `replaceAll` passes and ~30 us for the JS loop;
//   a 250-char sentence 5x the loop.

const AMP = 38, LT = 60, GT = 62, QUOT = 34, APOS = 39;
/** Up to this length a search + charCodeAt loop; above, the indexOf cursors (see above). */
const SHORT_MAX = 32;
const SPECIAL = /[&<>"']/;

/**
 * `String(value)` with `& < > " '` replaced by entities, exactly as Eta's default escapeFunction.
 * @example escapeHtml(`<a href="x">Tom & Jerry's</a>`) === "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
 */
export function escapeHtml(value: unknown): string {
  let s: string;
  if (typeof value === "string") s = value;
  else if (typeof value === "number") return "" + value;
  else s = String(value);
  if (s.length > SHORT_MAX) return escapeLong(s);
  const first = s.search(SPECIAL);
  return first === -1 ? s : escapeFrom(s, first);
}

/** The charCodeAt loop, from the first special character at `i`. */
function escapeFrom(s: string, i: number): string {
  let out = "";
  let last = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > GT || (c !== AMP && c !== LT && c !== GT && c !== QUOT && c !== APOS)) continue;
    const entity = c === AMP ? "&amp;" : c === LT ? "&lt;" : c === GT ? "&gt;" : c === QUOT ? "&quot;" : "&#39;";
    out += last === i ? entity : s.slice(last, i) + entity;
    last = i + 1;
  }
  return last === s.length ? out : out + s.slice(last);
}

/**
 * Five cursors, the next `& < > " '` each (`none` past the end once there is no more): the
 * smallest is replaced and only its cursor searched again, from there.
 */
function escapeLong(s: string): string {
  const none = s.length + 1;
  let amp = nextOf(s, "&", 0, none), lt = nextOf(s, "<", 0, none), gt = nextOf(s, ">", 0, none);
  let quot = nextOf(s, '"', 0, none), apos = nextOf(s, "'", 0, none);
  let out = "";
  let last = 0;
  for (;;) {
    let i = amp, entity = "&amp;";
    if (lt < i) (i = lt), (entity = "&lt;");
    if (gt < i) (i = gt), (entity = "&gt;");
    if (quot < i) (i = quot), (entity = "&quot;");
    if (apos < i) (i = apos), (entity = "&#39;");
    if (i === none) break;
    out += last === i ? entity : s.slice(last, i) + entity;
    last = i + 1;
    if (i === amp) amp = nextOf(s, "&", last, none);
    else if (i === lt) lt = nextOf(s, "<", last, none);
    else if (i === gt) gt = nextOf(s, ">", last, none);
    else if (i === quot) quot = nextOf(s, '"', last, none);
    else apos = nextOf(s, "'", last, none);
  }
  return last === 0 ? s : last === s.length ? out : out + s.slice(last);
}

/** The next `ch` in `s` from `from`, or `none`. */
function nextOf(s: string, ch: string, from: number, none: number): number {
  const i = s.indexOf(ch, from);
  return i === -1 ? none : i;
}
