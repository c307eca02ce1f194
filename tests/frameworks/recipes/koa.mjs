import Koa from "koa";
import getRawBody from "raw-body";
import { AmojoWebhookError, parseWebhook } from "amojo-kit";

const app = new Koa();

app.use(async (ctx) => {
  if (ctx.method !== "POST" || ctx.path !== "/amojo/hook") {
    ctx.status = 404;
    return;
  }
  // No body parser on this route: the signature covers the raw bytes.
  const body = await getRawBody(ctx.req, { limit: "1mb" });
  try {
    const hook = parseWebhook({
      body,
      signature: ctx.request.headers["x-signature"],
      secret: process.env.AMOJO_SECRET,
      maxAgeSeconds: 300,
    });
    ctx.body = { ok: true, endpoint: hook.endpoint, account_id: hook.json.account_id };
  } catch (e) {
    if (!(e instanceof AmojoWebhookError)) {
      throw e;
    }
    ctx.status = e.status;
    ctx.body = { ok: false, reason: e.code };
  }
});

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on ${server.address().port}`);
});
