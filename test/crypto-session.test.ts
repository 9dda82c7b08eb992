// Ports Plug's session/cookie_test.exs to the cookie session store: signed and encrypted
// cookies, the 64-byte secret, garbage → empty session, and rotating_options.

import { describe, expect, it } from "vitest";
import { decodeSession, deriveKey, encodeSession, MessageVerifier, type SessionCookieOptions } from "../runtime/http/crypto/index.js";

const SECRET = "abcdef0123456789".repeat(8); // 128 bytes, as Plug's test
const signing: SessionCookieOptions = { secretKeyBase: SECRET, signingSalt: "signing salt" };
const encrypted: SessionCookieOptions = { ...signing, encryptionSalt: "encrypted cookie salt" };
const unb64 = (s: string) => Buffer.from(s, "base64url").toString("utf8");

function flipChar(value: string, at: number): string {
  const i = at < 0 ? value.length + at : at;
  return value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1);
}

describe("signed session cookies", () => {
  it("round-trip a session", () => {
    const session = { foo: "baz", user_id: 7, flags: [true, null], nested: { a: "ö" } };
    const cookie = encodeSession(session, signing);
    expect(decodeSession(cookie, signing)).toEqual(session);
    expect(decodeSession(encodeSession({}, signing), signing)).toEqual({});
  });

  it("are MessageVerifier tokens: readable by the user, signed with the signing salt's key", () => {
    const cookie = encodeSession({ foo: "baz" }, signing);
    const [header, payload] = cookie.split(".");
    expect(header).toBe("SFMyNTY");
    expect(JSON.parse(unb64(payload!))).toEqual({ foo: "baz" });
    expect(MessageVerifier.verify(cookie, deriveKey(SECRET, "signing salt"))?.toString()).toBe('{"foo":"baz"}');
  });

  it("decode garbage, tampered or foreign cookies to an empty session", () => {
    const cookie = encodeSession({ foo: "baz" }, signing);
    const [header, payload, signature] = cookie.split(".") as [string, string, string];
    const forgedPayload = Buffer.from('{"foo":"admin"}').toString("base64url");
    const bad = [
      "bad",
      "",
      "...",
      `${header}.${forgedPayload}.${signature}`,
      `SFM1MTI.${payload}.${signature}`,
      flipChar(cookie, -2),
      cookie.slice(0, -1),
      `${cookie}x`,
      encodeSession({ foo: "baz" }, { ...signing, signingSalt: "other salt" }),
      encodeSession({ foo: "baz" }, { ...signing, secretKeyBase: SECRET.toUpperCase() }),
      encodeSession({ foo: "baz" }, { ...signing, keyIterations: 2 }),
      encodeSession({ foo: "baz" }, encrypted),
    ];
    for (const value of bad) expect(decodeSession(value, signing), value).toEqual({});
    expect(decodeSession(undefined, signing)).toEqual({});
    expect(decodeSession(null, signing)).toEqual({});
    expect(decodeSession(cookie, signing)).toEqual({ foo: "baz" });
  });

  it("decode an authentic payload that is not a session object to an empty session", () => {
    const key = deriveKey(SECRET, "signing salt");
    for (const payload of ["not json", "[1,2]", "null", '"str"', "42"]) {
      expect(decodeSession(MessageVerifier.sign(payload, key), signing), payload).toEqual({});
    }
    expect(decodeSession(MessageVerifier.sign('{"a":1}', key), signing)).toEqual({ a: 1 });
  });
});

describe("encrypted session cookies", () => {
  it("round-trip a session without revealing it", () => {
    const cookie = encodeSession({ foo: "baz", secret_note: "hidden" }, encrypted);
    expect(cookie.startsWith("A256GCM.")).toBe(true);
    expect(Buffer.from(cookie.slice(8), "base64url").toString("latin1")).not.toContain("hidden");
    expect(decodeSession(cookie, encrypted)).toEqual({ foo: "baz", secret_note: "hidden" });
  });

  it("need both the encryption and the signing salt", () => {
    const cookie = encodeSession({ foo: "baz" }, encrypted);
    expect(decodeSession(cookie, { ...encrypted, encryptionSalt: "other" })).toEqual({});
    expect(decodeSession(cookie, { ...encrypted, signingSalt: "other" })).toEqual({});
    expect(decodeSession(cookie, signing)).toEqual({});
    expect(decodeSession(cookie, encrypted)).toEqual({ foo: "baz" });
  });

  it("decode garbage or tampered cookies to an empty session", () => {
    const cookie = encodeSession({ foo: "baz" }, encrypted);
    for (const value of ["bad", "A256GCM.", "A256GCM.AAAA", flipChar(cookie, 10), flipChar(cookie, -2), cookie.slice(0, -4), encodeSession({ foo: "baz" }, signing)]) {
      expect(decodeSession(value, encrypted), value).toEqual({});
    }
  });
});

