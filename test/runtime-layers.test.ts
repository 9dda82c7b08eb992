// The runtime's layers, kept: no import cycle between the folders of runtime/ (type-only
// imports count: they are coupling too), and the endpoint on top (nothing below it imports it).
// The layers, bottom up: _internal; plug (Conn, plug types, status names); router, templates,
// views, pubsub; http; channels; endpoint; testing. runtime/index.ts (the public face) is left
// out, as it re-exports every folder. The same holds for compiler/: router (read, expand,
// check) and templates (read, check) below emit (the generated modules), build above them
// (which joins each reader with its emitters), cli on top.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const RUNTIME = resolve(import.meta.dirname, "../runtime");
const COMPILER = resolve(import.meta.dirname, "../compiler");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Relative module specifiers of a source: imports, re-exports (type-only too) and dynamic import(). */
export function relativeImports(source: string): string[] {
  const re = /(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?["'](\.[^"']*)["']|import\(\s*["'](\.[^"']*)["']\s*\)/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2]);
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(js|mjs|ts)$/, "");
  for (const c of [base, `${stem}.ts`, `${stem}.mts`, `${stem}.mjs`, `${stem}.js`, join(base, "index.ts")]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Folder → folder edges of a root, each with one import that makes it. */
function folderEdges(root: string): Map<string, Map<string, string>> {
  const folderOf = (f: string) => {
    const parts = relative(root, f).split(sep);
    return parts.length > 1 ? parts[0] : null;
  };
  const edges = new Map<string, Map<string, string>>();
  for (const file of sources(root)) {
    const a = folderOf(file);
    if (a === null) continue;
    for (const spec of relativeImports(readFileSync(file, "utf8"))) {
      const target = resolveImport(file, spec);
      if (target === null || !target.startsWith(root + sep)) continue;
      const b = folderOf(target);
      if (b === null || b === a) continue;
      if (!edges.has(a)) edges.set(a, new Map());
      if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${relative(root, file)} -> ${relative(root, target)}`);
    }
  }
  return edges;
}

/** Every cycle's strongly connected folders (Tarjan), each written with the imports inside it. */
export function folderCycles(edges: Map<string, Map<string, string>>): string[] {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length < 2) return;
    const inside = scc.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => scc.includes(b)).map(([b, why]) => `  ${a} -> ${b}: ${why}`));
    out.push(`cycle between ${scc.sort().join(", ")}\n${inside.sort().join("\n")}`);
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

describe("runtime layers", () => {
  it("relativeImports finds every import form, type-only included (so the checks below can fail)", () => {
    const src = `import a from "./a.js";\nimport type { B } from '../b.js';\nexport * from "./c.js";\nexport type { D } from "./d.js";\nconst e = await import("./e.js");\nimport "./f.js";\nimport x from "ws";`;
    expect(relativeImports(src)).toEqual(expect.arrayContaining(["./a.js", "../b.js", "./c.js", "./d.js", "./e.js", "./f.js"]));
    expect(relativeImports(src)).not.toContain("ws");
  });

  it("folderCycles reports a cycle, even through a third folder, and nothing for a layered graph", () => {
    const graph = (pairs: [string, string][]) => {
      const m = new Map<string, Map<string, string>>();
      for (const [a, b] of pairs) (m.get(a) ?? m.set(a, new Map()).get(a)!).set(b, `${a}/x.ts -> ${b}/y.ts`);
      return m;
    };
    expect(folderCycles(graph([["channels", "http"], ["http", "router"], ["router", "channels"]]))).toEqual([
      "cycle between channels, http, router\n  channels -> http: channels/x.ts -> http/y.ts\n  http -> router: http/x.ts -> router/y.ts\n  router -> channels: router/x.ts -> channels/y.ts",
    ]);
    expect(folderCycles(graph([["endpoint", "channels"], ["channels", "http"], ["http", "router"], ["endpoint", "router"]]))).toEqual([]);
  });

  it("no import cycle between the folders of runtime/", () => {
    const edges = folderEdges(RUNTIME);
    // The walk saw the layers it is meant to keep apart.
    const folders = new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
    expect([...folders]).toEqual(expect.arrayContaining(["channels", "http", "router", "endpoint", "pubsub", "plug"]));
    expect(folderCycles(edges)).toEqual([]);
  });

  it("no import cycle between the folders of compiler/: router reads, emit writes, build joins them", () => {
    const edges = folderEdges(COMPILER);
    const folders = new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
    expect([...folders]).toEqual(expect.arrayContaining(["router", "emit", "templates", "build", "cli", "verify", "config"]));
    expect(folderCycles(edges)).toEqual([]);
    // The router pipeline does not drive the emitters: it is handed one (compiler/build/router.ts).
    expect(edges.get("router")?.has("emit") ?? false).toBe(false);
    expect(edges.get("build")?.has("emit")).toBe(true);
    expect(edges.get("build")?.has("router")).toBe(true);
    // The same for templates: compiler/templates reads and checks, compiler/emit/templates
    // writes, compiler/build/templates.ts drives both.
    expect(edges.get("templates")?.has("emit") ?? false).toBe(false);
    expect(edges.get("emit")?.has("templates")).toBe(true);
    expect(edges.get("build")?.has("templates")).toBe(true);
    expect(edges.get("templates")?.has("build") ?? false).toBe(false);
  });

  it("the endpoint is on top: only the public entry and testing import runtime/endpoint/", () => {
    const importers = sources(RUNTIME)
      .filter((f) => !f.startsWith(join(RUNTIME, "endpoint") + sep) && !f.startsWith(join(RUNTIME, "testing") + sep) && f !== join(RUNTIME, "index.ts"))
      .filter((f) => relativeImports(readFileSync(f, "utf8")).some((s) => resolveImport(f, s)?.startsWith(join(RUNTIME, "endpoint") + sep)));
    expect(importers.map((f) => relative(RUNTIME, f))).toEqual([]);
  });

  it("pubsub stands alone: it imports nothing of channels, http, router or the endpoint", () => {
    const edges = folderEdges(RUNTIME).get("pubsub") ?? new Map<string, string>();
    expect([...edges.keys()].filter((b) => b !== "_internal")).toEqual([]);
  });

  it("the conn and plug types are below both router and http", () => {
    const edges = folderEdges(RUNTIME);
    expect(edges.get("router")?.has("plug")).toBe(true);
    expect(edges.get("http")?.has("plug")).toBe(true);
    expect([...(edges.get("plug")?.keys() ?? [])].filter((b) => b !== "_internal")).toEqual([]);
  });
});
