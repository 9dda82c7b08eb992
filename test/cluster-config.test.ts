// `server.workers` in fawkes.config.ts: what `fawkes server --workers N` defaults to, passed to
// the endpoint's start({ workers }).

import { describe, expect, it } from "vitest";
import { validateConfig } from "../compiler/config/validate.js";

describe("server.workers in the config", () => {
  it("takes a whole number of at least 1 or \"auto\"", () => {
    for (const workers of [1, 2, 16, "auto"]) expect(validateConfig({ server: { workers } }), String(workers)).toEqual([]);
  });

  it("refuses anything else, saying what it takes", () => {
    for (const workers of [0, -2, 1.5, "2", "all", null]) {
      const issues = validateConfig({ server: { workers } });
      expect(issues.length, String(workers)).toBe(1);
      expect(issues[0].message, String(workers)).toContain('a whole number of workers (1 or more) or "auto"');
    }
  });
});
