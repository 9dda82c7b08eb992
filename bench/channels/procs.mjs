// Child processes for bench:channels: each one started through `bash -c 'ulimit -n ...; exec'`
// (10k sockets need 10k descriptors; the default soft limit is often 1,024) and pinned with
// taskset, talked to over IPC with request/reply ids, and tracked so every child is killed when
// the harness ends (normally, on an error, or on Ctrl-C). What every bench shares (stop, killAll,
// pinning, /proc accounting) is in bench/_procs.mjs; this file adds the fd limit and the IPC.
import { spawn } from "node:child_process";
import { canPin, track } from "../_procs.mjs";


/**
 * Descriptors per child. perf-macro.md: 20,000 is the hard limit on these machines and cannot
 * be raised, so ask for that and fall back to whatever the hard limit is elsewhere; the client
 * driver checks the limit it got against the sockets it is asked to open.
 */
export const FD_LIMIT = 20_000;
const RAISE_LIMIT = `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;


/**
 * Starts `node ...args` with the raised fd limit, on `cpu` when pinning works (null: not
 * pinned), with an IPC
 * channel. bash and taskset both exec, so child.pid is node's pid (what /proc accounting
 * needs), and the IPC descriptor passes through them untouched.
 * Returns the child plus `call(msg)`, which resolves with the child's reply to that message.
 */
export function spawnNode(cpu, args) {
  const node = [process.execPath, ...args];
  const argv = ["-c", RAISE_LIMIT, "bash", ...(canPin && cpu !== null ? ["taskset", "-c", String(cpu), ...node] : node)];
  const child = spawn("bash", argv, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  track(child);
  const pending = new Map();
  const listeners = new Set();
  let nextId = 0;
  child.on("message", (m) => {
    if (m.id !== undefined && pending.has(m.id)) {
      const { resolve, reject } = pending.get(m.id);
      pending.delete(m.id);
      m.error ? reject(new Error(m.error)) : resolve(m);
    } else {
      for (const listener of listeners) listener(m);
    }
  });
  child.once("exit", (code, signal) => {
    const why = new Error(`${args.at(-1)} exited (${signal ?? code})`);
    for (const { reject } of pending.values()) reject(why);
    pending.clear();
    for (const listener of listeners) listener({ exited: why });
  });
  // An IPC write to a child that just died: the exit handler above reports it.
  child.on("error", () => {});
  const call = (msg) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...msg, id });
    });
  /** Messages the child sends on its own (not replies), e.g. the client driver's deliveries. */
  const listen = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return { child, call, listen };
}

/** Resolves with the first unsolicited message matching `test`, or rejects after `ms`. */
export function waitFor(proc, test, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`));
    }, ms);
    const off = proc.listen((m) => {
      if (m.exited || test(m)) {
        clearTimeout(timer);
        off();
        m.exited ? reject(m.exited) : resolve(m);
      }
    });
  });
}

export { boxTicks, canPin, killAll, processTicks, stop } from "../_procs.mjs";
