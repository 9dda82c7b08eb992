// Checks over the expanded route table. Phoenix accepts all of these silently (its issues
// #3261 and #2460 ask for them); we report them at build time, pointing at both lines.
//
// Strict where it helps, never where it blocks: what Phoenix compiles is a warning here (an
// unreachable route is rustc's unreachable match arm: the code is right, the router is probably
// not), and the build still emits code that behaves as Phoenix's would. Only what cannot be
// generated is an error. `fawkes build --strict` (or `strict: true` in fawkes.config.ts) makes
// the warnings fail the build too.

import type { Diagnostic } from "../diagnostics.js";

import type { RouteIR, RouterIR, SegmentIR } from "./ir.js";
import { helperName } from "./_names.js";
import { covers, hostsCover, StaticPrefixIndex, verbCovers } from "./coverage.js";

export function checkRoutes(ir: Pick<RouterIR, "routes" | "calls">): Diagnostic[] {
  return [...checkShadowing(ir.routes), ...checkHelperConflicts(ir), ...checkHelperNameClashes(ir.routes)];
}

/**
 * A later route is a duplicate (same verb, pattern and hosts) or shadowed (every path it matches
 * is taken first). Phoenix compiles both (its clauses are `generated: true`, so not even Elixir's
 * "this clause cannot match" warning shows); first match wins, so the later route is never
 * matched, here as there: the generated matcher simply never returns it.
 */
