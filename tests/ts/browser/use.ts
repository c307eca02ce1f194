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
// The payload-typed API under bundler resolution (the browser entry's types).
import { buildRequest, parseWebhook, schemas, type NewMessage } from "amojo-kit";
declare const scopeId: string;
buildRequest({ secret: "s", path: `/v2/origin/custom/${scopeId}/typing`, payload: { conversation_id: "c", sender: { id: "u" } } });
// @ts-expect-error a picture without `media`
const picture: NewMessage = { type: "picture", file_name: "p.png", file_size: 1 };
const hook = parseWebhook({ body: new Uint8Array(), signature: "x", secret: "s" });
if (hook.endpoint === "webhook_message_v1") { const chat: string = hook.json.conversation_id; }
schemas.webhookTyping["~standard"].validate({});
