// A small but complete amoCRM chat integration: the bridge between a messenger (its clients)
// and amoCRM (its managers), over the Chats API.
//
//   messenger ──POST /messenger/webhook──▶ this ──sendMessage──▶ amoCRM
//   messenger ◀──────── deliver ───────── this ◀──hook POST /amojo/:scope_id── amoCRM
//                                          this ──updateDeliveryStatus──▶ amoCRM
//
// `handle(req, res)` serves both routes (mount it on node:http, Express, …). The messenger is
// simulated: what it would deliver to a client lands in `outbox`. In your project, import
// from "amojo-kit" instead of the built package.
import { AmojoApiError, AmojoValidationError, AmojoWebhookError, createClient, parseWebhook } from "../../pkg/index.mjs";

/**
 * @param {{ channelId: string, secret: string, baseUrl?: string, fetch?: typeof fetch,
 *           log?: (line: string) => void }} config
 */
export function createIntegration({ channelId, secret, baseUrl, fetch, log = console.log }) {
  const client = createClient({
    channelId,
    secret,
    baseUrl,
    fetch,
    onWarning: (w) => log(`amojo: warning (${w.part} of ${w.endpoint}) ${w.path} ${w.code}: ${w.message}`),
  });
  /** What the messenger delivered to its clients: the managers' messages. */
  const outbox = [];
  /** Hook work in flight (the hook is answered first: amoCRM waits at most 5 s). */
  const pending = new Set();
  let scope = null;

  /** Connects the channel to an amoCRM account (once, when the account installs it). */
  async function connect(accountId) {
    const connected = await client.connect(accountId, { title: "Example messenger" });
    scope = connected.scope;
    log(`amojo: connected account ${accountId}, scope ${connected.scope_id}`);
    return connected;
  }

  // The messenger's own webhook: a client wrote `text` in chat `chat_id`. The messenger's
  // message id is the msgid, so a webhook the messenger repeats is not a second message.
  async function fromClient(update) {
    const now = Date.now();
    const sent = await scope.sendMessage({
      conversation_id: `chat-${update.chat_id}`,
      msgid: `msg-${update.message_id}`,
      sender: { id: `user-${update.user.id}`, name: update.user.name },
      timestamp: Math.floor(now / 1000),
      msec_timestamp: now,
      message: { type: "text", text: update.text },
    });
    log(`amojo: client message ${sent.new_message.ref_id} is ${sent.new_message.msgid} in amoCRM`);
    return sent.new_message;
  }

  // A manager's message: deliver it to the client in the messenger, then tell amoCRM.
  async function toClient(scopeId, hook) {
    const { conversation, receiver, message } = hook.message;
    // `client_id`s are ours; a chat a manager started ("Написать первым") has none yet.
    const chat = conversation.client_id ?? `amo-${conversation.id}`;
    outbox.push({ chat, to: receiver.client_id ?? receiver.id, text: message.text, amoMessageId: message.id });
    log(`messenger: delivered "${message.text}" to ${receiver.client_id ?? receiver.id} in ${chat}`);
    await client.scope(scopeId).updateDeliveryStatus(message.id, 1);
    log(`amojo: ${message.id} marked delivered`);
  }

  async function handle(req, res) {
    const url = new URL(req.url, "http://localhost");
    const reply = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === "POST" && url.pathname === "/messenger/webhook") {
        const update = JSON.parse((await rawBody(req)).toString("utf8"));
        reply(200, { ok: true, amojo: await fromClient(update) });
        return;
      }
      const hookRoute = /^\/amojo\/([^/]+)$/.exec(url.pathname);
      if (req.method === "POST" && hookRoute) {
        // The raw bytes: the signature covers them, not a re-serialized object.
        const hook = parseWebhook({ body: await rawBody(req), signature: req.headers["x-signature"], secret, maxAgeSeconds: 600 });
        reply(200, { ok: true });
        if (hook.endpoint === "webhook_message") {
          const work = toClient(decodeURIComponent(hookRoute[1]), hook.json)
            .catch((e) => log(`integration: the hook's message was not delivered: ${e.message}`))
            .finally(() => pending.delete(work));
          pending.add(work);
        } else {
          log(`amojo: ${hook.endpoint} (not handled by this example)`);
        }
        return;
      }
      if (req.method === "GET" && url.pathname === "/messenger/outbox") {
        reply(200, outbox);
        return;
      }
      reply(404, { ok: false, error: "not_found" });
    } catch (e) {
      if (e instanceof AmojoWebhookError) {
        reply(e.status, { ok: false, error: e.code });
      } else if (e instanceof AmojoValidationError) {
        reply(400, { ok: false, error: e.code, errors: e.errors });
      } else if (e instanceof AmojoApiError) {
        log(`amojo: ${e.message}`);
        reply(502, { ok: false, error: "amojo", status: e.status });
      } else if (e instanceof SyntaxError) {
        reply(400, { ok: false, error: "invalid_json" });
      } else {
        log(`integration: ${e.stack}`);
        reply(500, { ok: false, error: "internal" });
      }
    }
  }

  return {
    connect,
    handle,
    outbox,
    /** Resolves when the hooks received so far are handled. */
    settled: () => Promise.all([...pending]),
  };
}

function rawBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
