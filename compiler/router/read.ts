// Reads a router module statically with ts-morph, without running it, into the DSL call tree.
// What the syntax alone cannot say (what a name is bound to, whether a target is a plug or a
// router, which actions a controller has) it asks a RouterSemantics (semantics.ts): the type
// checker's for a build, the syntactic one (syntactic.ts) for `fawkes routes`.
//
// Only what the matcher and the helpers need must be static: verbs, paths, controllers (as
// imports), actions, helper names, hosts, pipeline names. Everything else (plugs, `private`,
// `assigns`, forward options) is a run-time value the generated dispatch collects at startup.
// Whatever the reader cannot know for sure is a diagnostic, never a guess.

import { Node, SyntaxKind, ts, type CallExpression, type Expression, type SourceFile } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import type { DslCall, ForwardCall, PipeThroughCall, ResourcesCall, RouteCall, ScopeCall } from "./calls.js";
import type { InlinePlugIR, PipelineStepIR, ModuleRefIR, SourceLoc } from "./ir.js";
import { relativePosix } from "../paths.js";
import { lineAndColumnAt } from "./_positions.js";
import { describeKind, Options, unwrap } from "./_literals.js";
import type { RouterSemantics } from "./semantics.js";

const VERB_FNS: Record<string, string> = {
  get: "GET",
  post: "POST",
  put: "PUT",
  patch: "PATCH",
  delete: "DELETE",
  options: "OPTIONS",
  head: "HEAD",
};

export interface ReadResult {
  calls: DslCall[];
  diagnostics: Diagnostic[];
  /** For resources: which of the seven actions the controller lacks (as far as the semantics can tell). */
  missingActions: Map<ResourcesCall, Set<string>>;
  /** Number of route-making calls (get/.../resources/forward), in run order. */
  callCount: number;
  /** Plugs written inline in pipeThrough calls, in run order. */
  inlinePlugs: InlinePlugIR[];
}

/** Reads the router module `sourceFile`; `root` makes locations relative. */
export function readRouter(sourceFile: SourceFile, root: string, semantics: RouterSemantics): ReadResult {
  const r = new Reader(sourceFile, root, semantics);
  r.read();
  return { calls: r.calls, diagnostics: r.diagnostics, missingActions: r.missingActions, callCount: r.callIndex, inlinePlugs: r.inlinePlugs };
}

class Reader {
  readonly calls: DslCall[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly missingActions = new Map<ResourcesCall, Set<string>>();
  readonly inlinePlugs: InlinePlugIR[] = [];
  callIndex = 0;
  private readonly file: string;

  constructor(
    private readonly sf: SourceFile,
    private readonly root: string,
    private readonly semantics: RouterSemantics,
  ) {
    this.file = relativePosix(root, sf.getFilePath());
  }

  loc(node: Node): SourceLoc {
    const { line, column } = lineAndColumnAt(this.sf, node.getStart());
    return { file: this.file, line, column };
  }

  error(node: Node, code: string, message: string, hint?: string): void {
    this.diagnostics.push({ code, severity: "error", message, loc: this.loc(node), hint });
  }

  read(): void {
    const call = this.findDefineRouter();
    if (!call) return;
    const fn = call.getArguments()[0];
    if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
      this.error(call, "NOT_STATIC", "defineRouter expects a function literal", "write defineRouter((r) => { ... })");
      return;
    }
    const param = fn.getParameters()[0];
    if (!param || !Node.isIdentifier(param.getNameNode())) {
      this.error(fn, "NOT_STATIC", "the router function must take the builder as a plain parameter", "write defineRouter((r) => { ... })");
      return;
    }
    this.calls.push(...this.body(fn, new Set([param.getName()])));
  }

