// The endpoint's sockets, read statically for `fawkes routes` (Phoenix's phx.routes lists them
// after the routes: `WS /socket/websocket UserSocket`, `GET`/`POST /socket/longpoll UserSocket`).
//
// Which module is the endpoint: an app starts from its server entry (the config's server.entry,
// else server.ts, as `fawkes server` does), which imports the endpoint, as the demo's server.ts
// imports endpoint.ts and a `fawkes new` app's server.ts imports app/endpoint.ts. So the endpoint
// is the first project module, breadth first through the imports from the entry (then from
// app/endpoint.ts and endpoint.ts, for an app without one), that calls `defineEndpoint(...)`.
// In its first such call, `sockets: [socket("/socket", UserSocket, { websocket, longpoll })]`
// gives the lines, with the runtime's defaults (runtime/channels/socket.ts and the endpoint):
// without options a socket serves websocket only; with options, websocket is on unless written
// false and longpoll off unless written (any value but false, null or undefined turns one on).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Node, ts, type CallExpression, type Expression, type SourceFile } from "ts-morph";
import type { Diagnostic } from "../diagnostics.js";
import { relativePosix } from "../paths.js";
import { lineAndColumnAt } from "./_positions.js";
import { unwrap } from "./_literals.js";
import { fileOf, type ModuleIndex } from "./_modules.js";
import type { SourceLoc } from "./ir.js";

/** One transport of a socket mount, as listed. */
export interface SocketRouteIR {
  transport: "websocket" | "longpoll";
  /** `WS` for the websocket; the longpoll transport answers `GET` and `POST`. */
  verbs: string[];
  /** `/socket/websocket`. */
  path: string;
  /** The socket as written (`UserSocket`). */
  socket: string;
  /** The project file that defines it, when syntax can follow it there. */
  module: string | null;
  /** The `socket(...)` call. */
  loc: SourceLoc;
}

export interface EndpointSockets {
  /** The endpoint module, relative to the root; null when none was found. */
  endpoint: string | null;
  sockets: SocketRouteIR[];
  /** Warnings: a socket mount that cannot be read statically is left out, and says so. */
  diagnostics: Diagnostic[];
}

/** Bounds the walk through the entry's imports: the endpoint is a few imports away, not a hundred. */
const MAX_FILES = 200;

/** The sockets of the app's endpoint; `entry` is the server entry relative to root (default server.ts). */
export function readSockets(root: string, modules: ModuleIndex, entry = "server.ts"): EndpointSockets {
  const file = findEndpoint(root, modules, [entry, "app/endpoint.ts", "endpoint.ts"]);
  if (!file) return { endpoint: null, sockets: [], diagnostics: [] };
  const call = endpointCalls(file)[0];
  const rel = relativePosix(root, file.getFilePath());
  const out: EndpointSockets = { endpoint: rel, sockets: [], diagnostics: [] };
  const loc = (n: Node): SourceLoc => ({ file: rel, ...lineAndColumnAt(file, n.getStart()) });
  const warn = (n: Node, message: string, hint: string) => out.diagnostics.push({ code: "SOCKET_NOT_STATIC", severity: "warning", message, loc: loc(n), hint });
  const options = call.getArguments()[0];
  const sockets = options && Node.isObjectLiteralExpression(options) ? options.getProperty("sockets") : undefined;
  if (!sockets) return out;
  const list = Node.isPropertyAssignment(sockets) ? unwrap(sockets.getInitializerOrThrow()) : undefined;
  if (!list || !Node.isArrayLiteralExpression(list)) {
    warn(sockets, "the endpoint's sockets are not an array literal: fawkes routes cannot list them", 'write sockets: [socket("/socket", UserSocket, { ... })]');
    return out;
  }
  for (const element of list.getElements()) {
    const mount = unwrap(element as Expression);
    const args = Node.isCallExpression(mount) && mount.getExpression().getText() === "socket" ? mount.getArguments().map((a) => unwrap(a as Expression)) : [];
    const [path, target, opts] = args;
    if (!path || !(Node.isStringLiteral(path) || Node.isNoSubstitutionTemplateLiteral(path)) || !target) {
      warn(element, `cannot list the socket \`${element.getText()}\`: fawkes routes reads socket("/path", Socket, options) with a literal path`, 'write socket("/socket", UserSocket, { websocket: true })');
      continue;
    }
    const { websocket, longpoll } = transports(opts, () => warn(opts!, "the socket's options are not an object literal: listed with the defaults (websocket on, longpoll off)", "write the options inline: { websocket: true, longpoll: true }"));
    const base = { socket: target.getText().replace(/\s+/g, ""), module: socketModule(root, modules, file, target), loc: loc(mount) };
    if (websocket) out.sockets.push({ transport: "websocket", verbs: ["WS"], path: `${path.getLiteralValue()}/websocket`, ...base });
    if (longpoll) out.sockets.push({ transport: "longpoll", verbs: ["GET", "POST"], path: `${path.getLiteralValue()}/longpoll`, ...base });
  }
  return out;
}

