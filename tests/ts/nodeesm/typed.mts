// The payload-typed API (issue 12): each mistake of the issue's table fails to compile (one
// `@ts-expect-error` each: tsc fails when the line compiles), the correct programs compile.
import {
  buildRequest,
  validate,
  validateRequest,
  verifyWebhookRequest,
  parseWebhook,
  webhookMiddleware,
  schemas,
  AmojoWebhookError,
  type AmojoRequest,
  type EndpointPayloads,
  type NewMessage,
  type EditMessage,
  type PathEndpoint,
  type StandardSchemaV1,
  type WebhookMessage,
} from "amojo-kit";
import express from "express";

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function same<A, B>(_proof: Equal<A, B>): void {}

declare const scopeId: string;
declare const chatId: string;
declare const anyPath: string;
declare const received: unknown;
declare const secret: string;

const sender = { id: "u1", name: "Client" };
const newMessage = (message: NewMessage) => ({
  event_type: "new_message" as const,
  payload: { conversation_id: "c1", sender, msgid: "m1", timestamp: 1, msec_timestamp: 1000, message },
});

// ---- buildRequest: the payload is typed by the endpoint -------------------------------------

// The path's endpoint, from a literal or template literal path (or a full URL).
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}/chats`, payload: { conversation_id: "c1", user: sender } });
buildRequest({ secret, path: `https://amojo.amocrm.ru/v2/origin/custom/${scopeId}`, payload: newMessage({ type: "text", text: "hi" }) });
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}/chats/${chatId}/history?limit=5` });
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}/m1/delivery_status`, payload: { status_code: 2 } });
// JSON text is taken as-is.
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}`, payload: '{"event_type":"new_message"}' });
// An explicit endpoint, for a path whose type does not tell.
buildRequest({ secret, endpoint: "typing", path: anyPath, payload: { conversation_id: "c1", sender: { id: "u1" } } });
// A path whose type does not tell, without `endpoint`: any request's body.
buildRequest({ secret, path: anyPath, payload: { account_id: "a1" } });
same<PathEndpoint<`/v2/origin/custom/${string}/connect`>, "connect">(true);
same<PathEndpoint<`/v2/origin/custom/${string}/disconnect`>, "disconnect">(true);
same<PathEndpoint<`/v2/origin/custom/${string}/typing`>, "typing">(true);
same<PathEndpoint<"/v2/origin/custom/s/react">, "react">(true);
same<PathEndpoint<`http://localhost:8080/v2/origin/custom/${string}/chats`>, "create_chat">(true);
same<PathEndpoint<`${string}/v2/origin/custom/${string}/chats`>, "create_chat">(true);
same<PathEndpoint<"/v2/origin/custom/s/chats/c/history#top">, "history">(true);
// An empty parameter, an unknown route, a plain string: any request endpoint.
same<PathEndpoint<"/v2/origin/custom//connect">, EndpointPayloads extends never ? never : import("amojo-kit").RequestEndpoint>(true);
same<PathEndpoint<"/v3/x">, import("amojo-kit").RequestEndpoint>(true);
same<PathEndpoint<string>, import("amojo-kit").RequestEndpoint>(true);

const typo = { event_type: "new_mesage", payload: newMessage({ type: "text", text: "hi" }).payload } as const;
// @ts-expect-error the issue's mistake: a misspelt event_type (explicit endpoint)
buildRequest({ secret, endpoint: "send_message", path: anyPath, payload: { event_type: "new_mesage", payload: typo.payload } });
// @ts-expect-error the issue's mistake: a misspelt event_type (the path's endpoint)
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}`, payload: { event_type: "new_mesage", payload: typo.payload } });
// @ts-expect-error a misspelt event_type is no request's body (a path of unknown endpoint)
buildRequest({ secret, path: anyPath, payload: typo });
// @ts-expect-error the endpoint and the payload disagree
buildRequest({ secret, endpoint: "connect", path: anyPath, payload: { conversation_id: "c1", user: sender } });
// @ts-expect-error history is a GET: no payload (its query goes in the path)
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}/chats/${chatId}/history`, payload: { limit: 5 } });
// @ts-expect-error create_chat needs `user`
buildRequest({ secret, path: `/v2/origin/custom/${scopeId}/chats`, payload: { conversation_id: "c1" } });

