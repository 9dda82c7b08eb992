// The reference interpreter: matches a request against the IR by walking the route list in
// declaration order, the way Phoenix's compiled clauses are tried. It is deliberately naive
// (split, decode, compare each route in turn): the generated matcher must agree with it on
// every probe and on random route sets (test/router-parity.test.ts). `fawkes routes --info`
// uses it too.

import type { RouteIR, SegmentIR } from "./ir.js";

export interface InterpretedMatch {
  route: RouteIR;
  params: Record<string, string | string[]>;
  pathInfo: string[] | null;
}

export class MalformedPathError extends Error {}

/** Splits and percent-decodes a request path exactly as Phoenix does (`%XX` only). */
export function segmentsOf(url: string): string[] {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new MalformedPathError(path);
      }
    });
}

export function interpret(routes: readonly RouteIR[], method: string, url: string, host = ""): InterpretedMatch | null {
  const segs = segmentsOf(url);
  for (const verb of method === "HEAD" ? ["HEAD"] : [method]) {
    for (const route of routes) {
      const verbOk = route.verb === "*" || route.verb === verb || (verb === "HEAD" && route.verb === "GET");
      if (!verbOk || !hostOk(route.hosts, host)) continue;
      const bound = bind(route.segments, segs);
      if (!bound) continue;
      const { params, rest } = bound;
      if (route.kind === "forward") return { route, params: {}, pathInfo: rest ?? [] };
      return { route, params, pathInfo: null };
    }
  }
  return null;
}

function hostOk(hosts: readonly string[], host: string): boolean {
  return hosts.length === 0 || hosts.some((h) => (h.endsWith(".") ? host.startsWith(h) : host === h));
}

/**
 * `params[name] = value` as an own property: `__proto__` is a valid parameter name, and plain
 * assignment would set the prototype (or, for a string, do nothing) instead of binding it.
 */
function setParam(params: Record<string, string | string[]>, name: string, value: string | string[]): void {
  Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
}

function bind(pattern: readonly SegmentIR[], segs: readonly string[]) {
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.kind === "glob") {
      const rest = segs.slice(i);
      setParam(params, p.name, rest);
      return { params, rest };
    }
    if (i >= segs.length) return null;
    if (p.kind === "static") {
      if (segs[i] !== p.value) return null;
    } else {
      if (!segs[i].startsWith(p.prefix)) return null;
      setParam(params, p.name, segs[i].slice(p.prefix.length));
    }
  }
  return segs.length === pattern.length ? { params, rest: null } : null;
}
