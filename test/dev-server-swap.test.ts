// `fawkes server`'s template swap (compiler/cli/server/templates-tree.ts): a template edit is
// built alone and swapped into the running app, no bundle and no restart. Real edits on a copy
// of fixtures/dev-app with a partial and a frame layout added; each waits for the live-reload
// message, then reads what the same port serves and which process serves it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, getPage, removeFixture, startServer, stopAll, WAIT_MS, type DevRun } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const HOME = "app/templates/page/home.html.eta";
const PARTIAL = "app/templates/page/_greeting.html.eta";
const ROOT_LAYOUT = "app/templates/layouts/root.html.eta";
const FRAME = "app/templates/layouts/frame.html.eta";
// The page says which process rendered it: a swap keeps the process, a restart is a new one.
const CONTROLLER = `import { render, type Conn } from "fawkes";\n\nexport function home(conn: Conn): Conn {\n  return render(conn, "home.html", { pageTitle: "Home", pid: process.pid });\n}\n`;
const GREETING = `<p id="greeting">Hi <%= it.name %></p>\n`;

describe("fawkes server: template edits swapped into the running app", () => {
  let dir = "";
  let dev: DevRun;
  const pidOf = async () => {
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(200);
    return { body: page.body, pid: Number(/data-pid="(\d+)"/.exec(page.body)?.[1]) };
  };

  beforeAll(async () => {
    dir = copyFixture({
      "app/controllers/page-controller.ts": CONTROLLER,
      [HOME]: `<%/* @type { pageTitle: string; pid: number } */%>\n<h1 id="title" data-pid="<%= it.pid %>">Hello from dev-app</h1>\n<%~ include("./_greeting.html.eta", { name: "dev" }) %>\n`,
      [PARTIAL]: GREETING,
      [FRAME]: `<div class="frame"><%~ it.body %></div>\n`,
    });
    dev = await startServer(dir);
  }, 2 * WAIT_MS);

  afterAll(async () => {
    await stopAll();
    if (dir) removeFixture(dir);
  }, WAIT_MS);

  it("a partial's edit reaches the page that includes it (a direct call), in the same process", SLOW, async () => {
    const before = await pidOf();
    expect(before.body).toContain('<p id="greeting">Hi dev</p>');
    const live = await dev.live();
    await live.next("hello");
    const since = dev.output().length;
    dev.write(PARTIAL, GREETING.replace("Hi", "Hello again,"));
    expect((await live.next("reload")).reason).toBe(`${PARTIAL} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<p id="greeting">Hello again, dev</p>');
    expect(after.pid).toBe(before.pid);
    expect(dev.output().slice(since)).toMatch(/\[fawkes\] rebuilt in \d+ ms, 1 template swapped into the app in \d+ ms \(app\/templates\/page\/_greeting\.html\.eta changed\)/);
    live.close();
  });

  it("the root layout's edit (rendered by name, through the templates table) is swapped in", SLOW, async () => {
    const before = await pidOf();
    const live = await dev.live();
    await live.next("hello");
    dev.write(ROOT_LAYOUT, dev.read(ROOT_LAYOUT).replace("<body>", '<body class="swapped">'));
    expect((await live.next("reload")).reason).toBe(`${ROOT_LAYOUT} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<body class="swapped">');
    expect(after.body).toContain('<p id="greeting">Hello again, dev</p>');
    expect(after.pid).toBe(before.pid);
    live.close();
  });

  it("a broken template gets the error page while the app serves the rest; a fix with new text is swapped in", SLOW, async () => {
    const before = await pidOf();
    const live = await dev.live();
    await live.next("hello");
    dev.write(PARTIAL, `<p id="greeting"><% if (it.name { %>broken</p>\n`);
    expect((await live.next("reload")).reason).toBe("the build failed");
    const page = await getPage(dev.url + "/");
    expect(page.status).toBe(500);
    expect(page.body).toContain("<h1>Compile error</h1>");
    expect(page.body).toContain(`<p class="where">${PARTIAL}:1:`);
    // Not a page load: the app, as it was.
    expect(await (await fetch(dev.url + "/api/ping")).json()).toEqual({ pong: 1 });

    const since = dev.output().length;
    dev.write(PARTIAL, GREETING.replace("Hi", "Fixed for"));
    expect((await live.next("reload")).reason).toBe(`${PARTIAL} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<p id="greeting">Fixed for dev</p>');
    expect(after.pid).toBe(before.pid);
    expect(dev.output().slice(since)).toMatch(/1 template swapped into the app/);
    live.close();
  });

  it("a fix that brings back the text the app runs swaps nothing and clears the error page", SLOW, async () => {
    const before = await pidOf();
    const live = await dev.live();
    await live.next("hello");
    const good = dev.read(PARTIAL);
    dev.write(PARTIAL, good + "<% } %>\n");
    expect((await live.next("reload")).reason).toBe("the build failed");
    expect((await getPage(dev.url + "/")).status).toBe(500);
    const since = dev.output().length;
    dev.write(PARTIAL, good);
    expect((await live.next("reload")).reason).toBe(`${PARTIAL} changed`);
    const after = await pidOf();
    expect(after.body).toContain('<p id="greeting">Fixed for dev</p>');
    expect(after.pid).toBe(before.pid);
    expect(dev.output().slice(since)).toMatch(/no change to the app \(app\/templates\/page\/_greeting\.html\.eta changed\)/);
    live.close();
  });

  it("an edit that changes what a template's module exports (a layout makes it async too) restarts the app instead", SLOW, async () => {
    const before = await pidOf();
    const live = await dev.live();
    await live.next("hello");
    const since = dev.output().length;
    dev.write(PARTIAL, `<% layout("/layouts/frame.html.eta") %>` + GREETING);
    await live.next("reload");
    const after = await pidOf();
    expect(after.body).toContain('<div class="frame">');
    expect(after.pid).not.toBe(before.pid);
    expect(dev.output().slice(since)).toMatch(/app restarted in \d+ ms \(app\/templates\/page\/_greeting\.html\.eta changed\)/);
    live.close();
  });
});
