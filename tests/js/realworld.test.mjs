// Real-world bodies from public client libraries (tests/realworld/, sources in cases.json;
// SPEC §5) through the npm package, as bytes and as the parsed object: each `valid` case
// validates with no errors, each `invalid` case has an error. And the hook classification
// the package takes from the core.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { amojo, root, loadJson, readText, utf8 } from "./helpers.mjs";

const dir = path.join(root, "tests", "realworld");
const { cases } = loadJson("tests/realworld/cases.json");

test("there are real-world cases of every kind", () => {
  assert.ok(cases.length >= 30);
  for (const kind of ["valid", "invalid", "either"]) {
    assert.ok(cases.some((c) => c.expected === kind), kind);
  }
});

for (const c of cases) {
  test(`${c.file} (${c.endpoint}): ${c.expected}`, () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, c.file)));
    for (const [how, payload] of [["bytes", bytes], ["object", JSON.parse(new TextDecoder().decode(bytes))]]) {
      const r = amojo.validate(c.endpoint, payload);
      assert.equal(r.endpoint, c.endpoint);
      const errors = JSON.stringify(r.errors);
      if (c.expected === "valid") {
        assert.equal(r.valid, true, `${how}: ${c.source}: ${errors}`);
        assert.deepEqual(r.errors, [], how);
      } else if (c.expected === "invalid") {
        assert.equal(r.valid, false, `${how}: ${c.source}`);
        assert.ok(r.errors.length > 0, how);
      } else {
        assert.equal(typeof r.valid, "boolean");
      }
    }
  });
}

test("a real body signs as an independent HMAC did (amotop, GMT date)", () => {
  const v = loadJson("tests/realworld/signatures.json").vectors.find((x) => x.name === "amotop-gmt-date-logged-body");
  const body = readText(`tests/realworld/${v.body_file}`);
  const signed = amojo.signRequest({ secret: v.secret, method: v.method, path: v.path, body, date: v.date });
  assert.equal(signed.headers["Content-MD5"], v.reference_md5);
  assert.equal(signed.headers["X-Signature"], v.reference_signature);
});

// chat-webhooks.md examples (lines in tests/vectors/docs_bodies.json `source`).
const docs = loadJson("tests/vectors/docs_bodies.json");

test("webhookEndpoint: every documented hook by its envelope, from text, bytes and objects", () => {
  const hooks = docs.filter((d) => d.endpoint.startsWith("webhook_"));
  assert.ok(hooks.length >= 6);
  for (const d of hooks) {
    assert.equal(amojo.webhookEndpoint(d.body), d.endpoint, d.name);
    assert.equal(amojo.webhookEndpoint(JSON.stringify(d.body)), d.endpoint, d.name);
    assert.equal(amojo.webhookEndpoint(utf8(JSON.stringify(d.body))), d.endpoint, d.name);
    assert.equal(amojo.validate(d.endpoint, d.body).valid, true, d.name);
  }
  assert.ok(hooks.some((d) => d.endpoint === "webhook_message_v1"));
});

test("webhookEndpoint: what is not a hook is null", () => {
  for (const body of ["", "not json", "[]", "{}", '{"action":{}}', '{"action":{"other":1}}', '{"status_code":1}', "null", "5"]) {
    assert.equal(amojo.webhookEndpoint(body), null, body);
  }
  assert.equal(amojo.webhookEndpoint({ message: null }), "webhook_message");
  assert.equal(amojo.webhookEndpoint({ conversation_id: "c" }), "webhook_message_v1");
  assert.throws(() => amojo.webhookEndpoint(), { code: "missing_argument" });
});

test("verifyWebhook + validate: a signed v1 hook is recognised and validated", () => {
  const secret = "0123456789abcdef0123456789abcdef01234567";
  const v1 = docs.find((d) => d.endpoint === "webhook_message_v1");
  const body = JSON.stringify(v1.body);
  const signature = amojo.signWebhook(body, secret);
  const request = new Request("http://127.0.0.1/hook", { method: "POST", body, headers: { "X-Signature": signature } });
  return amojo.verifyWebhookRequest(request, secret, { validate: true }).then((r) => {
    assert.equal(r.ok, true, r.message);
    assert.equal(r.validation.endpoint, "webhook_message_v1");
    assert.equal(r.validation.valid, true);
  });
});
