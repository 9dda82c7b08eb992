// `fawkes routes --json` and `--info` (compiler/cli/routes-table.ts) on a built app: what the
// CLI prints is computed from the IR by these functions; the CLI itself is tested in
// built-package.test.ts.

import { beforeAll, describe, expect, it } from "vitest";
import { formatRouteInfo, routesJson } from "../compiler/cli/routes-table.js";
import { buildApp, controller, type BuiltApp } from "./support/app.js";

describe("routes --json: module", () => {
  let a: BuiltApp;
  beforeAll(async () => {
    a = await buildApp({
      "app/router.ts": `import { defineRouter } from "fawkes";
import * as Api from "./controllers/api/index.js";
import { StatusController } from "./controllers/api/index.js";
import * as PageController from "./controllers/page-controller.js";
import { LocalController } from "./controllers/local.js";

export default defineRouter((r) => {
  r.get("/items", Api.ItemController, "index");
  r.get("/status", Api.StatusController, "show");
  r.get("/status2", StatusController, "show", { as: "status2" });
  r.get("/local", Api.LocalController, "index");
  r.get("/", PageController, "index");
  r.get("/named", LocalController, "index", { as: "named" });
});
`,
      "app/controllers/api/index.ts": `export * as ItemController from "./item-controller.js";
export { StatusController } from "./status.js";
import type { Conn } from "fawkes";
export const LocalController = { index: (conn: Conn) => conn };
`,
      "app/controllers/api/item-controller.ts": controller(["index"]),
      "app/controllers/api/status.ts": `import type { Conn } from "fawkes";\nexport const StatusController = { show: (conn: Conn) => conn };\n`,
      "app/controllers/page-controller.ts": controller(["index"]),
      "app/controllers/local.ts": `import type { Conn } from "fawkes";\nexport const LocalController = { index: (conn: Conn) => conn };\n`,
    });
  });

  const modules = () => (JSON.parse(routesJson(a.result.router!)) as { path: string; controller: string; module: string }[]).map((r) => [r.controller, r.module]);

  it("builds", () => {
    expect(a.errors).toEqual([]);
  });

  it("names the controller's own module, through a namespace import and re-exports", () => {
    expect(modules()).toEqual([
      ["Api.ItemController", "app/controllers/api/item-controller.ts"],
      ["Api.StatusController", "app/controllers/api/status.ts"],
      ["StatusController", "app/controllers/api/status.ts"],
      // Declared in the index module itself: that is its module.
      ["Api.LocalController", "app/controllers/api/index.ts"],
      ["PageController", "app/controllers/page-controller.ts"],
      ["LocalController", "app/controllers/local.ts"],
    ]);
  });

  it("--info names it too", () => {
    expect(formatRouteInfo(a.result.router!, "GET", "/items").text).toContain("Module: Api.ItemController (app/controllers/api/item-controller.ts)\n");
  });

  it("generated code still imports it the way the router does", () => {
    expect(a.result.files.get(".fawkes/dispatch.gen.ts")).toContain('import * as Api from "../app/controllers/api/index.js";');
  });
});
