// check_origin, as Phoenix does it for socket connections: a request with no Origin header
// passes (non-browser clients); otherwise the origin must match the endpoint's url host
// (`true`), one of a list of patterns ("//example.com", "https://*.example.com:443"), the
// request's own host (`"conn"`), or a predicate. `false` turns the check off.

import { parseHostHeader } from "../plug/conn.js";

export type CheckOrigin = boolean | "conn" | readonly string[] | ((origin: URL) => boolean);

interface Allowed {
  scheme: string | null;
  host: string;
  port: string | null;
  wildcard: boolean;
}

const cache = new WeakMap<readonly string[], Allowed[]>();

export function originAllowed(check: CheckOrigin, origin: string | undefined, endpointHost: string, requestHost: string | undefined, requestScheme: string): boolean {
  if (check === false || origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (typeof check === "function") return check(url);
  if (check === true) return url.hostname === endpointHost;
  if (check === "conn") {
    const { host, port } = parseHostHeader(requestHost, requestScheme);
    return url.hostname === host && url.protocol === `${requestScheme}:` && portOf(url) === String(port);
  }
  let allowed = cache.get(check);
  if (!allowed) cache.set(check, (allowed = check.map(parsePattern)));
  return allowed.some((a) => matches(a, url));
}

function parsePattern(pattern: string): Allowed {
  const url = new URL(pattern.startsWith("//") ? `http:${pattern}` : pattern);
  const wildcard = url.hostname.startsWith("*.");
  return {
    scheme: pattern.startsWith("//") ? null : url.protocol.slice(0, -1),
    host: wildcard ? url.hostname.slice(2) : url.hostname,
    port: url.port === "" ? null : url.port,
    wildcard,
  };
}

function matches(a: Allowed, url: URL): boolean {
  if (a.scheme !== null && url.protocol !== `${a.scheme}:`) return false;
  if (a.port !== null && portOf(url) !== a.port) return false;
  return a.wildcard ? url.hostname === a.host || url.hostname.endsWith(`.${a.host}`) : url.hostname === a.host;
}

function portOf(url: URL): string {
  return url.port || defaultPort(url.protocol.slice(0, -1));
}

function defaultPort(scheme: string): string {
  return scheme === "https" || scheme === "wss" ? "443" : "80";
}
