// Runtime support for generated route helpers: Phoenix.Param conversion, segment and query encoding,
// and URL joining. Encoding follows Phoenix/Plug byte for byte: path segments keep only the unreserved
// set `A-Za-z0-9-._~` (URI.encode(_, &char_unreserved?/1)); query keys and values use
// URI.encode_www_form (same set, space → "+"). Hex digits are uppercase, as in Elixir.

/**
 * Anything a path parameter accepts. Objects with a `toParam()` method win over an `id` property
 * (the equivalent of `@derive {Phoenix.Param, key: ...}` versus the default `:id` key).
 * @example const p: ParamValue = { id: 42 }; // → "42"
 */
export type ParamValue = string | number | bigint | boolean | { toParam(): string } | { id: string | number | bigint };

/**
 * Phoenix.Param.to_param: the string form of a path parameter.
 * @param what names the parameter in error messages, e.g. `"userPath :id"`.
 * @throws TypeError for null, undefined, NaN, ±Infinity and objects with neither `toParam()` nor an `id`.
 * @example toParam(5) === "5"; toParam({ id: 7n }) === "7"; toParam(true) === "true"
 */
export function toParam(value: ParamValue, what?: string): string {
  // Hot path: generated helpers almost always receive strings and numbers.
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return convert(value, what, "a path segment");
}

function convert(value: unknown, what: string | undefined, target: string): string {
  switch (typeof value) {
    case "string": return value;
    case "number":
      if (Number.isFinite(value)) return String(value);
      break;
    case "bigint": return value.toString();
    case "boolean": return value ? "true" : "false";
    case "object": {
      if (value === null) break;
      const custom = (value as { toParam?: unknown }).toParam;
      if (typeof custom === "function") {
        const out: unknown = custom.call(value);
        if (typeof out === "string") return out;
        throw new TypeError(`toParam() returned ${describe(out)} instead of a string${where(target, what)}`);
      }
      const id = (value as { id?: unknown }).id;
      // Phoenix raises on a nil id rather than emitting an empty segment; so do we.
      if (id !== undefined && id !== null) return convert(id, what, target);
    }
  }
  throw new TypeError(`cannot convert ${describe(value)}${where(target, what)}`);
}

const where = (target: string, what?: string) => ` to ${target}${what ? ` for ${what}` : ""}`;

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object" || value === null) return typeof value === "function" ? "a function" : String(value);
  if (Array.isArray(value)) return "an array";
  if ("id" in value) return `an object whose id is ${String((value as { id: unknown }).id)}`;
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
  return `${isPlainObject(value) || typeof name !== "string" ? "an object" : `a ${name}`} without toParam() or id`;
}

// Lookup table for `A-Za-z0-9-._~`: one array read per char keeps the all-unreserved scan cheap.
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) UNRESERVED[c] = /[A-Za-z0-9\-._~]/.test(String.fromCharCode(c)) ? 1 : 0;

function allUnreserved(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || UNRESERVED[c] === 0) return false;
  }
  return true;
}

