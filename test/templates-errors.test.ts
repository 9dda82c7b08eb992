// Template errors as good as Eta's and located better (issue 12): a parse error keeps Eta's
// message and its excerpt with the caret, at the file's line and column (also where Eta's own
// count is off: after rmWhitespace, at lone-CR line breaks); a JavaScript error in tag code is
// reported in the tag, never in the wrapper the compiler generates around it; and the tag
// positions behind both come from a scan that agrees with Eta's parser (property-tested).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Eta } from "eta";
import { compileTemplates, formatDiagnostic, type Diagnostic, type TemplateConfig } from "../compiler/index.js";
import { LineIndex, locateTags, removeWhitespace } from "../compiler/templates/locate.js";
import { templatesText } from "./support/generated.js";

const TMP = resolve(import.meta.dirname, "../.fawkes-tmp");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Compiles one template `t.eta` with `config`; returns the diagnostics and the module. */
function compile(template: string, config: TemplateConfig = {}): { diagnostics: Diagnostic[]; text: string[]; generated: string | undefined } {
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(join(TMP, "errors-"));
  dirs.push(root);
  mkdirSync(join(root, "app/templates"), { recursive: true });
  writeFileSync(join(root, "app/templates/t.eta"), template);
  const result = compileTemplates({ root, config });
  return { diagnostics: result.diagnostics, text: result.diagnostics.map(formatDiagnostic), generated: templatesText(result.files) };
}

