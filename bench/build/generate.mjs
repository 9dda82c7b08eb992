// The app `npm run bench:build` builds: 1,000 routes over 50 controllers and 500 templates, the
// size of a large Phoenix app. Routes: 10 scopes, each with 10 `resources` (8 routes each:
// index, edit, new, show, create, update as PATCH and PUT, delete) and 20 `get`s. Templates: 10
// per controller's view (index, show, new, edit, a partial and five pages), each a mix of what
// templates hold: escaped and raw output, a loop, a condition, an include.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const CONTROLLERS = 50;
export const SCOPES = 10;
export const RESOURCES_PER_SCOPE = 10;
export const GETS_PER_SCOPE = 20;
const VIEW_TEMPLATES = ["index", "show", "new", "edit", "_row", "page1", "page2", "page3", "page4", "page5"];

function write(root, file, text) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

const pascal = (i) => `C${i}Controller`;

function controller(i) {
  const actions = ["index", "show", "edit", "create", "update", "page"];
  const lines = [`import { render, type Conn } from "fawkes";`, ""];
  for (const a of actions) lines.push(`export function ${a}(conn: Conn): Conn {\n  return render(conn, "${a === "page" ? "page1" : a === "create" || a === "update" ? "edit" : a}.html", { title: "c${i} ${a}", items: [] });\n}\n`);
  lines.push(`function newAction(conn: Conn): Conn {\n  return render(conn, "new.html", { title: "c${i} new", items: [] });\n}\nexport { newAction as new };\n`);
  lines.push(`function deleteAction(conn: Conn): Conn {\n  return render(conn, "index.html", { title: "c${i} deleted", items: [] });\n}\nexport { deleteAction as delete };\n`);
  return lines.join("\n");
}

/** The router; `marker` changes one get's path (the router edit the bench makes). */
export function router(marker = "") {
  const lines = [`import { defineRouter, putLayout } from "fawkes";`];
  for (let i = 0; i < CONTROLLERS; i++) lines.push(`import * as ${pascal(i)} from "./controllers/c${i}-controller.js";`);
  lines.push("", "export default defineRouter((r) => {", `  r.pipeline("browser", (p) => {`, `    p.plug(putLayout, "layouts/app.html");`, "  });");
  let c = 0;
  for (let s = 0; s < SCOPES; s++) {
    lines.push(`  r.scope("/s${s}", { as: "s${s}" }, () => {`, `    r.pipeThrough("browser");`);
    for (let k = 0; k < RESOURCES_PER_SCOPE; k++) lines.push(`    r.resources("/things${k}", ${pascal(c++ % CONTROLLERS)});`);
    for (let g = 0; g < GETS_PER_SCOPE; g++) {
      const path = s === 0 && g === 0 ? `/pages/p${g}${marker}` : `/pages/p${g}`;
      lines.push(`    r.get("${path}", ${pascal((s * GETS_PER_SCOPE + g) % CONTROLLERS)}, "page", { as: "page${g}" });`);
    }
    lines.push("  });");
  }
  lines.push("});", "");
  return lines.join("\n");
}

/** One template; `marker` is text the template edit puts in. */
export function template(view, name, marker = "") {
  if (name === "_row") return `<tr><td><%= it.item.id %></td><td><%= it.item.name %></td><td><%~ it.item.badge ?? "" %></td></tr>\n`;
  return [
    `<%/* @type { title: string; items: { id: number; name: string; badge?: string }[]; notice?: string } */%>`,
    `<section class="${view} ${name}">`,
    `  <h1><%= it.title %>${marker}</h1>`,
    `<% if (it.notice) { -%>`,
    `  <p class="notice"><%= it.notice %></p>`,
    `<% } -%>`,
    `  <table>`,
    `<% for (const item of it.items) { -%>`,
    `    <%~ include("./_row.html.eta", { item }) %>`,
    `<% } -%>`,
    `  </table>`,
    `  <p>${view}/${name}: ${"static text of a realistic page, ".repeat(4)}</p>`,
    `  <footer><%= it.items.length %> item(s)</footer>`,
    `</section>`,
    "",
  ].join("\n");
}

const ENDPOINT = `import { defineEndpoint } from "fawkes";
import * as router from "../.fawkes/router.gen.js";
import { templates } from "../.fawkes/templates.gen.js";

export const endpoint = defineEndpoint({
  router,
  views: { templates },
  config: { http: { port: Number(process.env.PORT ?? 4000) }, secretKeyBase: "bench-build-secret-key-base-for-development-only-0123456789abcdef" },
});
`;

/** The page the template edit shows on (c0/show.html, in the app layout), and the route the router edit renames. */
export const EDITED_PAGE = "/s0/things0/1";
export const routerEditPath = (marker) => `/s0/pages/p0${marker}`;

export const EDITED_TEMPLATE = "app/templates/c0/show.html.eta";
export const ROUTER = "app/router.ts";

export function generateApp(root) {
  for (let i = 0; i < CONTROLLERS; i++) {
    write(root, `app/controllers/c${i}-controller.ts`, controller(i));
    for (const name of VIEW_TEMPLATES) write(root, `app/templates/c${i}/${name}.html.eta`, template(`c${i}`, name));
  }
  write(root, "app/templates/layouts/app.html.eta", `<main><%~ it.innerContent %></main>\n`);
  write(root, ROUTER, router());
  // What esbuild bundles: everything generated (matcher, dispatch, helpers, templates).
  write(
    root,
    "main.ts",
    `import * as router from "./.fawkes/router.gen.js";\nimport { templates } from "./.fawkes/templates.gen.js";\nimport { Routes } from "./.fawkes/helpers.gen.js";\nexport { router, templates, Routes };\n`,
  );
  // What `fawkes server` runs (dev-round.mjs): an endpoint over the same generated modules.
  write(root, "app/endpoint.ts", ENDPOINT);
  write(root, "server.ts", `import { endpoint } from "./app/endpoint.js";\n\nawait endpoint.start();\nfor (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void endpoint.stop().then(() => process.exit(0)));\n`);
  return { routes: SCOPES * (RESOURCES_PER_SCOPE * 8 + GETS_PER_SCOPE), templates: CONTROLLERS * VIEW_TEMPLATES.length + 1 };
}
