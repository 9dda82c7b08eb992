// Hono 4 on @hono/node-server with its defaults (c.json sends application/json without a charset).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { TEXT, postAssigns, userJson } from "../data.mjs";
import { renderPost } from "./page.mjs";

const app = new Hono();
app.get("/", (c) => c.text(TEXT));
app.get("/users/:id", (c) => c.json(userJson(c.req.param("id"))));
app.get("/users/:id/posts/:post_id", (c) => c.html(renderPost(postAssigns(c.req.param("id"), c.req.param("post_id")))));

serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => console.log(`listening on port ${info.port}`));
