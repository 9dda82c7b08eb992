// Ports Plug.Crypto's key_generator_test / message_verifier_test / message_encryptor_test and
// Phoenix's token_test (plus plug_crypto's crypto_test for Token semantics). No sleeps: every
// time-dependent case injects `now`.

import { createHmac, pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveKey, MessageEncryptor, MessageVerifier, Token } from "../runtime/http/crypto/index.js";

const SECRET = "abc123".repeat(5); // 30 bytes, as Phoenix's token_test
const T0 = Date.UTC(2025, 0, 1); // a fixed "now" in ms
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const unb64 = (s: string) => Buffer.from(s, "base64url").toString("utf8");

describe("deriveKey (Plug.Crypto.KeyGenerator)", () => {
  it("matches published PBKDF2 vectors", () => {
    // RFC 6070 (HMAC-SHA1) and the matching HMAC-SHA256 vector; passwords ≥ 20 bytes.
    const password = "passwordPASSWORDpassword";
    const salt = "saltSALTsaltSALTsaltSALTsaltSALTsalt";
    expect(deriveKey(password, salt, { iterations: 4096, length: 25, digest: "sha1" }).toString("hex")).toBe("3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
    expect(deriveKey(password, salt, { iterations: 4096, length: 40, digest: "sha256" }).toString("hex")).toBe(
      "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9",
    );
  });

  it("defaults to 1000 iterations, 32 bytes, sha256", () => {
    const key = deriveKey(SECRET, "salt");
    expect(key).toHaveLength(32);
    expect(key.equals(pbkdf2Sync(SECRET, "salt", 1000, 32, "sha256"))).toBe(true);
    expect(key.equals(deriveKey(SECRET, "salt", { iterations: 1000, length: 32, digest: "sha256" }))).toBe(true);
  });

  it("gives each salt, secret and option set its own key", () => {
    const base = deriveKey(SECRET, "salt").toString("hex");
    const others = [
      deriveKey(SECRET, "salt2"),
      deriveKey(SECRET + "x", "salt"),
      deriveKey(SECRET, "salt", { iterations: 999 }),
      deriveKey(SECRET, "salt", { digest: "sha512" }),
    ].map((k) => k.toString("hex"));
    expect(new Set([base, ...others]).size).toBe(5);
    expect(deriveKey(SECRET, "salt", { length: 16 }).toString("hex")).toBe(base.slice(0, 32));
  });

  it("accepts Buffers and strings for the same bytes", () => {
    expect(deriveKey(Buffer.from(SECRET), Buffer.from("salt")).equals(deriveKey(SECRET, "salt"))).toBe(true);
  });

  it("hands out copies, so a caller cannot poison the cache", () => {
    const first = deriveKey(SECRET, "poison");
    const expected = Buffer.from(first);
    first.fill(0);
    expect(deriveKey(SECRET, "poison").equals(expected)).toBe(true);
  });

  it("requires secret_key_base of at least 20 bytes", () => {
    expect(() => deriveKey("x".repeat(19), "salt")).toThrow(/secret_key_base must be at least 20 bytes, got 19/);
    expect(() => deriveKey("abc123", "salt")).toThrow(/secret_key_base must be at least 20 bytes/);
    expect(deriveKey("x".repeat(20), "salt")).toHaveLength(32);
    // Bytes, not characters: 10 two-byte characters are enough.
    expect(deriveKey("é".repeat(10), "salt")).toHaveLength(32);
  });

  it("rejects bad options with messages naming them", () => {
    for (const iterations of [0, -1, 1.5, Number.NaN]) {
      expect(() => deriveKey(SECRET, "salt", { iterations })).toThrow(/iterations must be an integer >= 1/);
    }
    expect(() => deriveKey(SECRET, "salt", { length: 0 })).toThrow(/key length must be an integer between 1 and/);
    expect(() => deriveKey(SECRET, "salt", { length: 2 ** 32 })).toThrow(/key length/);
    expect(() => deriveKey(SECRET, "salt", { digest: "md5" as never })).toThrow(/key digest must be one of sha1, sha224, sha256, sha384, sha512, got "md5"/);
    expect(() => deriveKey(SECRET, undefined as never)).toThrow(/salt must be a string or Buffer, got undefined/);
    expect(() => deriveKey(undefined as never, "salt")).toThrow(/secret_key_base must be a string or Buffer, got undefined/);
  });
});

describe("MessageVerifier", () => {
  it("generates protected.payload.signature in unpadded base64url", () => {
    const cases = [
      ["sha256", "HS256", "SFMyNTY", 43],
      ["sha384", "HS384", "SFMzODQ", 64],
      ["sha512", "HS512", "SFM1MTI", 86],
    ] as const;
    for (const [digest, alg, header, sigChars] of cases) {
      const [protectedPart, payload, signature] = MessageVerifier.sign("hello world", "secret", digest).split(".");
      expect(protectedPart).toBe(header);
      expect(unb64(protectedPart!)).toBe(alg);
      expect(unb64(payload!)).toBe("hello world");
      expect(signature).toHaveLength(sigChars);
      // The MAC covers the base64 text of header and payload, exactly as Plug computes it.
      expect(signature).toBe(createHmac(digest, "secret").update(`${header}.${payload}`).digest("base64url"));
    }
    expect(MessageVerifier.sign("hello world", "secret")).not.toContain("=");
  });

  it("verifies messages of every digest", () => {
    for (const digest of ["sha256", "sha384", "sha512"] as const) {
      expect(MessageVerifier.verify(MessageVerifier.sign("hello world", "secret", digest), "secret")?.toString()).toBe("hello world");
    }
    const binary = Buffer.from([0, 255, 10, 46, 0]);
    expect(MessageVerifier.verify(MessageVerifier.sign(binary, Buffer.from("k")), Buffer.from("k"))?.equals(binary)).toBe(true);
    expect(MessageVerifier.verify(MessageVerifier.sign("", "secret"), "secret")?.length).toBe(0);
  });

  it("does not verify when the secret changed", () => {
    for (const digest of ["sha256", "sha384", "sha512"] as const) {
      expect(MessageVerifier.verify(MessageVerifier.sign("hello world", "secret", digest), "secreto")).toBeNull();
    }
  });

  it("does not verify a tampered payload", () => {
    for (const digest of ["sha256", "sha384", "sha512"] as const) {
      const [header, , signature] = MessageVerifier.sign("hello world", "secret", digest).split(".");
      expect(MessageVerifier.verify(`${header}.${b64("another world")}.${signature}`, "secret")).toBeNull();
    }
  });

  it("does not verify a re-labelled protected header", () => {
    const relabel = [
      ["sha256", "HS384"],
      ["sha384", "HS512"],
      ["sha512", "HS256"],
    ] as const;
    for (const [digest, other] of relabel) {
      const [, payload, signature] = MessageVerifier.sign("hello world", "secret", digest).split(".");
      expect(MessageVerifier.verify(`${b64(other)}.${payload}.${signature}`, "secret")).toBeNull();
    }
  });

  it("does not verify a tampered signature", () => {
    const token = MessageVerifier.sign("hello world", "secret");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    expect(MessageVerifier.verify(`${header}.${payload}.${flipped}`, "secret")).toBeNull();
    expect(MessageVerifier.verify(`${header}.${payload}.${signature.slice(0, -1)}`, "secret")).toBeNull();
    expect(MessageVerifier.verify(`${header}.${payload}.`, "secret")).toBeNull();
  });

  it("refuses a non-canonical spelling of a valid signature", () => {
    // 32 bytes → 43 chars; the last char carries 2 unused bits. Node's lenient decoder maps these
    // spellings to the same bytes; a strict verifier must still refuse them.
    const token = MessageVerifier.sign("hello world", "secret");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(signature.at(-1)!);
    const twin = signature.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(signature, "base64url"))).toBe(true);
    expect(MessageVerifier.verify(`${header}.${payload}.${twin}`, "secret")).toBeNull();
  });

  it("refuses algorithms other than HS256/384/512, even with a valid MAC", () => {
    for (const alg of ["none", "HS1", "hs256", "constructor"]) {
      const input = `${b64(alg)}.${b64("hello")}`;
      const forged = `${input}.${createHmac("sha256", "secret").update(input).digest("base64url")}`;
      expect(MessageVerifier.verify(forged, "secret")).toBeNull();
    }
  });

  it("returns null for malformed input, never throws", () => {
    const good = MessageVerifier.sign("hello world", "secret");
    const bad: unknown[] = ["", "garbage", "a.b", "a.b.c.d", `${good}.`, `.${good}`, `${good}=`, good.replace("SFMyNTY", "SFMyNTY="), good.replace(".", "!"), "...", undefined, null, 42, {}];
    for (const token of bad) expect(MessageVerifier.verify(token as string, "secret")).toBeNull();
  });

  it("rejects an empty key and an unknown digest", () => {
    expect(() => MessageVerifier.sign("x", "")).toThrow(/MessageVerifier key must not be empty/);
    expect(() => MessageVerifier.verify("x", Buffer.alloc(0))).toThrow(/MessageVerifier key must not be empty/);
    expect(() => MessageVerifier.sign("x", "k", "sha1" as never)).toThrow(/digest must be one of sha256, sha384, sha512, got "sha1"/);
  });
});

