// bench:build's comment line "fawkes server's own lines" (bench/build/summary.mjs), read from
// the lines the dev server logs (compiler/cli/server/dev.ts). Until 2026-12-07 it read the
// restart form of a router edit's line only, and a run whose router edits were all swapped into
// the app (router-side.ts) printed "regenerate + bundle ? ms, restart ? ms".

import { describe, expect, it } from "vitest";
import { ownLines } from "../bench/build/summary.mjs";

const TEMPLATE = (built: number, swap: number) => `[fawkes] rebuilt in ${built} ms, 1 template swapped into the app in ${swap} ms (app/templates/c0/show.html.eta changed)`;
const SWAP = (built: number, swap: number) => `[fawkes] rebuilt in ${built} ms, the router swapped into the app in ${swap} ms (app/router.ts changed)`;
const RESTART = (built: number, restart: number) => `[fawkes] rebuilt in ${built} ms, app restarted in ${restart} ms (app/router.ts changed)`;

describe("bench:build's summary of the dev server's lines", () => {
  it("reads a router edit swapped into the app", () => {
    const line = ownLines([TEMPLATE(30, 6), TEMPLATE(34, 8), TEMPLATE(32, 7), SWAP(140, 40), SWAP(120, 36), SWAP(160, 50)]);
    expect(line).toBe("fawkes server's own lines (medians): template edit: regenerate + build 32 ms, swap 7 ms; router edit: 3 swapped: regenerate + side build 140 ms, swap 40 ms");
  });

  it("reads both forms in one run, each with its count, and the restart alone as before", () => {
    expect(ownLines([TEMPLATE(30, 6), SWAP(140, 40), RESTART(300, 90), RESTART(320, 110)])).toBe(
      "fawkes server's own lines (medians): template edit: regenerate + build 30 ms, swap 6 ms; router edit: 1 swapped: regenerate + side build 140 ms, swap 40 ms; 2 restarted: regenerate + bundle 310 ms, restart 100 ms",
    );
    expect(ownLines([RESTART(300, 90)])).toBe("fawkes server's own lines (medians): template edit: regenerate + build ? ms, swap ? ms; router edit: 1 restarted: regenerate + bundle 300 ms, restart 90 ms");
  });

  it("counts only the router's lines as router edits, and says when no line is of a known form", () => {
    const other = "[fawkes] rebuilt in 200 ms, app restarted in 80 ms (app/controllers/page-controller.ts changed)";
    expect(ownLines([TEMPLATE(30, 6), other])).toMatch(/router edit: no line$/);
    expect(ownLines(["[fawkes] built in 900 ms, app started in 120 ms", other])).toBeNull();
  });
});
