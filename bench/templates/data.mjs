// The workloads' data. Deterministic (no Math.random): every run and every engine renders the
// same bytes. Shapes after /work/shared/reference/perf-micro.md Part B:
//   baryshev    baryshev/template-benchmark: title, ~10 kB of <p> paragraphs, 7 projects
//               (escaping the long text dominates)
//   items10/100 the same template, short fields full of & < > " ' (per-call escape overhead)
//   partials50  a 50-row table, one partial call per row
// Field strings avoid `&word;` sequences: doT leaves existing entities unescaped by default.

const LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " +
  "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation " +
  "ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute irure dolor in reprehenderit").split(" ");

/** `count` words of lorem, starting at word `from` (wrapping), first letter capitalised. */
function sentence(from, count) {
  const words = Array.from({ length: count }, (_, i) => LOREM[(from + i * 7) % LOREM.length]);
  const s = words.join(" ");
  return s[0].toUpperCase() + s.slice(1) + ".";
}

/** ~10 kB of `<p>…</p>` paragraphs, as in baryshev's data: the only specials are the tags. */
function paragraphs(bytes) {
  let text = "";
  for (let p = 0; text.length < bytes; p++) {
    const body = Array.from({ length: 6 }, (_, s) => sentence(p * 11 + s * 5, 12 + ((p + s) % 5))).join(" ");
    text += `<p>${body}</p>\n`;
  }
  return text;
}

const SITES = ["Facebook", "Google", "Hacker News", "Reddit", "Wikipedia", "GitHub", "Stack Overflow"];

const baryshev = {
  title: "Projects",
  text: paragraphs(10_000),
  projects: SITES.map((name, i) => ({
    name: i === 0 ? `<strong>${name}</strong>` : name, // baryshev's data has one markup name
    url: `https://${name.toLowerCase().replace(/ /g, "")}.com/`,
    description: sentence(i * 3, 6),
  })),
};

const items = (n) => ({
  title: `Items & <${n}>`,
  text: `Short "text" with <b>tags</b> & it's ${n} items`,
  projects: Array.from({ length: n }, (_, i) => ({
    name: `Item ${i} <b>"bold"</b> & more`,
    url: `/items/${i}?sort=name&dir='asc'`,
    description: `Tom & Jerry's "best" <episode> #${i}`,
  })),
});

const partials50 = {
  title: "Users & <admins>",
  rows: Array.from({ length: 50 }, (_, i) => ({
    id: 1000 + i,
    name: `User ${i} <O'Brien>`,
    email: `user${i}@example.com`,
    role: i % 3 ? "admin & owner" : `"guest"`,
  })),
};

// The components page: partials50's users in a table built from the core components (a link
// per name, a delete form per row), with a flash, a header and a three-field form.
const componentsPage = {
  title: "Users & <admins>",
  flash: { info: "Saved \"Ada\" & co" },
  token: "dG9rZW4tZm9yLXRoZS1iZW5jaA_-0123456789abcdefghijklmnopqrs",
  users: partials50.rows,
};

/** Workload -> which template (per engine: `<template>.<ext>`) renders which data. */
export const WORKLOADS = {
  baryshev: { template: "baryshev", data: baryshev },
  items10: { template: "baryshev", data: items(10) },
  items100: { template: "baryshev", data: items(100) },
  partials50: { template: "table", data: partials50 },
  "components-page": { template: "components", data: componentsPage },
};
