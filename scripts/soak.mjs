// `npm run soak` (-- --minutes 2, or SOAK_MINUTES=2): a bounded, mixed load against the demo app
// for a while (default 10 minutes), to catch leaks and errors rather than to measure throughput.
//
// The demo (fixtures/demo/server.ts, bundled as `npm start` does) runs in a child process, so the
// load generator's memory is not counted; scripts/soak-probe.mjs is preloaded into it and reports
// RSS, heap, open fds, active handles and event-loop delay once a second over IPC. The load:
// - HTTP at a paced rate over keep-alive connections: pages, JSON API reads and creates (JSON,
//   urlencoded, multipart with a file, a 64 KB body), static files and a 304, a forward, a
//   redirect, a session + CSRF form flow with a flash and a method override, and answers that
//   are expected to be 4xx (404 paths, bad JSON 400, POST without CSRF token 403);
// - channels: a bounded pool of WebSocket and long-poll clients (the official phoenix client)
//   churned over time: each gets a token from /chat, connects, joins rooms, pushes new_msg (its own
//   broadcast must come back), ping (the reply must echo), unknown events (an error reply),
//   leaves and rejoins, is refused room:private, then disconnects cleanly, after leaving, or abruptly.
// It fails (exit 1) if the median RSS of the last minute is more than 10% above the median RSS
// of minute 1, or on any error (see RULE below). Medians of 60 one-second samples, not single
// samples or the peak, so a GC sawtooth does not decide; and the server's young generation starts
// at its full size (SERVER_FLAGS), so V8 growing it during minute 1-2 does not read as a leak.
// A leak of this load's per-request or per-connection state (1,700 sessions, 90,000 requests in
// 10 minutes) grows the old space or native memory steadily and shows up in the last minute.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LongPoll, Socket } from "phoenix";
import { WebSocket } from "ws";
import { bundleDemo, staticRoot } from "./demo.mjs";

const USAGE = `usage: npm run soak [-- --minutes N] [--rps N] [--connections N] [--sockets N] [--longpoll N]
  --minutes      how long the load runs (default 10; env SOAK_MINUTES); the RSS rule needs 2 or more
  --rps          HTTP requests per second, paced (default 150; env SOAK_RPS)
  --connections  keep-alive HTTP connections, one paced worker each (default 8; env SOAK_CONNECTIONS)
  --sockets      WebSocket clients open at once (default 50; env SOAK_SOCKETS)
  --longpoll     long-poll clients open at once (default 5; env SOAK_LONGPOLL)`;

const options = parseArgs(process.argv.slice(2));
const MINUTES = options.minutes;
const DURATION = Math.round(MINUTES * 60_000);
const SAMPLE_MS = 1000;
const RSS_LIMIT = 0.1;
const WINDOW = 60_000;
const RULE =
  `FAIL if the median of the server's RSS samples (every ${SAMPLE_MS / 1000} s) in the last minute of load is more than ${RSS_LIMIT * 100}% ` +
  `above the median of its samples in minute 1 (the young generation is at its full size from the start), or on any error: an unexpected HTTP status or body, a network error or ` +
  `timeout, a join error or timeout, an unanswered push or ping, a new_msg not echoed, a socket closed or errored ` +
  `that the client did not close, any line on the server's stderr, the server exiting`;

const ROOMS = ["room:lobby", ...Array.from({ length: 10 }, (_, i) => `room:${i}`)];
const REQUEST_TIMEOUT = 15_000;
const CHANNEL_TIMEOUT = 10_000;

// ---- state ---------------------------------------------------------------------------------

let stopping = false;
let serverGone = false;
/** The server exited when the soak had not asked it to. */
let serverDied = false;
const errors = { total: 0, byKind: new Map(), examples: [] };
const stats = {
  http: { requests: 0, byClass: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 } },
  ch: {
    sessions: { websocket: 0, longpoll: 0 },
    joins: 0,
    refused: 0,
    leaves: 0,
    pushed: 0,
    received: 0,
    pings: 0,
    unknown: 0,
    disconnects: { clean: 0, leaving: 0, abrupt: 0 },
    errors: 0,
  },
  stderr: [],
  stderrLines: 0,
};
/** Probe samples: { t: ms since the load began (negative before), ...probe fields }. */
const samples = [];
/** Samples taken after a forced full GC: at the end of each minute of load, and at its end. */
const gcSamples = [];
let loadStart = 0;

