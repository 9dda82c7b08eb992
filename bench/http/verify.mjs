// Before any measurement, every server (each fresh process) must answer the three endpoints
// like the expected responses built straight from data.mjs and peers/page.mjs: same status,
// same content-type family, same body (JSON compared as values, since key order and spacing
// are the serializer's business; HTML as bytes, or else as text after whitespace
// normalisation, which is reported). Otherwise the servers would not be doing the same work.
import { request } from "node:http";
import { isDeepStrictEqual } from "node:util";
import { TEXT, postAssigns, userJson } from "./data.mjs";
import { renderPost } from "./peers/page.mjs";

export const ENDPOINTS = [
  { name: "text", path: "/", type: "text/plain", body: TEXT },
  { name: "json", path: "/users/42", type: "application/json", body: JSON.stringify(userJson("42")) },
  { name: "html", path: "/users/42/posts/7", type: "text/html", body: renderPost(postAssigns("42", "7")) },
];

function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, type: res.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

const family = (type) => type.split(";")[0].trim().toLowerCase();
const squash = (s) => s.replace(/\s+/g, " ").trim();

/** Resolves with a list of notes (how the HTML matched); throws naming the first mismatch. */
export async function verify(server, port) {
  const notes = [];
  for (const ep of ENDPOINTS) {
    const r = await get(port, ep.path);
    const where = `${server} GET ${ep.path}`;
    if (r.status !== 200) throw new Error(`${where}: status ${r.status}, expected 200`);
    if (family(r.type) !== ep.type) throw new Error(`${where}: content-type "${r.type}", expected ${ep.type}`);
    if (ep.name === "json") {
      if (!isDeepStrictEqual(JSON.parse(r.body), JSON.parse(ep.body))) throw new Error(`${where}: JSON ${r.body}, expected ${ep.body}`);
    } else if (r.body !== ep.body) {
      if (ep.name !== "html" || squash(r.body) !== squash(ep.body)) {
        throw new Error(`${where}: body differs from the expected ${ep.name} (${r.body.length} vs ${ep.body.length} chars):\n${r.body.slice(0, 300)}`);
      }
      notes.push(`${server}: HTML equal only after whitespace normalisation`);
    }
  }
  return notes;
}
