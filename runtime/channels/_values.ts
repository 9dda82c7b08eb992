// The channel runtime's value helpers are the runtime's own (runtime/_internal/values.ts).
export { describe, isThenable, quote } from "../_internal/values.js";
