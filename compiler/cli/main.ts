#!/usr/bin/env node
// `fawkes` — the command line. Argument parsing and printing only; the work is in compiler/.
// Each command names its options; `fawkes --help`, `fawkes help <command>` and
// `fawkes <command> --help` print them. The compiler is imported only by the commands that
// build, so help, --version and the generators answer at once, in any folder.
//
// Exit codes: 0 success; 1 the command ran and failed (diagnostics, stale files, no route);
// 2 the command line itself is wrong (unknown command or option, missing argument).

import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createColors } from "picocolors";
import { nearest } from "../_suggest.js";
import { formatDiagnostic, type Diagnostic } from "../diagnostics.js";
import { relativePosix } from "../paths.js";

type Colors = ReturnType<typeof createColors>;

/** Colours only on a terminal, never with NO_COLOR set; FORCE_COLOR turns them on anywhere. */
function colorsFor(stream: NodeJS.WriteStream): Colors {
  const env = process.env;
  const enabled = env.NO_COLOR === undefined || env.NO_COLOR === "" ? (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") || (stream.isTTY === true && env.TERM !== "dumb") : false;
  return createColors(enabled);
}
const out = colorsFor(process.stdout);
const err = colorsFor(process.stderr);

interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** The value's name in help ("DIR"); none for a boolean. */
  value?: string;
  description: string;
}

