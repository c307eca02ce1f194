// Mock Service Worker in front of amojo-kit/mock: `setupServer` intercepts the real global
// fetch of requests signed by an independent signer (./sign.mjs, node:crypto only) and hands
// them to the mock's fetch. Run by tests/js/mock-msw.test.mjs after it installs msw (pinned
// in package-lock.json) and the packed amojo-kit here.
import test from "node:test";
import assert from "node:assert/strict";
import { http } from "msw";
import { setupServer } from "msw/node";
import { createMock } from "amojo-kit/mock";
import { BASE, signedRequest, hookSignatureOk } from "./sign.mjs";

const CHANNEL = "msw-channel";
const SECRET = "msw-test-secret";
const ACCOUNT = "msw-account";
const SCOPE = `${CHANNEL}_${ACCOUNT}`;

test("msw's setupServer routes real fetches to the mock; a reply reaches onHook signed", async () => {
  const hooks = [];
  const mock = createMock({
    channels: [{ id: CHANNEL, secret: SECRET }],
    onHook: async (request) => {
      hooks.push({ raw: Buffer.from(await request.arrayBuffer()), signature: request.headers.get("x-signature") });
    },
  });
  const server = setupServer(http.all(`${BASE}/*`, ({ request }) => mock.fetch(request)));
  server.listen({ onUnhandledRequest: "error" });
  try {
    const call = async (method, target, body, secret = SECRET) => {
      const res = await fetch(signedRequest({ secret, method, target, body }));
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
    let r = await call("POST", `/v2/origin/custom/${CHANNEL}/connect`, { account_id: ACCOUNT, hook_api_version: "v2" });
    assert.equal(r.status, 200);
    assert.equal(r.json.scope_id, SCOPE);
    r = await call("POST", `/v2/origin/custom/${SCOPE}/chats`, { conversation_id: "conv-1", user: { id: "client-1", name: "Client" } });
    assert.equal(r.status, 200);
    const chatId = r.json.id;
    const now = Date.now();
    r = await call("POST", `/v2/origin/custom/${SCOPE}`, {
      event_type: "new_message",
      payload: { timestamp: Math.floor(now / 1000), msec_timestamp: now, msgid: "m-1", conversation_id: "conv-1", sender: { id: "client-1", name: "Client" }, message: { type: "text", text: "hello" } },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.new_message.ref_id, "m-1");
    r = await call("GET", `/v2/origin/custom/${SCOPE}/chats/${chatId}/history?limit=10`);
    assert.equal(r.status, 200);
    assert.equal(r.json.messages[0].message.text, "hello");
    // Signed with another secret: 403 with the reason.
    r = await call("POST", `/v2/origin/custom/${SCOPE}/typing`, { conversation_id: "conv-1", sender: { id: "client-1" } }, "wrong-secret");
    assert.equal(r.status, 403);
    assert.equal(r.json.error, "signature_mismatch");
    // Invalid: 400 with the issues.
    r = await call("POST", `/v2/origin/custom/${SCOPE}/typing`, { sender: { id: "client-1" } });
    assert.equal(r.status, 400);
    assert.ok(r.json.errors.some((e) => e.path === "/conversation_id"), JSON.stringify(r.json));

    const answer = await mock.reply({ scope_id: SCOPE, conversation_id: "conv-1", text: "from the manager" });
    assert.equal(answer.hook_status, 200);
    assert.equal(hooks.length, 1);
    assert.ok(hookSignatureOk(SECRET, hooks[0].raw, hooks[0].signature));
    assert.equal(JSON.parse(hooks[0].raw).message.message.text, "from the manager");
    assert.equal((await mock.requests()).length, 6);
  } finally {
    server.close();
    await mock.close();
  }
});
