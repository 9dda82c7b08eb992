// Phoenix.Controller's response functions: text, json, html, redirect, render (a view's
// template inside the layouts), and the view/layout settings render reads.

import { renderToString } from "../views/render.js";
import { enterRender, leaveRender } from "./template-helpers.js";
import { renderChannel, traced } from "./telemetry.js";
import { accepts } from "./body/negotiate.js";
import { escapeHtml } from "../templates/escape.js";
import { checkHeader, type Conn, putRespContentType, putRespHeader, resp, type AssignedOf, type RendersOf, type TypedConn } from "./conn.js";
import { describe } from "../_internal/values.js";
import { encodeQuery, type Query } from "../router/url.js";

/** The flash of a conn that fetched none: shared, never written to. */
const NO_FLASH: Record<string, string> = Object.freeze({}) as Record<string, string>;

// The content types of text/json/html, built once rather than per response.
const TEXT_PLAIN = "text/plain; charset=utf-8";
const APPLICATION_JSON = "application/json; charset=utf-8";
const TEXT_HTML = "text/html; charset=utf-8";

// Text and JSON responses say `nosniff`: a browser must not take an echoed param in a text or
// JSON body for HTML or script (Phoenix's browser pipeline sends it with its secure headers).
const NOSNIFF = "nosniff";

/** Sends plain text (status defaults to 200, or what putStatus set). */
export function text(conn: Conn, body: string): Conn {
  if (typeof body !== "string") throw new TypeError(`text: expected a string body, got: ${describe(body)}`);
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = TEXT_PLAIN;
  conn.respHeaders["x-content-type-options"] = NOSNIFF;
  return resp(conn, conn.status ?? 200, body);
}

/** Sends JSON (`undefined` as `null`, as Phoenix sends `nil`). */
export function json(conn: Conn, data: unknown): Conn {
  const body = data === undefined ? "null" : JSON.stringify(data);
  if (body === undefined) throw new TypeError(`json: ${describe(data)} has no JSON form`);
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = APPLICATION_JSON;
  conn.respHeaders["x-content-type-options"] = NOSNIFF;
  return resp(conn, conn.status ?? 200, body);
}

/** Sends HTML as is (no layout). */
export function html(conn: Conn, body: string): Conn {
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = TEXT_HTML;
  return resp(conn, conn.status ?? 200, body);
}

/**
 * Redirects: `{ to: "/local/path" }` only accepts a path on this site, so a user-supplied value
 * (`return_to`) cannot send visitors elsewhere; `{ external: "https://..." }` for other hosts.
 * As Phoenix: `to` must start with one "/" and hold no backslash, tab or other control
 * character, since browsers read `/\evil.com` and `/<tab>/evil.com` as `//evil.com`. A refused
 * target throws (a logged 500), it never becomes a Location header.
 *
 * @example redirect(conn, { to: Routes.userPath("show", user.id) })
 */
export function redirect(conn: Conn, target: { to: string } | { external: string }): Conn {
  let url: string;
  if ("to" in target) url = localPath(target.to);
  else {
    if (typeof target.external !== "string") throw new TypeError(`redirect external: expects a URL string, got: ${describe(target.external)}`);
    url = target.external;
  }
  putRespHeader(conn, "location", url);
  putRespContentType(conn, "text/html");
  return resp(conn, conn.status && conn.status >= 300 && conn.status < 400 ? conn.status : 302, `<html><body>You are being <a href="${escapeHtml(url)}">redirected</a>.</body></html>`);
}

// Phoenix's @invalid_local_url_chars ("\\", "/%09", "/\t"), widened to every C0 control and DEL:
// browsers drop tabs and newlines anywhere in a URL and treat "\\" as "/".
const UNSAFE_LOCAL = /[\\\x00-\x1f\x7f]|\/%09/i;

