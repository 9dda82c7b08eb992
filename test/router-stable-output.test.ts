// Stable generated output (issue 13): adding one route in the middle of a router changes only
// the generated lines about that route (and a count in a header), because every name in the
// router's generated modules comes from a stable key (verb + path, helper + action, pipeline
// names), never from a declaration index. The demo app is built, then again with one route
// added after GET /continue, then with a scoped route; each generated file's line diff is counted.

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, formatDiagnostic } from "../compiler/index.js";
import { lineChanges } from "./support/line-diff.js";

const ROOT = resolve(import.meta.dirname, "..");
const TMP = join(ROOT, ".fawkes-tmp");

/** The route added, and an action for it (so the build has no ACTION_MISSING). */
const ADDED_ROUTE = '    r.get("/pricing", PageController, "pricing");\n';
const ADDED_ACTION = '\nexport function pricing(conn: ActionConn<"page", "pricing">): Conn {\n  return text(conn, "free\\n");\n}\n';

function buildFiles(root: string): Map<string, string> {
  const result = build({ root });
  expect(result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
  return result.files;
}

/**
 * A generated line's references back to the router (`app/router.ts:35`, `source: "app/router.ts:35:7"`)
 * with the numbers taken out: a line added to the router moves every later route's line, and
 * those references must follow it.
 */
const withoutLineNumbers = (text: string) => text.replace(/(\.ts):\d+(?::\d+)?/g, "$1:#");

type Changes = Record<string, { removed: number; added: number }>;

function perFile(before: Map<string, string>, after: Map<string, string>, normalise = (t: string) => t): Changes {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const out: Changes = {};
  for (const [file, text] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    out[file.replace(/^\.fawkes\//, "")] = lineChanges(normalise(text), normalise(after.get(file)!));
  }
  return out;
}

const table = (changes: Changes) => Object.entries(changes).map(([f, c]) => `  ${f}: -${c.removed} +${c.added}`).join("\n");

/** Inserts `line` into the copy's router after the line that contains `after`. */
function insertRoute(dir: string, after: string, line: string): void {
  const router = join(dir, "app/router.ts");
  const source = readFileSync(router, "utf8");
  const at = source.indexOf(after);
  expect(at).toBeGreaterThan(0);
  const next = source.indexOf("\n", at) + 1;
  writeFileSync(router, source.slice(0, next) + line + source.slice(next));
}

describe("generated router modules are stable under a one-route change", () => {
  let dir: string;
  let before: Map<string, string>;
  let after: Map<string, string>;
  let scoped: Map<string, string>;

  beforeAll(() => {
    mkdirSync(TMP, { recursive: true });
    dir = mkdtempSync(join(TMP, "stable-output-"));
    cpSync(join(ROOT, "fixtures/demo"), dir, { recursive: true, filter: (src) => !src.endsWith(".fawkes") });
    before = buildFiles(dir);
    const controller = join(dir, "app/controllers/page-controller.ts");
    writeFileSync(controller, readFileSync(controller, "utf8") + ADDED_ACTION);
    insertRoute(dir, '    r.get("/continue"', ADDED_ROUTE);
    after = buildFiles(dir);
    // A second change on top: a scope with a pipeThrough list no route had, and a call whose own
    // path (`/comments`) another call has too, before the other scopes' routes.
    insertRoute(dir, '    r.get("/chat"', '    r.scope("/beta", { as: "beta" }, () => {\n      r.pipeThrough("api");\n      r.resources("/comments", CommentController, { only: ["index"] });\n    });\n');
    scoped = buildFiles(dir);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the second build has the route, after GET /continue", () => {
    const routes = after.get(".fawkes/routes.gen.ts")!;
    expect(routes).toContain('path: "/pricing"');
    expect(routes.indexOf('path: "/continue"')).toBeLessThan(routes.indexOf('path: "/pricing"'));
    expect(routes.indexOf('path: "/pricing"')).toBeLessThan(routes.indexOf('path: "/users"'));
  });

  it("each generated file changes only the lines about the added route", () => {
    const changes = perFile(before, after, withoutLineNumbers);
    console.log(
      "one route added to the demo, lines changed per file (removed/added):\n" + table(perFile(before, after)) +
        "\nthe same, router line numbers aside (the later routes' references move by one line):\n" + table(changes),
    );
    // A route's own lines: routes 2 (comment + record) and its count; dispatch its call in
    // EXPECTED, the call's name, the route's name, comment + entry; actions its conn type (2)
    // and the count; matcher its name, its constant match, its code in the trees and the trees'
    // route counts; helpers the action in pagePath's unions and the list of its lines, its case.
    // Nothing else: no later route's line is renamed or renumbered.
    expect(changes["routes.gen.ts"]).toEqual({ removed: 1, added: 3 });
    expect(changes["dispatch.gen.ts"]).toEqual({ removed: 0, added: 5 });
    expect(changes["actions.gen.ts"]).toEqual({ removed: 1, added: 3 });
    expect(changes["router.gen.ts"]).toEqual({ removed: 0, added: 0 });
    expect(changes["matcher.gen.ts"].removed).toBeLessThanOrEqual(4);
    expect(changes["matcher.gen.ts"].added).toBeLessThanOrEqual(40);
    expect(changes["helpers.gen.ts"].removed).toBeLessThanOrEqual(6);
    expect(changes["helpers.gen.ts"].added).toBeLessThanOrEqual(10);
    // The templates do not depend on the route table's order.
    expect(changes["templates.gen.ts"]).toEqual({ removed: 0, added: 0 });
  });

  it("a new pipeThrough list and a call sharing another's path rename nothing either", () => {
    const changes = perFile(after, scoped, withoutLineNumbers);
    // One route (GET /beta/comments): its lines as above, plus one shared plug
    // list (PIPE_browser_api) in dispatch.
    expect(changes["routes.gen.ts"]).toEqual({ removed: 1, added: 3 });
    expect(changes["dispatch.gen.ts"]).toEqual({ removed: 0, added: 6 });
    const dispatch = scoped.get(".fawkes/dispatch.gen.ts")!;
    expect(dispatch).toContain('const PIPE_browser_api = pipelinePlugs(collected, ["browser","api"]);');
    expect(dispatch).toContain("call: C_resources_beta_comments }");
    expect(dispatch).toContain("call: C_resources_users_posts_comments }");
  });

  it("the line count is a real diff: index-numbered output would fail it", () => {
    // Twenty records numbered by position, then one inserted after the tenth: the ten after it renumber.
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const numbered = (list: string[]) => list.map((n, i) => `{ index: ${i}, name: ${n} }`).join("\n");
    expect(lineChanges(numbered(names), numbered([...names.slice(0, 10), "added", ...names.slice(10)]))).toEqual({ removed: 10, added: 11 });
    expect(lineChanges("a\nb\nc", "a\nx\nb\nc")).toEqual({ removed: 0, added: 1 });
  });
});

describe("generated modules are marked linguist-generated", () => {
  /** `git check-attr linguist-generated` of each path, in the repository at `repo`. */
  const generated = (repo: string, paths: string[]) =>
    execFileSync("git", ["check-attr", "linguist-generated", "--", ...paths], { cwd: repo, encoding: "utf8" })
      .trim().split("\n").map((line) => line.slice(line.lastIndexOf(": ") + 2));

  it("in this repository: the demo's, the goldens (a mounted router's folder too) and diagnostics", () => {
    const paths = ["fixtures/demo/.fawkes/routes.gen.ts", "fixtures/router/mount/expected/admin/reports/dispatch.gen.ts", "fixtures/router/errors-routes/expected/diagnostics.txt"];
    expect(generated(ROOT, paths)).toEqual(["true", "true", "true"]);
    expect(generated(ROOT, ["compiler/emit/dispatch.ts"])).toEqual(["unspecified"]);
  });

  it("in an app `fawkes new` makes: .fawkes/ and the folder of a mounted router, not app/", () => {
    mkdirSync(TMP, { recursive: true });
    const repo = mkdtempSync(join(TMP, "gitattributes-"));
    try {
      execFileSync("git", ["init", "-q"], { cwd: repo });
      writeFileSync(join(repo, ".gitattributes"), readFileSync(join(ROOT, "compiler/cli/scaffold/common/_gitattributes.tmpl"), "utf8"));
      expect(generated(repo, [".fawkes/routes.gen.ts", ".fawkes/admin/dispatch.gen.ts", ".fawkes/admin/reports/helpers.gen.ts", "app/router.ts"])).toEqual(["true", "true", "true", "unspecified"]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
