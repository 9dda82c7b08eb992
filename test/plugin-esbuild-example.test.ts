// The esbuild plugin's documented example, as written (plugin-esbuild/esbuild.ts and README):
// entry, bundle, platform node, an outfile and the plugin, nothing else. The bundle runs and
// serves the demo.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { fawkes } from "../plugin-esbuild/esbuild.js";

const ROOT = resolve(import.meta.dirname, "..");
const DEMO = join(ROOT, "fixtures/demo");

describe("the esbuild plugin's documented example", () => {
  mkdirSync(join(ROOT, ".fawkes-tmp"), { recursive: true });
  const out = mkdtempSync(join(ROOT, ".fawkes-tmp/example-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("bundles the demo with only entry, bundle, platform and outfile, and the bundle serves", async () => {
    const outfile = join(out, "server.mjs");
    const result = await build({ absWorkingDir: DEMO, entryPoints: ["server.ts"], bundle: true, platform: "node", outfile, plugins: [fawkes()], logLevel: "silent" });
    expect(result.errors).toEqual([]);
    const child = spawn(process.execPath, [outfile], { env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DEMO_STATIC: join(DEMO, "priv/static") }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      const url = await new Promise<string>((done, fail) => {
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => {
          stdout += d;
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m) done(m[1]);
        });
        child.once("exit", (code) => fail(new Error(`the bundle exited (${code}) before listening:\n${stdout}\n${stderr}`)));
      });
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<html");
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
    }
  }, 120_000);
});
