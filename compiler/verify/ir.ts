// The data the verified-path stages pass each other: every `p` literal found (scan.ts,
// templates.ts), what the static folder holds (statics.ts); check.ts reads both with the
// router's IR and returns diagnostics.

import type { SourceLoc } from "../router/ir.js";

/** One `` p`...` `` (or `` p.post`...` ``) bound to the fawkes import. */
export interface PathLiteralIR {
  /** The scanned source it is in (its ScanSource name). */
  source: string;
  /** The tagged template as written, on one line and shortened, for messages. */
  text: string;
  /** Its literal pieces, cooked (an invalid escape is undefined, as in a tagged template). */
  strings: (string | undefined)[];
  /** `"POST"` for `p.post`, null for `p` (any verb). */
  verb: string | null;
  /** The verb property as written when it is not a verb (`p.pots`), for a did-you-mean. */
  unknownVerb: string | null;
  /** Where the tagged template starts (its tag). */
  loc: SourceLoc;
  /** Where each literal piece starts, for errors inside the path. */
  pieceLocs: SourceLoc[];
  /** The tag (`p`, `p.post`, `F.p`) as offsets in the scanned text: what a rewrite replaces. */
  tagRange: [start: number, end: number];
}

/** The static folder: its files by path relative to it (`images/logo.png`), sorted. */
export interface StaticIndexIR {
  /** The folder, relative to the project root (`priv/static`). */
  dir: string;
  files: string[];
  /** First segments of the files: Phoenix's `statics` (`images`, `favicon.ico`). */
  roots: Set<string>;
}

/** The verbs `p.<verb>` takes: the router's. */
export const VERBS = ["get", "post", "put", "patch", "delete", "options", "head", "connect", "trace"] as const;