// encodeURIComponent leaves `!'()*` alone beyond the unreserved set; Phoenix encodes them.
const SUB_DELIMS = /[!'()*]/g;
const hexEscape = (c: string) => "%" + c.charCodeAt(0).toString(16).toUpperCase();

function percentEncode(s: string): string {
  let out: string;
  try {
    out = encodeURIComponent(s); // UTF-8 bytes, uppercase hex
  } catch {
    // URIError is the only failure mode: a lone surrogate has no UTF-8 encoding.
    throw new TypeError(`cannot percent-encode ${JSON.stringify(s)}: it contains a lone UTF-16 surrogate`);
  }
  return out.replace(SUB_DELIMS, hexEscape);
}

/**
 * Percent-encodes a path segment: everything outside `A-Za-z0-9-._~` becomes `%XX` (UTF-8, uppercase).
 * Returns the input itself when nothing needs encoding.
 * @throws TypeError when `s` contains a lone surrogate.
 * @example encodeSegment("a b/c+d") === "a%20b%2Fc%2Bd"
 */
export function encodeSegment(s: string): string {
  return allUnreserved(s) ? s : percentEncode(s);
}

/**
 * `application/x-www-form-urlencoded` encoding (Elixir's URI.encode_www_form): like
 * {@link encodeSegment} but space becomes "+".
 * @example encodeWwwForm("foo bar&baz") === "foo+bar%26baz"
 */
export function encodeWwwForm(s: string): string {
  // "%20" can only come from a space: a literal "%" is itself encoded as "%25".
  return allUnreserved(s) ? s : percentEncode(s).replace(/%20/g, "+");
}

/**
 * A converted and encoded path segment: `encodeSegment(toParam(value, what))`.
 * @example segment("foo bar", "postPath :id") === "foo%20bar"
 */
export function segment(value: ParamValue, what?: string): string {
  // Hot path, without the general conversion: an integer's digits (and "-") never need encoding,
  // and most string ids need none either (measured by `npm run bench:router`, helper line).
  if (typeof value === "number" && Number.isSafeInteger(value)) return "" + value;
  if (typeof value === "string") return allUnreserved(value) ? value : percentEncode(value);
  return encodeSegment(toParam(value, what));
}

/**
 * A glob (`*path`) argument: each string encoded, joined with "/". Like Phoenix, a list is required;
 * a string is rejected rather than guessed at (should "a/b" be one segment or two?).
 * @example globSegments(["docs", "a b"]) === "docs/a%20b"; globSegments([]) === ""
 */
export function globSegments(value: readonly string[] | string, what?: string): string {
  const suffix = what ? ` for ${what}` : "";
  if (!Array.isArray(value)) {
    const hint = typeof value === "string" ? `; split it first, e.g. ${JSON.stringify(value)}.split("/")` : "";
    throw new TypeError(`expected an array of strings${suffix}, got ${describe(value)}${hint}`);
  }
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const part: unknown = value[i];
    if (typeof part !== "string") throw new TypeError(`expected glob segment ${i}${suffix} to be a string, got ${describe(part)}`);
    out += (i === 0 ? "" : "/") + encodeSegment(part);
  }
  return out;
}

/** A query value: scalars, null (→ `k=`), undefined (left out), arrays (`k[]=`) and plain objects (`k[sub]=`). */
export type QueryValue = ParamValue | null | undefined | readonly QueryValue[] | { readonly [k: string]: QueryValue };
/** Query parameters, encoded in insertion order. */
export type Query = { readonly [k: string]: QueryValue };

// Elixir distinguishes maps (nested as `k[sub]=v`) from structs (scalars through to_param); TS cannot.
// Rule: a plain object (prototype Object.prototype or null) is a map, even if it has an `id` key —
// `{ foo: { id: 5 } }` gives `foo[id]=5`, as `%{id: 5}` does in Phoenix. Class instances, and any
// object with a callable `toParam`, are scalars and go through toParam (a Date without one throws).
function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const isMap = (v: object): v is Query => isPlainObject(v) && typeof (v as { toParam?: unknown }).toParam !== "function";

/**
 * Plug.Conn.Query.encode with Phoenix.Param values: `""` or `"?k=v&..."`. Keys listed in `drop` (the
 * route's path parameter names) are left out at the top level, as Phoenix helpers do. Values that are
 * `{}`, `[]` and `undefined` are omitted; `null` gives `k=`. Objects in arrays must have exactly one key.
 * Order is object key order (note JS puts integer-like keys first); Elixir maps would sort.
 * @param what names the caller in error messages, e.g. `"postPath"`.
 * @throws TypeError when `query` is not a plain object (a string would otherwise encode as `0=a&1=b`).
 * @example encodeQuery({ id: 3, tags: ["a b", "c"], f: { x: 1 } }, ["id"]) === "?tags[]=a+b&tags[]=c&f[x]=1"
 */
export function encodeQuery(query: Query | undefined | null, drop?: readonly string[], what?: string): string {
  if (query == null) return "";
  // Phoenix raises "called with invalid params" here: untyped callers passing one path parameter
  // too many land on this argument, and a string or a number must not become a silent query.
  if (typeof query !== "object" || !isMap(query)) {
    throw new TypeError(
      `${what ? `${what}: ` : ""}expected the query parameters as an object such as { page: 5 }, got ${describe(query)}` +
        " (too many path parameters?)",
    );
  }
  const parts: string[] = [];
  for (const key of Object.keys(query)) {
    if (drop !== undefined && drop.includes(key)) continue;
    encodePair(encodeWwwForm(key), query[key], parts);
  }
  return parts.length === 0 ? "" : "?" + parts.join("&");
}

