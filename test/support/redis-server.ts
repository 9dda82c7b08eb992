// A real redis-server for the tests: started on a free loopback port with no persistence
// (`--save "" --appendonly no`), killed (SIGKILL for the fault tests) and restarted on the same
// port. When the binary is missing the tests fail saying how to install it; they never skip.

import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { createServer } from "node:net";

export const INSTALL_HINT = "redis-server is not installed: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis); bash .ci/run does";

/** redis-server on PATH, or an error saying how to install it. */
export function redisServerBinary(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(INSTALL_HINT);
}

/** A port nobody listens on now (the kernel's pick, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private child: ChildProcess | null = null;
  output = "";

  private constructor(
    readonly binary: string,
    readonly port: number,
  ) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(redisServerBinary(), await freePort());
    await server.run();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts (again) on the same port; resolves once it accepts connections. */
  run(): Promise<void> {
    const child = spawn(this.binary, ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "notice"], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    return new Promise((resolve, reject) => {
      const onData = (d: Buffer) => {
        this.output += d.toString();
        if (this.output.includes("Ready to accept connections")) {
          child.stdout!.off("data", onData);
          child.stdout!.on("data", (more: Buffer) => void (this.output += more.toString()));
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (d: Buffer) => void (this.output += d.toString()));
      child.once("exit", (code) => {
        if (this.child === child) this.child = null;
        reject(new Error(`redis-server exited (code ${code}) before it was ready:\n${this.output}`));
      });
      child.once("error", reject);
    });
  }

  /** `kill -9`: no goodbye to the clients. Resolves once the process is gone. */
  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    this.child = null;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  stop(): Promise<void> {
    return this.kill("SIGTERM");
  }
}
