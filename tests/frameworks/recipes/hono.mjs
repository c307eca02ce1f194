import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { serve } from "@hono/node-server";
import { sValidator } from "@hono/standard-validator";
import { AmojoWebhookError, parseWebhook, schemas } from "amojo-kit";

const app = new Hono();

app.post("/amojo/hook", bodyLimit({ maxSize: 1024 * 1024 }), async (c) => {
  try {
    const hook = parseWebhook({
      body: new Uint8Array(await c.req.arrayBuffer()),
      signature: c.req.header("x-signature"),
      secret: process.env.AMOJO_SECRET,
      maxAgeSeconds: 300,
    });
    return c.json({ ok: true, endpoint: hook.endpoint, account_id: hook.json.account_id });
  } catch (e) {
    if (e instanceof AmojoWebhookError) {
      return c.json({ ok: false, reason: e.code }, e.status);
    }
    throw e;
  }
});

// amojo-kit's Standard Schemas plug into Hono's validator: a message your app is about to
// send, checked against the send_message rules (400 with the issues when it breaks them).
app.post("/outbox", sValidator("json", schemas.sendMessage), (c) => {
  const message = c.req.valid("json");
  return c.json({ ok: true, msgid: message.payload.msgid });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" }, (info) => {
  console.log(`listening on ${info.port}`);
});
