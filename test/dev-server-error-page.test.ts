// The dev server's compile-error page as HTML (the browser tests in dev-server-browser.test.ts
// load it from a running server): what a problem shows, once.

import { describe, expect, it } from "vitest";
import { errorPage } from "../compiler/cli/server/error-page.js";

const frame = "  3 |   <h1>Hello <%= it.title </h1>\n> 4 |   <p>Phoenix's page</p>\n    |             ^";
const page = (text: string, withFrame = true) =>
  errorPage({ heading: "Compile error", summary: "1 error", scriptTag: "", problems: [{ text, file: "app/templates/page/home.html.eta", line: 4, column: 14, notes: [], ...(withFrame ? { frame } : {}) }] });

describe("the compile-error page", () => {
  it("shows a template parse error's excerpt once: the frame, with the code under the heading", () => {
    const html = page("unclosed string\n  <p>Phoenix's page</p>\n             ^ [TEMPLATE_PARSE]");
    expect(html).toContain('<h2>unclosed string</h2><p class="code">[TEMPLATE_PARSE]</p><pre class="frame">');
    expect(html).not.toContain('class="detail"');
    expect(html).toContain('<pre class="frame">');
    // An icon of its own: the browser asks the app for none (a /favicon.ico 404 in its log and console).
    expect(html).toContain('<link rel="icon" href="data:,">');
  });

  it("keeps the excerpt when there is no frame, and a message's other lines always", () => {
    expect(page("unclosed string\n  <p>x</p>\n  ^ [TEMPLATE_PARSE]", false)).toContain('<pre class="detail">  &#60;p&#62;x&#60;/p&#62;\n  ^ [TEMPLATE_PARSE]</pre>');
    const other = page("PageController has no action \"about\"\nthe router calls it at app/router.ts:21:5 [ACTION_MISSING]");
    expect(other).toContain("<h2>PageController has no action &#34;about&#34;</h2>");
    expect(other).toContain('<pre class="detail">the router calls it at app/router.ts:21:5 [ACTION_MISSING]</pre>');
  });
});
