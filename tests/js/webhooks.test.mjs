// Receiving webhooks: verifyWebhookRequest with a real fetch Request, and the
// Express/Connect middleware with fake req/res objects (no express dependency):
// express.raw() is simulated by a Buffer in req.body, express.json() by a parsed object,
// and no body parser by a readable stream.
import test from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { amojo, loadJson, utf8 } from "./helpers.mjs";

const SECRET = "hook-secret";
const hook = loadJson("tests/vectors/docs_bodies.json").find((b) => b.endpoint === "webhook_message");
const BODY = JSON.stringify(hook.body, null, 2); // as amoCRM might send it: any bytes
const SIG = amojo.signWebhook(BODY, SECRET);

function request(body = BODY, headers = { "X-Signature": SIG, "Content-Type": "application/json" }) {
  return new Request("https://integration.example/amojo/hook", { method: "POST", headers, body });
}

test("verifyWebhookRequest: a signed hook", async () => {
  const out = await amojo.verifyWebhookRequest(request(), SECRET);
  assert.equal(out.ok, true);
  assert.equal(out.secretIndex, 0);
  assert.ok(out.body instanceof Uint8Array);
  assert.deepEqual(Buffer.from(out.body), Buffer.from(BODY));
  assert.deepEqual(out.json, hook.body);
  assert.equal(out.validation, undefined);
  const rotated = await amojo.verifyWebhookRequest(request(), ["old-secret", utf8(SECRET)]);
  assert.equal(rotated.ok, true);
  assert.equal(rotated.secretIndex, 1);
  const validated = await amojo.verifyWebhookRequest(request(), SECRET, { validate: true });
  assert.equal(validated.ok, true);
  assert.equal(validated.validation.valid, true);
  assert.equal(validated.validation.endpoint, "webhook_message");
});

test("verifyWebhookRequest: rejections keep the raw body and parse nothing", async () => {
  const bad = await amojo.verifyWebhookRequest(request(`${BODY}\n`), SECRET);
  assert.equal(bad.ok, false);
  assert.equal(bad.reason, "signature_mismatch");
  assert.equal(bad.status, 401);
  assert.equal(typeof bad.message, "string");
  assert.equal(bad.json, undefined);
  assert.equal(bad.body.length, utf8(BODY).length + 1);
  assert.equal((await amojo.verifyWebhookRequest(request(BODY, {}), SECRET)).reason, "missing_header");
  assert.equal((await amojo.verifyWebhookRequest(request(BODY, { "X-Signature": SIG.toUpperCase() }), SECRET)).reason, "malformed_signature");
  assert.equal((await amojo.verifyWebhookRequest(request(), "wrong")).reason, "signature_mismatch");
  const notJson = "{not json";
  const nj = await amojo.verifyWebhookRequest(request(notJson, { "X-Signature": amojo.signWebhook(notJson, SECRET) }), SECRET);
  assert.equal(nj.ok, false);
  assert.equal(nj.reason, "invalid_json");
  assert.equal(nj.status, 400);
  assert.equal(nj.json, undefined);
  const big = await amojo.verifyWebhookRequest(request(), SECRET, { maxBodyBytes: 10 });
  assert.deepEqual([big.reason, big.status, big.limit], ["body_too_large", 413, 10]);
  const odd = '{"foo":1}';
  const inv = await amojo.verifyWebhookRequest(request(odd, { "X-Signature": amojo.signWebhook(odd, SECRET) }), SECRET, { validate: true });
  assert.equal(inv.ok, false);
  assert.equal(inv.reason, "invalid_body");
  const broken = JSON.stringify({ ...hook.body, message: { ...hook.body.message, sender: 5 } });
  const inv2 = await amojo.verifyWebhookRequest(request(broken, { "X-Signature": amojo.signWebhook(broken, SECRET) }), SECRET, { validate: true });
  assert.equal(inv2.reason, "invalid_body");
  assert.equal(inv2.validation.valid, false);
  assert.match(inv2.message, /\/message\/sender/);
});

test("verifyWebhookRequest: argument errors", async () => {
  const used = request();
  await used.text();
  await assert.rejects(amojo.verifyWebhookRequest(used, SECRET), (e) => e.code === "body_already_read" && /already read/.test(e.message));
  await assert.rejects(amojo.verifyWebhookRequest({}, SECRET), (e) => e instanceof TypeError && /`request` must be a fetch API Request/.test(e.message));
  await assert.rejects(amojo.verifyWebhookRequest(request()), (e) => e instanceof TypeError && /`secrets` is required/.test(e.message));
  await assert.rejects(amojo.verifyWebhookRequest(request(), 5), (e) => e instanceof TypeError && /`secrets` must be/.test(e.message));
  await assert.rejects(amojo.verifyWebhookRequest(request(), SECRET, { validat: true }), /unknown option `validat`/);
  await assert.rejects(amojo.verifyWebhookRequest(request(), SECRET, { validate: "yes" }), /`validate` must be a boolean/);
});

