// Query strings and urlencoded bodies → nested params, with `qs` (what Express and Fastify
// use), configured to behave as close to Plug.Conn.Query as qs allows:
//
//   user[name]=a+b      {"user": {"name": "a b"}}   "+" is a space, as in every form post
//   a[]=1&a[]=2         {"a": ["1", "2"]}
//   a=1&a=2             {"a": "2"}                  last wins, as in Plug (qs would combine)
//   a=%ZZ               400                         Plug raises on bad percent-encoding too
//
// Where qs and Plug differ: `a[0]=x` is an array in qs (a map with key "0" in Plug), and an
// index at or over `arrayLimit` (or a `[]` list longer than it) turns the array into an object
// keyed by index, which is qs's guard against `a[999999999]` allocating a huge sparse array.
//
// Prototype pollution: `allowPrototypes: false` drops every key that names an
// Object.prototype property (`__proto__`, `constructor`, `toString`, ...), at any depth.

import qs from "qs";
import { BadRequest } from "./errors.js";

/** A parsed params tree: strings, arrays and nested objects. */
export type ParsedValue = string | ParsedValue[] | ParsedParams;
export interface ParsedParams {
  [key: string]: ParsedValue;
}

export interface QueryOptions {
  /** Deepest bracket nesting accepted (`a[b][c]` is depth 2); deeper → 400. Default 5. */
  depth?: number;
  /** Highest array index kept as an array; past it the array becomes an object. Default 100. */
  arrayLimit?: number;
  /** Most `&`-separated parameters accepted; more → 400. Default 1000. */
  parameterLimit?: number;
}

/**
 * Parses a query string (a leading "?" is allowed) or an urlencoded body into nested params.
 * Throws BadRequest (400) on bad percent-encoding, too many parameters or too deep nesting.
 *
 * @example
 * parseQuery("user[name]=Ann+Lee&tags[]=a&tags[]=b")
 * // { user: { name: "Ann Lee" }, tags: ["a", "b"] }
 */
export function parseQuery(queryString: string, options: QueryOptions = {}): ParsedParams {
  const { depth = 5, arrayLimit = 100, parameterLimit = 1000 } = options;
  const count = countParameters(queryString);
  if (count > parameterLimit) {
    throw new BadRequest(
      "too_many_parameters",
      `too many parameters: got ${count}, the limit is ${parameterLimit} (parameterLimit)`,
    );
  }
  try {
    return qs.parse(queryString, {
      depth,
      arrayLimit,
      // Counted above: qs alone would silently drop the parameters past the limit.
      parameterLimit: Infinity,
      strictDepth: true,
      allowPrototypes: false,
      duplicates: "last",
      ignoreQueryPrefix: true,
      decoder: decodeComponent,
    }) as ParsedParams;
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    if (error instanceof RangeError && /depth/i.test(error.message)) {
      throw new BadRequest(
        "params_too_deep",
        `params nested deeper than the limit of ${depth} (depth): ${firstKeyOver(queryString, depth)}`,
        { cause: error },
      );
    }
    throw error;
  }
}

function countParameters(s: string): number {
  let count = 0;
  let start = s.startsWith("?") ? 1 : 0;
  while (start <= s.length) {
    let end = s.indexOf("&", start);
    if (end === -1) end = s.length;
    if (end > start) count++;
    start = end + 1;
  }
  return count;
}

/** Decodes keys and values as Plug does: "+" is a space, a bad `%` sequence is a 400. */
function decodeComponent(str: string): string {
  const spaced = str.includes("+") ? str.replace(/\+/g, " ") : str;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new BadRequest("malformed_urlencoded", `invalid urlencoded params, got ${JSON.stringify(str)}`);
  }
}

/** The first key of a query string that nests deeper than `depth`, for the error message. */
function firstKeyOver(s: string, depth: number): string {
  for (const part of s.replace(/^\?/, "").split("&")) {
    const key = part.split("=")[0];
    let decoded = key;
    try {
      decoded = decodeURIComponent(key);
    } catch {
      // keep the raw key in the message
    }
    if ((decoded.match(/\[/g)?.length ?? 0) > depth) return JSON.stringify(decoded);
  }
  return "(a key)";
}