  /** `export default defineRouter(...)`, found by its syntax (an `export =` is no default export). */
  private findDefineRouter(): CallExpression | undefined {
    const decl = this.sf.getStatements().find((s) => Node.isExportAssignment(s) && !s.isExportEquals());
    const expr = decl && Node.isExportAssignment(decl) ? decl.getExpression() : undefined;
    if (!expr || !Node.isCallExpression(expr) || expr.getExpression().getText() !== "defineRouter") {
      this.diagnostics.push({
        code: "NO_ROUTER",
        severity: "error",
        message: `${this.file} has no \`export default defineRouter(...)\``,
        loc: { file: this.file, line: 1, column: 1 },
        hint: `import { defineRouter } from "fawkes" and export the router as the module's default export`,
      });
      return undefined;
    }
    return expr;
  }

  /** The statements of a callback body (a block or a single call expression). */
  private body(fn: Node, builders: Set<string>): DslCall[] {
    if (!(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
      this.error(fn, "NOT_STATIC", "expected a function literal here", "write () => { ... }");
      return [];
    }
    const inner = new Set(builders);
    const p = fn.getParameters()[0];
    if (p) inner.add(p.getName());
    const body = fn.getBody();
    const out: DslCall[] = [];
    const stmts = Node.isBlock(body) ? body.getStatements() : [body];
    for (const stmt of stmts) {
      const expr = Node.isExpressionStatement(stmt) ? stmt.getExpression() : Node.isExpression(stmt) ? stmt : undefined;
      if (!expr || !Node.isCallExpression(expr)) {
        this.error(
          stmt,
          "NOT_STATIC",
          `the router cannot be read statically: expected a call such as r.get(...), found ${describeKind(stmt)}`,
          "the router body may only call the builder's methods with literal arguments; compute values in plugs or controllers",
        );
        continue;
      }
      const call = this.call(expr, inner);
      if (call) out.push(call);
    }
    return out;
  }

  private call(expr: CallExpression, builders: Set<string>): DslCall | undefined {
    // The callee read from the syntax tree itself: its wrappers (the access, the builder, the
    // method name: three per DSL call) are made only for an error.
    const callee = expr.compilerNode.expression;
    const text = this.sf.compilerNode;
    if (!ts.isPropertyAccessExpression(callee) || !builders.has(callee.expression.getText(text))) {
      this.error(expr, "NOT_STATIC", `unexpected call ${expr.getExpression().getText()}(...) in the router`, "only the builder's methods (r.get, r.scope, ...) may be called here");
      return undefined;
    }
    const method = callee.name.getText(text);
    const args = (expr.getArguments() as Expression[]).map(unwrap);
    for (const a of args) {
      if (Node.isSpreadElement(a)) {
        this.error(a, "NOT_STATIC", "a spread argument cannot be read statically", "pass each argument explicitly");
        return undefined;
      }
    }
    if (method in VERB_FNS) return this.route(expr, method, VERB_FNS[method], args);
    switch (method) {
      case "match": {
        const verb = this.literal(args[0], "verb");
        if (verb === undefined) return undefined;
        return this.route(expr, "match", verb === "*" ? "*" : verb.toUpperCase(), args.slice(1));
      }
      case "pipeline":
        return this.pipeline(expr, args);
      case "pipeThrough":
        return this.pipeThrough(expr, args);
      case "scope":
        return this.scope(expr, args, builders);
      case "resources":
        return this.resources(expr, args, builders);
      case "forward":
        return this.forward(expr, args);
      default:
        this.error(expr.getExpressionIfKindOrThrow(SyntaxKind.PropertyAccessExpression).getNameNode(), "NOT_STATIC", `unknown router method ${method}`, "see RouterBuilder in fawkes for the DSL");
        return undefined;
    }
  }

  private route(expr: CallExpression, fn: string, verb: string, args: Expression[]): RouteCall | undefined {
    const callIndex = this.callIndex++;
    const path = this.path(args[0], expr);
    const target = this.moduleRef(args[1], "controller or plug");
    const plug = target !== undefined && this.semantics.isPlugRoute(args[1], target, args[2]);
    const action = plug ? null : this.literal(args[2], "action");
    const opts = this.options(args[3], ["as", "private", "assigns", "log"]);
    if (path === undefined || !target || action === undefined || !opts) return undefined;
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(verb) && verb !== "*" && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(verb)) {
      this.error(args[0], "INVALID_VERB", `invalid HTTP verb ${JSON.stringify(verb)}`);
    }
    const as = opts.stringOrFalse("as");
    if (plug && as) {
      this.error(opts.node("as")!, "INVALID_OPTION", `a route to the plug ${target.display} has no helper: a helper's first argument is an action`,
        "drop as (or write as: false); to build its path, route it to a controller action instead");
    }
    if (action !== null) this.checkAction(args[1], args[2], action, target);
    return { kind: "route", verb, fn, path, target, action, as: plug ? false : as, callIndex, loc: this.loc(expr), pathLoc: this.loc(args[0]) };
  }

