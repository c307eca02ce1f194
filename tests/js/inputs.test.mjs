// Input shapes: headers as a plain object (any case), a fetch Headers, Node's req.headers
// (array values) and req.rawHeaders; bytes as Uint8Array views with offsets, Buffers,
// ArrayBuffers, DataViews and other typed arrays.
import test from "node:test";
import assert from "node:assert/strict";
import { amojo, utf8 } from "./helpers.mjs";

const DATE = "Wed, 15 Dec 2021 23:12:55 +0000";
const NOW = 1639609975000;
const PATH = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
const BODY = '{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}';
const signed = amojo.signRequest({ secret: "s", method: "POST", path: PATH, body: BODY, date: DATE });
const h = signed.headers;
const verify = (headers, extra) => amojo.verifyRequest({ secret: "s", method: "POST", path: PATH, headers, body: BODY, now: NOW, ...extra });
const OK = { ok: true, secretIndex: 0 };

test("headers as a plain object in any case", () => {
  assert.deepEqual(verify(h), OK);
  assert.deepEqual(verify({ date: h.Date, "CONTENT-TYPE": h["Content-Type"], "content-md5": h["Content-MD5"], "x-SiGnAtUrE": h["X-Signature"] }), OK);
  assert.deepEqual(verify({ ...h, Host: "amojo.amocrm.ru", "Content-Length": 103, "X-Unset": undefined }), OK);
  const nullProto = Object.assign(Object.create(null), h);
  assert.deepEqual(verify(nullProto), OK);
});

test("headers as a fetch Headers, a Map, entries", () => {
  assert.deepEqual(verify(new Headers(h)), OK);
  assert.deepEqual(verify(new Map(Object.entries(h))), OK);
  assert.deepEqual(verify(Object.entries(h)), OK);
  const withDup = new Headers(h);
  withDup.append("Date", h.Date); // fetch joins repeated values with ", "
  assert.equal(verify(withDup).ok, false);
});

test("headers as Node's req.headers (array values) and req.rawHeaders", () => {
  const nodeHeaders = {
    host: "localhost",
    date: h.Date,
    "content-type": h["Content-Type"],
    "content-md5": h["Content-MD5"],
    "x-signature": h["X-Signature"],
    "set-cookie": ["a=1", "b=2"],
  };
  assert.deepEqual(verify(nodeHeaders), OK);
  assert.deepEqual(verify({ ...nodeHeaders, "x-signature": [h["X-Signature"]] }), OK);
  const dup = verify({ ...nodeHeaders, date: [h.Date, h.Date] });
  assert.equal(dup.ok, false);
  assert.equal(dup.reason, "duplicate_header");
  const raw = ["Host", "localhost", "Date", h.Date, "Content-Type", h["Content-Type"], "Content-MD5", h["Content-MD5"], "X-Signature", h["X-Signature"]];
  assert.deepEqual(verify(raw), OK);
  assert.equal(verify([...raw, "date", h.Date]).reason, "duplicate_header");
});

test("Uint8Array views with a non-zero byteOffset hash only their own bytes", () => {
  const whole = utf8(`xxxx${BODY}yyyy`);
  const view = whole.subarray(4, 4 + utf8(BODY).length);
  assert.equal(view.byteOffset, 4);
  const md5 = amojo.contentMd5(BODY);
  assert.equal(amojo.contentMd5(view), md5);
  assert.equal(amojo.contentMd5(new DataView(whole.buffer, 4, view.length)), md5);
  assert.equal(amojo.contentMd5(Buffer.from(whole).subarray(4, 4 + view.length)), md5);
  assert.equal(amojo.contentMd5(whole.buffer.slice(4, 4 + view.length)), md5);
  // Node's Buffer pool: small Buffers share one ArrayBuffer at an offset.
  const pooled = Buffer.from(BODY);
  assert.equal(amojo.contentMd5(pooled), md5);
  // Other typed arrays count as their bytes.
  const u16 = new Uint16Array([0x6261, 0x0063]); // "ab", "c\0" little-endian
  assert.equal(amojo.contentMd5(new Uint16Array(u16.buffer, 0, 1)), amojo.contentMd5("ab"));
  assert.equal(amojo.contentMd5(new Uint8Array(0)), "d41d8cd98f00b204e9800998ecf8427e");
  // Signing and verifying with views.
  const s = amojo.signRequest({ secret: utf8("zzs").subarray(2), method: "POST", path: PATH, body: view, date: DATE });
  assert.deepEqual(s.headers, h);
  assert.deepEqual(amojo.verifyRequest({ secret: "s", method: "POST", path: PATH, headers: h, body: view, now: NOW }), OK);
  assert.equal(amojo.signWebhook(view, "k"), amojo.signWebhook(BODY, "k"));
  assert.equal(amojo.validate("connect", view).valid, true);
  assert.equal(amojo.validateRequest({ method: "POST", path: PATH, body: view }).valid, true);
  assert.equal(amojo.contentMd5(new SharedArrayBuffer(0)), "d41d8cd98f00b204e9800998ecf8427e");
});

test("strings are hashed as UTF-8", () => {
  assert.equal(amojo.contentMd5("é"), amojo.contentMd5(new Uint8Array([0xc3, 0xa9])));
  assert.equal(amojo.contentMd5("😍"), amojo.contentMd5(utf8("😍")));
});

test("dates: a string as-is, a Date, milliseconds, default now", () => {
  const at = (date) => amojo.signRequest({ secret: "s", method: "GET", path: "/x", date }).headers.Date;
  assert.equal(at(DATE), DATE);
  assert.equal(at("Wed, 15 Dec 2021 23:12:55 GMT"), "Wed, 15 Dec 2021 23:12:55 GMT");
  assert.equal(at(new Date(NOW)), DATE);
  assert.equal(at(NOW + 999), DATE);
  const before = Math.floor(Date.now() / 1000) * 1000;
  const now = Date.parse(at(undefined));
  assert.ok(now >= before && now <= Date.now(), `${now} not now`);
  // verify's default now is the clock: a fresh signature verifies without `now`.
  const fresh = amojo.signRequest({ secret: "s", method: "POST", path: PATH, body: BODY });
  assert.deepEqual(amojo.verifyRequest({ secret: "s", method: "POST", path: PATH, headers: fresh.headers, body: BODY }), OK);
  assert.deepEqual(amojo.verifyRequest({ secret: "s", method: "POST", path: PATH, headers: h, body: BODY, now: new Date(NOW + 60000) }), OK);
  assert.equal(amojo.verifyRequest({ secret: "s", method: "POST", path: PATH, headers: h, body: BODY }).reason, "stale_date");
});