// ---- the middleware ---------------------------------------------------------------------

function fakeRes() {
  return {
    statusCode: 200,
    headers: {},
    headersSent: false,
    text: undefined,
    setHeader(name, value) {
      this.headers[name.toLowerCase()] = value;
    },
    end(text) {
      this.text = text;
      this.headersSent = true;
    },
    get json() {
      return JSON.parse(this.text);
    },
  };
}

async function run(mw, req) {
  const res = fakeRes();
  const calls = [];
  await mw(req, res, (...args) => calls.push(args));
  return { res, calls, req };
}

function streamReq(chunks, headers = { "x-signature": SIG }) {
  const req = Readable.from(chunks, { objectMode: false });
  req.headers = headers;
  return req;
}

test("webhookMiddleware after express.raw(): req.body is a Buffer", async () => {
  const mw = amojo.webhookMiddleware({ secret: SECRET });
  const { res, calls, req } = await run(mw, { headers: { "x-signature": SIG }, body: Buffer.from(BODY) });
  assert.deepEqual(calls, [[]]);
  assert.equal(res.text, undefined);
  assert.deepEqual(req.amojo.json, hook.body);
  assert.equal(req.amojo.secretIndex, 0);
  assert.deepEqual(Buffer.from(req.amojo.body), Buffer.from(BODY));
  // Rotation and validation.
  const mw2 = amojo.webhookMiddleware({ secrets: ["old", SECRET], validate: true });
  const r2 = await run(mw2, { headers: { "X-Signature": SIG }, body: Buffer.from(BODY) });
  assert.deepEqual(r2.calls, [[]]);
  assert.equal(r2.req.amojo.secretIndex, 1);
  assert.equal(r2.req.amojo.validation.valid, true);
  // express.text(): a string body.
  const r3 = await run(mw, { headers: { "x-signature": SIG }, body: BODY });
  assert.deepEqual(r3.calls, [[]]);
});

test("webhookMiddleware rejects bad hooks with 401/400 and a JSON reason", async () => {
  const mw = amojo.webhookMiddleware({ secret: SECRET });
  const bad = await run(mw, { headers: { "x-signature": SIG }, body: Buffer.from(`${BODY} `) });
  assert.deepEqual(bad.calls, []);
  assert.equal(bad.res.statusCode, 401);
  assert.match(bad.res.headers["content-type"], /^application\/json/);
  assert.equal(bad.res.json.ok, false);
  assert.equal(bad.res.json.reason, "signature_mismatch");
  assert.equal(typeof bad.res.json.message, "string");
  assert.equal(bad.req.amojo, undefined);
  const missing = await run(mw, { headers: {}, body: Buffer.from(BODY) });
  assert.equal(missing.res.statusCode, 401);
  assert.equal(missing.res.json.reason, "missing_header");
  const text = "not json";
  const nj = await run(mw, { headers: { "x-signature": amojo.signWebhook(text, SECRET) }, body: Buffer.from(text) });
  assert.equal(nj.res.statusCode, 400);
  assert.equal(nj.res.json.reason, "invalid_json");
  const strict = amojo.webhookMiddleware({ secret: SECRET, validate: true });
  const odd = '{"account_id":"x"}';
  const inv = await run(strict, { headers: { "x-signature": amojo.signWebhook(odd, SECRET) }, body: Buffer.from(odd) });
  assert.equal(inv.res.statusCode, 400);
  assert.equal(inv.res.json.reason, "invalid_body");
});

test("webhookMiddleware after express.json(): fails loudly about the parsed body", async () => {
  const mw = amojo.webhookMiddleware({ secret: SECRET });
  const parsed = await run(mw, { headers: { "x-signature": SIG }, body: JSON.parse(BODY), _body: true });
  assert.equal(parsed.calls.length, 1);
  const [err] = parsed.calls[0];
  assert.ok(err instanceof TypeError);
  assert.equal(err.code, "body_already_parsed");
  assert.match(err.message, /already parsed/);
  assert.match(err.message, /express\.raw\(\{ type: "\*\/\*" \}\)/);
  assert.match(err.message, /raw bytes/);
  assert.equal(parsed.res.text, undefined);
  // Even an empty parsed object, when a parser says it parsed it.
  const empty = await run(mw, { headers: { "x-signature": SIG }, body: {}, _body: true, readableEnded: true });
  assert.equal(empty.calls[0][0].code, "body_already_parsed");
});

