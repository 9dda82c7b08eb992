// `fawkes new` as users get it: the bin of the packed package (`npm pack`, so the scaffold must be
// in the tarball, not only in this checkout), run in fresh folders. Each app installs fawkes from
// that tarball, passes its own `npm test`, starts with `npm start` (fawkes server) on port 0 and
// answers over HTTP and, with the official phoenix client, over a WebSocket; a template edit
// reloads it; `npm run bundle` writes the production bundle, which runs with node alone.
//
// The apps live in the OS's temporary folder, outside this repository, so that their imports
// resolve from their own node_modules only: a dependency missing from the generated
// package.json fails here instead of being found in ours. The extracted package stays under
// .fawkes-tmp, so that its own dependencies (picocolors) resolve from this checkout's.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Presence, Socket, type Push } from "phoenix";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderScaffold } from "../compiler/cli/new.js";

const ROOT = resolve(import.meta.dirname, "..");
// Installs and tests of three apps: about a minute and a half here, three times that and more on a busy 2-core machine.
const SLOW = { timeout: 600_000 };

let work: string; // .fawkes-tmp/new-*: the tarball and the package extracted from it
let apps: string; // <os tmp>/fawkes-new-*: the generated apps
let tarball: string;
let bin: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  expect(existsSync(join(ROOT, "dist/compiler/cli/scaffold")), "dist/ has no scaffold for fawkes new: run `npm run build`").toBe(true);
  mkdirSync(join(ROOT, ".fawkes-tmp"), { recursive: true });
  work = mkdtempSync(join(ROOT, ".fawkes-tmp", "new-"));
  apps = mkdtempSync(join(tmpdir(), "fawkes-new-"));
  // dist/ as `npm ci` built it (prepare); --ignore-scripts so packing does not rebuild it under
  // the other test files that use it.
  await expectOk(run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT }));
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  await expectOk(run("tar", ["-xzf", tarball, "-C", work]));
  bin = join(work, "package/dist/compiler/cli/main.js");
}, 120_000);

afterAll(() => {
  // Servers run in a process group of their own (npm start, then fawkes server, then the app).
  for (const child of children) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }
  for (const dir of [work, apps]) if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000); // three apps' node_modules to remove, on a busy machine

