// One adapter per engine: `load(workload)` returns `render(data) -> html` for the workload's
// template (bench/templates/<engine>/<template>.<ext>), compiled once, up front, the way the
// engine is meant to run in production (compile modes from perf-micro.md Part B). It throws
// NotAvailable when the engine cannot run the workload. `note` adds a `#` line to the report.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Eta } from "eta";
import ejs from "ejs";
import Handlebars from "handlebars";
import pug from "pug";
import doT from "dot";
import { compile as compileSvelte } from "svelte/compiler";
import { render as renderSvelte } from "svelte/server";
import { loadFawkesTemplates } from "./fawkes.mjs";
import * as hand from "./hand/render.mjs";
import { NotAvailable } from "./not-available.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const TMP = join(here, "../../.fawkes-tmp/bench-templates");
const read = (engine, file) => readFileSync(join(here, engine, file), "utf8");

// Fawkes and Eta compile the very same files: the syntax is Eta's, so one source guarantees
// that any difference in speed or output comes from the compiler, not from the template.
const ETA_VIEWS = join(here, "app/templates/bench");

// The components page is written with Fawkes' components (c.link(...), slots as template
// text). Each peer has its own port in <engine>/components* : the same core components (flash
// group, flash, header, button, link, table, user row, form, input) as that engine builds a page
// from small reusable pieces, each called with its own data, the output checked as every page is.
// Eta's port lives in bench/templates/eta/ (its runtime has no c.* calls).
const ETA_COMPONENT_VIEWS = join(here, "eta");
const DOT_COMPONENTS = ["flashGroup", "flash", "header", "button", "link", "table", "userRow", "form", "input"];
const HBS_COMPONENTS = ["flash_group", "flash", "header", "button", "link", "table", "user_row", "form", "input"];

