// The generated modules of one router (and, through dispatch, the routers it mounts): what
// compiler/build/router.ts hands the router pipeline (router/compile.ts) as its emitter.

import type { RouterIR } from "../router/ir.js";
import { emitActions } from "./actions.js";
import { emitDispatch } from "./dispatch.js";
import { header } from "./header.js";
import { emitHelpers } from "./helpers.js";
import { emitMatcherModule } from "./matcher-module.js";
import { emitRoutesMeta } from "./routes-meta.js";

/**
 * The generated router modules for an IR (pure: same IR, same bytes). `templatesModule` is the
 * generated templates module as imported from `outDir` (`./templates.gen.js`), or null.
 */
export function emitRouterFiles(ir: RouterIR, outDir: string, templatesModule: string | null = null): Record<string, string> {
  return {
    "routes.gen.ts": emitRoutesMeta(ir),
    "matcher.gen.ts": emitMatcherModule(ir),
    "helpers.gen.ts": emitHelpers(ir),
    "actions.gen.ts": emitActions(ir, outDir, templatesModule),
    "dispatch.gen.ts": emitDispatch(ir, outDir),
    "router.gen.ts":
      header("router.gen.ts", ir.source, ir.mountedAt
        ? `A router mounted at ${ir.mountedAt.prefix || "/"} by ${ir.mountedAt.parent}:${ir.mountedAt.loc.line}; the parent's dispatch routes through it.`
        : "The router as the endpoint takes it: defineEndpoint({ router }).") +
      'export { allowedMethods, match, matchSegments } from "./matcher.gen.js";\n' +
      'export { dispatch } from "./dispatch.gen.js";\n' +
      'export { routes } from "./routes.gen.js";\n' +
      `/** The router module these were generated from. */\nexport const source = ${JSON.stringify(ir.source)};\n`,
  };
}
