import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  encodeQuery,
  encodeSegment,
  encodeWwwForm,
  globSegments,
  joinUrl,
  prefixPath,
  segment,
  toParam,
  type ParamValue,
  type Query,
  type UrlContext,
} from "../runtime/router/url.js";

class User {
  constructor(readonly id: number) {}
}
class Unsaved {
  readonly id: number | null = null;
}
class Slugged {
  constructor(readonly id: number, readonly slug: string) {}
  toParam(): string {
    return this.slug;
  }
}
class Opaque {
  readonly name = "x";
}

describe("toParam (Phoenix.Param)", () => {
  it("converts strings, numbers, bigints and booleans", () => {
    expect(toParam("foo bar")).toBe("foo bar");
    expect(toParam("")).toBe("");
    expect(toParam(1)).toBe("1");
    expect(toParam(-0)).toBe("0");
    expect(toParam(1.5)).toBe("1.5");
    expect(toParam(9007199254740993n)).toBe("9007199254740993");
    expect(toParam(true)).toBe("true");
    expect(toParam(false)).toBe("false");
  });

  it("uses the id of structs, recursively", () => {
    expect(toParam(new User(7))).toBe("7");
    expect(toParam({ id: "abc" })).toBe("abc");
    expect(toParam({ id: 12n })).toBe("12");
    expect(toParam({ id: 0 })).toBe("0");
  });

  it("prefers toParam() over id", () => {
    expect(toParam(new Slugged(1, "hello-world"))).toBe("hello-world");
    expect(toParam({ id: 1, toParam: () => "custom" })).toBe("custom");
  });

  it("rejects nil, non-finite numbers and objects without toParam/id, naming the parameter", () => {
    const bad = (v: unknown) => () => toParam(v as ParamValue, "userPath :id");
    expect(bad(undefined)).toThrow(new TypeError("cannot convert undefined to a path segment for userPath :id"));
    expect(bad(null)).toThrow(new TypeError("cannot convert null to a path segment for userPath :id"));
    expect(bad(NaN)).toThrow(/cannot convert NaN to a path segment for userPath :id/);
    expect(bad(Infinity)).toThrow(/cannot convert Infinity/);
    expect(bad(-Infinity)).toThrow(TypeError);
    expect(bad({})).toThrow(/an object without toParam\(\) or id.*userPath :id/);
    expect(bad(new Opaque())).toThrow(/a Opaque without toParam\(\) or id/);
    expect(bad(new Date(0))).toThrow(/a Date without toParam\(\) or id/);
    expect(bad(new Unsaved())).toThrow(/an object whose id is null/);
    expect(bad({ id: undefined })).toThrow(/an object whose id is undefined/);
    expect(bad([1])).toThrow(/an array/);
    expect(bad(Symbol("s"))).toThrow(TypeError);
    expect(() => toParam(undefined as unknown as ParamValue)).toThrow(new TypeError("cannot convert undefined to a path segment"));
  });

  it("requires toParam() to return a string", () => {
    expect(() => toParam({ toParam: () => 5 } as unknown as ParamValue, "p")).toThrow(
      new TypeError("toParam() returned 5 instead of a string to a path segment for p"),
    );
  });
});

