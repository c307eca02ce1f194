// The API client (issue 15): arguments and results are typed by the docs' tables; a wrong
// field in an argument or read from a result fails to compile (one `@ts-expect-error` each).
import {
  createClient,
  AmojoApiError,
  AmojoNetworkError,
  AmojoTimeoutError,
  AmojoValidationError,
  type Client,
  type ClientWarning,
  type ConnectResponse,
  type HistoryResponse,
  type ScopeClient,
  type SendMessageResponse,
} from "amojo-kit";

/** Compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function same<A, B>(_proof: Equal<A, B>): void {}

declare const secret: string;

// The global fetch (Node's types), an AbortSignal, a clock and a warning sink fit the options.
const client: Client = createClient({
  channelId: "ch",
  secret,
  baseUrl: "https://amojo.kommo.com",
  fetch,
  timeoutMs: 5000,
  retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000 },
  validate: true,
  now: () => Date.now(),
  onWarning: (w: ClientWarning) => console.warn(w.part, w.endpoint, w.path, w.code),
});
createClient({ channelId: "ch", secret: new Uint8Array(3), retry: false, fetch: (url, init) => fetch(url, init) });
// @ts-expect-error: `channelId`, not `channel_id`
createClient({ channel_id: "ch", secret });
// @ts-expect-error: `retry` is false or the backoff's bounds
createClient({ channelId: "ch", secret, retry: true });

async function flow(): Promise<void> {
  const connected = await client.connect("acc", { title: "Shop", hookApiVersion: "v2" }, { signal: AbortSignal.timeout(1000) });
  const scopeId: string = connected.scope_id;
  same<typeof connected.account_id, string | null | undefined>(true);
  const scope: ScopeClient = connected.scope;
  const warnings: ClientWarning[] = connected.warnings;
  // @ts-expect-error: the connect answer has no `scopeId` field (it is `scope_id`)
  connected.scopeId;
  // @ts-expect-error: `hookApiVersion` is "v1" or "v2"
  await client.connect("acc", { hookApiVersion: "v3" });
  // @ts-expect-error: the connect options are camelCase
  await client.connect("acc", { hook_api_version: "v2" });
  const response: ConnectResponse = connected;
  void [scopeId, warnings, response];

  const chat = await scope.createChat({ conversation_id: "c1", user: { id: "u1", name: "Client" } });
  const chatId: string = chat.id;
  // @ts-expect-error: create chat's `user` is a participant: `name`, not `title`
  await scope.createChat({ conversation_id: "c1", user: { id: "u1", title: "Client" } });
  void chatId;

  const sender = { id: "u1", name: "Client" };
  const sent = await scope.sendMessage({ conversation_id: "c1", msgid: "m1", sender, timestamp: 1700000000, msec_timestamp: 1700000000000, message: { type: "text", text: "hi" } });
  same<typeof sent, SendMessageResponse & { readonly warnings: ClientWarning[] }>(true);
  const amoId: string | null | undefined = sent.new_message.msgid;
  // @ts-expect-error: the answer's message is `new_message`
  sent.message;
  // @ts-expect-error: a text message needs `text`
  await scope.sendMessage({ conversation_id: "c1", msgid: "m1", sender, message: { type: "text" } });
  // @ts-expect-error: `msgid` is required on a new message
  await scope.sendMessage({ conversation_id: "c1", sender, message: { type: "text", text: "hi" } });
  void amoId;

  await scope.importMessage({ conversation_id: "c1", msgid: "m0", sender, message: { type: "picture", media: "https://x/p.png", file_name: "p.png", file_size: 10 } });
  await scope.sendComment({ conversation_id: "c1", msgid: "m2", sender, message: { type: "text", text: "nice", post: { id: "p1", url: "https://x/p1" } } });
  // @ts-expect-error: a comment's message has a `post`
  await scope.sendComment({ conversation_id: "c1", msgid: "m2", sender, message: { type: "text", text: "nice" } });
  await scope.editMessage({ msgid: "m1", message: { type: "text", text: "hello" } });

  await scope.updateDeliveryStatus("amo-1", 2);
  await scope.updateDeliveryStatus("amo-1", { status_code: -1, error_code: 905, error: "blocked" });
  // @ts-expect-error: 3 is no delivery status
  await scope.updateDeliveryStatus("amo-1", 3);
  // @ts-expect-error: `status_code`, not `status`
  await scope.updateDeliveryStatus("amo-1", { status: 1 });

  const history = await scope.history("c1", { offset: 0, limit: 20 });
  same<typeof history, HistoryResponse & { readonly warnings: ClientWarning[] }>(true);
  for (const entry of history.messages) {
    const text: string | null | undefined = entry.message?.text;
    // @ts-expect-error: a history entry has no `body`
    entry.body;
    void text;
  }
  // @ts-expect-error: `limit`, not `count`
  await scope.history("c1", { count: 20 });

  const typed: void = await scope.typing({ conversation_id: "c1", sender: { id: "u1" } });
  // @ts-expect-error: typing's sender is `{ id }`
  await scope.typing({ conversation_id: "c1", sender: { name: "u1" } });
  await scope.react({ conversation_id: "c1", msgid: "m1", user: { id: "u1" }, emoji: "👍" });
  await scope.unreact({ conversation_id: "c1", msgid: "m1", user: { id: "u1" } });
  // @ts-expect-error: react sets `type` itself
  await scope.react({ conversation_id: "c1", msgid: "m1", user: { id: "u1" }, type: "react" });
  await client.disconnect("acc");
  void typed;
}

// The errors a call rejects with, narrowed by class.
async function errors(scope: ScopeClient): Promise<void> {
  try {
    await scope.typing({ conversation_id: "c1", sender: { id: "u1" } });
  } catch (e) {
    if (e instanceof AmojoApiError) {
      const status: number = e.status;
      const ok: boolean | undefined = e.selfCheck?.ok;
      const skew: number | undefined = e.clockSkewSeconds;
      const retryAfter: number | undefined = e.retryAfterMs;
      const headers: Record<string, string> = e.headers;
      // @ts-expect-error: the status is `status`
      e.statusCode;
      void [status, ok, skew, retryAfter, headers];
    } else if (e instanceof AmojoValidationError) {
      const first: string | undefined = e.errors[0]?.path;
      void first;
    } else if (e instanceof AmojoTimeoutError) {
      const ms: number = e.timeoutMs;
      void ms;
    } else if (e instanceof AmojoNetworkError) {
      const attempts: number = e.attempts;
      void attempts;
    }
  }
}

void flow;
void errors;
