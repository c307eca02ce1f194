import "reflect-metadata";
import { Controller, Headers, HttpCode, HttpException, Module, Post, Req, type RawBodyRequest } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { Request } from "express";
import { AmojoWebhookError, parseWebhook } from "amojo-kit";

@Controller("amojo")
class AmojoHookController {
  @Post("hook")
  @HttpCode(200)
  receive(@Req() req: RawBodyRequest<Request>, @Headers("x-signature") signature?: string) {
    try {
      // rawBody: true (below) keeps the bytes the signature covers beside the parsed body.
      const hook = parseWebhook({
        body: req.rawBody ?? "",
        signature,
        secret: process.env.AMOJO_SECRET!,
        maxAgeSeconds: 300,
      });
      // hook.json is typed by hook.endpoint (null: a body amojo-kit does not know).
      return { ok: true, endpoint: hook.endpoint, account_id: hook.endpoint === "webhook_message" ? hook.json.account_id : null };
    } catch (e) {
      if (e instanceof AmojoWebhookError) {
        throw new HttpException({ ok: false, reason: e.code }, e.status);
      }
      throw e;
    }
  }
}

@Module({ controllers: [AmojoHookController] })
class AppModule {}

async function main() {
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: false });
  await app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
  console.log(`listening on ${new URL(await app.getUrl()).port}`);
}

main();
