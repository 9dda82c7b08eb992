// What templates call without an assign, besides `Routes` and `p`: `csrfToken()` and
// `getFlash(key)` (Phoenix's `get_csrf_token()` and `Phoenix.Flash.get(@flash, key)`). The
// generated module defines them only in the render functions whose code uses them, as
// `const csrfToken = () => __csrfToken(it)`, so a template without them pays
// nothing.
//
// They read the request being rendered: `render(conn, ...)` renders synchronously, and runs its
// templates between `enterRender(conn)` and `leaveRender`, so every template of that render (the view's
// template, its includes, the layouts, components that see only their props) finds the same
// conn without it being passed down. A template rendered outside a render (renderToString,
// renderTemplate) finds the conn in its `conn` assign, if it was given one.

import type { Conn } from "../plug/conn.js";
import { getCsrfToken } from "./session.js";

let current: Conn | null = null;

/**
 * Makes `conn` the request templates' helpers read, until leaveRender(previous) (in a finally).
 * A pair rather than a callback: render() is on the hot path, and this allocates nothing.
 */
export function enterRender(conn: Conn): Conn | null {
  const previous = current;
  current = conn;
  return previous;
}

export function leaveRender(previous: Conn | null): void {
  current = previous;
}

function connOf(it: unknown): Conn | null {
  if (current) return current;
  const assigned = it !== null && typeof it === "object" ? (it as { conn?: unknown }).conn : undefined;
  return assigned !== null && typeof assigned === "object" && "private" in assigned ? (assigned as Conn) : null;
}

/**
 * `csrfToken()` in a template: a masked CSRF token of the request being rendered, for a form's
 * `_csrf_token` field or a `<meta name="csrf-token">` (getCsrfToken of its conn).
 * @throws Error when the template is rendered without a conn, or the conn has no session.
 */
export function templateCsrfToken(it: unknown): string {
  const conn = connOf(it);
  // Thrown inside the render function: the template and line are added to the message.
  if (!conn) throw new Error("csrfToken() needs the request being rendered: render the template with render(conn, ...), or pass the conn as the `conn` assign");
  return getCsrfToken(conn);
}

/**
 * `getFlash(key)` in a template: the flash message under `key` (`"info"`, `"error"`...) of the
 * request being rendered, or undefined. Without a conn, the `flash` assign is read, as Phoenix's
 * `Phoenix.Flash.get(@flash, key)`.
 */
export function templateFlash(it: unknown, key: string): string | undefined {
  const conn = connOf(it);
  const flash = conn ? conn.private.flash : it !== null && typeof it === "object" ? (it as { flash?: unknown }).flash : undefined;
  if (flash === null || typeof flash !== "object") return undefined;
  const value = (flash as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

/** The keys `getFlash` is typed with: Phoenix's two kinds, and any other string. */
export type FlashKey = "info" | "error" | (string & {});
