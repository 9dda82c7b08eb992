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
