// compiler/write.ts, the only writer: a fresh out dir gets every file (its folders made once,
// none read), the same files again are unchanged and not rewritten, a changed or new file in an
// existing folder is written, and what the caller says the disk holds is not read.

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFiles } from "../compiler/write.js";

const TMP = join(resolve(import.meta.dirname, ".."), ".fawkes-tmp");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = () => {
  mkdirSync(TMP, { recursive: true });
  const d = mkdtempSync(join(TMP, "write-"));
  dirs.push(d);
  return d;
};

const files = () =>
  new Map([
    [".fawkes/router.gen.ts", "export const r = 1;\n"],
    [".fawkes/templates/a/show.html.gen.ts", "export const a = 1;\n"],
    [".fawkes/templates/a/index.html.gen.ts", "export const b = 1;\n"],
    [".fawkes/templates/b/c/deep.html.gen.ts", "export const c = 1;\n"],
  ]);

describe("writeFiles", () => {
  it("writes every file of a fresh out dir, folders and all, and nothing else", () => {
    const root = fresh();
    const report = writeFiles(root, files());
    expect(report.written).toEqual([...files().keys()].sort());
    expect(report.unchanged).toEqual([]);
    for (const [rel, text] of files()) expect(readFileSync(join(root, rel), "utf8")).toBe(text);
    // Atomic writes leave no temp file behind.
    expect(readdirSync(join(root, ".fawkes/templates/a")).sort()).toEqual(["index.html.gen.ts", "show.html.gen.ts"]);
  });

  it("removes a gone template's module, unless the caller says the modules are the same (sameModules: no walk of the out dir)", () => {
    const root = fresh();
    const all = new Map([...files(), [".fawkes/templates/__registry.gen.ts", "export const __registry = 1;\n"]]);
    writeFiles(root, all);
    const fewer = new Map(all);
    fewer.delete(".fawkes/templates/a/index.html.gen.ts");
    expect(writeFiles(root, fewer, undefined, true).removed).toEqual([]);
    expect(statSync(join(root, ".fawkes/templates/a/index.html.gen.ts")).isFile()).toBe(true);
    expect(writeFiles(root, fewer).removed).toEqual([".fawkes/templates/a/index.html.gen.ts"]);
    expect(readdirSync(join(root, ".fawkes/templates/a"))).toEqual(["show.html.gen.ts"]);
  });

  it("leaves the same text alone, writes a changed file and a new one beside existing ones", () => {
    const root = fresh();
    writeFiles(root, files());
    const before = statSync(join(root, ".fawkes/router.gen.ts")).mtimeMs;
    const again = writeFiles(root, files());
    expect(again.written).toEqual([]);
    expect(again.unchanged).toHaveLength(4);
    expect(statSync(join(root, ".fawkes/router.gen.ts")).mtimeMs).toBe(before);

    const next = files();
    next.set(".fawkes/templates/a/show.html.gen.ts", "export const a = 2;\n");
    next.set(".fawkes/templates/a/new.html.gen.ts", "export const n = 1;\n");
    const changed = writeFiles(root, next);
    expect(changed.written).toEqual([".fawkes/templates/a/new.html.gen.ts", ".fawkes/templates/a/show.html.gen.ts"]);
    expect(readFileSync(join(root, ".fawkes/templates/a/show.html.gen.ts"), "utf8")).toBe("export const a = 2;\n");
    expect(readFileSync(join(root, ".fawkes/templates/a/new.html.gen.ts"), "utf8")).toBe("export const n = 1;\n");
  });

  it("trusts what the caller says the disk holds: a file known to hold other text is written", () => {
    const root = fresh();
    writeFiles(root, files());
    // Edited behind the writer's back, but the caller knows the text it wrote: not read, not rewritten.
    writeFileSync(join(root, ".fawkes/router.gen.ts"), "edited\n");
    const known = writeFiles(root, files(), files());
    expect(known.written).toEqual([]);
    expect(readFileSync(join(root, ".fawkes/router.gen.ts"), "utf8")).toBe("edited\n");
    // Told the disk holds other text: written.
    const other = new Map([[".fawkes/router.gen.ts", "stale\n"]]);
    expect(writeFiles(root, new Map([[".fawkes/router.gen.ts", "export const r = 1;\n"]]), other).written).toEqual([".fawkes/router.gen.ts"]);
    expect(readFileSync(join(root, ".fawkes/router.gen.ts"), "utf8")).toBe("export const r = 1;\n");
  });
});
