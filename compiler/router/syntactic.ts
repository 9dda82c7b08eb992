// The router reader's questions answered from syntax alone, for `fawkes routes`: it parses the
// router, the routers it mounts, and the few modules its imports lead to, and never builds a
// program (a program of the demo parses ~100 files and costs most of the time: issue 10).
//
// The answers are the type checker's (semantics.ts) whenever the declarations are written as
// literals, which is how routers, controllers and plugs are written. Where they differ:
//
// - ACTION_MISSING is not reported (a resources controller's missing actions neither): types
//   only. `fawkes build` and `check` report it; `routes` lists the table as written.
// - Plug or controller (r.get(path, target, third)): the target's declaration, followed through
//   imports and re-exports, decides as its type would: a function (declaration, arrow or function
//   expression) is a plug; a module or an object literal is a controller when `third` is a string
//   naming one of its exports/properties, a module plug when it has `call`, else a controller.
//   When the declaration is anything else (a value a call returns, a class, a package's export),
//   the router's own syntax decides: a string `third` names an action, anything else makes a plug.
//   The type checker would see through the call; a package without types is `any` to it (a
//   controller), here a plug unless an action is named.
// - A forward target is a router when its declaration is a `defineRouter(...)` call (or, for a
//   namespace, its default export is); one whose type alone says so (a value a helper returns) is
//   taken for a plug.
// - A pipeline name is a string written as one (literal or template), or a constant initialised
//   with one (`const name = "browser" as string`, here or imported), which the full reader
//   reports as NOT_STATIC as this one does; a string from anywhere else (a parameter, a call) is
//   taken for a plug here, where the full reader reports it.
// - A controller's module (`definedIn`, `--json`'s module) follows imports, `export { } from`,
//   `export * as`, `export *` and `export default <name>`; a member of an object (`Obj.Show`) is
//   taken to be where the object is declared, which is where the type checker finds the
//   property unless the object spreads another's.
// test/router-fast-read.test.ts checks the two readers give the same route table for every
// router fixture, the demo and the apps of the Phoenix-ported tests.

import { Node, type Expression, type Identifier, type ts } from "ts-morph";
import type { ModuleRefIR } from "./ir.js";
import { relativePosix } from "../paths.js";
import { unwrap } from "./_literals.js";
import { fileOf, type Binding, type ModuleIndex } from "./_modules.js";
import { isStringLiteralLike, type RouterSemantics } from "./semantics.js";

/** What a declaration is, as far as its syntax shows. */
type Shape =
  | { kind: "function" }
  | { kind: "router" }
  /** A module or an object literal: its names (`complete` false when a spread or a package's `export *` may add more). */
  | { kind: "object"; names: Set<string>; complete: boolean; defaultIsRouter: boolean }
  | { kind: "unknown" };

export function syntacticSemantics(root: string, modules: ModuleIndex): RouterSemantics {
  const bindings = new WeakMap<ModuleRefIR, Binding | undefined>();
  // Each route's controller file, relative to root, asked twice per route of 50 files (path.relative normalises both paths each time).
  const relatives = new Map<string, string>();
  const rel = (file: string) => {
    let r = relatives.get(file);
    if (r === undefined) relatives.set(file, (r = relativePosix(root, file)));
    return r;
  };
  const bindingOf = (node: Expression, ref: ModuleRefIR): Binding | undefined => {
    if (!bindings.has(ref)) {
      const from = modules.moduleOf(ref.import.specifier, node.getSourceFile());
      let b = modules.exported(from, ref.import.imported);
      for (const m of ref.members) b = b && modules.exported(b, m);
      bindings.set(ref, b);
    }
    return bindings.get(ref);
  };

  const shapeOf = (b: Binding | undefined): Shape => {
    if (!b || b.kind === "external") return { kind: "unknown" };
    if (b.kind === "module") {
      const { names, complete } = modules.exportNames(b.file);
      return { kind: "object", names, complete, defaultIsRouter: shapeOf(modules.exported(b, "default")).kind === "router" };
    }
    const n = b.node;
    if (Node.isFunctionDeclaration(n)) return { kind: "function" };
    const value = Node.isVariableDeclaration(n) ? n.getInitializer() : Node.isExportAssignment(n) ? n.getExpression() : undefined;
    return value ? valueShape(unwrap(value)) : { kind: "unknown" };
  };

  return {
    declarationOf,
    resolvedFile(decl) {
      const r = modules.resolve(decl.getModuleSpecifierValue(), decl.getSourceFile().getFilePath());
      return r && !r.external ? rel(r.file) : null;
    },
    definingFile(node, ref) {
      const file = fileOf(bindingOf(node, ref));
      return file && !file.isDeclarationFile() ? rel(file.getFilePath()) : null;
    },
    isPlugRoute(target, ref, third) {
      const shape = shapeOf(bindingOf(target, ref));
      if (shape.kind === "function") return true;
      const named = third && (Node.isStringLiteral(third) || Node.isNoSubstitutionTemplateLiteral(third)) ? third.getLiteralValue() : undefined;
      if (shape.kind === "object") {
        if (named !== undefined && shape.names.has(named)) return false;
        if (shape.names.has("call")) return true;
        if (shape.complete) return false;
      }
      return named === undefined;
    },
    isRouter(target, ref) {
      const shape = shapeOf(bindingOf(target, ref));
      return shape.kind === "router" || (shape.kind === "object" && shape.defaultIsRouter);
    },
    isStringTyped(node) {
      if (isStringLiteralLike(node)) return true;
      if (!Node.isIdentifier(node)) return false;
      // A constant initialised with a string, here or imported (`const name = "browser" as string`).
      const decl = declarationOf(node);
      const spec = decl && (Node.isImportSpecifier(decl) ? decl : undefined);
      const b = spec ? modules.imported(spec.getImportDeclaration(), spec.getName()) : decl ? { kind: "declaration" as const, node: decl } : undefined;
      const init = b?.kind === "declaration" && Node.isVariableDeclaration(b.node) ? b.node.getInitializer() : undefined;
      return init !== undefined && isStringLiteralLike(unwrap(init));
    },
    missingActions: () => new Set(),
    lacksAction: () => null,
  };
}

