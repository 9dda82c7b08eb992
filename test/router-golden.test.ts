// Golden fixtures: each fixtures/router/<case>/ is compiled and every output compared byte for
// byte with expected/ (the generated modules, or diagnostics.txt for cases that must fail).
// Then the generated modules are run: probes.json requests go through the generated matcher,
// and the dispatch table is loaded (which runs the router and its stale-build check).
// UPDATE_GOLDEN=1 npx vitest run test/router-golden.test.ts rewrites the expected files.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { build, formatDiagnostic } from "../compiler/index.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/router");
const update = process.env.UPDATE_GOLDEN === "1";

interface Probe {
  method: string;
  url: string;
  host?: string;
  route?: number | null | "forward";
  action?: string;
  params?: Record<string, unknown>;
  pathInfo?: string[];
  allowed?: string[];
  status?: number;
}

for (const name of readdirSync(FIXTURES).sort()) {
  const root = join(FIXTURES, name);
  describe(`fixtures/router/${name}`, () => {
    const result = build({ root, outDir: "expected" });
    const diagnostics = result.diagnostics.map(formatDiagnostic).join("\n\n");
    const expectedDir = join(root, "expected");

    if (update) {
      rmSync(expectedDir, { recursive: true, force: true });
      mkdirSync(expectedDir, { recursive: true });
      for (const [rel, text] of result.files) {
        mkdirSync(join(root, rel, ".."), { recursive: true });
        writeFileSync(join(root, rel), text);
      }
      if (diagnostics) writeFileSync(join(expectedDir, "diagnostics.txt"), diagnostics + "\n");
    }

    it("produces exactly the expected files", () => {
      // Recursive: a mounted router's modules are in a folder of the out dir.
      const onDisk = existsSync(expectedDir) ? (readdirSync(expectedDir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[]).filter((d) => d.isFile()).map((d) => relative(expectedDir, join(d.parentPath, d.name)).split(sep).join("/")).sort() : [];
      const produced = [...result.files.keys()].map((f) => f.slice("expected/".length));
      if (diagnostics) produced.push("diagnostics.txt");
      expect(produced.sort()).toEqual(onDisk);
    });

    it("diagnostics match diagnostics.txt", () => {
      const file = join(expectedDir, "diagnostics.txt");
      expect(diagnostics ? diagnostics + "\n" : "").toBe(existsSync(file) ? readFileSync(file, "utf8") : "");
    });

    for (const [rel, text] of result.files) {
      it(`${rel} is byte-identical`, () => {
        expect(text).toBe(readFileSync(join(root, rel), "utf8"));
      });
    }

    const probesFile = join(root, "probes.json");
    if (existsSync(probesFile) && result.files.size > 0) {
      it("the generated matcher answers every probe", async () => {
        const { match, allowedMethods } = await import(pathToFileURL(join(expectedDir, "matcher.gen.ts")).href);
        const probes = JSON.parse(readFileSync(probesFile, "utf8")) as Probe[];
        for (const p of probes) {
          const where = `${p.method} ${p.url}${p.host ? ` (host ${p.host})` : ""}`;
          if (p.status) {
            expect(() => match(p.method, p.url, p.host), where).toThrow(expect.objectContaining({ status: p.status }));
            continue;
          }
          const m = match(p.method, p.url, p.host);
          if (p.route === null) {
            expect(m, where).toBeNull();
            if (p.allowed) expect(allowedMethods(p.url, p.host), where).toEqual(p.allowed);
            continue;
          }
          expect(m, where).not.toBeNull();
          if (typeof p.route === "number") expect(m.route.index, where).toBe(p.route);
          if (p.route === "forward") expect(m.route.kind, where).toBe("forward");
          if (p.action) expect(m.route.action, where).toBe(p.action);
          if (p.params) expect(m.params, where).toEqual(p.params);
          if (p.pathInfo) expect(m.pathInfo, where).toEqual(p.pathInfo);
        }
      });

      it("the dispatch table loads and points at the controller functions", async () => {
        const { dispatch } = await import(pathToFileURL(join(expectedDir, "dispatch.gen.ts")).href);
        const { routes } = await import(pathToFileURL(join(expectedDir, "routes.gen.ts")).href);
        expect(dispatch).toHaveLength(routes.length);
        for (const entry of dispatch) {
          expect(entry.route).toBe(routes[entry.route.index]);
          if (entry.action !== null) expect(entry.handler).toBe((entry.controller as Record<string, unknown>)[entry.action]);
          expect(entry.call).toBeDefined();
        }
      });
    }
  });
}
