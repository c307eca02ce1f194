// The package's small tools over the core: the route of a path, header lines as a raw
// request prints them, and the curl command of a request (the CLI's quoting).
import test from "node:test";
import assert from "node:assert/strict";
import { amojo, loadJson } from "./helpers.mjs";

test("route: the endpoint, its method and the path parameters, as written", () => {
  assert.deepEqual(amojo.route("https://amojo.amocrm.ru/v2/origin/custom/ch_acc/m%201/delivery_status?x=1"), {
    endpoint: "delivery_status",
    method: "POST",
    params: { scope_id: "ch_acc", msgid: "m%201" },
  });
  assert.deepEqual(amojo.route("/v2/origin/custom/ch/disconnect"), { endpoint: "disconnect", method: "DELETE", params: { channel_id: "ch" } });
  for (const nope of ["/v2/nope", "", "/v2/origin/custom/", "/v2/origin/custom/s//typing"]) {
    assert.equal(amojo.route(nope), null, nope);
  }
  assert.throws(() => amojo.route(5), { code: "invalid_argument" });
});

test("parseHeaders: Name: value lines, CRLF or LF, blank lines skipped; a bad line by number", () => {
  assert.deepEqual(amojo.parseHeaders("Date: Wed, 15 Dec 2021 23:12:55 +0000\r\n\r\nX-Signature:ab \n"), [
    ["Date", "Wed, 15 Dec 2021 23:12:55 +0000"],
    ["X-Signature", "ab"],
  ]);
  assert.deepEqual(amojo.parseHeaders(""), []);
  assert.throws(() => amojo.parseHeaders("A: 1\nno colon"), (e) => e.code === "invalid_headers" && e.line === 2);
});

test("curlCommand: the CLI's quoting, through the core", () => {
  const docs = loadJson("tests/vectors/docs_requests.json").find((r) => r.name === "step-by-step/connect");
  const headers = { "Date": docs.date, "Content-Type": "application/json", "Content-MD5": docs.content_md5, "X-Signature": docs.x_signature };
  const curl = amojo.curlCommand({ method: "POST", url: docs.url, headers, body: docs.php_json });
  assert.equal(curl, `curl -X POST '${docs.url}' -H 'Date: ${docs.date}' -H 'Content-Type: application/json' -H 'Content-MD5: ${docs.content_md5}' -H 'X-Signature: ${docs.x_signature}' --data-binary '${docs.php_json}'`);
  assert.match(amojo.curlCommand({ method: "POST", url: "http://h/x", body: "it's" }), / --data-binary 'it'\\''s'$/);
  assert.match(amojo.curlCommand({ method: "POST", url: "http://h/x", body: "@/etc/passwd" }), / --data-raw '@\/etc\/passwd'$/);
  assert.equal(amojo.curlCommand({ method: "GET", url: "http://h/x" }), "curl -X GET 'http://h/x'");
  assert.throws(() => amojo.curlCommand({ method: "POST", url: "http://h/x", body: "a\0b" }), { code: "invalid_body" });
});
