// Timing machinery, after /work/shared/reference/perf-micro.md "Method":
// - every lookup runs on a FRESH flat one-byte string built inside the loop (what Node's HTTP
//   parser hands over); reused literals let V8 serve split() and hashes from its caches;
// - a `noop` case (building the string only) is timed in the same round and subtracted;
// - one generated loop function per case, so each call site stays monomorphic;
// - warm-up per case, then interleaved rounds in a fresh shuffled order each round (drift and
//   neighbours on this shared box hit every case alike), medians of process CPU time
//   (robust to being descheduled); wall-clock medians are kept for comparison.

// BENCH_ROUNDS=n: more timed rounds (steadier medians on a loaded machine).
export const QUICK = process.env.BENCH_QUICK === "1";
export const OPTS = QUICK
  ? { warmupMs: 30, sampleMs: 15, untimed: 1, rounds: 3 }
  : { warmupMs: 250, sampleMs: 100, untimed: 2, rounds: Number(process.env.BENCH_ROUNDS ?? 9) };

/**
 * Builds `function (n)` running `body` for each of the n passes over `count` items, index `j`.
 * `body` adds to `acc`, the returned checksum (it keeps the work observable, and a sample whose
 * checksum is not n times the one of a single pass means the code under test changed answers).
 * `scope` names become parameters of the generating function, i.e. constants of the loop.
 */
export function makeLoop(name, scope, count, body) {
  const src = `return function ${name.replace(/\W/g, "_")}(n) {
  let acc = 0;
  for (let it = 0; it < n; it++) {
    for (let j = 0; j < ${count}; j++) {
      ${body}
    }
  }
  return acc;
};`;
  return new Function(...Object.keys(scope), src)(...Object.values(scope));
}

/** The char codes a fresh copy of `path` is rebuilt from (String.fromCharCode.apply). */
export const codesOf = (path) => Array.from(path, (c) => c.charCodeAt(0));
export const fresh = (codes) => String.fromCharCode.apply(null, codes);
export const FRESH = "const s = fcc.apply(null, C[j]);"; // loop-side twin of fresh(); needs fcc, C

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; }; // ns
const wallNow = () => Number(process.hrtime.bigint());

function runChecked(c, n) {
  const acc = c.run(n);
  if (acc !== c.checksum * n) throw new Error(`${c.id}: checksum ${acc} after ${n} passes, expected ${c.checksum * n}`);
}

/**
 * cases: [{ id, run(n), ops }] where ops = lookups per pass. Returns Map id -> samples
 * [{ cpu, wall }] in ns per op, one per timed round (rounds in the same order for every id).
 */
export function measure(cases, opts = OPTS) {
  for (const c of cases) {
    c.checksum = c.run(1);
    // Warm-up doubles n until one run takes >= 5 ms, keeps going for warmupMs, then sizes
    // a sample to about sampleMs of CPU time.
    let n = 1, spent = 0, last = 0;
    while (spent < opts.warmupMs * 1e6 || last < 5e6) {
      const t0 = cpuNow();
      runChecked(c, n);
      last = cpuNow() - t0;
      spent += last;
      if (last < 5e6) n *= 2;
    }
    c.n = Math.max(1, Math.round((n * opts.sampleMs * 1e6) / Math.max(last, 1)));
  }
  const samples = new Map(cases.map((c) => [c.id, []]));
  for (let round = 0; round < opts.untimed + opts.rounds; round++) {
    for (const c of shuffle([...cases])) {
      const c0 = cpuNow(), w0 = wallNow();
      runChecked(c, c.n);
      const cpu = cpuNow() - c0, wall = wallNow() - w0;
      if (round >= opts.untimed) samples.get(c.id).push({ cpu: cpu / (c.n * c.ops), wall: wall / (c.n * c.ops) });
    }
  }
  return samples;
}

function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Per-round net ops/s of `sample` minus `noop` (same round), or null if the difference is <= 0. */
export function netRates(sample, noop, key = "cpu") {
  return sample.map((x, r) => {
    const ns = x[key] - noop[r][key];
    return ns > 0 ? 1e9 / ns : null;
  });
}

export function median(xs) {
  const a = xs.filter((x) => x !== null).sort((p, q) => p - q);
  if (a.length === 0) return NaN;
  const h = a.length >> 1;
  return a.length % 2 ? a[h] : (a[h - 1] + a[h]) / 2;
}

/** Interquartile range over median, in percent: the spread column. */
export function spread(xs) {
  const a = xs.filter((x) => x !== null).sort((p, q) => p - q);
  if (a.length < 3) return NaN;
  const q = (f) => a[Math.min(a.length - 1, Math.round(f * (a.length - 1)))];
  return (100 * (q(0.75) - q(0.25))) / median(a);
}

export function fmtRate(x) {
  if (!Number.isFinite(x)) return "-";
  if (x >= 999.5e3) return (x / 1e6).toFixed(2) + "M"; // not "1000k"
  if (x >= 1e3) return (x / 1e3).toFixed(0) + "k";
  return x.toFixed(0);
}

/** Plain aligned table: first column left, the rest right. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const w = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(all[0]), w.map((n) => "-".repeat(n)).join("  "), ...all.slice(1).map(line)].join("\n");
}
