// Verified paths at build time (issue 10): every `p` literal of the app's modules and
// templates, checked against the router's route table and the static folder. Returns
// diagnostics only; `p` itself is the runtime's (runtime/router/verified.ts).

import type { Diagnostic } from "../diagnostics.js";
import type { RouteIR, SourceLoc } from "../router/ir.js";
import type { TemplateConfig, TemplateIR } from "../templates/ir.js";
import { checkPathLiterals } from "./check.js";
import { findPathLiterals, listAppSources, readCandidates } from "./scan.js";
import { indexStatics } from "./statics.js";
import { scanTemplates, type TemplateScan } from "./templates.js";

export interface VerifyOptions {
  root: string;
  /** The app folder scanned for modules, relative to root (the router's folder). */
  appDir: string;
  /** The generated modules' folder, never scanned. */
  outDir: string;
  /** Project files the router imports (absolute), scanned too when outside the app folder. */
  routerInputs: readonly string[];
  /** The route table, or null when there is none to verify against. */
  routes: readonly RouteIR[] | null;
  /** The static folder, relative to root (default `priv/static`). */
  staticDir: string;
  templates: readonly TemplateIR[];
  templateConfig: TemplateConfig;
  /** Where the templates' functionHeader is written. */
  headerLoc: SourceLoc;
  /** The templates' literals when the template compiler already asked for them (their sites). */
  templateScan?: TemplateScan;
}

export interface VerifyResult {
  diagnostics: Diagnostic[];
  /** The files scanned (absolute), for watch lists: a new `p` in any of them is checked. */
  inputs: string[];
  /** How many literals were checked. */
  checked: number;
}

export { scanTemplates, type TemplateScan };

export function verifyPaths(o: VerifyOptions): VerifyResult {
  const files = listAppSources(o.root, o.appDir, o.outDir, o.routerInputs);
  const templates = o.templateScan ?? scanTemplates(o.templates, o.templateConfig, o.headerLoc);
  const literals = [...findPathLiterals(readCandidates(o.root, files)), ...templates.literals];
  const diagnostics = checkPathLiterals(literals, { routes: o.routes, statics: indexStatics(o.root, o.staticDir) });
  return { diagnostics, inputs: files, checked: literals.length };
}
