// The docs' vectors and the RFC vectors through the JS API: the same results as the Rust
// tests (tests/signing_vectors.rs) give through the core.
import test from "node:test";
import assert from "node:assert/strict";
import { amojo, loadJson, hexBytes, utf8 } from "./helpers.mjs";

const requests = loadJson("tests/vectors/docs_requests.json");
const reproducible = requests.filter((v) => v.md5_reproducible);
const SECRET = "test-channel-secret";

test("there are reproducible docs vectors", () => {
  assert.ok(reproducible.length >= 8, `only ${reproducible.length} reproducible vectors`);
});

for (const v of reproducible) {
  test(`docs request ${v.name}: PHP serialization, Content-MD5, canonical string`, () => {
    const body = v.body === "" ? "" : amojo.serializeBody(JSON.parse(v.body), { style: "php" });
    assert.equal(body, v.php_json);
    if (v.body !== "") {
      // The printed text itself re-serializes to the same bytes.
      assert.equal(amojo.serializeBody(v.body, { style: "php" }), v.php_json);
    }
    assert.equal(amojo.contentMd5(body), v.content_md5);
    assert.equal(amojo.contentMd5(utf8(body)), v.content_md5);
    const signed = amojo.signRequest({ secret: SECRET, method: v.method, path: v.path, body, date: v.date });
    assert.equal(signed.canonical, v.canonical);
    assert.deepEqual(Object.keys(signed.headers), ["Date", "Content-Type", "Content-MD5", "X-Signature"]);
    assert.equal(signed.headers.Date, v.date);
    assert.equal(signed.headers["Content-Type"], v.content_type);
    assert.equal(signed.headers["Content-MD5"], v.content_md5);
    assert.match(signed.headers["X-Signature"], /^[0-9a-f]{40}$/);
    // A full URL signs its path only.
    const viaUrl = amojo.signRequest({ secret: SECRET, method: v.method, path: v.url, body, date: v.date });
    assert.equal(viaUrl.canonical, v.canonical);
    assert.deepEqual(viaUrl.headers, signed.headers);
    // The same date as milliseconds gives the same string (the docs' dates are canonical).
    const ms = Date.parse(v.date);
    if (new Date(ms).toUTCString().slice(0, 3) === v.date.slice(0, 3)) {
      assert.equal(amojo.formatDate(ms), v.date);
    }
  });

  test(`docs request ${v.name}: sign → verify, and every mutation rejected with its reason`, () => {
    const body = v.php_json;
    const now = Date.parse(v.date);
    assert.ok(Number.isFinite(now), `cannot parse ${v.date}`);
    const signed = amojo.signRequest({ secret: SECRET, method: v.method, path: v.path, body, date: v.date });
    const base = { secret: SECRET, method: v.method, path: v.path, headers: signed.headers, body, now };
    const verify = (change) => amojo.verifyRequest({ ...base, ...change });

    assert.deepEqual(verify({}), { ok: true, secretIndex: 0 });
    assert.deepEqual(verify({ body: utf8(body) }), { ok: true, secretIndex: 0 });
    assert.deepEqual(verify({ body: Buffer.from(body) }), { ok: true, secretIndex: 0 });
    assert.deepEqual(verify({ path: `${v.path}?x=1` }), { ok: true, secretIndex: 0 });
    assert.deepEqual(verify({ secret: undefined, secrets: ["old", SECRET] }), { ok: true, secretIndex: 1 });
    assert.deepEqual(verify({ now: now + 899000 }), { ok: true, secretIndex: 0 });

    const reason = (change) => {
      const out = verify(change);
      assert.equal(out.ok, false, `accepted: ${JSON.stringify(Object.keys(change))}`);
      assert.equal(typeof out.message, "string");
      return out.reason;
    };
    const h = signed.headers;
    const flip = (hex) => hex.slice(0, -1) + (hex.endsWith("0") ? "1" : "0");
    assert.equal(reason({ body: `${body}\n` }), "md5_mismatch");
    assert.equal(reason({ body: `${body} ` }), "md5_mismatch");
    assert.equal(reason({ method: v.method === "POST" ? "PUT" : "POST" }), "signature_mismatch");
    assert.equal(reason({ path: `${v.path}/` }), "signature_mismatch");
    assert.equal(reason({ secret: "other-secret" }), "signature_mismatch");
    assert.equal(reason({ headers: { ...h, "X-Signature": flip(h["X-Signature"]) } }), "signature_mismatch");
    assert.equal(reason({ headers: { ...h, "X-Signature": "xyz" } }), "malformed_signature");
    assert.equal(reason({ headers: { ...h, "Content-MD5": flip(h["Content-MD5"]) } }), "md5_mismatch");
    assert.equal(reason({ headers: { ...h, "Content-MD5": "not-hex" } }), "malformed_md5");
    assert.equal(reason({ headers: { ...h, "Content-Type": "application/json; charset=utf-8" } }), "signature_mismatch");
    assert.equal(reason({ headers: { ...h, Date: amojo.formatDate(now + 1000) }, now }), "signature_mismatch");
    const { Date: _date, ...noDate } = h;
    assert.equal(reason({ headers: noDate }), "missing_header");
    const { "X-Signature": _sig, ...noSig } = h;
    assert.equal(reason({ headers: noSig }), "missing_header");
    assert.equal(reason({ headers: { ...h, date: [h.Date, h.Date] } }), "duplicate_header");
    assert.equal(reason({ headers: { ...h, Date: "yesterday" } }), "bad_date");
    assert.equal(reason({ now: now + 901000 }), "stale_date");
    assert.equal(reason({ now: now - 901000 }), "future_date");
    assert.equal(reason({ secret: undefined, secrets: [] }), "no_secret");
    // tolerance 0 disables the clock check.
    assert.deepEqual(verify({ now: now + 86400000 * 365, toleranceSeconds: 0 }), { ok: true, secretIndex: 0 });
  });
}