// ---- message bodies, discriminated by `type` ------------------------------------------------

newMessage({ type: "text", text: "hi" });
newMessage({ type: "picture", media: "https://x/p.png", file_name: "p.png", file_size: 1 });
newMessage({ type: "voice", media: "https://x/v.ogg" });
newMessage({ type: "sticker", sticker_id: "s1" });
newMessage({ type: "sticker", media: "https://x/s.webp" });
newMessage({ type: "location", location: { lon: 1, lat: 2 } });
newMessage({ type: "contact", contact: { name: "A", phone: "+1" } });
// @ts-expect-error the issue's mistake: a text message without `text`
newMessage({ type: "text" });
// @ts-expect-error the issue's mistake: a picture without `media`
newMessage({ type: "picture", file_name: "p.png", file_size: 1 });
// @ts-expect-error a sticker needs `media` or `sticker_id`
newMessage({ type: "sticker" });
// @ts-expect-error a required field is not null
newMessage({ type: "text", text: null });
// On edit_message the file is unchanged when absent.
const edit: EditMessage = { type: "picture" };
// @ts-expect-error an edited text message needs its `text`
const badEdit: EditMessage = { type: "text" };
validate("send_message", { event_type: "edit_message", payload: { msgid: "m1", message: { type: "text", text: "new" } } });
// `type` narrows the message.
function caption(m: NewMessage): string {
  switch (m.type) {
    case "text":
      return m.text;
    case "picture":
      return m.file_name;
    default:
      return "";
  }
}

// ---- validate: typed input, typed `data` on success -----------------------------------------

// @ts-expect-error the issue's mistake: account_id is a string
validate("connect", { account_id: 1 });
// @ts-expect-error a misspelt field
validate("connect", { acount_id: "a1" });
// @ts-expect-error the issue's mistake, in a send_message body
validate("send_message", newMessage({ type: "text" }));
const report = validate("connect", { account_id: "a1", hook_api_version: "v2" });
if (report.valid) {
  const accountId: string = report.data.account_id;
} else {
  report.errors.map((i) => i.code);
}
// @ts-expect-error `data` is there only when the body is valid
report.data.account_id;
// Raw JSON text or bytes, and data not typed yet: a valid result types it.
const fromText = validate("typing", '{"conversation_id":"c","sender":{"id":"u"}}');
if (fromText.valid) {
  const conversation: string = fromText.data.conversation_id;
}
validate("typing", Buffer.from("{}"));
validate("typing", new Uint8Array(2));
const fromUnknown = validate("webhook_message", received);
if (fromUnknown.valid) {
  const chat: string | null | undefined = fromUnknown.data.message.conversation.id;
}
validate("connect", JSON.parse("{}"));
// A union of endpoints: narrow on `endpoint` too.
declare const hookName: "webhook_message" | "webhook_typing";
const either = validate(hookName, received);
if (either.valid && either.endpoint === "webhook_typing") {
  either.data.action.typing.conversation;
}

// validateRequest: the body is typed by a literal path's endpoint; raw bodies are as-is.
validateRequest({ method: "POST", path: `/v2/origin/custom/${scopeId}/typing`, body: { conversation_id: "c", sender: { id: "u" } } });
validateRequest({ method: "POST", path: anyPath, body: Buffer.from("{}") });
validateRequest({ method: "GET", path: `/v2/origin/custom/${scopeId}/chats/${chatId}/history` });
// A received request: narrow on `valid`, then on `endpoint`, for the typed body.
const request = validateRequest({ method: "POST", path: anyPath, body: received });
if (request.valid && request.endpoint === "send_message") {
  const event: "new_message" | "edit_message" = request.data.event_type;
} else if (request.valid && request.endpoint === "history") {
  const none: undefined = request.data;
}
const typing = validateRequest({ method: "POST", path: `/v2/origin/custom/${scopeId}/typing`, body: "{}" });
if (typing.valid) {
  const sender: string = typing.data.sender.id;
}
// @ts-expect-error a typing body without `sender`
validateRequest({ method: "POST", path: `/v2/origin/custom/${scopeId}/typing`, body: { conversation_id: "c" } });

