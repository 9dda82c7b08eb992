// Phoenix.Controller's response functions: text, json, html, redirect, render (a view's
// template inside the layouts), and the view/layout settings render reads.

import { renderToString } from "../views/render.js";
import { renderChannel, traced } from "./telemetry.js";
import { accepts } from "./body/negotiate.js";
import { escapeHtml } from "../templates/escape.js";
import { type Conn, putRespContentType, putRespHeader, resp } from "./conn.js";

/** The flash of a conn that fetched none: shared, never written to. */
const NO_FLASH: Record<string, string> = Object.freeze({}) as Record<string, string>;

// The content types of text/json/html, built once rather than per response.
const TEXT_PLAIN = "text/plain; charset=utf-8";
const APPLICATION_JSON = "application/json; charset=utf-8";
const TEXT_HTML = "text/html; charset=utf-8";

/** Sends plain text (status defaults to 200, or what putStatus set). */
export function text(conn: Conn, body: string): Conn {
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = TEXT_PLAIN;
  return resp(conn, conn.status ?? 200, body);
}

/** Sends JSON. */
export function json(conn: Conn, data: unknown): Conn {
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = APPLICATION_JSON;
  return resp(conn, conn.status ?? 200, JSON.stringify(data));
}

/** Sends HTML as is (no layout). */
export function html(conn: Conn, body: string): Conn {
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = TEXT_HTML;
  return resp(conn, conn.status ?? 200, body);
}

/**
 * Redirects: `{ to: "/local/path" }` only accepts a local path (no scheme, no "//host"), so a
 * user-supplied value cannot send visitors elsewhere; `{ external: "https://..." }` for others.
 */
export function redirect(conn: Conn, target: { to: string } | { external: string }): Conn {
  let url: string;
  if ("to" in target) {
    if (!/^\/(?![/\\])/.test(target.to)) {
      throw new TypeError(`redirect to: expects a path starting with "/" (got ${JSON.stringify(target.to)}); use { external: url } for other hosts`);
    }
    url = target.to;
  } else url = target.external;
  putRespHeader(conn, "location", url);
  putRespContentType(conn, "text/html");
  return resp(conn, conn.status && conn.status >= 300 && conn.status < 400 ? conn.status : 302, `<html><body>You are being <a href="${escapeHtml(url)}">redirected</a>.</body></html>`);
}

/** The view templates are looked up in (default: from the controller, UserController → "user"). */
export function putView(conn: Conn, view: string): Conn {
  conn.private.view = view;
  return conn;
}

/** The app layout (`"layouts/app.html"`), or false for none. */
export function putLayout(conn: Conn, layout: string | false): Conn {
  conn.private.layout = layout;
  return conn;
}

/** The root layout (`"layouts/root.html"`), or false for none. */
export function putRootLayout(conn: Conn, layout: string | false): Conn {
  conn.private.rootLayout = layout;
  return conn;
}

/**
 * Renders a template of the conn's view with `assigns` (merged over `conn.assigns`), inside the
 * app and root layouts for HTML. `"show"` without a format takes the request's format
 * (`_format` param, else html).
 *
 * @example render(conn, "show.html", { user })
 */
export function render(conn: Conn, template: string, assigns: Record<string, unknown> = {}, options: { layout?: false } = {}): Conn {
  const viewSet = conn.private.views as Parameters<typeof renderToString>[0] | undefined;
  if (!viewSet) throw new Error("render: this endpoint has no views; pass { views: { templates } } to defineEndpoint");
  const name = /\.[a-z0-9]+$/i.test(template) ? template : `${template}.${formatOf(conn)}`;
  const view = (conn.private.view as string | undefined) ?? viewOf(conn.route?.controller ?? "");
  const html = name.endsWith(".html");
  // Layouts and templates see `flash` (Phoenix's @flash) and the conn, besides the assigns.
  // One object, filled with Object.assign: spreading spread objects is slow on Node 20 (~1 µs each).
  const all: Record<string, unknown> = Object.assign({ flash: conn.private.flash ?? NO_FLASH }, conn.assigns, assigns);
  all.conn = conn;
  const layouts = {
    layout: options.layout === false || !html ? false : ((conn.private.layout as string | false | undefined) ?? false),
    rootLayout: options.layout === false || !html ? false : ((conn.private.rootLayout as string | false | undefined) ?? false),
  };
  // The telemetry event (and its closure) only when someone listens.
  const body = renderChannel.hasSubscribers
    ? traced(renderChannel, { conn, view, template: name, format: name.slice(name.lastIndexOf(".") + 1) }, () => renderToString(viewSet, view, name, all, layouts))
    : renderToString(viewSet, view, name, all, layouts);
  if (!conn.respHeaders["content-type"]) conn.respHeaders["content-type"] = html ? TEXT_HTML : name.endsWith(".json") ? APPLICATION_JSON : TEXT_PLAIN;
  return resp(conn, conn.status ?? 200, body);
}

function formatOf(conn: Conn): string {
  const f = conn.params._format ?? conn.private.format;
  return typeof f === "string" && /^[a-z0-9]+$/i.test(f) ? f : "html";
}

const views = new Map<string, string>();

/** Phoenix's convention: `UserController` → `user`, `Admin.UserController` → `user` (cached: it runs per render). */
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
  const quoted = options.filename.replace(/["\\]/g, "_");
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
