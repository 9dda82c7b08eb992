// What the router reader asks beyond the syntax tree, answered two ways: with the type checker
// (typedSemantics: `fawkes build`, `check`, the plugins and the dev server, which must report
// ACTION_MISSING) or from the syntax of the router and the modules it imports alone
// (syntactic.ts: `fawkes routes`, which answers without building a program). read.ts walks
// the DSL once and calls these; nothing else in the reader looks at types.

import { Node, type Expression, type Identifier, type ImportDeclaration } from "ts-morph";
import type { ModuleRefIR } from "./ir.js";
import { relativePosix } from "../paths.js";

export interface RouterSemantics {
  /** The declaration a name in the router module binds to: an import clause, specifier or namespace import, or a local declaration. */
  declarationOf(id: Identifier): Node | undefined;
  /** The project file (relative to the root) an import's module resolves to; null for a package or an unresolved module. */
  resolvedFile(decl: ImportDeclaration): string | null;
  /**
   * The project file whose declaration `node` finally refers to, through imports and re-exports:
   * a namespace re-export (`export * as X from`) ends at the module itself. Null when unknown.
   */
  definingFile(node: Expression, ref: ModuleRefIR): string | null;
  /**
   * Whether `r.get(path, target, third)` routes to a plug (Phoenix's `get "/plug", SomePlug, opts`)
   * rather than to a controller action.
   */
  isPlugRoute(target: Expression, ref: ModuleRefIR, third: Expression | undefined): boolean;
  /** Whether a forward target is a router (`defineRouter(...)`, or a namespace whose default export is one). */
  isRouter(target: Expression, ref: ModuleRefIR): boolean;
  /** A string (a pipeline name) rather than a plug. */
  isStringTyped(node: Node): boolean;
  /** Which of `actions` the controller lacks (empty when it cannot tell). */
  missingActions(controller: Expression, actions: readonly string[]): Set<string>;
  /** Null when the controller has `action` (or it cannot tell); else the actions it has, for the hint. */
  lacksAction(controller: Expression, action: string): string[] | null;
}

/** The answers of the type checker: the router module must be in a program with everything it imports. */
export function typedSemantics(root: string): RouterSemantics {
  return {
    declarationOf: (id) => id.getSymbol()?.getDeclarations()[0],
    resolvedFile(decl) {
      const resolved = decl.getModuleSpecifierSourceFile();
      return resolved && !resolved.isInNodeModules() ? relativePosix(root, resolved.getFilePath()) : null;
    },
    definingFile(node) {
      let symbol = node.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
      const decl = symbol?.getDeclarations()[0];
      if (!decl) return null;
      const file = Node.isSourceFile(decl) ? decl : decl.getSourceFile();
      return file.isInNodeModules() || file.isDeclarationFile() ? null : relativePosix(root, file.getFilePath());
    },
    /**
     * The rule TypeScript's RouteFn overloads give; collect.ts applies it to the values at
     * startup, and verifyCollected compares: a function is a plug; an object is a controller
     * when `third` is a string naming one of its members, or when it has no `call`; otherwise
     * it is a module plug and `third` its options.
     */
    isPlugRoute(target, _ref, third) {
      const type = target.getType();
      if (type.isAny()) return false;
      if (type.getCallSignatures().length > 0) return true;
      const named = third && (Node.isStringLiteral(third) || Node.isNoSubstitutionTemplateLiteral(third)) ? third.getLiteralValue() : undefined;
      if (named !== undefined && type.getProperty(named)) return false;
      return type.getProperty("call") !== undefined;
    },
    /** By the type `defineRouter` returns: `kind: "fawkes.router"`, on the value or on its `default`. */
    isRouter(node) {
      const type = node.getType();
      if (type.isAny()) return false;
      const isRouter = (t: ReturnType<Expression["getType"]>) => t.getProperty("kind")?.getTypeAtLocation(node).getLiteralValue() === "fawkes.router";
      const def = type.getProperty("default");
      return isRouter(type) || (def !== undefined && isRouter(def.getTypeAtLocation(node)));
    },
    isStringTyped(node) {
      if (isStringLiteralLike(node)) return true;
      const type = node.getType();
      return type.isString() || type.isStringLiteral() || (type.isUnion() && type.getUnionTypes().every((t) => t.isString() || t.isStringLiteral()));
    },
    missingActions(controller, actions) {
      const type = controller.getType();
      return new Set(type.isAny() ? [] : actions.filter((a) => !type.getProperty(a)));
    },
    lacksAction(controller, action) {
      const type = controller.getType();
      if (type.isAny() || type.getProperty(action)) return null;
      return type
        .getProperties()
        .filter((p) => p.getValueDeclaration() && p.getTypeAtLocation(controller).getCallSignatures().length > 0)
        .map((p) => p.getName())
        .sort();
    },
  };
}

/** A string written as one: a literal or a template (the only strings syntax alone can see). */
export function isStringLiteralLike(node: Node): boolean {
  return Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isTemplateExpression(node);
}
