// A verified path against the route table: does some route match every path it can build?
// The path's segments are symbolic (a hole is any value), so this is the reference
// interpreter's walk (router/interpret.ts) with one difference: a hole matches a parameter or
// a glob, never a static segment. Phoenix replaces each interpolation by "1" and matches that
// string, so `p`/users/${id}`` would pass against a lone `/users/1` route; here it does not.
// Verbs as interpret.ts has them: a route for "*" (match, forward) takes any, HEAD takes GET's.
// Hosts are not checked: a path carries none.

import type { RouteIR, SegmentIR } from "../router/ir.js";
import type { ShapeSegment } from "../../runtime/router/_path-shape.js";

/** Routes whose path pattern every value of the holes matches, in declaration order; any verb when `verb` is null. */
export function routesMatching(routes: readonly RouteIR[], segments: readonly ShapeSegment[], verb: string | null): RouteIR[] {
  return routes.filter((r) => verbAccepts(r.verb, verb) && binds(r.segments, segments) && (!r.mount?.ir || mountedMatches(r, segments, verb)));
}

/**
 * A forward to a mounted router takes a path only when one of that router's routes matches the
 * rest (Phoenix asks the sub-router's verified_route?); a forward to a plug takes any.
 */
function mountedMatches(forward: RouteIR, segments: readonly ShapeSegment[], verb: string | null): boolean {
  const rest = segments.slice(forward.segments.length - 1);
  return routesMatching(forward.mount!.ir!.routes, rest, verb).length > 0;
}

function verbAccepts(routeVerb: string, verb: string | null): boolean {
  return verb === null || routeVerb === "*" || routeVerb === verb || (verb === "HEAD" && routeVerb === "GET");
}

function binds(pattern: readonly SegmentIR[], segments: readonly ShapeSegment[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    if (want.kind === "glob") return true; // the rest, none included
    const s = segments[i];
    if (s === undefined) return false;
    if (want.kind === "static") {
      if (s.length !== 1 || s[0] !== want.value) return false;
    } else {
      // `profile-:id`: the literal text before the first hole holds the prefix (Phoenix's "1"
      // in place of a hole would not supply it either).
      const lead = typeof s[0] === "string" ? s[0] : "";
      if (!lead.startsWith(want.prefix)) return false;
    }
  }
  return segments.length === pattern.length;
}

/** A path as `p` writes it: `/users/${…}/edit` (holes as `${…}`). */
export function shapeText(segments: readonly ShapeSegment[]): string {
  return "/" + segments.map((s) => s.map((x) => (x === null ? "${…}" : x)).join("")).join("/");
}

/** A route's pattern as `p` would write it: `/users/${…}/edit`, `/files/${…}` for a glob. */
export function routeAsPath(route: RouteIR): string {
  const segs = route.kind === "forward" ? route.segments.slice(0, -1) : route.segments;
  return "/" + segs.map((s) => (s.kind === "static" ? s.value : s.kind === "param" ? s.prefix + "${…}" : "${…}")).join("/");
}
