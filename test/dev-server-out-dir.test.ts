// `fawkes server` with the generated modules somewhere else than `.fawkes`: the config's
// `outDir`, or --out. The dev server must treat that folder as it treats `.fawkes`: the plugin's
// own writes there are not edits (no second build after each one), and it is not watched as the
// app's input. Until 2026-12-07 it ignored only `--out` as typed (not the config's outDir, not
// `./gen/` for `gen`), and every build's writes came back as a change of the generated files.
// Each edit here is followed by a sentinel (a static file: a reload of its own, queued behind
// any build the edit's writes would have caused), so what came between is all there was.

import { describe, expect, it } from "vitest";
import { devServerSuite, fixtureText, pageWithPid, WAIT_MS, type DevRun } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const HOME = "app/templates/page/home.html.eta";
const ROUTER = "app/router.ts";
const PAGE_CONTROLLER = `import { render, type Conn } from "fawkes";\n\nexport function home(conn: Conn): Conn {\n  return render(conn, "home.html", { pageTitle: "Home", pid: process.pid });\n}\n`;
const home = (text: string) => `<%/* @type { pageTitle: string; pid: number } */%>\n<h1 id="title" data-pid="<%= it.pid %>">${text}</h1>\n`;
// The fixture's endpoint and router, the generated modules' folder and the ping route varied.
const endpoint = (out: string) => fixtureText("app/endpoint.ts", ["../.fawkes/", `../${out}/`]);
const router = (ping: string) => fixtureText("app/router.ts", ['r.get("/ping",', `r.get(${JSON.stringify(ping)},`]);

let sentinels = 0;
/**
 * `write` made, then a static file written once its reload came: the reasons of every reload
 * until the sentinel's, and what the dev server printed meanwhile.
 */
async function editThenSentinel(dev: DevRun, write: () => void): Promise<{ reasons: string[]; printed: string }> {
  const live = await dev.live();
  await live.next("hello");
  const since = dev.output().length;
  write();
  const reasons = [(await live.next("reload")).reason ?? ""];
  const sentinel = `priv/static/sentinel-${++sentinels}.txt`;
  dev.write(sentinel, "sentinel\n");
  for (;;) {
    const reason = (await live.next("reload")).reason ?? "";
    if (reason === `${sentinel} changed`) break;
    reasons.push(reason);
  }
  live.close();
  return { reasons, printed: dev.output().slice(since) };
}

/** The same tests for each way of naming the folder. */
function outDirSuite(name: string, out: string, files: Record<string, string>, args: string[]): void {
  describe(`fawkes server: generated modules in ${name}`, () => {
    const app = devServerSuite({
      "app/controllers/page-controller.ts": PAGE_CONTROLLER,
      "app/endpoint.ts": endpoint(out),
      [HOME]: home("first text"),
      [ROUTER]: router("/ping"),
      ...files,
    }, args);

    it("the first build wrote there, and its writes were no edit", SLOW, async () => {
      expect(app.dev.read(`${out}/router.gen.ts`)).toContain("GENERATED");
      const page = await pageWithPid(app.dev.url);
      expect(page.body).toContain("first text");
      // The sentinel comes first: no build of the generated files' change ran before it.
      const { reasons, printed } = await editThenSentinel(app.dev, () => app.dev.write("priv/static/first.txt", "first\n"));
      expect(reasons).toEqual(["priv/static/first.txt changed"]);
      expect(printed).not.toMatch(/rebuilt in/);
      expect(app.dev.output()).not.toContain(`${out}/`);
    });

    it("a template edit is one build, swapped in", SLOW, async () => {
      const before = await pageWithPid(app.dev.url);
      const { reasons, printed } = await editThenSentinel(app.dev, () => app.dev.write(HOME, home("second text")));
      expect(reasons).toEqual([`${HOME} changed`]);
      expect(printed.match(/\[fawkes\] rebuilt in/g)).toHaveLength(1);
      expect(printed).toMatch(/1 template swapped into the app/);
      expect(printed).not.toContain(`${out}/`);
      const after = await pageWithPid(app.dev.url);
      expect(after.body).toContain("second text");
      expect(after.pid).toBe(before.pid);
    });

    it("a router edit is one build, swapped in", SLOW, async () => {
      const { reasons, printed } = await editThenSentinel(app.dev, () => app.dev.write(ROUTER, router("/pong")));
      expect(reasons).toEqual([`${ROUTER} changed`]);
      expect(printed.match(/\[fawkes\] rebuilt in/g)).toHaveLength(1);
      expect(printed).toMatch(/the router swapped into the app/);
      expect(printed).not.toContain(`${out}/`);
      expect(app.dev.read(`${out}/routes.gen.ts`)).toContain("/api/pong");
      expect((await fetch(app.dev.url + "/api/pong")).status).toBe(200);
    });
  });
}

outDirSuite("the config's outDir (./gen/)", "gen", { "fawkes.config.ts": `import { defineConfig } from "fawkes/config";\n\nexport default defineConfig({\n  outDir: "./gen/",\n  static: { dir: "priv/static" },\n  server: { entry: "server.ts", watch: ["data/*.json"] },\n});\n` }, []);
outDirSuite("--out ./generated/", "generated", {}, ["--out", "./generated/"]);
