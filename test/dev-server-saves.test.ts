// `fawkes server` builds once per save, however the editor saves (compiler/cli/server/app.dev.ts,
// SETTLE_MS): each way of saving a template below is several watcher events, and a build between
// two of them would read a half-saved file (an empty page served, or the error page, then a
// second build). Each save must give one rebuild that changes the app, a swap, and the saved text
// served. On a busy machine a step's event can come after the build of the save began (the saving
// process preempted between two steps, or the dev server between reading two events): that build
// reads the file saved all the same, and the next one reads it again and says "no change to the
// app" (no reload); those are not counted, a build of a half-saved file would be (a swap or a
// failure). The builds of a save are all printed before the next edit's (one queue), so each save
// is followed by an edit of another template and its reload: the lines between are the save's.

import { renameSync, rmSync, truncateSync, appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { devServerSuite, getPage, WAIT_MS } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const HOME = "app/templates/page/home.html.eta";
const OTHER = "app/templates/page/other.html.eta";

const SAVES: Record<string, (file: string, text: string) => void | Promise<void>> = {
  "writeFileSync (open with O_TRUNC, write)": (file, text) => writeFileSync(file, text),
  "truncate, then write (two calls)": (file, text) => {
    truncateSync(file, 0);
    appendFileSync(file, text);
  },
  "a temp file written, then renamed over (write-file-atomic's name)": (file, text) => {
    writeFileSync(`${file}.3551351215`, text);
    renameSync(`${file}.3551351215`, file);
  },
  "vim's: the file renamed to a backup, a new file written, the backup removed": (file, text) => {
    renameSync(file, `${file}~`);
    writeFileSync(file, text);
    rmSync(`${file}~`);
  },
  // An editor preempted between its steps for longer than the quiet window (SETTLE_MS, 10 ms):
  // the file empty, or gone, when the window ends (HALF_SAVED_MAX_MS holds the build).
  "truncated, then written 30 ms later": async (file, text) => {
    truncateSync(file, 0);
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(file, text);
  },
  "vim's with 30 ms between the rename and the new file": async (file, text) => {
    renameSync(file, `${file}~`);
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(file, text);
    rmSync(`${file}~`);
  },
};

describe("fawkes server: one build per save", () => {
  const app = devServerSuite({ [OTHER]: "<p>other 0</p>\n" });

  let n = 0;
  for (const [how, save] of Object.entries(SAVES)) {
    it(how, SLOW, async () => {
      const live = await app.dev.live();
      await live.next("hello");
      const since = app.dev.output().length;
      const text = app.dev.read(HOME).replace(/Hello from dev-app[^<]*/, `Hello from dev-app, save ${++n}`);
      await save(join(app.dir, HOME), text);
      expect((await live.next("reload")).reason).toBe(`${HOME} changed`);
      const page = await getPage(app.dev.url + "/");
      expect(page.status).toBe(200);
      expect(page.body).toContain(`Hello from dev-app, save ${n}`);
      app.dev.write(OTHER, `<p>other ${n}</p>\n`);
      expect((await live.next("reload")).reason).toBe(`${OTHER} changed`);
      const lines = app.dev.output().slice(since).split("\n");
      const builds = lines.filter((l) => (l.startsWith("[fawkes] rebuilt in ") && !l.includes(", no change to the app (")) || l.startsWith("[fawkes] build failed"));
      expect(builds).toHaveLength(2);
      expect(builds[0]).toMatch(/^\[fawkes\] rebuilt in \d+ ms, 1 template swapped into the app in \d+ ms \(app\/templates\/page\/home\.html\.eta changed\)$/);
      expect(builds[1]).toMatch(/\(app\/templates\/page\/other\.html\.eta changed\)$/);
      live.close();
    });
  }
});
