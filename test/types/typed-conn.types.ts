// Type tests of typed conns (issue 14), checked by `tsc --noEmit` in `npm test`: every
// `@ts-expect-error` line must be an error (tsc fails on an unused one), every other line must
// compile. The conns are the generated ones of fixtures/router/typed (its expected/actions.gen.ts,
// from its router and templates) and of the demo. Nothing here runs.

import { assign, Conn, putLayout, putRespHeader, putRootLayout, putStatus, putView, render, type ActionFor, type Plug, type PlugAssigns, type RenderCallOptions } from "fawkes";
import type { ActionConn, Actions } from "../../fixtures/router/typed/expected/actions.gen.js";
import type { ActionConn as DemoConn } from "../../fixtures/demo/.fawkes/actions.gen.js";
import * as PostController from "../../fixtures/router/typed/app/controllers/post.js";
import * as PageController from "../../fixtures/router/typed/app/controllers/page.js";
import { fetchCurrentUser, tagRequest, type User } from "../../fixtures/router/typed/app/plugs/auth.js";
import * as RequireRole from "../../fixtures/router/typed/app/plugs/require-role.js";

type Show = ActionConn<"post", "show">; // GET /users/:user_id/posts/:id and GET /posts/:id, browser layouts
type Print = ActionConn<"post", "print">; // GET /print/posts/:id, root layout only
type Home = ActionConn<"page", "home">;
type File = ActionConn<"page", "file">; // GET /files/*path

export function pathParams(show: Show, print: Print, file: File): unknown[] {
  const id: string = show.pathParams.id;
  // A key only some routes give is optional.
  const by: string | undefined = show.pathParams.user_id;
  // @ts-expect-error: GET /posts/:id gives no user_id, so it may be undefined
  const byRequired: string = show.pathParams.user_id;
  // @ts-expect-error: a param no route gives (the issue's `:mesenger`)
  const misspelt = show.pathParams.ids;
  // @ts-expect-error: GET /print/posts/:id has no user_id at all
  const none = print.pathParams.user_id;
  // A glob is a list of segments.
  const path: string = file.pathParams.path.join("/");
  // @ts-expect-error: a glob is not a string
  const pathString: string = file.pathParams.path;
  // params: the path params as the path gives them, anything else (query, body) unknown.
  const fromParams: string = show.params.id;
  // @ts-expect-error: a misspelt param read as a string (it is unknown: query or body)
  const typo: string = show.params.idd;
  // @ts-expect-error: user_id only some routes give, so in params it may come from the query
  const maybe: string = show.params.user_id;
  const query: unknown = show.params.page;
  // @ts-expect-error: pathParams are read-only
  show.pathParams.id = "1";
  return [id, by, byRequired, misspelt, none, path, pathString, fromParams, typo, maybe, query];
}

export function renders(show: Show, print: Print, home: Home, plain: Conn, maybeAlone: RenderCallOptions): Conn[] {
  return [
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t" }),
    // Without the format: every format of that name (here show.html) is checked.
    render(show, "show", { post: { id: "1", by: "a" }, title: "t" }),
    // A text template gets no layouts: no title needed.
    render(show, "summary.txt", { post: { id: "1" } }),
    // The layout's optional needs may be given.
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t", printedAt: "now" }),
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t" }, { layout: false }),
    // { layout: false } renders the template alone: the layouts' needs (title) are not asked for.
    render(show, "show.html", { post: { id: "1", by: "a" } }, { layout: false }),
    render(show, "show", { post: { id: "1", by: "a" } }, { layout: false }),
    // @ts-expect-error: alone, the template's own needs still hold (post)
    render(show, "show.html", { title: "t" }, { layout: false }),
    // @ts-expect-error: and their types
    render(show, "show.html", { post: { id: 1, by: "a" } }, { layout: false }),
    // A template without @type alone takes any assigns, or none.
    render(home, "loose.html", {}, { layout: false }),
    render(home, "loose.html", undefined, { layout: false }),
    // @ts-expect-error: options that may or may not drop the layouts ask for the layouts' needs
    render(show, "show.html", { post: { id: "1", by: "a" } }, maybeAlone),
    // @ts-expect-error: an assign missing at render (post)
    render(show, "show.html", { title: "t" }),
    // @ts-expect-error: a misspelt assign (psot)
    render(show, "show.html", { psot: { id: "1", by: "a" }, title: "t" }),
    // @ts-expect-error: an assign of the wrong type
    render(show, "show.html", { post: { id: 1, by: "a" }, title: "t" }),
    // @ts-expect-error: the layout's need missing (layouts/app.html's title)
    render(show, "show.html", { post: { id: "1", by: "a" } }),
    // @ts-expect-error: no assigns at all for a template that needs some
    render(show, "show.html"),
    // @ts-expect-error: a template name the view does not have
    render(show, "shw.html", { post: { id: "1", by: "a" }, title: "t" }),
    // @ts-expect-error: another view's template
    render(show, "home.html", { greeting: "hi", title: "t" }),
    // print goes through "bare" (putLayout false): only the root layout, no title needed.
    render(print, "show.html", { post: { id: "1", by: "a" } }),
    // @ts-expect-error: and the app layout's title is then an unknown assign
    render(print, "show.html", { post: { id: "1", by: "a" }, title: "t" }),
    // What render gives itself (flash, conn) is never asked for.
    render(home, "home.html", { greeting: "hi", title: "t" }),
    // A template without @type stays loose, but the layouts' needs still hold.
    render(home, "loose.html", { anything: 1, title: "t" }),
    // @ts-expect-error: the layout's title is missing
    render(home, "loose.html", { anything: 1 }),
    // A plain Conn stays as loose as it always was.
    render(plain, "whatever.html", { anything: 1 }),
    render(plain, "whatever"),
    render(plain, `dynamic-${String(Date.now())}.json`, {}),
  ];
}

