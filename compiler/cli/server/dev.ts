// `fawkes server` in development (mix phx.server with phoenix_live_reload and the code
// reloader): builds the app's entry (server.ts) with esbuild and the Fawkes plugin, runs it,
// watches the project, rebuilds on a change and tells the browser to reload.
//
// How new code gets in without dropping the port: this process (the primary) listens on the
// port and proxies every request and WebSocket to the app, which runs in a child process on a
// loopback port of its own (worker-hook.ts moves the app's listen there). A change starts a new
// child from the new bundle; once it listens, requests go to it and the old one is stopped
// (SIGTERM: server.ts stops its endpoint, which lets requests finish and tells sockets to
// reconnect). A new process rather than re-imported modules, because ES modules cannot be
// unloaded (each re-import would keep the old module graph, its timers and its sockets alive)
// and because the app's own server.ts, run as it is in production, stays the entry; a bundle
// starts in a fraction of a second. The port is never closed, so the browser and its sockets
// only see a reconnect, and a child that fails to start leaves the last good one serving.
//
// The exception is a template edit, the commonest: templates are not in the bundle but in
// modules of their own (templates-tree.ts), and an edit of one is regenerated, transformed and
// swapped into the running process (a template's module holds no timers or sockets, so the old
// instance left behind is a few KB), as Phoenix's code reloader recompiles one module. A new
// process also starts ahead of need (the spare: node's start and the templates' modules loaded),
// so the restart after an app edit costs loading the bundle.
//
// A router edit is swapped in too (router-side.ts): the router and its generated modules are not
// in the bundle but built apart, against the app's own modules, and the running app takes the
// new build (its endpoint recomputes what each route runs). When that cannot be exact (the
// router imports another app module, its modules export other names, the app refuses), the app
// is bundled and restarted as after any other edit. So is an app that does not answer a swap
// within SWAP_ANSWER_MS (its event loop blocked): it is restarted, and killed if it will not stop.
//
// Being in front of the app also gives the primary the two things the app must not carry in
// production: the reload script, added to HTML responses, and the error page.
//
// What is served while the last build failed: browser navigations (GET/HEAD asking for HTML:
// a page load) get the error page, with status 500; everything else (static files, fetches,
// form posts, JSON, the app's WebSockets) is served by the last good build, so a page already
// open keeps working until it reloads. The same holds when the new build compiled but its
// process exited before listening (an error at startup): the page then shows the app's output.
// When the app crashes later, every navigation gets the crash page until the next change.

import { context, formatMessages, type BuildContext, type Message, type OutputFile, type PartialMessage } from "esbuild";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import { connect, type AddressInfo } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { dirname, join, resolve, sep } from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { relativePosix } from "../../paths.js";
import { bundleOptions, DEV_BUNDLE } from "./bundle.js";
import type { ChangeHint, Generation, TypeCheckReport } from "../../../plugin-esbuild/esbuild.js";
import { CLIENT_PATH, CLIENT_SCRIPT, injectClient, LIVE_PATH } from "./client.js";
import { errorPage, problemFromMessage, type Problem } from "./error-page.js";
import type { ListeningMessage, RouterSwapMessage, SwapMessage, SwappedMessage } from "./worker-hook.js";
import { devTemplatesPlugin, templateTree, TreeBuildError } from "./templates-tree.js";
import { routerSide, SideBuildError, type SideBuild } from "./router-side.js";
import { matcher, type WatchPattern } from "./watch.js";
import { watchTree } from "./tree-watch.js";

export interface DevServerOptions {
  root: string;
  /** The app's entry, relative to root (server.ts). */
  entry: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The static folder, relative to root: a change there is a reload (CSS: a swap), not a rebuild. */
  staticDir: string;
  /** More files whose change restarts the app even when the bundle is the same (files it reads at run time). */
  watch: WatchPattern[];
  /** The Fawkes plugin's options (the CLI's --config, --router, --out, --strict). */
  plugin: { config?: string; router?: string; outDir?: string; strict?: boolean };
  /** The config's outDir, relative to root (plugin.outDir, --out, wins; default .fawkes): the folder the watcher leaves to the plugin until the first generation says where it wrote. */
  outDir?: string;
  /** Where info lines go (default: stdout) and where errors go (default: stderr). */
  log?: (line: string) => void;
  logError?: (text: string) => void;
  /** Colour the terminal's error output (esbuild's formatting). */
  color?: boolean;
  /** Each deferred type check of the router, once the dev server has acted on it (bench/build waits on it between edits). */
  onTypeCheck?: (report: TypeCheckReport) => void;
}

export interface DevServer {
  /** http://host:port of the dev server. */
  url: string;
  port: number;
  /** Stops watching, stops the app, closes the port. */
  close(): Promise<void>;
}

interface Worker {
  child: ChildProcess;
  port: number;
  https: boolean;
  agent: Agent;
  /** The app's last output, for the page shown when it fails. */
  output: string[];
  exited: Promise<void>;
  /** Swaps sent and not answered yet, by id. */
  swaps: Map<number, (answer: SwappedMessage | null) => void>;
  /** V8's used heap when it listened (bytes). */
  heap: number;
  /** Whether the next edit restarts it rather than swap into it (its heap grew by SWAP_HEAP_MB). */
  recycle: boolean;
}

