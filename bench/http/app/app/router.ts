// The bench app's routes: the endpoints every server in bench/http answers. Text and JSON go
// straight to their controllers (no pipeline); the HTML post page goes through a "browser"
// pipeline with the root and app layouts only (the peers serve it with template literals and
// no session). The catalogue page (GET/POST /page) goes through the whole pipeline a Phoenix
// browser page has, as the peers' page endpoints do with their own plugins: the body parsed,
// the cookie session fetched, the flash, CSRF protection, the secure browser headers and the
// page's two layouts.
import { defineRouter, fetchFlash, fetchSession, parsers, protectFromForgery, putLayout, putRootLayout, putSecureBrowserHeaders } from "fawkes";
import { session } from "./config.js";
import * as PageController from "./controllers/page-controller.js";
import * as UserController from "./controllers/user-controller.js";
import * as PostController from "./controllers/post-controller.js";
import * as CatalogueController from "./controllers/catalogue-controller.js";

export default defineRouter((r) => {
  r.pipeline("browser", (p) => {
    p.plug(putRootLayout, "layouts/root.html");
    p.plug(putLayout, "layouts/app.html");
  });
  r.pipeline("page", (p) => {
    // Plug.Parsers sits in a Phoenix endpoint; here in the pipeline, so that the other
    // endpoints do no more than before (the peers scope their body parsers to the page too).
    p.plug(parsers);
    p.plug(fetchSession, session);
    p.plug(fetchFlash);
    p.plug(protectFromForgery);
    p.plug(putSecureBrowserHeaders);
    p.plug(putRootLayout, "layouts/page_root.html");
    p.plug(putLayout, "layouts/page_app.html");
  });

  r.get("/", PageController, "index");
  r.get("/users/:id", UserController, "show");

  r.scope("/", () => {
    r.pipeThrough("browser");
    r.get("/users/:id/posts/:post_id", PostController, "show");
  });

  r.scope("/", () => {
    r.pipeThrough("page");
    r.get("/page", CatalogueController, "index");
    r.post("/page", CatalogueController, "create");
  });
});
