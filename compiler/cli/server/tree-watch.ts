// The dev server's watcher: every file under the project root but the ignored ones, reported
// as a path relative to the root (forward slashes), created and deleted ones included.
//
// On macOS and Windows, Node's recursive fs.watch is the system's own (FSEvents,
// ReadDirectoryChangesW). On Linux, Node 20's recursive fs.watch is JavaScript over one inotify
// watch per file *and* folder (node_modules, .fawkes and _build included: 1,700 for bench:build's
// app), each event answered with a stat and the folder read again; and it watches a file's
// inode, so after a save that replaces the file (a temp file renamed over it: JetBrains' safe
// write, write-file-atomic; vim's backup rename) no later edit of that file is reported at all
// (seen 2026-12-07: test/dev-server-saves.test.ts). So on Linux each folder is watched instead
// (inotify reports its entries by name, whatever inode they are), the ignored ones never: a new
// folder is watched as it appears, and what it already holds is reported, since files written
// into it before its watch began have no events of their own.
// chokidar does this too (and more: polling, symlinks); this is the part the dev server needs,
// without a dependency in the CLI.

import { existsSync, readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { join, sep } from "node:path";

export interface TreeWatcher {
  close(): void;
}

/** `ignored(rel)`: a path (file or folder) never reported, a folder never entered. */
export function watchTree(root: string, ignored: (rel: string) => boolean, onChange: (rel: string) => void, onError: (e: Error) => void): TreeWatcher {
  if (process.platform !== "linux") {
    const recursive = watch(root, { recursive: true }, (_event, filename) => {
      if (!filename) return;
      const rel = filename.split(sep).join("/");
      if (!ignored(rel)) onChange(rel);
    });
    recursive.on("error", onError);
    return { close: () => recursive.close() };
  }
  const folders = new Map<string, FSWatcher>();
  let closed = false;

  /** Watches `rel` (a folder; "" is the root) and the folders under it; `report`: its files are new, each reported. */
  function enter(rel: string, report: boolean): void {
    if (closed || folders.has(rel) || (rel !== "" && ignored(rel))) return;
    const dir = join(root, rel);
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (event, name) => name && seen(rel, String(name), event));
    } catch {
      return; // gone already, or not a folder
    }
    watcher.on("error", () => leave(rel)); // the folder was deleted
    folders.set(rel, watcher);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return leave(rel);
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) enter(child, report);
      else if (report && !ignored(child)) onChange(child);
    }
  }

  /** Stops watching `rel` and every folder under it. */
  function leave(rel: string): void {
    for (const [folder, watcher] of folders) {
      if (folder === rel || folder.startsWith(rel + "/") || rel === "") {
        watcher.close();
        folders.delete(folder);
      }
    }
  }

  function seen(folder: string, name: string, event: string): void {
    if (closed) return;
    const rel = folder ? `${folder}/${name}` : name;
    // A deleted folder's own watch says so under the folder's name: the folder's parent reports it.
    if (folder && name === folder.slice(folder.lastIndexOf("/") + 1) && !existsSync(join(root, folder))) return leave(folder);
    if (ignored(rel)) return;
    onChange(rel);
    // A name that came or went: a folder created is entered, one deleted or renamed away is left.
    if (event !== "rename") return;
    let isFolder = false;
    try {
      isFolder = statSync(join(root, rel)).isDirectory();
    } catch {
      // gone
    }
    if (isFolder) enter(rel, true);
    else if (folders.has(rel)) leave(rel);
  }

  try {
    enter("", false);
  } catch (e) {
    onError(e as Error);
  }
  return {
    close() {
      closed = true;
      leave("");
    },
  };
}
