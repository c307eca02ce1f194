// Hostile input, round two (issue 13): each finding of the attack review as a test that
// failed before its fix (run against an older build: AMOJO_PKG=/path/to/pkg node --test
// tests/js/misuse.test.mjs). The memory findings are measured in a child process
// (tests/js/memory.test.mjs).
//
// 1. The misuse matrix: every exported function, a secret in every slot (the secret's own
//    slot with a wrong type too), in every form a program holds one, the function's secret
//    slot (if any) holding that same secret; no output (message, String(), util.inspect,
//    JSON of an error or a result) shows it.
import { test } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { amojo } from "./helpers.mjs";

const SECRET = "4b6a8e0c2f1d3a5b7c9e0f1a2b3c4d5e6f7a8b9c";
// A secret a config file turned into a number (all digits), as text and as the number.
const DIGITS = "8471902365".repeat(4);
const OTHER = "0f9e8d7c6b5a49382716f5e4d3c2b1a098765432";
const CONNECT = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
const NOW = 1639609975000;

// What must never show: the secret in any case, 12 characters of the all-digit one, and
// the digits of that number as JavaScript prints it.
const NEEDLES = [SECRET, DIGITS.slice(0, 12), String(Number(DIGITS)).replace(".", "").slice(0, 12), String(Number(DIGITS)).slice(0, 12)];
const FORMS = [
  ["string", SECRET],
  ["upper case", SECRET.toUpperCase()],
  ["Buffer", Buffer.from(SECRET)],
  ["Uint8Array", new TextEncoder().encode(SECRET)],
  ["array", [SECRET]],
  ["object", { secret: SECRET }],
  ["digits", DIGITS],
  ["number", Number(DIGITS)],
  ["BigInt", BigInt(DIGITS)],
];

function shown(value) {
  const parts = [];
  if (value instanceof Error) {
    parts.push(value.message, String(value), JSON.stringify(value) ?? "");
  } else {
    try {
      parts.push(JSON.stringify(value, (k, v) => (typeof v === "bigint" ? String(v) : v)) ?? "");
    } catch (_) {
      // circular: util.inspect below covers it
    }
  }
  parts.push(util.inspect(value, { depth: 8, showHidden: true }));
  return parts.join("\n").toLowerCase();
}

function assertHidden(label, value) {
  const text = shown(value);
  for (const needle of NEEDLES) {
    assert.ok(!text.includes(needle.toLowerCase()), `${label} shows the secret:\n${text.slice(0, 600)}`);
  }
}

async function outcome(fn) {
  try {
    return await fn();
  } catch (e) {
    return e;
  }
}

// A fake Node response that records what the middleware answered.
function fakeRes() {
  const res = { headersSent: false, statusCode: 200, headers: {}, sent: undefined };
  res.setHeader = (k, v) => { res.headers[k] = v; };
  res.end = (text) => { res.sent = text; res.headersSent = true; };
  return res;
}

async function middlewareOutcome(opts) {
  const mw = await outcome(() => amojo.webhookMiddleware(opts));
  if (typeof mw !== "function") {
    return mw;
  }
  const req = { headers: { "x-signature": "0".repeat(40) }, body: Buffer.from('{"time":1}') };
  const res = fakeRes();
  let nextArg;
  await mw(req, res, (e) => { nextArg = e; });
  return { answered: res.sent, status: res.statusCode, next: nextArg, amojo: req.amojo };
}

// The secret a program holds in this form (the all-digit one behind its number forms).
const secretOf = (form) => (["digits", "number", "BigInt"].includes(form) ? DIGITS : SECRET);

const request = () => new Request("https://integration.example/hook", { method: "POST", headers: { "X-Signature": "0".repeat(40) }, body: '{"time":1}' });
const signedGood = () => amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: "{}", date: NOW });