describe("encodeSegment", () => {
  it("returns unreserved input unchanged", () => {
    const s = "abc-._~XYZ09";
    expect(encodeSegment(s)).toBe(s);
    expect(encodeSegment("")).toBe("");
  });

  it("encodes reserved characters like Phoenix, not like encodeURIComponent", () => {
    expect(encodeSegment("a b/c+d")).toBe("a%20b%2Fc%2Bd");
    expect(encodeSegment("!*'()")).toBe("%21%2A%27%28%29");
    expect(encodeSegment("=&?#%:@$,;")).toBe("%3D%26%3F%23%25%3A%40%24%2C%3B");
    expect(encodeSegment("[]")).toBe("%5B%5D");
  });

  it("encodes UTF-8 bytes with uppercase hex", () => {
    expect(encodeSegment("ø")).toBe("%C3%B8");
    expect(encodeSegment("日本")).toBe("%E6%97%A5%E6%9C%AC");
    expect(encodeSegment("😀")).toBe("%F0%9F%98%80");
    expect(encodeSegment("\u007f\u0000")).toBe("%7F%00");
  });

  it("throws a TypeError (not URIError) on lone surrogates", () => {
    expect(() => encodeSegment("a\uD800b")).toThrow(TypeError);
    expect(() => encodeSegment("\uDC00")).toThrow(/lone UTF-16 surrogate/);
  });

  it("round-trips through decodeURIComponent and emits only unreserved chars and %XX", () => {
    const chunk = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("%", "/", "+", " ", "%20", "!*'()", "?#&=", "ø"),
    );
    fc.assert(
      fc.property(fc.array(chunk).map((parts) => parts.join("")), (s) => {
        const out = encodeSegment(s);
        return decodeURIComponent(out) === s && /^[A-Za-z0-9\-._~%]*$/.test(out) && !/%(?![0-9A-F]{2})/.test(out);
      }),
      { numRuns: 300 },
    );
  });
});

describe("encodeWwwForm", () => {
  it("encodes like URI.encode_www_form: space → '+', everything else like segments", () => {
    expect(encodeWwwForm("foo bar")).toBe("foo+bar");
    expect(encodeWwwForm("a+b")).toBe("a%2Bb");
    expect(encodeWwwForm("%20 ")).toBe("%2520+");
    expect(encodeWwwForm("plain-_.~")).toBe("plain-_.~");
  });

  it("round-trips through form decoding", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(decodeURIComponent(encodeWwwForm(s).replace(/\+/g, " "))).toBe(s);
      }),
    );
  });
});

describe("segment", () => {
  it("converts then encodes", () => {
    expect(segment("foo bar")).toBe("foo%20bar");
    expect(segment(new Slugged(1, "a/b"))).toBe("a%2Fb");
    expect(segment(42)).toBe("42");
    expect(() => segment(undefined as unknown as ParamValue, "postPath :id")).toThrow(/for postPath :id/);
  });
});

describe("globSegments", () => {
  it("encodes each element and joins with '/'", () => {
    expect(globSegments(["foo", "bar baz", "a/b"])).toBe("foo/bar%20baz/a%2Fb");
    expect(globSegments(["only"])).toBe("only");
    expect(globSegments([])).toBe("");
  });

  it("rejects a string (Phoenix requires a list) and non-string elements", () => {
    expect(() => globSegments("a/b", "filePath *path")).toThrow(TypeError);
    expect(() => globSegments("a/b", "filePath *path")).toThrow(/array of strings for filePath \*path.*"a\/b"\.split/);
    expect(() => globSegments([1] as unknown as string[])).toThrow(/glob segment 0 to be a string, got 1/);
    expect(() => globSegments(undefined as unknown as string[])).toThrow(/got undefined/);
  });
});