export const engines = [
  {
    label: "fawkes",
    async load({ template }) {
      const templates = await loadFawkesTemplates();
      const fn = templates[`bench/${template}.html`];
      if (typeof fn !== "function") throw new NotAvailable(`templates.gen.ts has no "bench/${template}.html"`);
      return fn;
    },
  },
  {
    label: "eta",
    load({ template }) {
      if (template === "components") {
        // Includes resolve and render by name through the cache, as the partials workload does.
        const eta = new Eta({ views: ETA_COMPONENT_VIEWS, cache: true });
        return (data) => eta.render("./components.eta", data);
      }
      const eta = new Eta({ views: ETA_VIEWS, cache: true });
      // Partials are where Eta pays per call (each include resolves its path and dispatches
      // through this.render), so that workload goes through render() with the cache on.
      if (template === "table") return (data) => eta.render("./table.html.eta", data);
      const fn = eta.compile(readFileSync(join(ETA_VIEWS, `${template}.html.eta`), "utf8"));
      return (data) => fn.call(eta, data);
    },
  },
  {
    label: "ejs",
    load({ template }) {
      // cache: true is what include() looks its partial up in (by resolved filename).
      const filename = join(here, "ejs", `${template}.ejs`); // components: includes ./components/*.ejs
      return ejs.compile(read("ejs", `${template}.ejs`), { filename, cache: true, compileDebug: false, _with: false, strict: true });
    },
    notes: {
      table: "include() resolves the partial with fs.existsSync on every call, cached or not",
      components: "include() resolves each of the ~160 partial calls with fs.existsSync, cached or not",
    },
  },
  {
    label: "handlebars",
    load({ template }) {
      const hb = Handlebars.create();
      // The components page's helpers (handlebars has no string or array literals): registered,
      // and declared known so the precompiled code calls them directly.
      const helpers = { concat: (...a) => a.slice(0, -1).join(""), eq: (a, b) => a === b, array: (...a) => a.slice(0, -1) };
      // Partial blocks ({{> @partial-block}}) travel in @data: the components page compiles with it.
      const knownHelpers = template === "components" ? { concat: true, eq: true, array: true } : undefined;
      if (template === "components") hb.registerHelper(helpers);
      // What loading the CLI's precompiled output does: evaluate the spec, wrap it in template().
      const precompiled = (name) => {
        const spec = hb.precompile(read("handlebars", `${name}.hbs`), { data: template === "components", knownHelpersOnly: true, knownHelpers });
        return hb.template(new Function(`return ${spec};`)());
      };
      if (template === "table") hb.registerPartial("row", precompiled("row"));
      if (template === "components") for (const n of HBS_COMPONENTS) hb.registerPartial(n, precompiled(`components/${n}`));
      return precompiled(template);
    },
  },
  {
    label: "pug",
    load({ template }) {
      // The row partial is a mixin (a function called per row), pulled in by `include`.
      // doctype "html" (the page's doctype, without writing it): boolean attributes as `required`.
      const doctype = template === "components" ? { doctype: "html" } : {};
      return pug.compileFile(join(here, "pug", `${template}.pug`), { compileDebug: false, self: true, ...doctype });
    },
  },
  {
    label: "dot",
    load({ template }) {
      if (template === "components") {
        // The page (dot/components.dot) and its components (dot/components/*.dot): slots are
        // rendered first and passed as HTML. doT's defines are compile-time pastes; run-time reusable pieces are compiled templates
        // called as functions: each component is one, taking (it, c), c being all of them.
        const settings = { ...doT.templateSettings, varname: "it, c" };
        const c = {};
        for (const n of DOT_COMPONENTS) {
          const fn = doT.template(read("dot", `components/${n}.dot`), settings);
          c[n] = (it) => fn(it, c);
        }
        const page = doT.template(read("dot", "components.dot"), settings);
        return (data) => page(data, c);
      }
      const def = template === "table" ? { row: read("dot", "row.dot") } : undefined;
      return doT.template(read("dot", `${template}.dot`), undefined, def); // default settings: strip, append
    },
    notes: {
      table: "{{#def.row}} is pasted in at compile time (doT has no run-time partials)",
      components: "each component a compiled template called as a function (it, c)",
    },
  },
  {
    label: "svelte",
    async load({ template }) {
      const component = await compileSvelteComponent(template[0].toUpperCase() + template.slice(1));
      return (data) => renderSvelte(component, { props: data }).body;
    },
    notes: {
      table: "the row is a child component (a plain call sharing the renderer)",
      components: "child components with props, slots as snippets",
    },
  },
  {
    label: "hand-written",
    load: ({ template }) => hand[template],
    notes: { table: "the row is a direct function call" },
  },
  {
    // The same functions over the runtime's escapeHtml (the one Fawkes' code calls): the
    // hand-written floor with the escaper taken out of the comparison.
    label: "hand+escapeHtml",
    async load({ template }) {
      const escape = join(here, "../../dist/runtime/templates/escape.js");
      if (!existsSync(escape)) throw new NotAvailable("runtime not built yet");
      const { escapeHtml } = await import(pathToFileURL(escape).href);
      return hand.handWritten(escapeHtml)[template];
    },
  },
];

/**
 * Compiles `svelte/<name>.svelte` and its `./X.svelte` imports with generate: "server", writes
 * them to .fawkes-tmp/ as `X.svelte.js` (Node will not load a `.svelte` file) and imports them.
 */
async function compileSvelteComponent(name) {
  const dir = join(TMP, `svelte-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const pending = [name];
  for (const done = new Set(); pending.length; ) {
    const n = pending.pop();
    if (done.has(n)) continue;
    done.add(n);
    // Warnings (a11y: <html> without lang) do not change the output; they are not printed.
    const { js } = compileSvelte(read("svelte", `${n}.svelte`), { generate: "server", filename: `${n}.svelte` });
    const code = js.code.replace(/(["'])\.\/(\w+)\.svelte\1/g, (_, q, child) => {
      pending.push(child);
      return `${q}./${child}.svelte.js${q}`;
    });
    writeFileSync(join(dir, `${n}.svelte.js`), code);
  }
  try {
    return (await import(pathToFileURL(join(dir, `${name}.svelte.js`)).href)).default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
