// Ports the token parts of Plug's csrf_protection_test.exs (and Plug.Crypto's mask /
// masked_compare tests), plus Phoenix 1.8's put_secure_browser_headers tests.

import { describe, expect, it } from "vitest";
import {
  CSRF_SESSION_KEY,
  generateCsrfSecret,
  isUnsafeMethod,
  maskCsrfToken,
  SECURE_BROWSER_HEADERS,
  secureBrowserHeaders,
  validCsrfToken,
} from "../runtime/http/crypto/index.js";

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Plug's mask/1, written out independently: b64url(xor(secret_ascii, mask_ascii)) <> mask. */
function plugMask(secret: string, mask: string): string {
  const a = Buffer.from(secret, "latin1");
  const b = Buffer.from(mask, "latin1");
  return Buffer.from(a.map((x, i) => x ^ b[i]!)).toString("base64url") + mask;
}

describe("CSRF secrets", () => {
  it("are base64url of 18 random bytes: 24 characters, no padding", () => {
    const secret = generateCsrfSecret();
    expect(secret).toHaveLength(24);
    expect(secret).toMatch(B64URL);
    expect(Buffer.from(secret, "base64url")).toHaveLength(18);
    expect(new Set(Array.from({ length: 50 }, generateCsrfSecret)).size).toBe(50);
  });

  it("live in the session under Plug's key", () => {
    expect(CSRF_SESSION_KEY).toBe("_csrf_token");
  });
});

describe("masked CSRF tokens", () => {
  const secret = generateCsrfSecret();

  it("are always 56 characters and verify against their secret", () => {
    const token = maskCsrfToken(secret);
    expect(token).toHaveLength(56);
    expect(token).toMatch(B64URL);
    expect(validCsrfToken(secret, token)).toBe(true);
  });

  it("use a different mask each time, all valid", () => {
    const tokens = Array.from({ length: 50 }, () => maskCsrfToken(secret));
    expect(new Set(tokens).size).toBe(50);
    for (const token of tokens) expect(validCsrfToken(secret, token)).toBe(true);
    expect(tokens.some((t) => t.includes(secret))).toBe(false);
  });

  it("are Plug's format: b64url(secret XOR mask) followed by the mask", () => {
    const token = maskCsrfToken(secret);
    const mask = token.slice(32);
    expect(token).toBe(plugMask(secret, mask));
    // So a token built the Plug way, with any 24-char mask, verifies here.
    expect(validCsrfToken(secret, plugMask(secret, "AAAAAAAAAAAAAAAAAAAAAAAA"))).toBe(true);
    expect(validCsrfToken(secret, plugMask(secret, generateCsrfSecret()))).toBe(true);
  });

  it("do not verify against another secret", () => {
    expect(validCsrfToken(generateCsrfSecret(), maskCsrfToken(secret))).toBe(false);
    // One character off is enough.
    const near = (secret[0] === "a" ? "b" : "a") + secret.slice(1);
    expect(validCsrfToken(near, maskCsrfToken(secret))).toBe(false);
  });

  it("reject the unmasked secret, truncated, padded or altered tokens", () => {
    const token = maskCsrfToken(secret);
    const flip = (at: number) => token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    const bad = [
      secret,
      secret + secret,
      token.slice(0, 55),
      token.slice(1),
      `${token}A`,
      `${token}=`,
      flip(0),
      flip(31),
      flip(32),
      flip(55),
      token.slice(32) + token.slice(0, 32),
    ];
    for (const candidate of bad) expect(validCsrfToken(secret, candidate), candidate).toBe(false);
  });

  it("reject candidates that are not base64url", () => {
    const token = maskCsrfToken(secret);
    const standard = token.replace(/-/g, "+").replace(/_/g, "/");
    const candidates = [
      `!${token.slice(1)}`,
      `${token.slice(0, 40)}!${token.slice(41)}`,
      `${token.slice(0, 30)}==${token.slice(32)}`,
      `${token.slice(0, 55)}é`,
      " ".repeat(56),
      standard === token ? `+${token.slice(1)}` : standard,
    ];
    for (const candidate of candidates) expect(validCsrfToken(secret, candidate), candidate).toBe(false);
  });

  it("reject missing or non-string candidates and malformed secrets, never throwing", () => {
    const token = maskCsrfToken(secret);
    for (const candidate of [undefined, null, "", 56, ["x"], { token }, Buffer.from(token)]) {
      expect(validCsrfToken(secret, candidate)).toBe(false);
    }
    for (const sessionValue of [undefined, null, "", "short", `${secret}x`, 42]) {
      expect(validCsrfToken(sessionValue, token)).toBe(false);
    }
  });

  it("can only be made from a real secret", () => {
    expect(() => maskCsrfToken("short")).toThrow(/expects the 24-character secret from generateCsrfSecret\(\) \(session "_csrf_token"\), got 5 characters/);
    expect(() => maskCsrfToken(`${"!".repeat(24)}`)).toThrow(/24-character secret/);
    expect(() => maskCsrfToken(undefined as never)).toThrow(/got undefined/);
  });
});

