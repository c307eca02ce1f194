// amojo-kit for Cloudflare Workers (workerd), picked by the `workerd` export condition that
// wrangler resolves. Workers may not compile WebAssembly from bytes at run time, and their
// modules have no URL to fetch a file from; wrangler bundles an imported .wasm as a
// compiled module, which is instantiated here, on import: nothing to initialise.
import wasmModule from "./wasm/amojo_kit_bg.wasm";
import { initSync } from "./web.mjs";

initSync({ module: wasmModule });

export * from "./web.mjs";
export { default } from "./web.mjs";