describe("MessageEncryptor", () => {
  const right = "abcdefgh".repeat(4);
  const wrong = "12345678".repeat(4);
  const large = right.repeat(2);
  const data = Buffer.from("\0hełłoworld\0", "utf8");

  it("encrypts and decrypts only with both the right secret and sign secret", () => {
    const encrypted = MessageEncryptor.encrypt(data, right, right);
    expect(MessageEncryptor.decrypt(encrypted, wrong, wrong)).toBeNull();
    expect(MessageEncryptor.decrypt(encrypted, right, wrong)).toBeNull();
    expect(MessageEncryptor.decrypt(encrypted, wrong, right)).toBeNull();
    expect(MessageEncryptor.decrypt(encrypted, right)).toBeNull();
    expect(MessageEncryptor.decrypt(encrypted, right, right)?.equals(data)).toBe(true);
    expect(MessageEncryptor.decrypt(MessageEncryptor.encrypt("x", right), right)?.toString()).toBe("x");
  });

  it("uses only the first 32 bytes of the secret", () => {
    const encrypted = MessageEncryptor.encrypt(data, large, large);
    expect(MessageEncryptor.decrypt(encrypted, right, large)?.equals(data)).toBe(true);
    expect(MessageEncryptor.decrypt(encrypted, large, right)).toBeNull();
    expect(MessageEncryptor.decrypt(MessageEncryptor.encrypt(data, right, large), large, large)?.equals(data)).toBe(true);
  });

  it("writes A256GCM.b64url(iv ‖ tag ‖ ciphertext), hiding the plaintext", () => {
    const token = MessageEncryptor.encrypt("secret plans", right);
    expect(token.startsWith("A256GCM.")).toBe(true);
    expect(Buffer.from(token.slice(8), "base64url")).toHaveLength(12 + 16 + "secret plans".length);
    expect(token).not.toContain(b64("secret plans"));
    // A fresh IV each time: the same message never encrypts to the same token.
    expect(MessageEncryptor.encrypt("secret plans", right)).not.toBe(token);
  });

  it("rejects any change to iv, tag or ciphertext", () => {
    const token = MessageEncryptor.encrypt("hello world", right);
    const bytes = Buffer.from(token.slice(8), "base64url");
    for (const at of [0, 11, 12, 27, 28, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 1;
      expect(MessageEncryptor.decrypt(`A256GCM.${copy.toString("base64url")}`, right), `byte ${at}`).toBeNull();
    }
    expect(MessageEncryptor.decrypt(`A256GCM.${bytes.subarray(0, -1).toString("base64url")}`, right)).toBeNull();
    expect(MessageEncryptor.decrypt(`A256GCM.${bytes.subarray(0, 27).toString("base64url")}`, right)).toBeNull();
  });

  it("returns null for malformed input, never throws", () => {
    const token = MessageEncryptor.encrypt("hello", right);
    for (const bad of ["", "garbage", "A256GCM.", "A256GCM.!!!!", token.replace("A256GCM.", "A128GCM."), token.replace("A256GCM.", "XCP."), `${token}=`, undefined, null, 7]) {
      expect(MessageEncryptor.decrypt(bad as string, right)).toBeNull();
    }
  });

  it("requires a 32-byte secret", () => {
    expect(() => MessageEncryptor.encrypt("x", "k".repeat(31))).toThrow(/at least 32 bytes for AES-256-GCM, got 31/);
    expect(() => MessageEncryptor.decrypt("x", "k".repeat(16))).toThrow(/at least 32 bytes/);
  });
});

describe("Token.sign / Token.verify (Phoenix.Token)", () => {
  it("signs and verifies data of any JSON shape", () => {
    for (const data of [1, "id", { user: { id: 7, roles: ["admin"] } }, [1, 2], null, true]) {
      expect(Token.verify(SECRET, "id", Token.sign(SECRET, "id", data))).toEqual({ ok: true, data });
    }
  });

  it("looks like Phoenix's tokens, with a JSON payload", () => {
    const token = Token.sign(SECRET, "id", 1, { now: T0 });
    expect(token.startsWith("SFMyNTY.")).toBe(true);
    expect(JSON.parse(unb64(token.split(".")[1]!))).toEqual({ data: 1, signed: T0, max_age: 86400 });
  });

  it("fails on a missing token", () => {
    expect(Token.verify(SECRET, "id", null)).toEqual({ ok: false, error: "missing" });
    expect(Token.verify(SECRET, "id", undefined)).toEqual({ ok: false, error: "missing" });
  });

  it("fails on an invalid token", () => {
    const token = Token.sign(SECRET, "id", 1);
    expect(Token.verify(SECRET, "id", "garbage")).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET, "id", "")).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET, "not_id", token)).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET + "!", "id", token)).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET, "id", 42 as never)).toEqual({ ok: false, error: "invalid" });
  });

  it("fails when any part of the token is altered", () => {
    const [header, payload, signature] = Token.sign(SECRET, "id", 1, { now: T0 }).split(".") as [string, string, string];
    const forgedPayload = b64(JSON.stringify({ data: 2, signed: T0, max_age: 86400 }));
    const altered = [
      `${b64("HS512")}.${payload}.${signature}`,
      `${header}.${forgedPayload}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}${signature.slice(-2) === "AA" ? "AQ" : "AA"}`,
    ];
    for (const token of altered) expect(Token.verify(SECRET, "id", token, { now: T0 })).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET, "id", `${header}.${payload}.${signature}`, { now: T0 })).toEqual({ ok: true, data: 1 });
  });

  it("treats a correctly signed but unreadable payload as invalid", () => {
    const key = deriveKey(SECRET, "id");
    for (const payload of ["not json", "[1,2]", "null", '{"data":1}', '{"data":1,"signed":"x"}', `{"data":1,"signed":${T0},"max_age":"soon"}`]) {
      expect(Token.verify(SECRET, "id", MessageVerifier.sign(payload, key), { now: T0 }), payload).toEqual({ ok: false, error: "invalid" });
    }
    // A payload without max_age, like Plug.Crypto v1.1 tokens, gets the one-day default.
    const old = MessageVerifier.sign(`{"data":1,"signed":${T0}}`, key);
    expect(Token.verify(SECRET, "id", old, { now: T0 + 86_400_000 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", old, { now: T0 + 86_400_001 })).toEqual({ ok: false, error: "expired" });
  });

  it("supports max age in seconds, fractions included", () => {
    const token = Token.sign(SECRET, "id", 1, { now: T0 });
    expect(Token.verify(SECRET, "id", token, { maxAge: 1000, now: T0 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", token, { maxAge: -1000, now: T0 })).toEqual({ ok: false, error: "expired" });
    expect(Token.verify(SECRET, "id", token, { maxAge: 100, now: T0 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", token, { maxAge: -100, now: T0 })).toEqual({ ok: false, error: "expired" });
    expect(Token.verify(SECRET, "id", token, { maxAge: 0, now: T0 })).toEqual({ ok: false, error: "expired" });
    // signed + trunc(0.1 * 1000) < now: still valid at exactly 100 ms, expired 1 ms later.
    expect(Token.verify(SECRET, "id", token, { maxAge: 0.1, now: T0 + 100 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", token, { maxAge: 0.1, now: T0 + 101 })).toEqual({ ok: false, error: "expired" });
  });

  it("defaults to the max age stored at signing, one day unless given", () => {
    const day = Token.sign(SECRET, "id", 1, { now: T0 });
    expect(Token.verify(SECRET, "id", day, { now: T0 + 86_400_000 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", day, { now: T0 + 86_400_001 })).toEqual({ ok: false, error: "expired" });

    const short = Token.sign(SECRET, "id", 1, { maxAge: 0.1, now: T0 });
    expect(Token.verify(SECRET, "id", short, { now: T0 + 100 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", short, { now: T0 + 150 })).toEqual({ ok: false, error: "expired" });

    const negative = Token.sign(SECRET, "id", 1, { maxAge: -1000, now: T0 });
    expect(Token.verify(SECRET, "id", negative, { now: T0 })).toEqual({ ok: false, error: "expired" });
    // The verify option overrides the stored one.
    expect(Token.verify(SECRET, "id", negative, { maxAge: 1000, now: T0 })).toEqual({ ok: true, data: 1 });
  });

  it("supports Infinity for max age, at signing and at verification", () => {
    const token = Token.sign(SECRET, "id", 1, { now: T0 });
    const century = T0 + 100 * 365 * 86_400_000;
    expect(Token.verify(SECRET, "id", token, { maxAge: Infinity, now: century })).toEqual({ ok: true, data: 1 });
    const forever = Token.sign(SECRET, "id", 1, { maxAge: Infinity, now: T0 });
    expect(JSON.parse(unb64(forever.split(".")[1]!)).max_age).toBe("infinity");
    expect(Token.verify(SECRET, "id", forever, { now: century })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", forever, { maxAge: 60, now: century })).toEqual({ ok: false, error: "expired" });
    expect(Token.verify(SECRET, "id", Token.sign(SECRET, "id", 1, { maxAge: -Infinity, now: T0 }), { now: T0 })).toEqual({ ok: false, error: "expired" });
  });

  it("supports signedAt in seconds", () => {
    const day = 24 * 60 * 60;
    const dayAgo = T0 / 1000 - day;
    const token = Token.sign(SECRET, "id", 1, { signedAt: dayAgo });
    expect(Token.verify(SECRET, "id", token, { maxAge: day + 1, now: T0 })).toEqual({ ok: true, data: 1 });
    expect(Token.verify(SECRET, "id", token, { maxAge: day - 1, now: T0 })).toEqual({ ok: false, error: "expired" });
  });

  it("refuses a token signed in the future", () => {
    const nextYear = Token.sign(SECRET, "id", 1, { signedAt: T0 / 1000 + 31_536_000 });
    expect(Token.verify(SECRET, "id", nextYear, { now: T0 })).toEqual({ ok: false, error: "invalid" });
    const oneMs = Token.sign(SECRET, "id", 1, { now: T0 + 1 });
    expect(Token.verify(SECRET, "id", oneMs, { now: T0 })).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET, "id", oneMs, { now: T0 + 1 })).toEqual({ ok: true, data: 1 });
    // As in Plug.Crypto, maxAge Infinity skips every age check, this one included.
    expect(Token.verify(SECRET, "id", oneMs, { maxAge: Infinity, now: T0 })).toEqual({ ok: true, data: 1 });
  });

  it("passes key options to the key generator", () => {
    const at0 = { signedAt: 0 };
    expect(Token.sign(SECRET, "id", 1, { ...at0, keyIterations: 1 })).not.toBe(Token.sign(SECRET, "id", 1, { ...at0, keyIterations: 2 }));
    expect(Token.sign(SECRET, "id", 1, { ...at0, keyDigest: "sha256" })).not.toBe(Token.sign(SECRET, "id", 1, { ...at0, keyDigest: "sha512" }));
    expect(Token.sign(SECRET, "id", 1, { ...at0, keyLength: 16 })).not.toBe(Token.sign(SECRET, "id", 1, { ...at0, keyLength: 32 }));
    const custom = Token.sign(SECRET, "id", 1, { keyIterations: 2, now: T0 });
    expect(Token.verify(SECRET, "id", custom, { now: T0 })).toEqual({ ok: false, error: "invalid" });
    expect(Token.verify(SECRET, "id", custom, { keyIterations: 2, now: T0 })).toEqual({ ok: true, data: 1 });
  });

  it("has Phoenix's key defaults", () => {
    expect(Token.sign(SECRET, "id", 1, { signedAt: 0 })).toBe(Token.sign(SECRET, "id", 1, { signedAt: 0, keyLength: 32, keyDigest: "sha256", keyIterations: 1000 }));
  });

  it("throws on misconfiguration, not on bad tokens", () => {
    expect(() => Token.sign("abc123", "id", 1)).toThrow(/secret_key_base must be at least 20 bytes/);
    expect(() => Token.verify("abc123", "id", "garbage")).toThrow(/secret_key_base must be at least 20 bytes/);
    // Checked up front, so a bad setting shows on the first request, not the first valid token.
    expect(() => Token.verify(SECRET, "id", "garbage", { maxAge: Number.NaN })).toThrow(/maxAge must be a number of seconds \(or Infinity\), got NaN/);
    expect(() => Token.decrypt(SECRET, "id", undefined, { maxAge: Number.NaN })).toThrow(/maxAge must be a number of seconds/);
    expect(() => Token.sign(SECRET, "id", 1, { maxAge: "1h" as never })).toThrow(/maxAge must be a number of seconds/);
    expect(() => Token.sign(SECRET, "id", 1, { signedAt: Number.POSITIVE_INFINITY })).toThrow(/signedAt must be a finite number of seconds/);
    expect(() => Token.sign(SECRET, "id", 10n)).toThrow(/token data must be JSON-serializable/);
  });
});

describe("Token.encrypt / Token.decrypt", () => {
  it("encrypts and decrypts, hiding the data", () => {
    const token = Token.encrypt(SECRET, "secret", { email: "jose@example.com" });
    expect(token.startsWith("A256GCM.")).toBe(true);
    expect(Buffer.from(token.slice(8), "base64url").toString("latin1")).not.toContain("jose@example.com");
    expect(Token.decrypt(SECRET, "secret", token)).toEqual({ ok: true, data: { email: "jose@example.com" } });
  });

  it("fails on missing and invalid tokens", () => {
    const token = Token.encrypt(SECRET, "secret", 1);
    expect(Token.decrypt(SECRET, "secret", null)).toEqual({ ok: false, error: "missing" });
    expect(Token.decrypt(SECRET, "secret", undefined)).toEqual({ ok: false, error: "missing" });
    expect(Token.decrypt(SECRET, "secret", "garbage")).toEqual({ ok: false, error: "invalid" });
    expect(Token.decrypt(SECRET, "not_secret", token)).toEqual({ ok: false, error: "invalid" });
    expect(Token.decrypt(SECRET, "secret", Token.sign(SECRET, "secret", 1))).toEqual({ ok: false, error: "invalid" });
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(Token.decrypt(SECRET, "secret", token.slice(0, -1) + last)).toEqual({ ok: false, error: "invalid" });
  });

  it("supports max age in seconds", () => {
    const token = Token.encrypt(SECRET, "secret", 1, { now: T0 });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: 1000, now: T0 })).toEqual({ ok: true, data: 1 });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: -1000, now: T0 })).toEqual({ ok: false, error: "expired" });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: 0.1, now: T0 + 100 })).toEqual({ ok: true, data: 1 });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: 0.1, now: T0 + 150 })).toEqual({ ok: false, error: "expired" });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: Infinity, now: T0 + 1e12 })).toEqual({ ok: true, data: 1 });
    expect(Token.decrypt(SECRET, "secret", token, { now: T0 + 86_400_001 })).toEqual({ ok: false, error: "expired" });
  });

  it("supports max age at encryption and signedAt in seconds", () => {
    const negative = Token.encrypt(SECRET, "secret", 1, { maxAge: -1000, now: T0 });
    expect(Token.decrypt(SECRET, "secret", negative, { now: T0 })).toEqual({ ok: false, error: "expired" });
    expect(Token.decrypt(SECRET, "secret", negative, { maxAge: 1000, now: T0 })).toEqual({ ok: true, data: 1 });
    const day = 86_400;
    const token = Token.encrypt(SECRET, "secret", 1, { signedAt: T0 / 1000 - day });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: day + 1, now: T0 })).toEqual({ ok: true, data: 1 });
    expect(Token.decrypt(SECRET, "secret", token, { maxAge: day - 1, now: T0 })).toEqual({ ok: false, error: "expired" });
  });

  it("refuses a token encrypted in the future", () => {
    const token = Token.encrypt(SECRET, "secret", 1, { signedAt: T0 / 1000 + 31_536_000 });
    expect(Token.decrypt(SECRET, "secret", token, { now: T0 })).toEqual({ ok: false, error: "invalid" });
  });

  it("passes key options to the key generator", () => {
    const token = Token.encrypt(SECRET, "secret", 1, { keyDigest: "sha512" });
    expect(Token.decrypt(SECRET, "secret", token)).toEqual({ ok: false, error: "invalid" });
    expect(Token.decrypt(SECRET, "secret", token, { keyDigest: "sha512" })).toEqual({ ok: true, data: 1 });
    expect(() => Token.encrypt(SECRET, "secret", 1, { keyLength: 16 })).toThrow(/at least 32 bytes for AES-256-GCM/);
  });
});