interface Command {
  name: string;
  summary: string;
  /** After `fawkes <name>` in the usage line. */
  args?: string;
  options: Record<string, OptionSpec>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

class UsageError extends Error {}

/** The command whose command line is being read: a usage error points at its own help. */
let usageOf: Command | undefined;

const PROJECT: Record<string, OptionSpec> = {
  root: { type: "string", value: "DIR", description: "project root (default: the current directory)" },
  config: { type: "string", value: "FILE", description: "config file, relative to root (default: fawkes.config.ts, .mts, .js or .mjs when present)" },
  router: { type: "string", value: "FILE", description: "router module, relative to root (default: the config's, else app/router.ts)" },
  out: { type: "string", value: "DIR", description: "output directory, relative to root (default: the config's, else .fawkes)" },
  strict: { type: "boolean", description: "warnings fail the command as errors do (default: the config's strict, else off)" },
};

const COMMANDS: Command[] = [
  {
    name: "build",
    summary: "generate the router and template modules (.fawkes/*.gen.ts)",
    options: PROJECT,
    async run(values) {
      const { writeFiles } = await import("../index.js");
      const result = await buildFrom(values);
      if (!result) return 1;
      const report = writeFiles(result.root, result.files);
      for (const f of report.written) process.stdout.write(`${out.green("wrote")} ${f}\n`);
      for (const f of report.removed) process.stdout.write(`${out.yellow("removed")} ${f} (its template is gone)\n`);
      if (report.unchanged.length) process.stdout.write(out.dim(`${report.unchanged.length} file(s) unchanged\n`));
      return 0;
    },
  },
  {
    name: "check",
    summary: "verify the generated modules are up to date and typed templates type-check (for CI)",
    options: PROJECT,
    async run(values) {
      const { staleFiles } = await import("../index.js");
      const { checkTemplateTypes, isTemplatesModule } = await import("../templates/typecheck.js");
      const result = await buildFrom(values);
      if (!result) return 1;
      const templates = new Map([...result.files].filter(([f]) => isTemplatesModule(f)));
      const typeErrors = templates.size ? checkTemplateTypes(result.root, templates) : [];
      printDiagnostics(typeErrors);
      const stale = staleFiles(result.root, result.files);
      for (const f of stale) process.stderr.write(`${err.red("stale")} ${f}\n`);
      if (stale.length) process.stderr.write("run `npx fawkes build` and commit the result\n");
      if (stale.length || typeErrors.length) return 1;
      process.stdout.write(`${out.green("ok")} generated files are up to date${templates.size ? " and templates type-check" : ""}\n`);
      return 0;
    },
  },
  {
    name: "routes",
    summary: "print the route table, as mix phx.routes does",
    args: "[--info METHOD PATH]",
    options: {
      json: { type: "boolean", description: "as JSON" },
      info: { type: "boolean", description: "which route METHOD PATH reaches, with its handler and source line" },
      entry: { type: "string", value: "FILE", description: "the server entry the endpoint (and its sockets) is found from (default: the config's server.entry, else server.ts)" },
      ...PROJECT,
    },
    async run(values, positionals) {
      const { formatRoutes, formatRouteInfo, routesJson } = await import("./routes-table.js");
      if (values.info && positionals.length !== 2) throw new UsageError("routes --info takes a METHOD and a PATH: fawkes routes --info GET /users/1");
      if (!values.info && positionals.length) throw new UsageError(`routes takes no arguments, got ${JSON.stringify(positionals[0])}`);
      const table = await routeTable(values);
      if (!table) return 1;
      const { router, sockets } = table;
      if (values.info) {
        const text = formatRouteInfo(router, positionals[0], positionals[1], "", sockets);
        process.stdout.write(text.text);
        return text.found ? 0 : 1;
      }
      process.stdout.write(values.json ? routesJson(router, sockets) : formatRoutes(router, sockets));
      return 0;
    },
  },
  {
    name: "gen.secret",
    summary: "print a random secret for secretKeyBase (mix phx.gen.secret)",
    args: "[LENGTH]",
    options: {},
    async run(_values, positionals) {
      const { randomBytes } = await import("node:crypto");
      if (positionals.length > 1) throw new UsageError("gen.secret takes at most one argument, the length");
      const length = positionals.length ? Number(positionals[0]) : 64;
      if (!Number.isInteger(length) || length < 32) throw new UsageError(`the secret's length must be an integer of at least 32, got ${JSON.stringify(positionals[0])}`);
      // As Phoenix: strong random bytes, base64 without padding, cut to the length asked for.
      process.stdout.write(randomBytes(length).toString("base64").replace(/=+$/, "").slice(0, length) + "\n");
      return 0;
    },
  },
  {
    name: "gen.cert",
    summary: "write a self-signed certificate for HTTPS in development (mix phx.gen.cert)",
    args: "[HOSTNAME...]",
    options: {
      out: { type: "string", value: "DIR", description: "where the key and certificate go (default: priv/cert)" },
      force: { type: "boolean", description: "overwrite an existing key and certificate" },
      root: PROJECT.root,
    },
    async run(values, positionals) {
      const { generateCert } = await import("./gen-cert.js");
      const written = await generateCert({ root: (values.root as string | undefined) ?? process.cwd(), outDir: values.out as string | undefined, hostnames: positionals, force: values.force === true });
      for (const f of written.files) process.stdout.write(`${out.green("wrote")} ${f}\n`);
      process.stdout.write(
        `\nA self-signed certificate for ${written.hostnames.join(", ")}, valid for a year. Browsers will warn about it.\n` +
          `Serve HTTPS with it in development:\n\n` +
          `  defineEndpoint({ ..., config: { https: { key: readFileSync("${written.files[0]}"), cert: readFileSync("${written.files[1]}") } } })\n`,
      );
      return 0;
    },
  },
  {
    name: "digest",
    summary: "fingerprint the static files, compress them (gzip, brotli) and write cache_manifest.json (mix phx.digest)",
    args: "[INPUT]",
    options: {
      output: { type: "string", short: "o", value: "DIR", description: "where the digested files and the manifest go, relative to root (default: INPUT)" },
      "no-vsn": { type: "boolean", description: "do not add ?vsn=d to the references rewritten in CSS" },
      root: PROJECT.root,
      config: PROJECT.config,
    },
    async run(values, positionals) {
      const { digestStatic } = await import("./digest.js");
      if (positionals.length > 1) throw new UsageError(`digest takes at most one argument, the static folder (default: the config's static.dir, else priv/static)`);
      const { root, input } = await staticFolder(values, positionals[0]);
      const output = values.output ? join(root, values.output as string) : input;
      const result = digestStatic({ input, output, vsn: values["no-vsn"] !== true });
      const compressed = result.written.filter((f) => /\.(gz|br)$/.test(f)).length;
      process.stdout.write(`${out.green("digested")} ${result.digested.length} file(s) into ${relativePosix(root, output) || "."} (${compressed} compressed copies); the manifest is ${relativePosix(root, join(output, "cache_manifest.json"))}\n`);
      return 0;
    },
  },
  {
    name: "digest.clean",
    summary: "remove old digested versions, keeping the latest and the last --keep ones (mix phx.digest.clean)",
    options: {
      output: { type: "string", short: "o", value: "DIR", description: "the digested folder, relative to root (default: the config's static.dir, else priv/static)" },
      keep: { type: "string", value: "N", description: "previous versions kept per file, besides the latest (default: 2)" },
      age: { type: "string", value: "SECONDS", description: "versions older than this are removed even within --keep (default: 3600)" },
      all: { type: "boolean", description: "remove every digested file, the latest too, and the manifest" },
      root: PROJECT.root,
      config: PROJECT.config,
    },
    async run(values, positionals) {
      const { cleanDigests } = await import("./digest.js");
      if (positionals.length) throw new UsageError(`digest.clean takes no arguments, got ${JSON.stringify(positionals[0])}: name the folder with --output`);
      const count = (name: string, fallback: number) => {
        const text = values[name] as string | undefined;
        if (text === undefined) return fallback;
        if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
        return Number(text);
      };
      const keep = count("keep", 2);
      const age = count("age", 3600);
      const { root, input } = await staticFolder(values, values.output as string | undefined);
      const { removed } = cleanDigests({ output: input, keep, age, all: values.all === true });
      for (const f of removed) process.stdout.write(`${out.yellow("removed")} ${f}\n`);
      process.stdout.write(`${removed.length ? "" : "nothing to remove: "}${relativePosix(root, input) || "."} keeps the latest version of each file${values.all ? " no more" : ` and up to ${keep} older one(s) younger than ${age} s`}\n`);
      return 0;
    },
  },
  {
    name: "server",
    summary: "build, serve and rebuild on every change, with live reload in the browser (mix phx.server)",
    options: {
      port: { type: "string", short: "p", value: "PORT", description: "the port (default: PORT, else the config's server.port, else 4000; 0 picks a free one)" },
      host: { type: "string", value: "HOST", description: "the interface to bind (default: the config's server.host, else localhost)" },
      entry: { type: "string", value: "FILE", description: "the module that starts the app, relative to root (default: the config's server.entry, else server.ts)" },
      prod: { type: "boolean", description: "production: bundle once and run it, no watcher and no reload script (also with NODE_ENV=production)" },
      "build-only": { type: "boolean", description: "with --prod: write the bundle (_build/server.mjs) and exit" },
      workers: { type: "string", value: "N", description: 'with --prod: node:cluster workers sharing the port, a number or "auto" (default: the config\'s server.workers, else 1)' },
      ...PROJECT,
    },
    async run(values, positionals) {
      const { runServer, ServerUsageError } = await import("./server/index.js");
      if (positionals.length) throw new UsageError(`server takes no arguments, got ${JSON.stringify(positionals[0])}`);
      try {
        return await runServer({
          root: values.root as string | undefined,
          config: values.config as string | undefined,
          router: values.router as string | undefined,
          out: values.out as string | undefined,
          strict: values.strict as boolean | undefined,
          port: values.port as string | undefined,
          host: values.host as string | undefined,
          entry: values.entry as string | undefined,
          workers: values.workers as string | undefined,
          prod: values.prod === true,
          buildOnly: values["build-only"] === true,
          color: err.isColorSupported,
        });
      } catch (e) {
        if (e instanceof ServerUsageError) throw new UsageError(e.message);
        throw e;
      }
    },
  },
  {
    name: "new",
    summary: "create an app in DIR: router, pages, channels, config, tests (mix phx.new)",
    args: "DIR",
    options: {
      name: { type: "string", value: "NAME", description: "the app's npm name (default: DIR's last part): lowercase letters, digits, - and _" },
      api: { type: "boolean", description: "a JSON API: no templates, layouts, static files, session or CSRF" },
      "no-channels": { type: "boolean", description: "no socket, channel or browser client" },
      force: { type: "boolean", description: "write into DIR even when it is not empty (files of the same name are overwritten)" },
      fawkes: { type: "string", value: "SPEC", description: "the app's fawkes dependency (default: this version from npm): a tarball from npm pack, a checkout, or a version" },
    },
    async run(values, positionals) {
      const { createApp } = await import("./new.js");
      if (positionals.length !== 1) throw new UsageError(`new takes one argument, the app's directory: fawkes new my_app${positionals.length ? ` (got ${positionals.length})` : ""}`);
      const result = createApp({ dir: positionals[0], name: values.name as string | undefined, api: values.api === true, channels: values["no-channels"] !== true, force: values.force === true, fawkes: values.fawkes as string | undefined });
      if ("usage" in result) throw new UsageError(result.usage);
      if ("error" in result) return void process.stderr.write(`${err.red("error")}: ${result.error}\n`), 1;
      for (const f of result.created) process.stdout.write(`${out.green("* creating")} ${f}\n`);
      process.stdout.write(result.nextSteps);
      return 0;
    },
  },
];

/** The static folder: the one given (relative to root), else the config's static.dir, else priv/static. */
async function staticFolder(values: Record<string, string | boolean | undefined>, given: string | undefined): Promise<{ root: string; input: string }> {
  const root = resolve((values.root as string | undefined) ?? process.cwd());
  if (given !== undefined) return { root, input: resolve(root, given) };
  const { loadConfig } = await import("../config/load.js");
  const loaded = await loadConfig(root, values.config as string | undefined);
  if (loaded.diagnostics.length) {
    printDiagnostics(loaded.diagnostics);
    throw new Error("the config has errors");
  }
  return { root, input: resolve(root, loaded.config.static?.dir ?? "priv/static") };
}

/**
 * The route table and socket lines for `routes`, read from the router's syntax without a build
 * (compiler/router/routes.ts): prints diagnostics; null when there are errors.
 */
async function routeTable(values: Record<string, string | boolean | undefined>) {
  const { loadConfig } = await import("../config/load.js");
  const root = resolve((values.root as string | undefined) ?? process.cwd());
  const loaded = await loadConfig(root, values.config as string | undefined);
  if (loaded.diagnostics.length) return void printDiagnostics(loaded.diagnostics), null;
  const c = loaded.config;
  const router = (values.router as string | undefined) ?? c.router;
  const entry = (values.entry as string | undefined) ?? c.server?.entry;
  // Unchanged sources answer from the cache, without loading the TypeScript parser (routes-cache.ts).
  const { readCachedTable, writeCachedTable } = await import("./routes-cache.js");
  const key = JSON.stringify({ fawkes: version(), reader: readerStamp(), router: router ?? null, entry: entry ?? null });
  let table = readCachedTable(root, key);
  if (!table) {
    await import("../_code-cache.js"); // before the reader loads ts-morph
    const { readRouteTable } = await import("../router/routes.js");
    const read = readRouteTable({ root, router, entry });
    // The config's own files too: another router or entry named there is another table.
    writeCachedTable(root, key, [...read.inputs, ...loaded.inputs], read);
    table = read;
  }
  const strict = (values.strict as boolean | undefined) ?? c.strict ?? false;
  const diagnostics = strict ? table.diagnostics.map((d) => (d.severity === "error" ? d : { ...d, severity: "error" as const, message: `${d.message} (a warning; strict mode makes it an error)` })) : table.diagnostics;
  printDiagnostics([...diagnostics, ...table.sockets.diagnostics]);
  if (diagnostics.some((d) => d.severity === "error")) return null;
  if (!table.ir) return void process.stderr.write("no router: create app/router.ts or pass --router\n"), null;
  return { router: table.ir, sockets: table.sockets.sockets };
}

/** Builds with the project options; prints diagnostics; null when there are errors. */
async function buildFrom(values: Record<string, string | boolean | undefined>) {
  const { buildProject, hasErrors } = await import("../index.js");
  const root = (values.root as string | undefined) ?? process.cwd();
  const result = await buildProject({ root, config: values.config as string | undefined, router: values.router as string | undefined, outDir: values.out as string | undefined, strict: values.strict as boolean | undefined });
  printDiagnostics(result.diagnostics);
  return hasErrors(result.diagnostics) ? null : { ...result, root };
}

function printDiagnostics(ds: Diagnostic[]): void {
  for (const d of ds) {
    const [first, ...more] = formatDiagnostic(d).split("\n");
    const colour = d.severity === "error" ? err.red : err.yellow;
    process.stderr.write(colour(first) + "\n" + more.map((l) => err.dim(l) + "\n").join(""));
  }
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`, o.description]);
  const width = Math.max(22, ...rows.map(([l]) => l.length + 2));
  return rows.map(([l, d]) => `  ${l.padEnd(width)} ${d}`);
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  return [
    "usage: fawkes <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${"help".padEnd(width)}this text, or \`fawkes help <command>\` for one command's options`,
    "",
    "options:",
    "  -h, --help             help (also after a command)",
    "  -v, --version          the version of fawkes",
    "",
    "exit codes: 0 success, 1 the command failed (diagnostics, stale files, no route), 2 a wrong command line",
    "",
  ].join("\n");
}

