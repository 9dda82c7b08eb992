// The view layer, usable without a server: render a view's template by name inside the app
// layout and the root layout, as Phoenix does (`@inner_content` is `it.innerContent` here).
// Views are the generated templates (`user/show.html` for UserController's view "user"), or
// plain TypeScript functions (JSON views: `index.json` returns data the runtime encodes).

import type { TemplateFn } from "../templates/registry.js";

/** A plain TypeScript view: template name (`"index.json"`) → function of the assigns. */
export type ViewFunctions = Readonly<Record<string, (assigns: any) => unknown>>;

export interface ViewSet {
  /** The generated `templates` table (`.fawkes/templates.gen.ts`). */
  templates: Readonly<Record<string, TemplateFn>>;
  /** Plain TypeScript views by view name (`"user"`), consulted when no template exists. */
  functions?: Readonly<Record<string, ViewFunctions>>;
}

export interface RenderOptions {
  /** The app layout as `"view/template"` (`"layouts/app.html"`), or false. Default: none. */
  layout?: string | false;
  /** The root layout, wrapped around the app layout (`"layouts/root.html"`), or false. Default: none. */
  rootLayout?: string | false;
}

/** A view or template that does not exist. */
export class ViewNotFoundError extends Error {
  override name = "ViewNotFoundError";
}

/**
 * Renders `template` of `view` with `assigns`, inside the layouts. HTML templates go through the
 * layouts; other formats (json, txt...) are returned as they render, JSON views encoded.
 *
 * @example
 * renderToString({ templates }, "user", "show.html", { user }, { layout: "layouts/app.html", rootLayout: "layouts/root.html" })
 */
export function renderToString(
  views: ViewSet,
  view: string,
  template: string,
  assigns: Record<string, unknown> = {},
  options: RenderOptions = {},
): string {
  const inner = renderView(views, view, template, assigns);
  if (!template.endsWith(".html")) return inner;
  if (!options.layout && !options.rootLayout) return inner;
  // One assigns object for both layouts, innerContent replaced in between (no spread per layout).
  const layoutAssigns: Record<string, unknown> = Object.assign({}, assigns);
  let out = inner;
  for (const layout of [options.layout, options.rootLayout]) {
    if (!layout) continue;
    layoutAssigns.innerContent = out;
    out = renderLayout(views, layout, layoutAssigns);
  }
  return out;
}

function renderView(views: ViewSet, view: string, template: string, assigns: Record<string, unknown>): string {
  const fn = views.templates[`${view}/${template}`];
  if (fn) return fn(assigns);
  const plain = views.functions?.[view]?.[template];
  if (plain) {
    const value = plain(assigns);
    return typeof value === "string" && !template.endsWith(".json") ? value : JSON.stringify(value);
  }
  // The view's own templates: views nest (`admin` and `admin/review`), a sub-view's are not its.
  const known = Object.keys(views.templates)
    .filter((k) => k.startsWith(view + "/") && !k.slice(view.length + 1).includes("/"))
    .map((k) => k.slice(view.length + 1));
  const fns = Object.keys(views.functions?.[view] ?? {});
  throw new ViewNotFoundError(
    `no template "${template}" for view "${view}"` +
      (known.length + fns.length ? `; it has: ${[...known, ...fns].sort().join(", ")}` : `; add app/templates/${view}/${template}.eta`),
  );
}

function renderLayout(views: ViewSet, layout: string, assigns: Record<string, unknown>): string {
  const fn = views.templates[layout];
  if (!fn) throw new ViewNotFoundError(`no layout template "${layout}"; add app/templates/${layout}.eta or pass layout: false`);
  return fn(assigns);
}
