// The `fawkes` command line as users run it: the built bin in a child process. Help for every
// command, --version, suggestions for misspelt commands and options, exit codes, colours only
// on a terminal, and the generators (gen.secret, gen.cert), which need no app.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import { request } from "node:https";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "dist/compiler/cli/main.js");
const TMP = join(ROOT, ".fawkes-tmp");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const empty = () => {
  mkdirSync(TMP, { recursive: true });
  const d = mkdtempSync(join(TMP, "cli-"));
  dirs.push(d);
  return d;
};

function fawkes(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (!options.env || !("FORCE_COLOR" in options.env)) delete env.FORCE_COLOR;
  return spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? empty(), encoding: "utf8", env });
}

const COMMANDS = ["new", "build", "check", "routes", "server", "gen.secret", "gen.cert", "digest", "digest.clean"];

describe("help and version", () => {
  it("--help lists every command and the exit codes, outside any app", () => {
    const r = fawkes(["--help"]);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.replace(".", "\\.")} +\\S`, "m"));
    // ... and nothing this file does not test: a command added to the CLI is added here too.
    const listed = /commands:\n((?: {2}\S.*\n)+)/.exec(r.stdout)?.[1].split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/)[0]);
    expect(listed?.filter((c) => c !== "help").sort()).toEqual([...COMMANDS].sort());
    expect(r.stdout).toContain("exit codes: 0 success, 1 the command failed");
    expect(r.stderr).toBe("");
  });

  it("help and -h say the same", () => {
    expect(fawkes(["help"]).stdout).toBe(fawkes(["--help"]).stdout);
    expect(fawkes(["-h"]).stdout).toBe(fawkes(["--help"]).stdout);
  });

  it.each(COMMANDS)("`fawkes help %s` and `fawkes %s --help` list its options", (c) => {
    const a = fawkes(["help", c]);
    const b = fawkes([c, "--help"]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(new RegExp(`^usage: fawkes ${c.replace(".", "\\.")}`));
    expect(a.stdout).toContain("-h, --help");
  });

  it("routes --help names --json, --info and the project options", () => {
    const text = fawkes(["routes", "--help"]).stdout;
    for (const o of ["--json", "--info", "--root DIR", "--config FILE", "--router FILE", "--out DIR", "--strict"]) expect(text).toContain(o);
  });

  it("--version prints the package's version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(fawkes(["--version"]).stdout).toBe(`fawkes ${pkg.version}\n`);
    expect(fawkes(["-v"]).stdout).toBe(`fawkes ${pkg.version}\n`);
  });

  it("no command prints the usage and exits 2", () => {
    const r = fawkes([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("usage: fawkes <command>");
  });
});

describe("a wrong command line is exit 2 with a suggestion", () => {
  it.each([
    [["buidl"], 'unknown command "buidl" (did you mean build?)'],
    [["route"], 'unknown command "route" (did you mean routes?)'],
    [["gen.secrt"], 'unknown command "gen.secrt" (did you mean gen.secret?)'],
    [["frobnicate"], 'unknown command "frobnicate"\n'],
    [["help", "chek"], 'no command "chek" (did you mean check?)'],
    [["build", "--roots", "x"], "fawkes build: unknown option --roots (did you mean --root?)"],
    [["routes", "--jsn"], "fawkes routes: unknown option --jsn (did you mean --json?)"],
    [["check", "--stric"], "fawkes check: unknown option --stric (did you mean --strict?)"],
    [["routes", "--root"], "fawkes routes: Option '--root <value>' argument missing"],
    [["routes", "--info", "GET"], "routes --info takes a METHOD and a PATH"],
    [["routes", "extra"], 'routes takes no arguments, got "extra"'],
    [["gen.secret", "16"], 'the secret\'s length must be an integer of at least 32, got "16"'],
    [["gen.secret", "abc"], 'must be an integer of at least 32, got "abc"'],
    [["--root", "x", "build"], "--root is not an option of fawkes itself; options go after the command"],
  ])("%j", (args, message) => {
    const r = fawkes(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    // A command's own mistakes point at its help; the others at the list of commands.
    const command = args[0].startsWith("-") || args[0] === "help" ? undefined : ["build", "routes", "check", "gen.secret"].find((c) => c === args[0]);
    if (command) expect(r.stderr).toContain(`run \`fawkes help ${command}\` for its options, \`fawkes --help\` for every command\n`);
    else expect(r.stderr).toContain("run `fawkes --help` for the commands and their options\n");
  });

  it("a command that runs and fails is exit 1, not 2 (no router here)", () => {
    const r = fawkes(["routes"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/NO_ROUTER|no router/);
  });
});

