// Where a key of the config is written, for diagnostics at file:line:col. The config is run
// to get its values (it may compute them); its source is read only to point at a key, with
// TypeScript's parser: the default export's object literal (directly, through defineConfig(...),
// or through a `const` it names), then nested object literals along the path.

import { ts } from "ts-morph";
import type { SourceLoc } from "../router/ir.js";

/** The location of `path` in the config source, or of the nearest enclosing key written there. */
export function locateKey(source: string, file: string, path: readonly string[]): SourceLoc {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith("ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const at = (node: ts.Node): SourceLoc => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { file, line: line + 1, column: character + 1 };
  };
  const root = defaultExport(sf);
  if (!root) return { file, line: 1, column: 1 };
  let container: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression | undefined = objectLiteral(sf, root);
  let best: ts.Node = root;
  for (const key of path) {
    if (!container) break;
    // An array element (plugins[0]) is its own location; an object key, the property.
    if (ts.isArrayLiteralExpression(container)) {
      const element = /^\d+$/.test(key) ? container.elements[Number(key)] : undefined;
      if (!element || ts.isSpreadElement(element)) break;
      best = element;
      container = objectLiteral(sf, element);
      continue;
    }
    const property = container.properties.find((p) => p.name && propertyName(p.name) === key);
    if (!property) break;
    best = property;
    container = ts.isPropertyAssignment(property)
      ? objectLiteral(sf, property.initializer)
      : ts.isShorthandPropertyAssignment(property)
        ? objectLiteral(sf, property.name)
        : undefined;
  }
  return at(best);
}

function defaultExport(sf: ts.SourceFile): ts.Expression | undefined {
  for (const statement of sf.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) return statement.expression;
  }
  return undefined;
}

/** The object (or array) literal an expression stands for: itself, defineConfig's argument, a const's initializer. */
function objectLiteral(sf: ts.SourceFile, expression: ts.Expression): ts.ObjectLiteralExpression | ts.ArrayLiteralExpression | undefined {
  let e: ts.Expression = expression;
  for (let hops = 0; hops < 5; hops++) {
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e)) return e;
    if (ts.isCallExpression(e) && e.arguments.length > 0) {
      e = e.arguments[0];
      continue;
    }
    if (ts.isIdentifier(e)) {
      const init = constInitializer(sf, e.text);
      if (!init) return undefined;
      e = init;
      continue;
    }
    return undefined;
  }
  return undefined;
}

function constInitializer(sf: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
    }
  }
  return undefined;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}