function localPath(to: unknown): string {
  if (typeof to !== "string") {
    throw new TypeError(`redirect to: expects a path string, got: ${describe(to)} (a list param, e.g. return_to[]=…, is not a path)`);
  }
  if (to[0] !== "/" || to[1] === "/") {
    throw new TypeError(`redirect to: expects a path starting with one "/", got: ${describe(to)}; use { external: url } for other hosts`);
  }
  if (UNSAFE_LOCAL.test(to)) throw new TypeError(`redirect to: unsafe characters for a local redirect (backslash, tab or another control character) in ${describe(to)}`);
  return to;
}

/** The view templates are looked up in (default: the route's, named from the controller's module: "user", "admin/review"). */
export function putView<C extends Conn, const V extends string>(conn: C, view: V): WithPut<C, "view", V>;
export function putView(conn: Conn, view: string): Conn {
  conn.private.view = view;
  return conn;
}

/**
 * The app layout (`"layouts/app.html"`), or false for none. On a typed conn, render the conn it
 * returns: its render checks that layout's needs (`render(putLayout(conn, "layouts/print.html"), ...)`).
 */
export function putLayout<C extends Conn, const L extends string | false>(conn: C, layout: L & LayoutName<C, L>): WithPut<C, "layout", L>;
export function putLayout(conn: Conn, layout: string | false): Conn {
  conn.private.layout = layout;
  return conn;
}

/** The root layout (`"layouts/root.html"`), or false for none; on a typed conn, as putLayout. */
export function putRootLayout<C extends Conn, const L extends string | false>(conn: C, layout: L & LayoutName<C, L>): WithPut<C, "rootLayout", L>;
export function putRootLayout(conn: Conn, layout: string | false): Conn {
  conn.private.rootLayout = layout;
  return conn;
}

/**
 * Renders a template of the conn's view with `assigns` (merged over `conn.assigns`), inside the
 * app and root layouts for HTML. `"show"` without a format takes the request's format
 * (`_format` param, else html). With `{ layout: false }` it renders the template alone.
 *
 * @example render(conn, "show.html", { user })
 */
export function render<C extends Conn, const N extends TemplateName<C>>(conn: C, template: N, assigns: RenderAloneAssigns<C, N>, options: { layout: false }): Conn;
export function render<C extends Conn, const N extends TemplateName<C>>(conn: C, template: N, ...rest: RenderArgs<C, N>): Conn;
export function render(conn: Conn, template: string, assigns: Record<string, unknown> = {}, options: RenderCallOptions = {}): Conn {
  const viewSet = conn.private.views as Parameters<typeof renderToString>[0] | undefined;
  if (!viewSet) throw new Error("render: this endpoint has no views; pass { views: { templates } } to defineEndpoint");
  const name = /\.[a-z0-9]+$/i.test(template) ? template : `${template}.${formatOf(conn)}`;
  // putView's choice, else the view the compiler named for the route; a plug route (which has
  // none) that renders gets one from its plug's name, as before the compiler named views.
  const view = (conn.private.view as string | undefined) ?? conn.route?.view ?? viewOf(conn.route?.controller ?? "");
  const html = name.endsWith(".html");
  // Layouts and templates see `flash` (Phoenix's @flash) and the conn, besides the assigns.
  // One object, filled with Object.assign: spreading spread objects is slow on Node 20 (~1 µs each).
  const all: Record<string, unknown> = Object.assign({ flash: conn.private.flash ?? NO_FLASH }, conn.assigns, assigns);
  all.conn = conn;
  const layouts = {
    layout: options.layout === false || !html ? false : ((conn.private.layout as string | false | undefined) ?? false),
    rootLayout: options.layout === false || !html ? false : ((conn.private.rootLayout as string | false | undefined) ?? false),
  };
  // The telemetry event (and its closure) only when someone listens. The templates' csrfToken()
  // and getFlash() read the conn being rendered (template-helpers.ts).
  let body: string;
  const previous = enterRender(conn);
  try {
    body = renderChannel.hasSubscribers
      ? traced(renderChannel, { conn, view, template: name, format: name.slice(name.lastIndexOf(".") + 1) }, () => renderToString(viewSet, view, name, all, layouts))
      : renderToString(viewSet, view, name, all, layouts);
  } finally {
    leaveRender(previous);
  }
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = html ? TEXT_HTML : name.endsWith(".json") ? APPLICATION_JSON : TEXT_PLAIN;
  return resp(conn, conn.status ?? 200, body);
}

