// The integration against a local Chats API, in one command (after `make pkg`):
//
//   node examples/integration/demo.mjs          amojo-kit/mock, served over HTTP in-process
//   node examples/integration/demo.mjs --cli    the CLI's `amojo mock` (target/debug/amojo,
//                                               or the binary $AMOJO_BIN names)
//
// A client writes in the messenger → the integration sends it to amoCRM; a manager answers
// (the mock's control API) → amoCRM's signed hook reaches the integration → it delivers the
// answer in the messenger and marks it delivered. Exits 0 when the mock saw every step.
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createIntegration } from "./integration.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHANNEL = "demo-channel";
const SECRET = "demo-secret-not-for-production";
const ACCOUNT = "demo-account";
const log = (line) => console.log(line);

/** The integration's HTTP server; its handler set once the mock's URL is known. */
async function serveIntegration() {
  let app = null;
  const server = http.createServer((req, res) => app.handle(req, res));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, server, use: (a) => (app = a) };
}

/** A local Chats API whose hooks go to `hookUrl`: { url, stop }. */
async function startMock(cli, hookUrl) {
  if (!cli) {
    const { createMock } = await import("../../pkg/mock.mjs");
    const mock = createMock({ channels: [{ id: CHANNEL, secret: SECRET, hookUrl }] });
    const server = await mock.listen(0);
    return { url: server.url, stop: () => mock.close() };
  }
  const bin = process.env.AMOJO_BIN || path.join(here, "..", "..", "target", "debug", "amojo");
  const child = spawn(bin, ["mock", "--listen", "127.0.0.1:0", "--channel", CHANNEL, "--hook-url", hookUrl], {
    env: { ...process.env, AMOJO_SECRET: SECRET },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`amojo mock exited (${code})`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  child.stdout.resume();
  const url = /^amojo mock: listening on (http:\/\/\S+)$/.exec(first)?.[1];
  if (!url) {
    child.kill();
    throw new Error(`unexpected first line from amojo mock: ${first}`);
  }
  return { url, stop: () => new Promise((resolve) => child.once("exit", resolve).kill()) };
}

async function json(url, body) {
  const res = await fetch(url, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) {
    throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  }
  return res.json();
}

const cli = process.argv.includes("--cli");
const integration = await serveIntegration();
const api = await startMock(cli, `${integration.url}/amojo/:scope_id`);
let failed = false;
try {
  log(`demo: integration on ${integration.url}, Chats API (${cli ? "amojo mock" : "amojo-kit/mock"}) on ${api.url}`);
  const app = createIntegration({ channelId: CHANNEL, secret: SECRET, baseUrl: api.url, log });
  integration.use(app);
  const { scope_id: scopeId } = await app.connect(ACCOUNT);

  // 1. A client writes in the messenger, whose webhook reaches the integration.
  log("demo: the client writes \"Hello, is the blue one in stock?\"");
  await json(`${integration.url}/messenger/webhook`, { chat_id: 1, message_id: 100, user: { id: 7, name: "Anna" }, text: "Hello, is the blue one in stock?" });

  // 2. A manager answers in amoCRM: the mock sends the signed hook to the integration.
  log("demo: the manager answers \"Yes, it ships today.\"");
  const answer = await json(`${api.url}/_mock/reply`, { scope_id: scopeId, conversation_id: "chat-1", text: "Yes, it ships today." });
  await app.settled();

  // 3. What the mock saw.
  const { requests } = await json(`${api.url}/_mock/requests`);
  const steps = requests.map((r) => `${r.endpoint} ${r.status}`);
  log(`demo: the Chats API saw ${steps.join(", ")}`);
  const delivered = app.outbox.some((m) => m.text === "Yes, it ships today." && m.to === "user-7");
  failed = answer.hook_status !== 200 || !delivered || steps.join() !== "connect 200,send_message 200,delivery_status 200";
  log(failed ? "demo: FAILED" : "demo: ok (message in, answer out, delivery status back)");
} catch (e) {
  failed = true;
  log(`demo: FAILED: ${e.stack}`);
} finally {
  await api.stop();
  integration.server.close();
}
process.exitCode = failed ? 1 : 0;
