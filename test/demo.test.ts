// README's first command runs the demo server (`npm run demo`): the same bundle, started here
// on a free port (PORT=0), answers over HTTP, then is stopped.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";

describe("the demo app", () => {
  it("bundles with the esbuild plugin, starts, and serves pages and JSON", async () => {
    const { bundleDemo, staticRoot } = (await import("../scripts/demo.mjs" as string)) as { bundleDemo: () => Promise<string>; staticRoot: string };
    const file = await bundleDemo();
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
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  });
});
