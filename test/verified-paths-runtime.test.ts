// `p` at run time: what it builds is what the generated helpers build for the same values
// (differential, with fast-check, against the demo's committed helpers.gen.ts), Phoenix's ~p
// rules for the query and the fragment, the errors for a path `fawkes build` did not see, the
// per-call-site cache, and static files through a lent digest manifest.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { p } from "../runtime/index.js";
import { staticPath, type StaticManifest } from "../runtime/http/static/manifest.js";
import { releaseStaticManifest, useStaticManifest } from "../runtime/router/verified.js";
import { Routes } from "../fixtures/demo/.fawkes/helpers.gen.js";

/** The value or the fact that it threw: helpers and p must agree on both. */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `threw ${(e as Error).name}`;
  }
}

// Segment values as an app passes them: every kind of string (lone surrogates included),
// numbers, bigints, booleans, records with an id, objects with toParam.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.stringMatching(/^[!*'()%/?#&=+.~ :@;,$[\]\\"<>{}|^`-]+$/),
  fc.stringMatching(/^(%[0-9A-Fa-f]{2}|%|[a-z./])+$/),
);
const param = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.boolean(),
  fc.record({ id: fc.oneof(fc.integer(), text) }),
  text.map((s) => ({ toParam: () => s })),
);
const scalar = fc.oneof(text, fc.integer(), fc.boolean());
const queryValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, fc.constant(null), fc.constant(undefined), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(text, tie("value"), { maxKeys: 3 })),
})).value;
const query = fc.dictionary(text, queryValue, { maxKeys: 4 });