test("webhookMiddleware without a body parser reads the stream itself", async () => {
  const mw = amojo.webhookMiddleware({ secret: SECRET });
  const bytes = Buffer.from(BODY);
  const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 100), bytes.subarray(100)];
  const ok = await run(mw, streamReq(chunks));
  assert.deepEqual(ok.calls, [[]]);
  assert.deepEqual(ok.req.amojo.json, hook.body);
  assert.deepEqual(Buffer.from(ok.req.amojo.body), bytes);
  // express.json() that skipped a non-JSON content type leaves `{}` and the stream unread.
  const placeholder = streamReq(chunks);
  placeholder.body = {};
  const r2 = await run(mw, placeholder);
  assert.deepEqual(r2.calls, [[]]);
  // Too large for the limit: 413.
  const small = amojo.webhookMiddleware({ secret: SECRET, limit: 100 });
  const big = await run(small, streamReq(chunks));
  assert.equal(big.res.statusCode, 413);
  assert.equal(big.res.json.reason, "body_too_large");
  assert.deepEqual(big.calls, []);
  // A stream something else already consumed.
  const consumed = streamReq([bytes]);
  for await (const _ of consumed) {
    // drain
  }
  const r3 = await run(mw, consumed);
  assert.equal(r3.calls[0][0].code, "body_already_read");
  // A stream that fails.
  const failing = new Readable({
    read() {
      this.destroy(new Error("socket hang up"));
    },
  });
  failing.headers = { "x-signature": SIG };
  const r4 = await run(mw, failing);
  assert.match(String(r4.calls[0][0] && r4.calls[0][0].message), /socket hang up/);
});

test("webhookMiddleware options are checked when it is created", () => {
  assert.throws(() => amojo.webhookMiddleware(), /must be an object/);
  assert.throws(() => amojo.webhookMiddleware({}), /needs `secret`/);
  assert.throws(() => amojo.webhookMiddleware({ secret: 5 }), /`secret` must be/);
  assert.throws(() => amojo.webhookMiddleware({ secret: "s", validate: 1 }), /`validate` must be a boolean/);
  assert.throws(() => amojo.webhookMiddleware({ secret: "s", limit: -1 }), /`limit`/);
  assert.throws(() => amojo.webhookMiddleware({ secret: "s", raw: true }), /unknown option `raw`/);
  const mw = amojo.webhookMiddleware({ secret: "s" });
  assert.throws(() => mw({}, fakeRes()), /call it as a middleware/);
});

test("parseWebhook: raw body and X-Signature in, the hook's JSON and which hook out", () => {
  const parsed = amojo.parseWebhook({ body: Buffer.from(BODY), signature: SIG, secret: SECRET });
  assert.deepEqual(Object.keys(parsed).sort(), ["endpoint", "json", "secretIndex", "time"]);
  assert.equal(parsed.endpoint, "webhook_message");
  assert.deepEqual(parsed.json, hook.body);
  assert.equal(parsed.secretIndex, 0);
  assert.equal(parsed.time, hook.body.time);
  // A string body, rotation, validation in Russian.
  const rotated = amojo.parseWebhook({ body: BODY, signature: [SIG], secrets: ["old-secret", SECRET], validate: true, lang: "ru" });
  assert.equal(rotated.secretIndex, 1);
  assert.equal(rotated.validation.valid, true);
  // The same verdict as verifyWebhook for each of the receiver's refusals, thrown with the
  // status to answer.
  const refused = (input) => {
    try {
      amojo.parseWebhook({ secret: SECRET, ...input });
    } catch (e) {
      assert.ok(e instanceof amojo.AmojoWebhookError, `${e && e.stack}`);
      assert.equal(e.name, "AmojoWebhookError");
      return e;
    }
    assert.fail(`accepted: ${JSON.stringify(input).slice(0, 80)}`);
  };
  const cases = [
    [{ body: BODY, signature: undefined }, "missing_header", 401],
    [{ body: BODY, signature: "zz" }, "malformed_signature", 401],
    [{ body: `${BODY} `, signature: SIG }, "signature_mismatch", 401],
    [{ body: "{", signature: amojo.signWebhook("{", SECRET) }, "invalid_json", 400],
    [{ body: "[]", signature: amojo.signWebhook("[]", SECRET), validate: true }, "invalid_body", 400],
    [{ body: BODY, signature: SIG, maxAgeSeconds: 60, now: (hook.body.time + 61) * 1000 }, "stale_hook", 401],
    [{ body: BODY, signature: SIG, maxAgeSeconds: 60, now: (hook.body.time - 61) * 1000 }, "future_hook", 401],
    [{ body: BODY, signature: SIG, maxBodyBytes: 10 }, "body_too_large", 413],
  ];
  for (const [input, code, status] of cases) {
    const e = refused(input);
    assert.equal(e.code, code, JSON.stringify(input).slice(0, 60));
    assert.equal(e.status, status, code);
    // verifyWebhook checks no JSON: it agrees on the rest.
    if (!["invalid_json", "invalid_body"].includes(code)) {
      const verdict = amojo.verifyWebhook({ secret: SECRET, ...input });
      assert.equal(verdict.reason, code, `verifyWebhook agrees on ${code}`);
    }
  }
  assert.equal(refused(cases[5][0]).age, 61);
  assert.equal(refused(cases[7][0]).limit, 10);
  // A signed body that breaks the hook's rules, with validate: the report comes along.
  const broken = JSON.stringify({ ...hook.body, account_id: 42 });
  const invalid = refused({ body: broken, signature: amojo.signWebhook(broken, SECRET), validate: true });
  assert.equal(invalid.code, "invalid_body");
  assert.equal(invalid.status, 400);
  assert.equal(invalid.validation.valid, false);
  assert.equal(invalid.validation.errors[0].path, "/account_id");
  // Without validate the same body parses.
  assert.equal(amojo.parseWebhook({ secret: SECRET, body: broken, signature: amojo.signWebhook(broken, SECRET) }).endpoint, "webhook_message");
  // No message repeats the body or the secret.
  for (const [input] of cases) {
    const e = refused(input);
    assert.ok(!e.message.includes(SECRET) && !e.message.includes("conversation"), e.message);
  }
  // Misuse is an argument error, not a refused hook.
  assert.throws(() => amojo.parseWebhook({ body: BODY, secret: SECRET }), (e) => e.code === "missing_argument");
  assert.throws(() => amojo.parseWebhook({ body: BODY, signature: SIG, secret: "" }), (e) => e.code === "empty_secret");
  assert.throws(() => amojo.parseWebhook({ body: JSON.parse(BODY), signature: SIG, secret: SECRET }), (e) => e.code === "body_already_parsed");
  assert.throws(() => amojo.parseWebhook({ body: BODY, signature: SIG, secret: SECRET, valdate: true }), (e) => e.code === "unknown_option" && /validate/.test(e.message));
});

