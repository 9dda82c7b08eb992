// The peers' HTML page: no template engine, one template literal per layout/page with the same
// markup as the Fawkes bench app's .eta templates (root layout > app layout > post/show), so
// every server sends byte-identical pages (main.mjs checks). Escaping copies the `escape-html`
// algorithm (the one express uses): it maps & < > " ' to the same entities as Eta and Fawkes'
// escapeHtml, and it is fast, so the raw node:http HTML number is a real floor.

const SPECIAL = /["'&<>]/;

/** escape-html 1.0.3's algorithm: find the first special with a regex, then a charCode loop. */
export function escapeHtml(value) {
  const str = "" + value;
  const match = SPECIAL.exec(str);
  if (!match) return str;
  let html = "";
  let last = 0;
  let i = match.index;
  for (; i < str.length; i++) {
    let entity;
    switch (str.charCodeAt(i)) {
      case 34: entity = "&quot;"; break;
      case 38: entity = "&amp;"; break;
      case 39: entity = "&#39;"; break;
      case 60: entity = "&lt;"; break;
      case 62: entity = "&gt;"; break;
      default: continue;
    }
    if (last !== i) html += str.substring(last, i);
    last = i + 1;
    html += entity;
  }
  return last !== i ? html + str.substring(last, i) : html;
}

const e = escapeHtml;

function rootLayout(title, inner) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · Fawkes bench</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
${inner}</body>
</html>
`;
}

function appLayout(inner) {
  return `<header><nav><a href="/">Home</a> | <a href="/users">Users</a> | <a href="/about">About</a></nav></header>
<main>
${inner}</main>
<footer><p>Served by the bench app.</p></footer>
`;
}

function postShow({ user, post }) {
  let tags = "";
  for (const tag of post.tags) tags += `<li>${e(tag)}</li>\n`;
  let body = "";
  for (const paragraph of post.paragraphs) body += `<p>${e(paragraph)}</p>\n`;
  return `<article class="post" id="post-${e(post.id)}">
<h1>${e(post.title)}</h1>
<p class="meta">By <a href="/users/${e(user.id)}">${e(user.name)}</a> on <time datetime="${e(post.published)}">${e(post.published)}</time></p>
<ul class="tags">
${tags}</ul>
${body}</article>
`;
}

/** The whole page for `postAssigns(...)` from ../data.mjs. */
export function renderPost(assigns) {
  return rootLayout(assigns.title, appLayout(postShow(assigns)));
}
