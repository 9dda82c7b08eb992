// Golden template fixtures: each fixtures/templates/<case>/ is compiled and its modules
// (templates.gen.ts and templates/**) compared byte for byte with expected/ (or the diagnostics, type errors included, with
// diagnostics.txt). Then the generated functions run: every probe renders exactly as eta does
// with the same files. UPDATE_GOLDEN=1 rewrites the expected files.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Eta } from "eta";
import { describe, expect, it } from "vitest";
import { compileTemplates, formatDiagnostic } from "../compiler/index.js";
import { checkTemplateTypes } from "../compiler/templates/typecheck.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/templates");
const update = process.env.UPDATE_GOLDEN === "1";

for (const name of readdirSync(FIXTURES).sort()) {
  const root = join(FIXTURES, name);
  describe(`fixtures/templates/${name}`, () => {
    const result = compileTemplates({ root, outDir: "expected" });
    const typeErrors = result.files.size ? checkTemplateTypes(root, result.files) : [];
    const diagnostics = [...result.diagnostics, ...typeErrors].map(formatDiagnostic).join("\n\n");
    const expectedDir = join(root, "expected");
    // A case with type errors keeps only diagnostics.txt: its module would fail the project's tsc.
    const keep = typeErrors.length ? new Map<string, string>() : result.files;

    if (update) {
      rmSync(expectedDir, { recursive: true, force: true });
      mkdirSync(expectedDir, { recursive: true });
      for (const [rel, text] of keep) {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), text);
      }
      if (diagnostics) writeFileSync(join(expectedDir, "diagnostics.txt"), diagnostics + "\n");
    }

    it("diagnostics match diagnostics.txt", () => {
      const file = join(expectedDir, "diagnostics.txt");
      expect(diagnostics ? diagnostics + "\n" : "").toBe(existsSync(file) ? readFileSync(file, "utf8") : "");
    });

    for (const [rel, text] of keep) {
      it(`${rel} is byte-identical`, () => expect(text).toBe(readFileSync(join(root, rel), "utf8")));
    }

    const probesFile = join(root, "probes.json");
    if (existsSync(probesFile) && keep.size) {
      it("renders every probe exactly as eta does", async () => {
        const mod = await import(pathToFileURL(join(expectedDir, "templates.gen.ts")).href);
        const eta = new Eta({ views: join(root, "app/templates") });
        for (const { name: template, data } of JSON.parse(readFileSync(probesFile, "utf8"))) {
          expect(mod.renderTemplate(template, data), template).toBe(eta.render(template, data));
        }
      });
    }
  });
}
