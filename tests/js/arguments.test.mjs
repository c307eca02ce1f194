// Bad arguments from JS: a TypeError (AmojoTypeError with a code) whose message names the
// argument, never a WebAssembly RuntimeError; and the module keeps working afterwards.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { amojo, glue, pkgDir, require } from "./helpers.mjs";

const { AmojoTypeError, AmojoValidationError } = amojo;
const DATE = "Wed, 15 Dec 2021 23:12:55 +0000";
const CONNECT = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
const good = { secret: "s", method: "POST", path: CONNECT, body: "{}", date: DATE };
const expectedSignature = amojo.signRequest(good).headers["X-Signature"];

function stillWorks() {
  assert.equal(amojo.contentMd5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(amojo.signRequest(good).headers["X-Signature"], expectedSignature);
  assert.equal(amojo.validate("connect", { account_id: "a", title: "t", hook_api_version: "v2" }).valid, true);
}

function rejects(fn, pattern, code) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, `no error for ${fn}`);
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `RuntimeError: ${error}`);
  assert.ok(error instanceof TypeError, `not a TypeError: ${error && error.stack}`);
  assert.ok(error instanceof AmojoTypeError, `not an AmojoTypeError: ${error}`);
  assert.equal(error.name, "AmojoTypeError");
  assert.equal(typeof error.code, "string");
  if (code) {
    assert.equal(error.code, code, error.message);
  }
  assert.match(error.message, pattern);
  stillWorks();
  return error;
}

test("contentMd5 / formatDate", () => {
  rejects(() => amojo.contentMd5(), /`body` is required/, "missing_argument");
  rejects(() => amojo.contentMd5(undefined), /`body` is required/);
  rejects(() => amojo.contentMd5(null), /`body` must be a string or a Uint8Array.*got null/);
  rejects(() => amojo.contentMd5(42), /`body` must be .*got the number 42/);
  rejects(() => amojo.contentMd5(Symbol("x")), /`body` must be .*got a Symbol/);
  rejects(() => amojo.contentMd5({}), /`body` must be .*got an object/);
  rejects(() => amojo.contentMd5([1, 2]), /`body` must be .*got an array/);
  rejects(() => amojo.formatDate(NaN), /`at` must be a finite number/, "invalid_date");
  rejects(() => amojo.formatDate(Infinity), /`at` must be a finite number/, "invalid_date");
  rejects(() => amojo.formatDate(new Date("nope")), /`at` is an invalid Date/, "invalid_date");
  rejects(() => amojo.formatDate(1639609975), /looks like unix seconds.*1639609975000/, "invalid_date");
  rejects(() => amojo.formatDate(-5), /before 1970/, "invalid_date");
  rejects(() => amojo.formatDate(DATE), /`at` must be a Date or a number of milliseconds/);
  rejects(() => amojo.formatDate(null), /`at` must be a Date/);
  assert.match(rejects(() => amojo.formatDate(1e20), /after the year 9999|outside the supported range|finite/).code, /^invalid_(date|time)$/);
  assert.equal(amojo.formatDate(1639609975000), DATE);
  assert.equal(amojo.formatDate(new Date(1639609975999)), DATE);
  assert.match(amojo.formatDate(), /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/);
});