export function chains(show: Show): Conn[] {
  return [
    // putStatus, assign, putRespHeader and halt return the conn as typed: render still checks.
    render(putStatus(show, 404), "show.html", { post: { id: "1", by: "a" }, title: "t" }),
    render(assign(putRespHeader(show, "x-a", "1"), "k", 1), "summary.txt", { post: { id: "1" } }),
    // @ts-expect-error: the typed conn survives putStatus, so a missing assign is still an error
    render(putStatus(show, 404), "show.html", { title: "t" }),
  ];
}

export function conns(show: Show): Conn[] {
  // A typed conn is a Conn: every plug and response function takes it.
  const asConn: Conn = show;
  // @ts-expect-error: a plain Conn is not a typed one (its params are not known)
  const typed: Show = new Conn({ method: "GET", url: "/" });
  return [asConn, typed];
}

type Desk = ActionConn<"page", "desk">; // GET /staff/desk: staff (browser, RequireRole)

// Assigns put by plugs: fetchCurrentUser declares `Plug<void, { currentUser: User | null }>`,
// RequireRole's call returns `Assigned<{ role: string }>`, tagRequest declares nothing.
export function plugAssigns(show: Show, print: Print, home: Home, desk: Desk): unknown[] {
  // The conn of an action behind browser has currentUser, typed.
  const user: User | null = show.assigns.currentUser;
  // @ts-expect-error: it may be null, as the plug declares
  const name: string = show.assigns.currentUser.name;
  // @ts-expect-error: a key no plug declares is unknown (tagRequest's requestTag: an untyped plug stays untyped)
  const tag: string = show.assigns.requestTag;
  // An inline plug's assigns (print: pipeThrough("bare", [RequireRole, ...])) and a module plug's.
  const printRole: string = print.assigns.role;
  const deskRole: string = desk.assigns.role;
  // @ts-expect-error: home is reached through browser and through staff: only staff's plugs assign role
  const homeRole: string = home.assigns.role;
  // Both of home's routes assign currentUser: it is known.
  const homeUser: User | null = home.assigns.currentUser;
  // @ts-expect-error: show's pipelines do not plug RequireRole
  const showRole: string = show.assigns.role;
  return [user, name, tag, printRole, deskRole, homeRole, homeUser, showRole];
}

export function plugRenders(show: Show, home: Home, desk: Desk, user: User): Conn[] {
  return [
    // layouts/app.html needs currentUser: the browser pipeline's plug puts it, render does not ask.
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t" }),
    render(home, "home.html", { greeting: "hi", title: "t" }),
    // It may still be passed (render's assigns win the merge), with the layout's type.
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t", currentUser: user }),
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t", currentUser: null }),
    // @ts-expect-error: a plug-provided key passed with the wrong type
    render(show, "show.html", { post: { id: "1", by: "a" }, title: "t", currentUser: "bob" }),
    // @ts-expect-error: an assign no plug provides is still required (the layout's title)
    render(show, "show.html", { post: { id: "1", by: "a" } }),
    // desk.html needs a currentUser that is not null, and the plug's may be: still asked for.
    render(desk, "desk.html", { currentUser: user, note: "n", title: "t" }),
    // @ts-expect-error: the plug's User | null is not the template's User
    render(desk, "desk.html", { note: "n", title: "t" }),
    // desk.html's role is RequireRole's: not asked for.
    render(desk, "desk.html", { currentUser: user, note: "n" }, { layout: false }),
    // @ts-expect-error: nor is it a number
    render(desk, "desk.html", { currentUser: user, note: "n", role: 1 }, { layout: false }),
  ];
}

