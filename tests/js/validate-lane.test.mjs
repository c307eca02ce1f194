// validate(endpoint, string) writes the body into the wasm scratch and validates it with one
// call (src/wasm.rs rawValidateScratch), the report read back from the scratch; bytes and
// very long strings take the other exports. Whichever path it takes, the report must be the
// same, also when the report outgrows the scratch and when signRequest's lane shares it.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createHash, createHmac } from "node:crypto";
import { amojo, root, utf8 } from "./helpers.mjs";

const corpusDir = path.join(root, "tests", "corpus");

function cases() {
  const out = [];
  for (const f of fs.readdirSync(corpusDir).filter((n) => n.endsWith(".json")).sort()) {
    const stem = f.slice(0, -5);
    if (stem === "requests" || stem === "history") {
      continue;
    }
    for (const c of JSON.parse(fs.readFileSync(path.join(corpusDir, f), "utf8"))) {
      const text = typeof c.body_text === "string" ? c.body_text : JSON.stringify(c.body);
      out.push({ name: c.name, endpoint: stem, text });
    }
  }
  return out;
}

test("validate lane: every corpus body gives the report the bytes path gives, in both languages", () => {
  const all = cases();
  assert.ok(all.length > 300, `${all.length} cases`);
  for (const { name, endpoint, text } of all) {
    for (const lang of ["en", "ru"]) {
      const viaLane = amojo.validate(endpoint, text, { lang });
      const viaBytes = amojo.validate(endpoint, utf8(text), { lang });
      assert.deepEqual(viaLane, viaBytes, `${name} (${lang})`);
    }
  }
});

test("validate lane: a report larger than the scratch, limits, and a body too long for the lane", () => {
  // 3000 unknown fields: the capped report (100 warnings) is far larger than the body's room.
  const fields = {};
  for (let i = 0; i < 3000; i++) {
    fields[`unknown_field_${i}`] = i;
  }
  const text = JSON.stringify({ account_id: "acc", title: "t", hook_api_version: "v2", ...fields });
  for (const opts of [undefined, { maxIssues: 7 }, { lang: "ru", maxIssues: 1000 }, { maxBodyBytes: 100 }, { maxDepth: 1 }]) {
    const a = amojo.validate("connect", text, opts);
    const b = amojo.validate("connect", utf8(text), opts);
    assert.deepEqual(a, b, JSON.stringify(opts));
  }
  const capped = amojo.validate("connect", text);
  assert.equal(capped.warnings.length, 100);
  assert.equal(capped.errors.length, 0);
  assert.equal(capped.truncated, true);
  assert.equal(capped.valid, true);
  // Beyond the lane (over 1 MiB of scratch): the string export, same verdict.
  const long = JSON.stringify({ account_id: "acc", title: "x".repeat(400_000), hook_api_version: "v2" });
  assert.deepEqual(amojo.validate("connect", long, { maxBodyBytes: 2_000_000 }), amojo.validate("connect", utf8(long), { maxBodyBytes: 2_000_000 }));
  assert.equal(amojo.validate("connect", long).valid, true);
  assert.equal(amojo.validate("connect", long, { maxBodyBytes: 100_000 }).errors[0].code, "too_large");
});

test("validate lane: signRequest still signs right after validate() overwrote the scratch", () => {
  const secret = "lane-secret";
  const p = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7";
  const body = JSON.stringify({ event_type: "new_message", payload: { text: "Привет" } });
  const expect = (date) => {
    const md5 = createHash("md5").update(body).digest("hex");
    const d = new Date(date).toUTCString().replace("GMT", "+0000");
    return createHmac("sha1", secret).update(["POST", md5, "application/json", d, p].join("\n")).digest("hex");
  };
  for (let i = 0; i < 3; i++) {
    const date = 1639604903000 + i * 1000;
    assert.equal(amojo.signRequest({ secret, method: "POST", path: p, body, date }).headers["X-Signature"], expect(date));
    // A body that covers where signRequest keeps its secret, method and path.
    const r = amojo.validate("connect", JSON.stringify({ account_id: "acc", title: "Ш".repeat(200 + i), hook_api_version: "v2" }));
    assert.equal(r.valid, true);
    assert.equal(amojo.signRequest({ secret, method: "POST", path: p, body, date }).headers["X-Signature"], expect(date));
  }
});

test("validate lane: strings JSON cannot hold, and bad options, fail as before", () => {
  // A lone surrogate in the JS string itself becomes U+FFFD on the way in (as with fetch).
  const lone = amojo.validate("connect", `{"account_id":"acc","title":"a\ud83d","hook_api_version":"v2"}`);
  assert.equal(lone.valid, true);
  assert.equal(amojo.validate("connect", "").errors[0].code, "invalid_json");
  assert.equal(amojo.validate("connect", "{").errors[0].code, "invalid_json");
  assert.throws(() => amojo.validate("nope", "{}"), (e) => e.code === "unknown_endpoint");
  assert.throws(() => amojo.validate("connect", "{}", { lang: "de" }), (e) => e.code === "invalid_argument" || e.code === "invalid_lang");
  assert.throws(() => amojo.validate("connect", "{}", { maxIssues: 0 }), (e) => e.code === "invalid_argument");
});