test("serializeBody: cyclic, BigInt, Symbol, function, NaN, Map, bad JSON text, options", () => {
  const cyclic = { a: { b: {} } };
  cyclic.a.b.back = cyclic;
  rejects(() => amojo.serializeBody(cyclic), /`payload` has a circular reference/, "invalid_payload");
  rejects(() => amojo.serializeBody({ payload: { msec_timestamp: 1639660529379n } }), /`payload` at `\/payload\/msec_timestamp` is a BigInt/, "invalid_payload");
  rejects(() => amojo.serializeBody({ a: [1, 2n] }), /at `\/a\/1` is a BigInt/);
  rejects(() => amojo.serializeBody({ a: Symbol("s") }), /at `\/a` is a Symbol/);
  rejects(() => amojo.serializeBody({ a: () => 1 }), /at `\/a` is a function/);
  rejects(() => amojo.serializeBody({ "a/b": NaN }), /at `\/a~1b` is NaN/);
  rejects(() => amojo.serializeBody({ a: new Map([["x", 1]]) }), /is a Map/);
  rejects(() => amojo.serializeBody({ toJSON() { throw new Error("boom"); } }), /cannot be written as JSON: boom/);
  rejects(() => amojo.serializeBody(), /`payload` must be an object/);
  rejects(() => amojo.serializeBody(null), /`payload` must be an object.*got null/);
  rejects(() => amojo.serializeBody(12), /`payload` must be an object.*got the number 12/);
  rejects(() => amojo.serializeBody(Symbol("p")), /`payload` must be an object.*got a Symbol/);
  rejects(() => amojo.serializeBody(1n), /`payload` must be an object.*BigInt/);
  const bad = rejects(() => amojo.serializeBody('{"a": 1,}'), /not JSON/, "invalid_json");
  assert.equal(bad.line, 1);
  assert.equal(typeof bad.column, "number");
  rejects(() => amojo.serializeBody({}, { style: "pretty" }), /`style` must be one of "compact", "php"/, "invalid_style");
  rejects(() => amojo.serializeBody({}, { style: 1 }), /`style` must be one of/);
  rejects(() => amojo.serializeBody({}, { stlye: "php" }), /unknown option `stlye`.*did you mean `style`/, "unknown_option");
  rejects(() => amojo.serializeBody({}, "php"), /`options` must be an object/);
  rejects(() => amojo.serializeBody({}, null), /`options` must be an object/);
  // What JSON.stringify does silently and is fine: undefined members are left out, Dates
  // use toJSON.
  assert.equal(amojo.serializeBody({ a: undefined, b: new Date(0) }), '{"b":"1970-01-01T00:00:00.000Z"}');
  assert.equal(amojo.serializeBody({ s: "é/😍" }, { style: "php" }), '{"s":"\\u00e9\\/\\ud83d\\ude0d"}');
  // Deep nesting is an error, not a crash.
  let deep = {};
  for (let i = 0; i < 200; i++) {
    deep = { d: deep };
  }
  rejects(() => amojo.serializeBody(deep), /recursion limit|not JSON/, "invalid_json");
  rejects(() => amojo.serializeBody("[".repeat(100000)), /not JSON/, "invalid_json");
});

test("signRequest: missing fields, wrong types, NaN date, unknown options", () => {
  const sign = (change) => () => amojo.signRequest({ ...good, ...change });
  rejects(() => amojo.signRequest(), /`signRequest\(\.\.\.\)` must be an object, got undefined/);
  rejects(() => amojo.signRequest(null), /must be an object, got null/);
  rejects(() => amojo.signRequest("POST"), /must be an object/);
  rejects(sign({ secret: undefined }), /`secret` is required/, "missing_argument");
  rejects(sign({ secret: null }), /`secret` must be a string or a Uint8Array/);
  rejects(sign({ secret: 12345 }), /`secret` must be .*the number 12345/);
  rejects(sign({ secret: "" }), /secret is empty/, "empty_secret");
  rejects(sign({ secret: new Uint8Array(0) }), /secret is empty/, "empty_secret");
  rejects(sign({ method: undefined }), /`method` is required/, "missing_argument");
  rejects(sign({ method: null }), /`method` must be a string, got null/);
  rejects(sign({ method: 1 }), /`method` must be a string, got the number 1/);
  rejects(sign({ method: Symbol("m") }), /`method` must be a string, got a Symbol/);
  rejects(sign({ method: "PO ST" }), /HTTP method/, "invalid_method");
  rejects(sign({ method: "" }), /HTTP method/, "invalid_method");
  rejects(sign({ path: undefined }), /`path` is required/);
  rejects(sign({ path: 42 }), /`path` must be a string, got the number 42/);
  rejects(sign({ path: "no-slash" }), /path must start with/, "invalid_path");
  rejects(sign({ path: "/a b" }), /path/, "invalid_path");
  rejects(sign({ body: 5 }), /`body` must be .*the number 5/);
  rejects(sign({ body: { a: 1 } }), /sign the exact bytes you send; serialize the payload with serializeBody/);
  rejects(sign({ body: [1, 2] }), /`body`/);
  rejects(sign({ date: NaN }), /`date` must be a finite number/, "invalid_date");
  rejects(sign({ date: new Date(NaN) }), /`date` is an invalid Date/, "invalid_date");
  rejects(sign({ date: null }), /`date` must be a Date or a number/);
  rejects(sign({ date: 1639609975 }), /looks like unix seconds/);
  rejects(sign({ date: "not a date" }), /Date/, "invalid_date");
  rejects(sign({ date: "Wed, 15 Dec 2021 23:12:55 +0000\r\nX-Evil: 1" }), /control character|Date/);
  rejects(sign({ contentType: 1 }), /`contentType` must be a string/);
  rejects(sign({ contentType: "application/json\n" }), /control character/, "invalid_header_value");
  rejects(sign({ content_type: "application/json" }), /unknown option `content_type`.*did you mean `contentType`/, "unknown_option");
  rejects(sign({ secrets: ["s"] }), /unknown option `secrets`/);
  rejects(sign({ headers: {} }), /unknown option `headers`/);
  // undefined optional fields are the same as absent ones; null body is an empty body.
  assert.deepEqual(amojo.signRequest({ ...good, body: undefined, contentType: undefined }), amojo.signRequest({ secret: "s", method: "POST", path: CONNECT, date: DATE }));
  assert.equal(amojo.signRequest({ ...good, body: null }).headers["Content-MD5"], "d41d8cd98f00b204e9800998ecf8427e");
});

