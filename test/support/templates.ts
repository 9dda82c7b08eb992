// Differential harness for the template precompiler: writes template sources into a fresh
// directory inside the repo (so the generated module's `import ... from "fawkes"` resolves, which
// vitest aliases to runtime/index.ts), compiles them with `compileTemplates`, imports the
// generated templates.gen.ts, and renders the same name with the same data through our module
// and through Eta itself (`new Eta({ views, ...config })`), so Eta is the oracle at test time.
//
// Compiling and importing a module costs about half a second, so the unit is a *fixture*: one
// directory, one config, one generated module, rendered many times (`compileFixture`).
// `renderBoth` is the one-shot form.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { Eta } from "eta";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import { compileTemplates, type ModuleRef, type TemplateConfig } from "../../compiler/build/templates.js";

export type { TemplateConfig, ModuleRef };

/** Fixtures live here (git-ignored); each fixture is a project root with `app/templates`. */
export const TEMPLATES_TMP = resolve(import.meta.dirname, "../../.fawkes-tmp/templates");
/** The templates directory, relative to a fixture's root (the compiler's default). */
export const TEMPLATES_DIR = "app/templates";
/** The generated module, relative to a fixture's root. */
export const GENERATED = ".fawkes/templates.gen.ts";

/**
 * Why there is no output. `stage` says where it failed: `render` (the template threw, which is
 * what an error case expects), `compile` (the compiler reported errors and emitted nothing),
 * `load` (the generated module did not import: a broken build, never acceptable).
 */
export interface Failure {
  error: string;
  stage?: "compile" | "load" | "render";
}
export type Outcome = string | Failure;

export interface RenderPair {
  fawkes: Outcome;
  eta: Outcome;
  diagnostics: Diagnostic[];
}

/** Template data, or a factory for it (needed for functions, promises, class instances...). */
export type DataSource = object | undefined | (() => object | undefined);

export interface RenderOptions {
  async?: boolean;
}

/** What the generated module exports (the compiler's contract). */
export interface GeneratedTemplates {
  templates: Record<string, unknown>;
  renderTemplate(name: string, data?: object): string;
  renderTemplateAsync(name: string, data?: object): Promise<string>;
}

export interface TemplateFixture {
  /** The project root passed to compileTemplates. */
  root: string;
  /** `<root>/app/templates`, Eta's `views`. */
  views: string;
  config: TemplateConfig;
  diagnostics: Diagnostic[];
  /**
   * The generated modules' text, when the compiler emitted them: every template's module
   * (`templates/<path>.gen.ts`, in path order) then the registry, templates.gen.ts, joined.
   */
  generated: string | null;
  /** The generated modules by path relative to root (empty when nothing was emitted). */
  modules: Map<string, string>;
  /** The imported module, or null with the reason in `problem`. */
  module: GeneratedTemplates | null;
  problem: Failure | null;
  /**
   * Renders `name` through Eta and through our module. A factory is called once per side, so
   * a template that mutates its data cannot leak into the other side; a plain object is cloned
   * for Eta's side when structuredClone can (else both sides get the same object).
   */
  render(name: string, data: DataSource, opts?: RenderOptions): Promise<RenderPair>;
  /** Our side only. */
  renderFawkes(name: string, data: object | undefined, opts?: RenderOptions): Promise<Outcome>;
  /** Eta's side only. */
  renderEta(name: string, data: object | undefined, opts?: RenderOptions): Promise<Outcome>;
}

let counter = 0;
const created: string[] = [];

/**
 * Writes `files` (paths relative to the templates dir: `{"user/show.html.eta": "..."}`) into a
 * fresh fixture, compiles them with `config`, and imports the generated module.
 * Never throws: compile and import failures end up in `problem`.
 */