/** render's options: `{ layout: false }` renders the template alone. */
export interface RenderCallOptions {
  layout?: false;
}

// ---- render's types (types only) -------------------------------------------------------------
// A plain Conn renders any name with any assigns, as before. A typed conn (TypedConn with a
// render table, from actions.gen.ts) takes the names of its view's templates only, with the
// assigns each one's `@type` declares (and its layouts'), less what render adds itself.

/** The template names render accepts for a conn: any for a plain Conn, its view's for a typed one. */
export type TemplateName<C> = RendersOf<C> extends infer R ? ([R] extends [null] ? string : keyof R & string) : never;

/**
 * render's arguments after the name: the assigns (required when the template needs some) and the
 * options. The template renders inside its layouts, so their needs are asked for too (a
 * `{ layout: false }` literal takes render's other overload: RenderAloneAssigns). Keys the plugs
 * of the route's pipelines assign, with a type the template accepts, are not asked for: they
 * are on the conn already.
 */
export type RenderArgs<C, N> =
  RendersOf<C> extends infer R
    ? [R] extends [null]
      ? [assigns?: Record<string, unknown>, options?: RenderCallOptions]
      : N extends keyof R
        ? R[N] extends { layouts: infer F }
          ? Provide<F, AssignedOf<C>> extends infer A
            ? {} extends A
              ? [assigns?: A, options?: RenderCallOptions]
              : [assigns: A, options?: RenderCallOptions]
            : never
          : never
        : [assigns?: Record<string, unknown>, options?: RenderCallOptions]
    : never;

/**
 * The assigns of `render(conn, name, assigns, { layout: false })`: the template renders alone,
 * so only its own needs are asked for (less what the pipelines' plugs assign), not its layouts'.
 */
export type RenderAloneAssigns<C, N> =
  RendersOf<C> extends infer R
    ? [R] extends [null]
      ? Record<string, unknown> | undefined
      : N extends keyof R
        ? R[N] extends { alone: infer O }
          ? Provide<O, AssignedOf<C>> extends infer A
            ? {} extends A
              ? A | undefined
              : A
            : never
          : never
        : Record<string, unknown> | undefined
    : never;

/**
 * Assigns `N` as render asks for them when the conn carries `A` already (what its pipelines'
 * plugs assign): a key of `A` whose type the template accepts becomes optional (render's assigns
 * still win the merge, so passing it is allowed, with the template's type); a key `A` has with a
 * type the template does not accept stays required.
 */
type Provide<N, A> = [keyof A] extends [never] ? N : Simplify<{ [K in keyof N as K extends ProvidedKeys<N, A> ? never : K]: N[K] } & { [K in keyof N as K extends ProvidedKeys<N, A> ? K : never]?: N[K] }>;

type ProvidedKeys<N, A> = { [K in keyof N & keyof A]: A[K] extends N[K] ? K : never }[keyof N & keyof A];

/** What render gives every template and layout itself: `flash`, `conn`, and a layout's `innerContent`. */
export type RenderProvided = "flash" | "conn" | "innerContent";

/** The assigns a template function takes (`any` for a template without `@type`). */
type TemplateAssigns<F> = F extends (it: infer A, ...rest: any[]) => unknown ? A : never;

/** What a caller must pass for assigns `A`: a template without `@type` takes any (loose). */
type Needs<A> = 0 extends 1 & A ? Record<string, unknown> : Omit<A, RenderProvided>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Flattens an intersection for readable messages (`{ user: User; title?: string }`). */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A name without its format: `show.html` → `show`, `a.b.html` → `a.b`. */
type Bare<N extends string> = N extends `${infer A}.${infer B}` ? (B extends `${string}.${string}` ? `${A}.${Bare<B>}` : A) : N;

/** The view's templates by the name render takes (`"show.html"`), to their key in `T` (`"user/show.html"`). */
type ViewKeys<T, V extends string> = { [K in keyof T & string as K extends `${V}/${infer N}` ? N : never]: K };