/** Why navigations get the error page instead of the app; null while the app serves them. */
type Failure = { heading: string; summary: string; problems: Problem[]; output?: string; from?: "generate" };

const OUTPUT_LINES = 60;
// One build per save. Editors save in steps (truncate, then write; a temp file written, then
// renamed over; vim's rename of the old file to a backup, then a new file), each an event, and a
// build between two steps reads a half-saved file: an empty template served, or a parse error
// shown as the error page, then a second build. So a build starts once no event came for
// SETTLE_MS (the window moves with each event, however many steps a save takes). Measured on
// this 2-core box (2026-12-07, fs.watch recursive): the events of one save (writeFileSync,
// truncate + write, open + two writes, temp + rename) come within 0.3 ms of each other; 10 ms
// also covers the saving process being preempted between two steps on a loaded machine. A
// stream of events that never goes quiet (a checkout of many files) builds SETTLE_MAX_MS after
// its first event at the latest. (Until 2026-12-07: 25 ms from the first event, whatever came
// after, which bench:build's template edit paid in full; test/dev-server-saves.test.ts.)
const SETTLE_MS = 10;
const SETTLE_MAX_MS = 100;
// A save caught between two of its steps all the same, when the saving process (or this one) was
// preempted for longer than SETTLE_MS on a busy machine: a file the events name is empty (truncated,
// not written yet), or every file they name is gone (vim's: renamed to its backup, the new one not
// written yet). The build waits for the save's next event, HALF_SAVED_MAX_MS after the first event at
// the latest (a file emptied or deleted on purpose is built then). A temp file renamed over the
// file is gone too, but the file it was renamed to is not: that save builds at once.
const HALF_SAVED_MAX_MS = 250;
// What esbuild's bundle can load (its default loaders): a file of these gone is a change to build.
const LOADED = /\.(?:[cm]?[jt]sx?|json|css|txt|node|wasm)$/;
// An app that has not listened after this long gets a line saying what the dev server waits for.
const SLOW_START_MS = 15_000;
// A stopped app that ignores SIGTERM this long is killed.
const STOP_GRACE_MS = 5000;
// How long the app may take to answer a swap. It answers between two of its own tasks, once it
// has imported the new modules: a template's in a few ms, bench:build's router (2.3 MB of
// generated code) in 36-50 ms on an idle machine (2026-12-07). An app whose event loop is
// blocked (a `while (true)` a request ran into, a long synchronous loop) never answers, and
// until 2026-12-07 the rebuild queue waited for it for good: no later edit was served. Past this
// bound (100 times the router's swap, room for a loaded machine) the app is taken for stuck:
// restarted from the new build and stopped (SIGKILL when SIGTERM does not end it: its handler
// cannot run). test/dev-server-blocked.test.ts.
const SWAP_ANSWER_MS = 5000;
// ES modules cannot be unloaded: each swap leaves the old instances of what it replaced in the
// app's heap, for good. Measured (2026-12-07): a 1.3 MB module imported at 40 URLs grew the heap
// by ~4.7 MB each time; a router swap in bench:build's 1,000-route app brings ~1.9 MB of new
// modules, so a day of router edits there would end in "JavaScript heap out of memory". Once
// the app's used heap has grown by this much since it listened, the next edit restarts it (a
// fresh process, as after an edit of any other file) instead of swapping.
// FAWKES_DEV_SWAP_HEAP_MB sets it; 0 restarts at the first edit after any swap.
const SWAP_HEAP_MB = swapHeapMb(process.env.FAWKES_DEV_SWAP_HEAP_MB);

