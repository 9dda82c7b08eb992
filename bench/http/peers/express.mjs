// Express 5 with its defaults kept (weak ETag computed per response, X-Powered-By), as in
// /work/shared/reference/perf-macro.md. res.type() because res.send(string) defaults to HTML.
import express from "express";
import { TEXT, postAssigns, userJson } from "../data.mjs";
import { renderPost } from "./page.mjs";

const app = express();
app.get("/", (req, res) => res.type("text/plain").send(TEXT));
app.get("/users/:id", (req, res) => res.json(userJson(req.params.id)));
app.get("/users/:id/posts/:post_id", (req, res) => res.type("html").send(renderPost(postAssigns(req.params.id, req.params.post_id))));

const server = app.listen(0, "127.0.0.1", () => console.log(`listening on port ${server.address().port}`));
