// Differential suite: every row is a template set × data × config rendered by our precompiled
// module and by Eta 4 itself (the oracle, at test time), and the outputs must be byte-identical.
// Error rows check that both sides throw (not the messages); rows our design rejects on purpose
// (`useWith`) and Eta parse errors check the compiler's diagnostic instead.
//
// Speed: one fixture (one directory, one compile, one generated module) per config group. Rows
// are namespaced into their own folder `cN/` of the group's templates dir (the render name is
// rewritten: "main" → "cN/main", "./main" → "./cN/main", "/main" → "/cN/main"); rows that need
// the templates root itself (absolute includes, names that escape it) set `atRoot` and use
// file names unique in their group. When a group's module does not compile or import, the group
// is bisected so one broken row cannot hide the others; rows expected to break the build
// (`isolate`) get a fixture of their own.
//
// Every mismatch is also written to .fawkes-tmp/templates-diff-report.json (group, row, mode,
// config, files, data, Eta's output, ours).

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  compileFixture,
  removeFixtures,
  TEMPLATES_DIR,
  TEMPLATES_TMP,
  type DataSource,
  type Outcome,
  type RenderPair,
  type TemplateConfig,
  type TemplateFixture,
} from "./support/templates.js";

// ─── table types and builders ────────────────────────────────────────────────────────────────

type Mode = "sync" | "async";

type Expectation =
  /** Same output, byte for byte (Eta must not throw: a row where it does is a table bug). */
  | { kind: "equal" }
  /** Eta throws; we must throw at render time (or, with allowDiagnostic, report an error at build time). */
  | { kind: "throws"; allowDiagnostic?: boolean }
  /** The compiler reports `code`; with `etaParseError`, Eta throws a parse error at the same line and column. */
  | { kind: "diagnostic"; code: string; etaParseError?: boolean }
  /**
   * Sloppy-mode-only code (ES modules are strict): Eta renders; we must give the same output,
   * throw at render time, or report it at build time. Never a module that fails to import.
   */
  | { kind: "strict" }
  /**
   * A documented difference: the generated module is TypeScript, which reads a few JavaScript
   * spellings differently. Eta renders; we give exactly `ours` (a string), or throw matching it.
   */
  | { kind: "differs"; ours: string | RegExp; why: string }
  /**
   * A literal name Eta fails to find at render: the build reports `code` instead (includes are
   * verified at build, compiler/templates/includes.ts). Its twin with a dynamic name keeps the
   * runtime's own resolution under test.
   */
  | { kind: "buildError"; code: string }
  /** Eta throws; a Phoenix-style name (without the engine's extension) resolved at build renders `ours`. */
  | { kind: "resolves"; ours: string };

interface Row {
  name: string;
  /** Paths relative to the templates dir (namespaced unless atRoot). */
  files: Record<string, string>;
  /** The name passed to render (namespaced unless atRoot). */
  render: string;
  data?: DataSource;
  modes: Mode[];
  expect: Expectation;
  atRoot?: boolean;
  /** Gets a fixture of its own (rows expected to produce diagnostics or an unloadable module). */
  isolate?: boolean;
  /** Pins Eta's output, so the row provably exercises what its name says. */
  eta?: string;
}

type Extra = Partial<Omit<Row, "name" | "files" | "render" | "data">>;

const EQUAL: Expectation = { kind: "equal" };
const THROWS: Expectation = { kind: "throws" };
const SYNTAX: Expectation = { kind: "throws", allowDiagnostic: true };
const NOT_FOUND: Expectation = { kind: "buildError", code: "TEMPLATE_NOT_FOUND" };
const BOTH: Mode[] = ["sync", "async"];
const SYNC: Mode[] = ["sync"];
const ASYNC: Mode[] = ["async"];

/** A single template `main.eta`, rendered as "main". */
function one(name: string, template: string, data?: DataSource, extra: Extra = {}): Row {
  return many(name, { "main.eta": template }, "main", data, extra);
}

function many(name: string, files: Record<string, string>, render: string, data?: DataSource, extra: Extra = {}): Row {
  const expectation = extra.expect ?? EQUAL;
  const isolate = extra.isolate ?? (expectation.kind === "diagnostic" || expectation.kind === "buildError" || expectation.kind === "strict" || (expectation.kind === "throws" && !!expectation.allowDiagnostic));
  return { modes: BOTH, expect: expectation, ...extra, isolate, name, files, render, data };
}

function fails(name: string, template: string, data?: DataSource, extra: Extra = {}): Row {
  return one(name, template, data, { expect: THROWS, ...extra });
}

interface Group {
  title: string;
  config: TemplateConfig;
  rows: Row[];
  /** Files at the fixture's root: the modules and named templates the config names. */
  rootFiles?: Record<string, string>;
}

// ─── the table ───────────────────────────────────────────────────────────────────────────────

const valueOfVsToString = () => ({ o: { valueOf: () => 42, toString: () => "str" } });

const syntaxAndValues: Row[] = [
  one("plain text", "Hello, world!", {}, { eta: "Hello, world!" }),
  one("empty template", "", {}, { eta: "" }),
  one("whitespace-only template", " \n\t\n ", {}),
  one("interpolation is escaped", "Hi <%= it.name %>!", { name: "<Ada & 'Bob'>" }, { eta: "Hi &lt;Ada &amp; &#39;Bob&#39;&gt;!" }),
  one("interpolation without spaces", "<%=it.name%>", { name: "a&b" }),
  one("whitespace between the open tag and the prefix", "<% = it.name %>|<%  ~ it.name %>", { name: "<i>" }, { eta: "&lt;i&gt;|<i>" }),
  one("raw output", "<%~ it.html %>", { html: "<b>&amp;</b>" }, { eta: "<b>&amp;</b>" }),
  one("escaped and raw of the same value", '<a title="<%= it.t %>"><%~ it.t %></a>', { t: `"quoted" & 'single' <tag>` }),
  one("all five escaped characters", "<%= it.s %>", { s: `&<>"'` }, { eta: "&amp;&lt;&gt;&quot;&#39;" }),
  one("an entity is escaped again", "<%= it.s %>", { s: "&amp; &lt;" }, { eta: "&amp;amp; &amp;lt;" }),
  one("long string with specials (> 256 chars)", "<%= it.s %>", { s: `<a href="x">Tom & Jerry's</a> `.repeat(20) }),
  one("long string without specials", "<%= it.s %>", { s: "plain text ".repeat(60) }),
  one("long string, one special at the very end", "<%= it.s %>", { s: "x".repeat(300) + "'" }),
  one("string of only specials", "<%= it.s %>", { s: `''""&&<<>>` }),
  one("numbers", "<%= it.a %>|<%= it.b %>|<%= it.c %>|<%= it.d %>|<%= it.e %>|<%~ it.f %>|<%= 1e-7 %>", { a: 0, b: -0, c: 1.5e21, d: NaN, e: -Infinity, f: 0.1 + 0.2 }),
  one("null and undefined, escaped", "<%= it.a %>|<%= it.b %>|<%= it.missing %>", { a: null, b: undefined }, { eta: "null|undefined|undefined" }),
  one("null and undefined, raw", "<%~ it.a %>|<%~ it.b %>|<%~ null %>|<%~ undefined %>", { a: null, b: undefined }, { eta: "null|undefined|null|undefined" }),
  one("booleans", "<%= true %>|<%~ false %>|<%= it.t %>", { t: true }),
  one("plain object", "<%= it.o %>|<%~ it.o %>", { o: { a: 1 } }, { eta: "[object Object]|[object Object]" }),
  one("arrays (null and undefined items print empty)", "<%= it.a %>|<%~ it.a %>|<%= [] %>|<%= [[1, [2]], '<'] %>", { a: [1, "<b>", null, undefined, true] }),
  one("object whose toString returns markup", "<%= it.o %>|<%~ it.o %>", () => ({ o: { toString: () => "<i>&</i>" } })),
  one("valueOf vs toString: escape uses String(), raw uses +=", "<%= it.o %>|<%~ it.o %>", valueOfVsToString, { eta: "str|42" }),
  one("Symbol.toPrimitive sees the hint", "<%= it.o %>|<%~ it.o %>", () => ({ o: { [Symbol.toPrimitive]: (hint: string) => `<${hint}>` } }), { eta: "&lt;string&gt;|<default>" }),
  one("escaped symbols print via String()", '<%= Symbol("s") %>|<%= it.sym %>', () => ({ sym: Symbol("<x>") }), { eta: "Symbol(s)|Symbol(&lt;x&gt;)" }),
  fails("raw symbol throws (string concatenation)", '<%~ Symbol("s") %>'),
  one("bigint", "<%= 10n %>|<%~ 2n ** 70n %>|<%= it.b %>", { b: 123n }),
  one("Date", "<%~ it.d %>|<%= it.d %>|<%= it.d.toISOString() %>", () => ({ d: new Date(0) })),
  one("boxed primitives", "<%= new String('<s>') %>|<%~ new Number(5) %>|<%= Object(1n) %>"),
  // Transpiling the TypeScript module reprints functions, so their source text differs.
  one("function defined in the template prints its source text", "<%= ((a,b)=>a<b) %>", {}, {
    eta: "(a,b)=&gt;a&lt;b",
    expect: { kind: "differs", ours: "(a, b) =&gt; a &lt; b", why: "esbuild reprints the arrow function" },
  }),
  one("expression with method calls", "<%= it.name.toUpperCase() + ' & ' + it.name.length %>", { name: "ada" }),
  one("template literal in a tag", "<%= `<${it.x}>` %>|<%~ `a${'%>'}b` %>", { x: 1 }, { eta: "&lt;1&gt;|a%>b" }),
  one("strings containing the close tag", `<%= "%>" %>|<%~ '%>' %>|<%= "a\\"%>b" %>|<%~ 'it\\'s %>' %>`, {}, { eta: "%&gt;|%>|a&quot;%&gt;b|it's %>" }),
  one("comment containing the close tag", "<% /* %> */ %>ok", {}, { eta: "ok" }),
  one("block comments", "a<%/* comment */%>b<% /* multi\nline\ncomment */ %>c<%= /* inline */ 1 %>", {}, { eta: "abc1" }),
  one("line comment in an exec tag", "<% // note %>A<%= 1 %>B<% // another\n%>C", {}, { eta: "A1BC" }),
  one("line comment at the end of a raw tag", "<%~ it.x // trailing comment %>!", { x: "X" }, { eta: "X!" }),
  one("comma expression: escape gets the first operand, += the first", "<%= it.a, it.b %>|<%~ it.a, it.b %>", { a: "A", b: "B" }, { eta: "A|A" }),
  one("empty interpolation prints undefined", "a<%%>b<% %>c<%=%>d", {}, { eta: "abcundefinedd" }),
  one("nullish, logical and ternary", "<%= it.a ?? 'd' %>|<%~ it.b || 'e' %>|<%= it.c ? 'y' : 'n' %>|<%= it.c && '<c>' %>", { a: null, b: "", c: 1 }),
  // TypeScript parses `a < b > (c)` as a call of `a` with type argument `b`.
  one("comparison chain TypeScript could read as a generic call", "<%= it.a < it.b > (it.c) %>", { a: 1, b: 2, c: 0 }, {
    eta: "true",
    expect: { kind: "differs", ours: /it\.a is not a function/, why: "TypeScript reads a generic call" },
  }),
  one("arguments of the template function", "<%= arguments.length %>", {}, { eta: "2" }),
  one("typeof it without data", "<%= typeof it %>", undefined, { eta: "undefined" }),
  one("if/else, true branch", "<% if (it.ok) { %>yes<% } else { %>no<% } %>", { ok: true }, { eta: "yes" }),
  one("if/else, false branch", "<% if (it.ok) { %>yes<% } else { %>no<% } %>", { ok: false }, { eta: "no" }),
  one("for..of loop", "<ul><% for (const x of it.xs) { %><li><%= x %></li><% } %></ul>", { xs: ["a", "<b>"] }),
  one("callback opened in one tag and closed in another", "<% it.xs.forEach(function (x, i) { %><%= i %>=<%= x %>;<% }) %>", { xs: ["a", "b", "<c>"] }, { eta: "0=a;1=b;2=&lt;c&gt;;" }),
  one("arrow callback across tags", "<% it.xs.map((x) => { %>[<%= x %>]<% }) %>", { xs: [1, 2] }, { eta: "[1][2]" }),
  one("map/join inside one raw tag", "<%~ it.xs.map(x => `<li>${x}</li>`).join('') %>", { xs: [1, 2] }),
  one("nested loops", "<% for (const r of it.rows) { %><tr><% for (const c of r) { %><td><%= c %></td><% } %></tr><% } %>", { rows: [[1, 2], ["<3>"]] }),
  one("while loop with break", "<% let i = 0; while (true) { if (i++ > 2) break; %><%= i %><% } %>", {}, { eta: "123" }),
  one("switch across tags", "<% switch (it.k) { case 1: %>one<% break; default: %>other<% } %>", { k: 1 }, { eta: "one" }),
  one("try/catch across tags keeps partial output", "<% try { %>a<% throw new Error('x') %>b<% } catch (e) { %>caught:<%= e.message %><% } %>", {}, { eta: "acaught:x" }),
  one("multi-line exec tag", "<%\n  const a = 1;\n  const b = 2;\n%><%= a + b %>", {}, { eta: "3" }),
  one("regex literal in code", '<% const r = /a+/g; %><%= "caaat".replace(r, "A") %>', {}, { eta: "cAt" }),
  one("function declared in one tag, called later", "<% function cell(x) { %><td><%= x %></td><% } %><% cell(1); cell('<2>') %>", {}, { eta: "<td>1</td><td>&lt;2&gt;</td>" }),
  one("output()", '<% output("<b>" + it.x + "</b>") %>', { x: "&" }, { eta: "<b>&</b>" }),
  one("output() of a non-string uses +=", "<% output(it.o) %>", valueOfVsToString, { eta: "42" }),
  one("capture", "<% const s = capture(() => { %>Hi <%= it.n %>!<% }) %>[<%~ s.toUpperCase() %>]", { n: "<n>" }, { eta: "[HI &LT;N&GT;!]" }),
  one("nested capture", "<% const a = capture(() => { %>A<% const b = capture(() => { %>B<% }) %>(<%~ b %>)<% }) %>{<%~ a %>}", {}, { eta: "{A(B)}" }),
  one("capture restores the buffer after a throw", '1<% try { capture(() => { %>lost<% throw new Error("x") }) } catch {} %>2', {}, { eta: "12" }),
  one("block without a layout renders its default", '[<%~ block("x", () => { %>inline <%= it.v %><% }) %>][<%~ block("y") %>]', { v: 1 }, { eta: "[inline 1][]" }),
  one("block reads it.__blocks", '<%~ block("x", () => { %>default<% }) %>|<%~ block("y", () => { %>default<% }) %>', { __blocks: { x: "<given>" } }, { eta: "<given>|default" }),
  one("variables named like Eta's internals", '<% const res = "r", s = "s", fn = 1, body = "b", e = "e", f = "f"; %><%= res + s + fn + body + e + f %>', {}, { eta: "rs1bef" }),
  one("template mutates its data", "<% it.seen = 'yes' %><%= it.seen %>", {}, { eta: "yes" }),
  one("tag at the very start and end", "<%= 1 %>", {}, { eta: "1" }),
  one("adjacent tags", "<%= 1 %><%= 2 %><%~ 3 %><% %><%= 4 %>", {}, { eta: "1234" }),
  one("200 tags", Array.from({ length: 200 }, (_, i) => `<%= ${i} %>,`).join("")),
  one("100 KB of text", "x".repeat(100_000) + "<%= 1 %>"),
  one("text that looks like tags but is not", "100%> done; a < b; <!-- %> -->; <script>if (a<b) x()</script>", {}),
];

