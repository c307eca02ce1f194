// What the payload-typed API promises at run time: a valid report carries its body as
// `data`, buildRequest's `endpoint` must be the path's, the Standard Schema validators give
// the validator's verdict in the spec's shape, and an error message speaks one language.
import test from "node:test";
import assert from "node:assert/strict";
import { amojo, loadJson, utf8 } from "./helpers.mjs";

const docs = loadJson("tests/vectors/docs_bodies.json");
const CONNECT = { account_id: "52e591f7-c98f-4255-8495-827210138c81", hook_api_version: "v2", title: "t" };
const CONNECT_PATH = "/v2/origin/custom/f90ba33d-c9d9-4651-98c3-2fa1dcc6d1f4/connect";

test("validate: a valid report's data is the object given, or the JSON text or bytes parsed", () => {
  const fromObject = amojo.validate("connect", CONNECT);
  assert.equal(fromObject.valid, true);
  assert.equal(fromObject.data, CONNECT);
  const text = JSON.stringify(CONNECT);
  assert.deepEqual(amojo.validate("connect", text).data, CONNECT);
  const bytes = utf8(text);
  const fromBytes = amojo.validate("connect", bytes);
  bytes.fill(0x20); // the report kept its own copy
  assert.deepEqual(fromBytes.data, CONNECT);
  assert.equal(fromBytes.data, fromBytes.data, "parsed once");
  // Not a field of the report's JSON: the report stays what the core wrote.
  assert.deepEqual(Object.keys(fromObject), ["valid", "endpoint", "errors", "warnings", "truncated"]);
  assert.equal(JSON.stringify(fromObject).includes("account_id\":\"52e5"), false);
  // No data on an invalid report.
  const invalid = amojo.validate("connect", { account_id: 1 });
  assert.equal(invalid.valid, false);
  assert.equal("data" in invalid, false);
  // validateRequest too; none for a GET without body.
  const req = amojo.validateRequest({ method: "POST", path: CONNECT_PATH, body: text });
  assert.deepEqual(req.data, CONNECT);
  const get = amojo.validateRequest({ method: "GET", path: "/v2/origin/custom/s/chats/c/history?offset=0&limit=5" });
  assert.equal(get.valid, true);
  assert.equal(get.data, undefined);
  // Every docs body: data is what JSON.parse gives.
  for (const { endpoint, body } of docs) {
    const r = amojo.validate(endpoint, JSON.stringify(body));
    if (r.valid) {
      assert.deepEqual(r.data, body, endpoint);
    }
  }
});

test("buildRequest: `endpoint` types the payload and must be the one the path addresses", () => {
  const built = amojo.buildRequest({ secret: "s", endpoint: "connect", path: CONNECT_PATH, payload: CONNECT, date: 1639609975000 });
  assert.deepEqual(built, amojo.buildRequest({ secret: "s", path: CONNECT_PATH, payload: CONNECT, date: 1639609975000 }));
  const mismatch = (endpoint, path = CONNECT_PATH) => {
    try {
      amojo.buildRequest({ secret: "s", endpoint, path, payload: CONNECT });
    } catch (e) {
      assert.ok(e instanceof amojo.AmojoTypeError);
      return e;
    }
    assert.fail("accepted");
  };
  const e = mismatch("create_chat");
  assert.equal(e.code, "endpoint_mismatch");
  assert.equal(e.message, "`endpoint` is create_chat, but the path addresses connect");
  assert.equal(mismatch("connect", "/nowhere").message, "`endpoint` is connect, but the path addresses no endpoint");
  const typo = mismatch("conect");
  assert.equal(typo.code, "unknown_endpoint");
  assert.match(typo.message, /did you mean `connect`\?/);
  assert.equal(mismatch(7).code, "invalid_argument");
});

