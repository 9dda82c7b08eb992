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
