// The demo chat in a real browser: Debian's headless Chromium, driven by playwright-core, opens
// /chat, whose chat.js joins room:lobby with the official phoenix client. Two users see each
// other's messages over WebSocket; then, with WebSocket missing or failing in the page, the
// client goes over LongPoll and the chat still works, LongPoll and WebSocket users mixed.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoBundle } from "./support/demo-bundle.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
// Each wait below auto-retries up to this. Joins and messages take milliseconds, and the
// LongPoll fallback is triggered at once by the failing WebSocket, not by the client's 2.5 s
// timer; the margin is for a CI machine loaded by the rest of the suite.
const WAIT_MS = 10_000;

/**
 * A WebSocket that never connects, as behind a proxy that refuses the upgrade: it fails the way
 * a browser's does (error, then close 1006) without a network attempt, so Chromium logs no
 * console error of its own. The client's `longPollFallbackMs` logic then switches to LongPoll
 * on the error and remembers it in sessionStorage (`phx:fallback:LongPoll`).
 */
const FAILING_WEBSOCKET = `
  window.WebSocket = class FailingWebSocket {
    static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      setTimeout(() => {
        this.readyState = 3;
        this.onerror?.(new Event("error"));
        this.onclose?.(new CloseEvent("close", { code: 1006, wasClean: false }));
      });
    }
    send() { throw new DOMException("the WebSocket is not open", "InvalidStateError"); }
    close() {}
  };`;

/** One user's chat page, and what the page did: console errors, WebSockets, LongPoll requests. */
interface ChatPage {
  page: Page;
  problems: string[];
  websockets: string[];
  longpolls: { method: string; status: number }[];
  framesSent: string[];
  framesReceived: string[];
}

