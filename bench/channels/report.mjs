// The printout of bench:channels: a table of medians per server, the notes that say how to read
// it, then the ratio lines, last. Every ratio reads "above 1 = Fawkes better": times and memory
// are peer/fawkes, the sustained rate is fawkes/peer.

export const FIGURES = ["broadcast-1k", "broadcast-10k", "broadcasts-per-s-10k", "rss-per-socket"];

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * `runs`: one record per (round, server, N) from main.mjs' run(). `info`: server names, peer
 * names, the crowded threshold, and the method and note lines main.mjs wants printed.
 */
export function printReport(runs, { servers, peers, noisy, method, notes }) {
  const pick = (server, n) => runs.filter((r) => r.server === server && r.n === n);
  const med = (server, n, f) => median(pick(server, n).map(f));
  const fig = {};
  for (const name of servers) {
    fig[name] = {
      "broadcast-1k": med(name, 1_000, (r) => r.ms),
      "broadcast-10k": med(name, 10_000, (r) => r.ms),
      "broadcasts-per-s-10k": med(name, 10_000, (r) => r.sustained.msgsPerS),
      "rss-per-socket": med(name, 10_000, (r) => r.rssPerSocket),
    };
  }

  const f1 = (x) => x.toFixed(1);
  const cols = ["server", "1k ms", "send", "cpu", "10k ms", "send", "cpu", "first", "10k msgs/s", "bcast/s", "srv/cli CPU", "kB RSS/sock", "heap", "1k RSS", "conn/s", "foreign", "crowded"];
  const rows = servers.map((name) => {
    const k1 = (f) => med(name, 1_000, f);
    const k10 = (f) => med(name, 10_000, f);
    const crowded = runs.filter((r) => r.server === name && Math.max(r.cpu.foreign, r.sustained?.cpu.foreign ?? 0) > noisy).length;
    return [
      name,
      f1(fig[name]["broadcast-1k"]),
      f1(k1((r) => r.sendMs)),
      f1(k1((r) => r.sendCpuMs)),
      f1(fig[name]["broadcast-10k"]),
      f1(k10((r) => r.sendMs)),
      f1(k10((r) => r.sendCpuMs)),
      f1(k10((r) => r.firstMs)),
      Math.round(fig[name]["broadcasts-per-s-10k"]).toLocaleString("en-US"),
      f1(k10((r) => r.sustained.perS)),
      `${Math.round(k10((r) => r.sustained.cpu.srvCpu))}/${Math.round(k10((r) => r.sustained.cpu.cliCpu))}%`,
      f1(fig[name]["rss-per-socket"] / 1000),
      f1(k10((r) => r.heapPerSocket) / 1000),
      f1(k1((r) => r.rssPerSocket) / 1000),
      Math.round(k10((r) => r.connectPerS)).toLocaleString("en-US"),
      `${Math.round(k10((r) => r.sustained.cpu.foreign))}%`,
      `${crowded}/${pick(name, 1_000).length + pick(name, 10_000).length}`,
    ];
  });
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log("");
  console.log(line(cols));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log("");
  for (const m of method) console.log(m);
  console.log("# kB RSS/sock: (RSS with 10k joined − RSS before connecting) / 10k after two full GCs; heap: the same for heapUsed; 1k RSS: the same at 1k (inflated by baseline growth, perf-macro.md)");
  console.log(`# conn/s: connect + join rate at 10k; foreign: CPU the rest of the box used during the sustained run; crowded: runs with foreign > ${noisy}%`);
  console.log("# cli CPU near 100% means the client driver set the sustained pace (perf-macro.md: raw ws reached ~85k/s client-bound): ratios near the top are then compressed");
  for (const n of notes) console.log(n);
  console.log("# ratios: broadcast-* and rss-per-socket are peer/fawkes (time, memory); broadcasts-per-s-10k is fawkes/peer (a rate): above 1 = Fawkes better in every line");
  for (const figure of FIGURES) {
    for (const peer of peers) {
      const [num, den] = figure === "broadcasts-per-s-10k" ? [fig.fawkes[figure], fig[peer][figure]] : [fig[peer][figure], fig.fawkes[figure]];
      console.log(`ratio ${figure} ${peer} ${den > 0 ? (num / den).toFixed(2) : "n/a"}`);
    }
  }
}
