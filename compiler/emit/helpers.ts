// helpers.gen.ts: typed path and URL helpers, `Routes.userPath("show", 42)` → "/users/42".
//
// Each helper is one function with a `switch` on the action, and an interface of call
// signatures grouped by arity, so a wrong action or a wrong number of path parameters does not
// compile. Static segments are encoded here, at build time; only parameters are encoded per call.
// Phoenix groups routes by (helper, action, arity) and the first route of a group wins: a later
// route of the group is not used to build paths (checkHelperConflicts warns about it).
// A `*Path` helper may take a conn, an endpoint or a URL first, whose path prefix it prepends
// (Phoenix's conn.script_name / endpoint.path/1); a `*Url` helper takes one of those or a base string.
// A mounted router's helpers (`forward("/admin", AdminRouter)`) build paths under the mount:
// "/admin/stats" with no context or an endpoint, and with a conn, under the script name at which
// the conn entered that router or its parent, as Phoenix's sub-router helpers do.

import { encodeSegment } from "../../runtime/router/url.js";
import type { RouteIR, RouterIR, SegmentIR } from "../router/ir.js";
import { camel, helperName, urlHelperName } from "../router/_names.js";
import { Code, str } from "./_code.js";
import { header } from "./header.js";

interface Clause {
  action: string;
  route: RouteIR;
  params: Extract<SegmentIR, { name: string }>[];
}

export function emitHelpers(ir: RouterIR): string {
  const byHelper = helperClauses(ir);
  const c = new Code();
  emitPrelude(c, ir);
  const names: string[] = [];
  const last = emitted.get(ir.source) ?? new Map<string, string>();
  const now = new Map<string, string>();
  emitted.set(ir.source, now);
  for (const [helper, clauses] of byHelper) {
    names.push(helperName(helper), urlHelperName(helper));
    const mounted = ir.mountedAt !== undefined;
    const key = helperKey(helper, clauses, mounted);
    let text = last.get(key);
    if (text === undefined) {
      const h = new Code();
      emitHelper(h, helper, clauses, mounted);
      text = h.toString().slice(0, -1);
    }
    now.set(key, text);
    c.chunk(text);
  }

  c.line();
  c.line("/** Every helper, as `Routes.userPath(...)`. */");
  c.block("export const Routes = {", () => {
    for (const n of names) c.line(`${n},`);
  }, "} as const;");
  return header("helpers.gen.ts", ir.source, `${byHelper.size} helpers: typed path and URL builders.`) + c.toString();
}

// Each helper's text as the last emitHelpers of a router wrote it, by everything it is made of
// (helperKey): a router edit changes a route or two, and the other helpers (~600 in bench:build's
// app, 7% of a router edit's regeneration, issue 10) are not written again. Per router module,
// only its last call's texts are kept.
const emitted = new Map<string, Map<string, string>>();

/**
 * What emitHelper reads, as one string: the helper, whether mounted, and each clause's action and
 * route (verb, path, location, segments). Each field is written with its length first, so no two
 * different inputs give the same key whatever their characters.
 */
function helperKey(base: string, clauses: readonly Clause[], mounted: boolean): string {
  const f = (v: string) => `${v.length}:${v}`;
  let key = f(base) + (mounted ? "m" : "-");
  for (const k of clauses) {
    const r = k.route;
    key += `|${f(k.action)}${f(r.verb)}${f(r.path)}${f(r.loc.file)}${r.loc.line}#${r.segments.length}`;
    for (const s of r.segments) key += s.kind === "static" ? `s${f(s.value)}` : s.kind === "param" ? `p${f(s.prefix)}${f(s.name)}` : `g${f(s.name)}`;
  }
  return key;
}

/** Each helper's clauses, in declaration order: one per (action, arity), from the first route (Phoenix's). */
function helperClauses(ir: RouterIR): Map<string, Clause[]> {
  const byHelper = new Map<string, Clause[]>();
  for (const r of ir.routes) {
    if (!r.helper || r.action === null) continue;
    const params = r.segments.filter((s): s is Clause["params"][number] => s.kind !== "static");
    const list = byHelper.get(r.helper) ?? [];
    if (!list.some((c) => c.action === r.action && c.params.length === params.length)) {
      list.push({ action: r.action, route: r, params });
    }
    byHelper.set(r.helper, list);
  }
  return byHelper;
}