function commandUsage(c: Command): string {
  const opts = optionLines({ ...c.options, help: { type: "boolean", short: "h", description: "this text" } });
  return [`usage: fawkes ${c.name}${c.args ? ` ${c.args}` : ""} [options]`, "", c.summary, "", "options:", ...opts, ""].join("\n");
}

/** When the module that reads routers was built: a rebuilt compiler of the same version reads again. */
function readerStamp(): string {
  for (const file of ["../router/compile.js", "../router/compile.ts"]) {
    try {
      return String(statSync(new URL(file, import.meta.url)).mtimeMs);
    } catch {
      // the other one of dist/ and the sources
    }
  }
  return "";
}

function version(): string {
  // dist/compiler/cli/main.js and compiler/cli/main.ts: the package.json above either.
  for (const up of ["../../../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "fawkes" && pkg.version) return pkg.version;
    } catch {
      // not there: try the next
    }
  }
  return "unknown";
}

function suggestion(name: string, known: string[]): string {
  const close = nearest(name, known, 2);
  return close ? ` (did you mean ${close}?)` : "";
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stdout.write(usage());
    return 2;
  }
  if (first === "--help" || first === "-h") return void process.stdout.write(usage()), 0;
  if (first === "--version" || first === "-v") return void process.stdout.write(`fawkes ${version()}\n`), 0;
  if (first === "help") {
    if (rest.length === 0) return void process.stdout.write(usage()), 0;
    const c = COMMANDS.find((x) => x.name === rest[0]);
    if (!c) throw new UsageError(`no command ${JSON.stringify(rest[0])}${suggestion(rest[0], COMMANDS.map((x) => x.name))}`);
    process.stdout.write(commandUsage(c));
    return 0;
  }
  if (first.startsWith("-")) throw new UsageError(`${first} is not an option of fawkes itself; options go after the command (fawkes build ${first})`);
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(first)}${suggestion(first, [...COMMANDS.map((c) => c.name), "help"])}`);
  usageOf = command;
  const options = { ...command.options, help: { type: "boolean" as const, short: "h", description: "" } };
  // Unknown options are ours to report, with a suggestion; parseArgs would only say "unknown".
  for (const arg of rest) {
    if (arg === "--") break;
    if (!arg.startsWith("--")) continue;
    const name = arg.slice(2).split("=")[0];
    if (!(name in options)) {
      throw new UsageError(`fawkes ${command.name}: unknown option --${name}${suggestion(`--${name}`, Object.keys(options).map((o) => `--${o}`))}`);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}) }])) });
  } catch (e) {
    throw new UsageError(`fawkes ${command.name}: ${(e as Error).message.split(". ")[0]}`);
  }
  if (parsed.values.help) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  try {
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (e) {
    const peer = missingPeer(e);
    if (peer === null) throw e;
    // `npm ci --omit=dev` runs an app's `prepare: fawkes build` without the compiler's packages:
    // the committed .fawkes/ (or the bundle) is what production runs, so that is not a failure.
    const omitted = process.env.npm_lifecycle_event === "prepare" && /\bdev\b/.test(process.env.npm_config_omit ?? "");
    process.stderr.write(
      `fawkes ${command.name}: needs ${peer}, which is not installed. The compiler's packages are not dependencies of fawkes,\n` +
        `so that an app's production install carries none of them; install them as devDependencies:\n` +
        `  npm install --save-dev ${COMPILER_PEERS.join(" ")}\n` +
        // A production install is meant to run the bundle, not to make it.
        (command.name === "server"
          ? "in production, bundle where the devDependencies are installed (fawkes server --prod --build-only, a fawkes new app's\n" +
            "`npm run bundle`) and run the bundle where they are not: node _build/server.mjs\n"
          : "") +
        (omitted ? "skipping: the install omits devDependencies (--omit=dev)\n" : ""),
    );
    return omitted ? 0 : 1;
  }
}

/**
 * The packages the compiler and the generators import. Not dependencies of fawkes, nor peers: an
 * app lists them as devDependencies, and a peer (even an optional one) of a production
 * dependency is `devOptional` in the app's lockfile, which `npm ci --omit=dev` installs anyway.
 */
const COMPILER_PEERS = ["esbuild", "eta", "selfsigned", "ts-morph"];

/** The compiler package whose absence made `error` (Node's ERR_MODULE_NOT_FOUND for it), else null. */
function missingPeer(error: unknown): string | null {
  if ((error as { code?: string } | null)?.code !== "ERR_MODULE_NOT_FOUND") return null;
  const name = /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
  return name !== undefined && COMPILER_PEERS.includes(name) ? name : null;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      const help = usageOf ? `run \`fawkes help ${usageOf.name}\` for its options, \`fawkes --help\` for every command` : "run `fawkes --help` for the commands and their options";
      process.stderr.write(`${err.red("error")}: ${error.message}\n${help}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`fawkes: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