export function checkShadowing(routes: readonly RouteIR[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const earlier = new CoverIndex();
  for (const b of routes) {
    const a = earlier.firstCovering(b);
    earlier.add(b);
    if (!a) continue;
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
  }
  return out;
}

/** The routes declared so far, each new one compared only with those that can cover it (StaticPrefixIndex). */
class CoverIndex {
  private readonly routes = new StaticPrefixIndex<RouteIR>();

  add(r: RouteIR): void {
    this.routes.add(r);
  }

  /** The earliest route added that takes every request `b` would (verb, hosts and path), if any. */
  firstCovering(b: RouteIR): RouteIR | undefined {
    let best: RouteIR | undefined;
    for (const list of this.routes.along(b.segments)) {
      for (const a of list) {
        if (best && a.index > best.index) break;
        if (verbCovers(a.verb, b.verb) && hostsCover(a.hosts, b.hosts) && covers(a.segments, b.segments)) {
          best = a;
          break;
        }
      }
    }
    return best;
  }
}

/**
 * Phoenix defines one helper clause per (helper, action, arity), from the first route declared
 * (Phoenix.Router.Helpers.define groups a helper's routes by `[arity | action]` and takes the
 * head); a later route of the group with another path is simply not used to build paths. Two
 * routes to one action are normal (`get "/"` and `get "/home"` to PageController.home;
 * `resources "/users"` and `resources "/members", UserController`), so the emitter keeps the
 * first (emit/helpers.ts) and this only warns, once per DSL call that loses: a resources call
 * loses all its actions at once. Different arities are different clauses, in Phoenix and in the
 * typed overloads (`productPath("show", id)` beside `productPath("show", id, sort)`), so they
 * never conflict.
 */
export function checkHelperConflicts(ir: Pick<RouterIR, "routes" | "calls">): Diagnostic[] {
  const calls = new Map(ir.calls.map((c) => [c.index, c]));
  return [...lostClauses(ir.routes)].map(([callIndex, group]) => helperConflict(calls, calls.get(callIndex), group));
}

/** The routes that lose their helper clause to an earlier route with another path, by the call that made them. */
function lostClauses(routes: readonly RouteIR[]): Map<number, { routes: RouteIR[]; firsts: RouteIR[] }> {
  const first = new Map<string, RouteIR>();
  const lost = new Map<number, { routes: RouteIR[]; firsts: RouteIR[] }>();
  for (const r of routes) {
    if (!r.helper || r.action === null) continue;
    const k = `${r.helper}\0${r.action}\0${arity(r)}`;
    const f = first.get(k);
    if (!f) first.set(k, r);
    else if (f.path !== r.path) {
      const group = lost.get(r.callIndex) ?? { routes: [], firsts: [] };
      group.routes.push(r);
      group.firsts.push(f);
      lost.set(r.callIndex, group);
    }
  }
  return lost;
}

type CallIR = RouterIR["calls"][number];

/** The HELPER_CONFLICT warning of one call whose `routes` lost their clauses to `firsts`. */
function helperConflict(calls: ReadonlyMap<number, CallIR>, call: CallIR | undefined, { routes, firsts }: { routes: RouteIR[]; firsts: RouteIR[] }): Diagnostic {
  // `resources("/users", ...)` for a route a resources call made, else `GET /home`.
  const describeCall = (r: RouteIR) => {
    const made = calls.get(r.callIndex);
    return made?.kind === "resources" ? `resources("${made.path}", ...)` : label(r);
  };
  const r = routes[0];
  const name = helperName(r.helper!);
  const subject = describeCall(r);
  const actions = [...new Set(routes.map((x) => x.action!))];
  const firstCalls = [...new Map(firsts.map((f) => [f.callIndex, f])).values()];
  const message =
    actions.length === 1
      ? `${subject} gets no helper${call?.kind === "resources" ? ` for ${actions[0]}` : ""}: ${name}("${actions[0]}"${", _".repeat(arity(r))}) already builds ${firsts[0].path}`
      : `${subject} gets no helper for ${list(actions)}: ${name} already builds them for ${list(firstCalls.map((f) => describeCall(f)))}`;
  const as = suggestAs(call?.path ?? r.path, call?.kind === "resources", r.helper!);
  return {
    code: "HELPER_CONFLICT",
    severity: "warning",
    message,
    loc: r.loc,
    related: firstCalls.map((f) => ({ message: `${name} is first defined by ${describeCall(f)}`, loc: f.loc })),
    hint: `give it a helper of its own with { as: "${as}" }, or write { as: false } if it needs none`,
  };
}

/**
 * Distinct helper names can camelCase to one identifier (`admin_user` and `adminUser` both give
 * `adminUserPath`). Phoenix has two functions (`admin_user_path`, `adminUser_path`); the generated
 * module would declare one identifier twice and fail to load, so this stays an error.
 */
export function checkHelperNameClashes(routes: readonly RouteIR[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map<string, RouteIR>();
  const reported = new Set<string>();
  for (const r of routes) {
    if (!r.helper) continue;
    const name = helperName(r.helper);
    const first = byName.get(name);
    if (!first) {
      byName.set(name, r);
      continue;
    }
    if (first.helper === r.helper || reported.has(r.helper)) continue;
    reported.add(r.helper);
    out.push({
      code: "HELPER_NAME_CLASH",
      severity: "error",
      message: `helper names "${first.helper}" and "${r.helper}" both become ${name}`,
      loc: r.loc,
      related: [{ message: `"${first.helper}" comes from ${label(first)}`, loc: first.loc }],
      hint: `give one of them another name with { as: "..." }`,
    });
  }
  return out;
}

function arity(r: RouteIR): number {
  return r.segments.filter((s) => s.kind !== "static").length;
}

function list(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : items.join("");
}

/**
 * A name for the hint, from the path as written: its last static segment (`/home` → "home"),
 * singular for resources by dropping one "s" (`/members` → "member"). "..." when that gives
 * nothing usable, or the very name that conflicts.
 */
function suggestAs(path: string, resources: boolean, helper: string): string {
  const last = path.split("/").filter((s) => s !== "" && !s.includes(":") && !s.startsWith("*")).pop();
  let as = (last ?? "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (resources && as.length > 1 && as.endsWith("s") && !as.endsWith("ss")) as = as.slice(0, -1);
  const taken = helper === as || helper.endsWith("_" + as);
  return /^[a-z_][a-z0-9_]*$/.test(as) && !taken ? as : "...";
}

function sameHosts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i]);
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