function recordError(kind, detail) {
  errors.total++;
  errors.byKind.set(kind, (errors.byKind.get(kind) ?? 0) + 1);
  if (kind.startsWith("channel")) stats.ch.errors++;
  if (errors.examples.length < 25) errors.examples.push(`${clock()} ${kind}: ${detail}`);
}

const clock = () => {
  const s = Math.max(0, Math.round((Date.now() - (loadStart || Date.now())) / 1000));
  return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
};
const pct = (x) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const rand = (lo, hi) => lo + Math.random() * (hi - lo);
const pickOne = (list) => list[Math.floor(Math.random() * list.length)];
const median = (values) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---- the server ----------------------------------------------------------------------------

console.log(`soak: bundling the demo...`);
const outDir = fileURLToPath(new URL("../.fawkes-tmp/soak/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const bundle = await bundleDemo(`${outDir}server.mjs`);
const probe = fileURLToPath(new URL("./soak-probe.mjs", import.meta.url));
/**
 * --expose-gc: the probe forces a full GC once a minute to read the live heap. The young
 * generation starts at the size it reaches anyway under this load (2 × 16 MB semi-spaces, 64-bit
 * V8's maximum; without the flag it doubles from 16 to 32 MB around minute 1-2): that step is V8
 * sizing its heap, not a leak, and would otherwise read as +15-20% RSS against minute 1.
 */
const SERVER_FLAGS = ["--enable-source-maps", "--expose-gc", "--min-semi-space-size=16"];

const child = spawn(process.execPath, [...SERVER_FLAGS, "--import", pathToFileURL(probe).href, bundle], {
  stdio: ["ignore", "pipe", "pipe", "ipc"],
  env: {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    DEMO_STATIC: staticRoot,
    // Its own secret: the demo says so on stderr when it falls back to the public one.
    SECRET_KEY_BASE: randomBytes(64).toString("base64url"),
    NODE_ENV: "development",
    SOAK_SAMPLE_MS: String(SAMPLE_MS),
  },
});
const sampleWaiters = [];
const gcWaiters = [];
child.on("message", (m) => {
  if (!m?.soakProbe) return;
  const sample = { ...m, t: loadStart ? m.at - loadStart : -1 };
  if (m.afterGc) {
    gcSamples.push(sample);
    for (const w of gcWaiters.splice(0)) w(sample);
    return;
  }
  samples.push(sample);
  for (const w of sampleWaiters.splice(0)) w(sample);
});
const nextSample = () => new Promise((resolve) => sampleWaiters.push(resolve));
/** A full GC in the server, then its sample (about 1 s later). */
const gcSample = () => {
  const p = new Promise((resolve) => gcWaiters.push(resolve));
  child.send("soak:gc");
  return p;
};
let childExit = null;
let shuttingDownServer = false;
const exited = new Promise((resolve) =>
  child.once("exit", (code, signal) => {
    childExit = { code, signal };
    serverGone = true;
    if (!shuttingDownServer) {
      serverDied = true;
      recordError("server exit", `the server exited (${signal ?? code}) during the soak`);
    }
    stopping = true;
    for (const w of [...sampleWaiters.splice(0), ...gcWaiters.splice(0)]) w(null);
    resolve();
  }),
);
child.on("error", (e) => recordError("server exit", `could not run the server: ${e.message}`));

lines(child.stderr, (line) => {
  if (line.trim() === "") return;
  stats.stderrLines++;
  if (stats.stderr.length < 40) stats.stderr.push(line);
  recordError("server stderr", line);
});
const listening = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("the server did not say it was listening within 30 s")), 30_000);
  lines(child.stdout, (line) => {
    const m = /listening on (http:\/\/\S+)/.exec(line);
    if (m) {
      clearTimeout(timer);
      resolve(new URL(m[1]));
    } else if (line.trim() !== "") console.log(`  server: ${line}`);
  });
  exited.then(() => reject(new Error(`the server exited (${childExit.signal ?? childExit.code}) before listening`)));
});

function lines(stream, onLine) {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    rest += chunk;
    let i;
    while ((i = rest.indexOf("\n")) !== -1) {
      onLine(rest.slice(0, i));
      rest = rest.slice(i + 1);
    }
  });
  stream.on("end", () => rest && onLine(rest));
}