describe("p encodes as the helpers do", () => {
  it("path segments (fuzzed values)", () => {
    fc.assert(
      fc.property(param, param, (a, b) => {
        expect(outcome(() => p`/users/${a as never}/posts/${b as never}`)).toBe(outcome(() => Routes.userPostPath("show", a as never, b as never)));
      }),
      { numRuns: 2000 },
    );
  });

  it("a glob's rest: an array as a whole segment (fuzzed)", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), (segments) => {
        expect(outcome(() => p`/files/${segments}`)).toBe(outcome(() => Routes.filePath("serve", segments)));
      }),
      { numRuns: 1000 },
    );
    expect(p`/files/${[]}`).toBe("/files");
    expect(p`/files/${["a b", "c/d"]}`).toBe("/files/a%20b/c%2Fd");
  });

  it("a query object after ? (fuzzed), which, unlike a helper's, keeps every key", () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(outcome(() => p`/users?${q as never}`)).toBe(outcome(() => Routes.userPath("index", q as never)));
      }),
      { numRuns: 2000 },
    );
    // The helper drops a key named like a path parameter (Phoenix's helpers do); ~p keeps it.
    expect(Routes.userPath("show", 1, { id: 3 })).toBe("/users/1");
    expect(p`/users/${1}?${{ id: 3 }}`).toBe("/users/1?id=3");
  });

  it("a query value after = (fuzzed): www-form, as a helper's query value", () => {
    fc.assert(
      fc.property(scalar, (v) => {
        expect(outcome(() => p`/users?page=${v}`)).toBe(outcome(() => Routes.userPath("index", { page: v })));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the rest of ~p's rules", () => {
  it("mixes literal pairs, values and objects; an empty object leaves no stray & or ?", () => {
    expect(p`/users?sort=name&${{ page: 2 }}&q=${"a b&c"}`).toBe("/users?sort=name&page=2&q=a+b%26c");
    expect(p`/users?${{}}&a=1`).toBe("/users?a=1");
    expect(p`/users?${{}}`).toBe("/users");
    expect(p`/users?${{ skip: undefined }}#top`).toBe("/users#top");
  });

  it("keeps the fragment, encoding an interpolated part of it as a segment", () => {
    expect(p`/users#list`).toBe("/users#list");
    expect(p`/users/${1}#${"a b"}`).toBe("/users/1#a%20b");
  });

  it("encodes literal text it cannot carry, and keeps reserved characters and %XX as written", () => {
    expect(p`/café/a b`).toBe("/caf%C3%A9/a%20b");
    expect(p`/a%20b/c:d@e!$&'()*+,;=`).toBe("/a%20b/c:d@e!$&'()*+,;=");
    expect(p`/100%`).toBe("/100%25");
    expect(p`/😀`).toBe("/%F0%9F%98%80");
  });

  it("takes part of a segment", () => {
    expect(p`/u/@${"ada lovelace"}`).toBe("/u/@ada%20lovelace");
    expect(p`/v${2}/x`).toBe("/v2/x");
  });

  it("refuses a malformed path with the path and the rule", () => {
    const raw = (strings: string[]) => Object.assign(strings, { raw: strings }) as unknown as TemplateStringsArray;
    expect(() => p(raw(["users"]))).toThrow('p`users`: a verified path starts with a single "/", not "users"');
    expect(() => p(raw(["/a/", "", ""]), 1, 2)).toThrow("p`/a/${…}${…}`: two interpolations in a row");
    expect(() => p(raw(["/a?x", ""]), 1)).toThrow("in the query, an interpolation goes right after");
    expect(() => p(raw(["//evil.example"]))).toThrow("starts with a single");
  });

  it("refuses values a helper refuses, naming the verified path", () => {
    expect(() => p`/users/${null as never}`).toThrow("cannot convert null to a path segment for a verified path");
    expect(() => p`/users?page=${[1, 2] as never}`).toThrow(/cannot convert an array/);
    expect(() => p`/users?${"page=2" as never}`).toThrow("expected the query parameters as an object");
    expect(() => p`/u/@${["a"]}`).toThrow(/cannot convert an array/);
  });

  it("p.<verb> is the same tag", () => {
    expect(p.post`/users/${"a/b"}`).toBe("/users/a%2Fb");
    expect(p.delete`/users/${1}?${{ force: true }}`).toBe("/users/1?force=true");
  });

  it("works out each call site once: the same strings array, the same plan", () => {
    const site = (id: number) => p`/users/${id}/edit`;
    expect([1, 2, 3].map(site)).toEqual(["/users/1/edit", "/users/2/edit", "/users/3/edit"]);
    const constant = () => p`/about`;
    expect(constant()).toBe("/about");
    expect(constant()).toBe(constant());
  });
});

describe("static files through the digest manifest", () => {
  const manifest: StaticManifest = {
    latest: { "css/app.css": "css/app-abc123.css", "favicon.ico": "favicon-0f0f.ico", "images/logo.png": "images/logo-3f2a.png" },
    digests: {},
  };
  const owner = {};

  it("go through the lending endpoint's staticPath while it lends, plain before and after", () => {
    const css = () => p`/css/app.css`;
    const logo = (name: string) => p`/images/${name}.png#x`;
    const route = () => p`/users`;
    expect(css()).toBe("/css/app.css");
    useStaticManifest(owner, manifest, (path) => "/cdn" + staticPath(manifest, path));
    try {
      expect(css()).toBe("/cdn/css/app-abc123.css?vsn=d");
      expect(p`/favicon.ico`).toBe("/cdn/favicon-0f0f.ico?vsn=d");
      expect(logo("logo")).toBe("/cdn/images/logo-3f2a.png?vsn=d#x");
      expect(logo("other")).toBe("/cdn/images/other.png#x"); // not in the manifest: unchanged
      expect(p`/css/app.css?theme=${"dark"}`).toBe("/cdn/css/app-abc123.css?vsn=d&theme=dark");
      expect(route()).toBe("/users"); // "users" is no static folder
      // Another owner's release does not take this one's manifest away.
      releaseStaticManifest({});
      expect(css()).toBe("/cdn/css/app-abc123.css?vsn=d");
    } finally {
      releaseStaticManifest(owner);
    }
    expect(css()).toBe("/css/app.css");
    expect(logo("logo")).toBe("/images/logo.png#x");
  });
});