function swapHeapMb(value: string | undefined): number {
  if (value === undefined || value === "") return 256;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`FAWKES_DEV_SWAP_HEAP_MB must be a number of megabytes (0 or more), not ${JSON.stringify(value)}`);
  return mb;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const root = options.root;
  const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const logError = options.logError ?? ((text: string) => process.stderr.write(text));
  const outfile = join(root, DEV_BUNDLE);
  // The hook as a data: URL, read once: a rebuilt or cleaned dist/ cannot take it from a restart.
  const hookSource = readFileSync(new URL("./worker-hook.js", import.meta.url), "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
  const hook = `data:text/javascript;base64,${Buffer.from(hookSource).toString("base64")}`;
  const absRoot = resolve(root);
  // Where the plugin writes the generated modules, relative to the root with forward slashes as
  // each generation reports it (gen.outDir): `.fawkes`, the config's outDir or --out, however
  // typed (`./gen/` is `gen`), and followed when an edit of the config moves it. The watcher
  // ignores it as it ignores `.fawkes` (the plugin's writes are no edits, it is not walked as
  // the app's input). Until 2026-12-07 only --out as typed was: a config's outDir was watched,
  // and each build's writes came back as a change (test/dev-server-out-dir.test.ts).
  const folder = (dir: string) => relativePosix(absRoot, resolve(absRoot, dir));
  let generatedDir = folder(options.plugin.outDir ?? options.outDir ?? ".fawkes");
  const inGenerated = (rel: string) => rel === generatedDir || rel.startsWith(generatedDir + "/");
  // What the watcher below reports, for the plugin's ChangeHint: every file under the root but
  // the ignored ones; and the out dir, which it ignores because the plugin writes it (a generated
  // module edited by hand is written again by the next generation without a hint: ctx.rebuild's).
  const covers = (abs: string) => {
    if (!abs.startsWith(absRoot + sep)) return false;
    const rel = abs.slice(absRoot.length + 1).split(sep).join("/");
    return !ignored(rel) || inGenerated(rel);
  };
  const isStatic = (rel: string) => rel === options.staticDir || rel.startsWith(options.staticDir + "/");
  const restartPattern = matcher(options.watch);

  let active: Worker | null = null;
  let starting: Worker | null = null;
  let failure: Failure | null = null;
  /** Errors the deferred type check found in the build being served: page loads get them until a check finds none. */
  let typeFailure: Failure | null = null;
  /** Bumped on every reload: the pages carry it, and a page from an older one reloads on connect. */
  let generation = 1;
  let lastBundle: string | null = null;
  let closed = false;

  // Requests that come before the first build has an outcome wait for it.
  let firstOutcome!: () => void;
  const ready = new Promise<void>((resolve) => (firstOutcome = resolve));

  // The primary's port, kept for the whole session.
  const server = createServer((req, res) => void handle(req, res));
  const live = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "localhost", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(options.host ?? "localhost")}:${port}`;

  // The app's bundle, rebuilt incrementally: esbuild keeps its parse of unchanged files, and the
  // plugin regenerates .fawkes/ only when the router, its imports, a template or the config changed.
  // The router's type check is deferred (the plugin's typeCheck "deferred"): a build that reads
  // the router from its syntax is served at once, and what the type checker adds (ACTION_MISSING)
  // arrives after, from a worker thread (typeChecked below).
  // The templates are not in the bundle (templates-tree.ts): a template edit regenerates, builds
  // and swaps that template's module into the running app (swapTemplates), with no bundle and
  // no restart; any other change bundles the app again and restarts it.
  // The router is not in the bundle either (router-side.ts): a router edit builds the router's
  // modules alone and swaps them into the running app (swapRouter), when the bundle would not change.
  const side = routerSide(absRoot);
  const tree = templateTree(root, { routeHelpers: "external", plugins: [side.treePlugin(() => generatedDir)] });
  let generate: ((hint?: ChangeHint) => Promise<Generation>) | null = null;
  const appOptions = bundleOptions(root, options.entry, outfile, { ...options.plugin, typeCheck: "deferred", onTypeCheck: (r) => void typeChecked(r).finally(() => options.onTypeCheck?.(r)), exposeGenerate: (g) => (generate = g) });
  const ctx: BuildContext = await context({ ...appOptions, plugins: [devTemplatesPlugin(root, () => generatedDir, tree), side.appPlugin(() => generatedDir), ...(appOptions.plugins ?? [])], write: false, metafile: true });
  /** The project files the running bundle was built from (absolute). */
  let bundleInputs = new Set<string>();
  if (!generate) throw new Error("fawkes server: the Fawkes plugin did not hand over its generation step");
  const regenerate: (hint?: ChangeHint) => Promise<Generation> = generate;
  let swaps = 0;
  /** The generated files written since the templates' tree was last brought up to date. */
  const writtenSince: string[] = [];

  const broadcast = (message: object) => {
    const text = JSON.stringify(message);
    for (const client of live.clients) if (client.readyState === client.OPEN) client.send(text);
  };
  const reload = (reason: string) => {
    generation++;
    broadcast({ type: "reload", build: String(generation), reason });
  };

  /** A build that failed: its errors to the terminal and the error page, the last good build serving. */
  async function failed(errors: Message[], reason: string, started: number, from?: "generate"): Promise<void> {
    const ms = Math.round(performance.now() - started);
    const shown = errors.map((m) => ({ ...m, notes: m.notes.filter((n) => !n.location?.file.startsWith("fawkes-failed")) }));
    logError((await formatMessages(shown, { kind: "error", color: options.color ?? false })).join(""));
    log(`[fawkes] build failed in ${ms} ms (${errors.length} error${errors.length === 1 ? "" : "s"})${active ? "; the last good build keeps serving" : ""}`);
    failure = {
      heading: "Compile error",
      summary: `${errors.length} error${errors.length === 1 ? "" : "s"} in the last build (${reason}). ${active ? "Everything but page loads is served by the last good build." : "Nothing has built yet."}`,
      problems: errors.map((m) => problemFromMessage(root, m)),
      from,
    };
    lastBundle = null; // a fix that brings back the same bundle as before must still restart
    reload("the build failed");
    firstOutcome();
  }

  /**
   * One build: .fawkes/ regenerated; then, when only templates changed, their modules swapped
   * into the running app; else the app bundled and, when it or the templates' modules changed
   * (or `restart`), a new app process.
   */
  async function rebuild(reason: string, restart: boolean, paths: readonly string[]): Promise<void> {
    const started = performance.now();
    const gen = await regenerate({ paths: paths.map((p) => join(absRoot, p)), covers });
    // A temp file an editor saved through and renamed over the file (JetBrains' safe write,
    // write-file-atomic's `x.eta.123`): gone now, and nothing a build or the app reads (not a
    // template, a module esbuild loads, a watched pattern). It leaves the save a template edit.
    const transient = (p: string) => !existsSync(join(root, p)) && /\.[^./]+$/.test(p) && !LOADED.test(p) && !gen.isTemplate(join(absRoot, p)) && !restartPattern(p);
    const saved = paths.filter((p) => !transient(p));
    if (saved.length && saved.length < paths.length) {
      paths = saved;
      reason = describeChange(saved);
    }
    generatedDir = gen.outDir;
    writtenSince.push(...gen.written);
    if (gen.errors.length) return failed(gen.errors.map(fullMessage), reason, started, "generate");
    // Only templates edited, into an app that runs what is on disk (not after a failed bundle or start).
    const templatesOnly = paths.length > 0 && paths.every((p) => gen.isTemplate(join(root, p)));
    // A swap tried and refused: its modules are built already (so the tree reads unchanged below)
    // and the app, and the spare, still run the old ones: restart from a fresh process.
    // An app swapped into until its heap grew too much (SWAP_HEAP_MB) is restarted, its spare too (it took the same swaps).
    let swapRefused = active?.recycle === true;
    if (templatesOnly && !restart && !swapRefused && active && (!failure || failure.from === "generate")) {
      const modules = gen.written.filter((f) => f.startsWith(`${gen.outDir}/templates/`) && !f.endsWith("/__registry.gen.ts"));
      if (gen.removed.length === 0 && modules.length === gen.written.length) {
        if (await swapTemplates(modules, reason, started)) return;
        swapRefused = true;
      }
    }
    // Only the router's files edited (the router, a router it mounts, the router's generated modules).
    const routerOnly = paths.length > 0 && paths.every((p) => side.covers(join(absRoot, p)));
    if (routerOnly && !restart && !swapRefused && active && (!failure || failure.from === "generate") && gen.removed.length === 0) {
      const outcome = await swapRouter(gen, reason, started);
      if (outcome === "done") return;
      swapRefused = outcome === "refused";
    }
    let outputs: OutputFile[];
    let treeChanged: boolean;
    try {
      const [result, changed] = await Promise.all([ctx.rebuild(), tree.buildAll(gen.outDir, writtenSince)]);
      outputs = result.outputFiles ?? [];
      bundleInputs = new Set(Object.keys(result.metafile?.inputs ?? {}).filter((i) => !i.includes(":")).map((i) => join(absRoot, i)));
      // The router's build, outside the bundle as the templates' modules are: a change restarts the app.
      const sideChanged = await side.afterBundle(result.metafile, gen.outDir);
      treeChanged = changed || sideChanged;
      writtenSince.length = 0;
    } catch (e) {
      const errors = e instanceof TreeBuildError || e instanceof SideBuildError ? e.errors : (e as { errors?: Message[] }).errors;
      if (!errors) throw e;
      return failed(errors, reason, started);
    }
    const built = Math.round(performance.now() - started);
    const js = outputs.find((f) => f.path.endsWith(".mjs"));
    const hash = js ? createHash("sha256").update(js.contents).digest("hex") : "";
    if (hash === lastBundle && !treeChanged && !swapRefused && !restart && active) {
      if (failure) {
        failure = null;
        reload(reason);
      }
      log(`[fawkes] rebuilt in ${built} ms, no change to the app (${reason})`);
      return;
    }
    mkdirSync(dirname(outfile), { recursive: true });
    for (const f of outputs) writeFileSync(f.path, f.contents);
    lastBundle = hash;
    if (treeChanged || swapRefused) dropSpare();
    const swapStarted = performance.now();
    const worker = await startWorker();
    if (!worker) {
      lastBundle = null;
      firstOutcome();
      return;
    }
    const old = active;
    // Pages showing the error page (the first build failed, or the app stopped) come back too.
    const wasFailing = failure !== null;
    active = worker;
    failure = null;
    const swapped = Math.round(performance.now() - swapStarted);
    log(old || wasFailing ? `[fawkes] rebuilt in ${built} ms, app restarted in ${swapped} ms (${reason})` : `[fawkes] built in ${built} ms, app started in ${swapped} ms`);
    if (old || wasFailing) reload(reason);
    if (old) void stopWorker(old);
    firstOutcome();
    prepareSpare();
  }

  /**
   * A swap sent to the app (and to the spare, which takes the same), and the app's answer: null
   * when it could not be sent or the app exited first, "timeout" when none came within
   * SWAP_ANSWER_MS (its event loop is blocked). An answer that comes later is dropped.
   */
  function askSwap(worker: Worker, message: SwapMessage | RouterSwapMessage): Promise<SwappedMessage | null | "timeout"> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done("timeout"), SWAP_ANSWER_MS);
      const done = (answer: SwappedMessage | null | "timeout") => {
        clearTimeout(timer);
        worker.swaps.delete(message.id);
        // The spare takes the same swap once the app has: sent beside it, the spare's import of
        // the new modules took one of the two cores from the app's (a router swap compiles ~2 MB).
        // The caller restarts after any other answer, and drops the spare then.
        if (spare && answer !== "timeout" && answer && !answer.error) spare.child.send(message, (e) => e && dropSpare());
        if (answer !== "timeout" && answer?.heap !== undefined && !worker.recycle) {
          const grown = (answer.heap - worker.heap) / 1e6;
          if (SWAP_HEAP_MB === 0 || grown >= SWAP_HEAP_MB) {
            worker.recycle = true;
            log(`[fawkes] the app's heap grew by ${Math.max(0, Math.round(grown))} MB since it started (each swap's old modules stay loaded: ES modules cannot be unloaded); the next edit restarts it`);
          }
        }
        resolve(answer);
      };
      worker.swaps.set(message.id, done);
      worker.child.send(message, (e) => e && done(null));
    });
  }

  /** Whether the app took the swap; else why not, logged (the caller then restarts it). */
  function swapped(answer: SwappedMessage | null | "timeout", what: "templates" | "router"): boolean {
    if (answer === "timeout") {
      log(`[fawkes] the app did not answer the ${what === "router" ? "router's" : "templates'"} swap within ${SWAP_ANSWER_MS / 1000} s (is its event loop blocked? a long synchronous loop in a request); restarting it`);
      return false;
    }
    if (!answer || answer.error) {
      log(`[fawkes] the app could not swap the ${what} in${answer?.error ? ` (${answer.error.split("\n")[0]})` : ""}; restarting it`);
      return false;
    }
    return true;
  }

  /**
   * The templates' modules regenerated (`modules`, relative to root) built and swapped into the
   * running app; false when that cannot be (a new export, the app did not take them): the
   * caller bundles and restarts instead. None written (an edit that compiles the same, a fix
   * that brings back what the app runs): nothing to swap.
   */
  async function swapTemplates(modules: readonly string[], reason: string, started: number): Promise<boolean> {
    const worker = active!;
    let urls: string[] | null;
    try {
      urls = modules.length ? await tree.buildSome(generatedDir, modules) : [];
    } catch (e) {
      if (!(e instanceof TreeBuildError)) throw e;
      await failed(e.errors, reason, started);
      return true;
    }
    if (urls === null) return false;
    const built = Math.round(performance.now() - started);
    if (urls.length) {
      const registry = tree.registryUrl(generatedDir);
      const message: SwapMessage = { fawkes: "swap", id: ++swaps, modules: urls, templates: registry, registry: registry.replace(/templates\.gen\.mjs$/, "templates/__registry.gen.mjs") };
      // The spare loaded the templates' modules already, or is loading them: the same swap.
      if (!swapped(await askSwap(worker, message), "templates")) return false;
    }
    const fixed = failure !== null;
    failure = null;
    const ms = Math.round(performance.now() - started);
    if (urls.length) log(`[fawkes] rebuilt in ${built} ms, ${urls.length === 1 ? "1 template" : `${urls.length} templates`} swapped into the app in ${ms - built} ms (${reason})`);
    else log(`[fawkes] rebuilt in ${built} ms, no change to the app (${reason})`);
    if (urls.length || fixed) reload(reason);
    firstOutcome();
    prepareSpare();
    return true;
  }

  /**
   * A router edit: the router's modules built apart and swapped into the running app
   * (router-side.ts). "cannot" when the bundle would change (the router imports other modules of
   * the app, its modules export other names, a generated file the bundle or the templates read
   * was written) and "refused" when the app did not take it: the caller bundles and restarts.
   */
  async function swapRouter(gen: Generation, reason: string, started: number): Promise<"done" | "cannot" | "refused"> {
    const worker = active!;
    let built: SideBuild;
    try {
      built = await side.build(gen.outDir);
    } catch (e) {
      if (!(e instanceof SideBuildError)) throw e;
      await failed(e.errors, reason, started);
      return "done";
    }
    // What the generation wrote is the router's, or read by nobody at run time (actions.gen.ts: types).
    const inTree = (f: string) => f === `${gen.outDir}/templates.gen.ts` || f.startsWith(`${gen.outDir}/templates/`);
    const stray = gen.written.find((f) => !built.inputs.has(join(absRoot, f)) && (bundleInputs.has(join(absRoot, f)) || inTree(f)));
    if (side.misfit(built) || stray) return "cannot";
    const builtMs = Math.round(performance.now() - started);
    const message = side.write(built, ++swaps);
    // The spare swaps what it loaded already (the helpers, through the templates); it loads the router when it runs.
    if (message && !swapped(await askSwap(worker, message), "router")) return "refused";
    // The deferred type check of the router this served, as a build's end starts it.
    gen.typeCheck();
    const fixed = failure !== null;
    failure = null;
    const ms = Math.round(performance.now() - started);
    log(message ? `[fawkes] rebuilt in ${builtMs} ms, the router swapped into the app in ${ms - builtMs} ms (${reason})` : `[fawkes] rebuilt in ${builtMs} ms, no change to the app (${reason})`);
    if (message || fixed) reload(reason);
    firstOutcome();
    prepareSpare();
    return "done";
  }

  /** The deferred type check of the router the last build read: errors to the terminal and the error page, a fix clears them. */
  async function typeChecked(report: TypeCheckReport): Promise<void> {
    if (closed) return;
    const errors = report.errors.map(fullMessage);
    const problems = errors.map((m) => problemFromMessage(root, m));
    // The same errors again (a build of an edit elsewhere checks again): the page already shows them.
    if (errors.length && typeFailure && JSON.stringify(problems) === JSON.stringify(typeFailure.problems)) return;
    if (errors.length) {
      logError((await formatMessages(errors, { kind: "error", color: options.color ?? false })).join(""));
      log(`[fawkes] type check: ${errors.length} error${errors.length === 1 ? "" : "s"} in ${Math.round(report.ms)} ms; the app runs, page loads show ${errors.length === 1 ? "it" : "them"}`);
      typeFailure = {
        heading: "Type error",
        summary: `The router's type check found ${errors.length === 1 ? "an error" : `${errors.length} errors`} after the build was served. Everything but page loads is served by it.`,
        problems,
      };
      reload("type errors");
    } else if (typeFailure) {
      typeFailure = null;
      log(`[fawkes] type check: no errors (${Math.round(report.ms)} ms)`);
      reload("the type errors are fixed");
    }
    // The type checker read the router differently and wrote its modules: build them.
    if (report.regenerated) changed(`${generatedDir}/router.gen.ts`);
  }

  /**
   * An app process: the bundle run as the main module, or (`spare`) one that loads the
   * templates' modules and waits to be told to run it (SPARE_MAIN).
   */
  function launch(spare: boolean): Worker {
    const main = spare ? ["--input-type=module", "--eval", SPARE_MAIN] : [outfile];
    const child = spawn(process.execPath, ["--enable-source-maps", "--import", hook, ...main], {
      cwd: root,
      // One process (FAWKES_WORKERS=1 whatever the app's config says): its one listen is what the proxy serves.
      env: { ...process.env, PORT: String(port), FAWKES_DEV_PORT: String(port), FAWKES_WORKERS: "1", NODE_ENV: process.env.NODE_ENV ?? "development", ...(spare ? { FAWKES_DEV_PRELOAD: tree.registryUrl(generatedDir) } : {}) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const output: string[] = [];
    const keep = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      stream.write(chunk);
      output.push(...chunk.toString("utf8").split(/(?<=\n)/));
      if (output.length > OUTPUT_LINES) output.splice(0, output.length - OUTPUT_LINES);
    };
    child.stdout!.on("data", keep(process.stdout));
    child.stderr!.on("data", keep(process.stderr));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return { child, port: 0, https: false, agent: new Agent({ keepAlive: true }), output, exited, swaps: new Map(), heap: 0, recycle: false };
  }

  // The next app process, started ahead (after each start and each swap): node's own start and
  // the 500 templates' modules loaded before it is needed, so a restart (a router edit) costs
  // the bundle's load alone. A swap goes to it too; a change of the templates' files that is
  // not a swap (a template created) makes it stale: it is stopped and the app starts anew.
  let spare: Worker | null = null;
  function prepareSpare(): void {
    if (spare || closed || !existsSync(fileURLToPath(tree.registryUrl(generatedDir)))) return;
    const worker = launch(true);
    spare = worker;
    void worker.exited.then(() => {
      if (spare === worker) spare = null;
    });
  }
  function dropSpare(): void {
    if (spare) void stopWorker(spare);
    spare = null;
  }

  /** A new app process from the bundle on disk; null (and `failure` set) when it exits before listening. */
  function startWorker(): Promise<Worker | null> {
    if (starting) void stopWorker(starting);
    const ready = spare;
    spare = null;
    const worker = ready ?? launch(false);
    const child = worker.child;
    const output = worker.output;
    if (ready) child.send({ fawkes: "run", url: pathToFileURL(outfile).href, entry: outfile });
    starting = worker;
    // Only a hint: the app may connect to a database first. It never ends the wait.
    const slow = setTimeout(() => log(`[fawkes] ${options.entry} has not listened yet: the dev server serves the app once it starts its HTTP server (endpoint.start())`), SLOW_START_MS);
    slow.unref();
    child.once("exit", () => clearTimeout(slow));
    return new Promise((resolve) => {
      child.on("message", (m: ListeningMessage | SwappedMessage) => {
        if (m?.fawkes === "swapped") {
          worker.swaps.get(m.id)?.(m);
          worker.swaps.delete(m.id);
          return;
        }
        if (m?.fawkes !== "listening") return;
        clearTimeout(slow);
        worker.port = m.port;
        worker.https = m.https;
        worker.heap = m.heap;
        if (m.https) worker.agent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: false });
        if (starting === worker) starting = null;
        resolve(worker);
      });
      child.once("exit", (code, signal) => {
        worker.agent.destroy();
        for (const answer of worker.swaps.values()) answer(null);
        worker.swaps.clear();
        if (starting === worker) {
          // It never listened: the last good build (if any) keeps serving.
          starting = null;
          if (!closed && !signal) {
            failure = { heading: "The app did not start", summary: `The new build compiled, but ${options.entry} exited (code ${code}) before it listened.${active ? " Everything but page loads is served by the last good build." : ""}`, problems: [], output: output.join("") };
            log(`[fawkes] the app exited (code ${code}) before it listened${active ? "; the last good build keeps serving" : ""}`);
            reload("the app did not start");
          }
          resolve(null);
        } else if (active === worker && !closed) {
          active = null;
          failure = { heading: "The app stopped", summary: `${options.entry} exited (${signal ?? `code ${code}`}). Save a file to start it again.`, problems: [], output: output.join("") };
          log(`[fawkes] the app exited (${signal ?? `code ${code}`}); it starts again on the next change`);
          lastBundle = null;
          reload("the app stopped");
        }
        resolve(null); // no-op when it listened first
      });
    });
  }

  async function stopWorker(worker: Worker): Promise<void> {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill("SIGTERM");
      const timer = setTimeout(() => {
        // Its SIGTERM handler never ran (a blocked event loop) or never ends it.
        log(`[fawkes] the app's process ${worker.child.pid} did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM: killed (SIGKILL)`);
        worker.child.kill("SIGKILL");
      }, STOP_GRACE_MS);
      await worker.exited;
      clearTimeout(timer);
    }
    worker.agent.destroy();
  }

  // --- the watcher: one queue, so builds never overlap and a burst of changes is one build ---
  const pending = new Map<string, boolean>(); // path → is a restart pattern
  const css = new Set<string>();
  let staticChanged: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  /** When the first event not built yet came (null: none waits), and the last. */
  let firstEvent: number | null = null;
  let lastEvent = 0;

  /** The timer for the next build: SETTLE_MS after the last event, SETTLE_MAX_MS after the first at the latest. */
  function settle(): void {
    const now = performance.now();
    const wait = Math.min(lastEvent + SETTLE_MS, (firstEvent ?? now) + SETTLE_MAX_MS) - now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, wait));
  }

  function changed(rel: string): void {
    if (isStatic(rel)) {
      if (rel.endsWith(".css")) css.add("/" + rel.slice(options.staticDir.length + 1));
      else staticChanged = rel;
    } else {
      pending.set(rel, restartPattern(rel));
    }
    lastEvent = performance.now();
    firstEvent ??= lastEvent;
    settle();
  }

  /** Whether the changed files look like a save caught between its steps (HALF_SAVED_MAX_MS). */
  function halfSaved(): boolean {
    const sizes = [...pending.keys()].map((rel) => statSync(join(root, rel), { throwIfNoEntry: false })?.size);
    return sizes.some((size) => size === 0) || (sizes.length > 0 && sizes.every((size) => size === undefined));
  }

  function flush(): void {
    timer = null;
    if (running) return; // the build in progress flushes again when it ends
    if (firstEvent !== null && performance.now() < firstEvent + HALF_SAVED_MAX_MS && halfSaved()) {
      timer = setTimeout(flush, SETTLE_MS);
      return;
    }
    firstEvent = null;
    const paths = [...pending.keys()];
    const restart = [...pending.values()].some(Boolean);
    pending.clear();
    const sheets = [...css];
    css.clear();
    const other = staticChanged;
    staticChanged = null;
    occupy((async () => {
      if (paths.length) await rebuild(describeChange(paths), restart, paths);
      if (other) {
        log(`[fawkes] ${other} changed: reloading`);
        reload(`${other} changed`);
      } else {
        for (const path of sheets) {
          log(`[fawkes] ${options.staticDir}${path} changed: swapping the stylesheet`);
          broadcast({ type: "css", path });
        }
      }
    })().catch((e: unknown) => logError(`[fawkes] rebuild failed: ${(e as Error)?.stack ?? String(e)}\n`)));
  }

  /** `work` the build in progress: a flush meanwhile waits, and the changes that came during it are built once they settle (at once when they have). */
  function occupy(work: Promise<void>): void {
    running = work.finally(() => {
      running = null;
      if (pending.size || css.size || staticChanged) settle();
    });
  }

  const ignored = (rel: string) => {
    const parts = rel.split("/");
    return parts.some((p) => p === "node_modules" || p === "_build" || (p.startsWith(".") && p !== ".") || p.endsWith("~") || p.endsWith(".swp")) || inGenerated(rel);
  };
  // Every file of the project, created and deleted ones included, not only those the last
  // build read (tree-watch.ts: the system's recursive watch, or on Linux each folder's).
  const watcher = watchTree(root, ignored, (rel) => closed || changed(rel), (e) => logError(`[fawkes] watching ${root} failed: ${e.message}\n`));

  live.on("connection", (ws: WebSocket) => ws.send(JSON.stringify({ type: "hello", build: String(generation) })));

  // --- the proxy ---
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path === CLIENT_PATH) {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
      return void res.end(CLIENT_SCRIPT);
    }
    if (!active && !failure) await ready;
    const navigation = isNavigation(req);
    if (failure && (navigation || !active)) return sendFailure(res, failure, navigation);
    // The served build runs; only page loads show its type errors (as a failed build's, the rest is served).
    if (typeFailure && navigation) return sendFailure(res, typeFailure, navigation);
    const worker = active;
    if (!worker) return sendFailure(res, { heading: "The app is not running", summary: "Save a file to build and start it again.", problems: [] }, navigation);
    proxy(req, res, worker);
  }

  function sendFailure(res: ServerResponse, f: Failure, html: boolean): void {
    if (!html) {
      const text = [f.heading + ": " + f.summary, ...f.problems.map((p) => `${p.file ? `${p.file}:${p.line}:${p.column}: ` : ""}${p.text}`), f.output ?? ""].join("\n");
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      return void res.end(text);
    }
    res.writeHead(500, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(errorPage({ ...f, scriptTag: scriptTag() }));
  }

  const scriptTag = () => `<script src="${CLIENT_PATH}" data-build="${generation}"></script>`;

  function proxy(req: IncomingMessage, res: ServerResponse, worker: Worker): void {
    const headers = withoutHopByHop(req.headers);
    // Uncompressed answers, so that HTML can take the reload script (development only).
    delete headers["accept-encoding"];
    const send = worker.https ? httpsRequest : httpRequest;
    const upstream = send({ host: "127.0.0.1", port: worker.port, method: req.method, path: req.url, headers, agent: worker.agent }, (answer) => {
      const status = answer.statusCode ?? 502;
      const out = withoutHopByHop(answer.headers);
      const html = /^text\/html/i.test(String(answer.headers["content-type"] ?? ""));
      if (!html || req.method === "HEAD" || status === 204 || status === 304 || answer.headers["content-encoding"]) {
        res.writeHead(status, answer.statusMessage, out);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        const body = Buffer.from(injectClient(Buffer.concat(chunks).toString("utf8"), String(generation)));
        delete out["content-length"];
        res.writeHead(status, answer.statusMessage, { ...out, "content-length": body.length });
        res.end(body);
      });
      answer.on("error", () => res.destroy());
    });
    upstream.on("error", (e) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`fawkes server: the app did not answer (${e.message})\n`);
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    if ((req.url ?? "/").split("?")[0] === LIVE_PATH) return live.handleUpgrade(req, socket, head, (ws) => live.emit("connection", ws, req));
    const worker = active;
    if (!worker) return void socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    // The app's own WebSockets (channels): the upgrade request as it came, then bytes both ways.
    const upstream = worker.https ? tlsConnect({ host: "127.0.0.1", port: worker.port, rejectUnauthorized: false }) : connect(worker.port, "127.0.0.1");
    upstream.once(worker.https ? "secureConnect" : "connect", () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on("error", () => socket.destroy());
    upstream.on("close", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
  }

  // The first build: the port is already open, requests wait for it. It is the queue's, as any
  // build: a change during it (an editor's save; until 2026-12-07 the plugin's own writes to a
  // config's outDir) is built after it, never beside it (a second app started then stopped the
  // first one while it started, and nothing served).
  const first = rebuild("first build", true, []);
  occupy(first.catch(() => {}));
  await first;
  await ready;

  return {
    url,
    port,
    async close() {
      closed = true;
      watcher.close();
      if (timer) clearTimeout(timer);
      await running;
      await ctx.dispose();
      await side.dispose();
      for (const client of live.clients) client.terminate();
      live.close();
      await Promise.all([active, starting, spare].filter((w): w is Worker => w !== null).map(stopWorker));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The spare app process's main module (--eval): loads the templates' modules (the bundle will
// import them) and, on the dev server's "run" (which may come first: the listener is there from
// the start, a message nobody listens to is lost), imports the bundle as node would run it
// (argv[1] is the bundle; an error while loading it is printed and ends the process).
const SPARE_MAIN = `
const preload = process.env.FAWKES_DEV_PRELOAD;
delete process.env.FAWKES_DEV_PRELOAD;
process.channel?.ref();
const loaded = preload ? import(preload).catch(() => {}) : Promise.resolve();
process.on("message", (m) => {
  if (m?.fawkes !== "run") return;
  process.channel?.unref();
  process.argv[1] = m.entry;
  loaded.then(() => import(m.url)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
});
`;

/** A page load: the browser says so (Sec-Fetch-Dest), or a GET that asks for HTML. */
function isNavigation(req: IncomingMessage): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const dest = req.headers["sec-fetch-dest"];
  if (dest) return dest === "document" || dest === "iframe";
  return /text\/html/i.test(req.headers.accept ?? "");
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the message.
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];
function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

function describeChange(all: string[]): string {
  // A folder created with files in it: the files say it.
  const paths = all.filter((p) => !all.some((q) => q.startsWith(p + "/")));
  return paths.length === 1 ? `${paths[0]} changed` : `${paths.length} files changed: ${paths.slice(0, 3).join(", ")}${paths.length > 3 ? ", ..." : ""}`;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/** A message the plugin reports with what esbuild fills in for its own. */
function fullMessage(m: PartialMessage): Message {
  const location = (l: PartialMessage["location"]): Message["location"] =>
    l ? { file: l.file ?? "", namespace: l.namespace ?? "file", line: l.line ?? 1, column: l.column ?? 0, length: l.length ?? 0, lineText: l.lineText ?? "", suggestion: l.suggestion ?? "" } : null;
  return {
    id: m.id ?? "",
    pluginName: m.pluginName ?? "fawkes",
    text: m.text ?? "",
    location: location(m.location),
    notes: (m.notes ?? []).map((n) => ({ text: n.text ?? "", location: location(n.location) })),
    detail: m.detail,
  };
}
