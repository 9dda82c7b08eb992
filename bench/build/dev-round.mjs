// One child of `npm run bench:build`: `fawkes server`'s dev loop as a user meets it.
// node dev-round.mjs <app> <lib> <edits>
// The dev server (startDevServer, from the transpiled sources in <lib>) on the generated app,
// port 0; then <edits> template edits and <edits> router edits, each timed from just before
// the file is written until the dev server serves the new code: the fs.watch notification,
// the settle time, regeneration, the build, the swap or restart, the live-reload message
// and one GET through the dev server's port that must show the edit (outside nothing: the
// GET is part of the time, as the browser's reload is what the user waits for).
//   template edit: c0/show.html.eta gets a marker; GET /s0/things0/1 must contain it.
//   router edit:   one get's path gets a marker; GET of the new path must be a 200.
// Between edits the child waits (untimed) for the router's deferred type check, so it does
// not run into the next edit's time. The app's own `import "fawkes"` resolves to this
// checkout's dist/ (the package's self-reference, as test/dev-server-support.ts's apps do).
// Prints one JSON line: { cold, template: [ms...], router: [ms...], lines: [dev server log...] }
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { WebSocket } from "ws";
import { EDITED_PAGE, EDITED_TEMPLATE, ROUTER, router, routerEditPath, template } from "./generate.mjs";

const [app, lib, editsArg] = process.argv.slice(2);
// A wait that never ends (a reload message with another reason, a type check that never comes)
// fails the round with what the dev server logged, instead of hanging the bench (seen once: a
// full run stalled in its first dev round on an idle box, 17:01 on 2026-12-07).
const WAIT_MS = 120_000;
function watchdog(what) {
  const timer = setTimeout(() => {
    process.stderr.write(`dev-round: no ${what} within ${WAIT_MS / 1000} s; reload messages not taken: ${JSON.stringify(messages)}\nthe dev server's last lines:\n${lines.slice(-30).join("\n")}\n`);
    // The dev server's app processes are stopped with it (bounded: it may be what is stuck).
    Promise.race([dev.close(), new Promise((resolve) => setTimeout(resolve, 10_000))]).finally(() => process.exit(1));
  }, WAIT_MS);
  return () => clearTimeout(timer);
}
const edits = Number(editsArg);
const lines = [];
const messages = []; // the live-reload socket's messages, each queued until taken
const checks = [];
let checked = null;
const onTypeCheck = (report) => {
  checks.push(report);
  checked?.();
};
async function typeChecked() {
  const done = watchdog("type check report");
  while (!checks.length) await new Promise((resolve) => (checked = resolve));
  done();
  const report = checks.shift();
  if (report.errors.length) throw new Error(`the type check failed: ${report.errors.map((e) => e.text).join("; ")}`);
}

const { startDevServer } = await import(pathToFileURL(join(lib, "compiler/cli/server/dev.js")).href);
const t0 = performance.now();
const dev = await startDevServer({ root: app, entry: "server.ts", port: 0, host: "127.0.0.1", staticDir: "priv/static", watch: [], plugin: {}, log: (l) => lines.push(l), logError: (t) => lines.push(t.trimEnd()), onTypeCheck });
const cold = performance.now() - t0;
await typeChecked();

// The live-reload socket, as the page's script: each message queued until taken.
const ws = new WebSocket(dev.url.replace(/^http/, "ws") + "/__fawkes/live");
let woken = null;
ws.on("message", (data) => {
  messages.push(JSON.parse(String(data)));
  woken?.();
});
await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
async function reloaded(reason) {
  const done = watchdog(`reload message "${reason}"`);
  try {
    return await takeReload(reason);
  } finally {
    done();
  }
}
async function takeReload(reason) {
  for (;;) {
    const i = messages.findIndex((m) => m.type === "reload");
    if (i !== -1) {
      const [m] = messages.splice(i, 1);
      if (m.reason === reason) return;
      if (m.reason === "the build failed") throw new Error(`the build failed:\n${lines.slice(-20).join("\n")}`);
      continue;
    }
    await new Promise((resolve) => (woken = resolve));
  }
}

async function edit(kind, n) {
  const marker = kind === "template" ? ` edit-${n}` : `-v${n}`;
  const file = kind === "template" ? EDITED_TEMPLATE : ROUTER;
  const text = kind === "template" ? template("c0", "show", marker) : router(marker);
  const path = kind === "template" ? EDITED_PAGE : routerEditPath(marker);
  const started = performance.now();
  writeFileSync(join(app, file), text);
  await reloaded(`${file} changed`);
  const res = await fetch(dev.url + path);
  const body = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200 || (kind === "template" && !body.includes(`c0 show${marker}`))) throw new Error(`GET ${path} after the ${kind} edit: ${res.status}, ${JSON.stringify(body.slice(0, 200))}: the edit is not served`);
  if (kind === "router") await typeChecked();
  return ms;
}

const times = { template: [], router: [] };
for (const kind of ["template", "router"]) for (let n = 1; n <= edits; n++) times[kind].push(await edit(kind, n));
ws.close();
await dev.close();
process.stdout.write(JSON.stringify({ cold, ...times, lines }) + "\n");