function valueShape(value: Expression): Shape {
  if (Node.isArrowFunction(value) || Node.isFunctionExpression(value)) return { kind: "function" };
  if (Node.isCallExpression(value) && value.getExpression().getText() === "defineRouter") return { kind: "router" };
  if (!Node.isObjectLiteralExpression(value)) return { kind: "unknown" };
  const names = new Set<string>();
  let complete = true;
  for (const p of value.getProperties()) {
    if (Node.isSpreadAssignment(p)) complete = false;
    else names.add(p.getName().replace(/^["']|["']$/g, ""));
  }
  return { kind: "object", names, complete, defaultIsRouter: false };
}

/**
 * The declaration a name binds to, by the scopes around it: the parameters of each enclosing
 * function, the declarations of each enclosing block, then the module's imports and
 * declarations (what the binder would find for the names a router uses).
 */
function declarationOf(id: Identifier): Node | undefined {
  const name = id.getText();
  // From the first function or block around the name up, the answer is the same for every use
  // of the name there: kept by that node (a 1,000-route router's controllers are looked up from
  // a handful of scope bodies, each lookup a walk up ten levels of wrappers).
  let start: Node | undefined = id.getParent();
  while (start && !isScopeLike(start)) start = start.getParent();
  if (!start) return undefined;
  let names = found.get(start.compilerNode);
  if (!names) found.set(start.compilerNode, (names = new Map()));
  if (names.has(name)) return names.get(name);
  const decl = declarationFrom(start, name);
  names.set(name, decl);
  return decl;
}

/** The nodes declarationFrom looks at: a function (its parameters), a block or the module (its declarations). */
function isScopeLike(n: Node): boolean {
  return Node.isArrowFunction(n) || Node.isFunctionExpression(n) || Node.isFunctionDeclaration(n) || Node.isMethodDeclaration(n) || Node.isBlock(n) || Node.isSourceFile(n);
}

/** declarationOf's answers, by the node its walk starts at and the name (per parse: a new tree, new keys). */
const found = new WeakMap<ts.Node, Map<string, Node | undefined>>();

function declarationFrom(start: Node, name: string): Node | undefined {
  for (let n: Node | undefined = start; n; n = n.getParent()) {
    if (Node.isArrowFunction(n) || Node.isFunctionExpression(n) || Node.isFunctionDeclaration(n) || Node.isMethodDeclaration(n)) {
      const p = n.getParameters().find((param) => bindsName(param.getNameNode(), name));
      if (p) return p;
    }
    if (!Node.isBlock(n) && !Node.isSourceFile(n)) continue;
    const d = scopeOf(n).get(name);
    if (d) return d;
  }
  return undefined;
}

// A block's (or module's) declarations by name, made once per parse: a router's scope holds a
// thousand calls and its module fifty imports, and each name the reader resolves walked them
// all again (8% of a router edit's regeneration: issue 10).
const scopes = new WeakMap<ts.Node, Map<string, Node>>();

/** The declarations of a block's or module's statements, by name: the first of each name. */
function scopeOf(n: Node): Map<string, Node> {
  let scope = scopes.get(n.compilerNode);
  if (scope) return scope;
  scope = new Map();
  const add = (name: string | undefined, decl: Node) => {
    if (name !== undefined && !scope!.has(name)) scope!.set(name, decl);
  };
  for (const s of (n as Node & { getStatements(): Node[] }).getStatements()) {
    if (Node.isImportDeclaration(s)) {
      const clause = s.getImportClause();
      const def = s.getDefaultImport();
      if (clause && def) add(def.getText(), clause);
      const ns = s.getNamespaceImport();
      if (ns) add(ns.getText(), ns.getParent());
      for (const i of s.getNamedImports()) add((i.getAliasNode() ?? i.getNameNode()).getText(), i);
    } else if (Node.isVariableStatement(s)) {
      for (const decl of s.getDeclarations()) for (const bound of boundNames(decl.getNameNode())) add(bound, decl);
    } else if (Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s) || Node.isEnumDeclaration(s)) {
      add(s.getName(), s);
    }
  }
  scopes.set(n.compilerNode, scope);
  return scope;
}

/** The names a binding name declares, as bindsName tells them: the identifier, or a pattern's identifiers under binding elements. */
function boundNames(node: Node): string[] {
  if (Node.isIdentifier(node)) return [node.getText()];
  return node.getDescendants().filter((d) => Node.isIdentifier(d) && Node.isBindingElement(d.getParent())).map((d) => d.getText());
}

/** Whether a binding name (an identifier or a destructuring pattern) declares `name`. */
function bindsName(node: Node, name: string): boolean {
  if (Node.isIdentifier(node)) return node.getText() === name;
  return node.getDescendants().some((d) => Node.isIdentifier(d) && d.getText() === name && Node.isBindingElement(d.getParent()));
}
