// "fawkes/testing": helpers for application tests. The HTTP runtime adds ConnTest and the
// channels layer ChannelTest; the router contributes `routeInfo`, Phoenix.Router.route_info.

import type { RouteMatch } from "../router/match.js";

export interface RouteInfoResult {
  /** The route's verb ("*" for match "*" and forward). */
  verb: string;
  /** The route's pattern, e.g. `/users/:id`. */
  route: string;
  /** Controller (or forward target) as written in the router. */
  plug: string;
  /** The action, or null for a forward. */
  plugOpts: string | null;
  pathParams: Readonly<Record<string, string | readonly string[]>>;
  pipeThrough: readonly string[];
  /** Where the route was declared (`app/router.ts:12:3`). */
  source: string;
}

/**
 * What a request would reach, as Phoenix.Router.route_info/4 reports it: pass the generated
 * `match` (from `.fawkes/matcher.gen.ts`). Returns null when no route matches.
 *
 * @example
 * import { match } from "../.fawkes/matcher.gen.js";
 * expect(routeInfo(match, "GET", "/users/1")).toMatchObject({ plug: "UserController", plugOpts: "show", pathParams: { id: "1" } });
 */
export function routeInfo(
  match: (method: string, url: string, host?: string) => RouteMatch | null,
  method: string,
  path: string,
  host = "",
): RouteInfoResult | null {
  const m = match(method.toUpperCase(), path, host);
  if (m === null) return null;
  return {
    verb: m.route.verb,
    route: m.route.path,
    plug: m.route.controller,
    plugOpts: m.route.action,
    pathParams: m.params,
    pipeThrough: m.route.pipeThrough,
    source: m.route.source,
  };
}

export {
  assertErrorSent,
  dispatch,
  get,
  post,
  put,
  patch,
  del,
  htmlResponse,
  textResponse,
  jsonResponse,
  redirectedParams,
  redirectedTo,
  recycleCookies,
  getRespHeader,
} from "./conn-test.js";
export type { SentError, TestRequest } from "./conn-test.js";
export {
  assertBroadcast,
  assertCrashed,
  assertPush,
  assertReply,
  broadcastFrom,
  close,
  connect,
  ConnectError,
  join,
  JoinError,
  leave,
  push,
  refuteBroadcast,
  refutePush,
  refuteReply,
  socket,
  subscribeAndJoin,
  TestChannel,
  TestSocket,
} from "./channel-test.js";
export type { ChannelTestOptions, ConnectOptions, Joined, PayloadMatch, PushRef, Wait } from "./channel-test.js";