/** What an HTML template of the view needs from its layouts `L` (keys of `T`, `"layouts/app.html"`). */
type LayoutNeeds<T, L extends string> = UnionToIntersection<L extends keyof T ? Needs<TemplateAssigns<T[L]>> : never>;

type Entry<T, K, N extends string, L extends string> = K extends keyof T
  ? Simplify<Needs<TemplateAssigns<T[K]>> & (N extends `${string}.html` ? ([L] extends [never] ? unknown : LayoutNeeds<T, L>) : unknown)>
  : never;

/** What each template of view `V` needs, by the name render takes (with and without its format), inside layouts `L`. */
type ViewNeeds<T, V extends string, L extends string> = { [N in keyof ViewKeys<T, V> & string]: Entry<T, ViewKeys<T, V>[N], N, L> } & {
  [B in Bare<keyof ViewKeys<T, V> & string>]: Simplify<
    UnionToIntersection<{ [N in keyof ViewKeys<T, V> & string]: Bare<N> extends B ? Entry<T, ViewKeys<T, V>[N], N, L> : never }[keyof ViewKeys<T, V> & string]>
  >;
};

/** The key of a render table's own description (its templates, view and layouts). Declared only: no value has it. */
declare const TABLE: unique symbol;

/** What a render table was made of, for putLayout/putRootLayout/putView to make another. */
interface TableOf<T, V extends string, L extends string | false, Root extends string | false> {
  readonly templates: T;
  readonly view: V;
  readonly layout: L;
  readonly rootLayout: Root;
}

/**
 * A view's render table, for TypedConn: every template of view `V` in the generated `templates`
 * table `T`, by name with its format (`"show.html"`) and without (`"show"`: what every format
 * of that name needs), to the assigns it needs inside the app layout `L` and the root layout
 * `Root` the route's pipelines put (`false`: none, or none known; a union: each route's)
 * (`layouts`), and rendered alone, with `{ layout: false }` (`alone`).
 * @example type UserRenders = ViewRenders<typeof templates, "user", "layouts/app.html", "layouts/root.html">
 */
export type ViewRenders<T, V extends string, L extends string | false = false, Root extends string | false = false> = {
  [N in keyof ViewNeeds<T, V, Exclude<L | Root, false>>]: {
    layouts: ViewNeeds<T, V, Exclude<L | Root, false>>[N];
    alone: ViewNeeds<T, V, never>[N & keyof ViewNeeds<T, V, never>];
  };
} & { readonly [TABLE]?: TableOf<T, V, L, Root> };

/**
 * The conn `C` after `putLayout`/`putRootLayout` (`K`: which) of `layout`, or `putView` of a view:
 * a typed conn whose render checks the new layout's needs (the new view's templates). A name that
 * is not a literal is a layout the types cannot know: its needs are not checked. A plain Conn stays one.
 */
export type WithPut<C, K extends "layout" | "rootLayout" | "view", X extends string | false> =
  RendersOf<C> extends { readonly [TABLE]?: TableOf<infer T, infer V, infer L, infer Root> }
    ? C extends TypedConn<infer P, object | null, object>
      ? TypedConn<
          P,
          K extends "view"
            ? ViewRenders<T, X extends string ? (string extends X ? V : X) : V, L, Root>
            : ViewRenders<T, V, K extends "layout" ? Known<X> : L, K extends "rootLayout" ? Known<X> : Root>,
          AssignedOf<C>
        >
      : C
    : C;

/**
 * The layouts putLayout takes for conn `C`: on a typed conn, a literal must name a template
 * (`"layouts/print.html"`: a misspelt one is an error there, not at render); any name otherwise.
 */
export type LayoutName<C, L> = string extends L
  ? string | false
  : RendersOf<C> extends { readonly [TABLE]?: TableOf<infer T, string, string | false, string | false> }
    ? (keyof T & string) | false
    : string | false;

/** A layout name as the types know it: a literal, or `false` for none (or a name only known at run time). */
type Known<X extends string | false> = X extends string ? (string extends X ? false : X) : false;

