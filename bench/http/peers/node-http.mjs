// The floor: raw node:http, routing by hand with string operations, every response with an
// explicit content-type and content-length (as Fawkes sends them).
import { createServer } from "node:http";
import { TEXT, postAssigns, userJson } from "../data.mjs";
import { renderPost } from "./page.mjs";

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (req.method === "GET" && path === "/") return send(res, 200, "text/plain; charset=utf-8", TEXT);
  if (req.method === "GET" && path.startsWith("/users/")) {
    const parts = path.slice(7).split("/"); // [id] or [id, "posts", post_id]
    if (parts.length === 1 && parts[0]) return send(res, 200, "application/json; charset=utf-8", JSON.stringify(userJson(parts[0])));
    if (parts.length === 3 && parts[0] && parts[1] === "posts" && parts[2]) {
      return send(res, 200, "text/html; charset=utf-8", renderPost(postAssigns(parts[0], parts[2])));
    }
  }
  send(res, 404, "text/plain; charset=utf-8", "Not Found");
});

server.listen(0, "127.0.0.1", () => console.log(`listening on port ${server.address().port}`));
