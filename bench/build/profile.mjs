// Where a CPU profile's time goes: self time summed by module (a package under node_modules, or
// a source file of ours) and by function, largest first.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

function moduleOf(url, { root, lib }) {
  if (!url) return "(native, gc, idle)";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  if (path.startsWith(lib)) return relative(lib, path).replace(/\.js$/, ".ts");
  if (path.startsWith(root)) return relative(root, path);
  return path.startsWith("node:") ? "node internals" : path;
}

export function summarize(file, dirs, top = 12) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const modules = new Map();
  const functions = new Map();
  for (const [id, us] of self) {
    const frame = byId.get(id).callFrame;
    const mod = frame.url ? moduleOf(frame.url, dirs) : frame.functionName ? `(${frame.functionName})` : "(program)";
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    const fn = `${frame.functionName || "(anonymous)"} ${mod}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  // Inclusive: each sample goes to the nearest frame of our own code above it (which of our
  // functions the time in typescript, ts-morph or the GC was spent for).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = (mod) => /^(compiler|plugin-esbuild|runtime)\//.test(mod);
  const callers = new Map();
  for (const [id, us] of self) {
    let at = id;
    let label = "(outside our code)";
    while (at !== undefined) {
      const frame = byId.get(at).callFrame;
      const mod = frame.url ? moduleOf(frame.url, dirs) : "";
      if (ours(mod)) {
        label = `${frame.functionName || "(anonymous)"} ${mod}:${frame.lineNumber + 1}`;
        break;
      }
      at = parent.get(at);
    }
    callers.set(label, (callers.get(label) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `total ${(total / 1000).toFixed(0)} ms sampled`,
    "by module:",
    ...sorted(modules).map(([k, v]) => `  ${pct(v)}  ${k}`),
    "by the nearest function of ours (inclusive):",
    ...sorted(callers).map(([k, v]) => `  ${pct(v)}  ${k}`),
    "by function:",
    ...sorted(functions).map(([k, v]) => `  ${pct(v)}  ${k}`),
  ];
}
