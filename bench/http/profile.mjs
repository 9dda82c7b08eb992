// `npm run bench:http:profile [endpoint] [server.mjs ...]`: where the Fawkes bench server spends
// a request. Bundles bench/http/app (as main.mjs does), runs it pinned to CPU 0 under
// `node --cpu-prof`, walks the page flow once (verify.mjs's verifyPage, so the timed requests
// carry the session cookie with the flash), loads the endpoint with autocannon from this
// process (pinned to CPU 1 when taskset works) for 3 × 2 s, and prints the main thread's
// non-idle CPU per request by function, in µs, top 40. Not a comparison with the peers (for
// ratios: `npm run bench:http`).
//
// With two or more server files (bundles, e.g. one kept from before a change), each is profiled
// the same way in turn and the table has one column per file, sorted by the largest difference:
// what a change moved, per request, even when the box is too busy for req/s to say.
// PROFILE_TOP=n rows; PROFILE_SECONDS=s per run (3 runs). The profile covers the whole process, so
// start-up (module loading: the `node:` rows such as compileForInternalLoader) is spread over the
// requests too: longer runs make it smaller.

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { canPin, track } from "../_procs.mjs";
import { ENDPOINTS, verifyPage } from "./verify.mjs";

const args = process.argv.slice(2);
const endpoint = ENDPOINTS.find((ep) => ep.name === (args[0] && !args[0].endsWith(".mjs") ? args.shift() : "page"));
if (!endpoint) throw new Error(`unknown endpoint; there are ${ENDPOINTS.map((ep) => ep.name).join(", ")}`);
const TOP = Number(process.env.PROFILE_TOP ?? 40);
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 2);
const files = args.length ? args : [await (await import("./bundle.mjs")).bundleFawkes()];

/** Main-thread CPU of one server file: Map function -> µs, and the requests served. */
async function profile(file) {
  const dir = mkdtempSync(join(tmpdir(), "fawkes-http-prof-"));
  try {
    const argv = [process.execPath, "--cpu-prof", `--cpu-prof-dir=${dir}`, file];
    const [cmd, rest] = canPin ? ["taskset", ["-c", "0", ...argv]] : [argv[0], argv.slice(1)];
    const child = spawn(cmd, rest, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" } });
    track(child);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const port = await new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`${file} exited (${code}) before listening`)));
      createInterface({ input: child.stdout }).on("line", (line) => {
        const m = /listening on port (\d+)/.exec(line);
        if (m) resolve(Number(m[1]));
      });
    });
    const headers = endpoint.name === "page" ? await verifyPage("fawkes", port) : {};
    let requests = 0;
    for (let i = 0; i < 3; i++) {
      const r = await new Promise((resolve, reject) =>
        autocannon({ url: `http://127.0.0.1:${port}${endpoint.path}`, connections: 50, duration: SECONDS, headers }, (e, x) => (e ? reject(e) : resolve(x))),
      );
      if (r.non2xx || r.errors) throw new Error(`${file}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      requests += r.requests.total;
    }
    child.kill("SIGINT"); // the server stops its endpoint and exits, which writes the profile
    await exited;
    const prof = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))), "utf8"));
    const timeOf = new Map();
    prof.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
    const byName = new Map();
    for (const node of prof.nodes) {
      const { functionName, url } = node.callFrame;
      if (functionName === "(idle)") continue;
      // The bundle's own functions by name; Node's with "node:", natives (writev, ...) with "*".
      const where = url.startsWith("node:") ? "node: " : url === "" ? "* " : url.includes("/node_modules/") ? `${url.split("/node_modules/").pop().split("/")[0]}: ` : "";
      const name = `${where}${functionName || "(anonymous)"}`;
      byName.set(name, (byName.get(name) ?? 0) + (timeOf.get(node.id) ?? 0));
    }
    return { requests, byName };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const file of files) results.push({ file, ...(await profile(file)) });
const per = (r, name) => (r.byName.get(name) ?? 0) / r.requests; // µs per request (profile times are µs)
const total = (r) => [...r.byName.values()].reduce((a, b) => a + b, 0) / r.requests;
console.log(`# ${endpoint.name} (GET ${endpoint.path}): main-thread CPU per request, µs (non-idle samples / requests served)`);
for (const [i, r] of results.entries()) console.log(`# [${i}] ${r.file}: ${r.requests} requests, ${total(r).toFixed(1)} µs per request`);
const names = [...new Set(results.flatMap((r) => [...r.byName.keys()]))];
const spreadOf = (n) => Math.max(...results.map((r) => per(r, n))) - Math.min(...results.map((r) => per(r, n)));
const order = results.length > 1 ? (a, b) => spreadOf(b) - spreadOf(a) : (a, b) => per(results[0], b) - per(results[0], a);
for (const name of names.sort(order).slice(0, TOP)) console.log(`${results.map((r) => per(r, name).toFixed(2).padStart(8)).join("")}  ${name}`);
