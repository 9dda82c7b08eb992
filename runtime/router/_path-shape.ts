// The shape of a verified path (`` p`/users/${id}/edit?tab=${tab}#top` ``): what each
// interpolation stands for and how the literal text is encoded. One function, read by both
// sides: the runtime builds a call site's plan from it once (verified.ts), and the compiler
// checks the same shape against the route table (compiler/verify), so the two cannot disagree
// about where the query starts or what a hole means.
//
// The rules are Phoenix's ~p (lib/phoenix/verified_routes.ex):
//   - the path starts with a single "/";
//   - every interpolation follows literal text (`/a/${x}${y}` is refused: where would one end?);
//   - in the path, an interpolation is one segment, or part of one (`/files/v${n}`); a whole
//     segment may also take an array of strings, several segments (a glob's rest);
//   - after "?", an interpolation right after "?" or "&" is an object of parameters (encoded as
//     the helpers encode a query, no key dropped), one right after "=" is a value;
//   - after "#", an interpolation is part of the fragment.
// Literal text keeps what a URL may hold as written (RFC 3986's reserved and unreserved
// characters, and a well-formed %XX escape); anything else is percent-encoded as UTF-8, so
// `p`/café`` is "/caf%C3%A9". Phoenix's URI.encode would also re-encode a "%20" written by hand
// ("%2520", the double encoding of LiveView #2599); a well-formed escape is kept instead.

/** What one interpolation stands for. */
export type HoleKind =
  /** A whole path segment: a param, or an array of strings (several segments). */
  | "segment"
  /** Part of a path segment: `/files/v${n}`, `/posts/${id}-draft`. */
  | "partial"
  /** After "?" or "&": an object of query parameters. */
  | "query"
  /** After "=" in the query: one value, www-form encoded. */
  | "value"
  /** In the fragment. */
  | "fragment";

/** A segment of the path part as the router compares it: decoded literal text, `null` for a hole. */
export type ShapeSegment = readonly (string | null)[];

export interface PathShape {
  /** The literal pieces, encoded: `strings.length` of them. */
  parts: string[];
  /** One per interpolation. */
  holes: HoleKind[];
  /** The path part, split at "/" (empty segments dropped, as the router drops them). */
  segments: ShapeSegment[];
  /** The query as written (without "?"), or null when there is none; holes as `${}`. */
  query: string | null;
  /** The fragment as written (without "#"), or null. */
  fragment: string | null;
}

/** A path written against the rules above; `piece` and `offset` say where (literal piece, character). */
export class PathShapeError extends TypeError {
  override name = "PathShapeError";
  constructor(message: string, readonly piece: number, readonly offset: number) {
    super(message);
  }
}

// RFC 3986 reserved (gen-delims and sub-delims) and unreserved characters: kept as written.
const KEPT = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;

/** Literal text as it goes into the URL: kept characters and %XX escapes as written, the rest encoded. */
export function encodeLiteral(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (KEPT.test(c)) out += c;
    else if (c === "%" && HEX2.test(text.slice(i + 1, i + 3))) out += c;
    else {
      // A surrogate pair is one character to encodeURIComponent; a lone one cannot be encoded.
      const code = text.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      if (code > 0xffff) i++;
      try {
        out += encodeURIComponent(ch).replace(/[!'()*]/g, (s) => "%" + s.charCodeAt(0).toString(16).toUpperCase());
      } catch {
        throw new TypeError(`cannot percent-encode ${JSON.stringify(text)}: it contains a lone UTF-16 surrogate`);
      }
    }
  }
  return out;
}

/**
 * Reads the literal pieces of a verified path (a tagged template's `strings`).
 * @throws PathShapeError when the path breaks one of the rules at the top of this file.
 * @example pathShape(["/users/", "/edit"]).holes // ["segment"]
 */
export function pathShape(strings: readonly (string | undefined)[]): PathShape {
  const first = strings[0];
  if (typeof first !== "string" || !first.startsWith("/") || first.startsWith("//")) {
    const written = typeof first === "string" ? (first === "" ? "an interpolation" : JSON.stringify(first.slice(0, 20))) : "an invalid escape";
    throw new PathShapeError(`a verified path starts with a single "/", not ${written}`, 0, 0);
  }
  let section: "path" | "query" | "fragment" = "path";
  const parts: string[] = [];
  const holes: HoleKind[] = [];
  let pathText = ""; // the path part, holes as \0, for splitting into segments
  let query: string | null = null;
  let fragment: string | null = null;
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i];
    if (typeof text !== "string") throw new PathShapeError("a verified path cannot hold an invalid escape sequence", i, 0);
    if (i > 0 && text === "" && i < strings.length - 1) {
      throw new PathShapeError("two interpolations in a row: put literal text (such as \"/\") between them, so that each has an end", i, 0);
    }
    for (let k = 0; k < text.length; k++) {
      const c = text[k];
      if (section === "path" && c === "?") (section = "query"), (query = "");
      else if (section !== "fragment" && c === "#") (section = "fragment"), (fragment = "");
      else if (section === "path") pathText += c;
      else if (section === "query") query += c;
      else fragment += c;
    }
    parts.push(encodeLiteral(text));
    if (i === strings.length - 1) break;
    const kind = holeKind(section, text, strings[i + 1] ?? "", i);
    holes.push(kind);
    if (section === "path") pathText += "\0";
    else if (section === "query") query += "${}";
    else fragment += "${}";
  }
  const segments = pathText
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.split(/(\0)/).filter((x) => x !== "").map((x) => (x === "\0" ? null : decode(x))));
  return { parts, holes, segments, query, fragment };
}

function holeKind(section: "path" | "query" | "fragment", before: string, after: string, i: number): HoleKind {
  if (section === "fragment") return "fragment";
  const prev = before[before.length - 1];
  if (section === "path") {
    const ends = after === "" || after[0] === "/" || after[0] === "?" || after[0] === "#";
    return prev === "/" && ends ? "segment" : "partial";
  }
  if (prev === "=") return "value";
  if (prev === "?" || prev === "&") {
    if (after !== "" && after[0] !== "&" && after[0] !== "#") {
      throw new PathShapeError("a query object interpolation is followed by \"&\", \"#\" or the end of the path", i + 1, 0);
    }
    return "query";
  }
  throw new PathShapeError(
    "in the query, an interpolation goes right after \"?\" or \"&\" (an object of parameters, such as ${{ page: 2 }}) or after \"=\" (one value)",
    i,
    before.length,
  );
}

/** The router compares decoded segments; literal text with a broken escape stays as written. */
function decode(s: string): string {
  try {
    return decodeURIComponent(encodeLiteral(s));
  } catch {
    return s;
  }
}
