// `fawkes routes`: the table as `mix phx.routes` prints it (helper right-aligned, verb, path,
// controller action, then the endpoint's socket lines), JSON for tools, and `--info` for one
// request.

import { interpret, MalformedPathError } from "../router/interpret.js";
import type { RouteIR, RouterIR } from "../router/ir.js";
import { helperName } from "../router/_names.js";
import type { SocketRouteIR } from "../router/sockets.js";
import { encodeSegment } from "../../runtime/router/url.js";

/** A route as listed: a mounted router's routes follow its forward, under the forward's path. */
interface Listed {
  route: RouteIR;
  /** The path as the app serves it (a mounted route's under its prefix). */
  path: string;
  hosts: readonly string[];
  /** The router module that declares the route. */
  router: string;
}

/** Every route of `ir` in match order, each mounted router's right after the forward that mounts it. */
export function listRoutes(ir: Pick<RouterIR, "routes" | "source">, prefix = "", hosts: readonly string[] = []): Listed[] {
  const out: Listed[] = [];
  for (const r of ir.routes) {
    const path = prefix + (prefix && r.path === "/" ? "" : r.path) || "/";
    const own = r.hosts.length ? r.hosts : hosts;
    out.push({ route: r, path, hosts: own, router: ir.source });
    if (r.mount?.ir) out.push(...listRoutes(r.mount.ir, path === "/" ? "" : path, own));
  }
  return out;
}

/** The routes, then each socket transport on a line per verb (as phx.routes: no helper, the socket's module). */
export function formatRoutes(ir: Pick<RouterIR, "routes" | "source">, sockets: readonly SocketRouteIR[] = []): string {
  const rows = listRoutes(ir).map(({ route: r, path, hosts }) => [
    r.helper ? helperName(r.helper) : "",
    r.kind === "forward" ? "*" : r.verb,
    path + (hosts.length ? `  (host: ${hosts.join(", ")})` : ""),
    (r.action === null ? r.target.display : `${r.target.display}.${r.action}`) + (r.mount ? `  (mounts ${r.mount.router})` : ""),
  ]);
  for (const s of sockets) for (const verb of s.verbs) rows.push(["", verb, s.path, s.socket]);
  const w = [0, 1, 2].map((i) => Math.max(0, ...rows.map((row) => row[i].length)));
  return rows.map((row) => `  ${row[0].padStart(w[0])}  ${row[1].padEnd(w[1])}  ${row[2].padEnd(w[2])}  ${row[3]}`.trimEnd() + "\n").join("");
}

export function routesJson(ir: Pick<RouterIR, "routes" | "source">, sockets: readonly SocketRouteIR[] = []): string {
  const out: object[] = listRoutes(ir).map(({ route: r, path, hosts, router }) => ({
    helper: r.helper ? helperName(r.helper) : null,
    verb: r.verb,
    path,
    kind: r.kind,
    controller: r.target.display,
    module: moduleOf(r),
    view: r.view,
    action: r.action,
    pipeThrough: r.pipeThrough,
    hosts,
    router,
    ...(r.mount ? { mounts: r.mount.router } : {}),
    source: `${r.loc.file}:${r.loc.line}:${r.loc.column}`,
  }));
  for (const s of sockets) {
    for (const verb of s.verbs) {
      out.push({
        helper: null,
        verb,
        path: s.path,
        kind: "socket",
        controller: s.socket,
        module: s.module,
        view: null,
        action: null,
        pipeThrough: [],
        hosts: [],
        router: null,
        transport: s.transport,
        endpoint: s.loc.file,
        source: `${s.loc.file}:${s.loc.line}:${s.loc.column}`,
      });
    }
  }
  return JSON.stringify(out, null, 2) + "\n";
}

export function formatRouteInfo(ir: Pick<RouterIR, "routes" | "source">, method: string, url: string, host = "", sockets: readonly SocketRouteIR[] = []): { found: boolean; text: string } {
  // The endpoint answers its socket paths before the router does (a websocket upgrade, a longpoll request).
  const q = url.indexOf("?");
  const socket = sockets.find((s) => s.path === (q === -1 ? url : url.slice(0, q)) && s.verbs.includes(method.toUpperCase()));
  if (socket) {
    const lines = [
      `Socket: ${socket.socket}${socket.module ? ` (${socket.module})` : ""}`,
      `Transport: ${socket.transport} (${socket.verbs.join(", ")} ${socket.path}, served by the endpoint before the router)`,
      `${socket.loc.file}:${socket.loc.line}:${socket.loc.column}`,
    ];
    return { found: true, text: lines.join("\n") + "\n" };
  }
  let m;
  let routes = ir.routes;
  let target = url;
  const through: string[] = [];
  try {
    // Through each mounted router, with the path info the forward leaves.
    for (;;) {
      m = interpret(routes, method.toUpperCase(), target, host);
      const mounted = m?.route.mount?.ir;
      if (!m || !mounted) break;
      through.push(`${m.route.path} → ${mounted.source}`);
      const q = target.indexOf("?");
      target = "/" + (m.pathInfo ?? []).map(encodeSegment).join("/") + (q === -1 ? "" : target.slice(q));
      routes = mounted.routes;
    }
  } catch (e) {
    if (e instanceof MalformedPathError) return { found: false, text: `malformed path ${url}: the runtime answers 400\n` };
    throw e;
  }
  if (!m) return { found: false, text: `no route matches ${method.toUpperCase()} ${url}${through.length ? ` (in the router mounted at ${through.join(", ")})` : ""}\n` };
  const r = m.route;
  const lines = [
    `Module: ${r.target.display} (${moduleOf(r)})`,
    r.action === null ? `Forward: path info ${JSON.stringify(m.pathInfo)}` : `Function: ${r.action}`,
    ...(r.view === null ? [] : [`View: ${r.view}`]),
    `Route: ${r.verb === "*" ? "*" : r.verb} ${r.path}`,
    ...(through.length ? [`Mounted: ${through.join(", ")}`] : []),
    `Params: ${JSON.stringify(m.params)}`,
    `Pipelines: ${r.pipeThrough.join(", ") || "(none)"}`,
    `${r.loc.file}:${r.loc.line}:${r.loc.column}`,
  ];
  return { found: true, text: lines.join("\n") + "\n" };
}

/** The module that defines the controller or plug (not the index file a namespace import goes through). */
function moduleOf(r: RouteIR): string {
  return r.target.definedIn ?? r.target.import.resolvedFile ?? r.target.import.specifier;
}
