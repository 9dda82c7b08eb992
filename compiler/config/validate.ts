// Checks a loaded `fawkes.config.ts` against what the toolchain reads: an unknown key is an
// error with the nearest known one as a hint (`autoEscapee` → `autoEscape`), a value of the
// wrong type an error naming the type expected. Nothing is silently ignored.

import { nearest } from "../_suggest.js";
import { describe as describeValue } from "../../runtime/_internal/values.js";

export interface ConfigIssue {
  /** Where in the config: ["templates", "autoEscape"]. */
  path: string[];
  code: "CONFIG_UNKNOWN_KEY" | "CONFIG_TYPE";
  message: string;
  hint?: string;
}

type Rule =
  | { kind: "object"; keys: Record<string, Rule>; required?: string[]; expected?: string; hint?(value: unknown): string | undefined }
  /** An object with keys of the caller's choosing (customTags, named), each checked by `key` and `value`. */
  | { kind: "record"; key: { expected: string; test(key: string): boolean }; value: Rule }
  | { kind: "array"; item: Rule }
  | { kind: "value"; expected: string; test(value: unknown): boolean };

const string: Rule = { kind: "value", expected: "a string", test: (v) => typeof v === "string" };
const nonEmptyString: Rule = { kind: "value", expected: "a non-empty string", test: (v) => typeof v === "string" && v !== "" };
const boolean: Rule = { kind: "value", expected: "true or false", test: (v) => typeof v === "boolean" };
const TRIM = [false, "nl", "slurp", "-", "_"];
const autoTrim: Rule = {
  kind: "value",
  expected: 'false, "nl", "slurp", "-", "_" or a [left, right] pair of them',
  test: (v) => TRIM.includes(v as string) || (Array.isArray(v) && v.length === 2 && v.every((x) => TRIM.includes(x))),
};
const tags: Rule = {
  kind: "value",
  expected: 'a pair of non-empty strings, such as ["{{", "}}"]',
  test: (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string" && x !== ""),
};
const extension: Rule = { kind: "value", expected: 'an extension starting with ".", such as ".eta"', test: (v) => typeof v === "string" && /^\.[^/\\]+$/.test(v) };
const identifier: Rule = { kind: "value", expected: "a JavaScript identifier", test: (v) => typeof v === "string" && /^[A-Za-z_$][\w$]*$/.test(v) };
const modulePath: Rule = {
  kind: "value",
  expected: 'a path relative to the project root, starting with "./" or "../"',
  test: (v) => typeof v === "string" && /^\.\.?\//.test(v),
};

// `{ from, import }`: functions in options are imported by the generated code, never copied
// out of the config (see ModuleRef in define.ts).
const moduleRef: Rule = {
  kind: "object",
  keys: { from: modulePath, import: identifier },
  required: ["from"],
  expected: 'a module reference such as { from: "./app/escape.js", import: "escapeAttr" }',
  hint(value) {
    if (typeof value === "function") {
      const name = value.name && /^[A-Za-z_$][\w$]*$/.test(value.name) ? value.name : "myFunction";
      return `functions run where templates render, so the generated module imports them: export ${name} from a module of the app and write { from: "./app/....js", import: "${name}" }`;
    }
    const m = typeof value === "string" ? /^(.*)#([A-Za-z_$][\w$]*)$/.exec(value) : null;
    return m ? `write { from: ${JSON.stringify(m[1])}, import: ${JSON.stringify(m[2])} }` : undefined;
  },
};

/** Every key the toolchain reads; keep in step with FawkesConfig in define.ts. */
export const CONFIG_SCHEMA: Rule = {
  kind: "object",
  keys: {
    router: nonEmptyString,
    outDir: nonEmptyString,
    strict: boolean,
    static: { kind: "object", keys: { dir: nonEmptyString } },
    server: {
      kind: "object",
      keys: {
        entry: nonEmptyString,
        port: { kind: "value", expected: "a port number from 0 to 65535", test: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 },
        host: nonEmptyString,
        workers: { kind: "value", expected: 'a whole number of workers (1 or more) or "auto"', test: (v) => v === "auto" || (Number.isInteger(v) && (v as number) >= 1) },
        watch: { kind: "array", item: { kind: "value", expected: 'a glob such as "priv/data/*.json" or a regular expression', test: (v) => (typeof v === "string" && v !== "") || Object.prototype.toString.call(v) === "[object RegExp]" } },
      },
    },
    templates: {
      kind: "object",
      keys: {
        dir: nonEmptyString,
        autoEscape: boolean,
        autoFilter: boolean,
        autoTrim,
        rmWhitespace: boolean,
        tags,
        varName: identifier,
        parse: { kind: "object", keys: { exec: string, interpolate: string, raw: string } },
        defaultExtension: extension,
        escapeFunction: moduleRef,
        filterFunction: moduleRef,
        customTags: { kind: "record", key: { expected: "a non-empty tag prefix", test: (k) => k !== "" }, value: moduleRef },
        functionHeader: string,
        outputFunctionName: identifier,
        plugins: { kind: "array", item: moduleRef },
        named: { kind: "record", key: { expected: 'a name starting with "@", such as "@card"', test: (k) => /^@./.test(k) }, value: nonEmptyString },
        namedDir: nonEmptyString,
        viewsDir: nonEmptyString,
        htmlHelpers: nonEmptyString,
      },
    },
  },
};

// Eta options that exist but cannot be used here, with the reason (so they are not "unknown").
const NOT_SUPPORTED: Record<string, string> = {
  useWith: "`with` is not allowed in ES modules (strict mode): read data through `it` (it.user.name)",
  views: "templates are read from `templates.dir`, relative to the project root",
  cache: "templates are compiled at build time; there is nothing to cache at run time",
  debug: "generated render functions always carry a comment back to each template line",
  cacheFilepaths: "templates are resolved at build time",
  async: "a render is async when it is called as one: renderTemplateAsync, includeAsync",
};

export function validateConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  check(config, CONFIG_SCHEMA, [], issues);
  return issues;
}

