// Child processes for the bench: pinned with taskset when it exists, tracked so every child is
// killed when the harness ends (normally, on an error, or on Ctrl-C), plus the CPU accounting
// from /proc that says whether a run was server-bound and how busy the rest of the box was.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** taskset is in util-linux; without it (or without the right to pin) everything floats. */
export const canPin = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

const children = new Set();

/** Starts `node ...args` on `cpu` (when pinning works). */
export function spawnNode(cpu, args, options = {}) {
  const [cmd, argv] = canPin ? ["taskset", ["-c", String(cpu), process.execPath, ...args]] : [process.execPath, args];
  // taskset execs node, so child.pid is node's pid (what /proc accounting needs).
  const child = spawn(cmd, argv, options);
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Starts a server and resolves with its port once it prints `listening on port N`. */
export function startServer(cpu, file) {
  const child = spawnNode(cpu, [file], { stdio: ["ignore", "pipe", "inherit"] });
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

/** SIGTERM, then SIGKILL if it has not exited 2 s later. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Last resort: whatever is still running gets SIGKILL (each child by its own pid). */
export function killAll() {
  for (const child of children) child.kill("SIGKILL");
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** utime + stime of a process, in clock ticks (1/100 s on Linux). */
export function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // no /proc (not Linux) or the process is gone: the CPU columns read 0
  }
}

/**
 * user + nice + system ticks of the whole box. irq/softirq are left out: loopback TCP is
 * processed there on behalf of our own server and load generator, and would read as foreign.
 */
export function boxTicks() {
  try {
    const [user, nice, system] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system;
  } catch {
    return 0;
  }
}