test("diagnoseRequest names the component that differs", () => {
  const v = reproducible[0];
  const now = Date.parse(v.date);
  const signed = amojo.signRequest({ secret: SECRET, method: v.method, path: v.path, body: v.php_json, date: v.date });
  const good = amojo.diagnoseRequest({ secret: SECRET, method: v.method, path: v.path, headers: signed.headers, body: v.php_json, now });
  assert.equal(good.ok, true);
  assert.equal(good.expectedCanonical, v.canonical);
  assert.equal(good.expectedSignature, signed.headers["X-Signature"]);
  assert.equal(good.bodyMd5, v.content_md5);
  const pretty = JSON.stringify(JSON.parse(v.php_json), null, 2);
  const bad = amojo.diagnoseRequest({ secret: SECRET, method: v.method, path: v.path, headers: signed.headers, body: pretty, now });
  assert.equal(bad.ok, false);
  assert.equal(bad.reason, "md5_mismatch");
  assert.ok(bad.findings.some((f) => f.component === "content_md5" && f.code === "body_md5_mismatch"), JSON.stringify(bad.findings));
});

test("RFC 1321 MD5 test suite through contentMd5 (string and bytes)", () => {
  const vectors = loadJson("tests/vectors/rfc1321_md5.json");
  assert.equal(vectors.length, 7);
  for (const v of vectors) {
    assert.equal(amojo.contentMd5(v.input), v.md5, v.name);
    assert.equal(amojo.contentMd5(utf8(v.input)), v.md5, v.name);
  }
});

test("RFC 2202 HMAC-SHA1 test cases through signWebhook and verifyWebhook", () => {
  const vectors = loadJson("tests/vectors/rfc2202_hmac_sha1.json");
  assert.equal(vectors.length, 7);
  for (const v of vectors) {
    const key = hexBytes(v.key_hex);
    const data = hexBytes(v.data_hex);
    assert.equal(amojo.signWebhook(data, key), v.digest, v.name);
    assert.deepEqual(amojo.verifyWebhook({ body: data, signature: v.digest, secret: key }), { ok: true, secretIndex: 0 }, v.name);
    assert.equal(amojo.signWebhook(data.buffer, key.buffer), v.digest, `${v.name} (ArrayBuffer)`);
  }
});

test("docs bodies are valid, and serialize to the docs' PHP bytes", () => {
  const bodies = loadJson("tests/vectors/docs_bodies.json");
  assert.ok(bodies.length >= 20);
  for (const b of bodies) {
    const report = amojo.validate(b.endpoint, b.body);
    assert.equal(report.valid, true, `${b.name}: ${JSON.stringify(report.errors)}`);
    assert.equal(report.endpoint, b.endpoint);
    assert.equal(amojo.serializeBody(b.body, { style: "php" }), b.php_json, b.name);
    assert.equal(amojo.validate(b.endpoint, b.php_json).valid, true, b.name);
    if (b.path) {
      const r = amojo.validateRequest({ method: b.method, path: b.path, body: b.php_json });
      assert.equal(r.valid, true, `${b.name}: ${JSON.stringify(r.errors)}`);
      assert.equal(r.endpoint, b.endpoint);
    }
  }
});
