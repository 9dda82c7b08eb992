// Fastify 5 with its defaults (no logger, no response schema: JSON goes through JSON.stringify).
import Fastify from "fastify";
import { TEXT, postAssigns, userJson } from "../data.mjs";
import { renderPost } from "./page.mjs";

const app = Fastify({ logger: false });
app.get("/", (req, reply) => reply.type("text/plain; charset=utf-8").send(TEXT));
app.get("/users/:id", (req) => userJson(req.params.id));
app.get("/users/:id/posts/:post_id", (req, reply) =>
  reply.type("text/html; charset=utf-8").send(renderPost(postAssigns(req.params.id, req.params.post_id))));

await app.listen({ port: 0, host: "127.0.0.1" });
console.log(`listening on port ${app.server.address().port}`);
