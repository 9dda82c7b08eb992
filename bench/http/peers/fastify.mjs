// Fastify 5 with its defaults (no logger, no response schema: JSON goes through JSON.stringify).
// The page endpoint (GET/POST /page) is built as Fastify's docs build one, in its own
// encapsulated plugin so that none of it runs for the other endpoints: @fastify/secure-session
// (the session in an encrypted cookie; @fastify/cookie under it), @fastify/flash on top of it,
// @fastify/csrf-protection keeping its secret in that session, @fastify/helmet (Phoenix's four
// headers: page-stack.mjs), @fastify/formbody for the form, @fastify/view with Eta (templates
// compiled once and cached: production mode).
import Fastify from "fastify";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFlash from "@fastify/flash";
import fastifyFormbody from "@fastify/formbody";
import fastifyHelmet from "@fastify/helmet";
import fastifySecureSession from "@fastify/secure-session";
import fastifyView from "@fastify/view";
import { Eta } from "eta";
import { PAGE_FLASH, PAGE_PATH, TEXT, pageAssigns, postAssigns, userJson, visit } from "../data.mjs";
import { renderPost } from "./page.mjs";
import { helmetOptions, SECURE_SESSION_KEY, SESSION_COOKIE, VIEWS } from "./page-stack.mjs";

const app = Fastify({ logger: false });
app.get("/", (req, reply) => reply.type("text/plain; charset=utf-8").send(TEXT));
app.get("/users/:id", (req) => userJson(req.params.id));
app.get("/users/:id/posts/:post_id", (req, reply) =>
  reply.type("text/html; charset=utf-8").send(renderPost(postAssigns(req.params.id, req.params.post_id))));

app.register(async (page) => {
  await page.register(fastifySecureSession, { key: SECURE_SESSION_KEY, cookieName: SESSION_COOKIE, cookie: { path: "/", httpOnly: true, sameSite: "lax" } });
  await page.register(fastifyFlash);
  // The token comes in the form's _csrf_token field: checked in preHandler, once the body is parsed.
  await page.register(fastifyCsrf, { sessionPlugin: "@fastify/secure-session", getToken: (req) => req.body?._csrf_token });
  await page.register(fastifyHelmet, helmetOptions(fastifyHelmet.contentSecurityPolicy));
  await page.register(fastifyFormbody);
  await page.register(fastifyView, { engine: { eta: new Eta() }, root: VIEWS, production: true });

  page.get(PAGE_PATH, (req, reply) => {
    const v = visit({ visits: req.session.get("visits"), lastVisit: req.session.get("lastVisit") });
    req.session.set("visits", v.next.visits);
    req.session.set("lastVisit", v.next.lastVisit);
    return reply.view("catalogue", { ...pageAssigns(v), flash: reply.flash(), csrfToken: reply.generateCsrf() });
  });
  page.post(PAGE_PATH, { preHandler: page.csrfProtection }, (req, reply) => {
    req.flash("info", PAGE_FLASH);
    return reply.redirect(PAGE_PATH);
  });
});

await app.listen({ port: 0, host: "127.0.0.1" });
console.log(`listening on port ${app.server.address().port}`);