describe("fawkes new", () => {
  it("is listed by `fawkes help new` with its options", async () => {
    const help = await fawkes(["help", "new"], ROOT);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: fawkes new DIR \[options\]/);
    for (const option of ["--name NAME", "--api", "--no-channels", "--force", "--fawkes SPEC"]) expect(help.stdout).toContain(option);
  });

  it("refuses a non-empty directory unless --force, and a name npm would not take", async () => {
    const occupied = join(apps, "occupied");
    mkdirSync(occupied);
    writeFileSync(join(occupied, "notes.txt"), "mine\n");
    const refused = await fawkes(["new", "occupied"], apps);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: ${occupied} is not empty (1 entry, e.g. notes.txt); pass --force`);
    expect(readdirSync(occupied)).toEqual(["notes.txt"]);

    const forced = await fawkes(["new", "occupied", "--force"], apps);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(occupied, "notes.txt"), "utf8")).toBe("mine\n");
    expect(existsSync(join(occupied, "app/router.ts"))).toBe(true);
    // Without --fawkes, the app installs this version from the registry.
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    expect(JSON.parse(readFileSync(join(occupied, "package.json"), "utf8")).dependencies.fawkes).toBe(`^${version}`);
    // --fawkes with a path that is not there is a wrong command line, and writes nothing.
    const lost = await fawkes(["new", "lost", "--fawkes", "./nowhere/fawkes-0.1.0.tgz"], apps);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain(`--fawkes ./nowhere/fawkes-0.1.0.tgz: no such file or folder (${join(apps, "nowhere/fawkes-0.1.0.tgz")})`);
    expect(existsSync(join(apps, "lost"))).toBe(false);
    const notPackage = await fawkes(["new", "lost", "--fawkes", join(occupied, "notes.txt")], apps);
    expect(notPackage.code).toBe(2);
    expect(notPackage.stderr).toContain("is neither a tarball (.tgz, from npm pack) nor a folder with a package.json");

    // A folder holding only .git is empty: `git init` first is common.
    mkdirSync(join(apps, "repo/.git"), { recursive: true });
    expect((await fawkes(["new", "repo"], apps)).code).toBe(0);

    const spaced = await fawkes(["new", "My App"], apps);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toContain('the app name must start with a lowercase letter and have only lowercase letters, digits, "-" and "_", got: "My App"');
    expect(spaced.stderr).toContain('choose one with --name: fawkes new "My App" --name my_app');
    expect(existsSync(join(apps, "My App"))).toBe(false);
    const taken = await fawkes(["new", "x", "--name", "phoenix"], apps);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('the app cannot be called "phoenix"');
    expect((await fawkes(["new"], apps)).code).toBe(2);
  });

  it("makes an app whose tests pass, that serves its pages, static files and channel", SLOW, async () => {
    // As a newcomer trying a packed fawkes does (README: npx --package ./fawkes-x.tgz fawkes new
    // web --fawkes ./fawkes-x.tgz): the path given from here, written from the app's folder.
    const created = await fawkes(["new", "web", "--fawkes", relative(apps, tarball)], apps);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("* creating web/app/router.ts\n");
    expect(created.stdout).toContain("    $ cd web\n    $ npm install\n    $ npm start\n");
    const app = join(apps, "web");
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies.fawkes).toBe(`file:${relative(app, tarball)}`);
    // Secrets of its own for dev and test; prod's from the environment.
    const devSecret = /secretKeyBase: "([^"]+)"/.exec(readFileSync(join(app, "config/dev.ts"), "utf8"))?.[1];
    const testSecret = /secretKeyBase: "([^"]+)"/.exec(readFileSync(join(app, "config/test.ts"), "utf8"))?.[1];
    expect(devSecret).toHaveLength(64);
    expect(testSecret).toHaveLength(64);
    expect(devSecret).not.toBe(testSecret);
    expect(readFileSync(join(app, "config/prod.ts"), "utf8")).toContain("process.env.SECRET_KEY_BASE");
    expect(readFileSync(join(app, ".gitignore"), "utf8")).toContain("/node_modules/");

    await install(app);
    await expectOk(run("npm", ["test"], { cwd: app }));

    const dev = await start("npm", ["start"], app, { PORT: "0" });
    try {
      const home = await fetch(dev.url + "/");
      expect(home.status).toBe(200);
      const page = await home.text();
      expect(page).toContain("<title>Welcome · Web</title>");
      expect(page).toContain("<h1>Welcome to Web</h1>");
      const css = await fetch(dev.url + "/css/app.css");
      expect(css.status).toBe(200);
      expect(css.headers.get("content-type")).toMatch(/^text\/css/);
      expect(await css.text()).toContain(".error-status");
      for (const path of ["/js/app.js", "/vendor/phoenix/phoenix.mjs", "/favicon.svg"]) expect((await fetch(dev.url + path)).status, path).toBe(200);

      // The page's socket token, as priv/static/js/app.js uses it.
      const token = /<meta name="user-token" content="([^"]+)">/.exec(page)?.[1];
      expect(token).toBeDefined();
      const socket = new Socket(dev.url.replace(/^http/, "ws") + "/socket", { transport: WebSocket as never, params: { token: token! } });
      try {
        socket.connect();
        const lobby = socket.channel("room:lobby");
        // The official client's Presence lists this user once the state and its own join are in.
        const presence = new Presence(lobby);
        const listed = new Promise<string[]>((done) => presence.onSync(() => {
          if (presence.list().length) done(presence.list((id) => id));
        }));
        const joined = await reply(lobby.join());
        expect(joined).toMatchObject({ userId: expect.stringMatching(/^guest-/) });
        expect(await reply(lobby.push("ping", { n: 1 }))).toEqual({ n: 1 });
        expect(await listed).toEqual([(joined as { userId: string }).userId]);
      } finally {
        await new Promise<void>((done) => socket.disconnect(() => done()));
      }

      // npm start is the dev server: the page carries the reload script, and a template edit
      // rebuilds, restarts the app on the same port and tells the page to reload.
      expect(page).toContain('<script src="/__fawkes/live.js"');
      const live = new WebSocket(dev.url.replace(/^http/, "ws") + "/__fawkes/live");
      try {
        const reloaded = new Promise<{ reason?: string }>((done) =>
          live.on("message", (data) => {
            const m = JSON.parse(String(data)) as { type: string; reason?: string };
            if (m.type === "reload") done(m);
          }),
        );
        await once(live, "open");
        const home = join(app, "app/templates/page/home.html.eta");
        writeFileSync(home, readFileSync(home, "utf8").replace("<h1>Welcome to Web</h1>", "<h1>Edited Web</h1>"));
        expect((await reloaded).reason).toBe("app/templates/page/home.html.eta changed");
        expect(await (await fetch(dev.url + "/")).text()).toContain("<h1>Edited Web</h1>");
      } finally {
        live.close();
      }
    } finally {
      await dev.stop();
    }

    // Production, from the bundle `npm run bundle` writes (after `fawkes digest`): no secret, no start.
    await expectOk(run("npm", ["run", "bundle"], { cwd: app }));
    expect(existsSync(join(app, "priv/static/cache_manifest.json"))).toBe(true);
    expect(existsSync(join(app, "_build/server.mjs"))).toBe(true);
    const refused = await run(process.execPath, ["_build/server.mjs"], { cwd: app, env: { NODE_ENV: "production", SECRET_KEY_BASE: "", PORT: "0" } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("environment variable SECRET_KEY_BASE is missing.");
    const prod = await start(process.execPath, ["_build/server.mjs"], app, { NODE_ENV: "production", SECRET_KEY_BASE: devSecret!.repeat(2), PORT: "0", HOST: "127.0.0.1" });
    try {
      // The app's own 404 page (development shows the debug page instead).
      const missing = await fetch(prod.url + "/nowhere");
      expect(missing.status).toBe(404);
      const body = await missing.text();
      expect(body).toContain("<h1>This page does not exist</h1>");
      // The layouts' p`/css/app.css` goes through the digest's manifest: fingerprinted, compressed, cached for good.
      const link = /<link rel="stylesheet" href="(\/css\/app-[0-9a-f]{32}\.css\?vsn=d)">/.exec(body)?.[1];
      expect(link, body).toBeDefined();
      const css = await fetch(prod.url + link, { headers: { "accept-encoding": "gzip" } });
      expect(css.status).toBe(200);
      expect(css.headers.get("content-encoding")).toBe("gzip");
      expect(css.headers.get("cache-control")).toMatch(/immutable/);
      expect(await css.text()).toContain(".error-status");
    } finally {
      await prod.stop();
    }

    // HTTPS in development: gen.cert works in a new app (selfsigned is a devDependency), and its key stays out of git.
    await expectOk(run(process.execPath, ["node_modules/fawkes/dist/compiler/cli/main.js", "gen.cert"], { cwd: app }));
    expect(readFileSync(join(app, "priv/cert/selfsigned_key.pem"), "utf8")).toContain("PRIVATE KEY");

    // What `fawkes digest` wrote into priv/static is ignored by git, its sources are not.
    const digested = readdirSync(join(app, "priv/static/css")).filter((f) => /^app-[0-9a-f]{32}\.css/.test(f));
    expect(digested.length).toBeGreaterThanOrEqual(2); // the copy and a compressed one
    await expectOk(run("git", ["init", "-q"], { cwd: app }));
    const untracked = await expectOk(run("git", ["status", "--porcelain", "--untracked-files=all", "priv"], { cwd: app }));
    expect(untracked.stdout.split("\n").filter(Boolean).sort()).toEqual(["?? priv/static/css/app.css", "?? priv/static/css/components.css", "?? priv/static/favicon.svg", "?? priv/static/js/app.js", "?? priv/static/robots.txt"]);
  });

  it("npm create fawkes DIR runs fawkes new, from the create-fawkes package packed beside fawkes", SLOW, async () => {
    const own = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const creatorPkg = JSON.parse(readFileSync(join(ROOT, "create-fawkes/package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
    // Released together: create-fawkes@x runs the `fawkes new` of fawkes@x.
    expect(creatorPkg.version).toBe(own.version);
    expect(creatorPkg.dependencies).toEqual({ fawkes: `^${own.version}` });
    const packed = join(work, "create");
    mkdirSync(packed);
    await expectOk(run("npm", ["pack", join(ROOT, "create-fawkes"), "--pack-destination", packed], { cwd: ROOT }));
    const creatorTarball = join(packed, `create-fawkes-${own.version}.tgz`);
    expect(existsSync(creatorTarball)).toBe(true);
    // `npm create fawkes` is `npm exec create-fawkes`: an installed create-fawkes is what it runs,
    // as the registry's would be after npm fetched it.
    const here = join(apps, "creator");
    mkdirSync(here);
    writeFileSync(join(here, "package.json"), JSON.stringify({ name: "creator", private: true }) + "\n");
    await expectOk(run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=dev", tarball, creatorTarball], { cwd: here }));
    const made = await expectOk(run("npm", ["create", "fawkes", "site", "--", "--no-channels"], { cwd: here }));
    expect(made.stdout).toContain("* creating site/app/router.ts\n");
    expect(made.stdout).toContain("    $ cd site\n    $ npm install\n    $ npm start\n");
    expect(existsSync(join(here, "site/app/templates/page/home.html.eta"))).toBe(true);
    expect(existsSync(join(here, "site/app/channels"))).toBe(false);
    const bare = await run("npm", ["create", "fawkes"], { cwd: here });
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain("usage: npm create fawkes@latest DIR [-- options]");
    const taken = await run("npm", ["create", "fawkes", "site"], { cwd: here });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("is not empty");
  });

  it("--no-channels leaves out the socket, the channel and the browser client", SLOW, async () => {
    expect((await fawkes(["new", "quiet", "--no-channels", "--fawkes", tarball], apps)).code).toBe(0);
    const app = join(apps, "quiet");
    expect(existsSync(join(app, "app/channels"))).toBe(false);
    expect(existsSync(join(app, "priv/static/js"))).toBe(false);
    expect(existsSync(join(app, "priv/static/css/app.css"))).toBe(true);
    expect(readdirSync(join(app, "test")).sort()).toEqual(["error-pages.test.ts", "page-controller.test.ts"]);
    const endpoint = readFileSync(join(app, "app/endpoint.ts"), "utf8");
    expect(endpoint).not.toMatch(/sockets:|UserSocket|resolve\("phoenix"\)/);
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies).not.toHaveProperty("phoenix");
    // Its dependencies are the default app's less phoenix (checked above): its node_modules do,
    // when the test before installed them.
    const web = join(apps, "web/node_modules");
    if (existsSync(web)) symlinkSync(web, join(app, "node_modules"), "dir");
    else await install(app);
    await expectOk(run("npm", ["test"], { cwd: app }));
  });

  it("--api makes a JSON app whose tests pass and whose errors are JSON", SLOW, async () => {
    expect((await fawkes(["new", "service", "--api", "--fawkes", `file:${tarball}`], apps)).code).toBe(0);
    const app = join(apps, "service");
    for (const absent of ["app/templates", "priv", "app/controllers/page-controller.ts"]) expect(existsSync(join(app, absent)), absent).toBe(false);
    expect(readFileSync(join(app, "app/router.ts"), "utf8")).not.toMatch(/fetchSession|protectFromForgery/);
    expect(existsSync(join(app, "app/channels/room-channel.ts"))).toBe(true);
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies).not.toHaveProperty("phoenix");

    await install(app);
    await expectOk(run("npm", ["test"], { cwd: app }));
    const dev = await start("npm", ["start"], app, { PORT: "0" });
    try {
      const status = await fetch(dev.url + "/api/status");
      expect(status.status).toBe(200);
      expect(await status.json()).toEqual({ status: "ok" });
      const missing = await fetch(dev.url + "/nowhere", { headers: { accept: "text/html,*/*;q=0.8" } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await missing.json()).toEqual({ errors: { detail: "Not Found" } });
    } finally {
      await dev.stop();
    }

    // Production: bundled here, then run from a production install (npm prune --omit=dev: what
    // `npm ci --omit=dev` leaves, without a second install), which carries no compiler.
    await expectOk(run("npm", ["run", "bundle"], { cwd: app }));
    await expectOk(run("npm", ["prune", "--omit=dev", "--no-audit", "--no-fund"], { cwd: app }));
    for (const dev of ["esbuild", "eta", "selfsigned", "ts-morph", "typescript", "vite", "vitest"]) expect(existsSync(join(app, "node_modules", dev)), dev).toBe(false);
    const secret = await expectOk(run(process.execPath, ["node_modules/fawkes/dist/compiler/cli/main.js", "gen.secret"], { cwd: app }));
    expect(secret.stdout.trim()).toMatch(/^\S{64}$/);
    // `NODE_ENV=production npm start` bundles, so it needs the devDependencies: it says where the bundle comes from.
    const unbundled = await run("npm", ["start"], { cwd: app, env: { NODE_ENV: "production", SECRET_KEY_BASE: secret.stdout.trim() } });
    expect(unbundled.code).not.toBe(0);
    expect(unbundled.stderr).toContain("and run the bundle where they are not: node _build/server.mjs");
    const prod = await start(process.execPath, ["_build/server.mjs"], app, { NODE_ENV: "production", SECRET_KEY_BASE: secret.stdout.trim(), PORT: "0", HOST: "127.0.0.1" });
    try {
      const status = await fetch(prod.url + "/api/status");
      expect(status.status).toBe(200);
      expect(await status.json()).toEqual({ status: "ok" });
    } finally {
      await prod.stop();
    }
  });
});

describe("scaffold files", () => {
  const render = (text: string, flags: Record<string, boolean> = { html: true, api: false, channels: false }) => renderScaffold(text, { title: "MyApp" }, flags, "t.tmpl");

  it("put values in, and keep what their flags select, inline or a block of lines", () => {
    expect(render("<h1>{{title}}</h1>{{#if channels}} live{{/if}}{{#if !channels}} still{{/if}}")).toBe("<h1>MyApp</h1> still");
    expect(render("a\n  {{#if html+channels}}\nboth\n  {{else}}\nnot both\n{{/if}}\nz\n")).toBe("a\nnot both\nz\n");
    expect(render("{{#if html}}{{#if channels}}x{{else}}y{{/if}}{{/if}}", { html: true, api: false, channels: true })).toBe("x");
  });

  it("name the file for an unknown value or flag, and an unbalanced block", () => {
    expect(() => render("{{titel}}")).toThrow("scaffold t.tmpl: unknown value {{titel}}; values are title");
    expect(() => render("{{#if chanels}}{{/if}}")).toThrow('scaffold t.tmpl: unknown flag "chanels"');
    expect(() => render("{{#if html}}")).toThrow("scaffold t.tmpl: {{#if}} without its {{/if}}");
    expect(() => render("{{/if}}")).toThrow("scaffold t.tmpl: {{/if}} without its {{#if}}");
  });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  command: string;
}

/**
 * The environment for the apps' commands: this run's, without what npm and vitest set for it.
 * npm's prefix variables would point a nested `npm install` at this repository, and vitest's
 * would make the app's vitest think it runs inside ours.
 */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1" };
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(?!config_)|^npm_config_(local_|global_)?prefix$|^VITEST|^NODE_ENV$|^TEST$|^FORCE_COLOR$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  const child = spawn(command, args, { cwd: options.cwd ?? work, env: appEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((done, fail) => {
    child.once("error", fail);
    child.once("close", (code) => {
      children.delete(child);
      done({ code, stdout, stderr, command: [command, ...args].join(" ") });
    });
  });
}

async function expectOk(ran: Promise<Ran>): Promise<Ran> {
  const r = await ran;
  expect(r.code, `${r.command} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

const fawkes = (args: string[], cwd: string) => run(process.execPath, [bin, ...args], { cwd });

/** `npm install` of an app made with `--fawkes` and the packed tarball. */
async function install(app: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
  expect(pkg.dependencies.fawkes).toMatch(/^file:/);
  expect(resolve(app, pkg.dependencies.fawkes.slice("file:".length))).toBe(tarball);
  await expectOk(run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app }));
}

/**
 * Starts a server and resolves once it prints the address it listens on. It runs in a process
 * group of its own, stopped as a whole: `npm start` is npm, a shell, fawkes server and the app.
 */
async function start(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(command, args, { cwd, env: appEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.add(child);
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d));
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) done(m[1]);
    });
    child.once("exit", (code) => fail(new Error(`${args.join(" ")} exited (${code}) before listening:\n${out}\n${err}`)));
  });
  return {
    url,
    async stop() {
      const exited = child.exitCode === null && child.signalCode === null ? once(child, "exit") : null;
      if (exited) process.kill(-child.pid!, "SIGTERM");
      await exited;
      children.delete(child);
    },
  };
}

/** The ok reply of a join or push; rejects with the error or timeout. */
function reply(push: Push): Promise<unknown> {
  return new Promise((done, fail) => {
    push
      .receive("ok", done)
      .receive("error", (r: unknown) => fail(new Error(`refused: ${JSON.stringify(r)}`)))
      .receive("timeout", () => fail(new Error("no reply")));
  });
}
