import { createClient, AmojoApiError } from "amojo-kit";

const client = createClient({
  channelId: process.env.AMOJO_CHANNEL_ID,
  secret: process.env.AMOJO_SECRET, // server side only
  baseUrl: process.env.AMOJO_BASE_URL, // default https://amojo.amocrm.ru; a mock's URL in tests
});

// Once per account: its scope is where messages go (keep `scope_id`; client.scope(id) later).
const { scope, scope_id } = await client.connect(process.env.AMOJO_ACCOUNT_ID);

try {
  const sent = await scope.sendMessage({
    conversation_id: "chat-1", // your chat id
    msgid: "msg-100", // your message id: a repeat with it is not a second message
    sender: { id: "user-7", name: "Anna" },
    timestamp: Math.floor(Date.now() / 1000),
    msec_timestamp: Date.now(),
    message: { type: "text", text: "Hello!" },
  });
  console.log(`${scope_id}: sent as ${sent.new_message.msgid}`); // typed by the docs
} catch (e) {
  // A 403 says whether the request verifies locally (another secret on the API's side, or
  // a rewrite on the way) and whether this machine's clock is off.
  if (e instanceof AmojoApiError) console.error(e.status, e.message, e.selfCheck);
  throw e;
}