const textRows: Row[] = [
  one("single quote and backslash in text", "it's a \\ path \\\\ <%= 1 %>", {}, { eta: "it's a \\ path \\\\ 1" }),
  one("escape-looking sequences in text stay literal", "\\n \\t \\r \\u0041 \\x41 \\0 \\' \\\" <%= 1 %>", {}, { eta: "\\n \\t \\r \\u0041 \\x41 \\0 \\' \\\" 1" }),
  one("template-literal syntax in text", "`${it.x}` ${x} \\` `<%= it.x %>`", { x: "<x>" }, { eta: "`${it.x}` ${x} \\` `&lt;x&gt;`" }),
  one("backslash right before and after a tag", "a\\<%= 1 %>\\b", {}, { eta: "a\\1\\b" }),
  one("text ending with a backslash", "x\\", {}, { eta: "x\\" }),
  one("quotes around a tag", "'<%= 1 %>'\"<%= 2 %>\"", {}, { eta: "'1'\"2\"" }),
  one("unicode text and data", "héllo 日本語 🎉 <%= it.s %> — ℮", { s: "ü<🎉>" }),
  one("U+2028 and U+2029 in text and data", "a\u2028b\u2029c<%= it.s %><%~ '\u2028' %>", { s: "\u2028<\u2029" }),
  one("NUL and control characters", "a\u0000b\u0007c\u001b<%= it.s %>", { s: "\u0000\u0001" }),
  one("byte order mark at the start of the file", "\uFEFFhi <%= 1 %>", {}),
  one("lone surrogate in data", "<%= it.s %>", { s: "\ud800<x" }),
  one("CRLF text becomes LF", "a\r\nb\r\n<%= it.x %>\r\nc\r\n", { x: 1 }, { eta: "a\nb\n1c\n" }),
  one("lone CR text becomes LF", "a\rb\r<%= 1 %>\rc", {}, { eta: "a\nb\n1c" }),
  one("CRLF inside tag code", "<% if (it.ok) {\r\n %>yes\r\n<% }\r\n%>end", { ok: true }),
  one("CRLF inside a template literal in a tag", "<%= `a\r\nb` %>|<%= `c\rd` %>"),
  one("tabs and spaces between tags", "<%= 1 %> \t <%= 2 %>\n \n<%= 3 %>", {}),
];

