// The bench app's routes: the three endpoints every server in bench/http answers. Text and
// JSON go straight to their controllers (no pipeline); the HTML page goes through a
// "browser" pipeline with the root and app layouts, as a Phoenix page would (minus the
// session, CSRF and secure-headers plugs, which the peers would have no equivalent for).
import { defineRouter, putLayout, putRootLayout } from "fawkes";
import * as PageController from "./controllers/page-controller.js";
import * as UserController from "./controllers/user-controller.js";
import * as PostController from "./controllers/post-controller.js";

export default defineRouter((r) => {
  r.pipeline("browser", (p) => {
    p.plug(putRootLayout, "layouts/root.html");
    p.plug(putLayout, "layouts/app.html");
  });

  r.get("/", PageController, "index");
  r.get("/users/:id", UserController, "show");

  r.scope("/", () => {
    r.pipeThrough("browser");
    r.get("/users/:id/posts/:post_id", PostController, "show");
  });
});
