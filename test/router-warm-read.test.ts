// The watch loop's read of the router from its syntax, with one syntax-only project kept warm
// between reads (compileRouterFromSyntax, as `fawkes server` and the esbuild plugin run it):
// what one read kept (a module resolution, a file's export names, the router's tree) must not
// outlive the change that makes it wrong. Issue 10 made those reads keep their answers.
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileRouterFromSyntax } from "../compiler/build/router.js";
import { createProject } from "../compiler/router/compile.js";
import * as support from "./support/app.js";

const WORK = join(support.TMP, `warm-read-${process.pid}`);
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const controller = (action: string) => `import type { Conn } from "fawkes";\nexport function ${action}(conn: Conn): Conn {\n  return conn;\n}\n`;
const router = (path: string) => `import { defineRouter } from "fawkes";\nimport * as PageController from "./controllers/page-controller.js";\n\nexport default defineRouter((r) => {\n  r.get("${path}", PageController, "home");\n});\n`;

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

describe("a warm syntax-only read after edits", () => {
  it("reads the edited router, and follows its import to the file that now answers it", () => {
    const root = join(WORK, "app");
    write(root, "tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, jsx: "react-jsx" } }));
    write(root, "app/router.ts", router("/"));
    write(root, "app/controllers/page-controller.ts", controller("home"));
    const project = createProject(root, { syntaxOnly: true });
    const read = () => {
      const out = compileRouterFromSyntax({ root }, project);
      expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      return out.ir!.routes.map((r) => `${r.verb} ${r.path} ${r.target.definedIn}`);
    };
    expect(read()).toEqual(["GET / app/controllers/page-controller.ts"]);

    // The router edited: the new path, as often as it is edited.
    for (const path of ["/a", "/b", "/"]) {
      write(root, "app/router.ts", router(path));
      expect(read()).toEqual([`GET ${path} app/controllers/page-controller.ts`]);
    }

    // The module the import resolved to is gone and a .tsx answers it: resolved again.
    unlinkSync(join(root, "app/controllers/page-controller.ts"));
    write(root, "app/controllers/page-controller.tsx", controller("home"));
    write(root, "app/router.ts", router("/c"));
    expect(read()).toEqual(["GET /c app/controllers/page-controller.tsx"]);

    // A .ts created beside it comes first in the lookup, which the .tsx's resolution had tried.
    write(root, "app/controllers/page-controller.ts", controller("home"));
    write(root, "app/router.ts", router("/d"));
    expect(read()).toEqual(["GET /d app/controllers/page-controller.ts"]);
  });
});
