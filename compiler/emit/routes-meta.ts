// routes.gen.ts: the route table as data, for dispatch and introspection (`fawkes routes`,
// error pages, telemetry metadata). The matcher refers to these objects by position.

import type { RouterIR } from "../router/ir.js";
import { helperName } from "../router/_names.js";
import { Code, str } from "./_code.js";
import { describeRoute, header } from "./header.js";

export function emitRoutesMeta(ir: RouterIR): string {
  const c = new Code();
  c.line('import type { RouteInfo } from "fawkes";');
  c.line();
  c.line("/** Every route in declaration order: the first that matches wins. */");
  c.block("export const routes: readonly RouteInfo[] = Object.freeze([", () => {
    for (const r of ir.routes) {
      c.line(`// ${describeRoute(r)}`);
      const fields = [
        `index: ${r.index}`,
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
  }, "]);");
  return header("routes.gen.ts", ir.source, `${ir.routes.length} routes.`) + c.toString();
}