test("validate / validateRequest: unknown endpoint, lang, payload types", () => {
  rejects(() => amojo.validate("nope", {}), /^unknown endpoint; expected one of connect/, "unknown_endpoint");
  rejects(() => amojo.validate("send_mesage", {}), /^unknown endpoint \(did you mean `send_message`\?\); expected one of connect/, "unknown_endpoint");
  rejects(() => amojo.validate(undefined, {}), /`endpoint` is required/);
  rejects(() => amojo.validate(5, {}), /`endpoint` must be a string, got the number 5/);
  rejects(() => amojo.validate("connect"), /`payload` is required/);
  rejects(() => amojo.validate("connect", null), /`payload` must be an object.*null/);
  rejects(() => amojo.validate("connect", 5), /`payload` must be an object/);
  rejects(() => amojo.validate("connect", { a: 1n }), /BigInt/);
  rejects(() => amojo.validate("connect", {}, { lang: "de" }), /`lang` must be one of "en", "ru"/, "invalid_lang");
  rejects(() => amojo.validate("connect", {}, { language: "ru" }), /unknown option `language`/);
  rejects(() => amojo.validateRequest(), /must be an object/);
  rejects(() => amojo.validateRequest({ method: "POST" }), /`path` is required/);
  rejects(() => amojo.validateRequest({ path: CONNECT }), /`method` is required/);
  rejects(() => amojo.validateRequest({ method: "POST", path: CONNECT, body: 7 }), /`body` must be an object/);
  rejects(() => amojo.validateRequest({ method: "POST", path: CONNECT, lang: "ru" }), /unknown option `lang`/);
  // Invalid JSON text is a validation result, not an exception.
  const r = amojo.validate("connect", "{oops");
  assert.equal(r.valid, false);
  assert.equal(r.errors[0].code, "invalid_json");
  const ru = amojo.validate("connect", {}, { lang: "ru" });
  assert.equal(ru.valid, false);
  assert.match(ru.errors[0].message, /[а-я]/);
  assert.deepEqual(amojo.validateRequest({ method: "POST", path: "/nowhere" }).errors.map((e) => e.code), ["unknown_route"]);
});

