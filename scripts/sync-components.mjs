// The core components have one source: the scaffold of `fawkes new` (compiler/cli/scaffold/html,
// where Phoenix ships its core_components.ex: in the app). The demo uses the same files: this
// copies them into fixtures/demo (the templates and their CSS), and test/components-core.test.ts
// fails when the two differ. Run it after editing a component: node scripts/sync-components.mjs
//
// The scaffold's files are `.tmpl` (so this repository's build does not take them for its own);
// the components hold no `{{...}}` tag, so their text is the app's as it is.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** [scaffold file, demo file] for every component and the stylesheet. */
export function componentFiles() {
  const dir = "compiler/cli/scaffold/html/app/templates/components";
  const pairs = readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".tmpl"))
    .sort()
    .map((f) => [`${dir}/${f}`, `fixtures/demo/app/templates/components/${f.slice(0, -".tmpl".length)}`]);
  pairs.push(["compiler/cli/scaffold/html/priv/static/css/components.css.tmpl", "fixtures/demo/priv/static/css/components.css"]);
  return pairs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(join(root, "fixtures/demo/app/templates/components"), { recursive: true, force: true });
  for (const [from, to] of componentFiles()) {
    const text = readFileSync(join(root, from), "utf8");
    if (text.includes("{{")) throw new Error(`${from} has a {{...}} tag: the demo's copy would differ from what fawkes new writes`);
    mkdirSync(join(root, to, ".."), { recursive: true });
    writeFileSync(join(root, to), text);
    console.log(`${from} -> ${to}`);
  }
}