test("webhookMiddleware: req.rawBody first, a handler that sees req.amojo, endpoint and time", async () => {
  const seen = [];
  const mw = amojo.webhookMiddleware({ secret: SECRET }, (req, res) => {
    seen.push(req.amojo);
    res.end("done");
  });
  // NestJS with rawBody: true: the parsed body beside the raw one.
  const { res, calls, req } = await run(mw, { headers: { "x-signature": SIG }, body: JSON.parse(BODY), rawBody: Buffer.from(BODY) });
  assert.deepEqual(calls, []);
  assert.equal(res.text, "done");
  assert.equal(seen.length, 1);
  assert.equal(req.amojo.endpoint, "webhook_message");
  assert.equal(req.amojo.time, hook.body.time);
  assert.deepEqual(req.amojo.json, hook.body);
  // A rawBody that is not the signed bytes is refused, whatever the parsed body says.
  const forged = await run(mw, { headers: { "x-signature": SIG }, body: JSON.parse(BODY), rawBody: `${BODY} ` });
  assert.equal(forged.res.statusCode, 401);
  assert.equal(seen.length, 1);
  // A handler that throws (or rejects) goes to next(err).
  const boom = new Error("boom");
  const failing = amojo.webhookMiddleware({ secret: SECRET }, async () => {
    throw boom;
  });
  const r = await run(failing, { headers: { "x-signature": SIG }, body: Buffer.from(BODY) });
  assert.deepEqual(r.calls, [[boom]]);
  assert.throws(() => amojo.webhookMiddleware({ secret: SECRET }, "handler"), (e) => e.code === "invalid_argument");
  // The 400 reply names the problem, not the bytes received.
  const junk = '{"conversation_secret":"a1b2c3d4e5", oops}';
  const bad = await run(amojo.webhookMiddleware({ secret: SECRET }), { headers: { "x-signature": amojo.signWebhook(junk, SECRET) }, body: Buffer.from(junk) });
  assert.equal(bad.res.statusCode, 400);
  assert.equal(bad.res.json.reason, "invalid_json");
  assert.ok(!bad.res.text.includes("a1b2c3d4e5") && !bad.res.text.includes("oops"), bad.res.text);
  // The parsed-body message is framework-neutral: it names rawBody and parseWebhook.
  const parsed = await run(amojo.webhookMiddleware({ secret: SECRET }), { headers: { "x-signature": SIG }, body: JSON.parse(BODY), _body: true });
  assert.match(parsed.calls[0][0].message, /req\.rawBody/);
  assert.match(parsed.calls[0][0].message, /parseWebhook\(\)/);
});
