// Includes without Eta's merge (compiler/templates/include-data.ts): which literal includes
// become direct calls with only the keys the partial reads, and which keep `{ ...it, ...data }`.
// The outputs themselves are checked against Eta in templates-diff.test.ts ("direct include:"
// and "merge kept:" rows); here, that the compiler took the path each shape calls for.

import { afterAll, describe, expect, test } from "vitest";
import { compileFixture, removeFixtures } from "./support/templates.js";

afterAll(() => removeFixtures());

/** The generated call for main.eta's include of p.eta, and main's render of `data`. */
async function compile(main: string, partial: string, data: object = {}): Promise<{ direct: string | null; merged: boolean; html: () => string }> {
  const fixture = await compileFixture({ "main.eta": main, "p.eta": partial }, {}, "include-data");
  expect(fixture.problem).toBeNull();
  const generated = fixture.generated!;
  const direct = /__res \+= (t_p\(.*\));/.exec(generated)?.[1] ?? null;
  const merged = /const __include_1 = \(__eta_d\?: object\): string => t_p\(\{ \.\.\.it, \.\.\.\(__eta_d \?\? \{\}\) \}/.test(generated);
  const html = () => (fixture.module!.templates as Record<string, (it: object) => string>)["main"](data);
  return { direct, merged, html };
}

describe("a partial that reads it key by key gets a direct call", () => {
  test("the data literal, with the keys it does not give read from the includer's it", async () => {
    const r = await compile('<%~ include("./p", { x: 2 }) %>', "<%= it.x %><%= it.y %>", { x: 1, y: 3 });
    expect(r.direct).toBe('t_p({ x: 2, y: __own(it, "y") } as any, t_p$options)');
    expect(r.merged).toBe(false);
    expect(r.html()).toBe("23");
  });

  test("no data, empty data, a trailing comma, a quoted key", async () => {
    expect((await compile('<%~ include("./p") %>', "<%= it.x %>")).direct).toBe('t_p({ x: __own(it, "x") } as any, t_p$options)');
    expect((await compile('<%~ include("./p", {}) %>', "<%= it.x %>")).direct).toBe('t_p({ x: __own(it, "x") } as any, t_p$options)');
    expect((await compile('<%~ include("./p", { x: 1, }) %>', '<%= it.x %><%= it["a-b"] %>')).direct).toBe('t_p({ x: 1, "a-b": __own(it, "a-b"), } as any, t_p$options)');
  });

  test("a key the data gives is not read from it, even when its value is undefined", async () => {
    const r = await compile('<%~ include("./p", { x: undefined }) %>', "<%= String(it.x) %>", { x: 1 });
    expect(r.direct).toBe("t_p({ x: undefined } as any, t_p$options)");
    expect(r.html()).toBe("undefined");
  });

  test("a property named it, and it read in a nested function, are still reads", async () => {
    const r = await compile('<%~ include("./p", { y: 1 }) %>', "<% const o = { it: 1 }; const f = () => it.x; %><%= o.it %><%= f() %><%= it.y %>", { x: 5 });
    expect(r.direct).toBe('t_p({ y: 1, x: __own(it, "x") } as any, t_p$options)');
    expect(r.html()).toBe("151");
  });

  test("the keys emitted code reads are passed too: getFlash() reads it.flash and it.conn", async () => {
    const r = await compile('<%~ include("./p", { y: 1 }) %>', '<%= getFlash("info") %><%= it.y %>', { flash: { info: "saved" } });
    expect(r.direct).toBe('t_p({ y: 1, conn: __own(it, "conn"), flash: __own(it, "flash") } as any, t_p$options)');
    expect(r.html()).toBe("saved1");
  });

  test("a typed partial's assigns check reads its required keys, read in the code or not", async () => {
    const r = await compile('<%~ include("./p", { y: 1 }) %>', "<%/* @type { y: number; z: string; x?: string } */%><%= it.y %>");
    expect(r.direct).toBe('t_p({ y: 1, z: __own(it, "z") } as any, t_p$options)');
  });
});

describe("an includer that declares its own it", () => {
  test("keeps the merge when the partial reads a key from it: Eta's closure reads the function's it", async () => {
    const r = await compile('<% [{ x: 2 }].forEach((it) => { %><%~ include("./p", { y: it.x }) %><% }) %>', "<%= it.x %><%= it.y %>", { x: 1 });
    expect(r.direct).toBeNull();
    expect(r.merged).toBe(true);
    expect(r.html()).toBe("12");
  });

  test("calls directly when the data gives every key the partial reads", async () => {
    const r = await compile('<% [{ x: 2 }].forEach((it) => { %><%~ include("./p", { y: it.x }) %><% }) %>', "<%= it.y %>");
    expect(r.direct).toBe("t_p({ y: it.x } as any, t_p$options)");
    expect(r.html()).toBe("2");
  });
});

describe("anything else keeps Eta's merge", () => {
  const merged: Array<[string, string, string]> = [
    ["Object.keys(it)", '<%~ include("./p", { y: 1 }) %>', "<%= Object.keys(it) %>"],
    ["for (k in it)", '<%~ include("./p", { y: 1 }) %>', "<% for (const k in it) { %><%= k %><% } %>"],
    ["a spread of it", '<%~ include("./p", { y: 1 }) %>', "<%= JSON.stringify({ ...it }) %>"],
    ["it passed to a function", '<%~ include("./p", { y: 1 }) %>', "<%= JSON.stringify(it) %>"],
    ["an assignment to it.x", '<%~ include("./p", { y: 1 }) %>', "<% it.x = 1 %><%= it.x %>"],
    ["a compound assignment to it.x.y", '<%~ include("./p", { y: 1 }) %>', "<% it.y.z += 1 %>"],
    ["it.x++", '<%~ include("./p", { y: 1 }) %>', "<% it.y++ %>"],
    ["delete it.x", '<%~ include("./p", { y: 1 }) %>', "<% delete it.y %>"],
    ["a destructuring assignment into it", '<%~ include("./p", { y: 1 }) %>', "<% [it.y] = [2] %>"],
    ["a method call through it", '<%~ include("./p", { y: 1 }) %>', "<%= it.y.toFixed() %><%= it.f() %>"],
    ["a dynamic key", '<%~ include("./p", { y: 1 }) %>', "<%= it[it.k] %>"],
    ["it declared again", '<%~ include("./p", { y: 1 }) %>', "<%= [1].map((it) => it) %>"],
    ["it in shorthand", '<%~ include("./p", { y: 1 }) %>', "<%= JSON.stringify({ it }) %>"],
    ["eval", '<%~ include("./p", { y: 1 }) %>', '<%= eval("it.y") %>'],
    ["arguments", '<%~ include("./p", { y: 1 }) %>', "<%= arguments[0].y %>"],
    ["a key of Object.prototype", '<%~ include("./p") %>', "<%= typeof it.toString %>"],
    ["a spread in the data", '<%~ include("./p", { ...it }) %>', "<%= it.y %>"],
    ["a computed key in the data", '<% const k = "y" %><%~ include("./p", { [k]: 1 }) %>', "<%= it.y %>"],
    ["data that is not a literal", '<%~ include("./p", it.d) %>', "<%= it.y %>"],
    ["a partial that includes", '<%~ include("./p", { y: 1 }) %>', '<%~ include("./main") %>'],
  ];
  test.each(merged)("%s", async (_what, main, partial) => {
    const r = await compile(main, partial);
    expect(r.direct).toBeNull();
    expect(r.merged).toBe(true);
  });
});