// Every exported function: its arguments as one object (keys are slots) or positional.
const OBJECT_CALLS = {
  signRequest: { secret: SECRET, method: "POST", path: CONNECT, body: "{}", date: NOW, contentType: "application/json", maxBodyBytes: 1024 },
  buildRequest: { secret: SECRET, method: "POST", path: CONNECT, payload: { account_id: "a" }, date: NOW, style: "php", baseUrl: "https://amojo.amocrm.ru", lang: "en", maxBodyBytes: 1024 },
  verifyRequest: { secret: SECRET, method: "POST", path: CONNECT, headers: {}, body: "{}", now: NOW, toleranceSeconds: 900, maxBodyBytes: 1024 },
  diagnoseRequest: { secret: SECRET, method: "POST", path: CONNECT, headers: {}, body: "{}", now: NOW, toleranceSeconds: 900, maxBodyBytes: 1024 },
  verifyWebhook: { secret: SECRET, body: '{"time":1}', signature: "0".repeat(40), maxBodyBytes: 1024, maxAgeSeconds: 300, now: NOW },
  validateRequest: { method: "POST", path: CONNECT, body: "{}" },
  curlCommand: { method: "POST", url: "https://amojo.amocrm.ru/x", maxBodyBytes: 1024 },
};
// Slots whose contract is to give their text back (a curl command's headers and body):
// not in the matrix, named here so that the list is deliberate.
const ECHO_SLOTS = new Set(["curlCommand.headers", "curlCommand.body", "serializeBody.0"]);
const POSITIONAL = {
  contentMd5: ["{}", { maxBodyBytes: 1024 }],
  formatDate: [NOW],
  serializeBody: [{ a: 1 }, { style: "php" }],
  signWebhook: ["{}", SECRET, { maxBodyBytes: 1024 }],
  validate: ["connect", { account_id: "a" }, { lang: "en" }],
  webhookEndpoint: ['{"time":1}', { maxBodyBytes: 1024 }],
  route: [CONNECT],
  parseHeaders: ["Date: x"],
  schema: ["connect"],
  schemaIndex: [],
  endpoints: [],
  verifyWebhookRequest: [null, SECRET, { maxAgeSeconds: 300 }],
};

test("the misuse matrix: a secret in any slot, in any form, shows in no output", async () => {
  let calls = 0;
  const headerSets = [
    ["headers", (h) => h],
    ...["Date", "Content-Type", "Content-MD5", "X-Signature"].map((name) => [`headers.${name}`, (v) => ({ ...signedGood().headers, [name]: v })]),
  ];
  for (const [fn, input] of Object.entries(OBJECT_CALLS)) {
    for (const key of ["", ...Object.keys(input)]) {
      if (ECHO_SLOTS.has(`${fn}.${key}`)) continue;
      for (const [form, value] of FORMS) {
        const own = "secret" in input ? { ...input, secret: secretOf(form) } : input;
        const args = key === "" ? value : { ...own, [key]: value };
        assertHidden(`${fn}.${key || "(argument)"} as ${form}`, await outcome(() => amojo[fn](args)));
        calls++;
      }
    }
    if ("headers" in input) {
      for (const [slot, make] of headerSets) {
        for (const [form, value] of FORMS) {
          assertHidden(`${fn}.${slot} as ${form}`, await outcome(() => amojo[fn]({ ...input, secret: secretOf(form), headers: make(value) })));
          calls++;
        }
      }
    }
  }
  for (const [fn, args] of Object.entries(POSITIONAL)) {
    for (let i = 0; i <= args.length; i++) {
      if (ECHO_SLOTS.has(`${fn}.${i}`)) continue;
      for (const [form, value] of FORMS) {
        const a = args.map((x) => (x === null ? request() : x));
        a[i] = value;
        assertHidden(`${fn}(#${i} as ${form})`, await outcome(() => amojo[fn](...a)));
        calls++;
      }
    }
  }
  for (const key of ["secret", "secrets", "validate", "limit", "maxAgeSeconds", "now"]) {
    for (const [form, value] of FORMS) {
      const opts = key === "secret" ? { secret: value } : { secret: SECRET, [key]: value };
      assertHidden(`webhookMiddleware.${key} as ${form}`, await middlewareOutcome(opts));
      calls++;
    }
  }
  assert.ok(calls > 800, `${calls} calls`);
});

