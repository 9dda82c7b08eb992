// The esbuild options `fawkes server` bundles the app's entry with, in development and for
// production: one ES module for Node, its packages left to node_modules (as a server loads
// them), a source map beside it, and the Fawkes plugin, which regenerates .fawkes/ first.

import type { BuildOptions } from "esbuild";
import { fawkes, type FawkesEsbuildOptions } from "../../../plugin-esbuild/esbuild.js";

/**
 * The bundle goes in _build/, one folder below the project root, as the scaffold's
 * app/endpoint.ts expects (`new URL("../priv/static", import.meta.url)` from the bundle).
 */
export const DEV_BUNDLE = "_build/dev-server.mjs";
export const PROD_BUNDLE = "_build/server.mjs";

/** A server bundle as Node runs it: one ES module, its packages left to node_modules. */
export const NODE_BUNDLE = { bundle: true, platform: "node", format: "esm", target: "node20", packages: "external" } as const satisfies BuildOptions;

export function bundleOptions(root: string, entry: string, outfile: string, plugin: FawkesEsbuildOptions): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    ...NODE_BUNDLE,
    // With --enable-source-maps (the dev server runs the app with it), stack traces name the TypeScript sources.
    sourcemap: true,
    logLevel: "silent",
    plugins: [fawkes({ ...plugin, root })],
  };
}