/** The runtime imports, `UrlBase`, and a mounted router's `$MOUNT`. */
function emitPrelude(c: Code, ir: RouterIR): void {
  // The runtime functions are imported under `$` names: helper names cannot contain `$`, so a
  // route named `glob` or `join` (globPath, joinUrl) cannot collide with them.
  const mount = ir.mountedAt;
  c.line("import {");
  c.indent(() => {
    const fns = mount ? ["encodeQuery", "globPath", "isQueryArg", "mountedPath", "mountedUrl", "segment", "unknownAction"] : ["encodeQuery", "globPath", "isQueryArg", "joinUrl", "prefixPath", "segment", "unknownAction"];
    for (const n of fns) c.line(`${n} as $${n},`);
    for (const t of mount ? ["MountInfo", "ParamValue", "PathContext", "Query"] : ["ParamValue", "PathContext", "Query"]) c.line(`type ${t},`);
  });
  c.line('} from "fawkes";');
  c.line();
  c.line("/** Where `*Url` helpers take scheme, host and port: a conn, an endpoint, a URL, or a base string. */");
  c.line("export type UrlBase = PathContext | string;");
  if (mount) {
    // A mounted router's paths live under its forward: with no context they start with the
    // whole prefix; with a conn, under the script name its router (or the parent) was entered at.
    c.line();
    c.line(`/** Where this router is mounted: by ${mount.parent}:${mount.loc.line}, at ${mount.prefix || "/"}. */`);
    c.line(`const $MOUNT: MountInfo = { router: ${str(ir.source)}, parent: ${str(mount.parent)}, forward: ${JSON.stringify(mount.path.split("/").filter(Boolean))}, prefix: ${str(mount.prefix.split("/").map(encodeSegment).join("/"))} };`);
  }
}

function emitHelper(c: Code, base: string, clauses: Clause[], mounted: boolean): void {
  const name = camel(base);
  const Type = name[0].toUpperCase() + name.slice(1);
  const args = Array.from({ length: Math.max(...clauses.map((k) => k.params.length)) + 1 }, (_, i) => `a${i}`);
  c.line();
  emitHelperTypes(c, helperName(base), Type, clauses);
  // One implementation for both helpers; `helper` is the name the caller used, for errors. Its
  // name ends in `$`, which no export (…Path/…Url), type or `$`-prefixed import does.
  const impl = `${name}$`;
  emitHelperImpl(c, impl, helperName(base), clauses, args);
  emitHelperExports(c, { impl, pathName: helperName(base), urlName: urlHelperName(base), Type, args, mounted });
}

/** The `*Path` and `*Url` call signatures: one per (arity, parameter names), actions joined into a union. */
function emitHelperTypes(c: Code, pathName: string, Type: string, clauses: Clause[]): void {
  const groups = new Map<string, Clause[]>();
  for (const k of clauses) {
    const sig = k.params.map((p) => `${p.name}:${p.kind}`).join(",");
    groups.set(sig, [...(groups.get(sig) ?? []), k]);
  }
  const signature = (ks: Clause[], base: string) => {
    const actions = ks.map((k) => str(k.action)).join(" | ");
    const params = ks[0].params.map((p) => `${identifier(p.name)}: ${p.kind === "glob" ? "readonly string[]" : "ParamValue"}`);
    return `(${[base, `action: ${actions}`, ...params, "query?: Query"].filter(Boolean).join(", ")}): string;`;
  };
  c.line(`/** Routes.${pathName}: ${[...new Set(clauses.map((k) => `${k.route.loc.file}:${k.route.loc.line}`))].join(", ")} */`);
  c.block(`export interface ${Type}Path {`, () => {
    for (const ks of groups.values()) c.line(signature(ks, ""));
    for (const ks of groups.values()) c.line(signature(ks, "ctx: PathContext"));
  });
  c.block(`export interface ${Type}Url {`, () => {
    for (const ks of groups.values()) c.line(signature(ks, "base: UrlBase"));
  });
}

/** The shared implementation: a switch over the action, one case per action (identical bodies share one). */
function emitHelperImpl(c: Code, impl: string, pathName: string, clauses: Clause[], args: readonly string[]): void {
  c.block(`function ${impl}(helper: string, action: string, ${args.map((a) => `${a}?: unknown`).join(", ")}): string {`, () => {
    c.block("switch (action) {", () => {
      const byAction = new Map<string, Clause[]>();
      for (const k of clauses) byAction.set(k.action, [...(byAction.get(k.action) ?? []), k]);
      // Actions whose bodies are identical share one case (show/update/delete on /users/:id).
      const bodies = new Map<string, string[]>();
      for (const [action, ks] of byAction) {
        const body = actionBody(pathName, ks);
        bodies.set(body, [...(bodies.get(body) ?? []), action]);
      }
      for (const [body, actions] of bodies) {
        for (const a of actions) {
          const routes = byAction.get(a)!.map((k) => `${k.route.verb} ${k.route.path}  ${k.route.loc.file}:${k.route.loc.line}`);
          c.line(`case ${str(a)}:  // ${routes.join("; ")}`);
        }
        c.indent(() => body.split("\n").forEach((l) => c.line(l)));
      }
      c.line(`default: throw $unknownAction(helper, action, ${JSON.stringify([...byAction.keys()])});`);
    });
  });
}

