// The package as users get it: dist/ built by `prepare` (esbuild + tsc declarations), its
// `fawkes` bin, and its entry points. A bundler once changed behaviour between src and dist in
// a project we learn from (h3), so the built output is tested too.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { locate } from "./support/source.js";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "dist/compiler/cli/main.js");
const DEMO = join(ROOT, "fixtures/demo");
// Copies go inside the repo, so the type check of their templates finds "fawkes" through
// tsconfig paths. This file makes the directory itself: it may be the first to run.
const TMP = join(ROOT, ".fawkes-tmp");

function tempDir(prefix: string): string {
  mkdirSync(TMP, { recursive: true });
  return mkdtempSync(join(TMP, prefix));
}

function fawkes(args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

describe("built package", () => {
  it("was built by prepare", () => {
    expect(existsSync(BIN), "dist/ is missing: run `npm run build` (npm ci does it via prepare)").toBe(true);
    expect(existsSync(join(ROOT, "dist/types/runtime/index.d.ts"))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.bin.fawkes).toBe("./dist/compiler/cli/main.js");
  });

  it("exports from dist what the sources export", async () => {
    const built = await import(join(ROOT, "dist/runtime/index.js"));
    const source = await import("../runtime/index.js");
    expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
  });

  it("`fawkes routes` prints the table as mix phx.routes does", () => {
    const r = fawkes(["routes", "--root", DEMO]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toContain("             userPath  GET     /users                                       UserController.index");
    expect(lines).toContain("                       PUT     /users/:id                                   UserController.update");
    expect(lines.at(-4)).toBe("                       *       /admin                                       AdminPlug");
    // Then the endpoint's sockets, as phx.routes lists them.
    expect(lines.slice(-3)).toEqual([
      "                       WS      /socket/websocket                            UserSocket",
      "                       GET     /socket/longpoll                             UserSocket",
      "                       POST    /socket/longpoll                             UserSocket",
    ]);
  });

  it("`fawkes routes --json` and `--info`", () => {
    const json = JSON.parse(fawkes(["routes", "--json", "--root", DEMO]).stdout);
    const router = join(DEMO, "app/router.ts");
    expect(json[0]).toMatchObject({ helper: "pagePath", verb: "GET", path: "/", controller: "PageController", action: "home", source: locate(router, 'r.get("/", PageController', "app/router.ts") });
    // A controller reached through a namespace import is listed with its own module, not the index.
    expect(json.find((r: { controller: string }) => r.controller === "Api.ItemController")).toMatchObject({ module: "app/controllers/api/item-controller.ts" });
    expect(json[0].module).toBe("app/controllers/page-controller.ts");
    const info = fawkes(["routes", "--info", "GET", "/users/1/posts/2/comments/3", "--root", DEMO]);
    expect(info.stdout).toContain("Function: show");
    expect(info.stdout).toContain("Params: {\"user_id\":\"1\",\"post_id\":\"2\",\"id\":\"3\"}");
    expect(info.stdout).toContain(locate(router, 'r.resources("/comments"', "app/router.ts"));
    const miss = fawkes(["routes", "--info", "GET", "/nope", "--root", DEMO]);
    expect(miss.status).toBe(1);
    expect(miss.stdout).toBe("no route matches GET /nope\n");
  });

  it("`fawkes check` passes on the committed demo output and fails when it is stale", { timeout: 300_000 }, () => {
    expect(fawkes(["check", "--root", DEMO]).status).toBe(0);
    const copy = tempDir("check-");
    try {
      cpSync(DEMO, copy, { recursive: true });
      const routes = join(copy, ".fawkes/routes.gen.ts");
      writeFileSync(routes, readFileSync(routes, "utf8") + "// edited\n");
      const r = fawkes(["check", "--root", copy]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("stale .fawkes/routes.gen.ts");
      expect(fawkes(["build", "--root", copy]).stdout).toContain("wrote .fawkes/routes.gen.ts");
      expect(fawkes(["check", "--root", copy]).status).toBe(0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  // Each step is a CLI run with its own type check: slow on a busy machine, so a generous timeout.
  it("a deleted template's module is reported stale by `fawkes check` and removed by `fawkes build`", { timeout: 300_000 }, () => {
    const copy = tempDir("check-deleted-");
    try {
      cpSync(DEMO, copy, { recursive: true });
      // A template deleted leaves its module behind until the next build removes it (and its folder).
      mkdirSync(join(copy, "app/templates/extra"));
      writeFileSync(join(copy, "app/templates/extra/gone.html.eta"), "<p>soon gone</p>\n");
      expect(fawkes(["build", "--root", copy]).stdout).toContain("wrote .fawkes/templates/extra/gone.html.gen.ts");
      rmSync(join(copy, "app/templates/extra"), { recursive: true });
      const leftover = fawkes(["check", "--root", copy]);
      expect(leftover.status).toBe(1);
      expect(leftover.stderr).toContain("stale .fawkes/templates/extra/gone.html.gen.ts");
      expect(fawkes(["build", "--root", copy]).stdout).toContain("removed .fawkes/templates/extra/gone.html.gen.ts (its template is gone)");
      expect(existsSync(join(copy, ".fawkes/templates/extra"))).toBe(false);
      expect(existsSync(join(copy, ".fawkes/templates/page/home.html.gen.ts"))).toBe(true);
      expect(fawkes(["check", "--root", copy]).status).toBe(0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("reports diagnostics and exits 1 on a broken router", () => {
    const r = fawkes(["build", "--root", join(ROOT, "fixtures/router/errors-routes")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('app/router.ts:10:17: error[UNKNOWN_PIPELINE]: unknown pipeline "browsr"');
    // Its warnings are printed too, in the same format.
    expect(r.stderr).toContain("app/router.ts:13:3: warning[ROUTE_SHADOWED]: GET /users/new is unreachable");
  });

  it("builds a router with warnings only, printing them as errors are printed; --strict makes them fail", { timeout: 300_000 }, () => {
    const copy = tempDir("warnings-");
    try {
      cpSync(join(ROOT, "fixtures/router/warnings/app"), join(copy, "app"), { recursive: true });
      const shadowed = [
        "app/router.ts:10:3: warning[ROUTE_SHADOWED]: GET /posts/skip is unreachable",
        "  it is matched first by GET /posts/:id (app/router.ts:9:3)",
        '  hint: declare get("/posts/skip", ...) before get("/posts/:id", ...)',
      ].join("\n");

      const strict = fawkes(["build", "--strict", "--root", copy]);
      expect(strict.status).toBe(1);
      expect(strict.stderr).toContain("app/router.ts:10:3: error[ROUTE_SHADOWED]: GET /posts/skip is unreachable (a warning; strict mode makes it an error)");
      expect(strict.stdout).toBe("");
      expect(existsSync(join(copy, ".fawkes")), "a failed build writes nothing").toBe(false);
      expect(fawkes(["check", "--strict", "--root", copy]).status).toBe(1);

      const r = fawkes(["build", "--root", copy]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(shadowed + "\n");
      expect(r.stderr).not.toContain("error[");
      expect(r.stdout).toContain("wrote .fawkes/matcher.gen.ts");
      const check = fawkes(["check", "--root", copy]);
      expect(check.status, check.stderr).toBe(0);
      expect(check.stderr).toContain(shadowed);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("prints usage for no command", () => {
    const r = fawkes([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("usage: fawkes <command>");
  });
});

describe("fawkes check on typed templates", () => {
  it("reports a wrong field at the template line and exits 1", () => {
    const copy = tempDir("typed-");
    try {
      cpSync(join(ROOT, "fixtures/templates/errors-types"), copy, { recursive: true });
      const t = fawkes(["check", "--root", copy]);
      expect(t.status).toBe(1);
      expect(t.stderr).toContain("app/templates/user/show.html.eta:3:1: error[TEMPLATE_TYPE]: Property 'nmae' does not exist on type 'User'.");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