const includeRows: Row[] = [
  many("include ./relative", { "main.eta": 'A<%~ include("./p") %>C', "p.eta": "B<%= it.x %>" }, "main", { x: "<x>" }, { eta: "AB&lt;x&gt;C" }),
  many("include data merges over it", { "main.eta": '<%~ include("./p", {x: 2}) %>', "p.eta": "<%= it.x %>-<%= it.y %>" }, "main", { x: 1, y: "y" }, { eta: "2-y" }),
  many("include without ./ is relative too", { "main.eta": '<%~ include("p") %>', "p.eta": "P" }, "main", {}, { eta: "P" }),
  many("include with an explicit .eta", { "main.eta": '<%~ include("./p.eta") %>', "p.eta": "P" }, "main", {}, { eta: "P" }),
  many(
    "nested relative includes: ./sub/a → ./b → ../c",
    { "main.eta": '<%~ include("./sub/a") %>', "sub/a.eta": 'a(<%~ include("./b") %>)', "sub/b.eta": 'b(<%~ include("../c") %>)', "c.eta": "c<%= it.x %>" },
    "main",
    { x: 1 },
    { eta: "a(b(c1))" },
  ),
  many("sibling include without ./ from a subfolder", { "main.eta": '<%~ include("sub/a") %>', "sub/a.eta": 'a<%~ include("b") %>', "sub/b.eta": "b" }, "main", {}, { eta: "ab" }),
  many("include in a loop with per-row data", { "main.eta": '<% for (const u of it.users) { %><%~ include("./row", {u}) %><% } %>', "row.eta": "<li><%= it.u.name %>/<%= it.title %></li>" }, "main", { title: "T", users: [{ name: "a" }, { name: "<b>" }] }),
  many("<%= include() %> escapes the partial's output again", { "main.eta": '<%= include("./p") %>', "p.eta": "<b><%= it.x %></b>" }, "main", { x: "&" }, { eta: "&lt;b&gt;&amp;amp;&lt;/b&gt;" }),
  many("include data null and a string", { "main.eta": '<%~ include("./p", null) %>|<%~ include("./p", "ab") %>', "p.eta": "<%= it[0] %>,<%= it.x %>" }, "main", { x: 1 }, { eta: "undefined,1|a,1" }),
  many("dynamic include name", { "main.eta": "<%~ include(it.which) %><%~ include(it.other) %>", "p.eta": "P", "q.eta": "Q" }, "main", { which: "./p", other: "q" }, { eta: "PQ" }),
  many("a partial gets a shallow copy of it", { "main.eta": '<%~ include("./p") %><%= it.x %>,<%= it.o.y %>', "p.eta": "<% it.x = 'changed'; it.o.y = 2 %>p" }, "main", { x: 1, o: { y: 1 } }, { eta: "p1,2" }),
  many("include inside capture", { "main.eta": '<% const s = capture(() => { %><%~ include("./p") %><% }) %>[<%~ s %>]', "p.eta": "P" }, "main", {}, { eta: "[P]" }),
  many("recursive include (a tree)", { "main.eta": '<%~ include("./node", {n: it.tree}) %>', "node.eta": '<%= it.n.name %><% if (it.n.kids) { %>(<% for (const k of it.n.kids) { %><%~ include("./node", {n: k}) %><% } %>)<% } %>' }, "main", { tree: { name: "a", kids: [{ name: "b" }, { name: "c", kids: [{ name: "<d>" }] }] } }, { eta: "a(bc(&lt;d&gt;))" }),
  many("includeAsync in a sync render prints a promise", { "main.eta": '<%~ includeAsync("./p") %>|<%= includeAsync("./p") %>', "p.eta": "P" }, "main", {}, { eta: "[object Promise]|[object Promise]", modes: SYNC }),
  many("include a file named p.html.eta as ./p.html.eta", { "main.eta": '<%~ include("./p.html.eta") %>', "p.html.eta": "P" }, "main", {}, { eta: "P" }),
  // Phoenix-style: a literal name whose file is name + ".eta" resolves at build (includes.ts).
  many("include ./p.html is p.html.eta when that is the only fit (resolved at build)", { "main.eta": '<%~ include("./p.html") %>', "p.html.eta": "P" }, "main", {}, { expect: { kind: "resolves", ours: "P" } }),
  many("include(name) with name ./p.html does not add .eta (not found)", { "main.eta": "<%~ include(it.n) %>", "p.html.eta": "P" }, "main", { n: "./p.html" }, { expect: THROWS }),
  many("dots in a folder name do not count as an extension", { "main.eta": '<%~ include("./v1.2/p") %>', "v1.2/p.eta": "P" }, "main", {}, { eta: "P" }),
  many("a name ending in a dot has an extension", { "main.eta": '<%~ include("./p.") %>', "p.eta": "P" }, "main", {}, { expect: NOT_FOUND }),
  many("a name ending in a dot has an extension (dynamic)", { "main.eta": "<%~ include(it.n) %>", "p.eta": "P" }, "main", { n: "./p." }, { expect: THROWS }),
  many("include a dotfile ./.hidden", { "main.eta": '<%~ include("./.hidden") %>', ".hidden.eta": "H" }, "main", {}, { eta: "H" }),
  many("include a missing template", { "main.eta": 'a<%~ include("./nope") %>' }, "main", {}, { expect: NOT_FOUND }),
  many("include a missing template (dynamic)", { "main.eta": "a<%~ include(it.n) %>" }, "main", { n: "./nope" }, { expect: THROWS }),
  many("template file names that are not identifiers", { "main.eta": '<%~ include("./my-page") %><%~ include("./my_page") %><%~ include("./über uns") %><%~ include("./class") %><%~ include("./1st") %>', "my-page.eta": "a", "my_page.eta": "b", "über uns.eta": "c", "class.eta": "d", "1st.eta": "e" }, "main", {}, { eta: "abcde" }),
  many("template files named like Object.prototype members", { "main.eta": '<%~ include("./constructor") %><%~ include("./__proto__") %><%~ include("./toString") %>', "constructor.eta": "a", "__proto__.eta": "b", "toString.eta": "c" }, "main", {}, { eta: "abc" }),
  many("render a template named __proto__", { "__proto__.eta": "P" }, "__proto__", {}, { eta: "P" }),
  many("options.async in the template and its partial", { "main.eta": '<%= options.async %>/<%~ include("./p") %>', "p.eta": "<%= options.async %>" }, "main", {}, {}),
  many("include @name (Eta's loadTemplate store)", { "main.eta": '<%~ include("@p") %>', "p.eta": "P" }, "main", {}, { expect: NOT_FOUND }),
  // Includes called without the merge when the partial reads `it` key by key (include-data.ts):
  // each shape the compiler optimises, and each one that must keep Eta's `{ ...it, ...data }`.
  many("direct include: data shadows it, the rest comes from it", { "main.eta": '<%~ include("./p", { x: 2, "a-b": "q" }) %>', "p.eta": '<%= it.x %>-<%= it.y %>-<%= it["a-b"] %>-<%= it?.z %>' }, "main", { x: 1, y: "y", "a-b": "r" }, { eta: "2-y-q-undefined" }),
  many("direct include: a data key set to undefined still shadows it", { "main.eta": '<%~ include("./p", { x: undefined, }) %>', "p.eta": "<%= String(it.x) %>/<%= it.x ?? 'none' %>" }, "main", { x: 1 }, { eta: "undefined/none" }),
  many("direct include: empty data and no data", { "main.eta": '<%~ include("./p", {}) %>|<%~ include("./p") %>|<%~ include("./p", { /* none */ }) %>', "p.eta": "<%= it.x %>" }, "main", { x: "<x>" }, { eta: "&lt;x&gt;|&lt;x&gt;|&lt;x&gt;" }),
  many("direct include: a key the includer's it inherits is not copied by the spread", { "main.eta": '<%~ include("./p") %>|<%= it.inherited %>', "p.eta": "<%= String(it.inherited) %>,<%= String(it.hidden) %>,<%= it.own %>" }, "main", () => {
    const data = Object.create({ inherited: "from the prototype" }) as Record<string, unknown>;
    Object.defineProperty(data, "hidden", { value: "not enumerable", enumerable: false });
    data.own = "own";
    return data;
  }, { eta: "undefined,undefined,own|from the prototype" }),
  many("direct include: the includer's it null or a string", { "main.eta": '<%~ include("./p", { y: 1 }) %>|<%~ include("./q", { y: 1 }) %>', "p.eta": "<%= String(it.x) %><%= it.y %>", "q.eta": '<%= String(it[0]) %>' }, "main", () => "ab" as unknown as object, { eta: "undefined1|a" }),
  many("direct include: getters of it run as the spread runs them", { "main.eta": '<%~ include("./p", { y: 2 }) %>', "p.eta": "<%= it.x %>,<%= it.y %>" }, "main", () => ({ get x() { return "got"; } }), { eta: "got,2" }),
  many("direct include: nested, the inner partial sees the outer one's merged it", { "main.eta": '<%~ include("./a", { x: "ax" }) %>', "a.eta": 'a(<%~ include("./b", { y: "by" }) %>)', "b.eta": "<%= it.x %>,<%= it.y %>,<%= it.z %>" }, "main", { x: 1, y: 2, z: 3 }, { eta: "a(ax,by,3)" }),
  many("direct include: in a loop, shorthand data", { "main.eta": '<% for (const row of it.rows) { %><%~ include("./row", { row, n: it.rows.length }) %><% } %>', "row.eta": "<%= it.row.id %>/<%= it.n %>/<%= it.title %>;" }, "main", { title: "T", rows: [{ id: 1 }, { id: 2 }] }, { eta: "1/2/T;2/2/T;" }),
  many("direct include: the includer declares its own it, the partial still reads the function's", { "main.eta": '<% [{ x: "inner" }].forEach((it) => { %><%~ include("./p", { y: it.x }) %><% }) %>|<% { const it = { x: "block" }; %><%~ include("./p", { y: it.x }) %><% } %>', "p.eta": "<%= it.x %>,<%= it.y %>" }, "main", { x: "outer" }, { eta: "outer,inner|outer,block" }),
  many("merge kept: a partial that enumerates it", { "main.eta": '<%~ include("./p", { y: 2 }) %>', "p.eta": '<%= Object.keys(it).join() %>|<% for (const k in it) { %><%= k %>;<% } %>' }, "main", { x: 1, y: 1 }, { eta: "x,y|x;y;" }),
  many("merge kept: a partial that spreads or passes it on", { "main.eta": '<%~ include("./p", { y: 2 }) %>', "p.eta": '<%= JSON.stringify({ ...it }) %>|<%= JSON.stringify(it) %>' }, "main", { x: 1 }, { eta: '{&quot;x&quot;:1,&quot;y&quot;:2}|{&quot;x&quot;:1,&quot;y&quot;:2}' }),
  many("merge kept: a partial that writes it.x", { "main.eta": '<%~ include("./p", { y: 2 }) %>|<%= it.x %>', "p.eta": "<% it.x = 'changed'; it.y++ %><%= it.x %><%= it.y %>" }, "main", { x: 1 }, { eta: "changed3|1" }),
  many("merge kept: a method called through it sees the merged this", { "main.eta": '<%~ include("./p", { x: "data" }) %>', "p.eta": "<%= it.f() %>" }, "main", () => ({ x: "it", f(this: { x: string }) { return this.x; } }), { eta: "data" }),
  many("merge kept: a key of Object.prototype", { "main.eta": '<%~ include("./p") %>', "p.eta": "<%= it.constructor === Object %>,<%= typeof it.toString %>" }, "main", () => Object.create(null) as object, { eta: "true,function" }),
  many("merge kept: a dynamic key, a spread or a computed key in the data", { "main.eta": '<% const k = "y" %><%~ include("./p", { ...it.more, [k]: 3 }) %>|<%~ include("./q", { x: 1 }) %>', "p.eta": "<%= it.x %>,<%= it.y %>", "q.eta": "<%= it[it.k] %>" }, "main", { x: 1, k: "x", more: { x: 2 } }, { eta: "2,3|1" }),
  many("merge kept: a partial that declares its own it", { "main.eta": '<%~ include("./p", { y: 2 }) %>', "p.eta": "<%= [it].map((it) => it.y).join() %>" }, "main", { x: 1 }, { eta: "2" }),
  many("include @name (Eta's loadTemplate store, dynamic)", { "main.eta": "<%~ include(it.n) %>", "p.eta": "P" }, "main", { n: "@p" }, { expect: THROWS }),
  // Names passed to render.
  many("render name: main", { "main.eta": "M", "sub/page.eta": "S" }, "main", {}, { eta: "M" }),
  many("render name: ./main", { "main.eta": "M" }, "./main", {}, { eta: "M" }),
  many("render name: /main", { "main.eta": "M" }, "/main", {}, { eta: "M" }),
  many("render name: main.eta", { "main.eta": "M" }, "main.eta", {}, { eta: "M" }),
  many("render name: sub/../main", { "main.eta": "M", "sub/page.eta": "S" }, "sub/../main", {}, { eta: "M" }),
  many("render name: sub/page", { "sub/page.eta": "S" }, "sub/page", {}, { eta: "S" }),
  many("render name: /sub/page", { "sub/page.eta": "S" }, "/sub/page", {}, { eta: "S" }),
  many("relative include from a template rendered by an absolute name", { "sub/page.eta": '<%~ include("../p") %>', "p.eta": "P" }, "/sub/page", {}, { eta: "P" }),
  many("render name: user/show.html.eta", { "user/show.html.eta": "U" }, "user/show.html.eta", {}, { eta: "U" }),
  many("render name: user/show.html (Eta adds no .eta: not found)", { "user/show.html.eta": "U" }, "user/show.html", {}, { expect: THROWS }),
  many("render name: a missing template", { "main.eta": "M" }, "nope", {}, { expect: THROWS }),
  // At the templates root.
  many("absolute include /x from a subfolder", { "r1/sub/page.eta": 'page:<%~ include("/r1_shared") %>', "r1_shared.eta": "S<%= it.x %>" }, "r1/sub/page", { x: 1 }, { atRoot: true, eta: "page:S1" }),
  many("absolute include //x (all leading slashes dropped)", { "r9/a.eta": '<%~ include("//r9_p") %>', "r9_p.eta": "P" }, "r9/a", {}, { atRoot: true, eta: "P" }),
  many("backslash include \\x (Eta strips nothing: literal file name, not found)", { "r8/a.eta": '<%~ include("\\\\r8_p") %>', "r8_p.eta": "P" }, "r8/a", {}, { atRoot: true, expect: NOT_FOUND }),
  many("backslash include \\x (dynamic)", { "r11/a.eta": "<%~ include(it.n) %>", "r11_p.eta": "P" }, "r11/a", { n: "\\r11_p" }, { atRoot: true, expect: THROWS }),
  many("include ../x escaping the templates dir", { "r4.eta": '<%~ include("../r4_out") %>' }, "r4", {}, { atRoot: true, expect: NOT_FOUND }),
  many("include ../x escaping the templates dir (dynamic)", { "r12.eta": "<%~ include(it.n) %>" }, "r12", { n: "../r12_out" }, { atRoot: true, expect: THROWS }),
  many("render name ../x escaping the templates dir", { "r5.eta": "R" }, "../r5", {}, { atRoot: true, expect: THROWS }),
  many("render name: empty string", { "r6.eta": "R" }, "", {}, { atRoot: true, expect: THROWS }),
  many("include ./..x (Eta refuses names starting with '..' at the root)", { "..r7.eta": "dots", "r7.eta": '<%~ include("./..r7") %>' }, "r7", {}, { atRoot: true, expect: NOT_FOUND }),
  many("include ./..x (dynamic)", { "..r13.eta": "dots", "r13.eta": "<%~ include(it.n) %>" }, "r13", { n: "./..r13" }, { atRoot: true, expect: THROWS }),
  many("render name ..x at the root", { "..r10.eta": "dots" }, "..r10", {}, { atRoot: true, expect: THROWS }),
];

