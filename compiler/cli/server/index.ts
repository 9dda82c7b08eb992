// `fawkes server`: the options from the command line, the config file and the environment,
// then development (dev.ts: watch, rebuild, live reload) or production (one bundle, run as it
// is: no watcher, no proxy, no reload script).
//
// Precedence, most specific first: --port, PORT, the config's server.port, 4000; --host, the
// config's server.host, localhost; --entry, the config's server.entry, server.ts.

import { build, formatMessages, type Message } from "esbuild";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../../config/load.js";
import { bundleOptions, PROD_BUNDLE } from "./bundle.js";
import { startDevServer } from "./dev.js";

export interface ServerCommand {
  root?: string;
  config?: string;
  router?: string;
  out?: string;
  strict?: boolean;
  port?: string;
  host?: string;
  entry?: string;
  workers?: string;
  prod: boolean;
  buildOnly: boolean;
  color: boolean;
}

/** `usage`: the command line is wrong (exit 2). */
export class ServerUsageError extends Error {}

export async function runServer(command: ServerCommand): Promise<number> {
  const root = resolve(command.root ?? process.cwd());
  // The config's diagnostics are the build's to report (in the terminal and on the error page);
  // the server's own keys fall back to their defaults meanwhile.
  const { config } = await loadConfig(root, command.config);
  const server = config.server ?? {};
  const port = parsePort(command.port, "--port") ?? parsePort(process.env.PORT, "PORT") ?? server.port ?? 4000;
  const host = command.host ?? server.host;
  const entry = command.entry ?? server.entry ?? "server.ts";
  const production = command.prod || process.env.NODE_ENV === "production";
  const plugin = { config: command.config, router: command.router, outDir: command.out, strict: command.strict };
  if (!existsSync(join(root, entry))) {
    process.stderr.write(`fawkes server: ${entry} does not exist in ${root}: it is the module that starts the app (endpoint.start()); name another with --entry or the config's server.entry\n`);
    return 1;
  }
  if (command.buildOnly && !production) throw new ServerUsageError("--build-only writes the production bundle: use it with --prod (fawkes server --prod --build-only)");
  if (command.workers !== undefined && !/^(auto|[1-9]\d*)$/.test(command.workers)) throw new ServerUsageError(`--workers must be a whole number of at least 1 or "auto", got ${JSON.stringify(command.workers)}`);
  // In development the app is one process, restarted on every change (the proxy needs its one
  // listen); cluster workers are production's.
  if (command.workers !== undefined && !production) throw new ServerUsageError("--workers is for production (fawkes server --prod --workers N): in development the app runs in one process, restarted on every change");
  const workers = command.workers ?? (server.workers === undefined ? undefined : String(server.workers));

  if (production) {
    const started = performance.now();
    try {
      await build(bundleOptions(root, entry, join(root, PROD_BUNDLE), plugin));
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors;
      if (!errors) throw e;
      process.stderr.write((await formatMessages(errors, { kind: "error", color: command.color })).join(""));
      return 1;
    }
    process.stdout.write(`[fawkes] wrote ${PROD_BUNDLE} in ${Math.round(performance.now() - started)} ms\n`);
    if (command.buildOnly) return 0;
    return runProduction(root, port, host, workers);
  }

  const dev = await startDevServer({
    root,
    entry,
    port,
    host,
    staticDir: config.static?.dir ?? "priv/static",
    watch: server.watch ?? [],
    plugin,
    outDir: config.outDir,
    color: command.color,
  });
  process.stdout.write(`[fawkes] dev server listening on ${dev.url} (live reload on; Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => done());
  });
  await dev.close();
  return 0;
}

/**
 * The bundle, run as in production: NODE_ENV=production, the port and host passed as PORT and
 * HOST, the workers as FAWKES_WORKERS (which the endpoint's start() reads).
 */
function runProduction(root: string, port: number, host: string | undefined, workers: string | undefined): Promise<number> {
  const env = { ...process.env, NODE_ENV: "production", PORT: String(port), ...(host ? { HOST: host } : {}), ...(workers ? { FAWKES_WORKERS: workers } : {}) };
  const child = spawn(process.execPath, ["--enable-source-maps", PROD_BUNDLE], { cwd: root, env, stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, forward(signal));
  return new Promise((done) => child.once("exit", (code, signal) => done(code ?? (signal === "SIGTERM" || signal === "SIGINT" ? 0 : 1))));
}

function parsePort(value: string | undefined, from: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ServerUsageError(`${from} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return n;
}
