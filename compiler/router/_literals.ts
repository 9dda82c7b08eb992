// Literal values in the router module, as the reader takes them: option objects, and the
// expression wrappers that do not change a value. Split from read.ts, which walks the calls.

import { Node, SyntaxKind, type Expression } from "ts-morph";

/** Literal option values; the ones read here must be static, the rest stay run-time values. */
export class Options {
  constructor(
    private readonly reader: { staticError(node: Node, message: string, hint?: string): void },
    private readonly props: Map<string, Node>,
  ) {}

  has(name: string): boolean {
    return this.props.has(name);
  }

  node(name: string): Node | undefined {
    return this.props.get(name);
  }

  string(name: string): string | undefined {
    const n = this.props.get(name);
    if (!n) return undefined;
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) return n.getLiteralValue();
    this.reader.staticError(n, `option ${name} must be a string literal, found \`${n.getText()}\``);
    return undefined;
  }

  stringOrFalse(name: string): string | false | undefined {
    const n = this.props.get(name);
    if (n && n.getKind() === SyntaxKind.FalseKeyword) return false;
    return this.string(name);
  }

  strings(name: string): string[] | undefined {
    const n = this.props.get(name);
    if (!n) return undefined;
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) return [n.getLiteralValue()];
    const inner = Node.isAsExpression(n) || Node.isSatisfiesExpression(n) ? n.getExpression() : n;
    if (Node.isArrayLiteralExpression(inner)) {
      const out: string[] = [];
      for (const e of inner.getElements()) {
        if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) out.push(e.getLiteralValue());
        else {
          this.reader.staticError(e, `option ${name} must list string literals, found \`${e.getText()}\``);
          return undefined;
        }
      }
      return out;
    }
    this.reader.staticError(n, `option ${name} must be an array of string literals, found \`${n.getText()}\``);
    return undefined;
  }

  boolean(name: string): boolean | undefined {
    const n = this.props.get(name);
    if (!n) return undefined;
    if (n.getKind() === SyntaxKind.TrueKeyword) return true;
    if (n.getKind() === SyntaxKind.FalseKeyword) return false;
    this.reader.staticError(n, `option ${name} must be true or false, found \`${n.getText()}\``);
    return undefined;
  }
}

/**
 * Strips what does not change a value: parentheses and type assertions. Without this,
 * `{ host: "api." } satisfies ScopeOptions` would not be seen as the options object and the
 * reader would complain about the scope body instead.
 */
export function unwrap(node: Expression): Expression {
  let cur: Expression = node;
  while (Node.isParenthesizedExpression(cur) || Node.isAsExpression(cur) || Node.isSatisfiesExpression(cur) || Node.isTypeAssertion(cur) || Node.isNonNullExpression(cur)) {
    cur = cur.getExpression();
  }
  return cur;
}

export function describeKind(node: Node): string {
  const k = node.getKindName();
  const map: Record<string, string> = {
    Identifier: "a variable",
    BinaryExpression: "an expression",
    TemplateExpression: "a template with substitutions",
    CallExpression: "a call",
    IfStatement: "an if statement",
    ForStatement: "a loop",
    ForOfStatement: "a loop",
    VariableStatement: "a variable declaration",
  };
  return map[k] ?? k.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
