// `p`, verified paths (Phoenix's ~p): `` p`/users/${user.id}/edit` `` builds the path with the
// helpers' encoding, and `fawkes build`/`check` verify every such literal against the route
// table (compiler/verify). `p.post`, `p.delete`... are the same tag, verified against routes of
// that verb only.
//
// Cost: a tagged template's `strings` array is one frozen object per call site, so each site's
// plan (what every hole is, the literal text already encoded; _path-shape.ts) is worked out on
// its first call and kept in a WeakMap keyed by that array. A call is then one WeakMap lookup
// and the same concatenation a generated helper does; a site with no interpolation returns its
// string as built the first time. Templates skip the lookup: their module hoists each
// literal's plan (`p.site`). `npm run bench:verified`, on this shared 2-core box: a template's
// p at 0.9-1.1x the helper's calls/s, a module's at 0.7-0.85x (the lookup, ~10 ns).
//
// Static files (`` p`/images/logo.png` ``) go through the digest manifest of the endpoint that
// started with `cacheStaticManifest`, as ~p goes through static_path: which paths are static is
// read from the manifest (its top-level folders and files, Phoenix's `statics`).

import { pathShape, PathShapeError, type HoleKind, type PathShape } from "./_path-shape.js";
import { encodeQuery, encodeSegment, encodeWwwForm, globSegments, segment, toParam, type ParamValue, type Query } from "./url.js";

/** What a verified path interpolates: a segment (or, as a whole segment, an array of them), a query object or value. */
export type PathInterpolation = ParamValue | readonly string[] | Query;

/** A verified-path tag: `` p`/users/${id}` ``. */
export type VerifiedPathTag = (strings: TemplateStringsArray, ...values: PathInterpolation[]) => string;

/** `p`, and `p.get`, `p.post`... verified against the routes of one verb. */
export interface VerifiedPath extends VerifiedPathTag {
  get: VerifiedPathTag;
  post: VerifiedPathTag;
  put: VerifiedPathTag;
  patch: VerifiedPathTag;
  delete: VerifiedPathTag;
  options: VerifiedPathTag;
  head: VerifiedPathTag;
  connect: VerifiedPathTag;
  trace: VerifiedPathTag;
  /**
   * For generated code: the tag of one call site, its plan worked out now, so that a call costs
   * no lookup. The templates module hoists one per `p` literal of a template (compiler/verify).
   * @example const site = p.site(["/users/", "/edit"]); site`/users/${id}/edit`
   */
  site(strings: readonly string[]): VerifiedPathTag;
}

interface Plan {
  parts: readonly string[];
  holes: readonly HoleKind[];
  /** One or two segment holes: builds the path from them (before the static manifest). */
  pair: ((a: PathInterpolation | undefined, b?: PathInterpolation) => string) | null;
  /** The first segment when it is literal: a static folder or file if the manifest has it. */
  root: string | null;
  /** No interpolation: the path, and the static generation it was resolved against. */
  constant: string | null;
  value: string;
  generation: number;
}

const plans = new WeakMap<readonly string[], Plan>();
const WHAT = "a verified path";

function planOf(strings: TemplateStringsArray | readonly string[]): Plan {
  let shape: PathShape;
  try {
    shape = pathShape(strings);
  } catch (error) {
    // `fawkes build` reports these at the literal; this is a path it did not see.
    if (error instanceof PathShapeError) error.message = `p\`${strings.join("${…}")}\`: ${error.message}`;
    throw error;
  }
  const first = shape.segments[0];
  const root = first !== undefined && first.length === 1 && first[0] !== null ? first[0] : null;
  const constant = shape.holes.length === 0 ? shape.parts[0] : null;
  const plan: Plan = { parts: shape.parts, holes: shape.holes, pair: pairOf(shape.parts, shape.holes), root, constant, value: "", generation: -1 };
  plans.set(strings, plan);
  return plan;
}

// Paths of one or two segment holes (most of them) get `pair`, the helper's own concatenation
// with the values as parameters: no rest array, no loop, no switch. An array (several
// segments) goes the general way.
function pairOf(parts: readonly string[], holes: readonly HoleKind[]): Plan["pair"] {
  if (holes.length === 0 || holes.length > 2 || !holes.every((h) => h === "segment" || h === "partial")) return null;
  const [s0, s1, s2] = parts;
  if (holes.length === 1) return (a) => (Array.isArray(a) ? build(parts, holes, [a]) : s0 + segment(a as ParamValue, WHAT) + s1);
  return (a, b) => (Array.isArray(a) || Array.isArray(b) ? build(parts, holes, [a, b]) : s0 + segment(a as ParamValue, WHAT) + s1 + segment(b as ParamValue, WHAT) + s2);
}

// The values as parameters, not one rest array: V8 then allocates nothing for the common paths.
function verifiedPath(strings: TemplateStringsArray, a?: PathInterpolation, b?: PathInterpolation, ...more: PathInterpolation[]): string {
  return run(plans.get(strings) ?? planOf(strings), a, b, more);
}

function run(plan: Plan, a: PathInterpolation | undefined, b: PathInterpolation | undefined, more: PathInterpolation[]): string {
  if (plan.pair !== null) {
    const out = plan.pair(a, b);
    return statics !== null && staticRoute(plan) ? viaStatic(out) : out;
  }
  if (plan.constant !== null) {
    if (plan.generation !== generation) {
      plan.value = staticRoute(plan) ? viaStatic(plan.constant) : plan.constant;
      plan.generation = generation;
    }
    return plan.value;
  }
  const out = build(plan.parts, plan.holes, [a, b, ...more]);
  return staticRoute(plan) ? viaStatic(out) : out;
}

