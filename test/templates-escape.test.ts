// escapeHtml against Eta's own XMLEscape (the oracle): the escaper has three paths (a number,
// a string up to 32 chars, a longer one with five indexOf cursors; runtime/templates/escape.ts),
// so the strings here are drawn from an alphabet thick with & < > " ' and non-ASCII, at every
// length around the switch and far past it, and every value type String() takes.

import fc from "fast-check";
import { Eta } from "eta";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../runtime/templates/escape.js";

const xmlEscape = new Eta().config.escapeFunction as (value: unknown) => string;

// Specials, their neighbours in char code (% ; = ? @ are one off each), letters, digits, space,
// and a non-one-byte and an astral character (a two-byte string, a surrogate pair).
const CHARS = ["&", "<", ">", '"', "'", "%", ";", "=", "?", "@", "a", "Z", "0", " ", "é", "€", "😀", "\n"];
const text = (maxLength: number) => fc.array(fc.constantFrom(...CHARS), { maxLength, size: "max" }).map((cs) => cs.join(""));

describe("escapeHtml", () => {
  it("equals Eta's XMLEscape on strings of every length around the short/long switch", () => {
    fc.assert(
      fc.property(text(80), (s) => {
        expect(escapeHtml(s)).toBe(xmlEscape(s));
      }),
      { numRuns: 3000 },
    );
  });

  it("equals Eta's XMLEscape on long strings, clean or not", () => {
    const clean = fc.array(fc.constantFrom("a", "b", " ", ".", "é"), { minLength: 200, maxLength: 2000, size: "max" }).map((cs) => cs.join(""));
    // A long clean text with a few specials sprinkled in: the shape of a page's paragraphs.
    const sparse = fc.tuple(clean, fc.array(fc.tuple(fc.nat(), fc.constantFrom("&", "<", ">", '"', "'")), { maxLength: 20 })).map(([s, at]) => {
      let out = s;
      for (const [n, ch] of at) {
        const i = n % (out.length + 1);
        out = out.slice(0, i) + ch + out.slice(i);
      }
      return out;
    });
    fc.assert(
      fc.property(fc.oneof(text(3000), clean, sparse), (s) => {
        expect(escapeHtml(s)).toBe(xmlEscape(s));
      }),
      { numRuns: 500 },
    );
  });

  it("every char at every position of a short and a long string", () => {
    for (const length of [1, 2, 31, 32, 33, 34, 300]) {
      for (const ch of CHARS) {
        for (let i = 0; i < length; i++) {
          const s = "x".repeat(i) + ch + "y".repeat(length - i - 1);
          expect(escapeHtml(s)).toBe(xmlEscape(s));
        }
      }
    }
  });

  it("a string of only specials, each run of one kind", () => {
    for (const s of [`&<>"'`, "&&&&", "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", `'"'"'"'"'"'"'"'"'"'"'"'"'"'"'"'"'"'"'"'"'`, `&<>"'`.repeat(40)]) {
      expect(escapeHtml(s)).toBe(xmlEscape(s));
    }
  });

  it("numbers (returned without a scan) and every other value through String()", () => {
    const values: unknown[] = [0, -0, 1, -1, 1.5, -2.5e-7, 1e21, 2 ** 53, NaN, Infinity, -Infinity, 10n, true, false, null, undefined,
      Symbol("<s>"), { toString: () => `<b>&"'` }, ["<a>", "&"], new Date(0), () => "<x>"];
    for (const v of values) expect(escapeHtml(v)).toBe(xmlEscape(v));
    fc.assert(
      fc.property(fc.double(), (n) => {
        expect(escapeHtml(n)).toBe(xmlEscape(n));
      }),
      { numRuns: 2000 },
    );
  });

  it("returns a string for a number, as String() does", () => {
    expect(escapeHtml(42)).toBe("42");
    expect(typeof escapeHtml(42)).toBe("string");
  });
});
