// `fawkes new DIR`: a complete app, as `mix phx.new` makes one: router, a page with layouts and
// error pages, a socket and a channel with their browser client, config per environment with
// generated secrets, tests that pass, a README. `--api` leaves out the browser (templates,
// static files, session, CSRF), `--no-channels` the socket, channel and client.
//
// The files are compiler/cli/scaffold/<part>/<path>.tmpl, written to <path> when the app has
// the part (PARTS). They are real files rather than strings in TypeScript, so that the CSS, the
// templates and the sources read as the app will have them; the `.tmpl` suffix keeps this
// repository's tsc and build from taking them for its own sources, and a leading `_` stands for
// the dot that npm would drop from a packed `.gitignore`. scripts/build.mjs copies the folder to
// dist/. Inside a file, `{{name}}` is a value (valuesFor below) and `{{#if flag}}...{{else}}...{{/if}}`
// keeps what its flags select; a tag alone on its line takes the line with it.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface NewOptions {
  /** Where the app goes; created when missing. */
  dir: string;
  /** The npm name; default: the directory's name. */
  name?: string;
  /** JSON only: no templates, layouts, static files, session or CSRF. */
  api: boolean;
  /** A socket, a channel and (with HTML) the browser client. */
  channels: boolean;
  /** Write into a directory that is not empty. */
  force: boolean;
  /**
   * The app's fawkes dependency, when not `^<this version>` from the registry: a packed tarball
   * or a checkout (a path, or `file:` and a path: written relative to the app), or any other
   * npm spec (a version, a range, a git URL), as `mix phx.new --dev` points at a local Phoenix.
   */
  fawkes?: string;
}

/** `usage`: the command line is wrong (exit 2); `error`: it could not be done (exit 1). */
export type NewResult = { usage: string } | { error: string } | { created: string[]; nextSteps: string };

type Flag = "html" | "api" | "channels";

/** Each part of the scaffold and the flags it needs, all of them. */
const PARTS: { dir: string; needs: Flag[] }[] = [
  { dir: "common", needs: [] },
  { dir: "html", needs: ["html"] },
  { dir: "api", needs: ["api"] },
  { dir: "channels", needs: ["channels"] },
  { dir: "html+channels", needs: ["html", "channels"] },
];

const SCAFFOLD = fileURLToPath(new URL("./scaffold/", import.meta.url));

// npm names: lowercase, and what is safe as a folder, a cookie name and a JS identifier's base.
const NAME = /^[a-z][a-z0-9_-]*$/;
const MAX_NAME = 214; // npm's limit
// The app depends on these: npm refuses to install a package into one of the same name.
const TAKEN = ["fawkes", "phoenix", "esbuild", "typescript", "vitest"];

/** Writes the app; returns what it created and what to do next, or why it did not. */
export function createApp(options: NewOptions): NewResult {
  const root = resolve(options.dir);
  const name = options.name ?? basename(root);
  const problem = nameProblem(name, options.name === undefined ? options.dir : null);
  if (problem) return { usage: problem };
  const refusal = directoryProblem(root, options.force);
  if (refusal) return { error: refusal };

  const own = ownPackage();
  const fawkesSpec = options.fawkes === undefined ? `^${own.version}` : dependencySpec(options.fawkes, root);
  if (typeof fawkesSpec !== "string") return fawkesSpec;
  const flags: Record<Flag, boolean> = { html: !options.api, api: options.api, channels: options.channels };
  const values = valuesFor(name, own.version);
  const files = new Map<string, string>([["package.json", packageJson(name, own, flags, fawkesSpec)]]);
  for (const part of PARTS) {
    if (!part.needs.every((f) => flags[f])) continue;
    for (const file of filesUnder(join(SCAFFOLD, part.dir))) {
      const target = targetPath(file);
      if (files.has(target)) throw new Error(`scaffold: ${part.dir}/${file} and another part both write ${target}`);
      files.set(target, renderScaffold(readFileSync(join(SCAFFOLD, part.dir, file), "utf8"), values, flags, `${part.dir}/${file}`));
    }
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  const created = [...files.keys()].sort().map((f) => join(options.dir, f));
  return { created, nextSteps: nextSteps(root, options.dir) };
}

/**
 * `--fawkes SPEC` as the app's package.json gives it. A path (it has a `/`, starts with `.` or
 * `~`, or ends in `.tgz`), or `file:` and one, must exist, and becomes `file:` and the path from
 * the app's folder, so that the app installs from wherever it is built; another spec is npm's.
 */
function dependencySpec(spec: string, root: string): string | { usage: string } {
  const path = spec.startsWith("file:") ? spec.slice("file:".length) : /^[.~/]|\/|\.tgz$/.test(spec) ? spec : null;
  if (path === null) return spec;
  const absolute = resolve(path.replace(/^~(?=\/|$)/, homedir()));
  if (!existsSync(absolute)) return { usage: `--fawkes ${spec}: no such file or folder (${absolute}); give a packed fawkes (npm pack), a fawkes checkout, or a version` };
  const isPackage = statSync(absolute).isDirectory() ? existsSync(join(absolute, "package.json")) : /\.(tgz|tar\.gz|tar)$/.test(absolute);
  if (!isPackage) return { usage: `--fawkes ${spec}: ${absolute} is neither a tarball (.tgz, from npm pack) nor a folder with a package.json` };
  const relativePath = relative(root, absolute).split(sep).join("/");
  return `file:${relativePath.startsWith(".") || isAbsolute(relativePath) ? relativePath : `./${relativePath}`}`;
}

/** Why `name` cannot be the app's name, or null. `from` is the directory it was taken from, if so. */
function nameProblem(name: string, from: string | null): string | null {
  const hint = from === null ? "" : `\nthe name comes from the directory; choose one with --name: fawkes new ${shellWord(from)} --name ${suggestName(name)}`;
  if (!NAME.test(name)) return `the app name must start with a lowercase letter and have only lowercase letters, digits, "-" and "_", got: ${JSON.stringify(name)}${hint}`;
  if (name.length > MAX_NAME) return `the app name can have at most ${MAX_NAME} characters (npm's limit), got ${name.length}${hint}`;
  if (TAKEN.includes(name)) return `the app cannot be called ${JSON.stringify(name)}: the app depends on a package of that name${hint}`;
  return null;
}

function suggestName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_-]+/g, "_").replace(/^[^a-z]+/, "").slice(0, MAX_NAME);
  return NAME.test(s) && !TAKEN.includes(s) ? s : "my_app";
}

