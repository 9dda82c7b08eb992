// Endpoint processes for the multi-node tests (pubsub-node.ts), and the official phoenix
// client pointed at them. Every process is killed in the test's afterAll (see `stopAll`).

import { spawn, type ChildProcess } from "node:child_process";
import { join as joinPath } from "node:path";
import { WebSocket } from "ws";
import { Socket as PhoenixSocket, type Channel } from "phoenix";

const NODE_SCRIPT = joinPath(import.meta.dirname, "pubsub-node.ts");

export class NodeProcess {
  /** Everything the process wrote to stderr (its log). */
  log = "";
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly pid: number,
  ) {
    child.stderr!.on("data", (d: Buffer) => {
      this.log += d.toString();
      for (const w of [...this.waiters]) w();
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/socket`;
  }

  get(path: string): Promise<string> {
    return fetch(`http://127.0.0.1:${this.port}${path}`).then((r) => r.text());
  }

  /** Resolves when the log matches (already, or later); rejects after `ms`. */
  waitLog(re: RegExp, ms = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.log.match(re);
        if (!m) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(m[0]);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`log never matched ${re} within ${ms} ms; log so far:\n${this.log}`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with how it ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.alive) return Promise.resolve({ code: this.child.exitCode, signal: this.child.signalCode });
    return new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (!this.alive) return;
    const done = this.exited();
    this.child.kill(signal);
    await done;
  }
}

const started = new Set<NodeProcess>();

/** Starts a node; resolves once it listens. */
export function startNode(env: Record<string, string | undefined>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", NODE_SCRIPT], { env: { ...process.env, FAWKES_PUBSUB: undefined, REDIS_URL: undefined, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => void (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      const { listening, pid } = JSON.parse(line) as { listening: number; pid: number };
      const node = new NodeProcess(child, listening, pid);
      node.log = err;
      started.add(node);
      resolve(node);
    });
    child.once("exit", (code, signal) => reject(new Error(`node exited (${signal ?? code}) before it listened:\n${err}`)));
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((n) => n.kill("SIGKILL")));
  started.clear();
}

/** The official client on `ws`, fast reconnects. */
export function client(url: string): PhoenixSocket {
  return new PhoenixSocket(url, { transport: WebSocket as never, reconnectAfterMs: () => 50, rejoinAfterMs: () => 50, timeout: 5000 });
}

export function connect(s: PhoenixSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = s.onOpen(() => {
      s.off([open, err]);
      resolve();
    });
    const err = s.onError((e: unknown) => {
      s.off([open, err]);
      reject(new Error(`socket error: ${String((e as Error)?.message ?? e)}`));
    });
    s.connect();
  });
}

export function join(channel: Channel): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive("ok", resolve)
      .receive("error", (r: unknown) => reject(new Error(`join refused: ${JSON.stringify(r)}`)))
      .receive("timeout", () => reject(new Error("join timed out")));
  });
}

/** Collects every `event` the channel receives. */
export function collect(channel: Channel, event: string): Record<string, unknown>[] {
  const got: Record<string, unknown>[] = [];
  channel.on(event, (p: Record<string, unknown>) => void got.push(p));
  return got;
}

/** Resolves once `predicate` holds, checked on every message the socket receives and every 20 ms. */
export function until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}
