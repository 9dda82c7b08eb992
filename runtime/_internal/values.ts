// Small value helpers shared by every layer of the runtime: how an error message names a value,
// and the thenable test the synchronous-while-possible pipelines use. A leaf: imports nothing.

/** Whether `v` is a promise (or any thenable): the pipelines stay synchronous until one is. */
export function isThenable<T = unknown>(v: unknown): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

// Error messages quote client data sometimes (a param echoed as a status, a header value):
// never more than this many characters of it, on one line.
const MAX_QUOTED = 80;

/**
 * A value as an error message names it, on one line: `an object with keys [a, b]`,
 * `an array of 2`, `string "x"`, `number 1e3`, `a function`.
 */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return `an object with keys [${Object.keys(value).slice(0, 5).join(", ")}]`;
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return `string ${quote(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A string for a log line or message: JSON-quoted (so CR/LF cannot forge a line) and capped. */
export function quote(s: string, max = MAX_QUOTED): string {
  return JSON.stringify(s.length > max ? s.slice(0, max) + "…" : s);
}

// Client text in a log line (a path, a topic, a header): capped, and with control characters
// escaped, so a newline in a topic cannot forge a log line of its own.
const MAX_LOGGED = 200;

/** `s` fit for one log line: control characters as \uXXXX, at most `max` characters. */
export function printable(s: string, max = MAX_LOGGED): string {
  const capped = s.length > max ? s.slice(0, max) + "…" : s;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(capped)
    ? capped.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : capped;
}