test("finding 1, the review's own cases: string for array, a rotation mix-up, a number, `lang`", async () => {
  const cases = [
    () => amojo.webhookMiddleware({ secrets: SECRET }),
    () => amojo.verifyWebhookRequest(request(), OTHER, SECRET),
    () => amojo.verifyWebhookRequest(request(), [OTHER], SECRET),
    () => amojo.signRequest({ secret: Number(DIGITS), method: "POST", path: CONNECT }),
    () => amojo.signWebhook("{}", Number(DIGITS)),
    () => amojo.validate("connect", {}, { lang: SECRET }),
    () => amojo.buildRequest({ secret: SECRET, path: CONNECT, payload: {}, lang: SECRET }),
    () => amojo.validate(SECRET, {}),
    () => amojo.schema(SECRET),
    () => amojo.signRequest({ secret: SECRET, method: SECRET, path: CONNECT }),
    () => amojo.signRequest({ secret: OTHER, method: "POST", path: CONNECT, contentType: SECRET }),
    () => amojo.signRequest({ secret: SECRET, method: "POST", path: `/v2/origin/custom/${SECRET}/connect` }),
    () => amojo.curlCommand({ method: SECRET, url: "https://h/" }),
    () => amojo.curlCommand({ method: "POST", url: SECRET }),
  ];
  for (const [i, c] of cases.entries()) {
    const e = await outcome(c);
    assert.ok(e instanceof amojo.AmojoTypeError, `case ${i}: ${e}`);
    assertHidden(`case ${i}`, e);
  }
  // A diagnosis of a request that carries the secret says so, and shows `[secret]`.
  const d = amojo.diagnoseRequest({ secret: SECRET, method: "POST", path: CONNECT, headers: { ...signedGood().headers, "Content-Type": SECRET }, body: "{}", now: NOW });
  assertHidden("diagnosis", d);
  assert.equal(d.findings[0].code, "secret_in_request");
  assert.match(d.expectedCanonical, /\[secret\]/);
});

test("finding 3: a replayed hook is refused by its signed time (maxAgeSeconds)", async () => {
  const sent = 1639609975;
  const body = JSON.stringify({ account_id: "a", time: sent, action: { typing: { user: { id: "u" }, conversation: { id: "c" }, expired_at: sent + 5 } } });
  const signature = amojo.signWebhook(body, SECRET);
  const at = (seconds) => amojo.verifyWebhook({ secret: SECRET, body, signature, maxAgeSeconds: 300, now: seconds * 1000 });
  assert.deepEqual(at(sent + 300), { ok: true, secretIndex: 0 });
  const stale = at(sent + 301);
  assert.equal(stale.ok, false);
  assert.equal(stale.reason, "stale_hook");
  assert.equal(stale.age, 301);
  assert.equal(at(sent - 301).reason, "future_hook");
  // Without maxAgeSeconds the signature alone decides, as before.
  assert.equal(amojo.verifyWebhook({ secret: SECRET, body, signature }).ok, true);
  // The time is the signed one: a forged time breaks the signature.
  const forged = body.replace(String(sent), String(sent + 10_000));
  assert.equal(amojo.verifyWebhook({ secret: SECRET, body: forged, signature, maxAgeSeconds: 300, now: (sent + 10_000) * 1000 }).reason, "signature_mismatch");
  const req = (b, sig) => new Request("https://x/", { method: "POST", headers: { "X-Signature": sig }, body: b });
  const r = await amojo.verifyWebhookRequest(req(body, signature), SECRET, { maxAgeSeconds: 300 });
  assert.equal(r.reason, "stale_hook"); // sent in 2021
  assert.ok(r.age > 300 * 1000);
  const fresh = body.replace(String(sent), String(Math.floor(Date.now() / 1000)));
  const ok = await amojo.verifyWebhookRequest(req(fresh, amojo.signWebhook(fresh, SECRET)), SECRET, { maxAgeSeconds: 300 });
  assert.equal(ok.ok, true);
  const timeless = '{"account_id":"a"}';
  assert.equal(amojo.verifyWebhook({ secret: SECRET, body: timeless, signature: amojo.signWebhook(timeless, SECRET), maxAgeSeconds: 300 }).reason, "no_hook_time");
  // The middleware answers 401 with the reason.
  const mw = amojo.webhookMiddleware({ secret: SECRET, maxAgeSeconds: 300 });
  const res = fakeRes();
  let called = false;
  await mw({ headers: { "x-signature": signature }, body: Buffer.from(body) }, res, () => { called = true; });
  assert.equal(called, false);
  assert.equal(res.statusCode, 401);
  assert.equal(JSON.parse(res.sent).reason, "stale_hook");
  for (const bad of [-1, 1.5, "300", Infinity]) {
    await assert.rejects(async () => amojo.verifyWebhook({ secret: SECRET, body, signature, maxAgeSeconds: bad }), (e) => e.code === "invalid_time");
  }
});

