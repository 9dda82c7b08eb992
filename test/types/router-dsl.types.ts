// Type tests for the router DSL, checked by `tsc --noEmit` in `npm test`: every `@ts-expect-error`
// line must be an error (tsc fails on an unused one), every other line must compile. Nothing here
// runs. Helpers: helpers.types.ts.

import { defineRouter, type Conn } from "fawkes";

const action = (conn: Conn) => conn;
const UserController = { index: action, show: action, edit: action, new: action, create: action, update: action, delete: action };

// `as: false`: no helper (Phoenix's `as: nil`), on a route and a resource; `helpers: false` on a scope.
export const noHelpers = defineRouter((r) => {
  r.get("/profile", UserController, "show", { as: false });
  r.match("*", "/any", UserController, "index", { as: false });
  r.resources("/members", UserController, { as: false });
  r.resources("/people", UserController, { only: ["index"], as: false }, () => {});
  r.scope("/api", { helpers: false }, () => {});
  r.scope("/reset", { as: false }, () => {});

  // @ts-expect-error: as is a name or false
  r.get("/x", UserController, "show", { as: true });
  // @ts-expect-error: as is a name or false, for resources too
  r.resources("/y", UserController, { as: 1 });
  // @ts-expect-error: helpers: true is the default, only false says something
  r.scope("/z", { helpers: true }, () => {});
});

// Module plugs (an object or namespace with call, and optionally init) wherever a plug goes.
declare function requireUser(conn: Conn): Conn;
declare function requireRole(conn: Conn, options: { role: string }): Conn;
const Audit = { call: (conn: Conn, options: { log: string[] }) => conn };
const RequireRole = {
  init: (options: { role: string }) => new Set([options.role]),
  call: (conn: Conn, roles: Set<string>) => (roles.size ? conn : conn),
};

export const plugs = defineRouter((r) => {
  r.pipeline("browser", (p) => {
    p.plug(requireUser);
    p.plug((conn) => conn);
    p.plug(requireRole, { role: "admin" });
    p.plug(Audit, { log: [] });
    p.plug(RequireRole, { role: "admin" });
    // @ts-expect-error: a module plug's options are its init's
    p.plug(RequireRole, new Set(["admin"]));
    // @ts-expect-error: and without init, its call's
    p.plug(Audit, { log: "x" });
    // @ts-expect-error: a function plug's options are its second parameter
    p.plug(requireRole, { role: 1 });
    // @ts-expect-error: a plug is a function or has call
    p.plug({ init: () => 1 });
  });
  r.pipeline("admin", (p) => {
    // A pipeline plugs another pipeline by name, as Phoenix's `plug :browser`.
    p.plug("browser");
  });

  r.pipeThrough("browser");
  r.pipeThrough(["browser", "admin"]);
  r.pipeThrough("browser", requireUser, Audit, [requireRole, { role: "admin" }], [RequireRole, { role: "owner" }], (conn) => conn);
  // @ts-expect-error: the options of a pair are the plug's
  r.pipeThrough([requireRole, { role: 1 }]);
  // @ts-expect-error: a pair starts with a plug
  r.pipeThrough(["browser", "admin"], "api");
  // @ts-expect-error: 42 is no plug
  r.pipeThrough("browser", 42);

  // Routes to plugs, as Phoenix's `get "/plug", SomePlug, opts`.
  r.get("/audit", Audit, { log: [] });
  r.post("/role", RequireRole, { role: "admin" }, { private: { x: 1 } });
  r.get("/fn", requireUser);
  r.match("*", "/any", requireRole, { role: "admin" });
  r.get("/user", UserController, "show");
  // @ts-expect-error: the options are the plug's
  r.get("/role2", RequireRole, { role: 2 });
  // @ts-expect-error: a route to a plug has no helper name
  r.get("/role3", RequireRole, { role: "x" }, { as: "role" });
  r.get("/role4", RequireRole, { role: "x" }, { as: false });
  // @ts-expect-error: still no such action on a controller
  r.get("/nope", UserController, "nope");

  r.forward("/admin", RequireRole, { role: "admin" });
  r.forward("/audit", Audit, { log: [] });
  // @ts-expect-error: a forward's options are the target's
  r.forward("/audit2", Audit, { log: 1 });
});
