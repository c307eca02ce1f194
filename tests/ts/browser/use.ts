import init, { initSync, signRequest, validate, schema, type JsonSchema } from "amojo-kit";
await init();
await init({ module_or_path: new URL("x.wasm", import.meta.url) });
await init(fetch("x.wasm"));
initSync({ module: new WebAssembly.Module(new Uint8Array()) });
signRequest({ secret: "s", method: "POST", path: "/x" });
validate("typing", "{}");
const typingSchema: JsonSchema<"typing"> = schema("typing");
// @ts-expect-error initSync needs an argument in the browser
initSync();
