// `fawkes server` over real sockets: the built CLI serving a copy of fixtures/dev-app on port 0.
// Each change below waits for the live-reload socket's message (or the line the server prints),
// then checks what the same port serves.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { globToRegExp, matcher } from "../compiler/cli/server/watch.js";
import { BIN, copyFixture, getPage, removeFixture, startServer, stopAll, WAIT_MS, type DevRun } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const dirs: string[] = [];
const fixture = (files?: Record<string, string | null>) => {
  const dir = copyFixture(files);
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await stopAll();
  for (const d of dirs) removeFixture(d);
}, WAIT_MS);

const HOME = "app/templates/page/home.html.eta";
const ROUTER = "app/router.ts";

/** The app's pid, from the process that answers: each restart is a new one. */
const ABOUT_CONTROLLER = `import { render, type Conn } from "fawkes";\n\nexport function show(conn: Conn): Conn {\n  return render(conn, "show.html", { pageTitle: "About", pid: process.pid });\n}\n`;

describe("fawkes server", () => {
  let dev: DevRun;

  it("serves the app on its port, with the reload script in HTML answers only", SLOW, async () => {
    dev = await startServer(fixture());
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1 id="title">Hello from dev-app</h1>');
    expect(page.body).toMatch(/<script src="\/__fawkes\/live\.js" data-build="\d+"><\/script><\/body>/);
    const ping = await fetch(dev.url + "/api/ping");
    expect(ping.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await ping.json()).toEqual({ pong: 1 });
    const css = await fetch(dev.url + "/css/app.css");
    expect(await css.text()).toBe("h1 { color: rgb(0, 0, 255); }\n");
    const script = await fetch(dev.url + "/__fawkes/live.js");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("location.reload()");
    // The app printed its address: the dev server's port, where it really listens is the proxy's business.
    expect(dev.output()).toContain(`dev-app listening on ${dev.url}`);
    expect(dev.output()).toMatch(/\[fawkes\] built in \d+ ms, app started in \d+ ms/);
  });

  it("a template edit is swapped into the running app (no restart) and tells the page to reload", SLOW, async () => {
    const live = await dev.live();
    const hello = await live.next("hello");
    const started = dev.output().match(/dev-app listening on/g)!.length;
    dev.write(HOME, dev.read(HOME).replace("Hello from dev-app", "Edited in place"));
    const reload = await live.next("reload");
    expect(reload.reason).toBe(`${HOME} changed`);
    expect(Number(reload.build)).toBeGreaterThan(Number(hello.build));
    expect((await getPage(dev.url + "/")).body).toContain('<h1 id="title">Edited in place</h1>');
    expect(dev.output()).toMatch(/\[fawkes\] rebuilt in \d+ ms, 1 template swapped into the app in \d+ ms \(app\/templates\/page\/home\.html\.eta changed\)/);
    // The same process serves it: no app started since.
    expect(dev.output().match(/dev-app listening on/g)!.length).toBe(started);
    live.close();
  });

  it("a controller and its template created, routed, then deleted: each a rebuild and a reload", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    dev.write("app/templates/about/show.html.eta", "<%/* @type { pid: number } */%>\n<p id=\"about\">About, from <%= it.pid %></p>\n");
    dev.write("app/controllers/about-controller.ts", ABOUT_CONTROLLER);
    const router = dev.read(ROUTER);
    dev.write(ROUTER, router.replace('import * as ApiController', 'import * as AboutController from "./controllers/about-controller.js";\nimport * as ApiController').replace('r.get("/", PageController, "home");', 'r.get("/", PageController, "home");\n    r.get("/about", AboutController, "show");'));
    await live.next("reload");
    // The last write may land in a second build: wait until /about is served.
    let about = await getPage(dev.url + "/about");
    while (about.status !== 200) {
      await live.next("reload");
      about = await getPage(dev.url + "/about");
    }
    const firstPid = Number(/About, from (\d+)/.exec(about.body)?.[1]);
    expect(firstPid).toBeGreaterThan(0);

    // The controller edited: a new process serves it.
    dev.write("app/controllers/about-controller.ts", ABOUT_CONTROLLER.replace('pageTitle: "About"', 'pageTitle: "About us"'));
    await live.next("reload");
    const edited = await getPage(dev.url + "/about");
    expect(edited.body).toContain("<title>About us · dev-app</title>");
    expect(Number(/About, from (\d+)/.exec(edited.body)?.[1])).not.toBe(firstPid);

    // Deleted: the route, the controller and the template go; /about is a 404 again.
    dev.write(ROUTER, router);
    dev.write("app/controllers/about-controller.ts", null);
    dev.write("app/templates/about/show.html.eta", null);
    let gone = await getPage(dev.url + "/about");
    while (gone.status !== 404) {
      await live.next("reload");
      gone = await getPage(dev.url + "/about");
    }
    expect(gone.status).toBe(404);
    expect(dev.read(".fawkes/templates.gen.ts")).not.toContain("about/show.html");
    expect(existsSync(join(dev.dir, ".fawkes/templates/about/show.html.gen.ts")), "the deleted template's module").toBe(false);
    expect((await getPage(dev.url + "/")).status).toBe(200);
    live.close();
  });

  it("a broken template: page loads get the error page at file:line:col with the code, the rest is the last good build; a fix brings the app back", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    const good = dev.read(HOME);
    const bad = "<% if (it.pageTitle { %>";
    const column = bad.indexOf("{") + 1;
    dev.write(HOME, good + bad + "\n");
    expect((await live.next("reload")).reason).toBe("the build failed");
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain("<h1>Compile error</h1>");
    expect(page.body).toContain(`<p class="where">${HOME}:3:${column}</p>`);
    expect(page.body).toContain("<h2>`{` is never closed</h2>");
    // The code frame: the line marked, a caret under the column.
    expect(page.body).toContain(`&#62; 3 | &#60;% if (it.pageTitle { %&#62;\n    | ${" ".repeat(column - 1)}^`);
    expect(page.body).toContain("<li>hint: close it in a later tag: &#60;% } %&#62;</li>");
    expect(page.body).not.toContain("fawkes-failed");
    // The reload script is on the error page too.
    expect(page.body).toContain('<script src="/__fawkes/live.js"');
    // Not a page load: the last good build answers.
    expect(await (await fetch(dev.url + "/api/ping")).json()).toEqual({ pong: 1 });
    expect((await fetch(dev.url + "/css/app.css")).status).toBe(200);
    // The terminal has it too, at the same place.
    expect(dev.output()).toContain(`${HOME}:3:${column - 1}:`); // esbuild's columns count from 0

    dev.write(HOME, good);
    const back = await live.next("reload");
    expect(back.reason).toBe(`${HOME} changed`);
    const fixed = await getPage(dev.url + "/");
    expect(fixed.status).toBe(200);
    expect(fixed.body).toContain('<h1 id="title">');
    live.close();
  });

  it("a router mistake only types show (a missing action) arrives after the reload and still reaches the error page; fixing it brings the app back", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    const good = dev.read(ROUTER);
    const broken = good.replace('r.get("/", PageController, "home");', 'r.get("/", PageController, "hom");');
    const since = dev.output().length;
    dev.write(ROUTER, broken);
    // The build (the router read from its syntax) is served, and the type check reports from its
    // worker thread: two reloads, in either order (the check may beat the app's restart).
    const reasons = async () => [(await live.next("reload")).reason, (await live.next("reload")).reason].sort();
    expect(await reasons()).toEqual([`${ROUTER} changed`, "type errors"]);
    expect((await dev.waitForOutput(/\[fawkes\] type check: 1 error in \d+ ms/, since))[0]).toBeTruthy();
    expect(dev.output().slice(since)).toContain('PageController has no action "hom" [ACTION_MISSING]');
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.body).toContain("<h1>Type error</h1>");
    const line = broken.split("\n").findIndex((l) => l.includes('"hom"')) + 1;
    const column = broken.split("\n")[line - 1].indexOf('"hom"') + 1;
    expect(page.body).toContain(`<p class="where">${ROUTER}:${line}:${column}</p>`);
    expect(page.body).toContain("<h2>PageController has no action &#34;hom&#34; [ACTION_MISSING]</h2>");
    expect(page.body).toContain(`&#62; ${line} |     r.get(&#34;/&#34;, PageController, &#34;hom&#34;);`);
    expect(await (await fetch(dev.url + "/api/ping")).json()).toEqual({ pong: 1 });
    dev.write(ROUTER, good);
    expect(await reasons()).toEqual([`${ROUTER} changed`, "the type errors are fixed"]);
    expect((await getPage(dev.url + "/")).status).toBe(200);
    live.close();
  });

  it("a TypeScript syntax error in a controller is esbuild's message at its line, with the frame", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    const file = "app/controllers/api-controller.ts";
    const good = dev.read(file);
    dev.write(file, good.replace("return json(conn, { pong: 1 });", "return json(conn, { pong: 1 );"));
    await live.next("reload");
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.body).toMatch(new RegExp(`<p class="where">${file}:4:\\d+</p>`));
    expect(page.body).toContain("&#62; 4 |   return json(conn, { pong: 1 );");
    // The API still answers from the last good build.
    expect(await (await fetch(dev.url + "/api/ping")).json()).toEqual({ pong: 1 });
    dev.write(file, good.replace("pong: 1", "pong: 2"));
    await live.next("reload");
    expect(await (await fetch(dev.url + "/api/ping")).json()).toEqual({ pong: 2 });
    live.close();
  });

  it("an app that throws while starting: its output on the page, the last good build serving", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    const good = dev.read("server.ts");
    dev.write("server.ts", 'throw new Error("no database at startup");\n' + good);
    expect((await live.next("reload")).reason).toBe("the app did not start");
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.body).toContain("<h1>The app did not start</h1>");
    expect(page.body).toContain("Error: no database at startup");
    expect(await (await fetch(dev.url + "/api/ping")).json()).toEqual({ pong: 2 });
    dev.write("server.ts", good);
    await live.next("reload");
    expect((await getPage(dev.url + "/")).status).toBe(200);
    live.close();
  });

  it("a stylesheet change is a CSS swap, not a reload; other static files reload; a file the app does not use changes nothing", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    dev.write("priv/static/css/app.css", "h1 { color: rgb(255, 0, 0); }\n");
    expect(await live.next()).toEqual({ type: "css", path: "/css/app.css" });
    expect(await (await fetch(dev.url + "/css/app.css")).text()).toBe("h1 { color: rgb(255, 0, 0); }\n");

    dev.write("priv/static/robots.txt", "User-agent: *\n");
    expect(await live.next()).toMatchObject({ type: "reload", reason: "priv/static/robots.txt changed" });

    const since = dev.output().length;
    dev.write("notes.md", "not part of the app\n");
    await dev.waitForOutput(/rebuilt in \d+ ms, no change to the app \(notes\.md changed\)/, since);
    expect(live.queued()).toEqual([]);
    live.close();
  });

  it("a file matching the config's server.watch restarts the app though the bundle is the same", SLOW, async () => {
    const live = await dev.live();
    await live.next("hello");
    const since = dev.output().length;
    dev.write("data/greeting.json", '{ "hello": "world" }\n');
    expect(await live.next()).toMatchObject({ type: "reload", reason: "data/greeting.json changed" });
    await dev.waitForOutput(/app restarted in \d+ ms \(data\/greeting\.json changed\)/, since);
    live.close();
  });

  it("stops the app when it stops", SLOW, async () => {
    await dev.stop();
    expect(dev.child.exitCode).toBe(0);
    // Every app process it started is gone too (each printed its pid), and the port is closed.
    const pids = [...dev.output().matchAll(/dev-app listening on \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThan(5);
    for (const pid of pids) expect(() => process.kill(pid, 0), `app process ${pid}`).toThrow();
    await expect(fetch(dev.url + "/")).rejects.toThrow();
  });
});

