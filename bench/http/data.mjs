// The data every server answers with, shared by the Fawkes bench app (bundled from here by
// esbuild) and the peers, so the only difference between servers is the framework layer and,
// for the HTML page, how the template is rendered. Deterministic: every server returns the
// same bytes. The path params are the only per-request input and are escaped in the page.

/** GET / */
export const TEXT = "Hello, World!";

/** GET /users/:id: a small JSON object (the id as a number, as an API would return it). */
export function userJson(id) {
  return { id: Number(id), name: "Ada Lovelace", email: "ada@example.com" };
}

// ~1.3 kB of body text for the post page. No HTML specials, but every byte still goes
// through the escaper (as user content would); the short fields carry & < > " '.
const WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " +
  "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud").split(" ");
const PARAGRAPHS = Array.from({ length: 4 }, (_, p) => {
  const words = Array.from({ length: 55 }, (_, i) => WORDS[(p * 5 + i * 7) % WORDS.length]);
  const s = words.join(" ");
  return s[0].toUpperCase() + s.slice(1) + ".";
});
const TAGS = ["node & http", "<templates>", "bench's"];

/**
 * GET /users/:id/posts/:post_id: the assigns of the post page. `title` feeds the root layout;
 * `user` and `post` the page. Built per request from the (unescaped, user-controlled) params.
 */
export function postAssigns(userId, postId) {
  return {
    title: `Post ${postId} by Ada & friends`,
    user: { id: userId, name: "Ada <Lovelace> & Co" },
    post: {
      id: postId,
      title: `On "compiled" routers & templates, part ${postId}`,
      published: "2026-11-22",
      tags: TAGS,
      paragraphs: PARAGRAPHS,
    },
  };
}

// --- the page endpoint (GET/POST /page): a browser page behind the full pipeline ----------------
// Every server renders the same catalogue page: a root and an app layout (a site header with a
// nav, the flash, a footer), a page header, one card per item, and a form with three fields and
// a button posting back with the CSRF token: 22 partials or components in all. The session
// (a cookie on every server) counts the visits and keeps the last one's time, so it is read,
// changed and written on every request.

export const PAGE_PATH = "/page";
/** The flash every POST /page sets and the GET after it shows (escaped: it carries & and "). */
export const PAGE_FLASH = `Saved "Lamp & shade": it is on the list`;

const ADJECTIVES = ["Oak", "Walnut", "Brass", "Linen", "Copper", "Ceramic"];
const NOUNS = ["desk", "lamp", "shelf", "stool", "mirror", "clock"];
/** The page's twelve items: names and descriptions carry & < > " ' as user content would. */
export const PAGE_ITEMS = Array.from({ length: 12 }, (_, i) => ({
  id: String(101 + i),
  name: `${ADJECTIVES[i % 6]} ${NOUNS[(i * 5) % 6]}${i % 4 === 0 ? ` & co` : ""}`,
  description: `A ${NOUNS[(i * 5) % 6]} in ${ADJECTIVES[i % 6].toLowerCase()}, ${30 + i * 7} cm <wide>, ` +
    `"made to order" by hand, shipped in ${2 + (i % 3)} days; it's ${i % 2 ? "our favourite" : "a classic"}.`,
  price: `€${(19 + i * 13).toFixed(2)}`,
  inStock: i % 3 !== 2,
  tags: [["wood", "home"], ["metal & glass"], ["<new>", "sale", "gift"]][i % 3],
}));

/** The site's nav links; `current` marks the page's own. */
export const PAGE_NAV = [
  { href: "/", label: "Home" },
  { href: "/page", label: "Catalogue" },
  { href: "/users", label: "Users" },
  { href: "/about", label: "About & contact" },
];

/** The signed-in user the header names. */
export const PAGE_USER = { name: "Ada <Lovelace> & Co", email: "ada@example.com" };

/**
 * The session step of a GET /page, on a plain object of what the session holds: the visit count
 * goes up by one and the last visit becomes now. Returns what the page shows: this visit's number
 * and the previous visit's time (null on the first).
 */
export function visit(session, now = new Date()) {
  const visits = (typeof session.visits === "number" ? session.visits : 0) + 1;
  const lastVisit = typeof session.lastVisit === "string" ? session.lastVisit : null;
  return { visits, lastVisit, next: { visits, lastVisit: now.toISOString() } };
}

/** The page's assigns, less the CSRF token and the flash (each server gets those its own way). */
export function pageAssigns({ visits, lastVisit }) {
  return {
    title: "Catalogue",
    user: PAGE_USER,
    nav: PAGE_NAV,
    current: "/page",
    items: PAGE_ITEMS,
    visits,
    lastVisit,
  };
}
