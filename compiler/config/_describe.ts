/** A short description of a config value for messages: `"x"`, `42`, `an array of 3`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return String(value);
}
