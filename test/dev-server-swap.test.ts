// `fawkes server`'s template swap (compiler/cli/server/templates-tree.ts): a template edit is
// built alone and swapped into the running app, no bundle and no restart. Real edits on a copy
// of fixtures/dev-app with a partial and a frame layout added; each waits for the live-reload
// message, then reads what the same port serves and which process serves it.

import { describe, expect, it } from "vitest";
import { devServerSuite, getPage, pageWithPid, WAIT_MS } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const HOME = "app/templates/page/home.html.eta";
const PARTIAL = "app/templates/page/_greeting.html.eta";
const ROOT_LAYOUT = "app/templates/layouts/root.html.eta";
const FRAME = "app/templates/layouts/frame.html.eta";
// The page says which process rendered it: a swap keeps the process, a restart is a new one.
const CONTROLLER = `import { render, type Conn } from "fawkes";\n\nexport function home(conn: Conn): Conn {\n  return render(conn, "home.html", { pageTitle: "Home", pid: process.pid });\n}\n`;
const GREETING = `<p id="greeting">Hi <%= it.name %></p>\n`;

describe("fawkes server: template edits swapped into the running app", () => {
  const app = devServerSuite({
    "app/controllers/page-controller.ts": CONTROLLER,
    [HOME]: `<%/* @type { pageTitle: string; pid: number } */%>\n<h1 id="title" data-pid="<%= it.pid %>">Hello from dev-app</h1>\n<%~ include("./_greeting.html.eta", { name: "dev" }) %>\n`,
    [PARTIAL]: GREETING,
    [FRAME]: `<div class="frame"><%~ it.body %></div>\n`,
  });
  const pidOf = () => pageWithPid(app.dev.url);

  it("a partial's edit reaches the page that includes it (a direct call), in the same process", SLOW, async () => {
    const before = await pidOf();
    expect(before.body).toContain('<p id="greeting">Hi dev</p>');
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    app.dev.write(PARTIAL, GREETING.replace("Hi", "Hello again,"));
    expect((await live.next("reload")).reason).toBe(`${PARTIAL} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<p id="greeting">Hello again, dev</p>');
    expect(after.pid).toBe(before.pid);
    expect(app.dev.output().slice(since)).toMatch(/\[fawkes\] rebuilt in \d+ ms, 1 template swapped into the app in \d+ ms \(app\/templates\/page\/_greeting\.html\.eta changed\)/);
    live.close();
  });

  it("the root layout's edit (rendered by name, through the templates table) is swapped in", SLOW, async () => {
    const before = await pidOf();
    const live = await app.dev.live();
    await live.next("hello");
    app.dev.write(ROOT_LAYOUT, app.dev.read(ROOT_LAYOUT).replace("<body>", '<body class="swapped">'));
    expect((await live.next("reload")).reason).toBe(`${ROOT_LAYOUT} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<body class="swapped">');
    expect(after.body).toContain('<p id="greeting">Hello again, dev</p>');
    expect(after.pid).toBe(before.pid);
    live.close();
  });

  it("a broken template gets the error page while the app serves the rest; a fix with new text is swapped in", SLOW, async () => {
    const before = await pidOf();
    const live = await app.dev.live();
    await live.next("hello");
    app.dev.write(PARTIAL, `<p id="greeting"><% if (it.name { %>broken</p>\n`);
    expect((await live.next("reload")).reason).toBe("the build failed");
    const page = await getPage(app.dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.body).toContain("<h1>Compile error</h1>");
    expect(page.body).toContain(`<p class="where">${PARTIAL}:1:`);
    // Not a page load: the app, as it was.
    expect(await (await fetch(app.dev.url + "/api/ping")).json()).toEqual({ pong: 1 });

    const since = app.dev.output().length;
    app.dev.write(PARTIAL, GREETING.replace("Hi", "Fixed for"));
    expect((await live.next("reload")).reason).toBe(`${PARTIAL} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<p id="greeting">Fixed for dev</p>');
    expect(after.pid).toBe(before.pid);
    expect(app.dev.output().slice(since)).toMatch(/1 template swapped into the app/);
    live.close();
  });

  it("a fix that brings back the text the app runs swaps nothing and clears the error page", SLOW, async () => {
    const before = await pidOf();
    const live = await app.dev.live();
    await live.next("hello");
    const good = app.dev.read(PARTIAL);
    app.dev.write(PARTIAL, good + "<% } %>\n");
    expect((await live.next("reload")).reason).toBe("the build failed");
    expect((await getPage(app.dev.url + "/")).status).toBe(500);
    const since = app.dev.output().length;
    app.dev.write(PARTIAL, good);
    expect((await live.next("reload")).reason).toBe(`${PARTIAL} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<p id="greeting">Fixed for dev</p>');
    expect(after.pid).toBe(before.pid);
    expect(app.dev.output().slice(since)).toMatch(/no change to the app \(app\/templates\/page\/_greeting\.html\.eta changed\)/);
    live.close();
  });

  it("an edit that changes what a template's module exports (a layout makes it async too) restarts the app instead", SLOW, async () => {
    const before = await pidOf();
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    app.dev.write(PARTIAL, `<% layout("/layouts/frame.html.eta") %>` + GREETING);
    await live.next("reload");
    const after = await pidOf();
    expect(after.body).toContain('<div class="frame">');
    expect(after.pid).not.toBe(before.pid);
    expect(app.dev.output().slice(since)).toMatch(/app restarted in \d+ ms \(app\/templates\/page\/_greeting\.html\.eta changed\)/);
    live.close();
  });
});

// 492dc8e: a swap the app refuses restarts the app. Its modules were built already, so the tree
// read as unchanged and the rebuild ended "no change to the app", with no reload and the old
// template served (bench:build's dev round hung on it). This app freezes its templates table,
// so the swap's replacing of the edited function in it throws in the app process.
describe("fawkes server: a template swap the app refuses", () => {
  const app = devServerSuite({
    "app/controllers/page-controller.ts": CONTROLLER,
    [HOME]: `<%/* @type { pageTitle: string; pid: number } */%>\n<h1 id="title" data-pid="<%= it.pid %>">first text</h1>\n`,
    "server.ts": `import { endpoint } from "./app/endpoint.js";\nimport { templates } from "./.fawkes/templates.gen.js";\n\n// No function of the table can be replaced: the dev server's swap of an edited template throws here.\nObject.freeze(templates);\nawait endpoint.start();\nfor (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void endpoint.stop().then(() => process.exit(0)));\n`,
  });
  const page = () => pageWithPid(app.dev.url);

  it("restarts the app, which then serves the new text; the next edit too", SLOW, async () => {
    const first = await page();
    expect(first.body).toContain("first text");
    const live = await app.dev.live();
    await live.next("hello");
    let pid = first.pid;
    for (const text of ["second text", "third text"]) {
      const since = app.dev.output().length;
      app.dev.write(HOME, app.dev.read(HOME).replace(/>[a-z]+ text</, `>${text}<`));
      expect((await live.next("reload")).reason).toBe(`${HOME} changed`);
      const after = await page();
      expect(after.body).toContain(text);
      expect(after.pid).not.toBe(pid);
      const printed = app.dev.output().slice(since);
      expect(printed).toMatch(/\[fawkes\] the app could not swap the templates in \(TypeError: Cannot assign to read only property [^)]*\); restarting it/);
      expect(printed).toMatch(/app restarted in \d+ ms \(app\/templates\/page\/home\.html\.eta changed\)/);
      pid = after.pid;
    }
    live.close();
  });
});

// ES modules cannot be unloaded: the modules a swap replaced stay in the app's heap, and past
// FAWKES_DEV_SWAP_HEAP_MB of growth the next edit restarts the app (dev.ts, SWAP_HEAP_MB). At 0,
// every edit after a swap restarts: swap, restart, swap, each edit served.
describe("fawkes server: an app whose heap grew over its swaps is restarted at the next edit", () => {
  const app = devServerSuite({ "app/controllers/page-controller.ts": CONTROLLER, [HOME]: `<%/* @type { pageTitle: string; pid: number } */%>\n<h1 id="title" data-pid="<%= it.pid %>">Hello 0</h1>\n` }, [], { FAWKES_DEV_SWAP_HEAP_MB: "0" });
  const edit = async (n: number) => {
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    app.dev.write(HOME, app.dev.read(HOME).replace(/Hello \d+/, `Hello ${n}`));
    expect((await live.next("reload")).reason).toBe(`${HOME} changed`);
    live.close();
    const page = await pageWithPid(app.dev.url);
    expect(page.body).toContain(`Hello ${n}</h1>`);
    return { pid: page.pid, output: app.dev.output().slice(since) };
  };

  it("swapped, then restarted (a new process, the text served), then swapped into the new process", SLOW, async () => {
    const first = await pageWithPid(app.dev.url);
    const swapped = await edit(1);
    expect(swapped.pid).toBe(first.pid);
    expect(swapped.output).toMatch(/1 template swapped into the app/);
    expect(swapped.output).toMatch(/\[fawkes\] the app's heap grew by \d+ MB since it started \(each swap's old modules stay loaded: ES modules cannot be unloaded\); the next edit restarts it/);
    const restarted = await edit(2);
    expect(restarted.pid).not.toBe(first.pid);
    expect(restarted.output).toMatch(/\[fawkes\] rebuilt in \d+ ms, app restarted in \d+ ms \(app\/templates\/page\/home\.html\.eta changed\)/);
    expect(restarted.output).not.toMatch(/swapped into the app/);
    const again = await edit(3);
    expect(again.pid).toBe(restarted.pid);
    expect(again.output).toMatch(/1 template swapped into the app/);
  });
});
