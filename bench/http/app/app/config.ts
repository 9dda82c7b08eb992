import type { SessionOptions } from "fawkes";

// A fixed secret: the bench app runs only on this machine, for the bench.
export const secretKeyBase = "bench-http-secret-key-base-0123456789abcdef0123456789abcdef0123456789abcdef";

/** The cookie session as `fawkes new` configures it (Phoenix's default: signed, not encrypted). */
export const session: SessionOptions = { key: "_bench_key", secretKeyBase, signingSalt: "bench session", sameSite: "Lax" };
