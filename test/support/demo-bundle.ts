// The demo server bundle that support/global-setup.ts built for this run.

import { inject } from "vitest";
import type { DemoBundle } from "./global-setup.js";

export function demoBundle(): Omit<DemoBundle, "error"> {
  const bundle = inject("demoBundle");
  if (!bundle) throw new Error("the demo bundle was not built for this run: test/support/global-setup.ts builds it when a test file of the run calls demoBundle()");
  if (bundle.error !== null) throw new Error(`bundling the demo (scripts/demo.mjs) in test/support/global-setup.ts failed: ${bundle.error}`);
  return { file: bundle.file, staticRoot: bundle.staticRoot };
}
