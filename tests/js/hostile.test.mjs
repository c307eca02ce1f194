// The JS boundary under attack: getters that throw, 50 MB strings, 10 000-deep nesting,
// lone surrogates, duplicate header names, and the work limits. Each gets a typed error or a
// correct answer, never `RuntimeError: unreachable`, and the module keeps working after.
import { test } from "node:test";
import assert from "node:assert/strict";
import { amojo } from "./helpers.mjs";

const CONNECT = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
const DATE = "Wed, 15 Dec 2021 23:12:55 +0000";
const SECRET = "hostile-test-secret-9f3b";

function stillWorks() {
  assert.equal(amojo.contentMd5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(amojo.validate("disconnect", { account_id: "a" }).valid, true);
}

function typedError(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, "expected an error");
  assert.ok(!(caught instanceof WebAssembly.RuntimeError), `a trap: ${caught}`);
  assert.ok(caught instanceof TypeError || caught.name === "AmojoValidationError", `${caught?.name}: ${caught?.message}`);
  if (code) assert.equal(caught.code, code);
  assert.ok(!String(caught.message).includes(SECRET), "the secret leaked into an error");
  stillWorks();
  return caught;
}

test("getters that throw", () => {
  const evil = {};
  Object.defineProperty(evil, "secret", { enumerable: true, get() { throw new Error("boom"); } });
  Object.defineProperty(evil, "method", { enumerable: true, value: "POST" });
  Object.defineProperty(evil, "path", { enumerable: true, value: CONNECT });
  let e;
  try {
    amojo.signRequest(evil);
  } catch (err) {
    e = err;
  }
  assert.ok(e && !(e instanceof WebAssembly.RuntimeError));
  stillWorks();
  const payload = { get account_id() { throw new Error("nope"); } };
  typedError(() => amojo.validate("disconnect", payload));
  stillWorks();
});

test("50 MB strings: refused by default before any copy, hashed correctly when allowed, validated within the size limit, fast", () => {
  const big = "x".repeat(50 * 1024 * 1024);
  const limit = { maxBodyBytes: 64 * 1024 * 1024 };
  for (const fn of [() => amojo.contentMd5(big), () => amojo.signWebhook(big, SECRET), () => amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: big })]) {
    assert.equal(typedError(fn, "body_too_large").limit, 1024 * 1024);
  }
  assert.equal(amojo.verifyWebhook({ body: big, signature: "0".repeat(40), secret: SECRET }).reason, "body_too_large");
  const md5 = amojo.contentMd5(big, limit);
  assert.match(md5, /^[0-9a-f]{32}$/);
  const t0 = performance.now();
  const r = amojo.validate("send_message", big);
  const ms = performance.now() - t0;
  assert.equal(r.valid, false);
  assert.deepEqual(r.errors.map((e) => e.code), ["too_large"]);
  assert.equal(r.errors[0].limit, 1024 * 1024);
  assert.ok(ms < 1000, `${ms} ms`);
  const sig = amojo.signWebhook(big, SECRET, limit);
  assert.equal(amojo.verifyWebhook({ body: big, signature: sig, secret: SECRET, ...limit }).ok, true);
  stillWorks();
});

test("10 MB of garbage and 10 000-deep nesting return well under a second with ≤ 100 issues", () => {
  const garbage = Buffer.alloc(10 * 1024 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;
  for (const [body, opts] of [
    [garbage, { maxBodyBytes: 16 * 1024 * 1024 }],
    [garbage, undefined],
    ["[".repeat(10000) + "]".repeat(10000), { maxBodyBytes: 1 << 24 }],
    [JSON.stringify({ payload: Object.fromEntries(Array.from({ length: 200000 }, (_, i) => [`k${i}`, i])) }), { maxBodyBytes: 1 << 24 }],
  ]) {
    const t0 = performance.now();
    const r = amojo.validate("send_message", body, opts);
    const ms = performance.now() - t0;
    assert.equal(r.valid, false);
    assert.ok(r.errors.length + r.warnings.length <= 100, `${r.errors.length + r.warnings.length} issues`);
    assert.ok(ms < 1000, `${ms} ms`);
  }
  const deep = amojo.validate("connect", "[".repeat(10000) + "]".repeat(10000), { maxBodyBytes: 1 << 20 });
  assert.deepEqual(deep.errors.map((e) => e.code), ["too_deep"]);
  assert.equal(deep.errors[0].limit, 32);
  const deepObj = amojo.validate("connect", "[".repeat(40) + "]".repeat(40), { maxDepth: 64 });
  assert.deepEqual(deepObj.errors.map((e) => e.code), ["type"]);
  typedError(() => amojo.validate("connect", {}, { maxDepth: 0 }), "invalid_argument");
  typedError(() => amojo.validate("connect", {}, { maxIssues: 1.5 }), "invalid_argument");
  const capped = amojo.validate("connect", { a: 1, b: 2, c: 3 }, { maxIssues: 2 });
  assert.equal(capped.truncated, true);
  assert.equal(capped.errors.length + capped.warnings.length, 2);
  assert.equal(capped.valid, false);
});

test("lone surrogates", () => {
  const lone = "\ud83d";
  // As bytes, TextEncoder turns a lone surrogate into U+FFFD, as every HTTP client sends it.
  assert.equal(amojo.contentMd5(lone), amojo.contentMd5("\ufffd"));
  const signed = amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: lone, date: DATE });
  assert.equal(signed.headers["Content-MD5"], amojo.contentMd5("\ufffd"));
  // In a payload, JSON.stringify writes it as the escape `\ud83d`, which is not Unicode
  // (PHP's json_decode rejects it): the validator says so, serializeBody throws typed.
  const r = amojo.validate("connect", { account_id: lone, title: "t", hook_api_version: "v2" });
  assert.equal(r.valid, false);
  assert.deepEqual(r.errors.map((e) => e.code), ["invalid_json"]);
  assert.match(r.errors[0].message, /lone UTF-16 surrogate/);
  const e = typedError(() => amojo.serializeBody({ a: "t\udc00" }, { style: "php" }), "invalid_json");
  assert.match(e.message, /lone UTF-16 surrogate/);
  // A proper pair is fine, and PHP style escapes it as a pair.
  assert.equal(amojo.serializeBody({ a: "😍" }, { style: "php" }), '{"a":"\\ud83d\\ude0d"}');
  stillWorks();
});