// ---- hooks: the JSON typed by the hook it is -------------------------------------------------

const hook = await verifyWebhookRequest(new Request("http://x"), secret);
if (hook.ok) {
  const time: number | null = hook.time;
  // @ts-expect-error the issue's mistake: which hook the JSON is, is known only after narrowing on `endpoint`
  hook.json.message;
  if (hook.endpoint === "webhook_message") {
    const text: string | null | undefined = hook.json.message.message.text;
    const body: WebhookMessage = hook.json;
  } else if (hook.endpoint === "webhook_typing") {
    // @ts-expect-error a typing hook has no `message`
    hook.json.message;
    hook.json.action.typing.expired_at;
  } else if (hook.endpoint === null) {
    const json: unknown = hook.json;
  }
}

// parseWebhook: one call for any framework; throws AmojoWebhookError.
declare const rawBody: Uint8Array;
declare const signatureHeader: string | undefined;
try {
  const parsed = parseWebhook({ body: rawBody, signature: signatureHeader, secrets: ["new", "old"], maxAgeSeconds: 300 });
  const index: number = parsed.secretIndex;
  if (parsed.endpoint === "webhook_reaction") {
    const emoji: string | null | undefined = parsed.json.action.reaction.emoji;
  }
  // @ts-expect-error wrong field access before narrowing on `endpoint`
  parsed.json.action;
  // With `validate: true` the hook is a known one, checked against its rules.
  const checked = parseWebhook({ body: "{}", signature: "abc", secret, validate: true, lang: "ru" });
  const which: "webhook_message" | "webhook_typing" | "webhook_reaction" | "webhook_message_v1" = checked.endpoint;
  const verdict: true = checked.validation.valid;
} catch (err) {
  if (err instanceof AmojoWebhookError) {
    const status: 400 | 401 | 413 = err.status;
    if (err.code === "invalid_body") {
      err.validation?.errors;
    }
  }
}
// @ts-expect-error the signature is required (null when the header is absent)
parseWebhook({ body: "{}", secret });

// The middleware's handler: `req.amojo` is set, typed; Express's req and res stay Express's.
const app = express();
app.post(
  "/hook",
  express.raw({ type: "*/*" }),
  webhookMiddleware({ secret, validate: true }, (req, res) => {
    const json = req.amojo.json;
    if (req.amojo.endpoint === "webhook_message") {
      res.json({ chat: req.amojo.json.message.conversation.id, ip: req.ip });
    } else {
      res.sendStatus(204);
    }
  }),
);
app.post("/hook2", express.raw({ type: "*/*" }), webhookMiddleware({ secret }), (req, res) => {
  // @ts-expect-error without the handler, `req.amojo` may be absent (Express's own handler)
  req.amojo.json;
  res.json(req.amojo?.json);
});
function handle(req: AmojoRequest<express.Request>): unknown {
  return req.amojo.endpoint === "webhook_typing" ? req.amojo.json.action.typing : req.amojo.json;
}

// ---- Standard Schema ------------------------------------------------------------------------

const checked = schemas.sendMessage["~standard"].validate(received);
if (checked.issues === undefined) {
  const event: "new_message" | "edit_message" = checked.value.event_type;
} else {
  checked.issues.map((i) => i.message);
}
same<StandardSchemaV1.InferOutput<typeof schemas.connect>, EndpointPayloads["connect"]>(true);
same<StandardSchemaV1.InferInput<typeof schemas.webhookMessageV1>, EndpointPayloads["webhook_message_v1"]>(true);
const vendor: "amojo-kit" = schemas.createChatResponse["~standard"].vendor;
const asStandard: StandardSchemaV1<unknown, EndpointPayloads["typing"]> = schemas.typing;
// @ts-expect-error the keys are camelCase
schemas.send_message;
