// matcher.gen.ts: `match(method, url, host)` — see matcher.ts for how the tree is built.

import type { RouterIR } from "../router/ir.js";
import { emitMatcherBody } from "./matcher.js";
import { describeRoute, header } from "./header.js";

export function emitMatcherModule(ir: RouterIR): string {
  return (
    header("matcher.gen.ts", ir.source, "The route matcher: a switch over the method, then over the path's segments.") +
    'import { decodePath, type RouteMatch } from "fawkes";\n' +
    'import { routes } from "./routes.gen.js";\n\n' +
    emitMatcherBody(ir.routes, { describe: describeRoute })
  );
}