test("AmojoValidationError: the message in the language asked for, all of it", () => {
  const thrown = (lang) => {
    try {
      amojo.buildRequest({ secret: "s", path: CONNECT_PATH, payload: { title: 1 }, lang });
    } catch (e) {
      return e;
    }
    assert.fail("accepted");
  };
  const en = thrown("en");
  assert.match(en.message, /^the connect request is invalid: \/account_id: .* \(and 1 more\)$/);
  const ru = thrown("ru");
  assert.match(ru.message, /^запрос connect не пройдёт проверку: \/account_id: .* \(и ещё 1\)$/);
  assert.doesNotMatch(ru.message, /[a-z]{4,}(?<!account_id)(?<!connect) /, "English words in a Russian message");
  assert.deepEqual(ru.errors.map((i) => i.code), en.errors.map((i) => i.code));
});

test("schemas: a Standard Schema (v1) per endpoint, with the validator's verdict", async () => {
  const keys = Object.keys(amojo.schemas);
  assert.equal(keys.length, amojo.endpoints().length);
  assert.deepEqual(keys.slice(0, 4), ["connect", "disconnect", "createChat", "sendMessage"]);
  assert.ok(keys.includes("webhookMessageV1") && keys.includes("historyResponse"));
  for (const [i, key] of keys.entries()) {
    const std = amojo.schemas[key]["~standard"];
    assert.equal(std.version, 1);
    assert.equal(std.vendor, "amojo-kit");
    assert.equal(typeof std.validate, "function");
    // The endpoint behind the key: an empty object gets the same errors as validate().
    const r = std.validate({});
    const direct = amojo.validate(amojo.endpoints()[i], {});
    assert.equal("issues" in r, !direct.valid, key);
  }
  assert.ok(Object.isFrozen(amojo.schemas) && Object.isFrozen(amojo.schemas.connect["~standard"]));
  const std = amojo.schemas.sendMessage["~standard"];
  const send = docs.find((b) => b.endpoint === "send_message").body;
  assert.deepEqual(std.validate(send), { value: send });
  const broken = structuredClone(send);
  broken.payload.message.type = "txt";
  broken.payload.sender = { id: 5 };
  const { issues } = std.validate(broken);
  const report = amojo.validate("send_message", broken);
  assert.deepEqual(issues.map((i) => i.message), report.errors.map((e) => e.message));
  assert.deepEqual(report.errors.map((e) => e.path), ["/payload/sender/id", "/payload/sender/name", "/payload/message/type"]);
  assert.deepEqual(issues.map((i) => i.path), [["payload", "sender", "id"], ["payload", "sender", "name"], ["payload", "message", "type"]]);
  // Array indices as numbers; an issue about the whole value has no path.
  const hist = amojo.schemas.historyResponse["~standard"].validate({ messages: [5] });
  assert.deepEqual(hist.issues.map((i) => i.path), [["messages", 0]]);
  assert.deepEqual(amojo.schemas.connect["~standard"].validate([]).issues.map((i) => i.path), [undefined]);
  // Values that are not JSON: issues, never a throw.
  for (const value of [10n, undefined, () => 1, Symbol("x")]) {
    const out = std.validate(value);
    assert.equal(out.issues.length, 1);
    assert.match(out.issues[0].message, /cannot be written as JSON/);
  }
  const cycle = {};
  cycle.self = cycle;
  assert.match(std.validate(cycle).issues[0].message, /cycle/);
  // A string is a JSON string value here, not JSON text: not a send_message body.
  assert.ok(std.validate(JSON.stringify(send)).issues.length > 0);
});

test("messages: what was expected, in the words of the JS API", () => {
  assert.throws(
    () => amojo.signRequest({ secret: "s", method: "POST", path: "/x", body: "", date: "now" }),
    (e) => e.code === "invalid_date" && /^the date \(the `Date` header\) is not in the protocol's format, RFC 2822 like `Thu, 16 Dec 2021 00:12:55 \+0000`: /.test(e.message) && !/\bnow\b/.test(e.message),
  );
  const signed = amojo.signRequest({ secret: "sender-secret", method: "POST", path: "/x", body: "{}", date: 1639609975000 });
  const d = amojo.diagnoseRequest({ secret: "another-secret", method: "POST", path: "/x", headers: signed.headers, body: "{}", now: 1639609975000 });
  const finding = d.findings.find((f) => f.code === "no_variant_matches");
  assert.ok(finding, JSON.stringify(d.findings));
  assert.ok(!finding.message.includes("expected_canonical"), finding.message);
  assert.equal(typeof d.expectedCanonical, "string");
});
