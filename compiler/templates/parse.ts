// One template, source to Eta's AST: the plugins' processTemplate, then Eta's own parser (exact
// tokenisation, trimming, errors; rmWhitespace and processAST happen inside it, as in Eta), then
// positions for every tag (locate.ts), mapped back to the file. A parse error keeps Eta's
// message and excerpt with the caret, at the file's line and column, which Eta gets wrong
// after rmWhitespace (it counts lines in the text with blank lines removed) or lone-CR breaks.

import { Eta, EtaParseError } from "eta";
import type { Diagnostic } from "../diagnostics.js";
import { identity, LineIndex, locateTags, offsetOfEtaPosition, removeWhitespace, type MappedText } from "./locate.js";
import { messageOf, pluginName } from "./plugins.js";
import type { EtaAst, EtaTag, Locate, TemplatePlugin } from "./ir.js";

export interface ParseContext {
  eta: Eta;
  plugins: readonly TemplatePlugin[];
  locate: Locate;
}

export interface ParsedTemplate {
  ast: EtaAst;
  text: string;
  rewritten: boolean;
  parsed: { text: string; origin: number[]; tagCode: Map<EtaTag, number> };
}

/** Thrown through Eta's parse by a processAST wrapper, so the failing plugin can be named. */
class PluginFailure extends Error {
  constructor(readonly index: number, readonly error: unknown) {
    super(messageOf(error));
  }
}

/**
 * The Eta instance templates are parsed with: the config's options, custom tags (functions that
 * are never called: the parser only needs their prefixes), and processAST wrapped so that a
 * throw names its plugin. processTemplate runs in parseTemplate instead, so that a rewrite is known.
 */
export function parserFor(etaConfig: Record<string, unknown>, plugins: readonly TemplatePlugin[]): Eta {
  const wrapped = plugins.flatMap((p, i) =>
    p.processAST
      ? [{ processAST: (ast: EtaAst, env?: object) => {
          try {
            return p.processAST!(ast, env);
          } catch (error) {
            throw new PluginFailure(i, error);
          }
        } }]
      : [],
  );
  return new Eta({ ...etaConfig, plugins: wrapped } as ConstructorParameters<typeof Eta>[0]);
}

export function parseTemplate(source: string, file: string, ctx: ParseContext): { template?: ParsedTemplate; diagnostics: Diagnostic[] } {
  const at = { file, line: 1, column: 1 };
  let text = source;
  for (const [i, plugin] of ctx.plugins.entries()) {
    if (!plugin.processTemplate) continue;
    try {
      const next = plugin.processTemplate(text, ctx.eta.config);
      if (typeof next !== "string") throw new Error(`it returned ${next === null ? "null" : typeof next}, not a string`);
      text = next;
    } catch (error) {
      return { diagnostics: [pluginDiagnostic("processTemplate", plugin, i, error, at, ctx.locate)] };
    }
  }
  const rewritten = text !== source;
  const mapped: MappedText = ctx.eta.config.rmWhitespace ? removeWhitespace(text) : identity(text);
  const lines = new LineIndex(text);
  let ast: EtaAst;
  try {
    ast = ctx.eta.parse(text) as EtaAst;
  } catch (error) {
    if (error instanceof PluginFailure) return { diagnostics: [pluginDiagnostic("processAST", ctx.plugins[error.index], error.index, error.error, at, ctx.locate)] };
    return { diagnostics: [parseDiagnostic(error, mapped, lines, at, rewritten, ctx.eta.config.tags[0])] };
  }
  // Pair Eta's tags with the scan's, in order. A tag a processAST plugin made has no position;
  // one it removed is skipped over.
  const tagCode = new Map<EtaTag, number>();
  const found = locateTags(mapped.text, ctx.eta.config);
  let j = 0;
  for (const node of ast) {
    if (typeof node === "string") continue;
    const k = found.findIndex((p, i) => i >= j && p.t === node.t && p.val === node.val);
    if (k === -1) continue;
    const pos = found[k];
    j = k + 1;
    const { line, column } = lines.at(mapped.origin[pos.open]);
    node.lineNo = line;
    node.column = column;
    tagCode.set(node, pos.code);
  }
  return { template: { ast, text, rewritten, parsed: { text: mapped.text, origin: mapped.origin, tagCode } }, diagnostics: [] };
}

const PARSE_HINTS: Record<string, string> = {
  "unclosed tag": "every opening tag needs its closing tag; a closing tag inside a string or /* comment */ does not count",
  "unclosed string": "Eta reads every quote inside a tag as the start of a string, including one in a regex literal (/'/) or a // comment (don't): use /* */ comments and new RegExp(\"'\")",
  "unclosed comment": "a /* in tag code needs its */ before the closing tag",
};

/** Eta says "unclosed tag at line L col C:" and an excerpt; keep both, at the file's position. */
function parseDiagnostic(error: unknown, mapped: MappedText, lines: LineIndex, at: Diagnostic["loc"], rewritten: boolean, openTag: string): Diagnostic {
  const message = messageOf(error);
  const m = /^(.*?) at line (\d+) col (\d+)/.exec(message);
  if (!m) return { code: error instanceof EtaParseError ? "TEMPLATE_PARSE" : "TEMPLATE_ERROR", severity: "error", message: message.split("\n")[0], loc: at };
  const parsedOffset = offsetOfEtaPosition(mapped.text, Number(m[2]), Number(m[3]));
  const offset = mapped.origin[parsedOffset];
  const hint = PARSE_HINTS[m[1]];
  const loc = { ...at, ...lines.at(offset) };
  // A quote in the text after a tag left open (`<%= it.title </h1>`, then "Phoenix's" lines
  // later) is where Eta notices, not the mistake: name the tag it was reading, when it opened on
  // an earlier line (on the quote's own line, the excerpt shows it).
  const related: Diagnostic["related"] = [];
  const opened = m[1] === "unclosed string" ? mapped.text.lastIndexOf(openTag, parsedOffset) : -1;
  if (opened !== -1 && lines.at(mapped.origin[opened]).line < loc.line) {
    const prefix = /^[=~_-]?/.exec(mapped.text.slice(opened + openTag.length))![0];
    related.push({ message: `Eta was reading the code of the tag ${openTag}${prefix} opened here: is its closing tag missing?`, loc: { ...at, ...lines.at(mapped.origin[opened]) } });
  }
  return {
    code: "TEMPLATE_PARSE",
    severity: "error",
    message: `${m[1]}${rewritten ? " (in the text processTemplate returned)" : ""}\n${lines.excerpt(offset)}`,
    loc,
    ...(related.length ? { related } : {}),
    ...(hint ? { hint } : {}),
  };
}

function pluginDiagnostic(hook: string, plugin: TemplatePlugin, index: number, error: unknown, at: Diagnostic["loc"], locate: Locate): Diagnostic {
  return {
    code: "TEMPLATE_PLUGIN",
    severity: "error",
    message: `${hook} of ${pluginName(plugin, index)} failed on this template: ${messageOf(error)}`,
    loc: at,
    related: [{ message: "the plugin is configured here", loc: locate(["plugins", String(index)]) }],
  };
}