const layoutRows: Row[] = [
  many("layout with layout data", { "main.eta": '<% layout("./l", {title: "<T>"}) %>Body <%= it.x %>', "l.eta": "<h1><%= it.title %></h1><%~ it.body %>" }, "main", { x: 1 }, { eta: "<h1>&lt;T&gt;</h1>Body 1" }),
  many("layout sees it merged with layout data", { "main.eta": '<% layout("./l", {b: 2}) %>x', "l.eta": "<%= it.a %><%= it.b %><%= it.c %>[<%~ it.body %>]" }, "main", { a: 1, b: 1, c: 3 }, { eta: "123[x]" }),
  many("layout() called at the end", { "main.eta": 'x<%= 1 %><% layout("./l") %>', "l.eta": "[<%~ it.body %>]" }, "main", {}, { eta: "[x1]" }),
  many("layout() called twice: the last wins", { "main.eta": '<% layout("./l1") %><% layout("./l2") %>x', "l1.eta": "1<%~ it.body %>", "l2.eta": "2<%~ it.body %>" }, "main", {}, { eta: "2x" }),
  many("layout data can override body", { "main.eta": '<% layout("./l", {body: "<forged>"}) %>real', "l.eta": "<%~ it.body %>" }, "main", {}, { eta: "<forged>" }),
  many("layout data cannot override __blocks", { "main.eta": '<% layout("./l", {__blocks: {h: "forged"}}) %>x', "l.eta": '<%~ block("h", () => { %>default<% }) %>' }, "main", {}, { eta: "default" }),
  many("<%= it.body %> escapes the body", { "main.eta": '<% layout("./l") %><b>x</b>', "l.eta": "<%= it.body %>" }, "main", {}, { eta: "&lt;b&gt;x&lt;/b&gt;" }),
  many("nested layouts", { "main.eta": '<% layout("./l1") %>child', "l1.eta": '<% layout("./l2") %>[l1 <%~ it.body %>]', "l2.eta": "<l2><%~ it.body %></l2>" }, "main", {}, { eta: "<l2>[l1 child]</l2>" }),
  many("layout in another folder, relative", { "pages/home.eta": '<% layout("../layouts/base") %>home', "layouts/base.eta": "<base><%~ it.body %></base>" }, "pages/home", {}, { eta: "<base>home</base>" }),
  many("absolute layout /x", { "r2/pages/p.eta": '<% layout("/r2_layout") %>p', "r2_layout.eta": "L(<%~ it.body %>)" }, "r2/pages/p", {}, { atRoot: true, eta: "L(p)" }),
  many("dynamic layout name", { "main.eta": "<% layout(it.l) %>x", "a.eta": "A<%~ it.body %>" }, "main", { l: "./a" }, { eta: "Ax" }),
  many("layout in a false branch is not applied", { "main.eta": '<% if (false) layout("./l") %>x', "l.eta": "L" }, "main", {}, { eta: "x" }),
  many(
    "blocks: defined in the child, used and defaulted in the layout",
    { "main.eta": '<% layout("./l") %><% block("head", () => { %><title><%= it.t %></title><% }) %>Body', "l.eta": '<head><%~ block("head") %></head><main><%~ it.body %></main><footer><%~ block("foot", () => { %>default foot<% }) %></footer>' },
    "main",
    { t: "<T>" },
    { eta: "<head><title>&lt;T&gt;</title></head><main>Body</main><footer>default foot</footer>" },
  ),
  many("block() prints nothing in a child with a layout", { "main.eta": '<% layout("./l") %>a<%~ block("x", () => { %>X<% }) %>b', "l.eta": '<%~ it.body %>|<%~ block("x") %>' }, "main", {}, { eta: "ab|X" }),
  many("a block the layout does not use", { "main.eta": '<% layout("./l") %><% block("unused", () => { %>U<% }) %>b', "l.eta": "<%~ it.body %>" }, "main", {}, { eta: "b" }),
  many("nested layouts do not forward blocks", { "main.eta": '<% layout("./l1") %><% block("h", () => { %>H<% }) %>c', "l1.eta": '<% layout("./l2") %>(<%~ it.body %>)', "l2.eta": '<%~ block("h", () => { %>default<% }) %>|<%~ it.body %>' }, "main", {}, { eta: "default|(c)" }),
  many("nested layouts forwarding a block by hand", { "main.eta": '<% layout("./l1") %><% block("h", () => { %>H<% }) %>c', "l1.eta": '<% layout("./l2") %><% block("h", () => { %>[<%~ it.__blocks.h %>]<% }) %>(<%~ it.body %>)', "l2.eta": '<%~ block("h") %>|<%~ it.body %>' }, "main", {}, { eta: "[H]|(c)" }),
  many("a partial included by the layout sees the blocks", { "main.eta": '<% layout("./l") %><% block("nav", () => { %>my nav<% }) %>c', "l.eta": '<%~ include("./nav") %><%~ it.body %>', "nav.eta": '<nav><%~ block("nav", () => { %>default nav<% }) %></nav>' }, "main", {}, { eta: "<nav>my nav</nav>c" }),
  many("layout() in a partial wraps only the partial", { "main.eta": 'A<%~ include("./p") %>B', "p.eta": '<% layout("./l") %>p', "l.eta": "[<%~ it.body %>]" }, "main", {}, { eta: "A[p]B" }),
  many("include inside a child with a layout", { "main.eta": '<% layout("./l") %><%~ include("./p") %>', "p.eta": "P", "l.eta": "L<%~ it.body %>" }, "main", {}, { eta: "LP" }),
  many("rendering a layout directly: body is undefined", { "l.eta": "[<%~ it.body %>]" }, "l", {}, { eta: "[undefined]" }),
  many("missing layout", { "main.eta": '<% layout("./nope") %>x' }, "main", {}, { expect: NOT_FOUND }),
  many("missing layout (dynamic)", { "main.eta": "<% layout(it.n) %>x" }, "main", { n: "./nope" }, { expect: THROWS }),
  many("layout that throws", { "main.eta": '<% layout("./l") %>x', "l.eta": '<% throw new Error("in layout") %>' }, "main", {}, { expect: THROWS }),
];

const runtimeErrorRows: Row[] = [
  fails("property of undefined", "<%= it.a.b %>", {}),
  fails("throw new Error", '<% throw new Error("boom") %>'),
  fails("throw a string", '<% throw "str" %>'),
  fails("undefined variable", "<%= nope %>"),
  fails("calling a non-function", "<%= it.f() %>", { f: 1 }),
  fails("throw inside capture", '<% capture(() => { throw new Error("x") }) %>'),
  many("throw inside a partial", { "main.eta": 'a<%~ include("./p") %>', "p.eta": "<%= it.a.b %>" }, "main", {}, { expect: THROWS }),
  fails("throw after output was written", 'lots of output <%= 1 %><% throw new Error("late") %>'),
];

const jsSyntaxRows: Row[] = [
  one("line comment at the end of an interpolation (SyntaxError)", "<%= it.x // comment %>", { x: 1 }, { expect: SYNTAX }),
  one("semicolon inside an interpolation", "<%= it.x; %>", { x: 1 }, { expect: SYNTAX }),
  one("unbalanced open brace", "<% if (it.ok) { %>unclosed", { ok: true }, { expect: SYNTAX }),
  one("unbalanced close brace", "a<% } %>b", {}, { expect: SYNTAX }),
  one("closing brace then a block", "a<% } { %>b", {}, { expect: SYNTAX }),
  one("empty raw tag", "a<%~ %>b", {}, { expect: SYNTAX }),
];

const asyncRows: Row[] = [
  one("await in an interpolation", "<%= await it.p %>", () => ({ p: Promise.resolve("<x>") }), { modes: ASYNC, eta: "&lt;x&gt;" }),
  fails("await, rendered sync", "<%= await it.p %>", () => ({ p: Promise.resolve(1) }), { modes: SYNC }),
  many("await includeAsync of an async partial", { "main.eta": 'A<%~ await includeAsync("./p") %>', "p.eta": "<%= await it.v %>" }, "main", () => ({ v: Promise.resolve("<v>") }), { modes: ASYNC, eta: "A&lt;v&gt;" }),
  many("includeAsync with data", { "main.eta": '<%~ await includeAsync("./p", {v: Promise.resolve(2)}) %>', "p.eta": "<%= await it.v %>" }, "main", {}, { modes: ASYNC, eta: "2" }),
  many("includeAsync of a sync partial", { "main.eta": '<%~ await includeAsync("./p") %>', "p.eta": "P<%= it.x %>" }, "main", { x: 1 }, { modes: ASYNC, eta: "P1" }),
  many("sync include inside an async template", { "main.eta": '<%= await it.p %><%~ include("./p") %>', "p.eta": "P" }, "main", () => ({ p: Promise.resolve(1) }), { modes: ASYNC, eta: "1P" }),
  many("sync include of a partial that awaits", { "main.eta": '<%~ include("./p") %>', "p.eta": "<%= await 1 %>" }, "main", {}, { expect: THROWS }),
  many("nested includeAsync chain", { "main.eta": 'a<%~ await includeAsync("./b") %>', "b.eta": 'b<%~ await includeAsync("./c") %>', "c.eta": "c<%= await it.p %>" }, "main", () => ({ p: Promise.resolve(1) }), { modes: ASYNC, eta: "abc1" }),
  many("Promise.all over includeAsync", { "main.eta": '<%~ (await Promise.all([includeAsync("./p", {n: 1}), includeAsync("./p", {n: 2})])).join(",") %>', "p.eta": "<%= await it.n %>" }, "main", {}, { modes: ASYNC, eta: "1,2" }),
  many("includeAsync without await prints a promise, also async", { "main.eta": '<%~ includeAsync("./p") %>', "p.eta": "P" }, "main", {}, { modes: ASYNC, eta: "[object Promise]" }),
  one("for await over an async generator", "<% for await (const x of it.gen()) { %>[<%= x %>]<% } %>", () => ({ gen: async function* () { yield 1; yield "<2>"; } }), { modes: ASYNC, eta: "[1][&lt;2&gt;]" }),
  one("await inside a loop", "<% for (const p of it.ps) { %><%= await p %>,<% } %>", () => ({ ps: [Promise.resolve("a"), Promise.resolve("<b>")] }), { modes: ASYNC, eta: "a,&lt;b&gt;," }),
  one("concurrent async callbacks writing output", "<% await Promise.all([1, 2].map(async (x) => { await null; %><%= x %><% })) %>", {}, { modes: ASYNC, eta: "12" }),
  many("async child, async layout", { "main.eta": '<% layout("./l") %><%= await it.p %>', "l.eta": "<%= await it.q %>|<%~ it.body %>" }, "main", () => ({ p: Promise.resolve("P"), q: Promise.resolve("Q") }), { modes: ASYNC, eta: "Q|P" }),
  many("async child, sync layout", { "main.eta": '<% layout("./l") %><%= await it.p %>', "l.eta": "L<%~ it.body %>" }, "main", () => ({ p: Promise.resolve("P") }), { modes: ASYNC, eta: "LP" }),
  many("sync child, layout that awaits, rendered async", { "main.eta": '<% layout("./l") %>c', "l.eta": "<%= await it.q %><%~ it.body %>" }, "main", () => ({ q: Promise.resolve("Q") }), { modes: ASYNC, eta: "Qc" }),
  many("sync child, layout that awaits, rendered sync", { "main.eta": '<% layout("./l") %>c', "l.eta": "<%= await it.q %><%~ it.body %>" }, "main", () => ({ q: Promise.resolve("Q") }), { modes: SYNC, expect: THROWS }),
  many("child reaching a layout through a helper, rendered async", { "main.eta": '<% const L = layout; L("./l") %>c', "l.eta": "<%= await it.q %><%~ it.body %>" }, "main", () => ({ q: Promise.resolve("Q") }), { modes: ASYNC, eta: "Qc" }),
  one("captureAsync", "<% const s = await captureAsync(async () => { %>A<%= await it.p %><% }) %>[<%~ s %>]", () => ({ p: Promise.resolve("<p>") }), { modes: ASYNC, eta: "[A&lt;p&gt;]" }),
  many("blockAsync with a layout", { "main.eta": '<% layout("./l") %><% await blockAsync("head", async () => { %><%= await it.t %><% }) %>body', "l.eta": '<%~ await blockAsync("head") %>|<%~ await blockAsync("foot", async () => { %>df<% }) %>|<%~ it.body %>' }, "main", () => ({ t: Promise.resolve("T") }), { modes: ASYNC, eta: "T|df|body" }),
  fails("rejected promise", '<%= await Promise.reject(new Error("x")) %>', {}, { modes: ASYNC }),
  many("throw inside an async partial", { "main.eta": '<%~ await includeAsync("./p") %>', "p.eta": '<% await null; throw new Error("p") %>' }, "main", {}, { modes: ASYNC, expect: THROWS }),
  one("'await' only inside a string literal, rendered sync", '<%= "please await" %>', {}, { eta: "please await" }),
  one("'await' only in a nested async function, rendered sync", "<% const f = async () => { await 0; }; f() %>ok", {}, { eta: "ok" }),
  one("'await' only in a comment, rendered sync", "<% /* TODO: await the data */ %>ok", {}, { eta: "ok" }),
  one("'awaited' as part of a name, rendered sync", "<% const awaited = 1 %><%= awaited %>", {}, { eta: "1" }),
];

