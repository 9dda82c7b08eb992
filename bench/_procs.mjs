// What every bench's child-process plumbing shares: which children are running (each killed
// when the harness ends, normally, on an error or on Ctrl-C), stopping one, pinning, and the
// CPU accounting from /proc that says whether a run was bound by the process under test and
// how busy the rest of the box was.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** taskset is in util-linux; without it (or without the right to pin) everything floats. */
export const canPin = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

const children = new Set();

/** Tracks a child until it exits, so killAll reaches it. */
export function track(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
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
 * processed there on behalf of our own processes, and would read as foreign.
 */
export function boxTicks() {
  try {
    const [user, nice, system] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system;
  } catch {
    return 0;
  }
}
