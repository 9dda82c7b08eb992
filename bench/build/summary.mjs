// What `fawkes server` itself logs per edit in bench:build's dev rounds (dev-round.mjs collects
// its lines), summarised as medians: the comment line "fawkes server's own lines". A template
// edit logs "rebuilt in N ms, 1 template swapped into the app in M ms"; a router edit logs
// "rebuilt in N ms, the router swapped into the app in M ms" when its modules are swapped into
// the running app (router-side.ts) and "rebuilt in N ms, app restarted in M ms" when the app is
// bundled and restarted instead. Both forms are read, and how many edits took each is said: until
// 2026-12-07 only the restart form was, so a run of swapped router edits printed "?".

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Each line matching `re`, as the numbers it captures. */
function split(lines, re) {
  return lines.flatMap((l) => {
    const m = re.exec(l);
    return m ? [m.slice(1).map(Number)] : [];
  });
}

/** The summary of the dev server's lines (`router`: the router's path in the app), or null when no line is of a known form. */
export function ownLines(lines, router = "app/router.ts") {
  const file = router.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const swaps = split(lines, /rebuilt in (\d+) ms, 1 template swapped into the app in (\d+) ms/);
  const routerSwaps = split(lines, new RegExp(`rebuilt in (\\d+) ms, the router swapped into the app in (\\d+) ms \\(${file} changed\\)`));
  const restarts = split(lines, new RegExp(`rebuilt in (\\d+) ms, app restarted in (\\d+) ms \\(${file} changed\\)`));
  if (!swaps.length && !routerSwaps.length && !restarts.length) return null;
  const med = (xs, i) => (xs.length ? median(xs.map((x) => x[i])) : "?");
  const routerParts = [
    routerSwaps.length ? `${routerSwaps.length} swapped: regenerate + side build ${med(routerSwaps, 0)} ms, swap ${med(routerSwaps, 1)} ms` : "",
    restarts.length ? `${restarts.length} restarted: regenerate + bundle ${med(restarts, 0)} ms, restart ${med(restarts, 1)} ms` : "",
  ].filter(Boolean);
  return `fawkes server's own lines (medians): template edit: regenerate + build ${med(swaps, 0)} ms, swap ${med(swaps, 1)} ms; router edit: ${routerParts.join("; ") || "no line"}`;
}