let base;
try {
  base = await listening;
} catch (e) {
  console.error(`soak FAILED: ${e.message}`);
  for (const line of stats.stderr) console.error(`  server stderr: ${line}`);
  child.kill("SIGKILL");
  process.exit(1);
}
const host = base.hostname;
const port = Number(base.port);
const wsUrl = `ws://${host}:${port}/socket`;
const lpUrl = `http://${host}:${port}/socket`;

// ---- HTTP ----------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, scheduling: "fifo" });

/** One request on the keep-alive agent; resolves with status, headers and the whole body. */
function request({ method = "GET", path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const all = body === undefined ? headers : { "content-length": String(Buffer.byteLength(body)), ...headers };
    const req = http.request({ host, port, method, path, headers: all, agent, timeout: REQUEST_TIMEOUT }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT / 1000} s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** A request that must answer `status` (and contain `contains`); anything else is an error. Returns the response or null. */
async function expectHttp(name, opts, status, contains) {
  stats.http.requests++;
  let res;
  try {
    res = await request(opts);
  } catch (e) {
    recordError("http network", `${name}: ${opts.method ?? "GET"} ${opts.path}: ${e.code ?? ""} ${e.message}`.trim());
    return null;
  }
  const cls = `${Math.floor(res.status / 100)}xx`;
  if (cls in stats.http.byClass) stats.http.byClass[cls]++;
  if (res.status !== status) {
    recordError("http status", `${name}: ${opts.method ?? "GET"} ${opts.path}: expected ${status}, got ${res.status} ${res.body.slice(0, 160).replace(/\s+/g, " ")}`);
    return null;
  }
  if (contains !== undefined && !res.body.includes(contains)) {
    recordError("http body", `${name}: ${opts.method ?? "GET"} ${opts.path}: ${status} without ${JSON.stringify(contains)}: ${res.body.slice(0, 160).replace(/\s+/g, " ")}`);
    return null;
  }
  return res;
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };
const enc = encodeURIComponent;
let seq = 0;
let cssEtag = null;

function multipart(fields, file) {
  const boundary = `soak${randomBytes(8).toString("hex")}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: text/plain\r\n\r\n${file.body}\r\n`);
  return { body: `${parts.join("")}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

/** [weight, method, path, expected status, the body contains]: one request each. */
const SIMPLE = [
  [6, "GET", "/", 200, "Ada &amp; Grace"],
  [4, "GET", "/about", 200, "Fawkes: Phoenix for TypeScript"],
  [3, "GET", "/users", 200, '"data":'],
  [4, "GET", "/users/1", 200, "<h1>Ada &amp; Grace</h1>"],
  [2, "GET", "/users/42", 200, "&lt;Tom&gt;"],
  [1, "GET", "/users/7", 404, "no such user"],
  [3, "GET", "/users/1/posts?page=2&sort[]=a&sort[]=b&filter[tag]=x", 200, '"page":"2"'],
  [2, "GET", "/users/1/posts/3", 200, '"id":"3"'],
  [2, "GET", "/users/1/posts/3/comments", 200, '"data":[]'],
  [1, "GET", "/users/1/posts/3/comments/9", 200, '"id":"9"'],
  [1, "GET", "/users/1/posts/new", 200, '"new":true'],
  [1, "GET", "/account", 200, "your account"],
  [2, "GET", "/continue?return_to=/about", 302],
  [2, "GET", "/files/docs/a/b/c.txt", 200, "file docs/a/b/c.txt"],
  [2, "GET", "/chat?name=visitor", 200, 'name="user-token"'],
  [6, "GET", "/api/v1/status", 200, '"status":"ok"'],
  [4, "GET", "/api/v1/items", 200, "teapot"],
  [2, "GET", "/api/v1/items/1", 200, "teapot"],
  [1, "GET", "/api/v1/items/999", 404, "Not Found"],
  [2, "GET", "/admin/reports/1", 200, "admin (staff)"],
  [2, "GET", "/css/app.css", 200],
  [1, "GET", "/favicon.ico", 200],
  [1, "GET", "/js/chat.js", 200, "user-token"],
  [1, "GET", "/vendor/phoenix/phoenix.mjs", 200, "phx_join"],
  [2, "GET", "/no/such/page", 404],
  [1, "HEAD", "/", 200],
  // Expected refusals: a browser POST without its CSRF token, a method the route lacks.
  [1, "POST", "/users/1/posts/3/comments", 403],
  [1, "PUT", "/api/v1/items/1", 404],
].map(([weight, method, path, status, contains]) => ({
  weight,
  name: `${method} ${path}`,
  run: (pace) => pace().then(() => expectHttp("request", { method, path }, status, contains)),
}));

const SPECIAL = [
  {
    weight: 4,
    name: "create item (JSON)",
    run: async (pace) => {
      await pace();
      const n = ++seq;
      await expectHttp("create item (JSON)", { method: "POST", path: "/api/v1/items", headers: JSON_TYPE, body: JSON.stringify({ item: { name: `soak ${n}`, tags: ["a", "b"], n } }) }, 201, `"name":"soak ${n}"`);
    },
  },
  {
    weight: 1,
    name: "create item (bad JSON)",
    run: (pace) => pace().then(() => expectHttp("create item (bad JSON)", { method: "POST", path: "/api/v1/items", headers: JSON_TYPE, body: '{"item": {"name": ' }, 400)),
  },
  {
    weight: 2,
    name: "create item (form)",
    run: (pace) => pace().then(() => expectHttp("create item (form)", { method: "POST", path: "/api/v1/items", headers: FORM, body: "item[name]=kettle&item[tags][]=x&item[tags][]=y" }, 201, '"tags":["x","y"]')),
  },
  {
    weight: 1,
    name: "create item (multipart)",
    run: async (pace) => {
      await pace();
      const { body, type } = multipart({ "item[name]": "upload" }, { name: "notes.txt", body: "x".repeat(2048) });
      await expectHttp("create item (multipart)", { method: "POST", path: "/api/v1/items", headers: { "content-type": type }, body }, 201, '"filename":"notes.txt"');
    },
  },
  {
    weight: 1,
    name: "create item (64 KB JSON)",
    run: (pace) =>
      pace().then(() => expectHttp("create item (64 KB JSON)", { method: "POST", path: "/api/v1/items", headers: JSON_TYPE, body: JSON.stringify({ item: { name: "big", blob: "b".repeat(65_536) } }) }, 201, '"name":"big"')),
  },
  {
    weight: 1,
    name: "static 304",
    run: async (pace) => {
      await pace();
      if (cssEtag === null) {
        const res = await expectHttp("static etag", { path: "/css/app.css" }, 200);
        cssEtag = res?.headers.etag ?? null;
        if (res && !cssEtag) recordError("http body", "GET /css/app.css: no etag header");
        return;
      }
      await expectHttp("static 304", { path: "/css/app.css", headers: { "if-none-match": cssEtag } }, 304);
    },
  },
  {
    // The form, its CSRF token and session cookie, the POST, the flash after the redirect,
    // and a method override (POST _method=delete): 4 requests.
    weight: 3,
    name: "session form flow",
    run: async (pace) => {
      await pace();
      const form = await expectHttp("form", { path: "/users/new" }, 200, 'name="_csrf_token"');
      if (!form) return;
      let cookie = cookieOf(form, "");
      const token = /name="_csrf_token" value="([^"]+)"/.exec(form.body)?.[1];
      const who = `Soak ${++seq}`;
      await pace();
      const created = await expectHttp("form post", { method: "POST", path: "/users", headers: { ...FORM, cookie }, body: `_csrf_token=${enc(token)}&user[name]=${enc(who)}` }, 302);
      if (!created) return;
      if (created.headers.location !== "/users/1") recordError("http body", `form post: redirect to ${created.headers.location}, expected /users/1`);
      cookie = cookieOf(created, cookie);
      await pace();
      const shown = await expectHttp("flash", { path: "/users/1", headers: { cookie } }, 200, `Welcome, ${who}!`);
      if (!shown) return;
      cookie = cookieOf(shown, cookie);
      await pace();
      await expectHttp("method override", { method: "POST", path: "/users/1", headers: { ...FORM, cookie }, body: `_method=delete&_csrf_token=${enc(token)}` }, 200, "deleted");
    },
  },
];

function cookieOf(res, previous) {
  const set = res.headers["set-cookie"]?.find((c) => c.startsWith("_demo_key="));
  return set ? set.split(";")[0] : previous;
}

const SCENARIOS = [...SIMPLE, ...SPECIAL];
const TOTAL_WEIGHT = SCENARIOS.reduce((sum, s) => sum + s.weight, 0);
function pickScenario() {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const s of SCENARIOS) if ((r -= s.weight) < 0) return s;
  return SCENARIOS[0];
}

async function httpWorker() {
  // Each worker holds its share of the rate; one that falls behind does not burst to catch up.
  const interval = (1000 * options.connections) / options.rps;
  let next = performance.now() + rand(0, interval);
  const pace = async () => {
    next += interval;
    const now = performance.now();
    if (next < now - 4 * interval) next = now;
    if (next > now) await sleep(next - now);
  };
  while (!stopping) {
    const scenario = pickScenario();
    try {
      await scenario.run(pace);
    } catch (e) {
      recordError("http", `${scenario.name}: ${e.stack ?? e}`);
    }
  }
}

// ---- channels ------------------------------------------------------------------------------

const live = new Set();
let sessionSeq = 0;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

/** Resolves with [status, response] of a push, or of a join (status "ok", "error" or "timeout"). */
function answer(push) {
  return new Promise((resolve) => {
    push
      .receive("ok", (r) => resolve(["ok", r]))
      .receive("error", (r) => resolve(["error", r]))
      .receive("timeout", () => resolve(["timeout", null]));
  });
}

async function channelSlot(kind, slot) {
  await sleep(rand(0, 5000)); // stagger the first connects
  while (!stopping) {
    try {
      await channelSession(kind);
    } catch (e) {
      recordError(`channel ${kind}`, e.message);
    }
    if (!stopping) await sleep(rand(100, 1000));
  }
}

async function channelSession(kind) {
  const name = `soak-${kind === "websocket" ? "ws" : "lp"}-${++sessionSeq}`;
  const page = await expectHttp("chat token", { path: `/chat?name=${name}` }, 200, 'name="user-token"');
  if (!page) return;
  const token = /name="user-token" content="([^"]+)"/.exec(page.body)[1];
  stats.ch.sessions[kind]++;
  const s = new Socket(kind === "websocket" ? wsUrl : lpUrl, {
    transport: kind === "websocket" ? WebSocket : LongPoll,
    params: { token },
    timeout: CHANNEL_TIMEOUT,
    heartbeatIntervalMs: 10_000,
    reconnectAfterMs: () => 2000,
    rejoinAfterMs: () => 2000,
  });
  live.add(s);
  let ending = false;
  const fail = (what) => !ending && recordError(`channel ${kind}`, `${name}: ${what}`);
  s.onError((e) => fail(`socket error: ${e?.message ?? e?.type ?? e}`));
  s.onClose((e) => fail(`socket closed by the other side (code ${e?.code}${e?.reason ? ` ${e.reason}` : ""})`));

  const joined = new Map();
  const echoes = new Map();
  try {
    await withTimeout(
      new Promise((resolve) => {
        const ref = s.onOpen(() => {
          s.off([ref]);
          resolve();
        });
        s.connect();
      }),
      CHANNEL_TIMEOUT,
      "connect",
    );

    const joinRoom = async (topic) => {
      const ch = s.channel(topic, {});
      ch.on("new_msg", (p) => {
        stats.ch.received++;
        if (p?.name === name && echoes.has(p.body)) {
          clearTimeout(echoes.get(p.body));
          echoes.delete(p.body);
        }
      });
      ch.onError(() => fail(`${topic}: phx_error`));
      const [status, r] = await answer(ch.join());
      if (status !== "ok" || r?.name !== name) {
        fail(`join ${topic}: ${status} ${JSON.stringify(r)}`);
        ch.leave();
        return;
      }
      stats.ch.joins++;
      joined.set(topic, ch);
    };
    const freeRoom = () => pickOne(ROOMS.filter((t) => !joined.has(t)));

    const rooms = Math.floor(rand(1, 4));
    for (let i = 0; i < rooms; i++) await joinRoom(freeRoom());

    const until = Date.now() + rand(5_000, 40_000);
    let n = 0;
    while (!stopping && !serverGone && Date.now() < until && joined.size > 0) {
      await sleep(rand(300, 1500));
      if (stopping || serverGone) break;
      const r = Math.random();
      const [topic, ch] = pickOne([...joined]);
      if (r < 0.6) {
        const body = `${name} #${++n} ${"m".repeat(Math.floor(rand(1, 200)))}`;
        echoes.set(
          body,
          setTimeout(() => {
            echoes.delete(body);
            fail(`${topic}: own new_msg not broadcast back within ${CHANNEL_TIMEOUT / 1000} s`);
          }, CHANNEL_TIMEOUT),
        );
        ch.push("new_msg", { body });
        stats.ch.pushed++;
      } else if (r < 0.85) {
        const payload = { n, text: "héllo ✓", list: [1, 2, 3] };
        const [status, reply] = await answer(ch.push("ping", payload));
        stats.ch.pings++;
        if (status !== "ok" || JSON.stringify(reply) !== JSON.stringify(payload)) fail(`${topic}: ping answered ${status} ${JSON.stringify(reply)}`);
      } else if (r < 0.9) {
        const [status, reply] = await answer(ch.push("nope", {}));
        stats.ch.unknown++;
        if (status !== "error" || reply?.reason !== "unknown event nope") fail(`${topic}: unknown event answered ${status} ${JSON.stringify(reply)}`);
      } else if (r < 0.95) {
        const [status] = await answer(ch.leave());
        joined.delete(topic);
        if (status !== "ok") fail(`leave ${topic}: ${status}`);
        else stats.ch.leaves++;
        await joinRoom(freeRoom());
      } else {
        const refused = s.channel("room:private", {});
        const [status, reply] = await answer(refused.join());
        if (status === "error" && reply?.reason === "unauthorized") stats.ch.refused++;
        else fail(`join room:private: ${status} ${JSON.stringify(reply)}`);
        refused.leave();
      }
    }
    // Every broadcast of ours comes back before we go (or its timer reports it).
    const drained = Date.now() + CHANNEL_TIMEOUT + 1000;
    while (echoes.size > 0 && Date.now() < drained && !serverGone) await sleep(50);
  } finally {
    const mode = serverGone ? "gone" : pickOne(["clean", "clean", "leaving", "abrupt"]);
    if (mode === "leaving") {
      const left = await Promise.all([...joined.values()].map((ch) => answer(ch.leave())));
      for (const [status] of left) status === "ok" ? stats.ch.leaves++ : fail(`leave before disconnect: ${status}`);
    }
    ending = true;
    for (const timer of echoes.values()) clearTimeout(timer);
    if (mode === "abrupt" && kind === "websocket") s.conn?.terminate?.(); // the TCP socket goes, no close frame
    // A long-poll client never says goodbye: the server ends its session after 1.5 poll windows.
    await withTimeout(new Promise((resolve) => s.disconnect(resolve)), 5000, "disconnect").catch((e) => mode !== "gone" && recordError(`channel ${kind}`, `${name}: ${e.message}`));
    if (mode !== "gone") stats.ch.disconnects[mode]++;
    live.delete(s);
  }
}

