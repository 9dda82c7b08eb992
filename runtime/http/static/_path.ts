// Request path → file under the static root, or undefined when it must not be served.
// Two independent guards, because a traversal bug in either one alone must not expose a file:
//   1. every percent-decoded segment is checked (Plug.Static's invalid_path?): no ".", "..",
//      and no "/", "\", ":" (a Windows drive) or NUL inside a segment, so "%2e%2e", "..%2f",
//      "a\..\b" and "%00" are all refused before touching the file system;
//   2. the joined path is resolved and must still lie inside the resolved root.

import { resolve, sep } from "node:path";
import { decodePath } from "../../router/match.js";

const FORBIDDEN_IN_SEGMENT = /[/\\:\0]/;

export interface StaticTarget {
  /** Absolute path of the file. */
  file: string;
  /** Path below the root with "/" separators: `assets/app.css`. */
  relative: string;
}

/**
 * @param url the request target (`/assets/app.css?vsn=d`); absolute-form is accepted
 * @param at the URL prefix the root is mounted at (`/`, `/static`)
 */
export function resolveStaticPath(
  root: string,
  at: string,
  url: string,
  options: { dotfiles?: boolean } = {},
): StaticTarget | undefined {
  const pathname = pathOf(url);
  if (pathname === undefined) return undefined;
  let segments: string[];
  let prefix: string[];
  try {
    segments = decodePath(pathname);
    prefix = decodePath(at);
  } catch {
    return undefined; // malformed percent-encoding: the router answers 400
  }
  if (segments.length <= prefix.length) return undefined;
  for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) return undefined;
  const rest = segments.slice(prefix.length);
  for (const segment of rest) {
    if (segment === "." || segment === ".." || FORBIDDEN_IN_SEGMENT.test(segment)) return undefined;
    if (segment.startsWith(".") && !options.dotfiles) return undefined;
  }
  const base = resolve(root);
  const file = resolve(base, ...rest);
  if (!file.startsWith(base.endsWith(sep) ? base : base + sep)) return undefined;
  return { file, relative: rest.join("/") };
}

/** The path of a request target, without its query; undefined for `*` and unparsable targets. */
function pathOf(url: string): string | undefined {
  let path = url;
  if (!path.startsWith("/")) {
    // Absolute-form, as sent to a proxy. Cut the authority off by hand: `new URL()` would
    // resolve "/../" and "%2e%2e" away and hide the traversal attempt from the checks above.
    const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
    if (authority === null) return undefined;
    path = path.slice(authority[0].length) || "/";
  }
  const q = path.search(/[?#]/);
  return q === -1 ? path : path.slice(0, q);
}

/** The query string of a request target, without "?". */
export function queryOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? "" : url.slice(q + 1);
}
