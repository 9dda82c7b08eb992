// The demo's pages built from the core components, in a real browser (Debian's headless
// Chromium via playwright-core) against the demo's endpoint on port 0: the table of users links
// to a user, the new-user form (c.form, c.input, c.button) submits with its CSRF token and the
// flash shows through c.flashGroup after the redirect, the delete link (c.link with method
// delete) posts _method and the token, and components.css is served and applied.

import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "fawkes";
import { demoEndpoint } from "../fixtures/demo/endpoint.js";
import { listUsers } from "../fixtures/demo/app/users.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

describe("the demo's component pages in headless Chromium", () => {
  let endpoint: Endpoint | undefined;
  let browser: Browser | undefined;
  let base = "";
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: page tests run in Debian's Chromium (apt-get install -y chromium)`);
    const started = await Promise.allSettled([
      (async () => {
        endpoint = demoEndpoint({ logger: () => {} });
        const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
        base = `http://127.0.0.1:${port}`;
      })(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((b) => (browser = b)),
    ]);
    for (const result of started) if (result.status === "rejected") throw result.reason;
    page = await browser!.newPage();
    page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
    page.on("pageerror", (e) => void problems.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await endpoint?.stop();
  });

  it("the home page's table has a row per user, and a name links to the user's page", async () => {
    await page.goto(base + "/");
    expect(await page.locator("h1").textContent()).toBe("Welcome to Fawkes");
    const users = listUsers();
    expect(await page.locator("#users tr").count()).toBe(users.length);
    expect(await page.locator(`#user-${users[0].id} td`).first().textContent()).toBe(users[0].name);
    await page.locator(`#user-${users[0].id} a`).click();
    await page.waitForURL(`${base}/users/${users[0].id}`);
    expect(await page.locator("h1").textContent()).toBe(users[0].name);
  });

  it("components.css is served and applies: the primary button has the accent colour", async () => {
    await page.goto(base + "/users/new");
    // Strings: this file is type-checked without the DOM library.
    const css = (await page.evaluate(`[...document.styleSheets].map((s) => s.href ?? "")`)) as string[];
    expect(css.some((href) => href.endsWith("/css/components.css"))).toBe(true);
    const style = await page.evaluate(`(() => { const s = getComputedStyle(document.querySelector("button.button-primary")); return [s.backgroundColor, s.borderRadius]; })()`);
    expect(style).toEqual(["rgb(234, 88, 12)", "999px"]);
  });

  it("the new-user form posts with its CSRF token; after the redirect c.flashGroup shows the flash", async () => {
    await page.goto(base + "/users/new");
    await page.locator("#user_name").fill("Ada & <Lin>");
    await page.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(`${base}/users/1`);
    expect(await page.locator("#flash-info").textContent()).toBe("Welcome, Ada & <Lin>!");
    await page.reload();
    expect(await page.locator("#flash-info").count()).toBe(0);
  });

  it("the delete link is a form: it posts _method=delete and the token, reaching the delete action", async () => {
    await page.goto(base + "/users/1");
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Delete" }).click()]);
    expect(response.status()).toBe(200);
    expect(response.request().postData()).toMatch(/^_method=delete&_csrf_token=[\w-]{56}$/);
    expect(await response.text()).toBe("deleted\n");
    expect(problems).toEqual([]);
  });
});
