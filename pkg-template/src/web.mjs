// amojo-kit for browsers, bundlers, Deno and other fetch-API runtimes. Call `await init()`
// (or `initSync({ module })`) once before anything else; until then every function but
// schema() and schemaIndex() (plain data, bundled in lib/schemas.mjs) throws.
import initWasm, * as raw from "./wasm/web.mjs";
import { createApi } from "./lib/api.mjs";
import * as schemas from "./lib/schemas.mjs";

let ready = false;

function isPlainObject(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/**
 * Loads the WebAssembly module. Without an argument it fetches `wasm/amojo_kit_bg.wasm`
 * next to this file (bundlers rewrite that URL). Otherwise `{ module_or_path }`: a URL,
 * a Request, a Response, the bytes, or a compiled WebAssembly.Module.
 */
async function initModule(input) {
  if (ready) {
    return;
  }
  let arg;
  if (input === undefined) {
    arg = undefined;
  } else if (isPlainObject(input)) {
    if ("module_or_path" in input) {
      arg = { module_or_path: input.module_or_path };
    } else if ("module" in input) {
      arg = { module_or_path: input.module };
    } else {
      throw new TypeError("init() takes { module_or_path }: a URL, a Request, a Response, the .wasm bytes or a WebAssembly.Module");
    }
  } else {
    arg = { module_or_path: input };
  }
  await initWasm(arg);
  ready = true;
}

/** Instantiates synchronously from `{ module }`: a WebAssembly.Module or the .wasm bytes. */
function initModuleSync(input) {
  if (ready) {
    return;
  }
  const module = isPlainObject(input) ? input.module : input;
  const ok = module instanceof WebAssembly.Module || ArrayBuffer.isView(module) || module instanceof ArrayBuffer;
  if (!ok) {
    throw new TypeError("initSync({ module }) needs `module`: a WebAssembly.Module or the bytes of amojo_kit_bg.wasm");
  }
  raw.initSync({ module });
  ready = true;
}

const api = createApi({
  raw: () => raw,
  ready: () => ready,
  init: initModule,
  initSync: initModuleSync,
  schemas,
});

export const { /* @API_NAMES@ */ } = api;
export default initModule;
