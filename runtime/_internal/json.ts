// Guards around JSON.parse for text from clients (request bodies, channel frames, long-poll
// batches). Measured on Node 20 before these existed: an 8 MB body of nested arrays, under the
// size limit, blocked the event loop for seconds and cost ~400 MB of RSS, and the reviver that
// drops `__proto__` overflowed the stack at a few thousand levels. Nesting is counted before
// parsing, in one pass, so what is refused costs no more than reading it.

/** Default deepest nesting of arrays and objects accepted in client JSON (Jason has no limit; 512 is what serde_json's default 128 and V8's own stack allow with room). */
export const DEFAULT_JSON_DEPTH = 512;

/**
 * The first position where `text` nests arrays/objects deeper than `max`, or -1. Brackets
 * inside strings do not count. Written by hand: it runs over every body and frame before
 * JSON.parse, and a character loop is the cheapest pass (texts shorter than `max` cannot
 * exceed it and are not scanned at all).
 */
export function jsonTooDeep(text: string, max: number): number {
  if (text.length <= max) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return -1;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes as a string; null when they are not valid UTF-8 (JSON must be, RFC 8259 §8.1). */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}
