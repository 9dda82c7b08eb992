import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "fawkes/compiler": fileURLToPath(new URL("./compiler/index.ts", import.meta.url)),
      "fawkes/config": fileURLToPath(new URL("./compiler/config/define.ts", import.meta.url)),
      "fawkes/testing": fileURLToPath(new URL("./runtime/testing/index.ts", import.meta.url)),
      fawkes: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Two test files at once. Vitest's default on this 2-core machine is one (cores - 1), but
    // most files spend their time waiting on child processes (CLI runs, type checks, servers,
    // Chromium), so a second file uses the core the first leaves idle.
    maxWorkers: 2,
    // Generous: on a busy machine (another full run beside this one) the parity fuzz, the
    // cross-process Presence tests and the plug-init builds took over 30 s. Nothing here waits
    // for a timeout to pass: a test ends as soon as what it waits for happens.
    testTimeout: 120_000,
    // beforeAll/afterAll start servers and browsers: on a busy machine they need the tests' budget.
    hookTimeout: 120_000,
    // The global teardown removes the run's temporary directory.
    teardownTimeout: 30_000,
    // Builds what several files share (the demo bundle) once per run, into a per-run directory.
    globalSetup: ["test/support/global-setup.ts"],
  },
});
