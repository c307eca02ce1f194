// amojo-kit for browsers, bundlers, Deno and other fetch-API runtimes. Call `await init()`
// (or `initSync({ module })`) once before anything else; until then every function but
// schema() and schemaIndex() (plain data, bundled in lib/schemas.mjs) throws.
import initWasm, * as raw from "./wasm/web.mjs";
import { AmojoTypeError as LoadError, createApi } from "./lib/api.mjs";
import * as jsonSchemas from "./lib/schemas.mjs";

let ready = false;

function isPlainObject(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

const HELP = "see \"Loading the WebAssembly\" in amojo-kit's README: with Vite and webpack it loads as is; "
  + "with esbuild, Rollup or no bundler serve wasm/amojo_kit_bg.wasm and pass its URL to init({ module_or_path }), "
  + "or import \"amojo-kit/inline\" (the module inside, nothing to serve); "
  + "in Cloudflare Workers import \"amojo-kit\" with wrangler (its workerd build needs no init)";

function loadError(what, cause) {
  const e = new LoadError(`amojo-kit could not load its WebAssembly module: ${what}; ${HELP}`, "wasm_load_failed");
  e.cause = cause;
  return e;
}

// The default: wasm/amojo_kit_bg.wasm next to this file, where bundlers that understand
// `new URL(…, import.meta.url)` (Vite, webpack, Parcel) put it. Fetched here, not by the
// glue, so that a missing file is this package's own error, not "Invalid URL string" or a
// failed magic-word check.
async function fetchDefault() {
  let url;
  try {
    url = new URL("./wasm/amojo_kit_bg.wasm", import.meta.url);
  } catch (cause) {
    throw loadError("this runtime gives modules no URL (import.meta.url), so the .wasm file cannot be found next to this one", cause);
  }
  let response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw loadError(`fetching ${url.href} failed (${cause && cause.message})`, cause);
  }
  if (!response.ok) {
    throw loadError(`fetching ${url.href} answered ${response.status}: the bundler did not emit the file there`);
  }
  return response;
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
    arg = { module_or_path: await fetchDefault() };
  } else if (isPlainObject(input)) {
    if ("module_or_path" in input) {
      arg = { module_or_path: input.module_or_path };
    } else if ("module" in input) {
      arg = { module_or_path: input.module };
    } else {
      throw new LoadError("init() takes { module_or_path }: a URL, a Request, a Response, the .wasm bytes or a WebAssembly.Module", "invalid_argument");
    }
  } else {
    arg = { module_or_path: input };
  }
  try {
    await initWasm(arg);
  } catch (cause) {
    if (cause instanceof LoadError) {
      throw cause;
    }
    throw loadError(`${cause && cause.message}`, cause);
  }
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
    throw new LoadError("initSync({ module }) needs `module`: a WebAssembly.Module or the bytes of amojo_kit_bg.wasm", "invalid_argument");
  }
  raw.initSync({ module });
  ready = true;
}

const api = createApi({
  raw: () => raw,
  ready: () => ready,
  init: initModule,
  initSync: initModuleSync,
  schemas: jsonSchemas,
});

export const { /* @API_NAMES@ */ } = api;
export default initModule;
