// Brackets across tags: `{ ( [` and `${` matched with TypeScript's scanner (so strings,
// comments, template literals and regular expressions are skipped as JavaScript does), one stack
// for the whole template, since a block opened in one tag closes in a later one. A missing or
// extra `}` is then reported at the brace itself, not where the parser gives up.

import { ts } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import { parsePrefixes } from "./options.js";
import { describeLoc, problem, type Probe, type Segment, type Where } from "./probe.js";
import type { EtaTag, TemplateConfig } from "./ir.js";

const OPENERS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.OpenBraceToken]: "{",
  [ts.SyntaxKind.OpenParenToken]: "(",
  [ts.SyntaxKind.OpenBracketToken]: "[",
};
const CLOSERS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.CloseBraceToken]: "}",
  [ts.SyntaxKind.CloseParenToken]: ")",
  [ts.SyntaxKind.CloseBracketToken]: "]",
};
const PAIR: Record<string, string> = { "{": "}", "(": ")", "[": "]", "${": "}" };

/** After these a `/` divides; after anything else it starts a regular expression. */
const ENDS_EXPRESSION = new Set([
  ts.SyntaxKind.Identifier, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.BigIntLiteral, ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateTail, ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.ThisKeyword, ts.SyntaxKind.SuperKeyword, ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword, ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken,
]);

interface Open {
  bracket: string;
  offset: number;
  node: EtaTag | null;
  /** Opened in a tag that must balance by itself. */
  own: boolean;
}

/**
 * Unbalanced brackets, or null when every bracket is matched. Tags share one stack, since a
 * block spans tags (even `<%~ include("@w", { body: capture(() => { %>...<% }) }) %>`, as in
 * Eta's tests); a tag whose code sits inside a call (`__e(code)`) and the functionHeader must
 * each balance on their own.
 */
export function bracketErrors(probe: Probe, where: Where, config: TemplateConfig): Diagnostic[] | null {
  const shared: Open[] = [];
  for (const s of probe.segments) {
    const own = s.node === null || s.wrapped;
    const stack = own ? [] : shared;
    const problem = scanBrackets(probe.text, s, stack);
    if (problem) return [problem(where, config)];
    if (own && stack.length) return [unclosed(stack[stack.length - 1], where, config)];
  }
  return shared.length ? [unclosed(shared[shared.length - 1], where, config)] : null;
}

type Problem = (where: Where, config: TemplateConfig) => Diagnostic;

function scanBrackets(text: string, s: Segment, stack: Open[]): Problem | null {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text, undefined, s.start, s.end - s.start);
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const at = scanner.getTokenStart();
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && !ENDS_EXPRESSION.has(previous)) kind = scanner.reScanSlashToken();
    if (kind === ts.SyntaxKind.CloseBraceToken && stack.at(-1)?.bracket === "${") {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateTail) stack.pop();
    } else if (kind === ts.SyntaxKind.TemplateHead) {
      stack.push({ bracket: "${", offset: at, node: s.node, own: s.wrapped || s.node === null });
    } else if (OPENERS[kind]) {
      stack.push({ bracket: OPENERS[kind]!, offset: at, node: s.node, own: s.wrapped || s.node === null });
    } else if (CLOSERS[kind]) {
      const bracket = CLOSERS[kind]!;
      const open = stack.pop();
      if (!open) return (where, config) => problem(`\`${bracket}\` closes nothing: no bracket is open here`, at, s.node, where, config, `an extra ${bracket}, or the tag that opens it is missing or comes later`);
      if (PAIR[open.bracket] !== bracket) {
        return (where, config) => ({
          ...problem(`\`${bracket}\` where \`${PAIR[open.bracket]}\` was expected: the \`${open.bracket}\` at ${describeLoc(where.loc(open.offset))} is still open`, at, s.node, where, config),
          related: [{ message: `\`${open.bracket}\` opened here`, loc: where.loc(open.offset) }],
        });
      }
    }
    previous = kind;
  }
  return null;
}

function unclosed(open: Open, where: Where, config: TemplateConfig): Diagnostic {
  const [o, c] = config.tags ?? ["<%", "%>"];
  const close = PAIR[open.bracket];
  return problem(
    `\`${open.bracket}\` is never closed`,
    open.offset,
    open.node,
    where,
    config,
    !open.own ? `close it in a later tag: ${o}${parsePrefixes(config).exec ?? ""} ${close} ${c}` : open.node === null ? undefined : `${where.describe(open.node, config)} holds one expression: close it within the same tag`,
  );
}