function etaError(template: string, config: object = {}): string {
  try {
    new Eta(config).parse(template);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("Eta parsed it");
}

describe("parse errors: Eta's message and excerpt, at the file's position", () => {
  it.each([
    ["unclosed tag", "template <%"],
    ["unclosed tag on a later line", "a\nb\n  <%= it.x"],
    ["unclosed string", "x\n\n  <%= 'abc %>"],
    ["unclosed template literal", "line 1\n<%= `abc %>"],
    ["unclosed comment", "<% /* %>"],
    ["a quote in a regex literal", "<% const r = /'/ %>"],
  ])("%s", (_name, template) => {
    const [d] = compile(template).diagnostics;
    const eta = etaError(template);
    const [, what, line, col] = /^(.*?) at line (\d+) col (\d+):/.exec(eta)!;
    expect(d.code).toBe("TEMPLATE_PARSE");
    expect({ line: d.loc.line, column: d.loc.column }).toEqual({ line: Number(line), column: Number(col) });
    // Eta: "what at line L col C:", a blank line, then the excerpt; ours: "what", then the same excerpt.
    expect(d.message.split("\n")).toEqual([what, ...eta.split("\n").slice(2)]);
  });

  it("the text format, with the hint", () => {
    expect(compile("ok\n<%= it.name\n").text).toEqual([
      "app/templates/t.eta:2:1: error[TEMPLATE_PARSE]: unclosed tag\n  <%= it.name\n  ^\n  hint: every opening tag needs its closing tag; a closing tag inside a string or /* comment */ does not count",
    ]);
  });

  it("after rmWhitespace: the file's line and column (Eta counts in the text with blank lines and indentation removed)", () => {
    const template = "<p>\n\n   \n    <%= 'abc %>\n</p>";
    expect(etaError(template, { rmWhitespace: true })).toMatch(/^unclosed string at line 2 col 5:/);
    const [d] = compile(template, { rmWhitespace: true }).diagnostics;
    expect(d.loc).toEqual({ file: "app/templates/t.eta", line: 4, column: 9 });
    expect(d.message).toBe("unclosed string\n      <%= 'abc %>\n          ^");
  });

  it("lone CR line breaks count as lines, as in an editor (Eta counts \\n only)", () => {
    expect(etaError("a\rb\r<%= 'x %>")).toMatch(/at line 1 col 9:/);
    expect(compile("a\rb\r<%= 'x %>").diagnostics[0].loc).toMatchObject({ line: 3, column: 5 });
  });

  it("a quote after a tag left open on an earlier line: the tag is named, where the mistake is", () => {
    const [d] = compile("<h1>Hello <%= it.title </h1>\n<p>Phoenix's page</p>\n").diagnostics;
    expect(d.loc).toMatchObject({ line: 2, column: 11 });
    expect(d.message.split("\n")[0]).toBe("unclosed string");
    expect(d.related).toEqual([{ message: "Eta was reading the code of the tag <%= opened here: is its closing tag missing?", loc: { file: "app/templates/t.eta", line: 1, column: 11 } }]);
    expect(formatDiagnostic(d)).toContain("  Eta was reading the code of the tag <%= opened here: is its closing tag missing? (app/templates/t.eta:1:11)\n");
    // On the quote's own line the excerpt shows the tag: nothing added.
    expect(compile("x\n\n  <%= 'abc %>").diagnostics[0].related).toBeUndefined();
  });

  it("a tab before the column stays a tab in the caret line", () => {
    expect(compile("\t\t<%= 'x %>").diagnostics[0].message).toBe("unclosed string\n  \t\t<%= 'x %>\n  \t\t    ^");
  });

  it("in text a processTemplate plugin returned, it says so", () => {
    const [d] = compile("a\n<%= it.x END%>", { plugins: [{ processTemplate: (s) => s.replace("END%>", "") }] }).diagnostics;
    expect(d.message.split("\n")[0]).toBe("unclosed tag (in the text processTemplate returned)");
  });
});

describe("JavaScript errors in tag code: in the tag, never in the generated wrapper", () => {
  // Each of these used to read as an error in the wrapper ("'try' expected", "'catch' or
  // 'finally' expected", "Declaration or statement expected") at the line of the last tag.
  it.each([
    ["a missing }", "<ul>\n<% for (const u of it.users) { %>\n  <li><%= u %></li>\n</ul>\n", 2, 30, "`{` is never closed"],
    ["an extra } (today: 'try' expected)", "a\n  <% if (it.ok) { %>x<% } %>\n  <% } %>b", 3, 6, "`}` closes nothing: no bracket is open here"],
    ["a } closing a (", "<% it.xs.map((x) => { %>\n<%= x %>\n<% } } %>", 3, 6, "`}` where `)` was expected: the `(` at 1:13 is still open"],
    ["a statement in <%= %>", "<p><%= it.a; %></p>", 1, 12, "')' expected in the code of <%= … %>"],
    ["an empty <%~ %>", "a<%~ %>b", 1, 6, "Expression expected in the code of <%~ … %>"],
    ["a // comment in <%= %>", "<%= it.x // note %>", 1, 10, "a // comment in <%= … %> comments out the closing parenthesis its value is wrapped in"],
    ["a legacy octal literal", "x <%= 010 %>", 1, 7, "Octal literals are not allowed. Use the syntax '0o10' in the code of <%= … %>"],
    ["an unclosed ( inside <%= %>", "<%= fn(1 %>", 1, 7, "`(` is never closed"],
    ["a } in a template literal's ${} is not a brace", "<% const s = `${'}'}` %><% } %>", 1, 28, "`}` closes nothing: no bracket is open here"],
  ])("%s", (_name, template, line, column, message) => {
    const { diagnostics } = compile(template);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d.code).toBe("TEMPLATE_SYNTAX");
    expect(d.loc).toEqual({ file: "app/templates/t.eta", line, column });
    expect(d.message.split("\n")[0]).toBe(message);
    // The excerpt's caret is under the reported column.
    const [, source, caret] = d.message.split("\n");
    expect(source).toBe("  " + new LineIndex(template).lineText(line));
    expect(caret.indexOf("^")).toBe(column + 1);
    expect(formatDiagnostic(d)).not.toMatch(/\btry\b|\bcatch\b|__res|__eta|__e\(|__line|templates\.gen\.ts|__probe/);
  });

  it("valid code that only balances across tags compiles (Eta's capture-in-include idiom)", () => {
    expect(compile('<%~ include(it.wrapper, {content: capture(() => { %><h1>Hi</h1><% })}) %>').diagnostics).toEqual([]);
    expect(compile("<% if (it.a) { %>a<% } else { %>b<% } %><%= `${it.x}}` %><% const r = /[{(]/ %>").diagnostics).toEqual([]);
  });

  it("with rmWhitespace, the column is the file's", () => {
    const { diagnostics } = compile("<div>\n\n      <% if (it.ok) { %>\n</div>", { rmWhitespace: true });
    expect(diagnostics[0].loc).toEqual({ file: "app/templates/t.eta", line: 3, column: 21 });
  });

  it("functionHeader errors point at the option (templates.functionHeader), not at a template", () => {
    expect(compile("<p>x</p>", { functionHeader: "const a = {;" }).diagnostics.map((d) => d.message)).toEqual(["`{` is never closed"]);
    const { diagnostics } = compile("<p>x</p>", { functionHeader: "const a = ;" });
    expect(diagnostics.map((d) => d.message)).toEqual(["Expression expected in the code of templates.functionHeader"]);
    expect(diagnostics[0].loc.file).toBe("app/templates");
  });

  it("code a processFnString plugin breaks is found in the module, at the template line, naming the plugin's part", () => {
    const { diagnostics } = compile("a\n<%= it.x %>", { plugins: [{ processFnString: (s) => s.replace("it.x", "it.x)") }] });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "TEMPLATE_SYNTAX", loc: { file: "app/templates/t.eta", line: 2 } });
    expect(diagnostics[0].hint).toMatch(/processFnString/);
  });

  it("a template a processFnString plugin makes valid compiles (plugins.spec's @@num@@)", () => {
    const { diagnostics, generated } = compile("<%= @@num@@ %>", { plugins: [{ processFnString: (s) => s.replace(/@@num@@/, "2352.3") }] });
    expect(diagnostics).toEqual([]);
    expect(generated).toContain("__e(2352.3)");
  });
});