describe("encodeQuery (Plug.Conn.Query.encode)", () => {
  it("returns '' for nothing and a leading '?' otherwise", () => {
    expect(encodeQuery(undefined)).toBe("");
    expect(encodeQuery(null)).toBe("");
    expect(encodeQuery({})).toBe("");
    expect(encodeQuery({ page: 5 })).toBe("?page=5");
  });

  it("keeps insertion order", () => {
    expect(encodeQuery({ b: 1, a: 2, c: 3 })).toBe("?b=1&a=2&c=3");
  });

  it("form-encodes keys and values", () => {
    expect(encodeQuery({ id: "foo bar" })).toBe("?id=foo+bar");
    expect(encodeQuery({ q: "a&b=c/d" })).toBe("?q=a%26b%3Dc%2Fd");
    expect(encodeQuery({ name: "ø" })).toBe("?name=%C3%B8");
    expect(encodeQuery({ "a b&c": "x" })).toBe("?a+b%26c=x");
    expect(encodeQuery({ "k[x]": 1 })).toBe("?k%5Bx%5D=1");
  });

  it("encodes null as an empty value and leaves undefined out", () => {
    expect(encodeQuery({ a: null })).toBe("?a=");
    expect(encodeQuery({ a: undefined, b: 1 })).toBe("?b=1");
  });

  it("converts scalars through toParam", () => {
    expect(encodeQuery({ t: true, f: false, n: 1.5, big: 10n })).toBe("?t=true&f=false&n=1.5&big=10");
    expect(encodeQuery({ user: new User(3) })).toBe("?user=3");
    expect(encodeQuery({ post: new Slugged(1, "hi there") })).toBe("?post=hi+there");
    expect(encodeQuery({ x: { toParam: () => "custom" } })).toBe("?x=custom");
  });

  it("encodes lists as k[]=", () => {
    expect(encodeQuery({ foo: ["bar", "baz"] })).toBe("?foo[]=bar&foo[]=baz");
    expect(encodeQuery({ ids: [1, new User(2), null] })).toBe("?ids[]=1&ids[]=2&ids[]=");
    expect(encodeQuery({ m: [["a", "b"]] })).toBe("?m[][]=a&m[][]=b");
  });

  it("encodes plain objects as nested maps, even with an id key", () => {
    expect(encodeQuery({ foo: { id: 5 } })).toBe("?foo[id]=5");
    expect(encodeQuery({ foo: { bar: "baz" } })).toBe("?foo[bar]=baz");
    expect(encodeQuery({ a: { b: { c: "d e" }, f: [1, 2] } })).toBe("?a[b][c]=d+e&a[f][]=1&a[f][]=2");
    expect(encodeQuery({ a: { "x y": 1 } })).toBe("?a[x+y]=1");
    const bare = Object.assign(Object.create(null) as Record<string, number>, { z: 1 });
    expect(encodeQuery({ o: bare })).toBe("?o[z]=1");
  });

  it("requires exactly one key for objects inside lists", () => {
    expect(encodeQuery({ k: [{ sub: "v" }, { sub: "w" }] })).toBe("?k[][sub]=v&k[][sub]=w");
    expect(() => encodeQuery({ k: [{ a: 1, b: 2 }] })).toThrow(/for query key k; objects in arrays need exactly one key/);
    expect(() => encodeQuery({ k: [{}] })).toThrow(/object with 0 keys inside an array for query key k/);
    expect(() => encodeQuery({ k: [{ a: 1n, b: 2n }] })).toThrow(/object with 2 keys/);
  });

  it("omits values that are {} or [] entirely, without stray separators", () => {
    expect(encodeQuery({ a: {}, b: [] })).toBe("");
    expect(encodeQuery({ a: {}, b: 1, c: [], d: 2 })).toBe("?b=1&d=2");
    expect(encodeQuery({ a: { x: {}, y: [] }, b: 1 })).toBe("?b=1");
    expect(encodeQuery({ a: [[]], b: 1 })).toBe("?b=1");
  });

  it("drops path parameter names at the top level only", () => {
    expect(encodeQuery({ id: 3, page: 2 }, ["id"])).toBe("?page=2");
    expect(encodeQuery({ id: 3 }, ["id"])).toBe("");
    expect(encodeQuery({ f: { id: 3 } }, ["id"])).toBe("?f[id]=3");
  });

  it("rejects unconvertible scalars, naming the key", () => {
    expect(() => encodeQuery({ when: new Date(0) } as unknown as Query)).toThrow(
      new TypeError("cannot convert a Date without toParam() or id to a query value for query key when"),
    );
    expect(() => encodeQuery({ a: { n: NaN } })).toThrow(/NaN to a query value for query key a\[n\]/);
  });

  it("decodes back with URLSearchParams for flat string maps", () => {
    const key = fc.string({ unit: "binary", minLength: 1 }).filter((k) => k !== "__proto__");
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.string({ unit: "binary" })), { selector: ([k]) => k }), (pairs) => {
        const query: Record<string, string> = {};
        for (const [k, v] of pairs) query[k] = v;
        const out = encodeQuery(query);
        expect(out === "").toBe(pairs.length === 0);
        expect([...new URLSearchParams(out.slice(1))]).toEqual(Object.entries(query));
      }),
    );
  });
});

