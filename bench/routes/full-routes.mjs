// `fawkes routes` as it was before the syntactic read (issue 10): a whole build of the project
// (a ts-morph program of the router and everything it imports, the templates, the verified
// paths), then the same table. bench/routes/main.mjs times it against the CLI as it is now.
import { buildProject } from "../../dist/compiler/index.js";
import { formatRoutes } from "../../dist/compiler/cli/routes-table.js";

const root = process.argv[2];
const result = await buildProject({ root });
const errors = result.diagnostics.filter((d) => d.severity === "error");
if (errors.length || !result.router) {
  process.stderr.write(`${root} does not build: ${errors[0]?.message ?? "no router"}\n`);
  process.exit(1);
}
process.stdout.write(formatRoutes(result.router));
