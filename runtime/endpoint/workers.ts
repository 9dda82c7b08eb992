// Serving on several cores: node:cluster workers sharing the listening port. The primary
// forks the workers (each runs the app's script again and starts its endpoint for real),
// relays PubSub between them (pubsub/cluster.ts), restarts a worker that dies (logged, with a
// growing delay when one keeps dying at startup), and on SIGTERM/SIGINT tells every worker to
// drain (stop accepting, let requests finish, tell sockets to go away) and exits when they
// have. The primary itself serves nothing.

import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { relayClusterPubSub } from "../pubsub/cluster.js";
import { CLUSTER_WORKER_ENV } from "../pubsub/env.js";

/** `workers`: a count, or "auto" for the cores this process may use. */
export type WorkersOption = number | "auto";

/** How many workers `workers` means; 1 is "no cluster". */
export function workerCount(option: WorkersOption | string | undefined): number {
  if (option === undefined) return 1;
  if (option === "auto") return availableParallelism();
  const n = typeof option === "string" && /^\d+$/.test(option) ? Number(option) : option;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new TypeError(`workers must be a whole number of at least 1 or "auto", got ${JSON.stringify(option)}`);
  return n;
}

/** Whether this process is a worker the endpoint's primary forked. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[CLUSTER_WORKER_ENV] === "1";
}

/** IPC messages between the primary and its workers (besides pubsub). */
export type ControlMessage = { fawkes: "listening"; port: number } | { fawkes: "shutdown" };

export interface SupervisorOptions {
  count: number;
  log: (message: string, error?: unknown) => void;
  /** How long a worker may take to drain before it is killed, ms. Default 10 000. */
  drainTimeout?: number;
}

const RESTART_DELAY_MAX_MS = 5_000;
/** A worker that dies sooner than this after it started counts as a crash loop (restart delayed). */
const QUICK_DEATH_MS = 2_000;

export class Supervisor {
  private shuttingDown: Promise<void> | null = null;
  private readonly started = new Map<Worker, number>();
  private quickDeaths = 0;
  private readonly stopRelay: () => void;
  private readonly signals = () => void this.shutdown().then(() => process.exit(0));
  private port = 0;

  constructor(private readonly options: SupervisorOptions) {
    this.stopRelay = relayClusterPubSub(cluster, (m) => options.log(m));
  }

  /** Forks the workers and resolves with the port once every one is listening. */
  async start(): Promise<{ port: number }> {
    process.once("SIGTERM", this.signals);
    process.once("SIGINT", this.signals);
    const first = Array.from({ length: this.options.count }, () => this.fork());
    try {
      const ports = await Promise.all(first.map((w) => this.listening(w)));
      this.port = ports[0];
    } catch (e) {
      await this.shutdown();
      throw e;
    }
    cluster.on("exit", (worker, code, signal) => this.exited(worker, code, signal));
    this.options.log(`primary ${process.pid}: ${this.options.count} workers listening on port ${this.port}`);
    return { port: this.port };
  }

  /** The workers alive now. */
  get workers(): Worker[] {
    return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  }

  /** Drains every worker, then resolves (the primary stays; `SIGTERM` also exits it). */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      process.off("SIGTERM", this.signals);
      process.off("SIGINT", this.signals);
      const timeout = this.options.drainTimeout ?? 10_000;
      const workers = this.workers;
      if (workers.length) this.options.log(`primary ${process.pid}: stopping ${workers.length} worker(s)`);
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const kill = setTimeout(() => {
                this.options.log(`worker ${w.id} (pid ${w.process.pid}) did not drain within ${timeout} ms; killing it`);
                w.process.kill("SIGKILL");
              }, timeout);
              w.once("exit", () => {
                clearTimeout(kill);
                resolve();
              });
              try {
                w.send({ fawkes: "shutdown" } satisfies ControlMessage);
              } catch {
                w.process.kill("SIGTERM");
              }
            }),
        ),
      );
      this.stopRelay();
    })();
    return this.shuttingDown;
  }

  private fork(): Worker {
    const worker = cluster.fork({ [CLUSTER_WORKER_ENV]: "1" });
    this.started.set(worker, Date.now());
    return worker;
  }

  /** Resolves with the worker's port once it listens; rejects if it exits first. */
  private listening(worker: Worker): Promise<number> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if ((m as ControlMessage | null)?.fawkes !== "listening") return;
        cleanup();
        resolve((m as { port: number }).port);
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`worker ${worker.id} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}) before it listened; its output above says why`));
      };
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("exit", onExit);
    });
  }

  private exited(worker: Worker, code: number | null, signal: string | null): void {
    const startedAt = this.started.get(worker) ?? 0;
    this.started.delete(worker);
    if (this.shuttingDown) return;
    const lived = Date.now() - startedAt;
    this.quickDeaths = lived < QUICK_DEATH_MS ? this.quickDeaths + 1 : 0;
    const delay = this.quickDeaths === 0 ? 0 : Math.min(100 * 2 ** this.quickDeaths, RESTART_DELAY_MAX_MS);
    this.options.log(
      `worker ${worker.id} (pid ${worker.process.pid}) died (${signal ? `signal ${signal}` : `exit code ${code}`}) after ${lived} ms; starting a new one${delay ? ` in ${delay} ms` : ""}`,
    );
    setTimeout(() => {
      if (this.shuttingDown) return;
      const next = this.fork();
      this.listening(next).then(
        (port) => this.options.log(`worker ${next.id} (pid ${next.process.pid}) listening on port ${port}, replacing worker ${worker.id}`),
        (e: Error) => this.options.log(e.message),
      );
    }, delay).unref();
  }
}

/**
 * In a worker: tells the primary it listens, and drains on its word (or on SIGTERM/SIGINT,
 * which a terminal sends to the whole group) before exiting.
 */
export function serveAsWorker(port: number, drain: () => Promise<void>, log: (message: string, error?: unknown) => void): void {
  let draining = false;
  const exit = () => {
    if (draining) return;
    draining = true;
    drain().then(
      () => process.exit(0),
      (e: unknown) => {
        log(`worker ${cluster.worker?.id}: draining failed`, e);
        process.exit(1);
      },
    );
  };
  process.on("message", (m: unknown) => {
    if ((m as ControlMessage | null)?.fawkes === "shutdown") exit();
  });
  process.once("SIGTERM", exit);
  process.once("SIGINT", exit);
  // The primary gone (killed with -9): nobody supervises this worker any more, so it stops.
  process.once("disconnect", exit);
  // IPC writes to a primary that is gone (node:cluster's own, e.g. from server.close() while
  // draining) fail with EPIPE as an "error" on the worker object: with no listener that would
  // end the worker mid-drain.
  cluster.worker?.on("error", (e: Error) => log(`worker ${cluster.worker?.id}: the IPC channel to the primary failed (${e.message}); stopping`));
  process.send?.({ fawkes: "listening", port } satisfies ControlMessage);
}
