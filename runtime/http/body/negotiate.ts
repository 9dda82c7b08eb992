// Content negotiation (Phoenix.Controller.accepts/2) and method override (Plug.MethodOverride).

import Negotiator from "negotiator";
import { lookup } from "mrmime";

/**
 * Picks the format to answer in, from the Accept header and the formats an action can render
 * ("html", "json", "txt", ... mapped to media types with mrmime; a full media type such as
 * "application/vnd.api+json" is used as given). Follows q-values and specificity (negotiator);
 * no header, or `*\/*`, chooses the first format. Returns undefined when none is acceptable:
 * the caller answers 406, as Phoenix raises Phoenix.NotAcceptableError.
 *
 * A `_format` param (`/posts?_format=json`) overrides the header in Phoenix; that check is the
 * caller's, done before calling this: `formats.includes(params._format) ? params._format : accepts(...)`.
 *
 * @example
 * accepts("text/html,application/xhtml+xml,*\/*;q=0.8", ["json", "html"]) // "html"
 * accepts("application/json", ["html"]) // undefined → 406
 */
export function accepts(acceptHeader: string | undefined, formats: readonly string[]): string | undefined {
  if (formats.length === 0) return undefined;
  const header = acceptHeader?.trim();
  if (!header) return formats[0];
  const byType = new Map<string, string>();
  for (const format of formats) {
    const type = format.includes("/") ? format.toLowerCase() : lookup(format);
    if (type === undefined) {
      throw new TypeError(`accepts: unknown format ${JSON.stringify(format)}; use an extension mrmime knows (html, json, txt, ...) or a media type`);
    }
    if (!byType.has(type)) byType.set(type, format);
  }
  const best = new Negotiator({ headers: { accept: header } }).mediaType([...byType.keys()]);
  return best === undefined ? undefined : byType.get(best);
}

const OVERRIDABLE = new Set(["DELETE", "PUT", "PATCH"]);

/**
 * The method to route by: a POST whose body params carry `_method` set to DELETE, PUT or PATCH
 * (any case) becomes that method; any other request keeps its own (Plug.MethodOverride: HTML
 * forms can only send GET and POST). Pass the parsed body params, not the query string.
 *
 * @example
 * methodOverride("POST", { _method: "delete" }) // "DELETE"
 * methodOverride("GET", { _method: "DELETE" })  // "GET"
 */
export function methodOverride(method: string, bodyParams: Readonly<Record<string, unknown>>): string {
  if (method.toUpperCase() !== "POST") return method;
  const override = bodyParams._method;
  if (typeof override !== "string") return method;
  const upper = override.toUpperCase();
  return OVERRIDABLE.has(upper) ? upper : method;
}
