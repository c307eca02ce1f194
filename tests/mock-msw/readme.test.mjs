// Test your integration against amojo-kit/mock: a Chats API that checks every signature and
// body as amoCRM does, and answers as the manager with signed hooks.
import test from "node:test";
import assert from "node:assert/strict";
import { http } from "msw";
import { setupServer } from "msw/node";
import { createClient, parseWebhook } from "amojo-kit";
import { createMock } from "amojo-kit/mock";

const channelId = "test-channel";
const secret = "test-secret"; // any: the mock is the only one to check it

test("my integration talks to the Chats API and receives the manager's reply", async () => {
  const received = [];
  const amojo = createMock({
    channels: [{ id: channelId, secret }],
    // Your hook handler: here it checks the signature as your server does.
    onHook: async (request) => {
      const body = await request.text();
      received.push(parseWebhook({ body, signature: request.headers.get("x-signature"), secret }));
    },
  });
  // Every request to amojo.amocrm.ru goes to the mock (or pass `fetch: amojo.fetch` to the client).
  const server = setupServer(http.all("https://amojo.amocrm.ru/*", ({ request }) => amojo.fetch(request)));
  server.listen({ onUnhandledRequest: "error" });
  try {
    // Your integration's code (here amojo-kit's own client), made after server.listen().
    const client = createClient({ channelId, secret });
    const { scope } = await client.connect("account-1");
    const now = Date.now();
    await scope.sendMessage({
      msgid: "m-1",
      conversation_id: "chat-1",
      sender: { id: "client-1", name: "Anna" },
      timestamp: Math.floor(now / 1000),
      msec_timestamp: now,
      message: { type: "text", text: "Hello!" },
    });

    // The manager answers in amoCRM: a signed hook reaches onHook.
    const { hook_status } = await amojo.reply({ scope_id: scope.scopeId, conversation_id: "chat-1", text: "Hi, Anna" });
    assert.equal(hook_status, 200);
    assert.equal(received[0].json.message.message.text, "Hi, Anna");

    // What the mock saw: every request, its status and, for a 403 or 400, why.
    assert.deepEqual((await amojo.requests()).map((r) => r.status), [200, 200]);
  } finally {
    server.close();
    await amojo.close();
  }
});
