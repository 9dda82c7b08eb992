// Helpers and matcher are inverses: a path built by a generated helper (`Routes.userPath`),
// matched by the generated matcher, gives back the route the helper was made for, with each
// parameter equal to `toParam(value)` (a glob: the array). Built through the real compiler from a
// router module, so helpers, encoding and matcher are the ones an app gets.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { rmSync } from "node:fs";
import { toParam, type ParamValue } from "../runtime/router/url.js";
import { app, buildApp, type BuiltApp } from "./support/app.js";

const ROUTER = `
  r.resources("/users", UserController, () => {
    r.resources("/posts", PostController);
  });
  r.get("/p/v-:id", FileController, "special");
  r.get("/f/:id", FileController, "show");
  r.get("/files/*path", FileController, "other");
`;

let a: BuiltApp;
type Helper = (...args: unknown[]) => string;
const helper = (name: string): Helper => a.Routes[name] as unknown as Helper;

beforeAll(async () => {
  a = await buildApp(app(["UserController", "PostController", "FileController"], ROUTER), "roundtrip");
  expect(a.errors).toEqual([]);
});
afterAll(() => rmSync(a.root, { recursive: true, force: true }));

/** Matches `path` and checks it lands on `routeVerb pattern` (action) with exactly `params`. */
function expectRoute(verb: string, path: string, pattern: string, action: string, params: Record<string, unknown>, routeVerb = verb): void {
  const m = a.match(verb, path);
  const where = `${verb} ${path}`;
  expect(m, where).not.toBeNull();
  expect(`${m!.route.verb} ${m!.route.path} ${m!.route.action}`, where).toBe(`${routeVerb} ${pattern} ${action}`);
  expect({ ...m!.params }, where).toStrictEqual(params);
}

class Slug {
  constructor(readonly id: number, readonly slug: string) {}
  toParam(): string {
    return this.slug;
  }
}
class Post {
  constructor(readonly id: number | bigint | string) {}
}

/** Awkward parameter values; each must come back as `toParam(value)`. */
const VALUES: ParamValue[] = [
  "plain", "a b", "a/b", "/", "//", "a/", "/a", "%", "%2F", "%25", "%zz", "100%",
  "ø", "日本語", "😀", "👩‍👩‍👧", "e\u0301", "\u2028", "\uFEFF", "\u0000", "\t", "\n", " ",
  "+", "a+b", "?", "a?b=c", "#", "#frag", "&", "=", "a=b&c=d", ";", ",", ":", "@", "$",
  ".", "..", "...", "./a", "~", "~user", "-", "_",
  "!", "*", "'", "(", ")", "!*'()", "[]", "{}", "\\", "\"", "<>", "`", "^", "|",
  "edit", "posts", "users", "v-1",
  0, 42, -1, 1.5, -0, 1e21, 2 ** 53 + 2, 12345678901234567890n, true, false,
  { id: 7 }, { id: "a/b c" }, { id: 9n }, new Post("ø/x"), new Slug(1, "hello world/ø"), { id: 1, toParam: () => "custom?x" },
];

