// What the generated matcher returns, and the one piece of request-path work it delegates:
// splitting and percent-decoding a path that is not already clean (the rare case).

// RouteInfo is what a conn carries (conn.route), so it lives with the Conn, below the router.
import type { RouteInfo } from "../plug/conn.js";

export type { RouteInfo };

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