// ---- the run -------------------------------------------------------------------------------

// Quiet first: the server as it starts, before any load.
await sleep(1500);
const idleBefore = await nextSample();
const generatorDelay = monitorEventLoopDelay({ resolution: 10 });
generatorDelay.enable();
loadStart = Date.now();
child.send("soak:start");
console.log(
  `soak: ${MINUTES} min against the demo at ${base.origin} (server pid ${child.pid}): HTTP ${options.rps} req/s over ${options.connections} keep-alive connections, ` +
    `${options.sockets} WebSocket + ${options.longpoll} long-poll clients churned every 5-40 s; RSS before load ${mb(idleBefore.rss)}`,
);
console.log(`soak rule: ${RULE}`);

let deadline = loadStart + DURATION;
let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) {
    child.kill("SIGKILL");
    process.exit(130);
  }
  interrupted = true;
  console.log("soak: interrupted, winding down (Ctrl-C again to kill)");
  deadline = Date.now();
});

const workers = [
  ...Array.from({ length: options.connections }, () => httpWorker()),
  ...Array.from({ length: options.sockets }, (_, i) => channelSlot("websocket", i)),
  ...Array.from({ length: options.longpoll }, (_, i) => channelSlot("longpoll", i)),
];

const progressEvery = DURATION >= 300_000 ? 60_000 : 15_000;
let nextProgress = loadStart + progressEvery;
let nextGc = loadStart + WINDOW;
while (!serverGone && Date.now() < deadline) {
  await sleep(Math.min(250, Math.max(0, deadline - Date.now())));
  if (Date.now() >= nextGc) {
    nextGc += WINDOW;
    // Not in the last seconds: the last one is taken at the end of the load, below.
    if (deadline - Date.now() > 5000) gcSample().then((g) => g && console.log(`${clock()} after a full GC: rss ${mb(g.rss)} heap ${mb(g.heapUsed)} external ${mb(g.external)}`));
  }
  if (Date.now() >= nextProgress) {
    nextProgress += progressEvery;
    const last = samples.at(-1);
    console.log(
      `${clock()} rss ${mb(last.rss)} heap ${mb(last.heapUsed)} fds ${last.fds} handles ${last.handles} loop delay p99 ${last.eldTotal.p99} ms | ` +
        `http ${stats.http.requests} | sockets ${live.size} | joins ${stats.ch.joins} pushed ${stats.ch.pushed} received ${stats.ch.received} ` +
        `disconnects ${disconnects()} | errors ${errors.total}`,
    );
  }
}
// Still under load: the last sample, then the last full-GC sample.
const endOfLoad = serverGone ? samples.at(-1) : await nextSample();
const endGc = serverGone ? null : await gcSample();
if (endGc) console.log(`${clock()} after a full GC: rss ${mb(endGc.rss)} heap ${mb(endGc.heapUsed)} external ${mb(endGc.external)}`);
stopping = true;
const loadEnd = Date.now();
console.log(`${clock()} load over; closing every client...`);
await withTimeout(Promise.all(workers), 60_000, "clients winding down").catch((e) => recordError("soak", e.message));
for (const s of live) s.disconnect();
agent.destroy();
generatorDelay.disable();

