// amojo-kit for Node.js, Bun and Deno (import). Re-exports the CommonJS entry, so `require`
// and `import` in one process share a single WebAssembly instance and the same error
// classes. A static import (not createRequire) so that bundlers follow it.
import api from "./index.cjs";

export const { /* @API_NAMES@ */ } = api;
export default api.init;