/** The transports a mount's options turn on, with the runtime's defaults. */
function transports(opts: Expression | undefined, notLiteral: () => void): { websocket: boolean; longpoll: boolean } {
  if (!opts) return { websocket: true, longpoll: false };
  if (!Node.isObjectLiteralExpression(opts)) {
    notLiteral();
    return { websocket: true, longpoll: false };
  }
  const on = (name: string, fallback: boolean) => {
    const p = opts.getProperty(name);
    if (!p) return fallback;
    const value = Node.isPropertyAssignment(p) ? unwrap(p.getInitializerOrThrow()) : undefined;
    return !(value && (value.getKind() === ts.SyntaxKind.FalseKeyword || value.getKind() === ts.SyntaxKind.NullKeyword || value.getText() === "undefined"));
  };
  return { websocket: on("websocket", true), longpoll: on("longpoll", false) };
}

/** The file that defines the socket (`UserSocket`, or `Sockets.UserSocket`), through imports. */
function socketModule(root: string, modules: ModuleIndex, file: SourceFile, target: Expression): string | null {
  const members: string[] = [];
  let cur: Node = target;
  while (Node.isPropertyAccessExpression(cur)) {
    members.unshift(cur.getName());
    cur = cur.getExpression();
  }
  if (!Node.isIdentifier(cur)) return null;
  let b = modules.localOf(file, cur.getText());
  for (const m of members) b = b && modules.exported(b, m);
  const defined = fileOf(b);
  return defined && !defined.isDeclarationFile() ? relativePosix(root, defined.getFilePath()) : null;
}

/** Breadth first from the starting files through their project imports: the first that calls defineEndpoint. */
function findEndpoint(root: string, modules: ModuleIndex, starts: string[]): SourceFile | undefined {
  const queue = starts.map((s) => join(root, s)).filter((f) => existsSync(f));
  const seen = new Set(queue);
  for (let i = 0; i < queue.length && i < MAX_FILES; i++) {
    const text = readFileSync(queue[i], "utf8");
    // Parsed only when the name appears: the walk reads most files without a syntax tree.
    if (/\bdefineEndpoint\s*\(/.test(text)) {
      const sf = modules.sourceFile(queue[i]);
      if (sf && endpointCalls(sf).length) return sf;
    }
    for (const imported of ts.preProcessFile(text, true, false).importedFiles) {
      const r = modules.resolve(imported.fileName, queue[i]);
      if (r && !r.external && !seen.has(r.file) && !r.file.endsWith(".d.ts")) {
        seen.add(r.file);
        queue.push(r.file);
      }
    }
  }
  return undefined;
}

function endpointCalls(sf: SourceFile): CallExpression[] {
  // By kind: ts-morph wraps only the calls, not every node of the module.
  return sf.getDescendantsOfKind(ts.SyntaxKind.CallExpression).filter((n) => n.getExpression().getText() === "defineEndpoint");
}
