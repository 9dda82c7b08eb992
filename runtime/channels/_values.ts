// Small value helpers for the channel runtime's error messages and async handling.

export function isThenable(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/** A value as an error message names it: "an object with keys [a, b]", "string \"x\"". */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === "object") return `an object with keys [${Object.keys(value).slice(0, 5).join(", ")}]`;
  if (typeof value === "function") return "a function";
  return `${typeof value} ${JSON.stringify(value)}`;
}
