import Fastify from "fastify";
import { AmojoWebhookError, parseWebhook } from "amojo-kit";

const app = Fastify({ bodyLimit: 1024 * 1024 });

app.register(async (hooks) => {
  // The signature covers the raw bytes: in this scope every body stays a Buffer.
  hooks.removeAllContentTypeParsers();
  hooks.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  hooks.post("/amojo/hook", async (request, reply) => {
    try {
      const hook = parseWebhook({
        body: request.body ?? "",
        signature: request.headers["x-signature"],
        secret: process.env.AMOJO_SECRET,
        maxAgeSeconds: 300,
      });
      return { ok: true, endpoint: hook.endpoint, account_id: hook.json.account_id };
    } catch (e) {
      if (e instanceof AmojoWebhookError) {
        return reply.code(e.status).send({ ok: false, reason: e.code });
      }
      throw e;
    }
  });
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: "127.0.0.1" });
console.log(`listening on ${app.server.address().port}`);
