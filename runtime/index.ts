// The runtime entry: what applications and generated code import from "fawkes".
// It never imports the compiler or any build-time package (a test walks the imports).

export { defineRouter } from "./router/dsl.js";
export type {
  ActionOf,
  Controller,
  ForwardTarget,
  PipelineBuilder,
  PipeThroughItem,
  ResourceAction,
  ResourceOptions,
  RouteOptions,
  RouterBuilder,
  RouterDefinition,
  RouteFn,
  ScopeOptions,
  Verb,
} from "./router/dsl.js";
export { collectRouter, RouterDefinitionError } from "./router/collect.js";
export type { CollectedCall, CollectedRouter } from "./router/collect.js";
export type { ModulePlug, Plug, PlugAssigns, PlugLike, PlugOptions, PlugSpec } from "./plug/plug.js";
export { decodePath, MalformedURIError } from "./router/match.js";
export type { RouteInfo, RouteMatch } from "./router/match.js";
export {
  encodeQuery,
  encodeSegment,
  encodeWwwForm,
  globPath,
  globSegments,
  isQueryArg,
  joinUrl,
  mountedPath,
  mountedUrl,
  prefixPath,
  segment,
  toParam,
  unknownAction,
} from "./router/url.js";
export type { ConnContext, MountInfo, ParamValue, PathContext, Query, QueryValue, RouterScripts, UrlContext } from "./router/url.js";
export { p } from "./router/verified.js";
export type { PathInterpolation, VerifiedPath, VerifiedPathTag } from "./router/verified.js";
export { pipelinePlugs, verifyCollected } from "./router/dispatch.js";
export type { DispatchEntry, ExpectedCall } from "./router/dispatch.js";
export { escapeHtml } from "./templates/escape.js";
export { TemplateRegistry, TemplateNotFoundError, mergeData } from "./templates/registry.js";
export type { TemplateFn, AsyncTemplateFn, TemplateOptions } from "./templates/registry.js";
export { renderToString, ViewNotFoundError } from "./views/render.js";
export type { RenderOptions, ViewFunctions, ViewSet } from "./views/render.js";
export { TemplateError, templateError } from "./templates/errors.js";
export { checkAssigns, missingAssign, MissingAssignError } from "./templates/assigns.js";
export type { DeclaredAssigns } from "./templates/assigns.js";
export { renderSlot, noCapture } from "./templates/components.js";
export type { Slot, Capture } from "./templates/components.js";
export { Conn, beforeSend, halt, assign, resp, putRespHeader, putStatus, putRespContentType } from "./plug/conn.js";
export type { Assigned, AssignedOf, ConnInit, Params, RendersOf, RouteParams, TypedConn } from "./plug/conn.js";
export { defineEndpoint, Endpoint, PlugReturnError } from "./endpoint/endpoint.js";
export type { ControllerModule, ControllerPlug, EndpointConfig, EndpointOptions, EndpointPlug, ListenOptions, Listener, RouterModules } from "./endpoint/endpoint.js";
export { workerCount } from "./endpoint/workers.js";
export type { WorkersOption } from "./endpoint/workers.js";
export { redisPubSub } from "./pubsub/redis.js";
export type { RedisPubSubOptions } from "./pubsub/redis.js";
export { clusterPubSub } from "./pubsub/cluster.js";
export type { AdapterContext } from "./pubsub/pubsub.js";
export { acceptsFormats, currentPath, currentUrl, html, json, putLayout, putRootLayout, putView, redirect, render, sendDownload, text } from "./http/controller.js";
export { templateCsrfToken, templateFlash } from "./http/template-helpers.js";
export type { FlashKey } from "./http/template-helpers.js";
export type { ActionFor, RenderAloneAssigns, RenderArgs, RenderCallOptions, RenderProvided, TemplateName, ViewRenders, LayoutName, WithPut } from "./http/controller.js";
export { statusCode } from "./plug/status.js";
export type { Status, StatusName } from "./plug/status.js";
export { requestId } from "./http/request-id.js";
export type { RequestIdOptions } from "./http/request-id.js";
export { parsers, methodOverride, serveStatic } from "./http/plugs.js";
export {
  clearFlash,
  clearSession,
  deleteSession,
  fetchFlash,
  fetchSession,
  getCsrfToken,
  getFlash,
  getSession,
  InvalidCsrfTokenError,
  protectFromForgery,
  putFlash,
  putSecureBrowserHeaders,
  putSession,
} from "./http/session.js";
export type { SessionOptions } from "./http/session.js";
export { CookieOverflowError, deleteRespCookie, fetchCookies, putRespCookie } from "./http/cookies.js";
export type { CookieOptions, FetchCookiesOptions } from "./http/cookies.js";
export { Token } from "./http/crypto/index.js";
export type { TokenResult, TokenError } from "./http/crypto/index.js";
export { accepts, HttpError } from "./http/body/index.js";
export { staticPath, loadManifest } from "./http/static/index.js";
export { attachLogger, dispatchChannel, endpointChannel, errorChannel, renderChannel } from "./http/telemetry.js";
export type { DispatchEvent, RenderEvent } from "./http/telemetry.js";
export {
  Broadcast,
  ChannelSocket,
  defineChannel,
  defineSocket,
  error,
  FrameError,
  ok,
  PubSub,
  reply,
  Socket,
  socket,
  stop,
} from "./channels/index.js";
export type {
  Assigns,
  Channel,
  ChannelDefinition,
  CheckOrigin,
  ConnectInfo,
  HandleInClause,
  HandleInClauses,
  InResult,
  LongPollOptions,
  Message,
  Payload,
  PubSubAdapter,
  PubSubOptions,
  Reply,
  SocketDefinition,
  SocketMount,
  SocketOptions,
  SocketRef,
  Stop,
  StopReason,
  Subscriber,
  UserSocket,
  WebSocketOptions,
} from "./channels/index.js";
export { definePresence, Presence, PresenceNode } from "./presence/index.js";
export type { PresenceDiff, PresenceHost, PresenceMeta, PresenceNodeOptions, PresenceOptions, Presences, TrackResult } from "./presence/index.js";
