// The integration as a server: `node examples/integration/main.mjs` with
//   AMOJO_CHANNEL_ID, AMOJO_SECRET  the channel's id and secret
//   AMOJO_ACCOUNT_ID                the amoCRM account to connect (its amojo_id)
//   AMOJO_BASE_URL                  default https://amojo.amocrm.ru (a mock's URL to test)
//   PORT                            default 3000; amoCRM's hooks go to /amojo/:scope_id
import http from "node:http";
import { createIntegration } from "./integration.mjs";

const need = (name) => process.env[name] || (console.error(`set ${name}`), process.exit(2));
const app = createIntegration({
  channelId: need("AMOJO_CHANNEL_ID"),
  secret: need("AMOJO_SECRET"),
  baseUrl: process.env.AMOJO_BASE_URL,
});
const server = http.createServer((req, res) => app.handle(req, res));
server.listen(Number(process.env.PORT || 3000), "127.0.0.1", async () => {
  console.log(`integration: listening on http://127.0.0.1:${server.address().port}`);
  try {
    await app.connect(need("AMOJO_ACCOUNT_ID"));
  } catch (e) {
    console.error(`integration: ${e.message}`);
    process.exit(1);
  }
});