  private pipeline(expr: CallExpression, args: Expression[]): DslCall | undefined {
    const name = this.literal(args[0], "pipeline name");
    if (name === undefined) return undefined;
    const plugs: string[] = [];
    const uses: { name: string; loc: SourceLoc }[] = [];
    const steps: PipelineStepIR[] = [];
    const fn = args[1];
    if (fn && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
      fn.forEachDescendant((n) => {
        if (!Node.isCallExpression(n)) return;
        const c = n.getExpression();
        if (!Node.isPropertyAccessExpression(c) || c.getName() !== "plug") return;
        plugs.push(n.getArguments().map((a) => a.getText()).join(", "));
        // A name plugs another pipeline (Phoenix's `plug :browser`): it must be known statically.
        const first = n.getArguments()[0];
        if (first && (Node.isStringLiteral(first) || Node.isNoSubstitutionTemplateLiteral(first))) {
          uses.push({ name: first.getLiteralValue(), loc: this.loc(first) });
          steps.push({ kind: "pipeline", name: first.getLiteralValue() });
        } else if (first && this.semantics.isStringTyped(first)) {
          this.error(first, "NOT_STATIC", `a pipeline plugged by name must be a string literal, found \`${first.getText()}\``);
        }
        const layout = first && layoutStep(first, n.getArguments()[1]);
        if (layout) steps.push(layout);
        else {
          // A plug of the app, for the assigns its type may declare.
          const ref = this.plugRef(first);
          if (ref) steps.push({ kind: "plug", ref });
        }
      });
    }
    return { kind: "pipeline", name, plugs, uses, steps, loc: this.loc(expr) };
  }

  /**
   * Pipeline names, plugs and `[plug, options]` pairs, or one array of pipeline names: an array
   * argument is that list when it is the only one and holds only strings (collect.ts decides
   * the same way at startup), else a pair.
   */
  private pipeThrough(expr: CallExpression, args: Expression[]): DslCall | undefined {
    const items: PipeThroughCall["items"] = [];
    const only = args.length === 1 && Node.isArrayLiteralExpression(args[0]) ? args[0].getElements().map((e) => unwrap(e as Expression)) : undefined;
    const listForm = only !== undefined && only.every((e) => this.semantics.isStringTyped(e));
    for (const a of listForm ? only : args) {
      if (this.semantics.isStringTyped(a)) {
        const name = this.literal(a, "pipeline name");
        if (name !== undefined) items.push({ kind: "pipeline", name, loc: this.loc(a) });
        continue;
      }
      let plug: Node = a;
      if (Node.isArrayLiteralExpression(a)) {
        const [p, ...rest] = a.getElements();
        if (!p || rest.length !== 1 || Node.isSpreadElement(p) || Node.isSpreadElement(rest[0])) {
          this.error(a, "NOT_STATIC", `a plug with options is written [plug, options], found \`${a.getText()}\``,
            "pipeline names go in the list of names (pipeThrough([\"browser\", \"api\"])) or as arguments of their own");
          continue;
        }
        plug = p;
      }
      const index = this.inlinePlugs.length;
      const display = plug.getText().replace(/\s+/g, " ");
      const ref = this.plugRef(plug);
      this.inlinePlugs.push({ display, loc: this.loc(a), ref });
      items.push({ kind: "plug", index, display, loc: this.loc(a) });
    }
    return { kind: "pipeThrough", items, loc: this.loc(expr) };
  }

