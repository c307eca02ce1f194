// End to end over real HTTP on localhost: buildRequest → fetch → a node:http server that
// verifies with verifyRequest (req.rawHeaders, the raw body); and webhooks sent with
// signWebhook to a node:http server using webhookMiddleware on the raw stream.
import test from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { amojo } from "./helpers.mjs";

const SECRET = "channel-secret";
const CHANNEL = "344a5002-f8ca-454d-af3d-396180102ac7";
const SCOPE = `${CHANNEL}_52e591f7-c98f-4255-8495-827210138c81`;

async function withServer(handler, fn) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await fn(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

function readAll(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// A mock amojo: verifies the signature, validates the request, answers with both.
async function mockAmojo(req, res) {
  const body = await readAll(req);
  const outcome = amojo.verifyRequest({ secret: SECRET, method: req.method, path: req.url, headers: req.rawHeaders, body });
  const report = amojo.validateRequest({ method: req.method, path: req.url, body });
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ outcome, valid: report.valid, endpoint: report.endpoint, contentType: req.headers["content-type"] }));
}

test("buildRequest → fetch → verifyRequest on the server", async () => {
  await withServer(mockAmojo, async (base) => {
    const cases = [
      { path: `/v2/origin/custom/${CHANNEL}/connect`, payload: { account_id: "52e591f7-c98f-4255-8495-827210138c81", title: "Integration/Тест", hook_api_version: "v2" }, method: "POST", endpoint: "connect" },
      { path: `/v2/origin/custom/${CHANNEL}/disconnect`, payload: { account_id: "52e591f7-c98f-4255-8495-827210138c81" }, method: "DELETE", endpoint: "disconnect" },
      { path: `/v2/origin/custom/${SCOPE}/chats/my_int-d5a421f7f217/history?offset=0&limit=50`, method: "GET", endpoint: "history" },
      { path: `/v2/origin/custom/${SCOPE}/typing`, payload: { conversation_id: "c1", sender: { id: "u1" } }, method: "POST", endpoint: "typing" },
    ];
    for (const c of cases) {
      for (const style of ["compact", "php"]) {
        const r = amojo.buildRequest({ secret: SECRET, path: c.path, payload: c.payload, style, baseUrl: base });
        assert.equal(r.method, c.method, c.endpoint);
        assert.equal(r.url, base + c.path);
        assert.equal(r.body === undefined, c.payload === undefined);
        const res = await fetch(r.url, r);
        const answer = await res.json();
        assert.deepEqual(answer.outcome, { ok: true, secretIndex: 0 }, `${c.endpoint} ${style}`);
        assert.equal(answer.valid, true);
        assert.equal(answer.endpoint, c.endpoint);
        assert.equal(answer.contentType, "application/json");
      }
    }
    // A tampered body is caught on the server.
    const r = amojo.buildRequest({ secret: SECRET, path: cases[0].path, payload: cases[0].payload, baseUrl: base });
    const res = await fetch(r.url, { ...r, body: `${r.body}\n` });
    assert.equal((await res.json()).outcome.reason, "md5_mismatch");
  });
});

test("buildRequest: URLs, methods and warnings", () => {
  const path = `/v2/origin/custom/${SCOPE}/chats/c/history?limit=5`;
  const r = amojo.buildRequest({ secret: SECRET, path, date: 1639609975000 });
  assert.equal(r.url, `https://amojo.amocrm.ru${path}`);
  assert.equal(r.method, "GET");
  assert.equal(r.body, undefined);
  assert.equal(r.headers["Content-MD5"], "d41d8cd98f00b204e9800998ecf8427e");
  const full = amojo.buildRequest({ secret: SECRET, path: `https://amojo.kommo.com${path}`, date: 1639609975000 });
  assert.equal(full.url, `https://amojo.kommo.com${path}`);
  assert.deepEqual(full.headers, r.headers);
  const moved = amojo.buildRequest({ secret: SECRET, path: `https://amojo.kommo.com${path}`, baseUrl: "http://localhost:8080/", date: 1639609975000 });
  assert.equal(moved.url, `http://localhost:8080${path}`);
  assert.deepEqual(moved.headers, r.headers);
  const connect = amojo.buildRequest({ secret: SECRET, method: "post", path: `/v2/origin/custom/${CHANNEL}/connect`, payload: { account_id: "a", title: "t" } });
  assert.equal(connect.method, "POST");
  assert.deepEqual(connect.warnings.map((w) => `${w.path} ${w.code}`), ["/hook_api_version recommended"]);
  const php = amojo.buildRequest({ secret: SECRET, path: `/v2/origin/custom/${CHANNEL}/connect`, payload: '{"account_id": "a/b", "title": "é", "hook_api_version": "v2"}', style: "php" });
  assert.equal(php.body, '{"account_id":"a\\/b","title":"\\u00e9","hook_api_version":"v2"}');
  assert.equal(php.headers["Content-MD5"], amojo.contentMd5(php.body));
});

test("webhookMiddleware on a real node:http request stream", async () => {
  const mw = amojo.webhookMiddleware({ secret: SECRET, validate: true });
  const handler = (req, res) => {
    mw(req, res, (err) => {
      if (err) {
        res.statusCode = 500;
        res.end(err.message);
        return;
      }
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ ok: true, account: req.amojo.json.account_id }));
    });
  };
  await withServer(handler, async (base) => {
    const body = JSON.stringify({ account_id: "acc", time: 1639660529, action: { typing: { user: { id: "u" }, conversation: { id: "c" }, expired_at: 1639660539 } } });
    const ok = await fetch(`${base}/hook`, { method: "POST", headers: { "X-Signature": amojo.signWebhook(body, SECRET) }, body });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true, account: "acc" });
    const bad = await fetch(`${base}/hook`, { method: "POST", headers: { "X-Signature": amojo.signWebhook(body, "other") }, body });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).reason, "signature_mismatch");
  });
});