// Appends the `k=v` pairs for one value. Empty `{}`/`[]` values need no special case: they simply
// produce no pairs. (Plug can leave a stray "&" for empties nested in lists, e.g. `[[]]` — the `&&`
// of phoenix#973; collecting pairs and joining avoids that.)
function encodePair(field: string, value: QueryValue, parts: string[]): void {
  if (typeof value === "string") {
    parts.push(field + "=" + encodeWwwForm(value));
  } else if (value === undefined) {
    // JavaScript's "absent": `{ page: opts.page }` without a page adds nothing (JSON does the same).
  } else if (value === null) {
    parts.push(field + "=");
  } else if (Array.isArray(value)) {
    for (const item of value as readonly QueryValue[]) {
      // Plug's rule: each `k[][x]=` pair decodes as a new list entry, so `[{ a: 1, b: 2 }]` would
      // come back as `[{ a: 1 }, { b: 2 }]` and `[{}]` would vanish. Refuse instead of corrupting.
      if (typeof item === "object" && item !== null && isMap(item)) {
        const n = Object.keys(item).length;
        if (n !== 1) throw new TypeError(`cannot encode an object with ${n} keys inside an array for query key ${field}; objects in arrays need exactly one key`);
      }
      encodePair(field + "[]", item, parts);
    }
  } else if (typeof value === "object" && isMap(value)) {
    const map: Query = value; // the guard intersects with ParamValue's object members; widen back
    for (const key of Object.keys(map)) {
      encodePair(`${field}[${encodeWwwForm(key)}]`, map[key], parts);
    }
  } else {
    parts.push(field + "=" + encodeWwwForm(convert(value, `query key ${field}`, "a query value")));
  }
}

/** An endpoint-like base for `*Url` helpers: `url()` is scheme://host[:port], `path()` adds the prefix. */
export interface UrlContext {
  url(): string;
  path?(path: string): string;
}

const stripSlash = (s: string) => (s.endsWith("/") ? s.slice(0, -1) : s);

/**
 * Prefixes a built path with a base URL. A string base loses one trailing "/"; a URL contributes
 * `protocol//host` (default ports already omitted) plus its pathname; a UrlContext (an endpoint)
 * gives `ctx.url()` plus `ctx.path(path)` when it prefixes paths; a conn, as in Phoenix, gives its
 * endpoint's `url()` plus its own script name.
 * @throws TypeError for a conn that no endpoint has handled (it has no `private.endpoint`).
 * @example joinUrl("https://example.com/", "/posts/1") === "https://example.com/posts/1"
 * @example joinUrl(new URL("https://example.com:443/api/"), "/posts") === "https://example.com/api/posts"
 */
export function joinUrl(base: string | PathContext, path: string): string {
  if (typeof base === "string") return stripSlash(base) + path;
  if (base instanceof URL) return `${base.protocol}//${base.host}${stripSlash(base.pathname)}${path}`;
  if ("scriptName" in base) {
    const endpoint = base.private?.endpoint as UrlContext | undefined;
    if (!endpoint) throw new TypeError("this conn has no endpoint to take the URL from (conn.private.endpoint): pass the endpoint or a base URL instead");
    return endpoint.url() + prefixPath(base, path);
  }
  return base.url() + (base.path ? base.path(path) : path);
}

/**
 * What a `*Path` helper may take first, to prefix the path as Phoenix's helpers do: a conn (its
 * `scriptName`, set by `forward`), an endpoint or other {@link UrlContext} (its `path()`, the url
 * config's path prefix), or a URL (its pathname).
 * @example Routes.userPath(conn, "show", 42) // "/admin/users/42" under forward("/admin", ...)
 */
export type PathContext = ConnContext | UrlContext | URL;

/** The part of a conn helpers read: its script name, and for `*Url` helpers `private.endpoint`. */
export interface ConnContext {
  readonly scriptName: readonly string[];
  readonly private?: { readonly [key: string]: unknown };
}

/**
 * Prefixes a built path (query included) with a context's path prefix. A conn's script name is
 * joined with "/" (none: the path unchanged); an endpoint gives `ctx.path(path)`, so `url.path:
 * "/api"` makes "/" into "/api/"; a URL gives its pathname without a trailing "/".
 * @param what names the caller in error messages, e.g. `"userPath"`.
 * @throws TypeError when `ctx` is none of these (only reachable from untyped callers).
 * @example prefixPath({ scriptName: ["admin"] }, "/users/42") === "/admin/users/42"
 */
