// Each `p` literal against the route table and the static folder (Phoenix verifies ~p after
// the router compiles, and warns; here a path no route matches fails the build, at the literal):
//
//   app/controllers/user.ts:12:24: error[VERIFIED_PATH_NO_ROUTE]: no route matches p`/userz/${…}`
//     nearest route: GET /users/:id (app/router.ts:9:5)
//     hint: did you mean p`/users/${…}`? (`fawkes routes` lists every route)
//
// A path whose first segment is an entry of the static folder is a static file (Phoenix's
// `statics`): it must name a file there (with holes: some file must fit), unless a route
// matches it.

import { distance, nearest } from "../_suggest.js";
import type { Diagnostic } from "../diagnostics.js";
import type { RouteIR, SourceLoc } from "../router/ir.js";
import { pathShape, PathShapeError, type PathShape, type ShapeSegment } from "../../runtime/router/_path-shape.js";
import { routeAsPath, routesMatching, shapeText } from "./match.js";
import { VERBS, type PathLiteralIR, type StaticIndexIR } from "./ir.js";

export interface VerifyContext {
  /** The route table; null when there is no router to verify against (or it has errors). */
  routes: readonly RouteIR[] | null;
  statics: StaticIndexIR | null;
}

/** How many routes a "no route matches" error lists. */
const NEAREST = 3;

export function checkPathLiterals(literals: readonly PathLiteralIR[], ctx: VerifyContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const lit of literals) {
    const d = checkOne(lit, ctx);
    if (d) out.push(d);
  }
  return out;
}

function checkOne(lit: PathLiteralIR, ctx: VerifyContext): Diagnostic | null {
  if (lit.unknownVerb !== null) {
    const guess = nearest(lit.unknownVerb, VERBS);
    return error("VERIFIED_PATH_VERB", `p.${lit.unknownVerb} is not a verb`, lit.loc, guess ? `did you mean p.${guess}?` : `p takes ${VERBS.map((v) => `p.${v}`).join(", ")}, or no verb for any`);
  }
  let shape: PathShape;
  try {
    shape = pathShape(lit.strings);
  } catch (e) {
    if (!(e instanceof PathShapeError)) throw e;
    const at = lit.pieceLocs[e.piece] ?? lit.loc;
    return error("VERIFIED_PATH_SYNTAX", `${e.message}: ${lit.text}`, { ...at, column: at.column + e.offset }, "a verified path is p`/literal/${segment}/text?key=${value}&${queryObject}#fragment`");
  }
  const isStatic = ctx.statics !== null && staticRoot(shape.segments, ctx.statics);
  if (isStatic && staticFileFits(shape.segments, ctx.statics!)) return null;
  if (ctx.routes === null) return isStatic ? staticMissing(lit, shape, ctx.statics!) : null;
  if (routesMatching(ctx.routes, shape.segments, lit.verb).length) return null;
  if (isStatic) return staticMissing(lit, shape, ctx.statics!);
  if (lit.verb !== null) {
    const other = routesMatching(ctx.routes, shape.segments, null);
    if (other.length) {
      const verbs = [...new Set(other.map((r) => r.verb))];
      return {
        ...error("VERIFIED_PATH_VERB", `no ${lit.verb} route matches ${lit.text}`, lit.loc, `it is routed for ${verbs.join(", ")}: write p.${verbs[0] === "*" ? "get" : verbs[0].toLowerCase()}\`…\`, or p\`…\` for any verb`),
        related: other.slice(0, NEAREST).map((r) => ({ message: `${r.verb} ${r.path} matches it`, loc: r.loc })),
      };
    }
  }
  return noRoute(lit, shape.segments, ctx.routes, ctx.statics);
}

function noRoute(lit: PathLiteralIR, segments: readonly ShapeSegment[], routes: readonly RouteIR[], statics: StaticIndexIR | null): Diagnostic {
  const written = shapeText(segments);
  // One entry per path pattern (resources give one path several verbs), nearest first.
  const byPath = new Map<string, { route: RouteIR; verbs: string[]; d: number }>();
  for (const r of routes) {
    if (lit.verb !== null && r.verb !== lit.verb && r.verb !== "*") continue;
    const path = routeAsPath(r);
    const entry = byPath.get(path);
    if (entry) entry.verbs.includes(r.verb) || entry.verbs.push(r.verb);
    else byPath.set(path, { route: r, verbs: [r.verb], d: distance(path, written) });
  }
  const closest = [...byPath].sort(([, a], [, b]) => a.d - b.d || a.route.index - b.route.index).slice(0, NEAREST);
  const best = closest[0];
  // Close enough to be a typo: a third of the path, at least two edits.
  const typo = best !== undefined && best[1].d <= Math.max(2, Math.floor(written.length / 3));
  const file = statics !== null && /\.[A-Za-z0-9]+$/.test(written) ? `; a static file's first folder must be in ${statics.dir}` : "";
  const hint = typo ? `did you mean p${lit.verb ? "." + lit.verb.toLowerCase() : ""}\`${best[0]}\`?${file}` : `\`fawkes routes\` lists every route${file}`;
  return {
    ...error("VERIFIED_PATH_NO_ROUTE", `no ${lit.verb ? lit.verb + " " : ""}route matches ${lit.text}`, lit.loc, hint),
    related: closest.map(([, { route, verbs }]) => ({ message: `nearest route: ${verbs.join(", ")} ${route.path}`, loc: route.loc })),
  };
}

/** Is the first segment literal text naming a top-level entry of the static folder? */
function staticRoot(segments: readonly ShapeSegment[], statics: StaticIndexIR): boolean {
  const first = segments[0];
  return first !== undefined && first.length === 1 && first[0] !== null && statics.roots.has(first[0]);
}

/** Some file of the static folder is what the path can name (a hole: one or more characters, a whole-segment hole: folders too). */
function staticFileFits(segments: readonly ShapeSegment[], statics: StaticIndexIR): boolean {
  if (segments.every((s) => s.every((x) => x !== null))) return statics.files.includes(segments.map((s) => s.join("")).join("/"));
  const source = segments.map((s) => (s.length === 1 && s[0] === null ? ".+" : s.map((x) => (x === null ? "[^/]+" : escapeRegExp(x))).join(""))).join("/");
  const re = new RegExp(`^${source}$`);
  return statics.files.some((f) => re.test(f));
}

function staticMissing(lit: PathLiteralIR, shape: PathShape, statics: StaticIndexIR): Diagnostic {
  const path = shape.segments.map((s) => s.map((x) => (x === null ? "${…}" : x)).join("")).join("/");
  const guess = shape.holes.length === 0 ? nearest(path, statics.files, 3) : undefined;
  const hint = guess ? `did you mean p\`/${guess}\`?` : `the static folder is ${statics.dir} (config static.dir); no route matches it either`;
  return error("VERIFIED_PATH_STATIC", `${lit.text}: no file ${path} in ${statics.dir}${shape.holes.length ? " fits it" : ""}`, lit.loc, hint);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function error(code: string, message: string, loc: SourceLoc, hint: string): Diagnostic {
  return { code, severity: "error", message, loc, hint };
}
