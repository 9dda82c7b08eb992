// Express 5 with its defaults kept (weak ETag computed per response, X-Powered-By), as in
// /work/shared/reference/perf-macro.md. res.type() because res.send(string) defaults to HTML.
// The page endpoint (GET/POST /page) is a Router mounted at /page, so none of its middleware
// runs for the other endpoints: cookie-session (the session in a signed cookie: the cookie
// store Express's docs name beside express-session, whose own store is server-side and whose
// MemoryStore is "not designed for a production environment"; Phoenix and Fawkes keep the
// session in the cookie too), helmet (Phoenix's four headers: page-stack.mjs),
// express.urlencoded for the form, connect-flash on the session, csrf-sync (the synchronizer
// token pattern, its token kept in the session; csurf is deprecated) and Eta as Eta's docs
// use it with Express (eta.render with cache on, then res.send: Eta 3+ has no app.engine).
import express from "express";
import cookieSession from "cookie-session";
import flash from "connect-flash";
import { csrfSync } from "csrf-sync";
import helmet from "helmet";
import { Eta } from "eta";
import { PAGE_FLASH, TEXT, pageAssigns, postAssigns, userJson, visit } from "../data.mjs";
import { renderPost } from "./page.mjs";
import { COOKIE_SESSION_KEYS, helmetOptions, SESSION_COOKIE, VIEWS } from "./page-stack.mjs";

const app = express();
app.get("/", (req, res) => res.type("text/plain").send(TEXT));
app.get("/users/:id", (req, res) => res.json(userJson(req.params.id)));
app.get("/users/:id/posts/:post_id", (req, res) => res.type("html").send(renderPost(postAssigns(req.params.id, req.params.post_id))));

const eta = new Eta({ views: VIEWS, cache: true });
// The token comes in the form's _csrf_token field (csrf-sync reads a header by default).
const { csrfSynchronisedProtection, generateToken } = csrfSync({ getTokenFromRequest: (req) => req.body?._csrf_token });
const page = express.Router();
page.use(cookieSession({ name: SESSION_COOKIE, keys: COOKIE_SESSION_KEYS, path: "/", httpOnly: true, sameSite: "lax" }));
page.use(helmet(helmetOptions(helmet.contentSecurityPolicy)));
page.use(express.urlencoded({ extended: false }));
page.use(flash());
page.use(csrfSynchronisedProtection);
page.get("/", (req, res) => {
  const v = visit(req.session);
  req.session.visits = v.next.visits;
  req.session.lastVisit = v.next.lastVisit;
  const html = eta.render("catalogue", { ...pageAssigns(v), flash: req.flash(), csrfToken: generateToken(req) });
  res.type("html").send(html);
});
page.post("/", (req, res) => {
  req.flash("info", PAGE_FLASH);
  res.redirect("/page");
});
// A refused token is csrf-sync's 403 error: answered with its status, as an app's error handler
// would (Express's default one would also print every refusal's stack to stderr).
page.use((err, req, res, next) => res.status(err.status ?? 500).type("text/plain").send(err.message));
app.use("/page", page);

const server = app.listen(0, "127.0.0.1", () => console.log(`listening on port ${server.address().port}`));
