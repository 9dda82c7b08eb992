import { getSession, putFlash, putSession, redirect, render, type Conn } from "fawkes";
import { PAGE_FLASH, PAGE_PATH, pageAssigns, visit } from "../../../data.mjs";

/**
 * GET /page: the visit counted in the session (read, changed, written back), the flash of the
 * POST before it shown (and dropped from the session by fetchFlash), a CSRF token in the form
 * (the template's csrfToken()), inside the page layouts.
 */
export function index(conn: Conn): Conn {
  const v = visit({ visits: getSession(conn, "visits"), lastVisit: getSession(conn, "lastVisit") });
  putSession(conn, "visits", v.next.visits);
  putSession(conn, "lastVisit", v.next.lastVisit);
  return render(conn, "index.html", pageAssigns(v));
}

/** POST /page: protectFromForgery let it through (else 403); a flash for the page after the redirect. */
export function create(conn: Conn): Conn {
  putFlash(conn, "info", PAGE_FLASH);
  return redirect(conn, { to: PAGE_PATH });
}