test("Uint8Array views with offsets hash only their own bytes", () => {
  const buf = new Uint8Array([0xff, 0x61, 0x62, 0x63, 0xff]);
  assert.equal(amojo.contentMd5(buf.subarray(1, 4)), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(amojo.contentMd5(new DataView(buf.buffer, 1, 3)), "900150983cd24fb0d6963f7d28e17f72");
});

test("duplicate header names are rejected, not merged silently", () => {
  const s = amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: "{}", date: DATE });
  const now = Date.parse(DATE);
  const flat = [];
  for (const [n, v] of Object.entries(s.headers)) flat.push(n, v);
  flat.push("date", "Wed, 15 Dec 2021 23:12:56 +0000");
  const r = amojo.verifyRequest({ secret: SECRET, method: "POST", path: CONNECT, headers: flat, body: "{}", now });
  assert.deepEqual([r.ok, r.reason], [false, "duplicate_header"]);
  // A fetch Headers object joins repeated values with ", ": the Date no longer parses.
  const h = new Headers(s.headers);
  h.append("Date", "Wed, 15 Dec 2021 23:12:56 +0000");
  const r2 = amojo.verifyRequest({ secret: SECRET, method: "POST", path: CONNECT, headers: h, body: "{}", now });
  assert.equal(r2.ok, false);
  const obj = { ...s.headers, "x-signature": [s.headers["X-Signature"], s.headers["X-Signature"]] };
  delete obj["X-Signature"];
  const r3 = amojo.verifyRequest({ secret: SECRET, method: "POST", path: CONNECT, headers: obj, body: "{}", now });
  assert.deepEqual([r3.ok, r3.reason], [false, "duplicate_header"]);
});

test("no output of any call contains the secret; verify never returns the expected signature", () => {
  const s = amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT, body: "{}", date: DATE });
  const now = Date.parse(DATE);
  const outputs = [];
  const good = { secret: SECRET, method: "POST", path: CONNECT, headers: s.headers, body: "{}", now };
  for (const body of ["{}", "{} ", "", "x"]) {
    for (const headers of [s.headers, { ...s.headers, "X-Signature": "0".repeat(40) }, {}, { ...s.headers, "Content-Type": "application/json; charset=utf-8" }]) {
      const input = { ...good, body, headers };
      const v = amojo.verifyRequest(input);
      assert.equal("expectedSignature" in v, false);
      if (!v.ok) assert.ok(!JSON.stringify(v).includes(s.headers["X-Signature"]) || headers["X-Signature"] === s.headers["X-Signature"]);
      outputs.push(v, amojo.diagnoseRequest(input), amojo.verifyWebhook({ body, signature: headers["X-Signature"] ?? null, secret: SECRET }));
    }
  }
  for (const bad of [{ ...good, secret: "" }, { ...good, now: NaN }, { ...good, method: 5 }, { ...good, headers: 7 }]) {
    try {
      outputs.push(amojo.verifyRequest(bad));
    } catch (e) {
      outputs.push(String(e), e.message, String(e.stack));
    }
  }
  const text = JSON.stringify(outputs);
  assert.ok(text.length > 1000);
  assert.ok(!text.includes(SECRET), "the secret appears in an output");
});
