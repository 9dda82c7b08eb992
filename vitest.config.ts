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
    testTimeout: 30_000,
    // beforeAll/afterAll start servers and browsers: on a busy machine they need the tests' budget.
    hookTimeout: 30_000,
    // The global teardown removes the run's temporary directory.
    teardownTimeout: 30_000,
    // Builds what several files share (the demo bundle) once per run, into a per-run directory.
    globalSetup: ["test/support/global-setup.ts"],
  },
});
