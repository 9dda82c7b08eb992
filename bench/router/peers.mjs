// One adapter per router. An adapter loads a `[verb, path]` table (httprouter syntax: `:name`,
// a trailing `*name` glob) and describes one lookup as code snippets. The same snippets are
// compiled into the correctness check and into the timed loop (harness.mjs), so the loop reads
// exactly what was checked. Snippet scope: `R` (what load returned), `m` (method), `s` (the
// fresh path), `k` (the peer's key of the request's first param, null if it has none).
//   lookup: statements that run the lookup      hit: expression, true on a match
//   index:  the route index stored at load      param: the first param value (read by key)
//   params: every param, as an object, for the check only
// Each route's data is `{ i: index }`, so every peer pays one property read for the index.

import FindMyWay from "find-my-way";
import Medley from "@medley/router";
import { Memoirist } from "memoirist";
import KoaTreeRouter from "koa-tree-router";
import { createRouter, addRoute } from "rou3";
import { compileRouter } from "rou3/compiler";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { Router as JitRouter } from "@jsonjoy.com/jit-router";
import { routesFromTable } from "../../dist/compiler/router/table.js";
import { loadStandaloneMatcher } from "../../dist/compiler/emit/standalone.js";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TMP = fileURLToPath(new URL("../../.fawkes-tmp", import.meta.url));

// `/files/*path` -> `/files/` + replacement (the glob name is kept where the peer takes one).
const glob = (path, to) => path.replace(/\*(\w+)$/, (_, name) => to(name));

const fmwLoad = (compiled) => (table) => {
  const r = FindMyWay();
  table.forEach(([verb, path], i) => r.on(verb, glob(path, () => "*"), () => {}, { i }));
  if (compiled) {
    if (typeof r.compile !== "function") throw new Error("this find-my-way has no compile()");
    r.compile();
  }
  return r;
};
const fmwLookup = { lookup: "const r = R.find(m, s);", hit: "r !== null", index: "r.store.i", param: "r.params[k]", params: "r.params" };

export const fawkes = {
  label: "fawkes",
  async load(table) {
    // FAWKES_SPLIT_AT=n tries another subtree-splitting threshold (see compiler/emit/matcher.ts).
    const tuning = process.env.FAWKES_SPLIT_AT ? { splitAt: Number(process.env.FAWKES_SPLIT_AT) } : {};
    const { match, file } = await loadStandaloneMatcher(routesFromTable(table), TMP, "fawkes", tuning);
    rmSync(file); // imported already; keep .fawkes-tmp/ from filling up run after run
    return match;
  },
  // Globs come back as an array of decoded segments; the check joins them with "/".
  lookup: "const r = R(m, s);", hit: "r !== null", index: "r.route.index", param: "r.params[k]", params: "r.params",
};

export const peers = [
  { label: "find-my-way", globKey: "*", load: fmwLoad(false), ...fmwLookup },
  // 9.10's compiler mode: same find(), generated per-method matchers behind it.
  { label: "find-my-way-compiled", globKey: "*", load: fmwLoad(true), ...fmwLookup },
  {
    // Medley stores per path; the method is a key of that store.
    label: "@medley/router",
    globKey: "*",
    load(table) {
      const r = new Medley();
      table.forEach(([verb, path], i) => { r.register(glob(path, () => "*"))[verb] = { i }; });
      return r;
    },
    lookup: "const f = R.find(s); const h = f === null ? undefined : f.store[m];",
    hit: "h !== undefined", index: "h.i", param: "f.params[k]", params: "f.params",
  },
  {
    label: "memoirist",
    globKey: "*",
    load(table) {
      const r = new Memoirist();
      table.forEach(([verb, path], i) => r.add(verb, glob(path, () => "*"), { i }));
      return r;
    },
    ...fmwLookup,
  },
  {
    // Params come back as an array of { key, value } in path order: the first param is [0].
    label: "koa-tree-router",
    load(table) {
      const r = new KoaTreeRouter();
      table.forEach(([verb, path], i) => r.on(verb, path, { i }));
      return r;
    },
    lookup: "const r = R.find(m, s);", hit: "r.handle !== null", index: "r.handle[0].i", param: "r.params[0].value",
    params: "Object.fromEntries(r.params.map((p) => [p.key, p.value]))",
  },
  {
    // compileRouter JITs the tree into one function (new Function), a snapshot of the routes.
    label: "rou3-compiled",
    load(table) {
      const r = createRouter();
      table.forEach(([verb, path], i) => addRoute(r, verb, glob(path, (n) => "**:" + n), { i }));
      return compileRouter(r);
    },
    lookup: "const r = R(m, s);", hit: "r !== undefined", index: "r.data.i", param: "r.params[k]", params: "r.params || {}",
  },
  {
    // Compiles every route into one function (new Function) over one string, "<METHOD> <path>":
    // `{name}` takes up to the next "/", `{name::\n}` (up to a newline, which a path never
    // has) the rest. Params come back as an array in path order; the names are kept beside the
    // index for the check. More specific routes win over earlier ones (not declaration order):
    // the check says when that gives another answer than the set expects.
    label: "@jsonjoy.com/jit-router",
    load(table) {
      const r = new JitRouter();
      table.forEach(([verb, path], i) => {
        const names = path.split("/").filter((p) => /^[:*]/.test(p)).map((p) => p.slice(1));
        const route = glob(path, (n) => `{${n}::\n}`).replace(/:(\w+)/g, (_, n) => `{${n}}`);
        r.add(`${verb} ${route}`, { i, names });
      });
      return r.compile();
    },
    lookup: "const r = R(m + \" \" + s);",
    hit: "r !== undefined", index: "r.data.i", param: "r.params[0]",
    params: "Object.fromEntries(r.data.names.map((n, j) => [n, r.params[j]]))",
  },
  {
    // match() returns [[handler, paramIndexMap][], stash]: every matching handler (a middleware
    // chain) in registration order; a router uses the first. The first match() call builds the
    // regexps and replaces itself, so the check (which runs before timing) also warms that up.
    label: "hono-regexp",
    load(table) {
      const r = new RegExpRouter();
      table.forEach(([verb, path], i) => r.add(verb, glob(path, (n) => `:${n}{.+}`), { i }));
      r.match("GET", "/"); // builds the matchers now: unsupported route sets throw at load
      return r;
    },
    lookup: "const r = R.match(m, s); const h = r[0][0];",
    hit: "h !== undefined", index: "h[0].i", param: "r[1][h[1][k]]",
    params: "Object.fromEntries(Object.keys(h[1]).map((n) => [n, r[1][h[1][n]]]))",
  },
];
