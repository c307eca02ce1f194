// Types of the browser entry (web.mjs): the API of index.d.ts, plus the module loading.
// Every function but `schema()` and `schemaIndex()` (plain data) throws until `init()` or
// `initSync()` has run. The same types serve `amojo-kit/inline` (the module inside: ready
// on import where the runtime compiles synchronously, else after `await init()`) and the
// workerd build (ready on import).

export * from "./index.js";

/** What `init` can load the module from. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads the WebAssembly module. Without an argument it fetches `wasm/amojo_kit_bg.wasm`
 * next to the entry (bundlers such as Vite and webpack 5 rewrite that URL). Idempotent.
 * Rejects with AmojoTypeError `wasm_load_failed` (saying what to do) when the module cannot
 * be loaded. */
export function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | { module: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<void>;

/** Instantiates synchronously from a compiled module or the .wasm bytes (workers,
 * Cloudflare Workers with a wasm import, tests). Idempotent. */
export function initSync(input: { module: WebAssembly.Module | BufferSource } | WebAssembly.Module | BufferSource): void;

export default init;