describe("helper → matcher round trip", () => {
  it("every awkward value comes back as toParam(value), on the helper's own route", () => {
    const user = helper("userPath");
    const userPost = helper("userPostPath");
    const file = helper("filePath");
    for (const v of VALUES) {
      const s = toParam(v);
      expectRoute("GET", user("show", v), "/users/:id", "show", { id: s });
      expectRoute("GET", user("edit", v), "/users/:id/edit", "edit", { id: s });
      expectRoute("PATCH", user("update", v), "/users/:id", "update", { id: s });
      expectRoute("PUT", user("update", v), "/users/:id", "update", { id: s });
      expectRoute("DELETE", user("delete", v), "/users/:id", "delete", { id: s });
      expectRoute("HEAD", user("show", v), "/users/:id", "show", { id: s }, "GET");
      // With a query string, including one whose keys are dropped (the path params).
      expectRoute("GET", user("show", v, { id: 3, q: "a/b?c", v: [v] }), "/users/:id", "show", { id: s });
      // Nested resources: outer parameter first.
      expectRoute("GET", userPost("index", v), "/users/:user_id/posts", "index", { user_id: s });
      expectRoute("POST", userPost("create", v), "/users/:user_id/posts", "create", { user_id: s });
      expectRoute("GET", userPost("show", v, 5), "/users/:user_id/posts/:id", "show", { user_id: s, id: "5" });
      expectRoute("GET", userPost("edit", "u", v), "/users/:user_id/posts/:id/edit", "edit", { user_id: "u", id: s });
      expectRoute("DELETE", userPost("delete", v, v), "/users/:user_id/posts/:id", "delete", { user_id: s, id: s });
      // A prefix parameter and a plain one.
      expectRoute("GET", file("special", v), "/p/v-:id", "special", { id: s });
      expectRoute("GET", file("show", v), "/f/:id", "show", { id: s });
      // URL helpers are the path behind the base.
      expect(helper("userUrl")("https://example.com/", "show", v)).toBe("https://example.com" + user("show", v));
    }
  });

  it("globs come back as the array", () => {
    const file = helper("filePath");
    const strings = VALUES.map((v) => toParam(v));
    for (const path of [[], ["a"], ["a", "b"], strings, ["..", ".", "..."], ["a/b", "%2F", "c d"], ["😀", "日本語"]]) {
      expectRoute("GET", file("other", path), "/files/*path", "other", { path });
    }
    expect(file("other", [])).toBe("/files");
  });

  it('"." and ".." are plain segment values: the matcher does no dot-segment normalisation', () => {
    // Like Phoenix (URI.encode keeps the unreserved "."), the helper writes them as they are...
    expect(helper("userPath")("show", "..")).toBe("/users/..");
    expect(helper("userPostPath")("show", ".", "..")).toBe("/users/./posts/..");
    // ...and the matcher gives them back; there is no "/users/.." → "/" collapsing.
    expectRoute("GET", "/users/..", "/users/:id", "show", { id: ".." });
    expectRoute("GET", "/users/./posts/..", "/users/:user_id/posts/:id", "show", { user_id: ".", id: ".." });
    // A WHATWG URL parser (browsers, fetch) would resolve them before the request is sent.
    expect(new URL("http://h/users/./posts/..").pathname).toBe("/users/");
  });

  it("values that cannot round trip, as in Phoenix", () => {
    // "" leaves an empty segment, and empty segments are dropped: /users/ is the index.
    expect(helper("userPath")("show", "")).toBe("/users/");
    expectRoute("GET", "/users/", "/users", "index", {});
    // ...but after a prefix the segment is not empty.
    expectRoute("GET", helper("filePath")("special", ""), "/p/v-:id", "special", { id: "" });
    // A value equal to a literal declared earlier loses to it: /users/new is `new`, not `show`.
    expectRoute("GET", helper("userPath")("show", "new"), "/users/new", "new", {});
    // Empty glob segments are dropped too.
    expectRoute("GET", helper("filePath")("other", ["a", "", "b"]), "/files/*path", "other", { path: ["a", "b"] });
    // A lone surrogate has no UTF-8 form: the helper refuses it.
    expect(() => helper("filePath")("show", "\uD800")).toThrow(TypeError);
  });
});

describe("helper → matcher round trip, properties", () => {
  /** Non-empty strings from several alphabets: ASCII, full Unicode, graphemes, URL-reserved characters. */
  const text = fc.oneof(
    fc.string({ minLength: 1 }),
    fc.string({ unit: "binary", minLength: 1 }),
    fc.string({ unit: "grapheme", minLength: 1 }),
    fc.stringMatching(/^[!*'()%/?#&=+.~ :@;,$[\]\\"<>{}|^`-]+$/),
    fc.stringMatching(/^(%[0-9A-Fa-f]{2}|%|[a-z./])+$/),
  );

  it("match(helper(v)).params.id === v for any non-empty string", () => {
    fc.assert(
      fc.property(text, (v) => {
        const m = a.match("GET", helper("filePath")("show", v));
        expect(m?.route.path).toBe("/f/:id");
        expect(m?.params.id).toBe(v);
        const p = a.match("GET", helper("filePath")("special", v));
        expect(p?.route.path).toBe("/p/v-:id");
        expect(p?.params.id).toBe(v);
      }),
      { numRuns: 1000 },
    );
  });

  it("nested parameters and globs round trip", () => {
    fc.assert(
      fc.property(text, text.filter((s) => s !== "new"), fc.array(text, { maxLength: 5 }), (u, id, path) => {
        const m = a.match("GET", helper("userPostPath")("show", u, id, { id: "dropped", x: u }));
        expect(m?.route.path).toBe("/users/:user_id/posts/:id");
        expect({ ...m?.params }).toStrictEqual({ user_id: u, id });
        const g = a.match("GET", helper("filePath")("other", path));
        expect(g?.route.path).toBe("/files/*path");
        expect(g?.params.path).toStrictEqual(path);
      }),
      { numRuns: 500 },
    );
  });

  it("numbers, bigints and objects round trip through toParam", () => {
    const value: fc.Arbitrary<ParamValue> = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.bigInt(),
      fc.boolean(),
      fc.oneof(fc.integer(), fc.bigInt(), text).map((id) => ({ id })),
      text.map((s) => ({ toParam: () => s })),
    );
    fc.assert(
      fc.property(value, (v) => {
        const m = a.match("DELETE", helper("userPath")("delete", v));
        expect(m?.route.action).toBe("delete");
        expect(m?.params.id).toBe(toParam(v));
      }),
      { numRuns: 500 },
    );
  });
});
