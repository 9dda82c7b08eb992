// Child processes for the bench: pinned with taskset when it exists, tracked so every child is
// killed when the harness ends (normally, on an error, or on Ctrl-C), plus the CPU accounting
// from /proc that says whether a run was server-bound and how busy the rest of the box was.
import { spawn } from "node:child_process";
import { canPin, track } from "../_procs.mjs";
import { createInterface } from "node:readline";



/** Starts `node ...args` on `cpu` (when pinning works). */
export function spawnNode(cpu, args, options = {}) {
  const [cmd, argv] = canPin ? ["taskset", ["-c", String(cpu), process.execPath, ...args]] : [process.execPath, args];
  // taskset execs node, so child.pid is node's pid (what /proc accounting needs).
  const child = spawn(cmd, argv, options);
  track(child);
  return child;
}

/**
 * The servers' NODE_ENV: production unless set, as a deployed app runs (Fawkes skips its
 * development-time assign checks, Express and @fastify/view their development paths).
 * NODE_ENV=development measures them on.
 */
export const SERVER_NODE_ENV = process.env.NODE_ENV ?? "production";

/** Starts a server and resolves with its port once it prints `listening on port N`. */
export function startServer(cpu, file) {
  const child = spawnNode(cpu, [file], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: SERVER_NODE_ENV } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file}: no "listening on port" line within 15 s`)), 15_000);
    child.once("exit", (code) => reject(new Error(`${file} exited (${code}) before listening`)));
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = /listening on port (\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
  });
}

export { boxTicks, canPin, killAll, processTicks, stop } from "../_procs.mjs";
