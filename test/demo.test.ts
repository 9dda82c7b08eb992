// README's first command runs the demo server (`npm run demo`): the same bundle, started here
// on a free port (PORT=0), answers over HTTP, then is stopped.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { client, connected, disconnect, join, next, push } from "./support/channels.js";
import { demoBundle } from "./support/demo-bundle.js";

describe("the demo app", () => {
  it("bundles with the esbuild plugin, starts, and serves pages and JSON", async () => {
    // Bundled once for the run by test/support/global-setup.ts.
    const { file, staticRoot } = demoBundle();
    const child = spawn(process.execPath, [file], { env: { ...process.env, PORT: "0", DEMO_STATIC: staticRoot }, stdio: ["ignore", "pipe", "inherit"] });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`demo exited (${code}) before listening: ${out}`)));
      });
      const home = await fetch(url + "/");
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("<h1>Welcome to Fawkes</h1>");
      expect(await (await fetch(url + "/api/v1/status")).json()).toEqual({ status: "ok" });
      const css = await fetch(url + "/css/app.css", { headers: { "accept-encoding": "gzip" } });
      expect(css.headers.get("content-type")).toMatch(/^text\/css/);
      expect(css.headers.get("content-encoding")).toBe("gzip");
      const missing = await fetch(url + "/nowhere");
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain("Sorry, the page you are looking for does not exist.");
      await chatFromOutside(url);
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  });
});

/** The chat exactly as the issue specifies it, driven from outside with the official client. */
async function chatFromOutside(url: string): Promise<void> {
  const page = await (await fetch(url + "/chat?name=alice")).text();
  const token = /<meta name="user-token" content="([^"]+)">/.exec(page)?.[1];
  expect(token).toMatch(/^SFMyNTY\./);
  const server = { url: url.replace(/^http/, "ws") + "/socket" };
  const forged = client(server, "websocket", { params: { token: "forged" }, reconnectAfterMs: () => 60_000 });
  await expect(connected(forged)).rejects.toThrow(/socket error/);
  await disconnect(forged);
  const s = client(server, "websocket", { params: { token: token! } });
  try {
    await connected(s);
    const lobby = s.channel("room:lobby");
    expect(await join(lobby)).toEqual({ name: "alice" });
    expect(await join(s.channel("room:7"))).toEqual({ name: "alice" });
    await expect(join(s.channel("room:private"))).rejects.toMatchObject({ response: { reason: "unauthorized" } });
    await expect(join(s.channel("lobby"))).rejects.toMatchObject({ response: { reason: "unauthorized" } });
    const msg = next(lobby, "new_msg");
    lobby.push("new_msg", { body: "hello" });
    expect(await msg).toEqual({ name: "alice", body: "hello" });
    expect(await push(lobby, "ping", { n: 1 })).toEqual(["ok", { n: 1 }]);
    const errored = new Promise<void>((resolve) => lobby.onError(() => resolve()));
    lobby.push("crash", {});
    await errored;
    // The client rejoins by itself; the room answers again.
    expect(await push(lobby, "ping", { n: 2 })).toEqual(["ok", { n: 2 }]);
  } finally {
    await disconnect(s);
  }
}