describe("fawkes server with a first build that fails", () => {
  it("serves the error page (and 503 to the rest) until a fix builds, then reloads into the app", SLOW, async () => {
    const broken = await startServer(fixture({ [HOME]: "<% if (x { %>\n" }));
    try {
      const live = await broken.live();
      await live.next("hello");
      const page = await getPage(broken.url + "/");
      expect(page.status).toBe(500);
      expect(page.body).toContain("Nothing has built yet.");
      expect(page.body).toContain(`<p class="where">${HOME}:1:10</p>`);
      // Nothing to serve the rest from: a plain-text 503 that says why.
      const ping = await fetch(broken.url + "/api/ping");
      expect(ping.status).toBe(503);
      expect(await ping.text()).toContain(`${HOME}:1:10: \`{\` is never closed`);
      broken.write(HOME, "<h1 id=\"title\">Fixed</h1>\n");
      expect(await live.next()).toMatchObject({ type: "reload", reason: `${HOME} changed` });
      expect((await getPage(broken.url + "/")).body).toContain('<h1 id="title">Fixed</h1>');
      expect(await (await fetch(broken.url + "/api/ping")).json()).toEqual({ pong: 1 });
      live.close();
    } finally {
      await broken.stop();
    }
  });
});

describe("server.watch patterns", () => {
  it("globs match paths relative to the root; regular expressions are tested as they are", () => {
    const m = matcher(["data/*.json", "priv/**/*.{txt,md}", /^notes\/.+\.yml$/g]);
    expect(["data/a.json", "priv/x.txt", "priv/a/b/c.md", "notes/a.yml", "notes/b.yml"].filter(m)).toEqual(["data/a.json", "priv/x.txt", "priv/a/b/c.md", "notes/a.yml", "notes/b.yml"]);
    expect(["data/a/b.json", "data/a.jsonx", "xdata/a.json", "priv/x.css", "notes.yml"].filter(m)).toEqual([]);
    expect(globToRegExp("./a?c.(x)").test("abc.(x)")).toBe(false); // "./" is for the caller to strip
    expect(matcher(["./a?c.(x)"])("abc.(x)")).toBe(true);
  });
});