// Idle again: every client gone, long-poll sessions past their 15 s, keep-alive sockets closed.
let idleAfter = null;
const IDLE_WAIT = 20_000;
if (!serverGone) {
  console.log(`${clock()} clients closed; server idle for ${IDLE_WAIT / 1000} s...`);
  await sleep(IDLE_WAIT);
  idleAfter = serverGone ? null : await nextSample();
}

// Stop the server: SIGTERM, it stops the endpoint and exits 0.
shuttingDownServer = true;
if (!serverGone) {
  child.kill("SIGTERM");
  const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    recordError("server exit", "the server did not exit within 10 s of SIGTERM");
    child.kill("SIGKILL");
    await exited;
  } else if (childExit.code !== 0) recordError("server exit", `the server exited with ${childExit.signal ?? childExit.code} on SIGTERM`);
}

// ---- the summary ---------------------------------------------------------------------------

function disconnects() {
  const d = stats.ch.disconnects;
  return d.clean + d.leaving + d.abrupt;
}

const during = samples.filter((s) => s.t >= 0 && s.at <= loadEnd + SAMPLE_MS);
const minute1 = during.filter((s) => s.t <= WINDOW);
const lastMinute = during.filter((s) => s.t > DURATION - WINDOW);
const ruleApplies = DURATION >= 2 * WINDOW && !interrupted && !serverDied;
const rss1 = median(minute1.map((s) => s.rss));
const rssLast = median(lastMinute.map((s) => s.rss));
const growth = rssLast / rss1 - 1;
const peak = Math.max(...samples.map((s) => s.rss));
const eld = (endOfLoad ?? samples.at(-1))?.eldTotal;
const failures = [];
if (ruleApplies && growth > RSS_LIMIT) failures.push(`RSS grew ${(growth * 100).toFixed(1)}% (last-minute median ${mb(rssLast)} vs minute-1 median ${mb(rss1)}, limit ${RSS_LIMIT * 100}%)`);
if (errors.total > 0) failures.push(`${errors.total} error${errors.total === 1 ? "" : "s"} (${[...errors.byKind].map(([k, n]) => `${k} ${n}`).join(", ")})`);
if (interrupted) failures.push("interrupted before the end");

