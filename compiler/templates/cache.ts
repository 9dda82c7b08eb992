// The templates compiler's cache between builds (issue 10): a watch loop (the esbuild plugin,
// `fawkes server`) keeps one, so a one-template edit compiles that template alone.
//
// Every stage of compile.ts and emit.ts is a function of its inputs; the cache keeps a stage's
// result with its inputs written out as a key, and serves it only when the key is the same. No
// invalidation is guessed: what a result depends on is in its key or the result is not kept.
//   - A template is parsed again when its text, its path or the parse options changed
//     (parseKey: the options, the plugins by identity, where each option is written). An
//     unchanged one gets back the *same* TemplateIR object, so the stages after it key by object.
//   - Literal includes are resolved against the table of every template (the name list, tableKey):
//     checkIncludes rewrites names in the IR, so each build works on a copy of the parsed IR,
//     kept per table.
//   - Each later stage of a template keys by that object and what else it reads: the options
//     and view modules (contextKey), the route helpers for its Routes calls, the components'
//     signatures for its component calls, and for its module the names of every template, the
//     directly included partials and the keys each reads, the imports the modules share.
// A key that lists everything a stage reads is what makes this exact; one that changes often
// only makes it slower (a template created renames nothing, yet it changes the name list and
// every module is emitted again).
//
// Memory: each template keeps the latest result of each stage; slots (a template's parse, a
// module's syntax check) that the last compile did not use are dropped when it ends.

import { createHash } from "node:crypto";

/** What a compile computed rather than took from the cache, by stage (tests read it). */
export interface CacheCounts {
  parsed: number;
  included: number;
  checked: number;
  emitted: number;
}

export class TemplateCache {
  private readonly slots = new Map<string, { inputs: readonly unknown[]; value: unknown; used: number }>();
  private readonly perObject = new WeakMap<object, Map<string, { key: string; value: unknown }>>();
  private generation = 0;
  /** The last compile's counts (see CacheCounts). */
  counts: CacheCounts = { parsed: 0, included: 0, checked: 0, emitted: 0 };

  /** A compile starts: its counts from zero. */
  begin(): void {
    this.generation++;
    this.counts = { parsed: 0, included: 0, checked: 0, emitted: 0 };
  }

  /** A compile ended: the slots it did not use are dropped (a deleted template's; a dev server lives long). */
  end(): void {
    for (const [slot, entry] of this.slots) if (entry.used !== this.generation) this.slots.delete(slot);
  }

  /**
   * The result kept in `slot` (a template's path) when it was computed from the same `inputs`
   * (each compared with ===: strings by their text), else computed and kept there.
   */
  bySlot<T>(slot: string, inputs: readonly unknown[], compute: () => T): T {
    const hit = this.slots.get(slot);
    if (hit && hit.inputs.length === inputs.length && hit.inputs.every((v, i) => v === inputs[i])) {
      hit.used = this.generation;
      return hit.value as T;
    }
    const value = compute();
    this.slots.set(slot, { inputs, value, used: this.generation });
    return value;
  }

  /**
   * What `slot` holds (the inputs it was computed from and its value), kept for this compile
   * (marked used): how a compile takes what its caller says has not changed (a template's text
   * the last compile read) without reading it again.
   */
  held(slot: string): { inputs: readonly unknown[]; value: unknown } | undefined {
    const hit = this.slots.get(slot);
    if (hit) hit.used = this.generation;
    return hit;
  }

  /** `value` kept in `slot` as computed from `inputs` (what bySlot keeps), for held() to give back. */
  keep(slot: string, inputs: readonly unknown[], value: unknown): void {
    this.slots.set(slot, { inputs, value, used: this.generation });
  }

  /** The kept result of `stage` for `owner` when its key is `key`. */
  peek<T>(owner: object, stage: string, key: string): T | undefined {
    const hit = this.perObject.get(owner)?.get(stage);
    return hit && hit.key === key ? (hit.value as T) : undefined;
  }

  /** The result of `stage` for `owner` (a template's IR), kept while `key` (what else it read) is the same. */
  of<T>(owner: object, stage: string, key: string, compute: () => T): T {
    let stages = this.perObject.get(owner);
    if (!stages) this.perObject.set(owner, (stages = new Map()));
    const hit = stages.get(stage);
    if (hit && hit.key === key) return hit.value as T;
    const value = compute();
    stages.set(stage, { key, value });
    return value;
  }
}

// Functions (plugins, custom tag stand-ins) and other identities are keyed by a number given
// on first sight: the same object is the same key; an object loaded again is a new one.
const ids = new WeakMap<object, number>();
let nextId = 1;
export function identityOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/**
 * A value written out as a key: Maps and Sets by their entries, functions by identity; hashed
 * (SHA-256), so that a key of every template's name is short to keep and to compare.
 */
export function fingerprint(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value, replacer)).digest("base64");
}

function replacer(_: string, v: unknown): unknown {
  if (typeof v === "function") return `\0fn${identityOf(v)}`;
  if (v instanceof Map) return { "\0map": [...v] };
  if (v instanceof Set) return { "\0set": [...v] };
  if (v === undefined) return "\0undefined";
  return v;
}
