// The Vite plugin, driven by Vite itself: an SSR build of an entry importing the generated helpers
// and templates (from disk and as virtual modules), a broken router failing the build at the
// router line, and a real dev server (port 0) serving the demo app through the plugin's
// middleware, with the full reload and the error overlay read off Vite's own HMR WebSocket.

import { build, createServer, type ViteDevServer } from "vite";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import WebSocket from "ws";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { fawkes } from "../plugin-esbuild/vite.js";
import { TMP } from "./support/app.js";

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const dirs: string[] = [];
const servers: ViteDevServer[] = [];
const sockets: WebSocket[] = [];
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await Promise.all(servers.map((s) => s.close()));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/**
 * Listens, and resolves once Vite's watcher has read the app's folders: its "ready" can come
 * before the scan of the root's subfolders ends, and a file written in a folder not yet read is
 * not reported (ignoreInitial). Waits on the watcher's own listing, not on time.
 */
async function listening(server: ViteDevServer): Promise<void> {
  const ready = new Promise((resolve) => server.watcher.once("ready", resolve));
  await server.listen();
  await ready;
  const root = server.config.root;
  const folders = [join(root, "app/templates/page"), join(root, "app/templates/components"), join(root, "app/controllers")];
  await vi.waitFor(() => {
    const watched = server.watcher.getWatched();
    for (const folder of folders) expect(watched[dirname(folder)] ?? []).toContain(folder.slice(dirname(folder).length + 1)), expect(watched[folder]?.length ?? 0).toBeGreaterThan(0);
  }, { timeout: 60_000, interval: 20 });
}

function copyDemo(): string {
  mkdirSync(TMP, { recursive: true }); // this file may be the first to run
  const dir = mkdtempSync(join(TMP, "vite-"));
  dirs.push(dir);
  cpSync(DEMO, dir, { recursive: true });
  rmSync(join(dir, ".fawkes"), { recursive: true, force: true });
  writeFileSync(
    join(dir, "entry.ts"),
    `import { Routes } from "./.fawkes/helpers.gen.js";\nimport { templates } from "./.fawkes/templates.gen.js";\n` +
      `export const path = Routes.userPath("show", 42);\nexport const page = templates["page/home.html"]({ users: [{ id: 1, name: "A&B", href: "/users/1" }] });\n`,
  );
  return dir;
}

