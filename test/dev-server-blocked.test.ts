// `fawkes server` and an app whose event loop is blocked: a request ran into a `while (true)`
// (a controller's endless loop), so the app answers nothing, a swap included. Until 2026-12-07
// a template or router swap waited for its answer for good, the rebuild queue with it: no later
// edit was served. Now the answer has a bound (SWAP_ANSWER_MS in compiler/cli/server/dev.ts):
// past it the app is restarted from the new build and the stuck process killed. Real edits on a
// copy of fixtures/dev-app whose API controller has an action that never returns.

import { describe, expect, it } from "vitest";
import { devServerSuite, fixtureText, pageWithPid, WAIT_MS } from "./dev-server-support.js";

const SLOW = { timeout: 4 * WAIT_MS };
const HOME = "app/templates/page/home.html.eta";
const ROUTER = "app/router.ts";
const PAGE_CONTROLLER = `import { render, type Conn } from "fawkes";\n\nexport function home(conn: Conn): Conn {\n  return render(conn, "home.html", { pageTitle: "Home", pid: process.pid });\n}\n`;
const API_CONTROLLER = `import { json, type Conn } from "fawkes";

export function ping(conn: Conn): Conn {
  return json(conn, { pid: process.pid });
}

/** Never returns: the process's event loop is blocked from here on. */
export function block(conn: Conn): Conn {
  // Written at once (stdout is a pipe: synchronous on Linux), before the loop.
  process.stdout.write(\`blocking the event loop of \${process.pid}\\n\`);
  for (;;) {}
}
`;
const home = (text: string) => `<%/* @type { pageTitle: string; pid: number } */%>\n<h1 id="title" data-pid="<%= it.pid %>">${text}</h1>\n`;
// The fixture's router, its ping route varied and a route to the blocking action added.
const router = (ping: string) =>
  fixtureText("app/router.ts", ['    r.get("/ping", ApiController, "ping");\n', `    r.get(${JSON.stringify(ping)}, ApiController, "ping");\n    r.get("/block", ApiController, "block");\n`]);

describe("fawkes server: an app whose event loop is blocked", () => {
  const app = devServerSuite({
    "app/controllers/page-controller.ts": PAGE_CONTROLLER,
    "app/controllers/api-controller.ts": API_CONTROLLER,
    [HOME]: home("first text"),
    [ROUTER]: router("/ping"),
  });

  /**
   * GET /api/block, once the app says its loop is blocked: `edit` made, then its reload waited
   * for; what the dev server printed meanwhile, the blocked request's status, the stuck pid.
   */
  async function whileBlocked(edit: () => void): Promise<{ reason?: string; printed: string; blocked: number; stuck: number }> {
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    const blocked = fetch(app.dev.url + "/api/block").then((res) => res.status);
    const stuck = Number((await app.dev.waitForOutput(/blocking the event loop of (\d+)/, since))[1]);
    edit();
    const reload = await live.next("reload");
    live.close();
    // The stuck process ignores SIGTERM (its handler cannot run): killed, and the request it held ends.
    await app.dev.waitForOutput(new RegExp(`the app's process ${stuck} did not exit within \\d+ s of SIGTERM: killed \\(SIGKILL\\)`), since);
    return { reason: reload.reason, printed: app.dev.output().slice(since), blocked: await blocked, stuck };
  }

  it("a template edit is not swapped into the stuck app but restarts it, and the next edit is swapped again", SLOW, async () => {
    const before = await pageWithPid(app.dev.url);
    expect(before.body).toContain("first text");
    const { reason, printed, blocked, stuck } = await whileBlocked(() => app.dev.write(HOME, home("second text")));
    expect(stuck).toBe(before.pid);
    expect(reason).toBe(`${HOME} changed`);
    expect(printed).toMatch(/\[fawkes\] the app did not answer the templates' swap within \d+ s \(is its event loop blocked\?[^)]*\); restarting it/);
    expect(printed).toMatch(/app restarted in \d+ ms \(app\/templates\/page\/home\.html\.eta changed\)/);
    expect(blocked).toBe(502);
    const after = await pageWithPid(app.dev.url);
    expect(after.body).toContain("second text");
    expect(after.pid).not.toBe(before.pid);

    // The queue goes on: the next edit is swapped into the new process.
    const live = await app.dev.live();
    await live.next("hello");
    const since = app.dev.output().length;
    app.dev.write(HOME, home("third text"));
    expect((await live.next("reload")).reason).toBe(`${HOME} changed`);
    live.close();
    expect(app.dev.output().slice(since)).toMatch(/1 template swapped into the app/);
    const third = await pageWithPid(app.dev.url);
    expect(third.body).toContain("third text");
    expect(third.pid).toBe(after.pid);
  });

  it("a router edit is not swapped into the stuck app but restarts it, which serves the new route", SLOW, async () => {
    const before = (await (await fetch(app.dev.url + "/api/ping")).json()) as { pid: number };
    const { reason, printed, blocked, stuck } = await whileBlocked(() => app.dev.write(ROUTER, router("/pong")));
    expect(stuck).toBe(before.pid);
    expect(reason).toBe(`${ROUTER} changed`);
    expect(printed).toMatch(/\[fawkes\] the app did not answer the router's swap within \d+ s \(is its event loop blocked\?[^)]*\); restarting it/);
    expect(printed).toMatch(/app restarted in \d+ ms \(app\/router\.ts changed\)/);
    expect(blocked).toBe(502);
    const pong = await fetch(app.dev.url + "/api/pong");
    expect(pong.status).toBe(200);
    const served = (await pong.json()) as { pid: number };
    expect(served.pid).not.toBe(before.pid);
    expect((await fetch(app.dev.url + "/api/ping")).status).toBe(404);
  });
});
