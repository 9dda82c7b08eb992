// The Fawkes server of bench/http: bench/http/main.mjs bundles this with esbuild and the Fawkes
// plugin (as scripts/demo.mjs bundles the demo) and runs it pinned to one core. It listens on
// a free port on 127.0.0.1 (like every peer) and prints it for the harness.
import { defineEndpoint } from "fawkes";
import * as router from "./.fawkes/router.gen.js";
import { templates } from "./.fawkes/templates.gen.js";
import { secretKeyBase } from "./app/config.js";

const endpoint = defineEndpoint({ router, views: { templates }, config: { debugErrors: false, secretKeyBase } });
const { port } = await endpoint.start({ port: 0, host: "127.0.0.1" });
console.log(`listening on port ${port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void endpoint.stop().then(() => process.exit(0)));
}