const config = (dir: string) => ({
  root: dir,
  logLevel: "silent" as const,
  configFile: false as const,
  plugins: [fawkes()],
  resolve: { alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") } },
  build: { ssr: join(dir, "entry.ts"), outDir: join(dir, "out"), write: true, rollupOptions: { output: { entryFileNames: "entry.mjs" } } },
});

// Each test runs whole Vite builds: generous timeouts for a busy machine.
describe("fawkes/vite", { timeout: 180_000 }, () => {
  it("generates the modules before the build and bundles them; the router, its imports and the templates are watched", async () => {
    const dir = copyDemo();
    // Rolldown has no getWatchFiles(): Vite's own plugin context, with addWatchFile recorded on the way.
    const watched: string[] = [];
    const plugin = fawkes();
    const buildStart = plugin.buildStart as (this: { addWatchFile(f: string): void }, ...a: unknown[]) => Promise<void>;
    plugin.buildStart = async function (this: { addWatchFile(f: string): void }, ...args: unknown[]) {
      const context = Object.create(this, { addWatchFile: { value: (f: string) => (watched.push(f), this.addWatchFile(f)) } });
      await buildStart.call(context, ...args);
    } as typeof plugin.buildStart;
    await build({ ...config(dir), plugins: [plugin] });
    for (const file of ["app/router.ts", "app/controllers/page-controller.ts", "app/templates/page/home.html.eta", "app/templates/layouts/root.html.eta"]) expect(watched).toContain(join(dir, file));
    expect(readFileSync(join(dir, ".fawkes/templates/page/home.html.gen.ts"), "utf8")).toContain("function t_page_home_html");
    const mod = await import(pathToFileURL(join(dir, "out/entry.mjs")).href);
    expect(mod.path).toBe("/users/42");
    expect(mod.page).toContain('<tr id="user-1"><td><a href="/users/1">A&amp;B</a></td><td>1</td></tr>');
  });

  it("serves the generated modules as virtual:fawkes/* modules too", async () => {
    const dir = copyDemo();
    writeFileSync(
      join(dir, "virtual.ts"),
      `import { Routes } from "virtual:fawkes/helpers";\nimport { templates } from "virtual:fawkes/templates";\nimport { match } from "virtual:fawkes/router";\n` +
        `export const path = Routes.userPath("show", 7);\nexport const page = templates["page/home.html"]({ users: [] });\nexport const matched = match("GET", "/users/7")?.params;\n`,
    );
    await build({ ...config(dir), build: { ...config(dir).build, ssr: join(dir, "virtual.ts") } });
    const mod = await import(pathToFileURL(join(dir, "out/entry.mjs")).href + "?virtual");
    expect(mod.path).toBe("/users/7");
    expect(mod.page).toContain("<h1>Welcome to Fawkes</h1>");
    expect(mod.matched).toEqual({ id: "7" });

    writeFileSync(join(dir, "virtual.ts"), `export { x } from "virtual:fawkes/nothing";\n`);
    await expect(build({ ...config(dir), build: { ...config(dir).build, ssr: join(dir, "virtual.ts") } })).rejects.toThrow(/virtual:fawkes\/nothing is not a generated module; there are: .*virtual:fawkes\/helpers/);
  });

  it("fails the build with the diagnostic at the router line", async () => {
    const dir = copyDemo();
    const router = join(dir, "app/router.ts");
    writeFileSync(router, readFileSync(router, "utf8").replace('r.get("/about", PageController, "about");', 'r.get("/about", PageController, "gone");'));
    await expect(build(config(dir))).rejects.toThrow(/app\/router\.ts:\d+:\d+: error\[ACTION_MISSING\]: PageController has no action "gone"/);
  });
});

describe("fawkes/vite reads fawkes.config.ts", { timeout: 180_000 }, () => {
  it("builds with the config's out dir, templates folder and tags; an unknown key fails at its line", async () => {
    mkdirSync(TMP, { recursive: true });
    const dir = mkdtempSync(join(TMP, "vite-config-"));
    dirs.push(dir);
    cpSync(resolve(import.meta.dirname, "../fixtures/config/custom-tags"), dir, { recursive: true });
    rmSync(join(dir, "generated"), { recursive: true, force: true });
    writeFileSync(join(dir, "entry.ts"), `import { renderTemplate } from "./generated/templates.gen.js";\nexport const html = renderTemplate("page/hello.html.eta", { name: "Ann", admin: true });\n`);
    const options = { ...config(dir), build: { ...config(dir).build, ssr: join(dir, "entry.ts") } };
    await build(options);
    const mod = await import(pathToFileURL(join(dir, "out/entry.mjs")).href);
    expect(mod.html).toBe("<p>Hello Ann!</p>\n<b>admin</b>\n");

    const file = join(dir, "fawkes.config.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('dir: "views"', 'dirr: "views"'));
    await expect(build(options)).rejects.toThrow(/fawkes\.config\.ts:\d+:\d+: error\[CONFIG_UNKNOWN_KEY\]: unknown key "templates\.dirr"\n {2}hint: did you mean "templates\.dir"\?/);
  });
});

/** The messages of a client on Vite's HMR socket, and a way to wait for the next one that matches. */
function hmrClient(server: ViteDevServer, port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/?token=${server.config.webSocketToken}`, "vite-hmr");
  sockets.push(ws);
  const seen: Array<Record<string, unknown>> = [];
  const waiting: Array<{ test: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }> = [];
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    seen.push(message);
    for (const w of [...waiting]) if (w.test(message)) waiting.splice(waiting.indexOf(w), 1), w.resolve(message);
  });
  return {
    seen,
    /** The next message (from now on) of this type. */
    next(type: string): Promise<Record<string, any>> {
      return new Promise((resolve) => waiting.push({ test: (m) => m.type === type, resolve }));
    },
  };
}

async function get(port: number, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { accept: "text/html" } });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

// Generous: a dev server's first start optimizes dependencies, and the machine may be busy.
describe("fawkes/vite in a dev server", () => {
  it("serves the app through the middleware, reloads after a template edit, shows a broken template in the overlay", { timeout: 400_000 }, async () => {
    const dir = copyDemo();
    const server = await createServer({
      root: dir,
      logLevel: "silent",
      configFile: false,
      plugins: [fawkes({ dev: { entry: "endpoint.ts", export: "demoEndpoint" } })],
      resolve: { alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") } },
      server: { port: 0, host: "127.0.0.1" },
    });
    servers.push(server);
    await listening(server);
    const port = (server.httpServer!.address() as AddressInfo).port;
    const hmr = hmrClient(server, port);
    await hmr.next("connected");

    // A page of the Fawkes app (router, controller, layouts), with Vite's client put in.
    const home = await get(port, "/");
    expect(home.status).toBe(200);
    expect(home.type).toBe("text/html; charset=utf-8");
    expect(home.body).toContain("<h1>Welcome to Fawkes</h1>");
    expect(home.body).toContain('<script type="module" src="/@vite/client"></script>');
    // Vite still answers its own paths; the app answers the rest, its 404s too.
    expect((await fetch(`http://127.0.0.1:${port}/@vite/client`)).status).toBe(200);
    expect((await get(port, "/no/such/page")).status).toBe(404);
    const api = await fetch(`http://127.0.0.1:${port}/api/v1/items`, { headers: { accept: "application/json" } });
    expect(api.headers.get("content-type")).toMatch(/^application\/json/);

    // A template edit: the modules are regenerated, the browser told to reload, the page is new.
    const template = join(dir, "app/templates/page/home.html.eta");
    const reload = hmr.next("full-reload");
    writeFileSync(template, readFileSync(template, "utf8").replace('"Welcome to Fawkes")', '"Welcome back")'));
    expect((await reload).path).toBe("*");
    expect((await get(port, "/")).body).toContain("<h1>Welcome back</h1>");

    // A broken template: the overlay error names the template's file and line.
    const overlay = hmr.next("error");
    const before = readFileSync(template, "utf8");
    const line = before.split("\n").length; // the line appended
    writeFileSync(template, before + "<%= it.users.length ) %>\n");
    const { err } = await overlay;
    expect(err.plugin).toBe("fawkes");
    expect(err.id).toBe(template);
    expect(err.loc).toMatchObject({ file: template, line });
    expect(err.message).toMatch(new RegExp(`^app/templates/page/home\\.html\\.eta:${line}:\\d+: error\\[\\w+\\]`));
    expect(err.message).toContain("`)` closes nothing");
    expect(err.loc.column).toBe(20); // 0-based, as Vite's: column 21 of the message
    expect(err.frame).toContain(`${line} | <%= it.users.length ) %>\n${" ".repeat(String(line).length)} |                     ^`);
    // A page load while it is broken: Vite's error page, which opens the overlay with the same error.
    const broken = await get(port, "/");
    expect(broken.status).toBe(500);
    expect(broken.body).toContain("ErrorOverlay");
    expect(broken.body).toContain(`app/templates/page/home.html.eta:${line}:`);
    // The rest is still answered by the last good generation.
    const stillThere = await fetch(`http://127.0.0.1:${port}/api/v1/items`, { headers: { accept: "application/json" } });
    expect(stillThere.status).toBe(200);

    // Fixed: a reload, and the page is back.
    const back = hmr.next("full-reload");
    writeFileSync(template, before);
    await back;
    expect((await get(port, "/")).body).toContain("<h1>Welcome back</h1>");

    // A template created and one deleted are noticed too.
    const created = hmr.next("full-reload");
    writeFileSync(join(dir, "app/templates/page/extra.html.eta"), "<p>extra</p>\n");
    await created;
    expect(readFileSync(join(dir, ".fawkes/templates.gen.ts"), "utf8")).toContain('"page/extra.html"');
    const deleted = hmr.next("full-reload");
    unlinkSync(join(dir, "app/templates/page/extra.html.eta"));
    await deleted;
    expect(readFileSync(join(dir, ".fawkes/templates.gen.ts"), "utf8")).not.toContain('"page/extra.html"');
  });

  it("starts with a broken template: page loads get the overlay until it is fixed", { timeout: 400_000 }, async () => {
    const dir = copyDemo();
    const template = join(dir, "app/templates/page/home.html.eta");
    const good = readFileSync(template, "utf8");
    writeFileSync(template, good + "<%= it.users.length ) %>\n");
    const line = good.split("\n").length; // the line appended
    const server = await createServer({
      root: dir,
      logLevel: "silent",
      configFile: false,
      plugins: [fawkes({ dev: { entry: "endpoint.ts", export: "demoEndpoint" } })],
      resolve: { alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") } },
      server: { port: 0, host: "127.0.0.1" },
    });
    servers.push(server);
    await listening(server);
    const port = (server.httpServer!.address() as AddressInfo).port;
    const hmr = hmrClient(server, port);
    await hmr.next("connected");
    const broken = await get(port, "/");
    expect(broken.status).toBe(500);
    expect(broken.body).toContain(`app/templates/page/home.html.eta:${line}:21: error[TEMPLATE_SYNTAX]`);
    const reload = hmr.next("full-reload");
    writeFileSync(template, good);
    await reload;
    const page = await get(port, "/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Welcome to Fawkes");
    expect(page.body).toContain("/@vite/client");
  });

  it("a router change reloads; an entry without an endpoint is an error page naming its exports", { timeout: 400_000 }, async () => {
    const dir = copyDemo();
    const server = await createServer({
      root: dir,
      logLevel: "silent",
      configFile: false,
      plugins: [fawkes({ dev: { entry: "endpoint.ts" } })],
      resolve: { alias: { fawkes: resolve(import.meta.dirname, "../runtime/index.ts") } },
      server: { port: 0, host: "127.0.0.1" },
    });
    servers.push(server);
    await listening(server);
    const port = (server.httpServer!.address() as AddressInfo).port;
    const hmr = hmrClient(server, port);
    await hmr.next("connected");

    const page = await get(port, "/");
    expect(page.status).toBe(500);
    expect(page.body).toContain("endpoint.ts must export an endpoint (defineEndpoint(...)) or a function returning one as \\\"endpoint\\\" or as its default export; its exports are: demoEndpoint");

    const router = join(dir, "app/router.ts");
    const reload = hmr.next("full-reload");
    writeFileSync(router, readFileSync(router, "utf8").replace('r.get("/about", PageController, "about");', 'r.get("/about-us", PageController, "about");'));
    await reload;
    expect(readFileSync(join(dir, ".fawkes/matcher.gen.ts"), "utf8")).toContain('"about-us"');
    const overlay = hmr.next("error");
    writeFileSync(router, readFileSync(router, "utf8").replace('r.get("/about-us", PageController, "about");', 'r.get("/about-us", PageController, "gone");'));
    const { err } = await overlay;
    expect(err.id).toBe(router);
    expect(err.message).toMatch(/^app\/router\.ts:\d+:\d+: error\[ACTION_MISSING\]: PageController has no action "gone"/);
  });
});
