// The digest manifest (`cache_manifest.json`, written by Phoenix's `mix phx.digest` or any tool
// that writes the same format) and static_path: "/app.css" → "/app-abc123.css?vsn=d".

import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface StaticManifestDigest {
  logical_path?: string;
  digest?: string;
  sha512?: string;
  size?: number;
  mtime?: number;
}

/**
 * Phoenix's manifest format: `latest` maps each logical path to its newest digested name, and
 * `digests` describes every digested file (keys are digested names). Paths have no leading "/".
 */
export interface StaticManifest {
  latest: Record<string, string>;
  digests: Record<string, StaticManifestDigest>;
}

export const MANIFEST_FILE = "cache_manifest.json";

/**
 * Reads `<root>/cache_manifest.json`. Throws, naming the file, when it is missing, is not JSON,
 * or lacks the `latest` and `digests` keys (Phoenix raises at boot in the same cases).
 *
 * @example
 * const manifest = await loadManifest("priv/static");
 */
export async function loadManifest(root: string): Promise<StaticManifest> {
  const file = join(root, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(
      `could not find static manifest at ${JSON.stringify(file)}: digest your static files ` +
        `after building them, or do not pass a manifest`,
      { cause: error },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`static manifest ${JSON.stringify(file)} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isRecord(data) || !isRecord(data.latest) || !isRecord(data.digests)) {
    throw new Error(`expected cache manifest ${JSON.stringify(file)} to include 'latest' and 'digests' keys`);
  }
  return { latest: data.latest as Record<string, string>, digests: data.digests as Record<string, StaticManifestDigest> };
}

/**
 * The URL path of a static file: its digested name plus `?vsn=d` when the manifest knows it,
 * else the path unchanged. A `#fragment` is kept. As Phoenix's static_path, throws for a path
 * that does not start with a single "/" or that contains "\".
 *
 * @example
 * staticPath(manifest, "/app.css")        // "/app-abc123.css?vsn=d"
 * staticPath(manifest, "/font.svg#icon")  // "/font-d41d8c.svg?vsn=d#icon"
 * staticPath(undefined, "/app.css")       // "/app.css"
 */
export function staticPath(
  manifest: StaticManifest | undefined,
  path: string,
  options: { skipVsn?: boolean } = {},
): string {
  const hash = path.indexOf("#");
  const bare = hash === -1 ? path : path.slice(0, hash);
  const fragment = hash === -1 ? "" : path.slice(hash);
  if (!bare.startsWith("/") || bare.startsWith("//")) {
    throw new Error(`expected a path starting with a single / but got ${JSON.stringify(path)}`);
  }
  if (bare.includes("\\")) throw new Error(`unsafe characters detected for path ${JSON.stringify(path)}`);
  const key = bare.slice(1);
  // Own keys only: "/constructor" must not find Object.prototype.constructor.
  if (manifest === undefined || !Object.hasOwn(manifest.latest, key)) return path;
  return `/${manifest.latest[key]}${options.skipVsn ? "" : "?vsn=d"}${fragment}`;
}

/** Whether `relative` (no leading "/") is a digested file of the manifest. */
export function isDigested(manifest: StaticManifest | undefined, relative: string): boolean {
  return manifest !== undefined && Object.hasOwn(manifest.digests, relative);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
