// Error responses, as Phoenix's error views render them: the status' reason phrase as HTML, or
// `{"errors":{"detail":...}}` as JSON, in the format the request's pipeline speaks (see
// _error-format.ts); an app overrides either with its own error view (error/404.json...). With `debugErrors` (development only) the
// page shows the error with its stack, and for a 404 every route, like Phoenix's debugger. Stack
// frames in generated code name the router or template line they came from (stack.ts).

import { STATUS_CODES } from "node:http";
import { Conn, putRespContentType, resp } from "./conn.js";
import type { DispatchEntry } from "../router/dispatch.js";
import type { ViewSet } from "../views/render.js";
import { mapStack } from "./stack.js";
import { errorChannel } from "./telemetry.js";
import { escapeHtml } from "../templates/escape.js";
import { lookup } from "mrmime";
import { errorFormat, type Routed } from "./_error-format.js";

/** The endpoint as error pages need it (the endpoint sits above http and passes itself). */
export interface ErrorEndpoint extends Routed {
  readonly config: { readonly debugErrors?: boolean };
  readonly views: ViewSet | undefined;
  routes(): readonly DispatchEntry[];
}

export function renderError(conn: Conn, status: number, error: unknown, endpoint: ErrorEndpoint): Conn {
  const reason = STATUS_CODES[status] ?? "Error";
  if (errorChannel.hasSubscribers) errorChannel.publish({ conn, status, kind: error === null ? "no_route" : "error", reason: error });
  // What ConnTest's assertErrorSent looks for: this response is the endpoint's answer to an error.
  conn.private.errorSent = { status, error };
  // Start from a clean response: whatever a failed action set is discarded.
  for (const k of Object.keys(conn.respHeaders)) delete conn.respHeaders[k];
  // ...except the request id, which is what ties this error to its log line.
  if (typeof conn.private.requestIdHeader === "string") conn.respHeaders[conn.private.requestIdHeader.toLowerCase()] = conn.private.requestId as string;
  conn.state = "unset";
  conn.halted = true;
  // An error may carry headers: a body refused half-read sends `connection: close`, or the
  // keep-alive connection would be left with unread bytes.
  const headers = (error as { headers?: Record<string, string> } | null)?.headers;
  if (headers && typeof headers === "object") for (const [k, v] of Object.entries(headers)) conn.respHeaders[k.toLowerCase()] = v;
  const format = errorFormat(conn, endpoint);
  const assigns = { status, reason, conn };
  if (format !== "html") {
    const own = errorView(endpoint, `${status}.${format}`, assigns);
    if (own !== undefined) {
      conn.respHeaders["content-type"] = format === "json" ? "application/json; charset=utf-8" : `${lookup(format) ?? "text/plain"}; charset=utf-8`;
      return resp(conn, status, own);
    }
    if (format === "json") {
      // Phoenix's ErrorJSON: %{errors: %{detail: "Not Found"}}.
      putRespContentType(conn, "application/json");
      conn.respHeaders["x-content-type-options"] = "nosniff";
      return resp(conn, status, JSON.stringify({ errors: { detail: reason } }));
    }
  }
  putRespContentType(conn, "text/html");
  if (!endpoint.config.debugErrors) {
    // The app's own error page when it has one: app/templates/error/<status>.html.eta.
    const own = errorView(endpoint, `${status}.html`, assigns);
    if (own !== undefined) return resp(conn, status, own);
    return resp(conn, status, `<!DOCTYPE html><html><head><title>${reason}</title></head><body><h1>${reason}</h1></body></html>\n`);
  }
  return resp(conn, status, debugPage(conn, status, reason, error, endpoint));
}

/**
 * The app's error view for `name` ("404.json", "500.html"), rendered: a template
 * (`app/templates/error/404.json.eta`) or a plain view function
 * (`views.functions.error["404.json"]`, whose data is encoded as JSON). Undefined when the app
 * has none, or when it throws (the built-in page is answered instead).
 */
function errorView(endpoint: ErrorEndpoint, name: string, assigns: Record<string, unknown>): string | undefined {
  const views = endpoint.views;
  const template = views?.templates[`error/${name}`];
  const fn = views?.functions?.error?.[name];
  try {
    if (template) return template(assigns);
    if (!fn) return undefined;
    const value = fn(assigns);
    return typeof value === "string" && !name.endsWith(".json") ? value : JSON.stringify(value);
  } catch {
    return undefined;
  }
}

const esc = escapeHtml;

function debugPage(conn: Conn, status: number, reason: string, error: unknown, endpoint: ErrorEndpoint): string {
  const title = status === 404 && !error ? `no route found for ${conn.method} ${conn.requestPath}` : error instanceof Error ? `${error.name}: ${error.message}` : reason;
  const stack = error instanceof Error ? debugStack(error) : "";
  // Where in the app's own sources: the route (router line) and, for a template, its line.
  const where: string[] = [];
  if (conn.route) where.push(`Route: ${conn.route.verb} ${conn.route.path} → ${conn.route.controller}${conn.route.action ? "." + conn.route.action : ""} (${conn.route.source})`);
  const template = error as { template?: unknown; line?: unknown } | null;
  if (template && typeof template.template === "string" && typeof template.line === "number") where.push(`Template: ${template.template}:${template.line}`);
  const origin = where.length ? `<ul>${where.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : "";
  const routes =
    status === 404
      ? `<h2>Routes</h2><table>${endpoint
          .routes()
          .map((d) => `<tr><td>${esc(d.route.helper ?? "")}</td><td>${d.route.verb}</td><td>${esc(d.route.path)}</td><td>${esc(d.route.controller)}${d.route.action ? "." + esc(d.route.action) : ""}</td><td>${esc(d.route.source)}</td></tr>`)
          .join("")}</table>`
      : "";
  return `<!DOCTYPE html><html><head><title>${status} ${esc(reason)}</title></head><body><h1>${status} ${esc(reason)}</h1><p>${esc(title)}</p>${origin}${stack}${routes}</body></html>\n`;
}

// How many causes deep the page follows `error.cause`: a TemplateError's cause holds the frame
// of the template line that threw; chains longer than this are rare and would bury the page.
const MAX_CAUSES = 4;

/** The stack of `error` and of its causes, one line each; a frame in generated code gets `→ origin`. */
function debugStack(error: Error): string {
  const out: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e) && seen.size <= MAX_CAUSES; e = e.cause) {
    seen.add(e);
    if (!e.stack) continue;
    if (e !== error) out.push("Caused by: ");
    for (const { text, origin } of mapStack(e.stack)) {
      out.push(origin ? `${esc(text)}  <span class="origin">→ ${esc(origin)}</span>\n` : `${esc(text)}\n`);
    }
  }
  return out.length ? `<pre>${out.join("")}</pre>` : "";
}
