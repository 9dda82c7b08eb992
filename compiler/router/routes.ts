// What `fawkes routes` reads: the route table from the router's syntax (compile.ts
// readRouterTable) and the endpoint's sockets (sockets.ts), over one index of parsed modules.
// No program and no emission, so it answers in the time it takes to parse a few files.

import { resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { sortDiagnostics } from "../diagnostics.js";
import { createProject, readRouterTable } from "./compile.js";
import type { RouterIR } from "./ir.js";
import { ModuleIndex } from "./_modules.js";
import { readSockets, type EndpointSockets } from "./sockets.js";

export interface RouteTableOptions {
  root: string;
  /** The router module, relative to root (default `app/router.ts`). */
  router?: string;
  /** The server entry the endpoint is found from, relative to root (default `server.ts`). */
  entry?: string;
}

export interface RouteTable {
  ir: RouterIR | null;
  /** The router's diagnostics (errors mean no table), sorted. */
  diagnostics: Diagnostic[];
  sockets: EndpointSockets;
  /** Every file the read parsed (absolute): what the table is made from. */
  inputs: string[];
}

/**
 * The app's routes and socket lines, read statically.
 *
 * @example
 * const { ir, sockets } = readRouteTable({ root: process.cwd() });
 * process.stdout.write(formatRoutes(ir!, sockets.sockets));
 */
export function readRouteTable(options: RouteTableOptions): RouteTable {
  const root = resolve(options.root);
  const project = createProject(root, { syntaxOnly: true });
  const modules = new ModuleIndex(project);
  const { ir, diagnostics } = readRouterTable({ root, router: options.router }, modules);
  const sockets = readSockets(root, modules, options.entry);
  const inputs = project.getSourceFiles().map((f) => f.getFilePath() as string).filter((f) => !f.includes(`${sep}node_modules${sep}`) && !f.includes("/node_modules/"));
  return { ir, diagnostics: sortDiagnostics(diagnostics), sockets, inputs };
}
