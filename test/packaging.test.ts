// What an app's production install carries: `npm install --omit=dev` of the packed fawkes, in an
// app that lists the compiler's packages as devDependencies (as `fawkes new` makes it), gets the
// runtime's dependencies only. The compiler's packages (esbuild, eta, selfsigned, ts-morph) and
// vite are neither dependencies nor peers of fawkes: a peer, even an optional one, of a production
// dependency is `devOptional` in the app's lockfile, and npm installs those with --omit=dev. The
// CLI names them when a command needs one that is missing.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const BUILD_TIME = ["esbuild", "eta", "selfsigned", "ts-morph", "typescript", "@ts-morph/common", "vite"];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with npm's and vitest's own variables removed (they would aim npm at this repo). */
function run(command: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1" };
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_|^VITEST|^NODE_ENV$|^TEST$|^FORCE_COLOR$/i.test(k)) continue;
    env[k] = v;
  }
  const child = spawn(command, args, { cwd, env: { ...env, ...extra }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((done, fail) => {
    child.once("error", fail);
    child.once("close", (code) => done({ code, stdout, stderr }));
  });
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(path) : entry.isFile() ? statSync(path).size : 0;
  }
  return total;
}

describe("the package's dependencies", () => {
  it("lists no build-time package among the runtime's dependencies", () => {
    for (const name of BUILD_TIME) expect(PKG.dependencies, name).not.toHaveProperty(name);
  });

  it("makes the compiler's packages no peers either, only devDependencies of the repository", () => {
    for (const name of ["esbuild", "eta", "selfsigned", "ts-morph", "vite"]) {
      expect(PKG.peerDependencies, name).not.toHaveProperty(name);
      expect(PKG.devDependencies[name], `${name}: the repository itself needs it`).toBeDefined();
    }
  });
});

describe("redis, an optional peer", () => {
  it("is no dependency of the runtime: an app that uses Redis installs it", () => {
    expect(PKG.dependencies).not.toHaveProperty("redis");
    expect(PKG.peerDependencies.redis).toMatch(/^\^6\./);
    expect(PKG.peerDependenciesMeta.redis?.optional).toBe(true);
    expect(PKG.devDependencies.redis, "the repository's Redis tests need it").toBeDefined();
  });
});

describe("a production install (npm install --omit=dev)", () => {
  let work: string;
  let app: string;

  beforeAll(async () => {
    // Outside the repository: Node would otherwise find this checkout's node_modules above the app.
    work = mkdtempSync(join(tmpdir(), "fawkes-pack-"));
    // dist/ as `npm ci` built it (prepare); --ignore-scripts so packing does not rebuild it.
    const packed = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = join(work, `fawkes-${PKG.version}.tgz`);
    expect(existsSync(tarball)).toBe(true);
    app = join(work, "app");
    mkdirSync(app);
    // The compiler's packages as devDependencies, as in a `fawkes new` app: with fawkes declaring
    // them as peers, npm kept them in this install (devOptional).
    const devDependencies = Object.fromEntries(["esbuild", "eta", "ts-morph", "vite"].map((n) => [n, PKG.devDependencies[n]]));
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "prod-app", private: true, type: "module", dependencies: { fawkes: `file:${tarball}` }, devDependencies }, null, 2));
    const installed = await run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], app);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("carries no build-time package, and only the runtime's dependencies", () => {
    const modules = join(app, "node_modules");
    for (const name of BUILD_TIME) expect(existsSync(join(modules, name)), `node_modules/${name}`).toBe(false);
    const top = readdirSync(modules).filter((n) => !n.startsWith("."));
    for (const name of Object.keys(PKG.dependencies)) expect(top.includes(name.split("/")[0]), name).toBe(true);
    // The whole install, fawkes itself included (its dist), in MB: printed, not asserted (the
    // packages above are what must not be there).
    const mb = sizeOf(modules) / 1e6;
    const largest = top.map((n) => [n, sizeOf(join(modules, n)) / 1e6] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`production install: ${mb.toFixed(1)} MB in node_modules; largest: ${largest.map(([n, s]) => `${n} ${s.toFixed(1)} MB`).join(", ")}`);
  });

  it("serves from the runtime with what it carries", async () => {
    const script = `import { defineEndpoint, halt, text } from "fawkes";
import { get } from "fawkes/testing";
const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, plugs: [(conn) => halt(text(conn, "up"))], config: { logger: () => {} } });
const started = await endpoint.start({ port: 0, host: "127.0.0.1" });
const res = await fetch("http://127.0.0.1:" + started.port + "/");
console.log(res.status, await res.text(), (await get(endpoint, "/x")).respBody);
await endpoint.stop();
`;
    writeFileSync(join(app, "serve.mjs"), script);
    const r = await run(process.execPath, ["serve.mjs"], app);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("200 up up\n");
  }, 60_000);

  it("carries no redis, and redisPubSub says to install it when an endpoint starts with it", async () => {
    expect(existsSync(join(app, "node_modules/redis"))).toBe(false);
    const script = `import { defineEndpoint, redisPubSub } from "fawkes";
const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, pubsub: redisPubSub({ url: "redis://127.0.0.1:1" }), config: { logger: () => {} } });
try {
  await endpoint.start({ port: 0, host: "127.0.0.1" });
  console.log("started");
} catch (e) {
  console.log("failed:", e.message);
}
await endpoint.stop();
`;
    writeFileSync(join(app, "redis.mjs"), script);
    const r = await run(process.execPath, ["redis.mjs"], app);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('failed: redisPubSub needs the "redis" package (node-redis), which is not installed: npm install redis@6');
  }, 60_000);

  it("answers help without the compiler's packages, and names them for a command that needs them", async () => {
    const bin = join(app, "node_modules/fawkes/dist/compiler/cli/main.js");
    const help = await run(process.execPath, [bin, "--help"], app);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: fawkes <command>");
    mkdirSync(join(app, "app"), { recursive: true });
    writeFileSync(join(app, "app/router.ts"), 'import { defineRouter } from "fawkes";\nexport default defineRouter(() => {});\n');
    const build = await run(process.execPath, [bin, "build"], app);
    expect(build.code).toBe(1);
    expect(build.stderr).toMatch(/^fawkes build: needs \S+, which is not installed/);
    expect(build.stderr).toContain("  npm install --save-dev esbuild eta selfsigned ts-morph\n");
    expect(existsSync(join(app, ".fawkes"))).toBe(false);
    // `NODE_ENV=production npm start` after `npm ci --omit=dev`: where the bundle comes from.
    const server = await run(process.execPath, [bin, "server", "--prod"], app);
    expect(server.code).toBe(1);
    expect(server.stderr).toMatch(/^fawkes server: needs \S+, which is not installed/);
    expect(server.stderr).toContain("and run the bundle where they are not: node _build/server.mjs\n");
    // An app's `prepare: fawkes build` during `npm ci --omit=dev` is not a failure.
    const prepare = await run(process.execPath, [bin, "build"], app, { npm_lifecycle_event: "prepare", npm_config_omit: "dev" });
    expect(prepare.code, prepare.stderr).toBe(0);
    expect(prepare.stderr).toContain("skipping: the install omits devDependencies (--omit=dev)\n");
  }, 60_000);
});