describe("the demo chat in headless Chromium", () => {
  let demo: ChildProcess | undefined;
  let base = "";
  let browser: Browser | undefined;
  const opened: ChatPage[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: page tests run in Debian's Chromium. Install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does this in CI)`);
    }
    // Both settle before afterAll runs, so whichever started is stopped even if the other failed.
    const started = await Promise.allSettled([
      startDemo().then((url) => (base = url)),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((b) => (browser = b)),
    ]);
    for (const result of started) if (result.status === "rejected") throw result.reason;
  }, 30_000);

  afterAll(async () => {
    for (const { page } of opened) await page.context().close();
    await browser?.close();
    if (demo && demo.exitCode === null) {
      demo.kill("SIGTERM");
      await once(demo, "exit");
    }
  });

  it("two users join room:lobby over WebSocket and both see alice's message", async () => {
    const [alice, bob] = await Promise.all([openChat("name=alice"), openChat("name=bob")]);
    await waitForText(alice.page, "#status", "joined room:lobby as alice");
    await waitForText(bob.page, "#status", "joined room:lobby as bob");

    // The page carries a signed token, and the socket connected with it over WebSocket.
    const token = await alice.page.locator('meta[name="user-token"]').getAttribute("content");
    expect(token).toMatch(/^SFMyNTY\.[\w-]+\.[\w-]+$/);
    expect(alice.websockets).toEqual([`${base.replace(/^http/, "ws")}/socket/websocket?token=${token}&vsn=2.0.0`]);
    expect(bob.websockets).toHaveLength(1);
    // With longPollFallbackMs the client pings on open and moves to LongPoll unless the reply
    // comes within 2.5 s: the server answers that heartbeat, so the WebSocket stays.
    const heartbeatReply = /^\[null,"\d+","phoenix","phx_reply",\{"status":"ok"/;
    await expect.poll(() => alice.framesReceived.some((f) => heartbeatReply.test(f)), { timeout: WAIT_MS }).toBe(true);

    await alice.page.locator("#chat-input").fill("hello from alice");
    await alice.page.getByRole("button", { name: "Send" }).click();
    for (const { page } of [alice, bob]) await waitForText(page, "#messages li", "alice: hello from alice");
    expect(await alice.page.locator("#messages li").allTextContents()).toEqual(["alice: hello from alice"]);
    expect(await bob.page.locator("#messages li").allTextContents()).toEqual(["alice: hello from alice"]);
    expect(await alice.page.locator("#chat-input").inputValue()).toBe("");

    // The message went up alice's WebSocket; no page ever polled.
    expect(alice.framesSent.some((f) => f.includes('"room:lobby","new_msg",{"body":"hello from alice"}'))).toBe(true);
    expect([...alice.longpolls, ...bob.longpolls]).toEqual([]);
    expectCleanConsoles(alice, bob);
  });

  it("lists who is online with the client's Presence: two users, then one leaving", async () => {
    // A room of their own, so the users of the other tests are not listed.
    const ana = await openChat("name=ana&room=presence");
    await waitForList(ana.page, ["ana"]);
    const ben = await openChat("name=ben&room=presence");
    for (const { page } of [ana, ben]) await waitForList(page, ["ana", "ben"]);

    // The list came as Phoenix's frames: ben's page got the state with ana, then both pages
    // the diff of ben's join; metas carry online_at and phx_ref.
    const frames = (user: ChatPage, event: string) =>
      user.framesReceived.map((f) => JSON.parse(f) as unknown[]).filter((f) => f[2] === "room:presence" && f[3] === event).map((f) => f[4] as Record<string, Record<string, { metas: Record<string, unknown>[] }>>);
    const meta = { online_at: expect.stringMatching(/^\d+$/), phx_ref: expect.stringMatching(/^[\w-]{16}$/) };
    expect(frames(ben, "presence_state")).toEqual([{ ana: { metas: [meta] } }]);
    for (const user of [ana, ben]) expect(frames(user, "presence_diff")).toContainEqual({ joins: { ben: { metas: [meta] } }, leaves: {} });

    // A second tab of ana's is one line, with two metas.
    const anaAgain = await openChat("name=ana&room=presence");
    await waitForList(ben.page, ["ana (2 tabs)", "ben"]);
    await anaAgain.page.close();
    await waitForList(ben.page, ["ana", "ben"]);

    // ben closes his tab: his socket goes, his channel ends, and he leaves ana's list.
    await ben.page.close();
    await waitForList(ana.page, ["ana"]);
    expect(frames(ana, "presence_diff").at(-1)).toEqual({ joins: {}, leaves: { ben: { metas: [meta] } } });
    expectCleanConsoles(ana);
  });

  it("refuses room:private and says why on the page", async () => {
    const mallory = await openChat("name=mallory&room=private");
    await waitForText(mallory.page, "#status", "could not join: unauthorized");
    expect(await mallory.page.locator("#messages li").count()).toBe(0);
    expectCleanConsoles(mallory);
  });

  it("falls back to LongPoll without WebSocket, and LongPoll and WebSocket users chat together", async () => {
    // carol's WebSocket fails to connect (the client's longPollFallbackMs logic switches to
    // LongPoll on that error); dave's page has no WebSocket at all (LongPoll from the start).
    const [carol, dave, erin] = await Promise.all([
      openChat("name=carol", FAILING_WEBSOCKET),
      openChat("name=dave", "delete window.WebSocket;"),
      openChat("name=erin"),
    ]);
    for (const [{ page }, name] of [[carol, "carol"], [dave, "dave"], [erin, "erin"]] as const) {
      await waitForText(page, "#status", `joined room:lobby as ${name}`);
    }
    expect(await carol.page.evaluate(`sessionStorage.getItem("phx:fallback:LongPoll")`)).toBe("true");
    // Presence reaches LongPoll clients too: carol lists erin, erin lists carol and dave.
    await waitForText(carol.page, "#online li", "erin");
    for (const name of ["carol", "dave"]) await waitForText(erin.page, "#online li", name);

    await carol.page.locator("#chat-input").fill("over long poll");
    await carol.page.locator("#chat-input").press("Enter");
    await erin.page.locator("#chat-input").fill("over websocket");
    await erin.page.locator("#chat-input").press("Enter");
    for (const { page } of [carol, dave, erin]) {
      await waitForText(page, "#messages li", "erin: over websocket");
      await waitForText(page, "#messages li", "carol: over long poll");
      expect((await page.locator("#messages li").allTextContents()).sort()).toEqual(["carol: over long poll", "erin: over websocket"]);
    }

    // carol and dave only polled (every answer 200, phoenix's status is in the body); erin only
    // used her WebSocket.
    for (const user of [carol, dave]) {
      expect(user.websockets).toEqual([]);
      expect(user.longpolls.some((r) => r.method === "POST")).toBe(true);
      expect(user.longpolls.filter((r) => r.status !== 200)).toEqual([]);
    }
    expect(erin.websockets).toHaveLength(1);
    expect(erin.longpolls).toEqual([]);
    expectCleanConsoles(carol, dave, erin);
  });

  /** Opens /chat?<query> in a context of its own, `initScript` run before the page's scripts. */
  async function openChat(query: string, initScript?: string): Promise<ChatPage> {
    const context = await browser!.newContext();
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const chat: ChatPage = { page, problems: [], websockets: [], longpolls: [], framesSent: [], framesReceived: [] };
    opened.push(chat);
    page.on("console", (m) => void (m.type() === "error" && chat.problems.push(`console: ${m.text()} (${m.location().url})`)));
    page.on("pageerror", (e) => void chat.problems.push(`pageerror: ${e.message}`));
    page.on("websocket", (ws) => {
      chat.websockets.push(ws.url());
      ws.on("framesent", (f) => void chat.framesSent.push(String(f.payload)));
      ws.on("framereceived", (f) => void chat.framesReceived.push(String(f.payload)));
    });
    page.on("response", (r) => {
      if (new URL(r.url()).pathname === "/socket/longpoll") chat.longpolls.push({ method: r.request().method(), status: r.status() });
    });
    if (initScript) await page.addInitScript(initScript);
    const response = await page.goto(`${base}/chat?${query}`);
    expect(response?.status()).toBe(200);
    return chat;
  }

  /** None of these pages logged a console error or threw. */
  function expectCleanConsoles(...chats: ChatPage[]): void {
    expect(chats.flatMap((c) => c.problems.map((p) => `${c.page.url()}: ${p}`))).toEqual([]);
  }

  /** Starts the demo bundle (built once for the run by test/support/global-setup.ts) as demo.test.ts does (PORT=0) and resolves to its base URL. */
  async function startDemo(): Promise<string> {
    const { file, staticRoot } = demoBundle();
    const child = spawn(process.execPath, [file], { env: { ...process.env, PORT: "0", DEMO_STATIC: staticRoot }, stdio: ["ignore", "pipe", "inherit"] });
    demo = child;
    let out = "";
    return new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`demo exited (${code}) before listening: ${out}`)));
    });
  }
});

/** Waits (auto-retrying) until the page's online list reads exactly `names`; on timeout, says what it shows. */
async function waitForList(page: Page, names: string[]): Promise<void> {
  const shown = () => page.locator("#online li").allTextContents();
  try {
    await expect.poll(shown, { timeout: WAIT_MS }).toEqual(names);
  } catch (error) {
    throw new Error(`${page.url()}: the online list never read ${JSON.stringify(names)} within ${WAIT_MS} ms; it shows ${JSON.stringify(await shown().catch(() => []))}`, { cause: error });
  }
}

/** Waits (auto-retrying) for an element of `selector` containing `text`; on timeout, says what the page shows. */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.locator(selector).filter({ hasText: text }).first().waitFor();
  } catch (error) {
    const shown = await page.locator(selector).allTextContents().catch(() => []);
    throw new Error(`${page.url()}: no ${selector} reads "${text}" after ${WAIT_MS} ms; the page shows ${JSON.stringify(shown)}`, { cause: error });
  }
}