test("finding 4: a view is read by the engine's own length, and calls cannot nest", () => {
  const bytes = new TextEncoder().encode("hello");
  const want = amojo.contentMd5("hello");
  let getterRan = 0;
  const lying = (n) => {
    const u8 = new Uint8Array(bytes);
    Object.defineProperty(u8, "length", {
      get() {
        getterRan++;
        // Re-entering the library from inside a call.
        amojo.signRequest({ secret: OTHER, method: "POST", path: CONNECT, body: "inner" });
        return n;
      },
    });
    return u8;
  };
  for (const n of [0, 1, 4 << 20]) {
    assert.equal(amojo.contentMd5(lying(n)), want, `length ${n}`);
    assert.equal(amojo.signWebhook(lying(n), SECRET), amojo.signWebhook("hello", SECRET));
    const outer = amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: lying(n), date: NOW });
    assert.deepEqual(outer, amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: "hello", date: NOW }));
    assert.equal(amojo.validate("connect", lying(n)).errors[0].code, "invalid_json");
  }
  assert.equal(getterRan, 0, "the lying getter was read");
  // byteLength and buffer lies too.
  const u8 = new Uint8Array(bytes);
  Object.defineProperty(u8, "byteLength", { get: () => 1e9 });
  Object.defineProperty(u8, "buffer", { get: () => new ArrayBuffer(1e6) });
  assert.equal(amojo.contentMd5(u8), want);
  // A forged tag is no buffer.
  const fake = { [Symbol.toStringTag]: "ArrayBuffer", byteLength: 5 };
  assert.throws(() => amojo.contentMd5(fake), (e) => e instanceof amojo.AmojoTypeError);
});

test("finding 5: toleranceSeconds is a whole number (a fraction turned the clock check off)", () => {
  const signed = signedGood();
  const input = { secret: SECRET, method: "POST", path: CONNECT, headers: signed.headers, body: "{}", now: NOW + 3600_000 };
  assert.equal(amojo.verifyRequest(input).reason, "stale_date");
  for (const t of [0.5, 0.999, -0.5, 1e300, NaN]) {
    assert.throws(() => amojo.verifyRequest({ ...input, toleranceSeconds: t }), (e) => e.code === "invalid_time", String(t));
  }
  assert.equal(amojo.verifyRequest({ ...input, toleranceSeconds: 0 }).ok, true); // 0: off, said so
});

test("finding 6: verifyRequest needs the body (an app that forgets it verifies nothing)", () => {
  const signed = amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: "", date: NOW });
  const input = { secret: SECRET, method: "POST", path: CONNECT, headers: signed.headers, now: NOW };
  for (const body of [undefined, null]) {
    assert.throws(() => amojo.verifyRequest({ ...input, body }), (e) => e.code === "missing_argument" && /`body` is required/.test(e.message));
    assert.throws(() => amojo.diagnoseRequest({ ...input, body }), (e) => e.code === "missing_argument");
    assert.throws(() => amojo.verifyWebhook({ secret: SECRET, signature: "0".repeat(40), body }), (e) => e.code === "missing_argument");
  }
  assert.deepEqual(amojo.verifyRequest({ ...input, body: "" }), { ok: true, secretIndex: 0 });
});