describe("colours", () => {
  const broken = () => join(ROOT, "fixtures/router/errors-routes");
  it("none when the output is not a terminal (as here), none with NO_COLOR even when forced", () => {
    expect(fawkes(["build", "--root", broken()]).stderr).not.toContain("\u001b[");
    expect(fawkes(["build", "--root", broken()], { env: { NO_COLOR: "1", FORCE_COLOR: "1" } }).stderr).not.toContain("\u001b[");
  });

  it("FORCE_COLOR turns them on for a pipe", () => {
    expect(fawkes(["build", "--root", broken()], { env: { FORCE_COLOR: "1" } }).stderr).toContain("\u001b[");
  });
});

describe("generators", () => {
  it("gen.secret prints 64 characters of base64 by default, a given length otherwise, different each time", () => {
    const a = fawkes(["gen.secret"]).stdout.trim();
    const b = fawkes(["gen.secret"]).stdout.trim();
    expect(a).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(a).not.toBe(b);
    expect(fawkes(["gen.secret", "100"]).stdout.trim()).toMatch(/^[A-Za-z0-9+/]{100}$/);
  });

  it("gen.cert writes a key and a certificate that serve HTTPS for localhost, and refuses to overwrite", async () => {
    const dir = empty();
    const r = fawkes(["gen.cert"], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("wrote priv/cert/selfsigned_key.pem");
    expect(r.stdout).toContain("wrote priv/cert/selfsigned.pem");
    expect(statSync(join(dir, "priv/cert/selfsigned_key.pem")).mode & 0o077).toBe(0);
    const key = readFileSync(join(dir, "priv/cert/selfsigned_key.pem"));
    const cert = readFileSync(join(dir, "priv/cert/selfsigned.pem"));
    // A TLS client that trusts only this certificate connects to localhost and to 127.0.0.1.
    const server = createServer({ key, cert }, (_req, res) => res.end("tls ok"));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as { port: number }).port;
    try {
      for (const servername of ["localhost", undefined]) {
        const body = await new Promise<string>((done, fail) => {
          const req = request({ host: "127.0.0.1", port, path: "/", ca: cert, ...(servername ? { servername } : {}) }, (res) => {
            let data = "";
            res.on("data", (d) => (data += d));
            res.on("end", () => done(data));
          });
          req.on("error", fail);
          req.end();
        });
        expect(body).toBe("tls ok");
      }
    } finally {
      await new Promise((done) => server.close(done));
    }
    const again = fawkes(["gen.cert"], { cwd: dir });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("priv/cert/selfsigned_key.pem exists; pass --force to replace it");
    expect(fawkes(["gen.cert", "--force", "app.test", "10.0.0.5"], { cwd: dir }).stdout).toContain("for app.test, 127.0.0.1, ::1, 10.0.0.5");
  });

  it("gen.cert refuses a hostname that is not one", () => {
    const r = fawkes(["gen.cert", "not a host"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"not a host" is not a hostname or an IP address');
  });
});

describe("routes", () => {
  // A build (and, on a busy machine, even a process start) can take far more than the default 30 s.
  const SLOW = 600_000;
  const demo = join(ROOT, "fixtures/demo");

  it("prints the demo's routes and then its socket lines, as phx.routes does", () => {
    const r = fawkes(["routes", "--root", demo]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const rows = r.stdout.split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/));
    expect(rows).toContainEqual(["userPath", "GET", "/users/:id", "UserController.show"]);
    expect(rows.slice(-3)).toEqual([
      ["WS", "/socket/websocket", "UserSocket"],
      ["GET", "/socket/longpoll", "UserSocket"],
      ["POST", "/socket/longpoll", "UserSocket"],
    ]);
  }, SLOW);

  it("--json has the sockets as kind socket, --info answers for a socket path", () => {
    const json = JSON.parse(fawkes(["routes", "--json", "--root", demo]).stdout) as { kind: string; verb: string; path: string; module: string }[];
    expect(json.filter((e) => e.kind === "socket").map((e) => `${e.verb} ${e.path} ${e.module}`)).toEqual([
      "WS /socket/websocket app/channels/user-socket.ts",
      "GET /socket/longpoll app/channels/user-socket.ts",
      "POST /socket/longpoll app/channels/user-socket.ts",
    ]);
    const info = fawkes(["routes", "--info", "WS", "/socket/websocket", "--root", demo]);
    expect(info.status).toBe(0);
    expect(info.stdout).toContain("Socket: UserSocket (app/channels/user-socket.ts)");
  }, SLOW);

  /** An app whose server entry is src/main.ts (named by the config) and whose controller lacks the action it is routed to. */
  function app(): string {
    const root = empty();
    const files: Record<string, string> = {
      "fawkes.config.ts": `export default { server: { entry: "src/main.ts" } };\n`,
      "app/router.ts": `import { defineRouter } from "fawkes";\nimport * as Page from "./controllers/page.js";\nexport default defineRouter((r) => {\n  r.get("/", Page, "index");\n  r.get("/missing", Page, "missing");\n});\n`,
      "app/controllers/page.ts": `export const index = (conn: unknown) => conn;\n`,
      "src/main.ts": `import { endpoint } from "../web/endpoint.js";\nawait endpoint.start();\n`,
      "web/endpoint.ts": `import { defineEndpoint, socket } from "fawkes";\nimport { UserSocket } from "./user-socket.js";\nexport const endpoint = defineEndpoint({ router: {} as never, sockets: [socket("/ws", UserSocket, { longpoll: true })] });\n`,
      "web/user-socket.ts": `import { defineSocket } from "fawkes";\nexport const UserSocket = defineSocket({ channels: {} });\n`,
      "other/endpoint.ts": `import { defineEndpoint, socket } from "fawkes";\nimport { UserSocket } from "../web/user-socket.js";\nexport const endpoint = defineEndpoint({ router: {} as never, sockets: [socket("/other", UserSocket)] });\n`,
      "other/main.ts": `import { endpoint } from "./endpoint.js";\nawait endpoint.start();\n`,
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, ".."), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    mkdirSync(join(root, "node_modules")); // where `routes` keeps its cache (removed with the app)
    return root;
  }

  it("answers from its cache while nothing it read changed; an edit, a module created beside them or a bad cache reads the router again", () => {
    const root = app();
    const first = fawkes(["routes"], { cwd: root });
    expect(first.status, first.stderr).toBe(0);
    const dir = join(root, "node_modules/.cache/fawkes");
    const [name] = readdirSync(dir);
    const file = join(dir, name);
    const cached = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(cached.files)).toEqual(expect.arrayContaining([join(root, "app/router.ts"), join(root, "web/user-socket.ts"), join(root, "fawkes.config.ts")]));
    // The answer comes from the cache: a table changed in it (and only there) is what is printed.
    writeFileSync(file, JSON.stringify(cached).replaceAll('"/missing"', '"/from-the-cache"'));
    expect(fawkes(["routes"], { cwd: root }).stdout).toMatch(/GET +\/from-the-cache +Page\.missing/);
    // Each change reads the router again (and the answer is the real table).
    const router = join(root, "app/router.ts");
    writeFileSync(router, readFileSync(router, "utf8").replace('"/missing"', '"/gone"'));
    expect(fawkes(["routes"], { cwd: root }).stdout).toMatch(/GET +\/gone +Page\.missing/);
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, "utf8"))).replaceAll('"/gone"', '"/from-the-cache"'));
    writeFileSync(join(root, "app/controllers/other.ts"), "export const x = 1;\n");
    expect(fawkes(["routes"], { cwd: root }).stdout).toMatch(/GET +\/gone +Page\.missing/);
    writeFileSync(file, "{ not json");
    const again = fawkes(["routes"], { cwd: root });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/GET +\/gone +Page\.missing/);
    // Other options are another table: --entry reads again.
    expect(fawkes(["routes", "--entry", "other/main.ts"], { cwd: root }).stdout).toMatch(/ WS +\/other\/websocket +UserSocket\n$/);
  }, SLOW);

  it("finds the endpoint from the config's server.entry, or from --entry", () => {
    const root = app();
    const fromConfig = fawkes(["routes"], { cwd: root });
    expect(fromConfig.status, fromConfig.stderr).toBe(0);
    expect(fromConfig.stdout).toMatch(/ WS +\/ws\/websocket +UserSocket\n/);
    expect(fromConfig.stdout).toMatch(/ POST +\/ws\/longpoll +UserSocket\n/);
    const fromOption = fawkes(["routes", "--entry", "other/main.ts"], { cwd: root });
    expect(fromOption.stdout).toMatch(/ WS +\/other\/websocket +UserSocket\n$/);
  }, SLOW);

  it("lists the table without the type checker: an action the controller lacks is for build and check to report", () => {
    const root = app();
    const routes = fawkes(["routes"], { cwd: root });
    expect(routes.status, routes.stderr).toBe(0);
    expect(routes.stdout).toMatch(/pagePath +GET +\/missing +Page\.missing/);
    const build = fawkes(["build"], { cwd: root });
    expect(build.status).toBe(1);
    expect(build.stderr).toContain('error[ACTION_MISSING]: Page has no action "missing"');
  }, SLOW);

  it("fails on a router mistake, with the diagnostic at its line", () => {
    const r = fawkes(["routes", "--root", join(ROOT, "fixtures/router/errors-routes")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/app\/router\.ts:\d+:\d+: error\[UNKNOWN_PIPELINE\]/);
    expect(r.stdout).toBe("");
  }, SLOW);
});
