// Live reload in a real browser: Debian's headless Chromium (playwright-core) on a page of
// `fawkes server`. A template edit reloads the page; a stylesheet edit swaps the sheet in place
// (the page is not reloaded: a value set on `window` survives); a broken template reloads into
// the error page, and fixing it brings the app back by itself. Every wait is on an event: a
// console message of the reload script, a page load, a style.

import { existsSync } from "node:fs";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, removeFixture, startServer, stopAll, WAIT_MS, type DevRun } from "./dev-server-support.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const SLOW = { timeout: 3 * WAIT_MS };
const HOME = "app/templates/page/home.html.eta";
const CSS = "priv/static/css/app.css";

describe("live reload in headless Chromium", () => {
  let dir = "";
  let dev: DevRun | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: page tests run in Debian's Chromium (apt-get install -y chromium)`);
    dir = copyFixture();
    const started = await Promise.allSettled([
      startServer(dir).then((d) => (dev = d)),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((b) => (browser = b)),
    ]);
    for (const result of started) if (result.status === "rejected") throw result.reason;
    page = await browser!.newPage();
    page.on("console", (m) => consoleLines.push(m.text()));
  }, 2 * WAIT_MS);

  afterAll(async () => {
    await browser?.close();
    await stopAll();
    if (dir) removeFixture(dir);
  }, WAIT_MS);

  /** Resolves on the next console message of the page that matches. */
  const consoleMessage = (pattern: RegExp) => page.waitForEvent("console", { predicate: (m: ConsoleMessage) => pattern.test(m.text()), timeout: WAIT_MS });

  it("connects the reload socket on the app's page", SLOW, async () => {
    const connected = consoleMessage(/^\[fawkes\] live reload connected$/);
    await page.goto(dev!.url + "/");
    await connected;
    expect(await page.locator("#title").textContent()).toBe("Hello from dev-app");
    expect(await page.evaluate<string>('getComputedStyle(document.querySelector("#title")).color')).toBe("rgb(0, 0, 255)");
  });

  it("a template edit reloads the page with the new markup", SLOW, async () => {
    const reloading = consoleMessage(/^\[fawkes\] reloading: app\/templates\/page\/home\.html\.eta changed$/);
    const loaded = page.waitForEvent("load", { timeout: WAIT_MS });
    dev!.write(HOME, dev!.read(HOME).replace("Hello from dev-app", "Reloaded by fawkes"));
    await reloading;
    await loaded;
    expect(await page.locator("#title").textContent()).toBe("Reloaded by fawkes");
  });

  it("a stylesheet edit swaps the sheet without reloading the page", SLOW, async () => {
    // (Strings: this file is type-checked without the DOM library.)
    await page.evaluate("window.marker = 42");
    const swapped = consoleMessage(/^\[fawkes\] css updated: \/css\/app\.css$/);
    dev!.write(CSS, "h1 { color: rgb(255, 0, 0); }\n");
    await swapped;
    expect(await page.evaluate<string>('getComputedStyle(document.querySelector("#title")).color')).toBe("rgb(255, 0, 0)");
    // The same document: the value set before the change is still there, and one stylesheet link.
    expect(await page.evaluate<number>("window.marker")).toBe(42);
    expect(await page.locator('link[rel="stylesheet"]').count()).toBe(1);
    expect(consoleLines.filter((l) => l.startsWith("[fawkes] reloading")).length).toBe(1);
  });

  it("a broken template reloads into the error page; fixing it brings the page back by itself", SLOW, async () => {
    const good = dev!.read(HOME);
    const failedLoad = page.waitForEvent("load", { timeout: WAIT_MS });
    const failing = consoleMessage(/^\[fawkes\] reloading: the build failed$/);
    dev!.write(HOME, good + "<% if (x { %>\n");
    await failing;
    await failedLoad;
    expect(await page.locator("header h1").textContent()).toBe("Compile error");
    expect(await page.locator(".where").first().textContent()).toBe(`${HOME}:3:10`);
    expect(await page.locator(".frame").first().textContent()).toContain("> 3 | <% if (x { %>");
    // The error page has the reload socket too.
    await expect.poll(() => consoleLines.filter((l) => l === "[fawkes] live reload connected").length, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(3);

    const back = page.waitForEvent("load", { timeout: WAIT_MS });
    dev!.write(HOME, good);
    await back;
    expect(await page.locator("#title").textContent()).toBe("Reloaded by fawkes");
  });
});
