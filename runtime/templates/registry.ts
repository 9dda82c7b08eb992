// The run-time side of precompiled templates: a table from template file (relative to the
// templates root) to its render function, filled by the generated module, and Eta's name
// resolution for `include`, `layout` and `renderTemplate` (relative to the including template,
// absolute from the root with a leading "/", the default extension added when the name has
// none, nothing outside the root). Nothing is parsed or compiled here.

import { posix } from "node:path";

/** A compiled template: Eta's `(it, options)` signature; `options.filepath` is its own file. */
export type TemplateFn = (it: any, options?: TemplateOptions) => string;
export type AsyncTemplateFn = (it: any, options?: TemplateOptions) => Promise<string>;

export interface TemplateOptions {
  filepath?: string;
  async?: boolean;
}

/** A name that resolves to no template, or outside the templates root. */
export class TemplateNotFoundError extends Error {
  override name = "TemplateNotFoundError";
}

export class TemplateRegistry {
  private readonly sync = new Map<string, TemplateFn>();
  private readonly async = new Map<string, AsyncTemplateFn>();

  constructor(private readonly defaultExtension = ".eta") {}

  /** Registers the template compiled from `file` (relative to the root, e.g. `user/show.html.eta`). */
  define(file: string, fn: TemplateFn, asyncFn?: AsyncTemplateFn): void {
    this.sync.set(file, fn);
    if (asyncFn) this.async.set(file, asyncFn);
  }

  /**
   * A render function replaced wherever it is defined (`fawkes server` swaps an edited
   * template's new function in for the one the app loaded: compiler/cli/server/worker-hook.ts).
   */
  replace(previous: TemplateFn | AsyncTemplateFn, next: TemplateFn | AsyncTemplateFn): void {
    for (const table of [this.sync, this.async] as Map<string, unknown>[]) for (const [file, fn] of table) if (fn === previous) table.set(file, next);
  }

  /**
   * Eta's resolvePath over the compiled table: the file a name means when used from `from`.
   * A name starting with `@` is a named template (Eta's loadTemplate store): itself.
   */
  resolve(name: string, from: string | null): string {
    if (name.startsWith("@")) return name;
    const withExt = posix.extname(name) ? name : name + this.defaultExtension;
    const absolute = /^[\\/]/.test(withExt);
    // Eta strips leading "/" only (its `^\/*|^\\*` always takes the first, possibly empty, branch),
    // so a name starting with "\\" keeps it and names a file that cannot exist.
    const joined =
      from && !absolute ? posix.join(posix.dirname(from), withExt) : posix.join(withExt.replace(/^\/*/, ""));
    const file = posix.normalize(joined);
    if (file === "." || file.startsWith("../") || file === ".." || posix.isAbsolute(file)) {
      throw new TemplateNotFoundError(`Template '${withExt}' is not in the views directory`);
    }
    return file;
  }

  render(name: string, data: object | undefined, from: string | null): string {
    const file = this.resolve(name, from);
    const fn = this.sync.get(file);
    if (!fn) throw notFound(file);
    return fn(data, { filepath: filepathFor(file, from), async: false });
  }

  /** The async variant where the template has one (it uses `await`), else the sync one. */
  async renderAsync(name: string, data: object | undefined, from: string | null): Promise<string> {
    const file = this.resolve(name, from);
    const fn = this.async.get(file) ?? this.sync.get(file);
    if (!fn) throw notFound(file);
    return fn(data, { filepath: filepathFor(file, from), async: true });
  }
}

/**
 * A named template gets its includer's filepath, as in Eta (its relative includes resolve from
 * there); a file template, its own.
 */
function filepathFor(file: string, from: string | null): string | undefined {
  return file.startsWith("@") ? (from ?? undefined) : file;
}

function notFound(file: string): TemplateNotFoundError {
  return file.startsWith("@")
    ? new TemplateNotFoundError(`Failed to get template '${file}': no template is named so (templates.named and templates.namedDir in fawkes.config.ts)`)
    : new TemplateNotFoundError(`Could not find template: ${file}`);
}

/** `{ ...parent, ...data }`: the data an `include` passes, as Eta merges it. */
export function mergeData(parent: unknown, data: unknown): Record<string, unknown> {
  return { ...(parent as object), ...((data ?? {}) as object) };
}