describe("rotating options", () => {
  // Plug's "gets session cookie using rotating options", step by step.
  const v1: SessionCookieOptions = { secretKeyBase: SECRET, encryptionSalt: "encrypted cookie salt v1", signingSalt: "signing salt v1" };
  const v2: SessionCookieOptions = { secretKeyBase: SECRET, signingSalt: "signing salt v2" };
  const v3 = { ...v2, rotatingOptions: [v1] };

  it("read a cookie made with older options, and write with the current ones", () => {
    const v1Cookie = encodeSession({ foo: "bar" }, v1);
    expect(decodeSession(v1Cookie, v2)).toEqual({});
    expect(decodeSession(v1Cookie, v3)).toEqual({ foo: "bar" });

    const v3Cookie = encodeSession(decodeSession(v1Cookie, v3), v3);
    expect(decodeSession(v3Cookie, v1)).toEqual({});
    expect(decodeSession(v3Cookie, v2)).toEqual({ foo: "bar" });
    expect(decodeSession(v3Cookie, v3)).toEqual({ foo: "bar" });
  });

  it("rotate secret_key_base, the rotating set defaulting to the current secret", () => {
    const oldSecret = "0123456789abcdef".repeat(4);
    const oldCookie = encodeSession({ user_id: 1 }, { ...signing, secretKeyBase: oldSecret });
    expect(decodeSession(oldCookie, signing)).toEqual({});
    expect(decodeSession(oldCookie, { ...signing, rotatingOptions: [{ secretKeyBase: oldSecret, signingSalt: "signing salt" }] })).toEqual({ user_id: 1 });

    const oldSalt = encodeSession({ user_id: 2 }, { ...signing, signingSalt: "2024 salt" });
    expect(decodeSession(oldSalt, { ...signing, rotatingOptions: [{ signingSalt: "nope" }, { signingSalt: "2024 salt" }] })).toEqual({ user_id: 2 });
  });

  it("do not let a garbled cookie through any key set", () => {
    const options = { ...v3, rotatingOptions: [v1, signing, encrypted] };
    expect(decodeSession("garbage", options)).toEqual({});
    expect(decodeSession(flipChar(encodeSession({ a: 1 }, v1), -2), options)).toEqual({});
  });
});

describe("configuration errors", () => {
  it("require secret_key_base of at least 64 bytes", () => {
    const short = { ...signing, secretKeyBase: "x".repeat(63) };
    expect(() => encodeSession({ foo: "bar" }, short)).toThrow(/secret_key_base must be at least 64 bytes for the cookie session store, got 63/);
    expect(() => decodeSession("anything", short)).toThrow(/at least 64 bytes/);
    expect(() => decodeSession("anything", { ...signing, secretKeyBase: "abcdef" })).toThrow(/at least 64 bytes/);
    expect(decodeSession(encodeSession({ a: 1 }, { ...signing, secretKeyBase: "x".repeat(64) }), { ...signing, secretKeyBase: "x".repeat(64) })).toEqual({ a: 1 });
  });

  it("check rotating options even when the current ones decode the cookie", () => {
    const cookie = encodeSession({ a: 1 }, signing);
    expect(() => decodeSession(cookie, { ...signing, rotatingOptions: [{ secretKeyBase: "short", signingSalt: "s" }] })).toThrow(/at least 64 bytes/);
  });

  it("require a signing salt", () => {
    expect(() => encodeSession({}, { secretKeyBase: SECRET } as SessionCookieOptions)).toThrow(/expects a signingSalt option \(a non-empty string\), got undefined/);
    expect(() => decodeSession("x", { ...signing, signingSalt: "" })).toThrow(/expects a signingSalt option/);
    expect(() => encodeSession({}, { ...signing, encryptionSalt: "" })).toThrow(/encryptionSalt to be a non-empty string/);
  });

  it("require a JSON-serializable plain object session", () => {
    expect(() => encodeSession({ n: 1n }, signing)).toThrow(/session values must be JSON-serializable/);
    expect(() => encodeSession([1] as never, signing)).toThrow(/session must be a plain object of string keys, got an array/);
    expect(() => encodeSession(null as never, signing)).toThrow(/got null/);
  });
});

describe("keys kept with the options object", () => {
  it("derive again when an option changes in place, and follow a Buffer secret's bytes", () => {
    const options: SessionCookieOptions = { secretKeyBase: SECRET, signingSalt: "first salt" };
    const first = encodeSession({ a: 1 }, options);
    expect(decodeSession(first, options)).toEqual({ a: 1 });
    options.signingSalt = "second salt";
    const second = encodeSession({ a: 2 }, options);
    expect(decodeSession(first, options)).toEqual({});
    expect(decodeSession(second, options)).toEqual({ a: 2 });
    expect(decodeSession(second, { secretKeyBase: SECRET, signingSalt: "second salt" })).toEqual({ a: 2 });
    options.encryptionSalt = "now encrypted";
    const third = encodeSession({ a: 3 }, options);
    expect(third.startsWith("A256GCM.")).toBe(true);
    expect(decodeSession(third, options)).toEqual({ a: 3 });
    options.keyIterations = 2;
    expect(decodeSession(third, options)).toEqual({});

    const secret = Buffer.from(SECRET);
    const buffered: SessionCookieOptions = { secretKeyBase: secret, signingSalt: "salt" };
    const before = encodeSession({ b: 1 }, buffered);
    secret.write("ZZZZ", 0);
    expect(decodeSession(before, buffered)).toEqual({});
    expect(decodeSession(encodeSession({ b: 2 }, buffered), buffered)).toEqual({ b: 2 });
  });

  it("still check options that became invalid in place", () => {
    const options: SessionCookieOptions = { secretKeyBase: SECRET, signingSalt: "salt" };
    const cookie = encodeSession({ a: 1 }, options);
    options.secretKeyBase = "short";
    expect(() => decodeSession(cookie, options)).toThrow(/at least 64 bytes/);
    options.secretKeyBase = SECRET;
    options.signingSalt = "";
    expect(() => encodeSession({}, options)).toThrow(/expects a signingSalt option/);
  });
});
