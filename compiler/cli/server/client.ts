// The live-reload script the dev server adds to every HTML page it serves in development, as
// phoenix_live_reload's iframe does. Hand-written: it is the browser half of our own small
// protocol (server/live.ts), and a page must load nothing else for it.
//
// Messages (JSON over the /__fawkes/live WebSocket):
//   { type: "hello", build }           on connect: the build the server has now; a page from
//                                       another build (a change while it was away) reloads
//   { type: "reload", build, reason }  new code is serving, or a build failed: reload the page
//   { type: "css", path }              a stylesheet changed: swap every <link> to it, no reload
// Each thing it does is logged on the console with a "[fawkes]" prefix (the tests wait on them).

/** Where the script is served and the socket listens, on the dev server's port. */
export const LIVE_PATH = "/__fawkes/live";
export const CLIENT_PATH = "/__fawkes/live.js";

export const CLIENT_SCRIPT = `// fawkes server: live reload (development only)
(() => {
  "use strict";
  const script = document.currentScript;
  const build = script && script.dataset.build;
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + ${JSON.stringify(LIVE_PATH)};
  let retry = 250;
  let connectedOnce = false;

  function swapStylesheets(path) {
    const links = [...document.querySelectorAll('link[rel="stylesheet"]')].filter((l) => new URL(l.href, location.href).origin === location.origin);
    const same = links.filter((l) => new URL(l.href, location.href).pathname === path);
    // A stylesheet the page does not link by that path (one that @imports it): swap them all.
    for (const link of same.length ? same : links) {
      const next = link.cloneNode();
      const href = new URL(link.href, location.href);
      href.searchParams.set("vsn", String(Date.now()));
      next.href = href.pathname + href.search + href.hash;
      // The old sheet goes once the new one applies, so the page never shows unstyled.
      next.addEventListener("load", () => {
        link.remove();
        console.log("[fawkes] css updated: " + path);
      });
      next.addEventListener("error", () => next.remove());
      link.after(next);
    }
  }

  function connect() {
    const ws = new WebSocket(url);
    ws.onopen = () => {
      retry = 250;
      console.log(connectedOnce ? "[fawkes] live reload reconnected" : "[fawkes] live reload connected");
      connectedOnce = true;
    };
    ws.onmessage = (event) => {
      let m;
      try { m = JSON.parse(event.data); } catch { return; }
      if (m.type === "hello" && build && m.build !== build) {
        console.log("[fawkes] reloading: the page is from an older build");
        location.reload();
      } else if (m.type === "reload") {
        console.log("[fawkes] reloading: " + m.reason);
        location.reload();
      } else if (m.type === "css") {
        swapStylesheets(m.path);
      }
    };
    // The dev server restarted or went away: try again, less and less often.
    ws.onclose = () => {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }
  connect();
})();
`;

/** The tag put into HTML pages: before `</body>`, else at the end. */
export function injectClient(html: string, build: string): string {
  const tag = `<script src="${CLIENT_PATH}" data-build="${build}"></script>`;
  const at = html.lastIndexOf("</body>");
  return at === -1 ? html + tag : html.slice(0, at) + tag + html.slice(at);
}
