// What the generated matcher returns, and the one piece of request-path work it delegates:
// splitting and percent-decoding a path that is not already clean (the rare case).

/** A route as generated code describes it (`routes.gen.ts`), for dispatch and introspection. */
export interface RouteInfo {
  /** Position in declaration order. */
  readonly index: number;
  readonly kind: "match" | "forward";
  /** Upper-case verb, or "*" (match "*", forward). */
  readonly verb: string;
  /** The pattern, e.g. `/users/:user_id/posts/:id`. */
  readonly path: string;
  /** Helper name (`userPostPath`), or null. */
  readonly helper: string | null;
  /** Controller (or forward target) as written in the router: `UserController`. */
  readonly controller: string;
  /** Action name, or null for a forward. */
  readonly action: string | null;
  readonly pipeThrough: readonly string[];
  /** Hosts the route answers for; empty means any. */
  readonly hosts: readonly string[];
  /** Where the route was declared: `app/router.ts:12:3`. */
  readonly source: string;
}

export interface RouteMatch {
  readonly route: RouteInfo;
  /** Percent-decoded path parameters; a glob binds an array of segments. */
  readonly params: Readonly<Record<string, string | readonly string[]>>;
  /** For a forward: the segments after the prefix (the target's path info); else null. */
  readonly pathInfo: readonly string[] | null;
}

/** A path segment that is not valid percent-encoding (answer 400, as Plug does). */
export class MalformedURIError extends Error {
  override name = "MalformedURIError";
  readonly status = 400;
  constructor(readonly path: string) {
    super(`malformed URI path: ${JSON.stringify(path)}`);
  }
}

/**
 * Splits a path on "/", drops empty segments (leading, trailing, doubled slashes) and
 * percent-decodes each segment (`%XX` only: "+" stays "+"; "%2F" becomes "/" inside its
 * segment). Invalid `%` sequences, and bytes that are not UTF-8, throw MalformedURIError.
 *
 * @example decodePath("/users/a%2Fb//x/") // ["users", "a/b", "x"]
 */
export function decodePath(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  const n = path.length;
  while (start <= n) {
    let end = path.indexOf("/", start);
    if (end === -1) end = n;
    if (end > start) {
      const raw = path.slice(start, end);
      if (raw.indexOf("%") === -1) out.push(raw);
      else {
        try {
          out.push(decodeURIComponent(raw));
        } catch {
          throw new MalformedURIError(path);
        }
      }
    }
    start = end + 1;
  }
  return out;
}
