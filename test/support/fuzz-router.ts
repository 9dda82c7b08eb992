// `npm run fuzz:router`: the parity property of test/router-parity.test.ts (generated matcher vs
// the reference interpreter) on many more route sets than the suite runs: PARITY_RUNS (default
// 10,000) × 60 requests. Outside vitest, so each set's matcher module is imported by Node as
// it is (the suite's transform of 10,000 modules took longer than the check). Prints what it
// saw and exits 1 at the first disagreement, with fast-check's seed to replay it
// (PARITY_SEED=<seed>).

import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { loadStandaloneMatcher } from "../../compiler/emit/standalone.js";
import { randomParity } from "./parity.js";

const RUNS = wholeNumber("PARITY_RUNS", 10_000);
const SEED = process.env.PARITY_SEED ? wholeNumber("PARITY_SEED", 0) : Date.now() % 2 ** 31;
const DIR = resolve(import.meta.dirname, "../../.fawkes-tmp/fuzz-router");

function wholeNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  return n;
}

const started = Date.now();
let done = 0;
try {
  const stats = await randomParity(
    RUNS,
    async (routes) => {
      const m = await loadStandaloneMatcher(routes, DIR, "fawkes");
      rmSync(m.file); // imported already
      if (++done % 1000 === 0) console.log(`# ${done} route sets, ${Math.round((Date.now() - started) / 1000)} s`);
      return m;
    },
    SEED,
  );
  const { requests, scanned, seen, flagged, aimedAtFlagged } = stats;
  console.log(
    `parity: ${RUNS} route sets, ${requests} requests (seed ${SEED}): generated matcher and interpreter agree on all; ` +
      `${seen.match} matches, ${seen.none} no match, ${seen.error} malformed; ${scanned} by the scan tree, ${requests - scanned} decoded; ` +
      `${flagged} routes called unreachable, never answering (${aimedAtFlagged} requests aimed at one); ${Math.round((Date.now() - started) / 1000)} s`,
  );
} catch (e) {
  console.error(`parity FAILED after ${done} route sets (seed ${SEED}; replay with PARITY_SEED=${SEED}):\n${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(DIR, { recursive: true, force: true });
}
