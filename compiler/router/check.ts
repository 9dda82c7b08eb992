// Checks over the expanded route table. Phoenix accepts all of these silently (its issues
// #3261 and #2460 ask for them); we report them at build time, pointing at both lines.
//
// Strict where it helps, never where it blocks: what Phoenix compiles is a warning here (an
// unreachable route is rustc's unreachable match arm: the code is right, the router is probably
// not), and the build still emits code that behaves as Phoenix's would. Only what cannot be
// generated is an error. `fawkes build --strict` (or `strict: true` in fawkes.config.ts) makes
// the warnings fail the build too.

import type { Diagnostic } from "../diagnostics.js";

import type { RouteIR, SegmentIR } from "./ir.js";
import { camel } from "../emit/_code.js";

export function checkRoutes(routes: readonly RouteIR[]): Diagnostic[] {
  return [...checkShadowing(routes), ...checkHelperConflicts(routes), ...checkHelperNameClashes(routes)];
}

/**
 * A later route is a duplicate (same verb, pattern and hosts) or shadowed (every path it matches
 * is taken first). Phoenix compiles both (its clauses are `generated: true`, so not even Elixir's
 * "this clause cannot match" warning shows); first match wins, so the later route is never
 * matched, here as there: the generated matcher simply never returns it.
 */
export function checkShadowing(routes: readonly RouteIR[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of routes) {
    for (const a of routes) {
      if (a.index >= b.index) break;
      if (!verbCovers(a.verb, b.verb) || !hostsCover(a.hosts, b.hosts) || !covers(a.segments, b.segments)) continue;
      const same = a.verb === b.verb && samePattern(a.segments, b.segments) && sameHosts(a.hosts, b.hosts);
      // Routes from one resources call share a line; PATCH/PUT pairs are never duplicates.
      if (same) {
        out.push({
          code: "DUPLICATE_ROUTE",
          severity: "warning",
          message: `${label(b)} is declared twice`,
          loc: b.loc,
          related: [{ message: `first declared as ${label(a)} -> ${target(a)}`, loc: a.loc }],
          hint: "remove one of them",
        });
      } else {
        out.push({
          code: "ROUTE_SHADOWED",
          severity: "warning",
          message: `${label(b)} is unreachable`,
          loc: b.loc,
          related: [{ message: `it is matched first by ${label(a)}`, loc: a.loc }],
          hint: `declare ${call(b)} before ${call(a)}`,
        });
      }
      break;
    }
  }
  return out;
}

/**
 * Helpers are grouped by (name, action, arity); two routes in one group with different paths
 * would leave the second unreachable through its helper (Phoenix silently keeps the first).
 */
export function checkHelperConflicts(routes: readonly RouteIR[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, RouteIR>();
  for (const r of routes) {
    if (!r.helper || r.action === null) continue;
    const arity = r.segments.filter((s) => s.kind !== "static").length;
    const k = `${r.helper}\0${r.action}\0${arity}`;
    const first = seen.get(k);
    if (!first) {
      seen.set(k, r);
      continue;
    }
    if (first.path === r.path) continue;
    const name = camel(r.helper) + "Path";
    out.push({
      code: "HELPER_CONFLICT",
      severity: "error",
      message: `${name}("${r.action}"${", _".repeat(arity)}) would build both ${first.path} and ${r.path}`,
      loc: r.loc,
      related: [{ message: `${name} is first claimed by ${label(first)}`, loc: first.loc }],
      hint: `give one of them its own helper name with { as: "..." }`,
    });
  }
  return out;
}

/**
 * Distinct helper names can camelCase to one identifier (`admin_user` and `adminUser` both give
 * `adminUserPath`); the generated module would declare it twice and fail to load.
 */
export function checkHelperNameClashes(routes: readonly RouteIR[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map<string, RouteIR>();
  const reported = new Set<string>();
  for (const r of routes) {
    if (!r.helper) continue;
    const name = camel(r.helper) + "Path";
    const first = byName.get(name);
    if (!first) {
      byName.set(name, r);
      continue;
    }
    if (first.helper === r.helper || reported.has(r.helper)) continue;
    reported.add(r.helper);
    out.push({
      code: "HELPER_CONFLICT",
      severity: "error",
      message: `helper names "${first.helper}" and "${r.helper}" both become ${name}`,
      loc: r.loc,
      related: [{ message: `"${first.helper}" comes from ${label(first)}`, loc: first.loc }],
      hint: `give one of them another name with { as: "..." }`,
    });
  }
  return out;
}

/** HEAD requests try HEAD, GET and "*" routes in declaration order, so an earlier GET covers a HEAD. */
function verbCovers(a: string, b: string): boolean {
  return a === "*" || a === b || (a === "GET" && b === "HEAD");
}

function hostsCover(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return false;
  return b.every((hb) => a.some((ha) => (ha.endsWith(".") ? hb.startsWith(ha) : ha === hb)));
}

function sameHosts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i]);
}

/** Does every path matched by pattern `b` also match pattern `a`? */
function covers(a: readonly SegmentIR[], b: readonly SegmentIR[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const sa = a[i];
    if (sa.kind === "glob") return true;
    const sb = b[i];
    if (!sb || sb.kind === "glob") return false;
    if (sa.kind === "static") {
      if (sb.kind !== "static" || sb.value !== sa.value) return false;
    } else if (sa.prefix !== "") {
      const pb = sb.kind === "static" ? sb.value : sb.prefix;
      if (!pb.startsWith(sa.prefix)) return false;
    }
  }
  return a.length === b.length;
}

function samePattern(a: readonly SegmentIR[], b: readonly SegmentIR[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => {
      const t = b[i];
      if (s.kind !== t.kind) return false;
      if (s.kind === "static") return s.value === (t as typeof s).value;
      if (s.kind === "param") return s.prefix === (t as typeof s).prefix;
      return true;
    })
  );
}

function label(r: RouteIR): string {
  return `${r.verb === "*" ? (r.kind === "forward" ? "forward" : "*") : r.verb} ${r.path}${r.hosts.length ? ` (host ${r.hosts.join(", ")})` : ""}`;
}

function target(r: RouteIR): string {
  return r.action ? `${r.target.display}.${r.action}` : r.target.display;
}

function call(r: RouteIR): string {
  const fn = r.kind === "forward" ? "forward" : r.verb === "*" ? "match" : r.verb.toLowerCase();
  return `${fn}("${r.path}", ...)`;
}