console.log("");
if (errors.examples.length > 0) {
  console.log(`errors (first ${errors.examples.length} of ${errors.total}):`);
  for (const e of errors.examples) console.log(`  ${e}`);
  console.log("");
}
const h = stats.http;
const c = stats.ch;
const heap1 = median(minute1.map((s) => s.heapUsed));
const heapLast = median(lastMinute.map((s) => s.heapUsed));
console.log(`soak summary: ${((loadEnd - loadStart) / 60_000).toFixed(1)} min of load, server sampled every ${SAMPLE_MS / 1000} s (${during.length} samples)`);
console.log(
  `  rss start ${mb(idleBefore.rss)}, peak ${mb(peak)}, end ${mb((endOfLoad ?? samples.at(-1)).rss)}; ` +
    (ruleApplies
      ? `minute-1 median ${mb(rss1)}, last-minute median ${mb(rssLast)} (${pct(growth)}, limit ${RSS_LIMIT * 100}%)`
      : `RSS rule not applied (${serverDied ? "the server exited" : interrupted ? "interrupted" : "needs --minutes 2 or more"})`),
);
console.log(`  heap used start ${mb(idleBefore.heapUsed)}, minute-1 median ${mb(heap1)}, last-minute median ${mb(heapLast)}, end ${mb((endOfLoad ?? samples.at(-1)).heapUsed)}`);
const gc1 = gcSamples.find((g) => g.t >= WINDOW - 1000);
if (gc1 && endGc && endGc !== gc1)
  console.log(
    `  after a full GC: live heap minute 1 ${mb(gc1.heapUsed)}, end ${mb(endGc.heapUsed)} (${pct(endGc.heapUsed / gc1.heapUsed - 1)}); ` +
      `rss minute 1 ${mb(gc1.rss)}, end ${mb(endGc.rss)} (${pct(endGc.rss / gc1.rss - 1)}); each minute: ${gcSamples.map((g) => mb(g.heapUsed).replace(" MB", "")).join(", ")} MB`,
  );
