// amojo-kit with the WebAssembly module inside (base64, a third larger than the .wasm
// file): for bundlers that do not emit the .wasm file next to the bundle (esbuild,
// Rollup without a plugin) and for pages with nowhere to serve it. Ready on import where
// the runtime compiles synchronously; else `await init()` compiles the embedded bytes
// (nothing is fetched either way).
// CommonJS, shared with the Node entry (a second copy would add 140 KB to the package):
// bundlers and Node import its module.exports as the default.
import base64 from "./wasm/bytes.cjs";
import initWeb, { initSync } from "./web.mjs";

const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

try {
  initSync({ module: bytes });
} catch {
  // A browser's main thread may refuse to compile this much synchronously: init() will.
}

export * from "./web.mjs";

/** Compiles the embedded module (when the import could not); resolves at once after. */
export function init(input) {
  return initWeb(input === undefined ? { module_or_path: bytes } : input);
}

export default init;