describe("joinUrl", () => {
  it("joins a string base, stripping one trailing slash", () => {
    expect(joinUrl("https://example.com", "/posts/1")).toBe("https://example.com/posts/1");
    expect(joinUrl("https://example.com/", "/posts/1")).toBe("https://example.com/posts/1");
    expect(joinUrl("https://example.com/api//", "/x")).toBe("https://example.com/api//x"); // only one is stripped
  });

  it("joins a URL: protocol//host + pathname, default ports omitted, query/hash dropped", () => {
    expect(joinUrl(new URL("https://example.com"), "/posts")).toBe("https://example.com/posts");
    expect(joinUrl(new URL("https://example.com:443/api/"), "/posts")).toBe("https://example.com/api/posts");
    expect(joinUrl(new URL("http://user:pw@localhost:4000/api?x=1#top"), "/posts")).toBe("http://localhost:4000/api/posts");
    expect(joinUrl(new URL("https://example.com/api"), "/")).toBe("https://example.com/api/");
  });

  it("joins through an endpoint-like context", () => {
    const endpoint: UrlContext = { url: () => "https://example.com:1234", path: (p) => "/api" + p };
    expect(joinUrl(endpoint, "/posts")).toBe("https://example.com:1234/api/posts");
    expect(joinUrl({ url: () => "http://localhost" }, "/posts")).toBe("http://localhost/posts");
  });

  it("joins through a conn: its endpoint's url() and its script name, not the endpoint's path()", () => {
    const endpoint: UrlContext = { url: () => "https://example.com", path: (p) => "/api" + p };
    expect(joinUrl({ scriptName: ["admin"], private: { endpoint } }, "/posts")).toBe("https://example.com/admin/posts");
    expect(joinUrl({ scriptName: [], private: { endpoint } }, "/")).toBe("https://example.com/");
    expect(() => joinUrl({ scriptName: [] }, "/")).toThrow(TypeError);
  });
});

describe("prefixPath", () => {
  it("prefixes a conn's script name, an endpoint's path() and a URL's pathname", () => {
    expect(prefixPath({ scriptName: ["a", "b"] }, "/x?y=1")).toBe("/a/b/x?y=1");
    expect(prefixPath({ scriptName: [] }, "/x")).toBe("/x");
    expect(prefixPath({ url: () => "", path: (p) => "/api" + p }, "/")).toBe("/api/");
    expect(prefixPath({ url: () => "" }, "/x")).toBe("/x");
    expect(prefixPath(new URL("https://e.com/api/"), "/x")).toBe("/api/x");
    expect(prefixPath(new URL("https://e.com"), "/x")).toBe("/x");
  });

  it("rejects what is none of them, naming the caller", () => {
    expect(() => prefixPath("show" as never, "/x", "userPath")).toThrow('userPath: expected an action name, or a conn, an endpoint or a URL before it, got "show"');
    expect(() => prefixPath({ scriptName: "admin" } as never, "/x")).toThrow(TypeError);
  });
});

describe("helper-style composition (Phoenix helpers_test)", () => {
  // What a generated `postPath(ctx, "show", id, params)` would do for route `/posts/:id`.
  const postPath = (id: ParamValue, params?: Query) => `/posts/${segment(id, "postPath :id")}${encodeQuery(params, ["id"])}`;
  const filePath = (path: readonly string[]) => `/files/${globSegments(path, "filePath *path")}`;

  it("builds paths like Phoenix", () => {
    expect(postPath(5, { id: 3 })).toBe("/posts/5");
    expect(postPath("foo bar")).toBe("/posts/foo%20bar");
    expect(postPath(5, { foo: ["bar", "baz"], page: 2 })).toBe("/posts/5?foo[]=bar&foo[]=baz&page=2");
    expect(postPath(new User(123), { user: { name: "José" } })).toBe("/posts/123?user[name]=Jos%C3%A9");
    expect(filePath(["a b", "c.txt"])).toBe("/files/a%20b/c.txt");
    expect(joinUrl("https://example.com", postPath(1, { q: "x y" }))).toBe("https://example.com/posts/1?q=x+y");
  });
});