/** Why the app cannot go in `root`, or null. A folder with only `.git` counts as empty (`git init` first). */
function directoryProblem(root: string, force: boolean): string | null {
  if (!existsSync(root)) return null;
  if (!statSync(root).isDirectory()) return `${root} exists and is not a directory`;
  const entries = readdirSync(root).filter((e) => e !== ".git");
  if (entries.length === 0 || force) return null;
  return `${root} is not empty (${entries.length} ${entries.length === 1 ? "entry" : "entries"}, e.g. ${entries.sort()[0]}); pass --force to write the app into it anyway (files of the same name are overwritten)`;
}

/** The values `{{name}}` tags stand for; the secrets are new for every app. */
function valuesFor(name: string, version: string): Record<string, string> {
  return {
    name,
    // As Phoenix's module name: my_app and my-app are MyApp.
    title: name.replace(/(?:^|[-_])([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
    fawkesVersion: version,
    sessionKey: `_${name.replace(/-/g, "_")}_key`,
    signingSalt: secret(8),
    devSecret: secret(64),
    testSecret: secret(64),
  };
}

/** As `fawkes gen.secret` (and mix phx.gen.secret): strong random bytes, base64 without padding. */
function secret(length: number): string {
  return randomBytes(length).toString("base64").replace(/=+$/, "").slice(0, length);
}

const TAG = /\{\{(#if [a-z+!]+|else|\/if|[A-Za-z]+)\}\}/g;
// A block tag alone on its line takes the line with it (Mustache's standalone tags).
const STANDALONE = /^[ \t]*(\{\{(?:#if [a-z+!]+|else|\/if)\}\})[ \t]*\r?\n/gm;

/**
 * One scaffold file, rendered: `{{key}}` is `values[key]`; `{{#if html+channels}}` keeps what
 * follows up to its `{{else}}` or `{{/if}}` when every flag is on (`!flag`: off), and `{{else}}`
 * the rest. An unknown key, flag or an unbalanced block throws, naming the file.
 *
 * @example
 * renderScaffold("<h1>{{title}}</h1>{{#if channels}} live{{/if}}", { title: "MyApp" }, { channels: false }, "x.tmpl") // "<h1>MyApp</h1>"
 */
export function renderScaffold(text: string, values: Record<string, string>, flags: Record<string, boolean>, file: string): string {
  const source = text.replace(STANDALONE, "$1");
  const blocks: { outer: boolean; test: boolean; inElse: boolean }[] = [];
  let on = true;
  let out = "";
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    if (on) out += source.slice(last, m.index);
    last = m.index + m[0].length;
    const tag = m[1];
    if (tag.startsWith("#if ")) {
      const test = tag.slice(4).split("+").every((f) => {
        const flag = f.replace(/^!/, "");
        if (!(flag in flags)) throw new Error(`scaffold ${file}: unknown flag ${JSON.stringify(flag)} in {{${tag}}}; flags are ${Object.keys(flags).join(", ")}`);
        return f.startsWith("!") ? !flags[flag] : flags[flag];
      });
      blocks.push({ outer: on, test, inElse: false });
      on = on && test;
    } else if (tag === "else" || tag === "/if") {
      const block = blocks.at(-1);
      if (!block || (tag === "else" && block.inElse)) throw new Error(`scaffold ${file}: {{${tag}}} without its {{#if}}`);
      if (tag === "else") {
        block.inElse = true;
        on = block.outer && !block.test;
      } else {
        blocks.pop();
        on = block.outer;
      }
    } else {
      if (!(tag in values)) throw new Error(`scaffold ${file}: unknown value {{${tag}}}; values are ${Object.keys(values).join(", ")}`);
      if (on) out += values[tag];
    }
  }
  if (blocks.length) throw new Error(`scaffold ${file}: {{#if}} without its {{/if}}`);
  return on ? out + source.slice(last) : out;
}

/** Files under `dir`, relative to it, with forward slashes. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = prefix + e.name;
    return e.isDirectory() ? filesUnder(join(dir, e.name), `${path}/`) : e.name.endsWith(".tmpl") ? [path] : [];
  });
}

/** `_gitignore.tmpl` → `.gitignore`; `app/router.ts.tmpl` → `app/router.ts`. */
function targetPath(file: string): string {
  return file.replace(/\.tmpl$/, "").replace(/(^|\/)_/, "$1.");
}

interface OwnPackage {
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** This package's package.json: beside dist/ when built, at the repository root in development. */
function ownPackage(): OwnPackage {
  for (const up of ["../../../package.json", "../../package.json"]) {
    const file = fileURLToPath(new URL(up, import.meta.url));
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as OwnPackage & { name?: string };
    if (pkg.name === "fawkes") return pkg;
  }
  throw new Error("fawkes new: cannot find the package.json of fawkes itself");
}

// The app's tools, at the versions this Fawkes is tested with (its own package.json), or these.
// The compiler's packages (esbuild, eta, ts-morph) are no dependencies of fawkes (nor peers, which
// npm would keep in a production install): an app lists them as devDependencies, so its
// production install (npm ci --omit=dev) carries none of them.
const FALLBACK: Record<string, string> = { esbuild: "^0.28.2", eta: "^4.6.0", selfsigned: "^5.5.0", phoenix: "^1.8.16", "ts-morph": "^28.0.0", typescript: "~5.9.0", vitest: "^4.1.12", "@types/node": "^20.19.0" };

function packageJson(name: string, own: OwnPackage, flags: Record<Flag, boolean>, fawkes: string): string {
  const range = (dep: string) => own.dependencies?.[dep] ?? own.devDependencies?.[dep] ?? FALLBACK[dep];
  const pick = (deps: string[]) => Object.fromEntries(deps.sort().map((d) => [d, range(d)]));
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: own.engines?.node ?? ">=20.19" },
    scripts: {
      // npm install runs it: .fawkes/ is there before anything imports it.
      prepare: "fawkes build",
      // The dev server (mix phx.server): rebuilds on every change, reloads the browser.
      start: "fawkes server",
      // The production bundle, _build/server.mjs: run it with node (README's Production).
      // (With static files, digested first: config/prod.ts reads the manifest.)
      bundle: flags.html ? "fawkes digest && fawkes server --prod --build-only" : "fawkes server --prod --build-only",
      test: "fawkes build && tsc --noEmit && vitest run",
      check: "fawkes check && tsc --noEmit",
    },
    // phoenix is the browser's channel client, served from node_modules by app/endpoint.ts.
    dependencies: { fawkes, ...pick(flags.html && flags.channels ? ["phoenix"] : []) },
    // selfsigned: `npx fawkes gen.cert`, HTTPS in development.
    devDependencies: pick(["@types/node", "esbuild", "eta", "selfsigned", "ts-morph", "typescript", "vitest"]),
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

/** `dir` as it would be typed in a shell. */
function shellWord(dir: string): string {
  return /[\s"'$`\\]/.test(dir) ? JSON.stringify(dir) : dir;
}

/** What mix phx.new prints at the end: the commands to run, in order. */
function nextSteps(root: string, dir: string): string {
  const cd = root === process.cwd() ? "" : `    $ cd ${shellWord(dir)}\n`;
  return [
    "",
    "Your app is ready. Install its dependencies and start it:",
    "",
    `${cd}    $ npm install`,
    "    $ npm start",
    "",
    "It listens on http://localhost:4000 (PORT=... to change it). Run its tests with:",
    "",
    "    $ npm test",
    "",
  ].join("\n");
}
