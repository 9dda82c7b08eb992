// Random bytes for CSRF masks and secrets and encryption IVs, drawn from a pool of CSPRNG output
// that one randomFillSync refills when it runs out. Every randomBytes() call pays a fixed cost
// (~7 µs of CPU here for 18 bytes, the same as for 4 KB): one per page's CSRF mask was a fifth
// of the session and CSRF work of a page request. Node's own crypto.randomUUID caches its entropy
// the same way. Each byte is handed out once and zeroed in the pool as it is, so the pool never
// holds bytes that are in use; a process (a cluster worker included) fills its own pool on first
// use, never at load.

import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** The start of `n` unused pool bytes (n ≤ POOL_BYTES), refilling the pool when too few are left. */
function take(n: number): number {
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += n;
  return start;
}

/** `n` cryptographically secure random bytes, as crypto.randomBytes(n), in a Buffer of their own. */
export function randomBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > POOL_BYTES) throw new RangeError(`randomBytes: n must be an integer from 0 to ${POOL_BYTES}, got ${n}`);
  const start = take(n);
  const bytes = Buffer.from(pool.subarray(start, start + n));
  pool.fill(0, start, start + n);
  return bytes;
}

/** `n` cryptographically secure random bytes, as unpadded base64url (crypto.randomBytes(n).toString("base64url")). */
export function randomBase64url(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > POOL_BYTES) throw new RangeError(`randomBase64url: n must be an integer from 0 to ${POOL_BYTES}, got ${n}`);
  const start = take(n);
  const text = pool.toString("base64url", start, start + n);
  pool.fill(0, start, start + n);
  return text;
}
