import init, { signRequest, buildRequest, verifyRequest, diagnoseRequest, verifyWebhook, verifyWebhookRequest, webhookMiddleware, validate, validateRequest, endpoints, schema, schemaIndex, version, contentMd5, formatDate, serializeBody, signWebhook, AmojoTypeError, AmojoValidationError, type Endpoint, type VerifyOutcome, type JsonSchema, type SchemaIndex } from "amojo-kit";
import express from "express";
import http from "node:http";
import connectSchema from "amojo-kit/schemas/connect.json" with { type: "json" };

await init();
const s = signRequest({ secret: "s", method: "POST", path: "/x", body: new Uint8Array(2), date: new Date() });
const h: string = s.headers["X-Signature"];
const b = buildRequest({ secret: Buffer.from("s"), path: "/v2/origin/custom/x/connect", payload: { account_id: "a1" }, style: "php" });
await fetch(b.url, b);
const o: VerifyOutcome = verifyRequest({ secrets: ["a", new Uint8Array(1)], method: "POST", path: "/", headers: new Headers(), body: Buffer.from("") });
if (!o.ok) { const r: string = o.reason; }
verifyRequest({ secret: "a", method: "POST", path: "/", headers: { "x-a": ["1", "2"] }, body: "" });
// @ts-expect-error: the body is required (an app that forgets it must not verify an empty one)
verifyRequest({ secret: "a", method: "POST", path: "/", headers: {} });
http.createServer((req) => { verifyRequest({ secret: "a", method: req.method!, path: req.url!, headers: req.headers, body: "" }); verifyRequest({ secret: "a", method: req.method!, path: req.url!, headers: req.rawHeaders, body: Buffer.alloc(0), maxBodyBytes: 4096 }); });
const d = diagnoseRequest({ secret: "s", method: "GET", path: "/", headers: {}, body: "", now: Date.now(), toleranceSeconds: 0 });
d.findings.forEach((f) => f.component);
verifyWebhook({ secret: "s", body: "{}", signature: null });
const w = verifyWebhook({ secret: "s", body: "{}", signature: null, maxAgeSeconds: 300, maxBodyBytes: 4096 });
if (!w.ok && (w.reason === "stale_hook" || w.reason === "future_hook")) { const age: number | undefined = w.age; }
webhookMiddleware({ secret: "s", maxAgeSeconds: 300, limit: 4096 });
contentMd5("x", { maxBodyBytes: 10 }); signWebhook("x", "y", { maxBodyBytes: 10 });
const rr = await verifyWebhookRequest(new Request("http://x"), ["a", "b"], { validate: true });
if (rr.ok) { rr.json; rr.secretIndex; }
const app = express();
app.post("/hook", express.raw({ type: "*/*" }), webhookMiddleware({ secret: "s" }), (req, res) => { res.json(req.amojo?.json); });
const v = validate("connect", { account_id: "a1" }, { lang: "ru" });
const e: Endpoint = v.endpoint;
validateRequest({ method: "GET", path: "/" }).endpoint;
const names: Endpoint[] = endpoints();
const ver: string = version;
contentMd5(new DataView(new ArrayBuffer(1)));
formatDate(); serializeBody({ a: 1 }, { style: "compact" }); signWebhook("x", "y");
try { } catch (err) { if (err instanceof AmojoTypeError) { const c: string = err.code; } if (err instanceof AmojoValidationError) { err.errors[0].path; } }
// @ts-expect-error unknown option
signRequest({ secret: "s", method: "POST", path: "/x", content_type: "x" });
// @ts-expect-error both secret and secrets
verifyRequest({ secret: "a", secrets: ["b"], method: "POST", path: "/", headers: {}, body: "" });
// @ts-expect-error wrong endpoint
validate("nope", {});
// @ts-expect-error number method
signRequest({ secret: "s", method: 1, path: "/x" });
const sm: JsonSchema<"send_message"> = schema("send_message");
const smId: "urn:amojo-kit:schema:send_message" = sm.$id;
const smEndpoint: "send_message" = sm["x-endpoint"];
const anySchema: JsonSchema = schema(e);
const t: string = anySchema.title + anySchema.description + connectSchema.$id;
const defs: unknown = sm.$defs?.NewPayload;
const idx: SchemaIndex = schemaIndex();
const file: "connect.json" = idx.schemas.connect.file;
const route: string | null = idx.schemas.webhook_message.method;
const rules: string[] = idx.inexpressible;
// @ts-expect-error unknown endpoint
schema("nope");
// @ts-expect-error the $id names the endpoint
const wrongId: "urn:amojo-kit:schema:connect" = schema("typing").$id;
