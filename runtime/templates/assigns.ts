// A missing assign raises in development, as Phoenix raises a KeyError for `@user` when the
// render call passed no `:user` (issue 14). A template with a declared `@type` checks its
// required keys (decided at build time, compiler/templates/assigns.ts) first thing:
//
//   if (__checkAssigns && (it?.user === undefined || ...)) __missingAssign(it, t_user_show_html$assigns);
//
// `checkAssigns` is read once, when this module loads: in production the condition stops at a
// constant and no key is read. The error is a TemplateError at the line that first reads the
// assign, so it reaches the dev error page (and the endpoint's 500) like any render error.

import { TemplateError } from "./errors.js";

/** Development: NODE_ENV is not "production" when the runtime loads. */
export const checkAssigns: boolean = process.env.NODE_ENV !== "production";

/** What a generated template knows of its @type, for the message. */
export interface DeclaredAssigns {
  /** The template file, relative to the project (`app/templates/user/show.html.eta`). */
  template: string;
  /** The @type's line. */
  line: number;
  /** The required keys: name, the line that first reads it, its declaration (`user: User`). */
  keys: readonly (readonly [key: string, line: number, declaration: string])[];
  /** How many members the type literal has, to show `{ user: User; ... }`. */
  members: number;
}

/** The assign a template required and the render call did not pass (its `cause`). */
export class MissingAssignError extends Error {
  override name = "MissingAssignError";
  constructor(
    readonly assign: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Throws for the first required assign (in the order the template reads them) that is undefined.
 *
 * @example
 * // app/templates/user/show.html.eta:4: assign "user" is missing (declared at line 2: { user: User; ... }); the render call passed: postsHref, title, flash, conn
 */
export function missingAssign(it: unknown, declared: DeclaredAssigns): void {
  const given = it !== null && typeof it === "object" ? (it as Record<string, unknown>) : {};
  // The keys come in the order the template reads them (compiler/templates/assigns.ts).
  const missing = declared.keys.filter(([key]) => given[key] === undefined);
  if (!missing.length) return;
  const [key, line, declaration] = missing[0];
  const passed = Object.keys(given).filter((k) => given[k] !== undefined);
  const type = declared.members > 1 ? `{ ${declaration}; ... }` : `{ ${declaration} }`;
  const others = missing.slice(1).map(([k]) => `"${k}"`);
  const message =
    `assign "${key}" is missing (declared at line ${declared.line}: ${type})` +
    (others.length ? `, and ${others.join(", ")}` : "") +
    `; the render call passed: ${passed.length ? passed.join(", ") : "nothing"}`;
  throw new TemplateError(declared.template, line, new MissingAssignError(key, message));
}