if (eld)
  console.log(
    `  event-loop delay p99 ${eld.p99} ms (p50 ${eld.p50} ms, mean ${eld.mean} ms, max ${eld.max} ms) in the server over the load; ` +
      `load generator p99 ${Math.max(0, generatorDelay.percentile(99) / 1e6 - 10).toFixed(2)} ms`,
  );
if (idleAfter)
  console.log(
    `  server idle before the load: fds ${idleBefore.fds}, active handles ${idleBefore.handles}, rss ${mb(idleBefore.rss)}; ` +
      `idle ${IDLE_WAIT / 1000} s after every client left: fds ${idleAfter.fds}, active handles ${idleAfter.handles}, rss ${mb(idleAfter.rss)}`,
  );
console.log(
  `  http ${h.requests} requests (2xx ${h.byClass["2xx"]}, 3xx ${h.byClass["3xx"]}, 4xx ${h.byClass["4xx"]}, 5xx ${h.byClass["5xx"]}; ` +
    `${(errors.byKind.get("http status") ?? 0) + (errors.byKind.get("http body") ?? 0) + (errors.byKind.get("http network") ?? 0) + (errors.byKind.get("http") ?? 0)} errors)`,
);
console.log(
  `  channels ${c.sessions.websocket + c.sessions.longpoll} sessions (${c.sessions.websocket} websocket, ${c.sessions.longpoll} long-poll), ${c.joins} joins, ${c.refused} refused as expected, ` +
    `${c.pushed + c.received + c.pings + c.unknown} messages (${c.pushed} new_msg pushed, ${c.received} broadcasts received, ${c.pings} pings, ${c.unknown} unknown events), ` +
    `${c.leaves} leaves, ${disconnects()} disconnects (${c.disconnects.clean} clean, ${c.disconnects.leaving} after leaving, ${c.disconnects.abrupt} abrupt) (${c.errors} errors)`,
);
console.log(`  server stderr ${stats.stderrLines} lines; server exit ${childExit ? (childExit.signal ?? childExit.code) : "?"}`);
for (const line of stats.stderr) console.log(`    | ${line}`);
const traceFile = `${outDir}samples.jsonl`;
writeFileSync(traceFile, samples.map((s) => JSON.stringify(s)).join("\n") + "\n");
console.log(`  every sample of the server: ${traceFile}`);
console.log(`  rule: ${RULE}`);
console.log(failures.length === 0 ? (ruleApplies ? "soak ok" : "soak ok (errors only: the RSS rule needs --minutes 2 or more)") : `soak FAILED: ${failures.join("; ")}`);
process.exit(failures.length === 0 ? 0 : 1);

// ---- arguments -----------------------------------------------------------------------------

function parseArgs(argv) {
  const env = process.env;
  const o = {
    minutes: Number(env.SOAK_MINUTES ?? 10),
    rps: Number(env.SOAK_RPS ?? 150),
    connections: Number(env.SOAK_CONNECTIONS ?? 8),
    sockets: Number(env.SOAK_SOCKETS ?? 50),
    longpoll: Number(env.SOAK_LONGPOLL ?? 5),
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    const key = flag.replace(/^--/, "");
    if (!(key in o)) {
      console.error(`soak: unknown option ${argv[i]}\n${USAGE}`);
      process.exit(2);
    }
    o[key] = Number(inline ?? argv[++i]);
  }
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isFinite(v) || v < 0 || (v === 0 && (k === "minutes" || k === "rps" || k === "connections"))) {
      console.error(`soak: --${k} must be a positive number\n${USAGE}`);
      process.exit(2);
    }
  }
  return o;
}
