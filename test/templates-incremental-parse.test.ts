// The template compiler's whole-module syntax check parses each new text of a template's module
// incrementally from the last one (compiler/templates/syntax.ts, for rebuild speed). Differential:
// after every edit, the incremental parse must report exactly what a fresh parse reports. The
// module is real (fixtures/templates/basic compiled); the edits are random insertions and
// deletions of code-breaking and harmless text, fast-check generated.

import fc from "fast-check";
import { resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { compileTemplates } from "../compiler/build/templates.js";

const FILE = ".fawkes/templates/page.html.gen.ts";
const BASIC = resolve(import.meta.dirname, "../fixtures/templates/basic");

async function freshSyntax() {
  vi.resetModules();
  return import("../compiler/templates/syntax.js");
}

describe("the incremental module parse", () => {
  it("reports what a fresh parse reports, edit after edit", { timeout: 120_000 }, async () => {
    // The largest of the fixture's modules (one per template, and the registry).
    const module = [...compileTemplates({ root: BASIC }).files.values()].sort((a, b) => b.length - a.length)[0];
    expect(module.length).toBeGreaterThan(1000);
    const incremental = await freshSyntax();
    expect(incremental.moduleSyntaxErrors(FILE, module)).toEqual([]);
    const edit = fc.record({
      at: fc.nat({ max: module.length }),
      remove: fc.nat({ max: 40 }),
      insert: fc.constantFrom("", "}", "{", "(", ")", "`", '"', "/*", "*/", "const x = ;", " + 1", "\n", "function f() {", "]"),
    });
    let text = module;
    let broken = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.nat({ max: 4 }), async (edits, reset) => {
        for (const e of edits) text = text.slice(0, Math.min(e.at, text.length)) + e.insert + text.slice(Math.min(e.at + e.remove, text.length));
        const got = incremental.moduleSyntaxErrors(FILE, text);
        const expected = (await freshSyntax()).moduleSyntaxErrors(FILE, text);
        expect(got).toEqual(expected);
        if (expected.length) broken++;
        // Back to the clean module now and then, so edits do not only pile up.
        if (text.length > module.length * 1.5 || reset === 0) {
          text = module;
          expect(incremental.moduleSyntaxErrors(FILE, text)).toEqual([]);
        }
      }),
      { numRuns: 60, seed: 10 },
    );
    // The property saw broken modules, not only clean ones.
    expect(broken).toBeGreaterThan(5);
  });
});
