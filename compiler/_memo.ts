// A bounded memo for the compiler's pure string functions that a router edit asks the same
// answers of thousands of times (route names, import specifiers): each answer kept, the table
// emptied once it holds `max`, so a long watch session cannot grow it without bound.

export function memo(table: Map<string, string>, key: string, make: () => string, max = 20_000): string {
  let out = table.get(key);
  if (out === undefined) {
    if (table.size >= max) table.clear();
    table.set(key, (out = make()));
  }
  return out;
}
