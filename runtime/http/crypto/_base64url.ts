// Strict unpadded base64url, the encoding of every token in this folder (Elixir's
// `Base.url_encode64(_, padding: false)`).
//
// Why not just `Buffer.from(s, "base64url")`: Node's decoder never fails. It skips characters
// outside the alphabet and ignores stray trailing bits, so "abc!" and "abd" can decode to the same
// bytes. A verifier built on it would accept many spellings of one signature, and a "garbage"
// token would decode to something instead of being rejected. Here anything that is not the one
// canonical encoding of some bytes is refused.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes (or a string's UTF-8 bytes) as unpadded base64url. */
export function encode64(data: Buffer | string): string {
  return (typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64url");
}

/** Decodes canonical unpadded base64url; `null` for anything else (never throws). */
export function decode64(text: string): Buffer | null {
  // A length of 4n+1 cannot come from any byte string.
  if (text.length % 4 === 1 || !ALPHABET.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  // Re-encoding catches non-zero padding bits ("QQ" and "QR" both decode to "A").
  return bytes.toString("base64url") === text ? bytes : null;
}