function check(value: unknown, rule: Rule, path: string[], issues: ConfigIssue[]): void {
  if (rule.kind === "value") {
    if (!rule.test(value)) issues.push({ path, code: "CONFIG_TYPE", message: `${label(path)} must be ${rule.expected}, got ${describeValue(value)}` });
    return;
  }
  if (rule.kind === "array") {
    if (!Array.isArray(value)) issues.push({ path, code: "CONFIG_TYPE", message: `${label(path)} must be an array, got ${describeValue(value)}` });
    else value.forEach((item, i) => check(item, rule.item, [...path, String(i)], issues));
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const hint = rule.kind === "object" ? rule.hint?.(value) : undefined;
    const expected = (rule.kind === "object" && rule.expected) || "an object";
    issues.push({ path, code: "CONFIG_TYPE", message: `${path.length ? label(path) : "the config"} must be ${expected}, got ${describeValue(value)}`, ...(hint ? { hint } : {}) });
    return;
  }
  if (rule.kind === "record") {
    for (const [key, v] of Object.entries(value)) {
      if (!rule.key.test(key)) issues.push({ path: [...path, key], code: "CONFIG_TYPE", message: `${label([...path, key])}: the key must be ${rule.key.expected}` });
      else check(v, rule.value, [...path, key], issues);
    }
    return;
  }
  for (const key of rule.required ?? []) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) issues.push({ path, code: "CONFIG_TYPE", message: `${label(path)} needs "${key}"${rule.expected ? `: it must be ${rule.expected}` : ""}` });
  }
  const known = Object.keys(rule.keys);
  for (const [key, v] of Object.entries(value)) {
    const at = [...path, key];
    const keyRule = rule.keys[key];
    if (keyRule) {
      if (v !== undefined) check(v, keyRule, at, issues);
      continue;
    }
    const unsupported = path[0] === "templates" && path.length === 1 ? NOT_SUPPORTED[key] : undefined;
    const close = nearest(key, known);
    issues.push({
      path: at,
      code: "CONFIG_UNKNOWN_KEY",
      message: unsupported ? `${label(at)} is not supported: ${unsupported}` : `unknown key ${label(at)}`,
      hint: unsupported ? undefined : close ? `did you mean ${label([...path, close])}?` : `known keys here: ${known.join(", ")}`,
    });
  }
}

function label(path: string[]): string {
  return `"${path.join(".")}"`;
}