describe("fawkes server --prod", () => {
  it("bundles once and runs the bundle: no reload script, no watcher, NODE_ENV=production", SLOW, async () => {
    const dir = fixture();
    const prod = await startServer(dir, ["--prod"]);
    try {
      expect(prod.output()).toMatch(/\[fawkes\] wrote _build\/server\.mjs in \d+ ms/);
      const page = await getPage(prod.url + "/");
      expect(page.status).toBe(200);
      expect(page.body).toContain('<h1 id="title">Hello from dev-app</h1>');
      expect(page.body).not.toContain("__fawkes");
      expect((await fetch(prod.url + "/__fawkes/live.js")).status).toBe(404);
      // Production error pages: no debug page for a 404.
      const missing = await getPage(prod.url + "/nowhere");
      expect(missing.status).toBe(404);
      expect(missing.body).not.toContain("__fawkes");
    } finally {
      await prod.stop();
    }
  });

  it("--build-only writes the bundle and exits; a broken build exits 1 with the diagnostic", SLOW, () => {
    const dir = fixture();
    const built = spawnSync(process.execPath, [BIN, "server", "--prod", "--build-only"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/wrote _build\/server\.mjs/);
    const broken = fixture({ [HOME]: "<% if (x { %>\n" });
    const failed = spawnSync(process.execPath, [BIN, "server", "--prod", "--build-only"], { cwd: broken, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain("`{` is never closed");
    expect(failed.stderr).toContain(`${HOME}:1:9:`);
  });
});

describe("fawkes server's command line", () => {
  const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

  it("--help lists its options", () => {
    const help = cli(["server", "--help"], fixture());
    expect(help.status).toBe(0);
    for (const option of ["-p, --port PORT", "--host HOST", "--entry FILE", "--prod", "--build-only", "--config FILE"]) expect(help.stdout).toContain(option);
  });

  it("a wrong port, --build-only without --prod and a missing entry are errors that say what to do", () => {
    const dir = fixture();
    const port = cli(["server", "--port", "eighty"], dir);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port must be a port number from 0 to 65535, got "eighty"');
    const buildOnly = cli(["server", "--build-only"], dir);
    expect(buildOnly.status).toBe(2);
    expect(buildOnly.stderr).toContain("--build-only writes the production bundle: use it with --prod");
    const entry = cli(["server", "--entry", "main.ts"], dir);
    expect(entry.status).toBe(1);
    expect(entry.stderr).toContain("main.ts does not exist");
    const workers = cli(["server", "--workers", "2"], dir);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toContain("--workers is for production (fawkes server --prod --workers N)");
    const badWorkers = cli(["server", "--prod", "--workers", "0"], dir);
    expect(badWorkers.status).toBe(2);
    expect(badWorkers.stderr).toContain('--workers must be a whole number of at least 1 or "auto", got "0"');
    const typo = cli(["server", "--entyr", "main.ts"], dir);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("unknown option --entyr (did you mean --entry?)");
  });
});