test("verifyRequest / diagnoseRequest: secrets, headers, now, tolerance", () => {
  const signed = amojo.signRequest(good);
  const base = { secret: "s", method: "POST", path: CONNECT, headers: signed.headers, body: "{}", now: 1639609975000 };
  const verify = (change) => () => amojo.verifyRequest({ ...base, ...change });
  assert.deepEqual(amojo.verifyRequest(base), { ok: true, secretIndex: 0 });
  rejects(verify({ secret: undefined }), /needs `secret` \(or `secrets`/, "missing_argument");
  rejects(verify({ secrets: ["s"] }), /either `secret` or `secrets`/);
  rejects(verify({ secret: undefined, secrets: "s" }), /`secrets` must be an array/);
  rejects(verify({ secret: undefined, secrets: ["s", 5] }), /`secrets\[1\]` must be/);
  rejects(verify({ secret: ["a", "b"] }), /pass several secrets as `secrets`/);
  rejects(verify({ method: undefined }), /`method` is required/);
  rejects(verify({ path: null }), /`path` must be a string, got null/);
  rejects(verify({ headers: undefined }), /`headers` is required/);
  rejects(verify({ headers: "Date: x" }), /`headers` must be a plain object/);
  rejects(verify({ headers: { Date: { x: 1 } } }), /header `Date` must be a string/);
  rejects(verify({ headers: ["Date"] }), /odd length/);
  rejects(verify({ headers: [["Date"]] }), /\[name, value\] pairs/);
  rejects(verify({ body: { parsed: true } }), /already parsed.*express\.raw/s, "body_already_parsed");
  rejects(verify({ body: 12 }), /`body` must be a string or a Uint8Array/);
  rejects(verify({ now: NaN }), /`now` must be a finite number/);
  rejects(verify({ now: 1639609975 }), /looks like unix seconds/);
  rejects(verify({ now: "now" }), /`now` must be a Date or a number/);
  rejects(verify({ toleranceSeconds: -1 }), /`toleranceSeconds` must be a whole number of seconds ≥ 0/, "invalid_time");
  // A fraction rounded to 0, which turned the clock check off.
  rejects(verify({ toleranceSeconds: 0.5 }), /`toleranceSeconds` must be a whole number/, "invalid_time");
  rejects(verify({ toleranceSeconds: "900" }), /`toleranceSeconds`/);
  rejects(verify({ toleranceSeconds: Infinity }), /`toleranceSeconds`/);
  rejects(verify({ tolerance: 5 }), /unknown option `tolerance`.*`toleranceSeconds`/);
  rejects(() => amojo.diagnoseRequest({ ...base, body: { a: 1 } }), /already parsed/);
  rejects(() => amojo.diagnoseRequest(undefined), /must be an object/);
});

test("webhooks: signWebhook / verifyWebhook arguments", () => {
  rejects(() => amojo.signWebhook(), /`body` is required/);
  rejects(() => amojo.signWebhook("{}"), /`secret` is required/);
  rejects(() => amojo.signWebhook("{}", ""), /secret is empty/, "empty_secret");
  rejects(() => amojo.signWebhook({}, "s"), /`body` must be the raw hook body/);
  rejects(() => amojo.signWebhook("{}", 5), /`secret` must be/);
  rejects(() => amojo.verifyWebhook({ body: "{}", signature: "x" }), /needs `secret`/);
  rejects(() => amojo.verifyWebhook({ secret: "s", signature: "x" }), /`body` is required/);
  rejects(() => amojo.verifyWebhook({ secret: "s", body: "{}" }), /`signature` is required/);
  rejects(() => amojo.verifyWebhook({ secret: "s", body: { a: 1 }, signature: "x" }), /already parsed/);
  rejects(() => amojo.verifyWebhook({ secret: "s", body: "{}", signature: 5 }), /`signature` must be a string/);
  rejects(() => amojo.verifyWebhook({ secret: "s", body: "{}", signature: "x", sig: 1 }), /unknown option `sig`/);
  // An absent header is a rejection, not an exception.
  assert.deepEqual(amojo.verifyWebhook({ secret: "s", body: "{}", signature: undefined }).reason, "missing_header");
  assert.deepEqual(amojo.verifyWebhook({ secret: "s", body: "{}", signature: null }).reason, "missing_header");
  assert.deepEqual(amojo.verifyWebhook({ secret: "s", body: "{}", signature: "zz" }).reason, "malformed_signature");
  assert.deepEqual(amojo.verifyWebhook({ secrets: [], body: "{}", signature: "zz" }).reason, "no_secret");
});

test("buildRequest arguments and validation errors", () => {
  const build = (change) => () => amojo.buildRequest({ secret: "s", path: CONNECT, payload: { account_id: "a", title: "t", hook_api_version: "v2" }, ...change });
  rejects(build({ secret: undefined }), /`secret` is required/);
  rejects(build({ path: 1 }), /`path` must be a string/);
  rejects(build({ payload: null }), /`payload` must be an object/);
  rejects(build({ payload: { a: 1n } }), /BigInt/);
  rejects(build({ style: "pretty" }), /`style` must be one of/);
  rejects(build({ baseUrl: "ftp://x" }), /`baseUrl` must be an http\(s\) URL/);
  rejects(build({ baseUrl: "https://x/?q" }), /`baseUrl`/);
  rejects(build({ date: NaN }), /`date`/);
  rejects(build({ body: "{}" }), /unknown option `body`/);
  rejects(build({ method: 5 }), /`method` must be a string/);
  let error;
  try {
    build({ payload: { title: 1 } })();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AmojoValidationError);
  assert.equal(error.name, "AmojoValidationError");
  assert.equal(error.code, "invalid_request");
  assert.equal(error.endpoint, "connect");
  assert.deepEqual(error.errors.map((e) => `${e.path} ${e.code}`).sort(), ["/account_id required", "/title type"]);
  assert.deepEqual(error.warnings.map((e) => e.code), ["recommended"]);
  assert.match(error.message, /connect request is invalid: \/account_id: missing required field/);
  assert.throws(build({ path: "/nowhere" }), (e) => e instanceof AmojoValidationError && e.endpoint === null && e.errors[0].code === "unknown_route");
  assert.throws(build({ method: "GET" }), (e) => e instanceof AmojoValidationError && e.errors.some((x) => x.code === "method_not_allowed"));
  stillWorks();
});

test("every function survives every kind of bad value in every position", async () => {
  const weird = [undefined, null, 0, -1, NaN, Infinity, "", "x", true, Symbol("s"), 10n, {}, [], [1], () => 1,
    new Date(NaN), new Map(), Object.create(null), new Uint16Array([1, 2]), new ArrayBuffer(3), "\u0000", "\ud800", "é"];
  const objectCalls = {
    signRequest: { ...good },
    buildRequest: { secret: "s", path: CONNECT, payload: {} },
    verifyRequest: { secret: "s", method: "POST", path: CONNECT, headers: {}, body: "", now: 1639609975000 },
    diagnoseRequest: { secret: "s", method: "POST", path: CONNECT, headers: {}, body: "", now: 1639609975000 },
    verifyWebhook: { secret: "s", body: "{}", signature: "0".repeat(40) },
    validateRequest: { method: "POST", path: CONNECT, body: "{}" },
    webhookMiddleware: { secret: "s" },
  };
  const check = (label, fn) => {
    try {
      const out = fn();
      if (out && typeof out.then === "function") {
        return out.then(() => stillWorks(), (e) => check(label, () => { throw e; }));
      }
    } catch (e) {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `${label}: RuntimeError`);
      assert.ok(e instanceof AmojoTypeError || e instanceof AmojoValidationError, `${label}: ${e && e.stack}`);
      assert.equal(typeof e.code, "string", label);
      assert.ok(e.message.length > 10, label);
    }
    stillWorks();
    return undefined;
  };
  let runs = 0;
  for (const [name, input] of Object.entries(objectCalls)) {
    for (const key of Object.keys(input)) {
      for (const w of weird) {
        await check(`${name}.${key}=${String(typeof w)}`, () => amojo[name]({ ...input, [key]: w }));
        runs++;
      }
    }
  }
  const positional = {
    contentMd5: ["x"],
    formatDate: [1639609975000],
    serializeBody: [{}, { style: "php" }],
    signWebhook: ["{}", "s"],
    validate: ["connect", {}, { lang: "en" }],
    verifyWebhookRequest: [new Request("http://x/", { method: "POST", body: "{}" }), "s"],
    endpoints: [],
  };
  for (const [name, args] of Object.entries(positional)) {
    for (let i = 0; i < args.length; i++) {
      for (const w of weird) {
        const a = args.slice();
        a[i] = w;
        await check(`${name}[${i}]`, () => amojo[name](...a));
        runs++;
      }
    }
  }
  assert.ok(runs > 300, `${runs} runs`);
});

test("a fault inside the core becomes an `internal` error, and the Node entry reloads the module", () => {
  // Simulated with the real entry: make the loaded glue trap once.
  const loaded = glue();
  const original = loaded.rawMd5;
  loaded.rawMd5 = () => {
    throw new WebAssembly.RuntimeError("unreachable");
  };
  let error;
  try {
    amojo.contentMd5("abc");
  } catch (e) {
    error = e;
  } finally {
    loaded.rawMd5 = original;
  }
  assert.ok(error instanceof Error);
  assert.ok(!(error instanceof WebAssembly.RuntimeError));
  assert.equal(error.code, "internal");
  assert.equal(error.name, "AmojoInternalError");
  assert.match(error.message, /internal fault in the WebAssembly core.*reloaded/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError);
  assert.notEqual(glue(), loaded, "the module was not reloaded");
  stillWorks();
});