/** The exported `*Path` (with or without a context first) and `*Url`, over the implementation. */
function emitHelperExports(c: Code, h: { impl: string; pathName: string; urlName: string; Type: string; args: readonly string[]; mounted: boolean }): void {
  const { impl, pathName, urlName, Type, args, mounted } = h;
  const params = args.map((a) => `${a}?: unknown`).join(", ");
  // `*Path` with a context: the action and arguments move one place right. Without one, the
  // only extra work is the typeof check.
  const shifted = [...args.slice(1), `a${args.length}`];
  c.line(`export const ${pathName}: ${Type}Path = (action: string | PathContext, ${params}, a${args.length}?: unknown): string =>`);
  c.indent(() => {
    c.line(`typeof action === "string"`);
    c.indent(() => {
      if (mounted) {
        c.line(`? $MOUNT.prefix + ${impl}(${str(pathName)}, action, ${args.join(", ")})`);
        c.line(`: $mountedPath(action, ${impl}(${str(pathName)}, a0 as string, ${shifted.join(", ")}), $MOUNT, ${str(pathName)});`);
      } else {
        c.line(`? ${impl}(${str(pathName)}, action, ${args.join(", ")})`);
        c.line(`: $prefixPath(action, ${impl}(${str(pathName)}, a0 as string, ${shifted.join(", ")}), ${str(pathName)});`);
      }
    });
  });
  c.line(`export const ${urlName}: ${Type}Url = (base: UrlBase, action: string, ${params}): string =>`);
  c.indent(() => c.line(mounted
    ? `$mountedUrl(base, ${impl}(${str(urlName)}, action, ${args.join(", ")}), $MOUNT);`
    : `$joinUrl(base, ${impl}(${str(urlName)}, action, ${args.join(", ")}));`));
}

/** The statements for one action: one return per arity, highest first when there are several. */
function actionBody(pathName: string, ks: Clause[]): string {
  const sorted = [...ks].sort((a, b) => b.params.length - a.params.length);
  const lines: string[] = [];
  sorted.forEach((k, i) => {
    const ret = `return ${pathExpr(pathName, k)};`;
    const n = k.params.length;
    if (i < sorted.length - 1 && n > 0) lines.push(`if (!$isQueryArg(a${n - 1})) ${ret}`);
    else lines.push(ret);
  });
  return lines.join("\n");
}

function pathExpr(pathName: string, k: Clause): string {
  const parts: string[] = [];
  let text = "";
  let argIndex = 0;
  k.route.segments.forEach((s) => {
    if (s.kind === "static") text += "/" + encodeSegment(s.value);
    else if (s.kind === "param") {
      text += "/" + encodeSegment(s.prefix);
      parts.push(str(text));
      parts.push(`$segment(a${argIndex++} as ParamValue, ${str(`${pathName} :${s.name}`)})`);
      text = "";
    } else {
      if (text) parts.push(str(text));
      parts.push(`$globPath(a${argIndex++} as readonly string[], ${str(`${pathName} *${s.name}`)})`);
      text = "";
    }
  });
  if (text) parts.push(str(text));
  if (parts.length === 0) parts.push(str("/"));
  const q = `a${argIndex}`;
  const drop = k.params.length ? JSON.stringify(k.params.map((p) => p.name)) : "undefined";
  const path = parts.join(" + ");
  // A glob that binds nothing must still leave "/" for the root (`/*path` with []).
  const safe = k.route.segments[0]?.kind === "glob" ? `(${path} || "/")` : path;
  return `${safe} + (${q} === undefined ? "" : $encodeQuery(${q} as Query, ${drop}, helper))`;
}

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval action query base ctx".split(
    " ",
  ),
);

/** A parameter name as a TypeScript parameter: camelCase, never a reserved word. */
function identifier(name: string): string {
  const id = camel(name.replace(/^_+/, "")) || "param";
  return RESERVED.has(id) ? `${id}_` : id;
}