export async function compileFixture(
  files: Record<string, string>,
  config: TemplateConfig = {},
  label = "fixture",
  /** Files relative to the fixture's root (the modules and named templates the config names). */
  rootFiles: Record<string, string> = {},
): Promise<TemplateFixture> {
  const root = join(TEMPLATES_TMP, `${label.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40)}-${process.pid}-${counter++}`);
  const views = join(root, TEMPLATES_DIR);
  rmSync(root, { recursive: true, force: true });
  created.push(root);
  mkdirSync(views, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(views, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  for (const [rel, text] of Object.entries(rootFiles)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }

  let diagnostics: Diagnostic[] = [];
  let generated: string | null = null;
  let modules = new Map<string, string>();
  let module: GeneratedTemplates | null = null;
  let problem: Failure | null = null;
  try {
    const result = compileTemplates({ root, config });
    diagnostics = result.diagnostics;
    modules = result.files;
    generated = result.files.has(GENERATED) ? joinModules(result.files) : null;
    if (generated === null) {
      const listed = diagnostics.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.code}: ${d.message}`);
      problem = { stage: "compile", error: `no ${GENERATED} emitted${listed.length ? `: ${listed.join("; ")}` : ""}` };
    } else {
      for (const [rel, text] of result.files) {
        mkdirSync(dirname(join(root, rel)), { recursive: true });
        writeFileSync(join(root, rel), text);
      }
      module = (await import(pathToFileURL(join(root, GENERATED)).href)) as GeneratedTemplates;
    }
  } catch (error) {
    problem = { stage: generated === null ? "compile" : "load", error: describe(error) };
    module = null;
  }

  const eta = await etaFor(root, views, config);

  const renderFawkes = async (name: string, data: object | undefined, opts: RenderOptions = {}): Promise<Outcome> => {
    if (!module) return problem ?? { stage: "load", error: "no module" };
    try {
      return opts.async ? await module.renderTemplateAsync(name, data) : module.renderTemplate(name, data);
    } catch (error) {
      return { stage: "render", error: describe(error) };
    }
  };
  const renderEta = async (name: string, data: object | undefined, opts: RenderOptions = {}): Promise<Outcome> => {
    try {
      return opts.async ? await eta.renderAsync(name, data as object) : eta.render(name, data as object);
    } catch (error) {
      return { stage: "render", error: describe(error) };
    }
  };
  return {
    root,
    views,
    config,
    diagnostics,
    generated,
    modules,
    module,
    problem,
    renderFawkes,
    renderEta,
    async render(name, data, opts) {
      const etaOut = await renderEta(name, fresh(data, true), opts);
      const fawkesOut = await renderFawkes(name, fresh(data, false), opts);
      return { fawkes: fawkesOut, eta: etaOut, diagnostics };
    },
  };
}

/**
 * The oracle: Eta with the same options. What our config names by module (escapeFunction,
 * filterFunction, customTags) Eta gets as the functions themselves, imported from the same
 * files; named templates are loaded with loadTemplate, sync and async (ours serve both).
 */
async function etaFor(root: string, views: string, config: TemplateConfig): Promise<Eta> {
  const load = async (ref: ModuleRef) => ((await import(pathToFileURL(join(root, ref.from)).href)) as Record<string, unknown>)[ref.import ?? "default"];
  const { named, namedDir, escapeFunction, filterFunction, customTags, ...rest } = config;
  const options: Record<string, unknown> = { views, ...rest };
  if (escapeFunction) options.escapeFunction = await load(escapeFunction);
  if (filterFunction) options.filterFunction = await load(filterFunction);
  if (customTags) options.customTags = Object.fromEntries(await Promise.all(Object.entries(customTags).map(async ([k, ref]) => [k, await load(ref)])));
  const eta = new Eta(options as ConstructorParameters<typeof Eta>[0]);
  const sources: [string, string][] = Object.entries(named ?? {}).map(([name, path]) => [name, join(root, path)]);
  if (namedDir) {
    const ext = config.defaultExtension ?? ".eta";
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const abs of walk(join(root, namedDir))) sources.push(["@" + relative(join(root, namedDir), abs).split(sep).join("/").replace(ext, ""), abs]);
  }
  for (const [name, abs] of sources) {
    for (const async of [false, true]) {
      try {
        eta.loadTemplate(name, readFileSync(abs, "utf8"), { async });
      } catch {
        // One Eta cannot compile (await, sync): rendering it that way fails, as a file template's would.
      }
    }
  }
  return eta;
}

/**
 * One-shot: a fixture for `files` + `config`, then `name` rendered by both sides.
 * Costs a compile and an import; tables should batch through `compileFixture`.
 */
export async function renderBoth(
  files: Record<string, string>,
  name: string,
  data: DataSource,
  config?: TemplateConfig,
  opts?: RenderOptions,
): Promise<RenderPair> {
  const fixture = await compileFixture(files, config, "one");
  return fixture.render(name, data, opts);
}

/** The error message of a failed outcome, or null when it is output. */
export function failureOf(o: Outcome): Failure | null {
  return typeof o === "string" ? null : o;
}

/** Removes every fixture this process created. */
export function removeFixtures(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

function fresh(data: DataSource, clone: boolean): object | undefined {
  if (typeof data === "function") return data();
  if (!clone || data === undefined) return data;
  try {
    return structuredClone(data);
  } catch {
    return data;
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Bundler errors (a module that does not transform) carry terminal colours.
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** The templates' modules' text, each template's (in path order) then the registry's: what tests search. */
export function joinModules(files: ReadonlyMap<string, string>): string {
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...sorted.filter(([f]) => f !== GENERATED), ...sorted.filter(([f]) => f === GENERATED)].map(([, text]) => text).join("\n");
}