/** A controller action that accepts conns of type `C` (what the generated dispatch checks each handler against). */
export type ActionFor<C extends Conn> = (conn: C, ...rest: any[]) => unknown;

function formatOf(conn: Conn): string {
  const f = conn.params._format ?? conn.private.format;
  return typeof f === "string" && /^[a-z0-9]+$/i.test(f) ? f : "html";
}

const views = new Map<string, string>();

/**
 * The view of a route the compiler gave none (a plug route that renders), from its name as the
 * router wrote it: `SomePlug` → `some_plug`, `Admin.UserController` → `user` (cached: it runs per render).
 */
export function viewOf(controller: string): string {
  let view = views.get(controller);
  if (view === undefined) {
    const last = controller.split(".").pop() ?? "";
    view = last
      .replace(/Controller$/, "")
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .toLowerCase();
    views.set(controller, view);
  }
  return view;
}

/**
 * Sends a file's contents as a download (`content-disposition: attachment`), as
 * Phoenix's send_download with `{:binary, data}`.
 */
export function sendDownload(conn: Conn, data: string | Buffer, options: { filename: string; contentType?: string }): Conn {
  const { filename } = options;
  if (typeof filename !== "string" || filename === "" || /[\x00-\x1f\x7f]/.test(filename)) {
    throw new TypeError(`sendDownload: the filename must be a non-empty string without control characters (CR, LF, tab...), got: ${describe(filename)}`);
  }
  if (options.contentType !== undefined) checkHeader("content-type", options.contentType, "sendDownload");
  // The quoted form is for old clients: ASCII only, quotes and backslashes replaced; the exact
  // name travels percent-encoded in filename* (RFC 6266).
  const quoted = filename.replace(/["\\]/g, "_").replace(/[^\x20-\x7e]/g, "_");
  putRespHeader(conn, "content-disposition", `attachment; filename="${quoted}"; filename*=UTF-8''${encodeURIComponent(options.filename)}`);
  putRespHeader(conn, "content-type", options.contentType ?? "application/octet-stream");
  return resp(conn, conn.status ?? 200, data);
}

/**
 * A plug: picks the response format from `_format` or the Accept header among `formats`
 * (stored for render("show")), or answers 406 when none is acceptable.
 * @example p.plug(acceptsFormats, ["html", "json"])
 */
export function acceptsFormats(conn: Conn, formats: readonly string[]): Conn {
  const explicit = conn.params._format ?? conn.queryParams._format;
  const format = typeof explicit === "string" ? (formats.includes(explicit) ? explicit : undefined) : accepts(conn.getReqHeader("accept") ?? "*/*", formats);
  if (!format) {
    throw Object.assign(new Error(`no supported media type in accept header, expected one of ${JSON.stringify(formats)}`), { status: 406 });
  }
  conn.private.format = format;
  return conn;
}

/**
 * The request's path and query string (Phoenix.Controller.current_path): the path normalized
 * from its segments (`/foo//bar/` → `/foo/bar`), then the query as sent, or `params` encoded
 * instead (`{}` for none).
 * @example currentPath(conn) // "/users/123?existing=param"; currentPath(conn, { page: 2 }) // "/users/123?page=2"
 */
export function currentPath(conn: Conn, params?: Query): string {
  let path = "/";
  for (const segment of conn.requestPath.split("/")) if (segment !== "") path += path.length > 1 ? "/" + segment : segment;
  if (params !== undefined) return path + encodeQuery(params, undefined, "currentPath");
  return conn.queryString === "" ? path : `${path}?${conn.queryString}`;
}

/**
 * currentPath under the endpoint's url config (scheme, host, port), not the request's Host:
 * behind a proxy the request's host and scheme are not the ones the client used
 * (Phoenix.Controller.current_url).
 * @example currentUrl(conn) // "https://example.com/users/123?existing=param"
 */
export function currentUrl(conn: Conn, params?: Query): string {
  const endpoint = conn.private.endpoint as { url(): string } | undefined;
  if (!endpoint) throw new Error("currentUrl: the conn has not been through an endpoint (its url config gives the scheme and host)");
  return endpoint.url() + currentPath(conn, params);
}