// A layout or view put in the action, with a literal: render the conn putLayout/putView returns,
// and it checks that layout's needs (that view's templates).
export function puts(show: Show, print: Print, plain: Conn, dynamic: string): unknown[] {
  const post = { id: "1", by: "a" };
  return [
    // layouts/print.html replaces layouts/app.html: its printer is needed, app's title no more.
    render(putLayout(show, "layouts/print.html"), "show.html", { post, printer: "p" }),
    // @ts-expect-error: layouts/print.html needs printer
    render(putLayout(show, "layouts/print.html"), "show.html", { post }),
    // @ts-expect-error: and app's title is now an unknown assign
    render(putLayout(show, "layouts/print.html"), "show.html", { post, printer: "p", title: "t" }),
    // No app layout: only the root's needs (none required).
    render(putLayout(show, false), "show.html", { post }),
    // @ts-expect-error: the template's own needs still hold
    render(putLayout(show, false), "show.html", {}),
    // print has no app layout (bare): putting one asks for its needs.
    render(putLayout(print, "layouts/app.html"), "show.html", { post, title: "t" }),
    // @ts-expect-error: layouts/app.html's title
    render(putLayout(print, "layouts/app.html"), "show.html", { post }),
    // The root layout dropped: its printedAt is unknown.
    render(putRootLayout(print, false), "show.html", { post }),
    // @ts-expect-error: printedAt belongs to the root layout, now gone
    render(putRootLayout(print, false), "show.html", { post, printedAt: "now" }),
    // @ts-expect-error: a layout name no template has
    render(putLayout(show, "layouts/nope.html"), "show.html", { post }),
    // A name known only at run time: that layout's needs are not checked.
    render(putLayout(show, dynamic), "show.html", { post }),
    // putView: the other view's templates.
    render(putView(show, "page"), "home.html", { greeting: "hi", title: "t" }),
    // @ts-expect-error: post's show.html is not page's
    render(putView(show, "page"), "show.html", { post, title: "t" }),
    // The path params and the plugs' assigns survive.
    putLayout(show, "layouts/print.html").pathParams.id satisfies string,
    putView(show, "page").assigns.currentUser satisfies User | null,
    // A plain Conn stays loose.
    render(putLayout(plain, "layouts/print.html"), "anything.html", { x: 1 }),
  ];
}

// What a plug declares, as the generated actions.gen.ts reads it.
export const declared: [PlugAssigns<typeof fetchCurrentUser>, PlugAssigns<typeof RequireRole>, PlugAssigns<typeof tagRequest>] = [
  { currentUser: null },
  { role: "r" },
  {},
];
// @ts-expect-error: fetchCurrentUser declares currentUser
export const wrongDeclared: PlugAssigns<typeof fetchCurrentUser> = { currentUser: 1 };
// @ts-expect-error: a plug that declares nothing has no known keys
export const nothingDeclared: PlugAssigns<typeof tagRequest>["requestTag"] = "t";
// A typed plug is a plug: it may return the conn as is (declared, not checked at run time).
export const typedPlug: Plug<{ realm: string }, { realm: string }> = (conn, options) => assign(conn, "realm", options.realm);

// The dispatch's check (dispatch.gen.ts: `handler: X.show satisfies ActionFor<...>`): a handler
// must accept the conn its routes give.
export const handlers = [
  PostController.show satisfies ActionFor<Actions["post"]["show"]>,
  // A plain-Conn action accepts every action's conn (unannotated controllers compile as today).
  ((conn: Conn) => conn) satisfies ActionFor<Actions["post"]["show"]>,
  // An action that reads fewer params than its routes give is fine (it reads :id, show's routes give it and more).
  ((conn: Conn & { pathParams: { readonly id: string } }) => conn) satisfies ActionFor<Actions["post"]["show"]>,
  // @ts-expect-error: print's conn has role (RequireRole, inline in its pipeThrough); show's routes' plugs do not assign it
  PostController.print satisfies ActionFor<Actions["post"]["show"]>,
  // @ts-expect-error: an action of another view (it would render page's templates, the conn renders post's)
  PageController.home satisfies ActionFor<Actions["post"]["print"]>,
  // @ts-expect-error: an action annotated with another action's params (show needs :id, / gives none)
  PostController.show satisfies ActionFor<Actions["page"]["home"]>,
  // @ts-expect-error: print reads :id, and GET /files/*path gives none
  PostController.print satisfies ActionFor<Actions["page"]["file"]>,
];

// The demo: the scenario, with the demo's own routes and templates.
export function demo(user: DemoConn<"user", "show">, chat: DemoConn<"chat", "index">): Conn[] {
  return [
    // @ts-expect-error: the demo's users/:id gives no messenger
    render(user, "show.html", { user: { id: 1, name: "a", email: "e" }, title: user.pathParams.messenger }),
    // @ts-expect-error: show.html needs user
    render(user, "show.html", { title: "a" }),
    render(user, "show.html", { user: { id: 1, name: "a", email: "e" } }),
    // new.html declares no assigns: its form calls Routes and csrfToken() itself.
    render(user, "new.html"),
    render(chat, "index.html", { name: "n", userToken: "t", title: "Chat" }),
    // @ts-expect-error: the root layout's title is a string
    render(chat, "index.html", { name: "n", userToken: "t", title: 1 }),
  ];
}

// The demo's putBrowserAssign declares `kind` (its return type): the actions behind browser and api have it.
export function demoAssigns(user: DemoConn<"user", "show">, status: DemoConn<"api/status", "show">): string[] {
  // @ts-expect-error: a key no plug of the demo declares
  const missing: string = user.assigns.currentUser;
  return [user.assigns.kind, status.assigns.kind, missing];
}
