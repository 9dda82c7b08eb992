// Argument checks shared by the token and cookie modules. Misconfiguration (a short secret, a
// missing salt) throws at once with a message naming the setting; only *input from the client*
// is allowed to fail quietly (null / "invalid" / empty session).

/** Throws unless `secretKeyBase` is a string or Buffer of at least `minBytes` bytes. */
export function checkSecretKeyBase(secretKeyBase: unknown, minBytes: number, usedBy?: string): void {
  const forWhat = usedBy ? ` for ${usedBy}` : "";
  if (typeof secretKeyBase !== "string" && !Buffer.isBuffer(secretKeyBase)) {
    throw new TypeError(`secret_key_base must be a string or Buffer${forWhat}, got ${describeType(secretKeyBase)}`);
  }
  const bytes = Buffer.byteLength(secretKeyBase);
  if (bytes < minBytes) {
    throw new Error(
      `secret_key_base must be at least ${minBytes} bytes${forWhat}, got ${bytes}\n` +
        `  hint: generate one with: node -p "crypto.randomBytes(64).toString('base64url')"`,
    );
  }
}

/** Throws unless `key` is a non-empty string or Buffer (Plug's `byte_size(secret) > 0` guard). */
export function checkKey(key: unknown, what: string): Buffer {
  if (typeof key !== "string" && !Buffer.isBuffer(key)) throw new TypeError(`${what} must be a string or Buffer, got ${describeType(key)}`);
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  if (bytes.length === 0) throw new Error(`${what} must not be empty`);
  return bytes;
}

/** "null", "undefined", "a number"… for error messages; never prints the value (it may be secret). */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