export function prefixPath(ctx: PathContext, path: string, what?: string): string {
  if (typeof ctx === "object" && ctx !== null) {
    if (ctx instanceof URL) return stripSlash(ctx.pathname) + path;
    if ("scriptName" in ctx && Array.isArray(ctx.scriptName)) {
      return ctx.scriptName.length === 0 ? path : "/" + ctx.scriptName.join("/") + path;
    }
    const endpoint = ctx as UrlContext;
    if (typeof endpoint.url === "function") return endpoint.path ? endpoint.path(path) : path;
  }
  throw new TypeError(
    `${what ? `${what}: ` : ""}expected an action name, or a conn, an endpoint or a URL before it, got ${describe(ctx)}`,
  );
}

/**
 * Where a mounted router's helpers build paths: the router and the one that forwards to it (by
 * source file), the forward's segments in the parent, and the whole prefix from the top router
 * (encoded). Written by the compiler into a mounted router's helpers.gen.ts.
 */
export interface MountInfo {
  readonly router: string;
  readonly parent: string;
  readonly forward: readonly string[];
  readonly prefix: string;
}

/**
 * The script names at which a conn entered each router, by router source (the endpoint records
 * them in `conn.private.routerScripts` when a router matches), as Phoenix keeps `private[Router]`.
 */
export type RouterScripts = { readonly [router: string]: readonly string[] };

/**
 * {@link prefixPath} for a mounted router's helpers. A conn gets, as in Phoenix, the script name at
 * which it entered this router, or else the one at which it entered the parent plus the forward's
 * segments, or else (a conn no router handled) its script name; an endpoint or a URL gets the
 * mount's whole prefix under its own.
 * @example mountedPath(conn, "/stats", { router: "app/admin/router.ts", parent: "app/router.ts", forward: ["admin"], prefix: "/admin" }, "pagePath")
 * // "/admin/stats", from a conn of either router
 */
export function mountedPath(ctx: PathContext, path: string, mount: MountInfo, what?: string): string {
  if (typeof ctx === "object" && ctx !== null && !(ctx instanceof URL) && "scriptName" in ctx && Array.isArray(ctx.scriptName)) {
    const scripts = ctx.private?.routerScripts as RouterScripts | undefined;
    const own = scripts?.[mount.router];
    if (own) return withScript(own, path);
    const parent = scripts?.[mount.parent];
    if (parent) return withScript([...parent, ...mount.forward], path);
    return withScript(ctx.scriptName, path);
  }
  return prefixPath(ctx, mount.prefix + path, what);
}

/** {@link joinUrl} for a mounted router's helpers: the base, then the path under the mount ({@link mountedPath}). */
export function mountedUrl(base: string | PathContext, path: string, mount: MountInfo): string {
  if (typeof base === "string" || base instanceof URL || !("scriptName" in base)) return joinUrl(base, mount.prefix + path);
  const endpoint = base.private?.endpoint as UrlContext | undefined;
  if (!endpoint) throw new TypeError("this conn has no endpoint to take the URL from (conn.private.endpoint): pass the endpoint or a base URL instead");
  return endpoint.url() + mountedPath(base, path, mount);
}

function withScript(script: readonly string[], path: string): string {
  return script.length === 0 ? path : "/" + script.join("/") + path;
}

/**
 * A glob argument as a path suffix: `""` for no segments, else `"/" + globSegments(value)`, so
 * `/files/*path` with `[]` builds `/files`, as Phoenix does.
 * @example globPath(["a", "b c"]) === "/a/b%20c"
 */
export function globPath(value: readonly string[] | string, what?: string): string {
  const s = globSegments(value, what);
  return s === "" && (value as readonly string[]).length === 0 ? "" : "/" + s;
}

/**
 * For helpers whose action has several arities (`productPath("show")` and `productPath("show", id)`):
 * is this argument the optional query rather than a path parameter?
 */
export function isQueryArg(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "object" && isMap(v));
}

/** The error a helper throws for an action it does not have (only reachable from untyped callers). */
export function unknownAction(helper: string, action: unknown, supported: readonly string[]): TypeError {
  return new TypeError(
    `no action ${JSON.stringify(action)} for Routes.${helper}. The following actions are supported: ${supported.join(", ")}`,
  );
}