function build(parts: readonly string[], holes: readonly HoleKind[], values: readonly (PathInterpolation | undefined)[]): string {
  let out = parts[0];
  for (let i = 0; i < holes.length; i++) {
    const v = values[i];
    switch (holes[i]) {
      case "segment":
        if (Array.isArray(v)) {
          // Several segments, a glob's rest: none builds "/files", not "/files/", as globPath does.
          if (v.length === 0 && out.length > 1) out = out.slice(0, -1);
          else out += globSegments(v, WHAT);
        } else out += segment(v as ParamValue, WHAT);
        break;
      case "partial":
        out += segment(v as ParamValue, WHAT);
        break;
      case "query": {
        const q = encodeQuery(v as Query, undefined, WHAT);
        out += q === "" ? "" : q.slice(1);
        break;
      }
      case "value":
        out += encodeWwwForm(toParam(v as ParamValue, "a verified path's query value"));
        break;
      case "fragment":
        out += encodeSegment(toParam(v as ParamValue, "a verified path's fragment"));
    }
    out += parts[i + 1];
  }
  return holes.includes("query") ? joinQuery(out) : out;
}

/** Drops the empty pairs an empty query object leaves (`?&a=1`, `?`), as Phoenix drops an empty query. */
function joinQuery(path: string): string {
  const q = path.indexOf("?");
  if (q === -1) return path;
  const h = path.indexOf("#", q);
  const end = h === -1 ? path.length : h;
  const pairs = path.slice(q + 1, end).split("&").filter((s) => s !== "").join("&");
  return path.slice(0, q) + (pairs === "" ? "" : "?" + pairs) + path.slice(end);
}

/**
 * `p` (Phoenix's `~p`): a path checked at build time against the route table, encoded at run
 * time as the path helpers encode it. Interpolations are path segments (an array as a whole
 * segment is several), a query object after `?` or `&`, a value after `=`. Prefix it with a
 * conn's script name or an endpoint's path with `prefixPath(conn, p`...`)`.
 *
 * @example
 * p`/users/${user.id}/edit`                  // "/users/42/edit"
 * p`/posts?${{ page: 2, tag: "a b" }}`       // "/posts?page=2&tag=a+b"
 * p`/files/${["docs", "a b.txt"]}#top`       // "/files/docs/a%20b.txt#top"
 * p.delete`/users/${user.id}`                // verified against DELETE routes
 * p`/images/logo.png`                        // "/images/logo-3f2a.png?vsn=d" with a digest manifest
 */
// The verbs are the tag itself (they differ at build time only), so `p.post` costs what `p` does.
export const p: VerifiedPath = Object.assign(verifiedPath, {
  get: verifiedPath,
  post: verifiedPath,
  put: verifiedPath,
  patch: verifiedPath,
  delete: verifiedPath,
  options: verifiedPath,
  head: verifiedPath,
  connect: verifiedPath,
  trace: verifiedPath,
  site(strings: readonly string[]): VerifiedPathTag {
    const plan = planOf(Object.assign([...strings], { raw: [...strings] }));
    // The strings a call passes are the site's own (the rewritten literal): the plan is this one.
    return (_strings, a, b, ...more) => run(plan, a, b, more);
  },
});

// The static side. One endpoint at a time lends its manifest: the one started last with
// `cacheStaticManifest` (Phoenix's ~p is bound to one endpoint the same way, at compile time).
let statics: { owner: object; roots: ReadonlySet<string>; toPath: (path: string) => string } | null = null;
/** Bumped when the manifest changes, so constant sites resolve their path again. */
let generation = 0;

const staticRoute = (plan: Plan) => statics !== null && plan.root !== null && statics.roots.has(plan.root);

/** The static path through the manifest; a query written in the path is kept after the manifest's `?vsn=d`. */
function viaStatic(path: string): string {
  const q = path.indexOf("?");
  if (q === -1) return statics!.toPath(path);
  const h = path.indexOf("#", q);
  const query = path.slice(q + 1, h === -1 ? path.length : h);
  const digested = statics!.toPath(path.slice(0, q) + (h === -1 ? "" : path.slice(h)));
  const hash = digested.indexOf("#");
  const [base, fragment] = hash === -1 ? [digested, ""] : [digested.slice(0, hash), digested.slice(hash)];
  return base + (base.includes("?") ? "&" : "?") + query + fragment;
}

/**
 * Internal (the endpoint calls it when it starts with a manifest): `p` sends paths whose first
 * segment is a top-level entry of `manifest.latest` through `toPath` (the endpoint's staticPath).
 */
export function useStaticManifest(owner: object, manifest: { readonly latest: Readonly<Record<string, string>> }, toPath: (path: string) => string): void {
  const roots = new Set(Object.keys(manifest.latest).map((key) => key.split("/")[0]));
  statics = { owner, roots, toPath };
  generation++;
}

/** Internal: the endpoint that lent its manifest stops; static paths are plain again. */
export function releaseStaticManifest(owner: object): void {
  if (statics?.owner !== owner) return;
  statics = null;
  generation++;
}
