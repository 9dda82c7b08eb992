// Child process: a generated path helper against the hand-written template literal it replaces.
// `ratio helper template-literal x` = helper calls/s over template-literal calls/s (x < 1: the
// helper's toParam + percent-encoding costs that much).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fmtRate, makeLoop, measure, median, netRates, spread, table, OPTS } from "./harness.mjs";

// Generated code imports the runtime as `import { segment, encodeQuery } from "fawkes"`. While the
// package entry does not export them yet, take them from the built module directly.
async function runtimeUrl() {
  const pkg = await import("fawkes").catch(() => ({}));
  if (typeof pkg.segment === "function" && typeof pkg.encodeQuery === "function") return pkg;
  const file = fileURLToPath(new URL("../../dist/runtime/router/url.js", import.meta.url));
  if (!existsSync(file)) return null;
  const url = await import(file);
  if (typeof url.segment !== "function" || typeof url.encodeQuery !== "function") return null;
  console.log(`# helper: "fawkes" does not export segment/encodeQuery yet; using dist/runtime/router/url.js`);
  return url;
}

// The helper as the generator emits it for `resources("/users", ..., () => resources("/posts", ...))`,
// wrapped in a factory only so it can bind whichever module provides `segment`.
function makeUserPostPath({ segment, encodeQuery }) {
  return function userPostPath(action, userId, id, query) {
    switch (action) {
      case "index": return "/users/" + segment(userId) + "/posts" + (id ? encodeQuery(id, ["user_id"]) : "");
      case "new": return "/users/" + segment(userId) + "/posts/new" + (id ? encodeQuery(id, ["user_id"]) : "");
      case "show": return "/users/" + segment(userId) + "/posts/" + segment(id) + (query ? encodeQuery(query, ["user_id", "id"]) : "");
      case "edit": return "/users/" + segment(userId) + "/posts/" + segment(id) + "/edit" + (query ? encodeQuery(query, ["user_id", "id"]) : "");
      default: throw new TypeError(`userPostPath: unknown action ${JSON.stringify(action)}`);
    }
  };
}
const templateLiteral = (u, p) => `/users/${u}/posts/${p}`;

console.log("\n## helper: userPostPath(\"show\", u, p) vs (u, p) => `/users/${u}/posts/${p}`");
const url = await runtimeUrl();
if (url === null) {
  console.log("# helper: runtime/router/url.js not built yet");
  console.log("ratio helper template-literal n/a");
  process.exit(0);
}
const userPostPath = makeUserPostPath(url);

// Numbers (ids straight from a record) and string ids; "mix" alternates them and gives the ratio.
const INPUTS = { numbers: [[42, 7]], strings: [["42", "7"]], mix: [[42, 7], ["42", "7"]] };
for (const [u, p] of INPUTS.mix) {
  const got = userPostPath("show", u, p), want = templateLiteral(u, p);
  if (got !== want) throw new Error(`helper gives ${got}, template literal ${want}`);
}
if (userPostPath("show", 42, 7, { page: 2, id: 7 }) !== "/users/42/posts/7?page=2") throw new Error("helper query encoding changed");

const CASES = {
  noop: "acc += U[j] === P[j] ? 1 : 2;",
  helper: 'acc += userPostPath("show", U[j], P[j]).length;',
  "template-literal": "acc += templateLiteral(U[j], P[j]).length;",
};
const cases = [];
for (const [input, pairs] of Object.entries(INPUTS)) {
  const scope = { userPostPath, templateLiteral, U: pairs.map((x) => x[0]), P: pairs.map((x) => x[1]) };
  for (const [name, body] of Object.entries(CASES)) {
    cases.push({ id: `${name}/${input}`, ops: pairs.length, run: makeLoop(`${name}_${input}`, scope, pairs.length, body) });
  }
}
const samples = measure(cases);
const rate = (name, input) => netRates(samples.get(`${name}/${input}`), samples.get(`noop/${input}`));

const inputs = Object.keys(INPUTS);
console.log(`net calls/s, median of ${OPTS.rounds} interleaved rounds (CPU time); spread = IQR/median of mix`);
console.log(table(["builder", ...inputs, "spread"], ["helper", "template-literal"].map((n) =>
  [n, ...inputs.map((i) => fmtRate(median(rate(n, i)))), `${spread(rate(n, "mix")).toFixed(0)}%`])));
console.log(`ratio helper template-literal ${(median(rate("helper", "mix")) / median(rate("template-literal", "mix"))).toFixed(2)}`);
