// Static files and the digest manifest. Re-exports only.

export { IMMUTABLE, serveStatic } from "./serve.js";
export type { ServeStaticOptions } from "./serve.js";
export { loadManifest, MANIFEST_FILE, staticPath } from "./manifest.js";
export type { StaticManifest, StaticManifestDigest } from "./manifest.js";
