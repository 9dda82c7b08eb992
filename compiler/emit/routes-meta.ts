// routes.gen.ts: the route table as data, for dispatch and introspection (`fawkes routes`,
// error pages, telemetry metadata). The matcher and dispatch refer to these objects by position,
// in declaration order. A route's `index` is that position, given when the module loads rather
// than written into each record: a route added in the middle then changes its own lines only.

import type { RouterIR } from "../router/ir.js";
import { helperName } from "../router/_names.js";
import { Code, str } from "./_code.js";
import { describeRoute, header } from "./header.js";

export function emitRoutesMeta(ir: RouterIR): string {
  const c = new Code();
  c.line('import type { RouteInfo } from "fawkes";');
  c.line();
  c.line("/** The routes in declaration order: the first that matches wins. */");
  c.block('const ROUTES: readonly Omit<RouteInfo, "index">[] = [', () => {
    for (const r of ir.routes) {
      c.line(`// ${describeRoute(r)}`);
      const fields = [
        `kind: ${str(r.kind)}`,
        `verb: ${str(r.verb)}`,
        `path: ${str(r.path)}`,
        `helper: ${r.helper ? str(helperName(r.helper)) : "null"}`,
        `controller: ${str(r.target.display)}`,
        `view: ${r.view === null ? "null" : str(r.view)}`,
        `action: ${r.action === null ? "null" : str(r.action)}`,
        `pipeThrough: ${JSON.stringify(r.pipeThrough)}`,
        `hosts: ${JSON.stringify(r.hosts)}`,
        `source: ${str(`${r.loc.file}:${r.loc.line}:${r.loc.column}`)}`,
      ];
      c.line(`{ ${fields.join(", ")} },`);
    }
  }, "];");
  c.line();
  c.line("/** Every route with its `index`: its position, by which the endpoint finds its dispatch entry. */");
  c.line("export const routes: readonly RouteInfo[] = Object.freeze(ROUTES.map((route, index) => ({ index, ...route })));");
  return header("routes.gen.ts", ir.source, `${ir.routes.length} routes.`) + c.toString();
}