describe("the tag lines in the generated comments are the file's", () => {
  it("with rmWhitespace (Eta's debug lineNo counts the stripped text)", () => {
    const { generated } = compile("<p>\n\n\n  <%= it.a %>\n\n<%= it.b %>\n</p>", { rmWhitespace: true });
    expect(generated).toContain("__e(it.a)");
    expect(generated).toMatch(/__e\(it\.a\).*\/\/ app\/templates\/t\.eta:4\n/);
    expect(generated).toMatch(/__e\(it\.b\).*\/\/ app\/templates\/t\.eta:6\n/);
  });
});

describe("the tag scan agrees with Eta's parser", () => {
  // Pieces whose combinations exercise what the scan must skip as Eta does: strings, template
  // literals with ${}, comments, markers, prefixes, custom prefixes, close tags inside strings.
  const piece = fc.constantFrom(
    "text ", "\n", "\r\n", "  ", "'", '"', "`", "%>", "<%= it.x %>", "<%~ it.h %>", "<% if (a) { %>", "<% } %>",
    "<%- = 1 -%>", "<%_ = 2 _%>", "<%= '%>' %>", '<%= "a\\"%>" %>', "<%= `${'%>'}` %>", "<% /* %> */ %>", "<%* key %>",
    "<%#note%>", "{{= it.y }}", "{{ x }}", "<%\n  multi\n  line\n%>", "<%= `a\n b` %>",
  );
  const configs: object[] = [{}, { rmWhitespace: true }, { customTags: { "*": () => "", "#": () => "" } }, { tags: ["{{", "}}"] }, { parse: { exec: "#", interpolate: "=", raw: "!" } }];

  it("finds the same tags, with their code at the offsets it reports, on the line Eta counts", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.constantFrom(...configs), (pieces, config) => {
        const source = pieces.join("");
        const eta = new Eta({ ...config, debug: true });
        let ast: Array<string | { t: string; val: string; lineNo?: number }>;
        try {
          ast = eta.parse(source) as typeof ast;
        } catch {
          return; // parse errors are Eta's to report
        }
        const text = eta.config.rmWhitespace ? removeWhitespace(source).text : source;
        const found = locateTags(text, eta.config);
        const tags = ast.filter((n): n is { t: string; val: string; lineNo?: number } => typeof n !== "string");
        expect(found.map((f) => [f.t, f.val])).toEqual(tags.map((t) => [t.t, t.val]));
        for (const [i, f] of found.entries()) {
          expect(text.slice(f.code, f.code + f.val.length)).toBe(f.val);
          // Eta's debug line: the opening tag's, counting "\n" in the text it parsed.
          expect(text.slice(0, f.open).split("\n").length).toBe(tags[i].lineNo);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("removeWhitespace is Eta's rmWhitespace, and maps each character back to the one it came from", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", " ", "\t", "\n", "\r\n", "\r", "b c", "\u00a0"), { maxLength: 20 }), (parts) => {
        const source = parts.join("");
        const mapped = removeWhitespace(source);
        expect(mapped.text).toBe(source.replace(/[\r\n]+/g, "\n").replace(/^\s+|\s+$/gm, ""));
        for (let i = 0; i < mapped.text.length; i++) if (mapped.text[i] !== "\n") expect(source[mapped.origin[i]]).toBe(mapped.text[i]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("diagnostics about options point at where the option is set", () => {
  it("the useWith diagnostic is at the config key when one is given, at the templates folder otherwise", () => {
    mkdirSync(TMP, { recursive: true });
    const root = mkdtempSync(join(TMP, "errors-"));
    dirs.push(root);
    mkdirSync(join(root, "app/templates"), { recursive: true });
    writeFileSync(join(root, "app/templates/t.eta"), "<%= name %>");
    const keys: string[][] = [];
    const located = compileTemplates({ root, config: { useWith: true }, locate: (key) => (keys.push(key), { file: "fawkes.config.ts", line: 7, column: 5 }) });
    expect(keys).toContainEqual(["useWith"]);
    expect(formatDiagnostic(located.diagnostics[0])).toMatch(/^fawkes\.config\.ts:7:5: error\[UNSUPPORTED_WITH\]/);
    expect(formatDiagnostic(compileTemplates({ root, config: { useWith: true } }).diagnostics[0])).toMatch(/^app\/templates:1:1: error\[UNSUPPORTED_WITH\]/);
  });
});
