#!/usr/bin/env node
// `fawkes` — the command line. Argument parsing and printing only; the work is in compiler/.
//
//   fawkes build  [--root DIR] [--config FILE] [--router FILE] [--out DIR] [--strict]
//                                                            generate .fawkes/*.gen.ts
//   fawkes check  [...]                                      fail if generated files are stale
//   fawkes routes [--json] [--info METHOD PATH] [...]        print the route table

import { parseArgs } from "node:util";
import pc from "picocolors";
import { buildProject, formatDiagnostic, hasErrors, staleFiles, writeFiles, type Diagnostic } from "../index.js";
import { formatRoutes, formatRouteInfo, routesJson } from "./routes-table.js";
import { checkTemplateTypes } from "../templates/typecheck.js";

const USAGE = `usage: fawkes <command> [options]

commands:
  build                    generate the router modules (matcher, helpers, dispatch, routes)
  check                    verify the generated modules are up to date and templates type-check (CI)
  routes                   print the route table, as mix phx.routes does
    --json                 as JSON
    --info METHOD PATH     which route a request reaches, with its handler and source line

options:
  --root DIR               project root (default: current directory)
  --config FILE            config file, relative to root (default: fawkes.config.ts, .mts, .js or .mjs when present)
  --router FILE            router module, relative to root (default: the config's, else app/router.ts)
  --out DIR                output directory, relative to root (default: the config's, else .fawkes)
  --strict                 warnings fail the command as errors do (default: the config's strict, else off)
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: "string", default: process.cwd() },
      config: { type: "string" },
      router: { type: "string" },
      out: { type: "string" },
      strict: { type: "boolean" },
      json: { type: "boolean", default: false },
      info: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const options = { root: values.root!, config: values.config, router: values.router, outDir: values.out, strict: values.strict };
  const result = await buildProject(options);
  printDiagnostics(result.diagnostics);
  if (hasErrors(result.diagnostics)) return 1;

  switch (command) {
    case "build": {
      const report = writeFiles(options.root, result.files);
      for (const f of report.written) process.stdout.write(`${pc.green("wrote")} ${f}\n`);
      if (report.unchanged.length) process.stdout.write(pc.dim(`${report.unchanged.length} file(s) unchanged\n`));
      return 0;
    }
    case "check": {
      // Typed templates: tsc over the generated module, errors reported at the template line.
      const templates = [...result.files].find(([f]) => f.endsWith("/templates.gen.ts"));
      const typeErrors = templates ? checkTemplateTypes(options.root, templates[0], templates[1]) : [];
      printDiagnostics(typeErrors);
      const stale = staleFiles(options.root, result.files);
      for (const f of stale) process.stderr.write(`${pc.red("stale")} ${f}\n`);
      if (stale.length) process.stderr.write("run `npx fawkes build` and commit the result\n");
      if (stale.length || typeErrors.length) return 1;
      process.stdout.write(`${pc.green("ok")} generated files are up to date${templates ? " and templates type-check" : ""}\n`);
      return 0;
    }
    case "routes": {
      if (!result.router) {
        process.stderr.write("no router: create app/router.ts or pass --router\n");
        return 1;
      }
      const routes = result.router.routes;
      if (values.info) {
        if (rest.length !== 2) {
          process.stderr.write("usage: fawkes routes --info METHOD PATH\n");
          return 2;
        }
        const text = formatRouteInfo(routes, rest[0], rest[1]);
        process.stdout.write(text.text);
        return text.found ? 0 : 1;
      }
      process.stdout.write(values.json ? routesJson(routes) : formatRoutes(routes));
      return 0;
    }
    default:
      process.stderr.write(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

function printDiagnostics(ds: Diagnostic[]): void {
  for (const d of ds) {
    const [first, ...more] = formatDiagnostic(d).split("\n");
    const colour = d.severity === "error" ? pc.red : pc.yellow;
    process.stderr.write(colour(first) + "\n" + more.map((l) => pc.dim(l) + "\n").join(""));
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`fawkes: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
