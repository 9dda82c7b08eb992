// The config's `server.watch` patterns: globs (`priv/data/**/*.json`) or regular expressions,
// as phoenix_live_reload's patterns are, tested against a path relative to the project root
// with forward slashes. Hand-written because it is this small: `**` any folders, `*` and `?`
// within one name, `{a,b}` alternatives; everything else is literal.

export type WatchPattern = string | RegExp;

export function globToRegExp(glob: string): RegExp {
  let re = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` is zero or more folders; a trailing `**` is everything below.
      if (glob[i + 2] === "/") {
        re += "(?:[^/]*/)*";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** One test for all the patterns: does this root-relative path match any? */
export function matcher(patterns: readonly WatchPattern[]): (path: string) => boolean {
  const tests = patterns.map((p) => (typeof p === "string" ? globToRegExp(p.replace(/^\.\//, "")) : p));
  return (path) => tests.some((t) => {
    t.lastIndex = 0; // a /g or /y expression keeps state between tests
    return t.test(path);
  });
}