const parseErrorRows: Row[] = [
  one("unclosed tag", "a\n<%= it.x", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("unclosed single-quoted string", "x\n\n  <%= 'abc %>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("unclosed double-quoted string", '<%= "abc %>', {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("unclosed template literal", "line 1\n<%= `abc %>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("unclosed comment", "<% /* %>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("regex literal containing a quote", "<% const r = /'/ %>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("line comment with an apostrophe", "ok\n<% // don't %>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
  one("parse error after CRLF lines", "a\r\nb\r\n  <%= 'x %>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } }),
];

const strictRows: Row[] = [
  one("legacy octal literal", "<%= 010 %>", {}, { expect: { kind: "strict" }, eta: "8" }),
  // Deletes the global it creates, so neither side (nor the next mode) sees the other's global.
  one("implicit global", "<% __fawkesDiffImplicitGlobal = 1 %><%= __fawkesDiffImplicitGlobal %><% delete globalThis.__fawkesDiffImplicitGlobal %>", {}, { expect: { kind: "strict" }, eta: "1" }),
  one("arguments.callee", "<%= typeof arguments.callee %>", {}, { expect: { kind: "strict" }, eta: "function" }),
];

// Whitespace control: every template under every trimming config.
const WS_DATA = { x: "X", ok: true, xs: ["a", "b"] };
const whitespaceTemplates: [string, string | Record<string, string>][] = [
  ["newlines around a tag", "a\n<%= it.x %>\nb\n"],
  ["indented if block", "  <% if (it.ok) { %>\n  yes\n  <% } %>\n  end  "],
  ["blank lines around a tag", "\n\n<%= it.x %>\n\n"],
  ["- markers", "a \t\n <%-= it.x -%> \n b"],
  ["- marker with space before the prefix", "a  \n<%- = it.x %>\n\nb"],
  ["_ markers", "a \n\t <%_ = it.x _%> \n\t b"],
  ["markers on an exec tag", "a\n  <%- it.x; -%>\n  b\n  <%_ it.x; _%>\n  c"],
  ["mixed markers", "x  \n<%_ = 1 -%>\n\ny  \n<%- = 2 _%>\n\n z"],
  ["whitespace before the close marker", "<%= it.x   %>\n|<%=it.x-%>\n|<%=   it.x _%>   \n|"],
  ["CRLF", "a\r\n<%= it.x %>\r\nb\r\n\r\n<% /* c */ %>\r\n\r\nc\r\n"],
  ["lone CR and LF CR", "a\r<%= 1 %>\rb\n\r<%= 2 %>\n\rc"],
  ["loop with indentation", "<ul>\n<% for (const x of it.xs) { %>\n  <li><%= x %></li>\n<% } %>\n</ul>\n"],
  ["only a tag and a newline", "<% /* only code */ %>\n"],
  ["text only", "  a  \n  b  \n"],
  ["template literal spanning lines in a tag", "<p>\n   <%= `a\n      b` %>\n</p>\n"],
  ["unicode whitespace (NBSP, U+2028)", "a\u00a0\n<%= 1 %>\u00a0\u2028b\u3000<%= 2 %>\u3000"],
  ["include with surrounding whitespace", { "main.eta": "<div>\n  <%~ include('./p') %>\n</div>\n", "p.eta": "\n  <b><%= it.x %></b>\n" }],
  ["layout with surrounding whitespace", { "main.eta": "<% layout('./l') %>\n  body\n", "l.eta": "<html>\n  <%~ it.body %>\n</html>\n" }],
];
function whitespaceRows(): Row[] {
  return whitespaceTemplates.map(([name, t]) => (typeof t === "string" ? one(name, t, WS_DATA) : many(name, t, "main", WS_DATA)));
}

// ─── Eta's own tests of its options, ported ──────────────────────────────────────────────────
// From eta 4.6 test/config.spec.ts (filter functions), test/plugins.spec.ts (every plugin),
// test/render.spec.ts (customTags; loadTemplate's @names in includes, layouts, blocks and
// capture), plus rows for the options Eta's suite leaves untested (escapeFunction,
// functionHeader, outputFunctionName). Eta gets the functions themselves (the harness imports
// the modules our config names); our build imports them into the generated module.

/** The module every function-valued option below names, at the fixture's root. */
const FUNCTIONS_JS = `// The functions templates options name (escapeFunction, filterFunction, customTags).
export function bracketEscape(value) { return "[" + String(value).replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]) + "]"; }
export function countArgs(...args) { return args.length + ":" + args[0]; }
export default function upper(value) { return String(value).toUpperCase(); }
export const apples = (_val) => "apples";
// config.spec "complex filter function" counts calls per render: rows reset the count in their data.
export function firstThenAnother() { const n = (globalThis.__fawkesFilterCalls = (globalThis.__fawkesFilterCalls ?? 0) + 1); return n <= 1 ? "The first" : "another"; }
export const lookup = (content, data) => data[content.trim()];
export const nothing = () => "";
const translations = { en: { greeting: "Hello" } };
export const translate = (key, data) => translations[data.lang][key.trim()];
export const shout = (content) => content.trim().toUpperCase();
export const show = (content, data) => "[" + JSON.stringify(content) + "/" + typeof data + "]";
`;
const TYPED_TS = `export function angleEscape(value: unknown): string {\n  return "\u2039" + String(value).replace(/</g, "&lt;") + "\u203a";\n}\n`;
const fn = (name?: string) => ({ from: "./app/lib/functions.js", ...(name ? { import: name } : {}) });
const FUNCTIONS = { "app/lib/functions.js": FUNCTIONS_JS, "app/lib/typed.ts": TYPED_TS };
const resetFilterCalls = () => ((globalThis as { __fawkesFilterCalls?: number }).__fawkesFilterCalls = 0, {});

// plugins.spec.ts's plugins, verbatim but for types.
function myPlugin() {
  return {
    processAST: (ast: EtaAst) => (ast.push("String to append"), ast),
    processFnString: (str: string) => str.replace(/@@num@@/, "2352.3"),
  };
}
const emojiTransform = () => ({ processTemplate: (str: string) => str.replace(":thumbsup:", "👍") });
const capitalizeCool = () => ({ processTemplate: (str: string) => str.replace("cool", "COOL") });
const replaceThumbsUp = () => ({ processTemplate: (str: string) => str.replace("👍", "✨") });
type EtaAst = Array<string | { t: string; val: string }>;

/** render.spec.ts's loadTemplate calls, as files the config names. */
const NAMED: Record<string, string> = {
  "@simple": "<%= it.greeting ?? 'Hi' %> <%= it.name %>",
  "@partial": "This is a partial.\n<%~ include('@simple', {name: 'Test Runner'}) %>\n",
  "@partial-merge": "This is a partial.\n<%~ include('@simple', {greeting: 'Hello'}) %>\n",
  "@partial-pass-data": "This is a partial.\n<%~ include('@simple') %>",
  "@my-layout": "<%= it.title %> - <%~ it.body %> - <%~ it.content %> - <%~ it.randomNum %>",
  "@loop-partial": "<ul>\n<% (it.items || []).forEach(item => { %>\n<li><%= item %></li>\n<% }) %>\n</ul>",
  "@loop-main": "<%~ include('@loop-partial', {items: ['a', 'b', 'c']}) %>",
  "@nested-partial": "<div>\n<% (it.question.items || []).forEach(opt => { %>\n<span><%= opt %></span>\n<% }) %>\n</div>",
  "@nested-main": "<% [{items: ['a', 'b']}, {items: ['c', 'd']}].forEach(q => { %>\n<%~ include('@nested-partial', {question: q}) %>\n<% }) %>",
  "@block-layout": `<head><%~ block('styles', () => { %><link href="default.css"><% }) %></head><%~ it.body %>`,
  "@block-empty": "[<%~ block('sidebar') %>]<%~ it.body %>",
  "@block-multi": "<head><%~ block('styles') %></head><footer><%~ block('scripts') %></footer><%~ it.body %>",
  "@block-data": "<%~ block('title') %>|<%~ it.body %>",
  "@block-noleak": "[<%~ block('extra') %>][<%~ it.body %>]",
  "@block-async-layout": "<%~ await blockAsync('content') %>|<%~ it.body %>",
  "@wrapper": `<div id="wrapper"><%~ it.content %></div>`,
  "@card": `<div class="card"><%~ it.body %></div>`,
  "@slot": "[<%~ it.slot %>]",
  "@outer": "<outer><%~ it.content %></outer>",
  "@inner": "<inner><%~ it.content %></inner>",
  "@list": "<ul><%~ it.items %></ul>",
  "@async-slot": "<section><%~ it.content %></section>",
  // Not in Eta's suite: a named template's relative include resolves from its includer.
  "@relative": `<%~ include("./near") %>`,
};
const namedFile = (name: string) => `app/named/${name.slice(1)}.eta`;
const namedConfig = (names: string[]) => Object.fromEntries(names.map((n) => [n, namedFile(n)]));
const namedFiles = (names: string[]) => Object.fromEntries(names.map((n) => [namedFile(n), NAMED[n]]));
const ALL_NAMED = Object.keys(NAMED);
const MERGING = ["@simple", "@partial", "@partial-merge", "@partial-pass-data"];
const mergingRows = (): Row[] => [
  many("can override value", {}, "@partial", { greeting: "Hello", name: "friend" }, { eta: "This is a partial.\nHello Test Runner" }),
  many("merges values", {}, "@partial-merge", { name: "friend" }, { eta: "This is a partial.\nHello friend" }),
  many("passes original values", {}, "@partial-pass-data", { greeting: "Hello", name: "friend" }, { eta: "This is a partial.\nHello friend" }),
];

const optionGroups: Group[] = [
  {
    title: "escapeFunction (a module's export)",
    config: { escapeFunction: fn("bracketEscape") },
    rootFiles: FUNCTIONS,
    rows: [
      one("interpolation goes through it", "Hi <%= it.name %>!", { name: "<Ada>" }, { eta: "Hi [&lt;Ada&gt;]!" }),
      one("raw output does not", "<%~ it.h %>|<%= it.h %>", { h: "<b>" }, { eta: "<b>|[&lt;b&gt;]" }),
      one("several values on one line", '<a title="<%= it.t %>"><%= it.u %></a>', { t: "x", u: "&" }, { eta: '<a title="[x]">[&amp;]</a>' }),
      many("a partial's output escaped again", { "main.eta": '<%= include("./p") %>', "p.eta": "<%= it.x %>" }, "main", { x: 1 }, { eta: "[[1]]" }),
      one("inside capture and a loop", "<% const s = capture(() => { for (const x of it.xs) { %><%= x %><% } }) %><%~ s %>", { xs: [1, "<"] }, { eta: "[1][&lt;]" }),
    ],
  },
  {
    title: "escapeFunction sees every argument (a comma expression)",
    config: { escapeFunction: fn("countArgs") },
    rootFiles: FUNCTIONS,
    rows: [one("two arguments", "<%= it.a, it.b %>|<%= it.a %>", { a: "A", b: "B" }, { eta: "2:A|1:A" })],
  },
  {
    title: "escapeFunction: a default export (no `import`)",
    config: { escapeFunction: fn() },
    rootFiles: FUNCTIONS,
    rows: [one("default export", "<%= it.x %>", { x: "abc" }, { eta: "ABC" })],
  },
  {
    title: "escapeFunction from a TypeScript module (./app/lib/typed.js names typed.ts)",
    config: { escapeFunction: { from: "./app/lib/typed.js", import: "angleEscape" } },
    rootFiles: FUNCTIONS,
    rows: [one("typed module", "<%= it.x %>", { x: "<x>" }, { eta: "\u2039&lt;x>\u203a" })],
  },
  {
    title: "escapeFunction with autoEscape false (never called)",
    config: { escapeFunction: fn("bracketEscape"), autoEscape: false },
    rootFiles: FUNCTIONS,
    rows: [one("not escaped", "<%= it.h %>", { h: "<b>" }, { eta: "<b>" })],
  },
  {
    title: "config.spec: filter function (autoFilter, a filter that returns apples)",
    config: { autoFilter: true, filterFunction: fn("apples") },
    rootFiles: FUNCTIONS,
    rows: [
      one("filter function", "My favorite food is <%= it.fav %>", {}, { eta: "My favorite food is apples" }),
      one("raw values and exec tags", "<%~ it.x %>|<% output(it.x) %>", { x: "pear" }, { eta: "apples|pear" }),
    ],
  },
  {
    title: "config.spec: complex filter function (called once per value, in order)",
    config: { autoFilter: true, filterFunction: fn("firstThenAnother") },
    rootFiles: FUNCTIONS,
    rows: [one("complex filter function", "<%= it.val1 %>, <%~ it.val2 %>, <%~ it.val3 %>", resetFilterCalls, { eta: "The first, another, another" })],
  },
  {
    title: "filterFunction then escapeFunction",
    config: { autoFilter: true, filterFunction: fn(), escapeFunction: fn("bracketEscape") },
    rootFiles: FUNCTIONS,
    rows: [one("filter first, then escape", "<%= it.x %>|<%~ it.x %>", { x: "<a>" }, { eta: "[&lt;A&gt;]|<A>" })],
  },
  {
    title: "config.spec: filterFunction without autoFilter (never called)",
    config: { filterFunction: fn("apples") },
    rootFiles: FUNCTIONS,
    rows: [one("default output", "My favorite food is <%= it.fav %>", {}, { eta: "My favorite food is undefined" })],
  },
  {
    title: "render.spec customTags: basic custom tag renders output",
    config: { customTags: { "*": fn("lookup") } },
    rootFiles: FUNCTIONS,
    rows: [
      one("basic custom tag renders output", "Hello <%* name %>!", { name: "World" }, { eta: "Hello World!" }),
      one("in a loop, with whitespace markers", "<% for (const k of ['a', 'b']) { %>\n  <%-* name -%>\n<% } %>", { name: "<n>" }),
      one("inside capture", "<% const s = capture(() => { %><%* name %><% }) %>(<%~ s %>)", { name: "N" }, { eta: "(N)" }),
    ],
  },
  {
    title: "render.spec customTags: comment tag that outputs nothing",
    config: { customTags: { "#": fn("nothing") } },
    rootFiles: FUNCTIONS,
    rows: [one("comment tag that outputs nothing", "A<%# this is a comment %>B", {}, { eta: "AB" })],
  },
  {
    title: "render.spec customTags: multiple custom tags in one template",
    config: { customTags: { "#": fn("nothing"), "*": fn("translate") } },
    rootFiles: FUNCTIONS,
    rows: [one("multiple custom tags in one template", "<%# comment %><p><%* greeting %></p>", { lang: "en" }, { eta: "<p>Hello</p>" })],
  },
  {
    title: "render.spec customTags: works alongside built-in tags",
    config: { customTags: { "*": fn("shout") } },
    rootFiles: FUNCTIONS,
    rows: [one("works alongside built-in tags", "<%= it.a %>|<%* hello %>|<%~ it.b %>", { a: "A", b: "<B>" }, { eta: "A|HELLO|<B>" })],
  },
  {
    title: "customTags: the tag's content reaches the function as a string literal",
    config: { customTags: { "*": fn("show"), "^": fn("show") }, varName: "data" },
    rootFiles: FUNCTIONS,
    rows: [
      one("quotes, backslashes, newlines, U+2028", "<%* \"q\" \\ \n next \u2028 %>", {}),
      one("the data is varName's value", "<%^ x %>", { x: 1 }, { eta: '["x"/object]' }),
      one("empty content", "<%*%>|<%* %>", {}, { eta: '[""/object]|[""/object]' }),
    ],
  },
  {
    title: "functionHeader",
    config: { functionHeader: "const year = 2025; const who = it?.name;" },
    rows: [
      one("declares names every template sees", "<%= year %> <%= who %>", { name: "<Ada>" }, { eta: "2025 &lt;Ada&gt;" }),
      one("in an async render", "<%= await Promise.resolve(year) %>", {}, { modes: ASYNC, eta: "2025" }),
      many("in partials too", { "main.eta": '<%~ include("./p", {name: "P"}) %>', "p.eta": "<%= who %>@<%= year %>" }, "main", { name: "M" }, { eta: "P@2025" }),
    ],
  },
  {
    title: "functionHeader that writes output (before Eta's state exists: both throw)",
    config: { functionHeader: 'output("too early");' },
    rows: [fails("output() in the header", "x")],
  },
  {
    title: "outputFunctionName 'echo'",
    config: { outputFunctionName: "echo" },
    rows: [
      one("echo writes output", '<% echo("<b>" + it.x + "</b>") %>', { x: "&" }, { eta: "<b>&</b>" }),
      one("inside capture", "<% const s = capture(() => echo('in')) %>[<%~ s %>]", {}, { eta: "[in]" }),
      fails("output is no longer defined", '<% output("x") %>'),
    ],
  },
  {
    title: "plugins.spec: Plugins function properly (processAST and processFnString)",
    config: { plugins: [myPlugin()] },
    rows: [one("Plugins function properly", "<%= it.val %> <%= @@num@@ %>.", { val: "value" }, { eta: "value 2352.3.String to append" })],
  },
  {
    title: "plugins.spec: processTemplate, simple plugin",
    config: { plugins: [emojiTransform()] },
    rows: [one("Simple plugin works correctly", ":thumbsup:", {}, { eta: "👍" })],
  },
  {
    title: "plugins.spec: processTemplate, multiple chained plugins",
    config: { plugins: [emojiTransform(), capitalizeCool(), replaceThumbsUp()] },
    rows: [one("Multiple chained plugins work correctly", ":thumbsup: This is a cool template", {}, { eta: "✨ This is a COOL template" })],
  },
  {
    title: "plugins: processAST adds a tag, processTemplate adds code",
    config: {
      plugins: [
        { processAST: (ast: EtaAst) => [...ast, { t: "i", val: "it.extra" }] },
        { processTemplate: (str: string) => str.replace("[[year]]", "<%= 2025 %>") },
      ],
    },
    rows: [one("a tag the plugin made", "x[[year]]|", { extra: "<e>" }, { eta: "x2025|&lt;e&gt;" })],
  },
  {
    title: "plugins: processTemplate makes an unclosed tag",
    config: { plugins: [{ processTemplate: (str: string) => str.replace("END%>", "") }] },
    rows: [one("parse error in the rewritten text", "a\n<%= it.x END%>", {}, { expect: { kind: "diagnostic", code: "TEMPLATE_PARSE", etaParseError: true } })],
  },
  {
    title: "render.spec: import values merging (loadTemplate → templates.named)",
    config: { named: namedConfig(MERGING) },
    rootFiles: namedFiles(MERGING),
    rows: mergingRows(),
  },
  {
    title: "render.spec: import values merging with varName data",
    config: { varName: "data", named: namedConfig(MERGING) },
    rootFiles: { ...namedFiles(MERGING), [namedFile("@simple")]: "<%= data.greeting ?? 'Hi' %> <%= data.name %>" },
    rows: mergingRows(),
  },
  {
    title: "render.spec: layouts, forEach, block and capture with named templates",
    config: { named: namedConfig(ALL_NAMED) },
    rootFiles: namedFiles(ALL_NAMED),
    rows: [
      one("Layouts are called with arguments if they're provided", "<% layout(\"@my-layout\", { title: 'Nifty title', content: 'Nice content'}) %>\nThis is a layout", { title: "Cool Title", randomNum: 3 }, { eta: "Nifty title - This is a layout - Nice content - 3" }),
      many("renders forEach loop inside included partial", {}, "@loop-main", {}, { eta: "<ul>\n<li>a</li>\n<li>b</li>\n<li>c</li>\n</ul>" }),
      many("renders includes called from within a forEach loop", {}, "@nested-main", {}),
      one("child overrides layout default", `<% layout("@block-layout") %><p>Body</p><% block('styles', () => { %><link href="page.css"><% }) %>`, {}, { eta: '<head><link href="page.css"></head><p>Body</p>' }),
      one("block with default content when no override", `<% layout("@block-layout") %><p>Body</p>`, {}, { eta: '<head><link href="default.css"></head><p>Body</p>' }),
      one("empty block with no default and no override", `<% layout("@block-empty") %>main`, {}, { eta: "[]main" }),
      one("multiple blocks in one layout", `<% layout("@block-multi") %>body<% block('styles', () => { %>S<% }) %><% block('scripts', () => { %>J<% }) %>`, {}, { eta: "<head>S</head><footer>J</footer>body" }),
      one("block accessing outer scope data", `<% layout("@block-data") %>body<% block('title', () => { %><%= it.name %><% }) %>`, { name: "Ada" }, { eta: "Ada|body" }),
      one("block doesn't leak into it.body", `<% layout("@block-noleak") %>body<% block('extra', () => { %>X<% }) %>`, {}, { eta: "[X][body]" }),
      one("blockAsync with async content", `<% layout("@block-async-layout") %>body<% await blockAsync('content', async () => { %><%= await it.getData() %><% }) %>`, () => ({ getData: () => Promise.resolve("async-val") }), { modes: ASYNC, eta: "async-val|body" }),
      one("captures inline HTML and passes it to an included template", `<%~ include("@wrapper", {content: capture(() => { %><h1>Hello</h1><% })}) %>`, {}, { eta: '<div id="wrapper"><h1>Hello</h1></div>' }),
      one("captures content that uses data from the outer scope", `<%~ include("@card", {body: capture(() => { %><p><%= it.name %></p><% })}) %>`, { name: "Ada" }, { eta: '<div class="card"><p>Ada</p></div>' }),
      one("does not pollute the outer template's output", `before|<%~ include("@slot", {slot: capture(() => { %>inner<% })}) %>|after`, {}, { eta: "before|[inner]|after" }),
      one("works with nested captures", `<%~ include("@outer", {content: capture(() => { %><%~ include("@inner", {content: capture(() => { %>deep<% })}) %><% })}) %>`, {}, { eta: "<outer><inner>deep</inner></outer>" }),
      one("works with loops inside capture", `<%~ include("@list", {items: capture(() => { %><% ['a','b','c'].forEach(x => { %><li><%= x %></li><% }) %><% })}) %>`, {}, { eta: "<ul><li>a</li><li>b</li><li>c</li></ul>" }),
      one("works with async rendering", `<%~ include("@wrapper", {content: capture(() => { %><p>async content</p><% })}) %>`, {}, { modes: ASYNC, eta: '<div id="wrapper"><p>async content</p></div>' }),
      one("captureAsync works with async content", `<%~ include("@async-slot", {content: await captureAsync(async () => { %><p><%= await it.getData() %></p><% })}) %>`, () => ({ getData: () => Promise.resolve("async value") }), { modes: ASYNC, eta: "<section><p>async value</p></section>" }),
      many("a named template's relative include resolves from its includer", { "sub/main.eta": '<%~ include("@relative") %>', "sub/near.eta": "near sub" }, "sub/main", {}, { eta: "near sub" }),
      many("...and from the root when rendered by name", { "x.eta": "x" }, "@relative", {}, { expect: THROWS }),
      one("render.spec: throws if template doesn't exist (at build here)", '<%~ include("@should-error") %>', {}, { expect: NOT_FOUND }),
      fails("render.spec: throws if template doesn't exist", "<%~ include(it.n) %>", { n: "@should-error" }),
    ],
  },
  {
    title: "templates.namedDir: every file of a folder is @<path>",
    config: { namedDir: "app/partials" },
    rootFiles: { "app/partials/button.eta": "<button><%= it.label %></button>", "app/partials/forms/input.eta": '<input name="<%= it.name %>">' },
    rows: [one("@button and @forms/input", '<%~ include("@button", {label: "<Go>"}) %><%~ include("@forms/input", {name: "q"}) %>', {}, { eta: '<button>&lt;Go&gt;</button><input name="q">' })],
  },
];

const groups: Group[] = [
  { title: "default config: syntax and values", config: {}, rows: syntaxAndValues },
  { title: "default config: text", config: {}, rows: textRows },
  { title: "default config: include and names", config: {}, rows: includeRows },
  { title: "default config: layout and blocks", config: {}, rows: layoutRows },
  { title: "default config: runtime errors", config: {}, rows: runtimeErrorRows },
  { title: "default config: JavaScript syntax errors", config: {}, rows: jsSyntaxRows },
  { title: "default config: async", config: {}, rows: asyncRows },
  { title: "default config: parse errors", config: {}, rows: parseErrorRows },
  { title: "default config: sloppy-mode code", config: {}, rows: strictRows },
  ...(
    [
      ["autoTrim default ([false, 'nl'])", {}],
      ["autoTrim false", { autoTrim: false }],
      ["autoTrim 'nl'", { autoTrim: "nl" }],
      ["autoTrim 'slurp'", { autoTrim: "slurp" }],
      ["autoTrim ['nl', 'slurp']", { autoTrim: ["nl", "slurp"] }],
      ["autoTrim ['slurp', 'nl']", { autoTrim: ["slurp", "nl"] }],
      ["autoTrim [false, 'slurp']", { autoTrim: [false, "slurp"] }],
      ["autoTrim ['slurp', false]", { autoTrim: ["slurp", false] }],
      ["rmWhitespace", { rmWhitespace: true }],
      ["rmWhitespace + autoTrim false", { rmWhitespace: true, autoTrim: false }],
    ] as [string, TemplateConfig][]
  ).map(([title, config]): Group => ({ title: `whitespace: ${title}`, config, rows: whitespaceRows() })),
  {
    title: "autoEscape false",
    config: { autoEscape: false },
    rows: [
      one("interpolation is raw", "<%= it.h %>|<%~ it.h %>", { h: "<b>&</b>" }, { eta: "<b>&</b>|<b>&</b>" }),
      one("null and undefined", "<%= it.a %>|<%= it.b %>", { a: null, b: undefined }, { eta: "null|undefined" }),
      one("valueOf wins without the escaper (+=)", "<%= it.o %>|<%~ it.o %>", valueOfVsToString, { eta: "42|42" }),
      fails("interpolated symbol throws", '<%= Symbol("s") %>'),
      one("comma expression", "<%= it.a, it.b %>", { a: "A", b: "B" }, { eta: "A" }),
      many("partial output is not escaped", { "main.eta": '<%= include("./p") %>', "p.eta": "<b><%= it.x %></b>" }, "main", { x: "&" }, { eta: "<b>&</b>" }),
    ],
  },
  {
    title: "autoFilter true",
    config: { autoFilter: true },
    rows: [
      one("filter then escape, filter on raw", "<%= it.o %>|<%~ it.o %>", valueOfVsToString, { eta: "str|str" }),
      one("raw symbol no longer throws", '<%~ Symbol("s") %>', {}, { eta: "Symbol(s)" }),
      one("null, undefined, numbers", "<%~ null %>|<%~ undefined %>|<%= 1.50 %>|<%~ it.h %>", { h: "<h>" }, { eta: "null|undefined|1.5|<h>" }),
      one("comma expression through the filter", "<%~ it.a, it.b %>|<%= it.a, it.b %>", { a: "A", b: "B" }, { eta: "A|A" }),
      one("exec tags are not filtered", "<% output(it.o) %>", valueOfVsToString, { eta: "42" }),
    ],
  },
  {
    title: "autoFilter true, autoEscape false",
    config: { autoFilter: true, autoEscape: false },
    rows: [
      one("filtered, not escaped", "<%= it.o %>|<%= it.h %>|<%~ it.h %>", () => ({ ...valueOfVsToString(), h: "<h>" }), { eta: "str|<h>|<h>" }),
      one("symbol through the filter", '<%= Symbol("s") %>', {}, { eta: "Symbol(s)" }),
    ],
  },
  {
    title: "tags ['{{', '}}']",
    config: { tags: ["{{", "}}"] },
    rows: [
      one("interpolate and raw", "Hi {{= it.name }}! {{~ it.h }}", { name: "<a>", h: "<b>" }, { eta: "Hi &lt;a&gt;! <b>" }),
      one("exec with braces", "{{ if (it.ok) { }}yes{{ } }}", { ok: true }, { eta: "yes" }),
      one("whitespace markers", "a \n {{- = it.x -}} \n b\n{{_ = 1 _}}  \n c", { x: "X" }),
      one("default tags are plain text", "<%= it.x %> {{= it.x }}", { x: 1 }, { eta: "<%= it.x %> 1" }),
      one("close tag inside a string", '{{= "}}" }}|{{~ `}}` }}', {}, { eta: "}}|}}" }),
      one("object literal closes the tag early", "{{= JSON.stringify({a: {b: 1}}) }}", {}, { expect: SYNTAX }),
      one("newline after a tag", "{{= 1 }}\n{{= 2 }}\n", {}, { eta: "12" }),
    ],
  },
  {
    title: "tags ['<?', '?>']",
    config: { tags: ["<?", "?>"] },
    rows: [
      one("php-like tags", "<? for (const x of it.xs) { ?><?= x ?>,<? } ?><?~ it.h ?>", { xs: [1, "<2>"], h: "<h>" }, { eta: "1,&lt;2&gt;,<h>" }),
      one("a question mark in code", "<?= it.a ? 'y' : 'n' ?>|<?= it.b?.c ?? '-' ?>", { a: 1, b: null }, { eta: "y|-" }),
    ],
  },
  {
    title: "tags with regex characters ['[[', ']]']",
    config: { tags: ["[[", "]]"] },
    rows: [
      one("bracket tags", "[[= it.a ]]|[[~ it.h ]]|[[ const n = 2 ]][[= n ]]", { a: "<a>", h: "<h>" }, { eta: "&lt;a&gt;|<h>|2" }),
      one("text with single brackets", "a[0] [x] ]] [[= 1 ]]", {}, { eta: "a[0] [x] ]] 1" }),
    ],
  },
  {
    title: "tags ['${', '}']",
    config: { tags: ["${", "}"] },
    rows: [one("dollar-brace tags around backticks", "`${= it.x}` ${~ it.h} $ {} \\", { x: "<x>", h: "<h>" }, { eta: "`&lt;x&gt;` <h> $ {} \\" })],
  },
  {
    title: "parse { exec: '#', interpolate: '=', raw: '!' }",
    config: { parse: { exec: "#", interpolate: "=", raw: "!" } },
    rows: [
      one("custom exec and raw prefixes", "<%# const a = '<a>' %><%= a %>|<%! a %>", {}, { eta: "&lt;a&gt;|<a>" }),
      one("unprefixed tag is dropped by Eta", "a<% it.x %>b", { x: "X" }, { eta: "ab" }),
      one("the old raw prefix is no prefix: dropped", "a<%~ it.h %>b", { h: "<h>" }, { eta: "ab" }),
    ],
  },
  {
    title: "parse { exec: '', interpolate: '~', raw: '=' } (swapped)",
    config: { parse: { exec: "", interpolate: "~", raw: "=" } },
    rows: [one("swapped prefixes", "<%= it.h %>|<%~ it.h %>", { h: "<h>" }, { eta: "<h>|&lt;h&gt;" })],
  },
  {
    title: "parse { raw: '!' } (Eta merges config shallowly: no exec or interpolate prefix left)",
    config: { parse: { raw: "!" } },
    rows: [
      one("raw prefix works", "<%! it.h %>", { h: "<h>" }, { eta: "<h>" }),
      one("= tag is dropped", "a<%= it.x %>b", { x: 1 }, { eta: "ab", isolate: true }),
      one("exec tag is dropped", 'a<% throw new Error("x") %>b', {}, { eta: "ab", isolate: true }),
    ],
  },
  {
    title: "varName 'data'",
    config: { varName: "data" },
    rows: [
      one("data instead of it", "<%= data.x %>|<%= typeof it %>", { x: "<x>" }, { eta: "&lt;x&gt;|undefined" }),
      many("include merges data", { "main.eta": '<%~ include("./p", {y: 2}) %>', "p.eta": "<%= data.x %><%= data.y %>" }, "main", { x: 1 }, { eta: "12" }),
      many("layout body and blocks", { "main.eta": '<% layout("./l") %><% block("h", () => { %>H<% }) %>b', "l.eta": '<%~ block("h") %>|<%~ data.body %>' }, "main", {}, { eta: "H|b" }),
      one("capture", "<% const s = capture(() => { %><%= data.x %><% }) %>[<%~ s %>]", { x: 1 }, { eta: "[1]" }),
    ],
  },
  {
    title: "varName '$'",
    config: { varName: "$" },
    rows: [one("$ as the data name", "<%= $.x %>", { x: "<x>" }, { eta: "&lt;x&gt;" })],
  },
  {
    title: "defaultExtension '.html'",
    config: { defaultExtension: ".html" },
    rows: [
      many("templates named *.html", { "page.html": "P<%= it.x %>", "p.html": "p" }, "page", { x: 1 }, { eta: "P1" }),
      many("include adds .html", { "main.eta": '<%~ include("./p") %>', "p.html": "p" }, "main.eta", {}, { eta: "p" }),
      many("*.eta files need their extension", { "main.eta": "M" }, "main.eta", {}, { eta: "M" }),
      many("a name without extension is not *.eta", { "main.eta": "M" }, "main", {}, { expect: THROWS }),
    ],
  },
  {
    title: "defaultExtension ''",
    config: { defaultExtension: "" },
    rows: [
      many("names need the full file name", { "main.eta": '<%~ include("./p.eta") %>', "p.eta": "p" }, "main.eta", {}, { eta: "p" }),
      many("a bare name is not found", { "main.eta": "M" }, "main", {}, { expect: THROWS }),
    ],
  },
  {
    title: "rmWhitespace, more",
    config: { rmWhitespace: true },
    rows: [
      one("indentation and blank lines go", "  <p>\n\n\n      <%= it.x %>   \n   </p>   \n", { x: "X" }, { eta: "<p>\nX</p>" }),
      one("CRLF lines", "  a  \r\n\r\n  b  \r\n  <%= 1 %>\r\n", {}),
      one("whitespace inside a string literal on one line stays", "<%= '  a  ' %>", {}, { eta: "  a  " }),
    ],
  },
  {
    title: "useWith true (rejected by design)",
    config: { useWith: true },
    rows: [
      one("bare names", "<%= name %>", { name: "<n>" }, { expect: { kind: "diagnostic", code: "UNSUPPORTED_WITH" }, eta: "&lt;n&gt;" }),
      one("it still works in Eta", "<%= it.name %>", { name: "n" }, { expect: { kind: "diagnostic", code: "UNSUPPORTED_WITH" }, eta: "n" }),
    ],
  },
  ...optionGroups,
];

// ─── running a group ─────────────────────────────────────────────────────────────────────────

interface Placed {
  row: Row;
  /** Folder of the row inside the fixture ("" at the root). */
  ns: string;
}

interface Ready {
  fixture: TemplateFixture;
}

/** The folder of the i-th row of a group ("" for rows at the templates root). */
function folderOf(row: Row, i: number): string {
  return row.atRoot ? "" : `c${i}`;
}

function namespaced(ns: string, name: string): string {
  // A named template's name is the group's, not a path.
  if (!ns || name.startsWith("@")) return name;
  if (name.startsWith("/")) return `/${ns}${name}`;
  if (name.startsWith("./")) return `./${ns}/${name.slice(2)}`;
  return `${ns}/${name}`;
}

function filesOf(placed: readonly Placed[], title: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { row, ns } of placed) {
    for (const [rel, text] of Object.entries(row.files)) {
      const path = ns ? `${ns}/${rel}` : rel;
      if (path in files && files[path] !== text) throw new Error(`table error in "${title}": ${path} written twice with different contents`);
      files[path] = text;
    }
  }
  return files;
}

async function build(placed: Placed[], group: Group, out: Map<Row, Ready>): Promise<void> {
  const fixture = await compileFixture(filesOf(placed, group.title), group.config, group.title, group.rootFiles);
  if (!fixture.module && placed.length > 1) {
    const half = Math.ceil(placed.length / 2);
    await build(placed.slice(0, half), group, out);
    await build(placed.slice(half), group, out);
    return;
  }
  for (const p of placed) out.set(p.row, { fixture });
}

const prepared = new Map<Group, Promise<Map<Row, Ready>>>();
function prepare(group: Group): Promise<Map<Row, Ready>> {
  let p = prepared.get(group);
  if (!p) {
    p = (async () => {
      const placed = group.rows.map((row, i): Placed => ({ row, ns: folderOf(row, i) }));
      const out = new Map<Row, Ready>();
      const batch = placed.filter((p) => !p.row.isolate);
      if (batch.length) await build(batch, group, out);
      for (const p of placed.filter((p) => p.row.isolate)) await build([p], group, out);
      return out;
    })();
    prepared.set(group, p);
  }
  return p;
}

// ─── checking and reporting ──────────────────────────────────────────────────────────────────

interface Mismatch {
  group: string;
  row: string;
  mode: Mode;
  config: TemplateConfig;
  render: string;
  files: Record<string, string>;
  data: string;
  expected: string;
  eta: Outcome;
  fawkes: Outcome;
  problem: string;
}
const mismatches: Mismatch[] = [];

function showData(data: DataSource): string {
  if (typeof data === "function") return String(data);
  if (data === undefined) return "undefined";
  return JSON.stringify(data, (_, v) => (typeof v === "bigint" ? `${v}n` : v === undefined ? "(undefined)" : typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

function show(o: Outcome): string {
  if (typeof o === "string") return JSON.stringify(o);
  // A load error's first line is "Transform failed with N error(s):"; the next one says what.
  const lines = o.error.split("\n").filter((l) => l.trim());
  return `(${o.stage ?? "?"} error) ${(o.stage === "load" ? lines.slice(0, 2) : lines.slice(0, 1)).join(" ")}`;
}

/** Checks one row in one mode; returns a problem description, or null when it passes. */
function check(row: Row, ns: string, ready: Ready, pair: RenderPair): string | null {
  const { fixture } = ready;
  const eta = pair.eta;
  const ours = pair.fawkes;
  const mine = (file: string) => file.startsWith(`${TEMPLATES_DIR}/${ns ? `${ns}/` : ""}`);
  const expectation = row.expect;

  // The oracle first: a row that does not make Eta do what it says is a table bug.
  if (row.eta !== undefined && eta !== row.eta) return `table error: Eta gave ${show(eta)}, the row pins ${JSON.stringify(row.eta)}`;

  switch (expectation.kind) {
    case "equal": {
      if (typeof eta !== "string") return `table error: Eta threw: ${show(eta)}`;
      if (typeof ours !== "string") return `Eta renders ${show(eta)}; we fail: ${show(ours)}`;
      if (ours !== eta) return `output differs: Eta ${show(eta)}, ours ${show(ours)}`;
      const errs = fixture.diagnostics.filter((d) => d.severity === "error" && mine(d.loc.file));
      if (errs.length) return `unexpected diagnostics: ${errs.map((d) => d.code).join(", ")}`;
      return null;
    }
    case "throws": {
      if (typeof eta === "string") return `table error: Eta did not throw, it rendered ${show(eta)}`;
      if (typeof ours === "string") return `Eta throws (${show(eta)}); we render ${show(ours)}`;
      if (ours.stage === "render") return null;
      if (ours.stage === "compile" && expectation.allowDiagnostic && fixture.diagnostics.some((d) => d.severity === "error")) return null;
      return `Eta throws at render; we fail at ${ours.stage}: ${show(ours)}`;
    }
    case "diagnostic": {
      const d = fixture.diagnostics.find((x) => x.code === expectation.code);
      if (!d) return `no ${expectation.code} diagnostic (got: ${fixture.diagnostics.map((x) => x.code).join(", ") || "none"}; ours ${show(ours)})`;
      if (d.severity !== "error") return `${expectation.code} is a ${d.severity}, not an error`;
      if (expectation.etaParseError) {
        if (typeof eta === "string") return `table error: Eta did not throw`;
        const m = / at line (\d+) col (\d+)/.exec(eta.error);
        if (!m) return `table error: Eta's error has no position: ${show(eta)}`;
        const want = { file: `${TEMPLATES_DIR}/${ns ? `${ns}/` : ""}main.eta`, line: Number(m[1]), column: Number(m[2]) };
        const got = { file: d.loc.file, line: d.loc.line, column: d.loc.column };
        if (JSON.stringify(got) !== JSON.stringify(want)) return `diagnostic at ${JSON.stringify(got)}, Eta says ${JSON.stringify(want)}`;
      } else if (typeof eta !== "string") {
        return `table error: Eta threw: ${show(eta)}`;
      }
      return null;
    }
    case "differs": {
      if (typeof eta !== "string") return `table error: Eta threw: ${show(eta)}`;
      if (typeof expectation.ours === "string") return ours === expectation.ours ? null : `expected our documented output ${JSON.stringify(expectation.ours)}, got ${show(ours)}`;
      return typeof ours !== "string" && expectation.ours.test(ours.error) ? null : `expected a throw matching ${expectation.ours}, got ${show(ours)}`;
    }
    case "buildError": {
      if (typeof eta === "string") return `table error: Eta did not throw, it rendered ${show(eta)}`;
      const d = fixture.diagnostics.find((x) => x.code === expectation.code && mine(x.loc.file));
      return d ? null : `Eta throws (${show(eta)}); expected ${expectation.code} at build, got ${fixture.diagnostics.map((x) => x.code).join(", ") || "none"} (ours ${show(ours)})`;
    }
    case "resolves": {
      if (typeof eta === "string") return `table error: Eta did not throw, it rendered ${show(eta)}`;
      return ours === expectation.ours ? null : `expected ${JSON.stringify(expectation.ours)} (resolved at build), got ${show(ours)}`;
    }
    case "strict": {
      if (typeof eta !== "string") return `table error: Eta threw: ${show(eta)}`;
      if (ours === eta) return null;
      if (typeof ours !== "string" && ours.stage === "render") return null;
      if (typeof ours !== "string" && ours.stage === "compile" && fixture.diagnostics.some((d) => d.severity === "error")) return null;
      return `Eta renders ${show(eta)} (sloppy mode); we give ${show(ours)} (expected the same output, a render-time error or a diagnostic)`;
    }
  }
}

function describeExpectation(e: Expectation): string {
  return e.kind === "diagnostic" ? `diagnostic ${e.code}` : e.kind;
}

let rowCount = 0;
for (const group of groups) {
  describe(group.title, () => {
    group.rows.forEach((row, i) => {
      rowCount++;
      const ns = folderOf(row, i);
      const renderName = namespaced(ns, row.render);
      for (const mode of row.modes) {
        test(`${row.name} [${mode}]`, async () => {
          const ready = (await prepare(group)).get(row)!;
          const pair = await ready.fixture.render(renderName, row.data, { async: mode === "async" });
          const problem = check(row, ns, ready, pair);
          if (problem) {
            mismatches.push({
              group: group.title,
              row: row.name,
              mode,
              config: group.config,
              render: row.render,
              files: row.files,
              data: showData(row.data),
              expected: describeExpectation(row.expect),
              eta: pair.eta,
              fawkes: pair.fawkes,
              problem,
            });
          }
          expect(problem, `${group.title} › ${row.name} [${mode}]\nfiles: ${JSON.stringify(row.files)}\nrender: ${JSON.stringify(row.render)}  data: ${showData(row.data)}`).toBeNull();
        });
      }
    });
  });
}

describe("the generated module", () => {
  test("exports templates keyed by path without .eta, renderTemplate and renderTemplateAsync, imports only fawkes and its own modules", async () => {
    const fixture = await compileFixture({ "user/show.html.eta": "S", "index.eta": "I", "a/b/c.eta": "C" }, {}, "contract");
    expect(fixture.problem).toBeNull();
    expect(Object.keys(fixture.module!.templates).sort()).toEqual(["a/b/c", "index", "user/show.html"]);
    expect(typeof fixture.module!.renderTemplate).toBe("function");
    expect(typeof fixture.module!.renderTemplateAsync).toBe("function");
    const specifiers = [...fixture.generated!.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm)].map((m) => m[1]);
    // Besides fawkes, only the templates' own generated modules (the registry imports them).
    expect(specifiers.filter((s) => s !== "fawkes").sort()).toEqual(["./templates/__registry.gen.js", "./templates/a/b/c.gen.js", "./templates/index.gen.js", "./templates/user/show.html.gen.js"]);
    expect(specifiers).toContain("fawkes");
  });

  test("a template named __proto__ is a key of templates", async () => {
    const fixture = await compileFixture({ "__proto__.eta": "P", "x.eta": "X" }, {}, "contract-proto");
    expect(fixture.problem).toBeNull();
    expect(Object.keys(fixture.module!.templates).sort()).toEqual(["__proto__", "x"]);
  });

  test("the table is large enough", () => {
    expect(rowCount).toBeGreaterThanOrEqual(150);
  });
});

afterAll(() => {
  mkdirSync(TEMPLATES_TMP, { recursive: true });
  writeFileSync(join(TEMPLATES_TMP, "..", "templates-diff-report.json"), JSON.stringify({ rows: rowCount, mismatches }, null, 2) + "\n");
  removeFixtures();
});