  private scope(expr: CallExpression, args: Expression[], builders: Set<string>): ScopeCall | undefined {
    let i = 0;
    let path: string | null = null;
    if (args[0] && !Node.isObjectLiteralExpression(args[0])) {
      path = this.path(args[0], expr) ?? null;
      if (path === null) return undefined;
      i = 1;
    }
    let opts = this.options(undefined, []);
    if (args[i] && Node.isObjectLiteralExpression(args[i])) {
      opts = this.options(args[i], ["as", "helpers", "host", "private", "assigns", "log", "alias"]);
      i++;
    }
    if (!opts) return undefined;
    if (opts.has("alias")) {
      this.error(opts.node("alias")!, "UNSUPPORTED_OPTION", "scope alias has no meaning in TypeScript: controllers are imported modules",
        "import the controllers' module as a namespace (import * as Admin from ...) and write Admin.UserController");
    }
    const body = args[i];
    if (!body) {
      this.error(expr, "NOT_STATIC", "scope needs a body", 'write r.scope("/admin", () => { ... })');
      return undefined;
    }
    const as = opts.has("as") ? opts.stringOrFalse("as") : undefined;
    const helpers = opts.boolean("helpers") ?? true;
    if (!helpers && as !== undefined) {
      this.error(opts.node("helpers")!, "INVALID_OPTION", "a scope with helpers: false has no helper prefix to set with as",
        "drop as, or drop helpers: false (as: false only resets the prefix)");
    }
    const hosts = opts.has("host") ? opts.strings("host") : undefined;
    return { kind: "scope", path, as, helpers, hosts, body: this.body(body, builders), loc: this.loc(expr) };
  }

  private resources(expr: CallExpression, args: Expression[], builders: Set<string>): ResourcesCall | undefined {
    const callIndex = this.callIndex++;
    const path = this.path(args[0], expr);
    const target = this.moduleRef(args[1], "controller");
    let opts = this.options(undefined, []);
    let bodyNode: Node | undefined = args[2];
    if (args[2] && Node.isObjectLiteralExpression(args[2])) {
      opts = this.options(args[2], ["only", "except", "as", "name", "param", "singleton", "private", "assigns", "log", "alias"]);
      bodyNode = args[3];
    }
    if (path === undefined || !target || !opts) return undefined;
    if (opts.has("alias")) {
      this.error(opts.node("alias")!, "UNSUPPORTED_OPTION", "resources alias has no meaning in TypeScript: controllers are imported modules",
        "import the nested controllers directly");
    }
    const call: ResourcesCall = {
      kind: "resources",
      path,
      target,
      only: opts.has("only") ? opts.strings("only") : undefined,
      except: opts.has("except") ? opts.strings("except") : undefined,
      as: opts.stringOrFalse("as"),
      name: opts.string("name"),
      param: opts.string("param"),
      singleton: opts.boolean("singleton") ?? false,
      body: [],
      callIndex,
      loc: this.loc(expr),
      pathLoc: this.loc(args[0]),
      optionLoc: this.loc(opts.node("only") ?? opts.node("except") ?? expr),
    };
    this.missingActions.set(call, this.semantics.missingActions(args[1], ["index", "edit", "new", "show", "create", "update", "delete"]));
    if (bodyNode) call.body = this.body(bodyNode, builders);
    return call;
  }

  private forward(expr: CallExpression, args: Expression[]): ForwardCall | undefined {
    const callIndex = this.callIndex++;
    const path = this.path(args[0], expr);
    const target = this.moduleRef(args[1], "forward target");
    if (path === undefined || !target) return undefined;
    const router = this.routerModule(args[1], target);
    if (router !== null && args[2]) {
      this.error(args[2], "FORWARD_OPTIONS", `${target.display} is a router: a mounted router takes no options`,
        "options go to a plug's init; the mounted router's own pipelines and routes decide the rest");
    }
    return { kind: "forward", path, target, router, callIndex, loc: this.loc(expr), pathLoc: this.loc(args[0]) };
  }

