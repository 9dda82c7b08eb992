// Output check before timing: every engine's HTML must equal the hand-written one once the
// differences that do not change what a browser shows are taken out:
//  - whitespace: engines differ in indentation and newlines (pug emits none, svelte collapses
//    runs), so whitespace runs become one space and whitespace next to a tag goes;
//  - void elements' self-closing slash: svelte writes <input ... />, the same element as <input ...>;
//  - attribute order and boolean attributes' empty value: pug writes class first, svelte writes
//    required="": the same element (attributes are sorted by name, `name=""` of a boolean
//    attribute becomes `name`);
//  - comments: svelte's hydration markers (<!--[-->, <!--]-->);
//  - entity spelling: &#39; / &#x27; / &apos;, &#34; / &quot;, &#38; / &amp;, doT's &#47;,
//    handlebars' &#x3D; &#x60;... all become one spelling;
//  - characters that are safe unescaped where they stand: > ' / = ` anywhere, and " in text
//    (pug does not escape ', svelte escapes only & < in text). & and < must always be escaped,
//    and " inside a tag (attribute values are double-quoted): those stay entities, so an engine
//    that leaves them raw fails the check.

const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const KEEP = { "&": "&amp;", "<": "&lt;" }; // must stay escaped everywhere

/** Every entity spelling of a char, decoded; & and < re-escaped, " marked for the next step. */
function decode(html) {
  return html.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, body) => {
    const ch = body[0] !== "#" ? NAMED[body.toLowerCase()]
      : String.fromCodePoint(body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : Number(body.slice(1)));
    if (ch === undefined) return m;
    return KEEP[ch] ?? (ch === '"' ? "\u0000" : ch);
  });
}

// A tag: `<name ...>` or `</name>`; attribute values in double quotes may hold a raw `>`.
const TAG_SRC = String.raw`<\/?[a-zA-Z][^>"]*(?:"[^"]*"[^>"]*)*>`;
const TAG = new RegExp(TAG_SRC, "g");
const VOID_SLASH = /^<(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b[\s\S]*\/>$/i;
const AROUND_TAG = new RegExp(String.raw`\s*(${TAG_SRC})\s*`, "g");

export function normalize(html) {
  const text = decode(html.replace(/<!--[\s\S]*?-->/g, ""))
    .replace(/\s+/g, " ")
    .replace(AROUND_TAG, "$1")
    .trim();
  // An escaped quote (\0) is kept as &quot; inside tags, where a raw one would end the value.
  let out = "";
  let last = 0;
  for (const m of text.matchAll(TAG)) {
    const tag = sortAttributes(VOID_SLASH.test(m[0]) ? m[0].replace(/\s*\/>$/, ">") : m[0]);
    out += text.slice(last, m.index).replaceAll("\u0000", '"') + tag.replaceAll("\u0000", "&quot;");
    last = m.index + m[0].length;
  }
  return out + text.slice(last).replaceAll("\u0000", '"');
}

const ATTR = /\s+([^\s="'>\/]+)(?:="([^"]*)")?/g;
const BOOLEAN = new Set(["required", "selected", "checked", "disabled", "multiple", "readonly", "hidden", "autofocus"]);

/** `<name b="1" a>` -> `<name a b="1">`; a closing tag, or one without attributes, as it is. */
function sortAttributes(tag) {
  const open = /^<([a-zA-Z][^\s>\/]*)([\s\S]*?)(\/?)>$/.exec(tag);
  if (!open || !open[2].trim()) return tag;
  const attrs = [...open[2].matchAll(ATTR)].map(([, name, value]) =>
    value === undefined || (value === "" && BOOLEAN.has(name.toLowerCase())) ? name : `${name}="${value}"`);
  return `<${open[1]} ${attrs.sort().join(" ")}${open[3]}>`;
}

/** Where two normalised outputs first differ, as a short excerpt for the `#` line. */
export function firstDifference(got, want) {
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  const cut = (s) => JSON.stringify(s.slice(Math.max(0, i - 30), i + 30));
  return `at char ${i}: got ${cut(got)}, expected ${cut(want)}`;
}