describe("isUnsafeMethod", () => {
  it("protects every method but GET, HEAD and OPTIONS", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(isUnsafeMethod(method), method).toBe(false);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "PROPFIND", "get", "Head"]) expect(isUnsafeMethod(method), method).toBe(true);
  });
});

describe("secure browser headers (Phoenix 1.8)", () => {
  it("has Phoenix 1.8's defaults, without the headers 1.8 dropped", () => {
    expect(SECURE_BROWSER_HEADERS).toEqual({
      "content-security-policy": "base-uri 'self'; frame-ancestors 'self';",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-content-type-options": "nosniff",
      "x-permitted-cross-domain-policies": "none",
    });
    expect(Object.isFrozen(SECURE_BROWSER_HEADERS)).toBe(true);
  });

  it("sets every default on a bare response", () => {
    expect(secureBrowserHeaders({})).toEqual(SECURE_BROWSER_HEADERS);
    expect(secureBrowserHeaders({ "content-type": "text/html" })).toEqual(SECURE_BROWSER_HEADERS);
  });

  it("only sets headers not already set (names compared case-insensitively)", () => {
    const headers = secureBrowserHeaders({ "Content-Security-Policy": "custom", foo: "bar", "referrer-policy": undefined });
    expect(headers).toEqual({
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-content-type-options": "nosniff",
      "x-permitted-cross-domain-policies": "none",
    });
  });

  it("merges extra headers on top, even over existing ones", () => {
    const headers = secureBrowserHeaders({ "x-content-type-options": "already" }, { "Content-Security-Policy": "custom", foo: "bar", "x-content-type-options": "forced" });
    expect(headers).toEqual({
      "content-security-policy": "custom",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-permitted-cross-domain-policies": "none",
      "x-content-type-options": "forced",
      foo: "bar",
    });
  });
});

describe("random bytes from the pool", () => {
  it("give distinct secrets and masks well past one pool (4 KB) of them, each verifying", async () => {
    const secret = generateCsrfSecret();
    const tokens = new Set<string>();
    const secrets = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const token = maskCsrfToken(secret);
      expect(validCsrfToken(secret, token)).toBe(true);
      tokens.add(token);
      secrets.add(generateCsrfSecret());
    }
    expect(tokens.size).toBe(1000);
    expect(secrets.size).toBe(1000);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("hand out buffers of their own, of the length asked, and refuse sizes past the pool", async () => {
    const { randomBase64url, randomBytes } = await import("../runtime/http/crypto/_random.js");
    const a = randomBytes(12);
    const copy = Buffer.from(a);
    const b = randomBytes(4096);
    expect(a.length).toBe(12);
    expect(b.length).toBe(4096);
    expect(a.equals(copy)).toBe(true); // refilling the pool did not touch a buffer handed out
    expect(new Set(b).size).toBeGreaterThan(200); // 4 KB of CSPRNG output covers most byte values
    expect(randomBytes(0).length).toBe(0);
    expect(randomBase64url(18)).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(() => randomBytes(4097)).toThrow(RangeError);
    expect(() => randomBase64url(-1)).toThrow(RangeError);
    expect(() => randomBytes(1.5)).toThrow(RangeError);
  });
});
