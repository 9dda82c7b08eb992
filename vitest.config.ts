import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "fawkes/compiler": fileURLToPath(new URL("./compiler/index.ts", import.meta.url)),
      "fawkes/testing": fileURLToPath(new URL("./runtime/testing/index.ts", import.meta.url)),
      fawkes: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
