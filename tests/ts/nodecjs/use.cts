import amojo = require("amojo-kit");
const s = amojo.signRequest({ secret: "s", method: "POST", path: "/x" });
const x: string = s.canonical;
amojo.webhookMiddleware({ secrets: ["a"], limit: 10 });
const schemaId: string = amojo.schema("connect").$id;
const indexed: string | null = amojo.schemaIndex().schemas.history.path;
// The payload-typed API under CommonJS resolution too.
const report = amojo.validate("connect", { account_id: "a1" });
if (report.valid) { const id: string = report.data.account_id; }
// @ts-expect-error account_id is a string
amojo.validate("connect", { account_id: 1 });
declare const scopeId: string;
// @ts-expect-error a misspelt event_type (the path's endpoint)
amojo.buildRequest({ secret: "s", path: `/v2/origin/custom/${scopeId}`, payload: { event_type: "new_mesage", payload: {} } });
try { amojo.parseWebhook({ body: "{}", signature: null, secret: "s" }); } catch (e) { if (e instanceof amojo.AmojoWebhookError) { const status: number = e.status; } }
const sendMessage: amojo.StandardSchemaV1<amojo.SendMessageRequest> = amojo.schemas.sendMessage;
