// amojo-kit for Node.js (import). Re-exports the CommonJS entry, so `require` and `import`
// in one process share a single WebAssembly instance and the same error classes.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const api = require("./index.cjs");

export const { /* @API_NAMES@ */ } = api;
export default api.init;
