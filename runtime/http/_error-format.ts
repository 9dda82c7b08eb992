// Which format an error response is rendered in. Phoenix renders errors in the format the
// request's pipeline settled on (`plug :accepts, ["json"]` stores it in the conn) and otherwise
// negotiates the Accept header among the error formats. We do the same, and also answer in the
// pipeline's formats when the error comes before (or instead of) the pipeline, so a JSON API
// answers JSON for every error under its scope, whatever Accept says:
//
//   1. the format the pipeline's acceptsFormats stored (conn.private.format);
//   2. else the formats of the route's acceptsFormats plugs (pipeline, then controller plugs):
//      the route that matched, or, for an error before routing (a malformed body in the
//      endpoint's parsers), the route the request would match;
//   3. else, for a request no route matches (a 404, a wrong method), the pipeline formats of the
//      routes sharing the longest leading run of static segments with the path, when they all
//      agree: `/api/v1/nope` takes the formats of `/api/v1/status` and `/api/v1/items`;
//   4. else JSON for a client that asks for JSON and not HTML, HTML otherwise.
//
// With formats from 2 or 3, the Accept header picks among them, and the first one is the
// fallback (a 406 of a JSON-only pipeline is itself answered in JSON).

import type { DispatchEntry } from "../router/dispatch.js";
import { decodePath } from "../router/match.js";
import type { Conn } from "../plug/conn.js";
import { accepts } from "./body/negotiate.js";
import { acceptsFormats } from "./controller.js";
import type { ControllerModule } from "./_pipeline.js";

/** The endpoint as this module needs it. */
export interface Routed {
  readonly router: { match(method: string, url: string, host?: string): { route: { index: number } } | null; dispatch: readonly DispatchEntry[] };
}

/** The format to render the error of `conn` in: "json", "html" or another format an acceptsFormats lists. */
export function errorFormat(conn: Conn, endpoint: Routed): string {
  const stored = conn.private.format;
  if (typeof stored === "string") return stored;
  const accept = conn.getReqHeader("accept");
  const formats = routeFormats(conn, endpoint) ?? scopeFormats(conn, endpoint);
  if (formats) {
    try {
      return accepts(accept, formats) ?? formats[0];
    } catch {
      return formats[0];
    }
  }
  return accept !== undefined && /json/.test(accept) && !/html/.test(accept) ? "json" : "html";
}

function routeFormats(conn: Conn, endpoint: Routed): readonly string[] | null {
  let index = conn.route?.index;
  if (index === undefined) {
    try {
      index = endpoint.router.match(conn.method, conn.requestPath, conn.host)?.route.index;
    } catch {
      // A path the router refuses (malformed %-encoding): no route, no formats.
    }
  }
  if (index === undefined) return null;
  const entry = endpoint.router.dispatch[index];
  return entry ? (controllerFormats(entry) ?? pipelineFormats(entry)) : null;
}

/** The formats of the last acceptsFormats plug in the route's pipeline. */
function pipelineFormats(entry: DispatchEntry): readonly string[] | null {
  let formats: readonly string[] | null = null;
  for (const spec of entry.pipeline) if (spec.plug === acceptsFormats && isFormats(spec.options)) formats = spec.options;
  return formats;
}

/** The formats of the last acceptsFormats controller plug applying to the action. */
function controllerFormats(entry: DispatchEntry): readonly string[] | null {
  if (entry.action === null) return null;
  let formats: readonly string[] | null = null;
  for (const p of (entry.controller as ControllerModule | null)?.plugs ?? []) {
    if (p.plug !== acceptsFormats || !isFormats(p.options)) continue;
    if ((p.only && !p.only.includes(entry.action)) || (p.except ?? []).includes(entry.action)) continue;
    formats = p.options;
  }
  return formats;
}

function isFormats(v: unknown): v is readonly string[] {
  return Array.isArray(v) && v.length > 0 && v.every((f) => typeof f === "string");
}

/** Rule 3: the pipeline formats of the routes nearest to the path by leading static segments. */
function scopeFormats(conn: Conn, endpoint: Routed): readonly string[] | null {
  let segments: string[];
  try {
    segments = decodePath(conn.requestPath);
  } catch {
    return null;
  }
  let best = 0;
  let found: readonly string[] | null = null;
  let agree = true;
  for (const entry of endpoint.router.dispatch) {
    if (!hostMatches(entry.route.hosts, conn)) continue;
    const n = sharedStatic(entry.route.path, segments);
    if (n === 0 || n < best) continue;
    const formats = pipelineFormats(entry);
    if (n > best) {
      best = n;
      found = formats;
      agree = formats !== null;
    } else if (agree && (formats === null || found === null || formats.join() !== found.join())) agree = false;
  }
  return agree ? found : null;
}

/** How many of the pattern's leading static segments equal the path's. */
function sharedStatic(pattern: string, segments: readonly string[]): number {
  let n = 0;
  for (const part of pattern.split("/")) {
    if (part === "") continue;
    if (part.includes(":") || part.startsWith("*") || segments[n] !== part) break;
    n++;
  }
  return n;
}

function hostMatches(hosts: readonly string[], conn: Conn): boolean {
  if (hosts.length === 0) return true;
  const host = conn.host;
  return hosts.some((h) => (h.endsWith(".") ? host.startsWith(h) : host === h));
}
