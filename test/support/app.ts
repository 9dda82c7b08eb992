// Builds a small Fawkes app from source strings in a temporary directory inside the repo (so
// "fawkes" resolves to this checkout), runs the compiler on it, and imports the generated modules.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, formatDiagnostic, writeFiles, type BuildResult } from "../../compiler/index.js";
import type { RouteMatch } from "../../runtime/index.js";

export const TMP = resolve(import.meta.dirname, "../../.fawkes-tmp");
let counter = 0;

/** Source for a controller module exporting the given actions (`new`/`delete` via aliases). */
export function controller(actions: readonly string[]): string {
  const lines = ['import type { Conn } from "fawkes";'];
  for (const a of actions) lines.push(`const ${a}_ = (conn: Conn) => conn;\nexport { ${a}_ as ${a} };`);
  return lines.join("\n") + "\n";
}

export interface BuiltApp {
  root: string;
  result: BuildResult;
  /** The diagnostics, formatted. */
  errors: string[];
  match(method: string, url: string, host?: string): RouteMatch | null;
  allowedMethods(url: string, host?: string): string[];
  Routes: Record<string, (...args: never[]) => string>;
  routes: readonly import("../../runtime/index.js").RouteInfo[];
}

/**
 * `files` maps paths relative to the app root to contents; `app/router.ts` is required.
 * Returns the build result and, when it succeeded, the loaded generated modules.
 */
export async function buildApp(files: Record<string, string>, name = "app"): Promise<BuiltApp> {
  const root = join(TMP, `${name}-${process.pid}-${counter++}`);
  rmSync(root, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const result = build({ root });
  const errors = result.diagnostics.map(formatDiagnostic);
  const app: BuiltApp = { root, result, errors } as BuiltApp;
  if (result.files.size === 0) return app;
  writeFiles(root, result.files);
  const load = (f: string) => import(pathToFileURL(join(root, ".fawkes", f)).href);
  const [matcher, helpers, meta] = await Promise.all([load("matcher.gen.ts"), load("helpers.gen.ts"), load("routes.gen.ts")]);
  app.match = matcher.match;
  app.allowedMethods = matcher.allowedMethods;
  app.Routes = helpers.Routes;
  app.routes = meta.routes;
  return app;
}

/** A router module importing the named controllers from `./controllers/<kebab>.js`. */
export function routerSource(controllers: readonly string[], body: string): string {
  const imports = controllers.map((c) => `import * as ${c} from "./controllers/${kebab(c)}.js";`).join("\n");
  return `import { defineRouter } from "fawkes";\n${imports}\n\nexport default defineRouter((r) => {\n${body}\n});\n`;
}

/** An app whose controllers each export every action in `actions` (default: resource actions + a few). */
export function app(controllers: readonly string[], body: string, actions = DEFAULT_ACTIONS): Record<string, string> {
  const files: Record<string, string> = { "app/router.ts": routerSource(controllers, body) };
  for (const c of controllers) files[`app/controllers/${kebab(c)}.ts`] = controller(actions);
  return files;
}

export const DEFAULT_ACTIONS = ["index", "edit", "new", "show", "create", "update", "delete", "home", "special", "other"];

export function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

export function cleanTmp(): void {
  rmSync(TMP, { recursive: true, force: true });
}
