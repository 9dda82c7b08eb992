// `fawkes server` as users run it: the built CLI (dist/, so `npm run build` first) in a copy of
// fixtures/dev-app under .fawkes-tmp (inside the repository, so the app's `import "fawkes"`
// resolves to this checkout's package). Helpers wait on events only: a line the server prints,
// a message of its live-reload socket.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { WebSocket } from "ws";

export const ROOT = resolve(import.meta.dirname, "..");
export const BIN = join(ROOT, "dist/compiler/cli/main.js");
const FIXTURE = join(ROOT, "fixtures/dev-app");
const TMP = join(ROOT, ".fawkes-tmp");

/** Builds, restarts and the browser: generous, the machine is shared. */
export const WAIT_MS = 60_000;

export interface LiveMessage {
  type: "hello" | "reload" | "css";
  build?: string;
  reason?: string;
  path?: string;
}

export interface DevRun {
  dir: string;
  url: string;
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` printed after `since` (an output() length). */
  waitForOutput(pattern: RegExp, since?: number): Promise<RegExpExecArray>;
  /** Writes (creating folders) or, with null, deletes a file of the app. */
  write(path: string, text: string | null): void;
  read(path: string): string;
  /** A client of the live-reload socket, as the page script is. */
  live(): Promise<LiveClient>;
  stop(): Promise<void>;
}

export interface LiveClient {
  /** The next message not yet taken (of `type`, skipping others when given). */
  next(type?: LiveMessage["type"]): Promise<LiveMessage>;
  /** Messages received and not yet taken. */
  queued(): LiveMessage[];
  close(): void;
}

const runs = new Set<DevRun>();

/** Stops every server still running (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...runs].map((r) => r.stop()));
}

/** A fresh copy of the fixture with `files` written over it (null deletes). */
/** A file of fixtures/dev-app with each `[from, to]` replaced (every occurrence); a `from` it lacks is an error, not the file unvaried. */
export function fixtureText(rel: string, ...replacements: Array<[from: string, to: string]>): string {
  let text = readFileSync(join(FIXTURE, rel), "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`fixtures/dev-app/${rel} has no ${JSON.stringify(from)} to replace: was the fixture changed?`);
    text = text.replaceAll(from, to);
  }
  return text;
}

export function copyFixture(files: Record<string, string | null> = {}): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, "dev-server-"));
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, path), { force: true });
    else {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return dir;
}

export function removeFixture(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * One dev server for a describe block: a copy of the fixture with `files` over it, `fawkes
 * server ARGS` (with ENV) started in it before the block's tests, stopped and the copy removed after them.
 */
export function devServerSuite(files: Record<string, string | null>, args: string[] = [], env: Record<string, string> = {}): { readonly dir: string; readonly dev: DevRun } {
  const suite = { dir: "", dev: undefined as unknown as DevRun };
  beforeAll(async () => {
    suite.dir = copyFixture(files);
    suite.dev = await startServer(suite.dir, args, env);
  }, 2 * WAIT_MS);
  afterAll(async () => {
    await stopAll();
    if (suite.dir) removeFixture(suite.dir);
  }, WAIT_MS);
  return suite;
}

/** GET / of a page that prints its process id (data-pid): a swap keeps the process, a restart is a new one. */
export async function pageWithPid(url: string): Promise<{ body: string; pid: number }> {
  const page = await getPage(url + "/");
  if (page.status !== 200) throw new Error(`GET ${url}/ answered ${page.status}: ${page.body.slice(0, 500)}`);
  return { body: page.body, pid: Number(/data-pid="(\d+)"/.exec(page.body)?.[1]) };
}

/** The environment of the CLI: no colours, and not the test run's NODE_ENV. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  delete out.NODE_ENV;
  delete out.FORCE_COLOR;
  delete out.PORT;
  return { ...out, ...extra };
}

/** `fawkes server ARGS` in `dir`; resolves once it prints the address it listens on. */
export async function startServer(dir: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<DevRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [BIN, "server", "--port", "0", ...args], { cwd: dir, env: env(extraEnv), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d;
    for (const w of [...waiters]) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = once(child, "exit");

  const waitForOutput = (pattern: RegExp, since = 0) =>
    new Promise<RegExpExecArray>((done, fail) => {
      const check = () => {
        const m = pattern.exec(output.slice(since));
        if (m) {
          waiters.delete(check);
          child.off("exit", onExit);
          done(m);
        }
      };
      const onExit = (code: number | null) => {
        waiters.delete(check);
        fail(new Error(`fawkes server exited (${code}) before printing ${pattern}:\n${output}`));
      };
      child.once("exit", onExit);
      waiters.add(check);
      check();
    });

  const ready = await waitForOutput(args.includes("--prod") ? /listening on (http:\/\/\S+)/ : /dev server listening on (http:\/\/\S+)/);
  const sockets = new Set<WebSocket>();
  const run: DevRun = {
    dir,
    url: ready[1],
    child,
    output: () => output,
    waitForOutput,
    write(path, text) {
      const file = join(dir, path);
      if (text === null) return rmSync(file, { force: true });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    },
    read: (path) => readFileSync(join(dir, path), "utf8"),
    async live() {
      const ws = new WebSocket(run.url.replace(/^http/, "ws") + "/__fawkes/live");
      sockets.add(ws);
      const messages: LiveMessage[] = [];
      const wakers = new Set<() => void>();
      ws.on("message", (data) => {
        messages.push(JSON.parse(String(data)) as LiveMessage);
        for (const w of [...wakers]) w();
      });
      await once(ws, "open");
      return {
        next(type) {
          return new Promise((done) => {
            const take = () => {
              const i = messages.findIndex((m) => !type || m.type === type);
              if (i === -1) return;
              wakers.delete(take);
              done(messages.splice(i, 1)[0]);
            };
            wakers.add(take);
            take();
          });
        },
        queued: () => [...messages],
        close: () => ws.close(),
      };
    },
    async stop() {
      runs.delete(run);
      for (const ws of sockets) ws.terminate();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
  runs.add(run);
  return run;
}

/** GET as a browser's page load asks (Accept: text/html). */
export async function getPage(url: string): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(url, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
  return { status: res.status, body: await res.text(), type: res.headers.get("content-type") ?? "" };
}
