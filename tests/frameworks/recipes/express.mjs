import express from "express";
import { webhookMiddleware } from "amojo-kit";

const app = express();
// The signature covers the raw bytes: the hook route gets express.raw(), not express.json().
app.post(
  "/amojo/hook",
  express.raw({ type: "*/*", limit: "1mb" }),
  webhookMiddleware({ secret: process.env.AMOJO_SECRET, maxAgeSeconds: 300 }, (req, res) => {
    // Verified and parsed: req.amojo.endpoint says which hook, req.amojo.json is its body.
    res.json({ ok: true, endpoint: req.amojo.endpoint, account_id: req.amojo.json.account_id });
  }),
);

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on ${server.address().port}`);
});