  /** The module of a forward target that is another router (semantics.isRouter): null for a plug. */
  private routerModule(node: Expression, target: ModuleRefIR): string | null {
    if (!this.semantics.isRouter(node, target)) return null;
    const file = target.definedIn ?? target.import.resolvedFile;
    if (file === null) {
      this.error(node, "MOUNT_UNRESOLVED", `the router ${target.display} is not a file of this project`,
        "a mounted router is compiled with the app: import it from a module under the project root");
    }
    return file;
  }

  // --- arguments -------------------------------------------------------------------------

  private path(node: Expression | undefined, call: CallExpression): string | undefined {
    if (!node) {
      this.error(call, "NON_LITERAL_PATH", "missing path");
      return undefined;
    }
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
    this.error(
      node,
      "NON_LITERAL_PATH",
      `route path must be a string literal, found ${describeKind(node)} \`${node.getText()}\``,
      "the matcher is generated at build time; write the path literally and use :params for the dynamic parts",
    );
    return undefined;
  }

  private literal(node: Expression | Node | undefined, what: string): string | undefined {
    if (node && (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node))) return node.getLiteralValue();
    this.error(node ?? this.sf, "NOT_STATIC", `${what} must be a string literal${node ? `, found \`${node.getText()}\`` : ""}`);
    return undefined;
  }

  /** Follows an identifier (or `Ns.Member`) to the import that binds it. */
  private moduleRef(node: Expression | undefined, what: string): ModuleRefIR | undefined {
    const ref = this.resolveRef(node, what);
    if (typeof ref !== "string") return ref;
    if (ref === "not-a-binding") {
      this.error(node ?? this.sf, "CONTROLLER_UNRESOLVED", `${what} must be an imported binding${node ? `, found \`${node.getText()}\`` : ""}`,
        "import the controller (import * as UserController from \"./controllers/user.js\") and pass it by name");
    }
    return undefined;
  }

  /**
   * The app module's import a plug of a pipeline or pipeThrough is bound to, for the assigns its type
   * declares (actions.gen.ts names it: `PlugAssigns<typeof fetchCurrentUser>`), or null: a plug
   * that is not an imported binding (a call, a local function) declares nothing the generated
   * types could name. Plugs are run-time values: nothing here is an error.
   */
  private plugRef(node: Node | undefined): ModuleRefIR | null {
    if (!node || !(Node.isIdentifier(node) || Node.isPropertyAccessExpression(node))) return null;
    const ref = this.resolveRef(node, "plug", false);
    // Only the app's own modules: a package's plugs (fawkes's declare nothing, even where a path
    // mapping makes it a project file, as in this repository) are left out, as a
    // type-only import of a package without types would be an error in the generated module;
    // an app module that re-exports one (`export { plug } from "lib"`) brings it in.
    if (typeof ref === "string" || ref.import.resolvedFile === null || /^fawkes(\/|$)/.test(ref.import.specifier)) return null;
    return ref;
  }

  /**
   * The import behind `node`, or why not: "not-a-binding" (not an identifier or `Ns.Member`, for
   * the caller to report), "reported" (a diagnostic was added, when `report`), "unresolved".
   */
  private resolveRef(node: Node | undefined, what: string, report = true): ModuleRefIR | "not-a-binding" | "reported" | "unresolved" {
    const members: string[] = [];
    let cur: Node | undefined = node;
    while (cur && Node.isPropertyAccessExpression(cur)) {
      members.unshift(cur.getName());
      cur = cur.getExpression();
    }
    if (!node || !cur || !Node.isIdentifier(cur)) return "not-a-binding";
    const fail = (message: string, hint?: string) => {
      if (!report) return "unresolved" as const;
      this.error(node, "CONTROLLER_UNRESOLVED", message, hint);
      return "reported" as const;
    };
    const decl = this.semantics.declarationOf(cur);
    const importDecl = decl?.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
    if (!decl || !importDecl) {
      return fail(`cannot resolve ${what} \`${node.getText()}\` to an import`,
        decl ? "the generated code imports controllers from their modules: declare it in its own module and import it here" : `is \`${cur.getText()}\` imported?`);
    }
    if (importDecl.isTypeOnly() || (Node.isImportSpecifier(decl) && decl.isTypeOnly())) return fail(`${what} \`${node.getText()}\` is a type-only import`, "import it as a value");
    const imported = Node.isNamespaceImport(decl) ? "*" : Node.isImportClause(decl) ? "default" : Node.isImportSpecifier(decl) ? decl.getName() : undefined;
    if (!imported) return fail(`unsupported import form for \`${cur.getText()}\``);
    const resolvedFile = this.semantics.resolvedFile(importDecl);
    const ref: ModuleRefIR = {
      import: { specifier: importDecl.getModuleSpecifierValue(), resolvedFile, imported },
      local: cur.getText(),
      members,
      display: node.getText().replace(/\s+/g, ""),
      definedIn: resolvedFile,
    };
    ref.definedIn = this.semantics.definingFile(node as Expression, ref) ?? resolvedFile;
    return ref;
  }

  /** ACTION_MISSING when the semantics can tell the controller has no such action. */
  private checkAction(ctrlNode: Expression, actionNode: Expression, action: string, target: ModuleRefIR): void {
    const actions = this.semantics.lacksAction(ctrlNode, action);
    if (actions === null) return;
    this.error(actionNode, "ACTION_MISSING", `${target.display} has no action "${action}"`,
      actions.length ? `its actions are: ${actions.join(", ")}` : `export a function named ${action} from the controller module`);
  }

  private options(node: Expression | undefined, allowed: string[]): Options | undefined {
    const props = new Map<string, Node>();
    if (!node) return new Options(this, props);
    if (!Node.isObjectLiteralExpression(node)) {
      this.error(node, "NOT_STATIC", `options must be an object literal, found \`${node.getText()}\``);
      return undefined;
    }
    for (const p of node.getProperties()) {
      if (!Node.isPropertyAssignment(p) && !Node.isShorthandPropertyAssignment(p)) {
        this.error(p, "NOT_STATIC", "options cannot be read statically: use plain `key: value` properties", "spreads and methods are not allowed here");
        return undefined;
      }
      const name = p.compilerNode.name.getText(this.sf.compilerNode).replace(/^["']|["']$/g, "");
      if (!allowed.includes(name)) {
        this.error(p, "INVALID_OPTION", `unknown option ${name}`, `supported options: ${allowed.filter((a) => a !== "alias").join(", ")}`);
        continue;
      }
      props.set(name, Node.isPropertyAssignment(p) ? unwrap(p.getInitializerOrThrow()) : p);
    }
    return new Options(this, props);
  }

  staticError(node: Node, message: string, hint?: string): void {
    this.error(node, "NOT_STATIC", message, hint);
  }
}

/**
 * `p.plug(putLayout, "layouts/app.html")` (or putRootLayout, `false`): the layout a pipeline
 * puts, known by the plug's name as the router imports it from fawkes. A value that is not a
 * literal is a layout the build cannot know (null): the typed render leaves it unchecked.
 */
function layoutStep(plug: Node, value: Node | undefined): PipelineStepIR | undefined {
  const name = Node.isIdentifier(plug) ? plug.getText() : Node.isPropertyAccessExpression(plug) ? plug.getName() : "";
  const kind = name === "putLayout" ? "layout" : name === "putRootLayout" ? "rootLayout" : null;
  if (!kind) return undefined;
  if (value && (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value))) return { kind, template: value.getLiteralValue() };
  if (value && value.getKind() === SyntaxKind.FalseKeyword) return { kind, template: false };
  return { kind, template: null };
}
