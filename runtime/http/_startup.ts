// What the endpoint checks before it listens, so a misconfiguration stops `start()` with a
// message naming the setting instead of failing on the first request that needs it (a session
// write after an async plug, once, ended the process). Production refuses what development
// tolerates: no secret at all.

import type { DispatchEntry } from "../router/dispatch.js";
import type { PlugSpec } from "../plug/plug.js";
import { encodeSession, MIN_COOKIE_SECRET_KEY_BASE_BYTES } from "./crypto/index.js";
import { fetchSession, type SessionOptions } from "./session.js";
import type { ControllerModule } from "./_pipeline.js";

export interface StartupFacts {
  production: boolean;
  secretKeyBase: string | undefined;
  plugs: readonly PlugSpec[];
  dispatch: readonly DispatchEntry[];
  /** Session options of socket mounts (connect_info's session), by socket path. */
  socketSessions: readonly { path: string; session: SessionOptions }[];
}

/** Throws the first misconfiguration found; returns quietly when all is well. */
export function checkStartup(facts: StartupFacts): void {
  const secret = facts.secretKeyBase;
  if (secret === undefined || secret === "") {
    if (facts.production) {
      throw new Error(
        "NODE_ENV is production and the endpoint has no secretKeyBase: set config.secretKeyBase from the environment (SECRET_KEY_BASE)\n" +
          `  hint: generate one with: node -p "crypto.randomBytes(64).toString('base64url')"`,
      );
    }
  } else if (Buffer.byteLength(secret) < MIN_COOKIE_SECRET_KEY_BASE_BYTES) {
    throw new Error(
      `the endpoint's secretKeyBase is ${Buffer.byteLength(secret)} bytes; it signs tokens and cookies and must be at least ${MIN_COOKIE_SECRET_KEY_BASE_BYTES}\n` +
        `  hint: generate one with: node -p "crypto.randomBytes(64).toString('base64url')"`,
    );
  }
  for (const spec of facts.plugs) checkSessionPlug(spec, "an endpoint plug");
  const routes = (dispatch: readonly DispatchEntry[]) => {
    for (const entry of dispatch) {
      const where = `${entry.route.verb} ${entry.route.path} (${entry.route.source})`;
      for (const spec of entry.pipeline) checkSessionPlug(spec, `the pipeline of ${where}`);
      for (const spec of (entry.controller as ControllerModule | null)?.plugs ?? []) checkSessionPlug(spec, `a controller plug of ${where}`);
      // A mounted router's routes, too.
      if (entry.mount) routes(entry.mount.dispatch);
    }
  };
  routes(facts.dispatch);
  for (const { path, session } of facts.socketSessions) checkSession(session, `the session option of the socket at ${path}`);
}

function checkSessionPlug(spec: { plug: unknown; options?: unknown }, where: string): void {
  if (spec.plug === fetchSession) checkSession(spec.options as SessionOptions, `fetchSession in ${where}`);
}

const checked = new WeakSet<object>();

/** The cookie store's own checks (secret length, salts), run once per options object. */
function checkSession(options: SessionOptions | undefined, where: string): void {
  if (options === null || typeof options !== "object") throw new TypeError(`${where}: expected session options { key, secretKeyBase, signingSalt }, got ${String(options)}`);
  if (checked.has(options)) return;
  if (typeof options.key !== "string" || options.key === "") throw new TypeError(`${where}: the session needs a cookie name (key: "_app_key")`);
  try {
    encodeSession({}, options);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
  checked.add(options);
}