test("finding 7: detached buffers are a typed error; an empty secret is refused when the middleware is made", async () => {
  const buffer = new ArrayBuffer(16);
  const view = new Uint8Array(buffer, 4, 8);
  structuredClone(buffer, { transfer: [buffer] });
  for (const call of [() => amojo.contentMd5(view), () => amojo.contentMd5(buffer), () => amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: view }), () => amojo.validate("connect", view), () => amojo.signWebhook(view, SECRET), () => amojo.verifyWebhook({ secret: view, body: "{}", signature: null })]) {
    assert.throws(call, (e) => e instanceof amojo.AmojoTypeError && e.code === "detached_buffer", String(call));
  }
  assert.equal(amojo.contentMd5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  for (const opts of [{ secret: "" }, { secrets: [] }, { secrets: [SECRET, ""] }, { secret: new Uint8Array(0) }]) {
    assert.throws(() => amojo.webhookMiddleware(opts), (e) => e.code === "empty_secret", JSON.stringify(opts));
  }
});

test("finding 2 (without the process-wide measure): a body over maxBodyBytes is refused before it is copied", async () => {
  const limit = 1024;
  const big = "x".repeat(limit + 1);
  const refuse = (fn) => assert.throws(fn, (e) => e.code === "body_too_large" && e.limit === limit);
  refuse(() => amojo.contentMd5(big, { maxBodyBytes: limit }));
  refuse(() => amojo.signWebhook(big, SECRET, { maxBodyBytes: limit }));
  refuse(() => amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: big, maxBodyBytes: limit }));
  refuse(() => amojo.buildRequest({ secret: SECRET, path: CONNECT, payload: JSON.stringify({ account_id: big }), maxBodyBytes: limit }));
  refuse(() => amojo.curlCommand({ method: "POST", url: "https://h/", body: big, maxBodyBytes: limit }));
  refuse(() => amojo.webhookEndpoint(big, { maxBodyBytes: limit }));
  assert.equal(amojo.verifyWebhook({ secret: SECRET, body: big, signature: "0".repeat(40), maxBodyBytes: limit }).reason, "body_too_large");
  assert.equal(amojo.verifyRequest({ secret: SECRET, method: "POST", path: CONNECT, headers: {}, body: Buffer.from(big), maxBodyBytes: limit }).reason, "body_too_large");
  const report = amojo.validate("connect", new Uint8Array(limit + 1), { maxBodyBytes: limit });
  assert.deepEqual(report.errors.map((e) => [e.code, e.limit]), [["too_large", limit]]);
  assert.deepEqual(amojo.validate("connect", big, { maxBodyBytes: limit }), report);
  assert.equal(amojo.validateRequest({ method: "POST", path: CONNECT, body: big }, { maxBodyBytes: limit }).endpoint, "connect");
  // A declared length over the limit is refused before a byte is read; so is a stream
  // that goes past it (only the first chunks are read).
  let pulled = 0;
  const endless = new ReadableStream({ pull(c) { pulled++; c.enqueue(new Uint8Array(64 * 1024)); } });
  const r = await amojo.verifyWebhookRequest(new Request("https://x/", { method: "POST", body: endless, duplex: "half", headers: { "X-Signature": "0".repeat(40) } }), SECRET);
  assert.equal(r.reason, "body_too_large");
  assert.ok(pulled < 40, `${pulled} chunks pulled`);
  const declared = await amojo.verifyWebhookRequest(new Request("https://x/", { method: "POST", body: "{}", headers: { "Content-Length": String(1 << 30) } }), SECRET);
  assert.equal(declared.reason, "body_too_large");
});
