// createClient (issue 15) against the package's own Chats API emulator, amojo-kit/mock: every
// call's happy path with its typed answer, a validation error that sends nothing, a refused
// signature explained by the local self-check, a skewed clock read from the answer's Date,
// retries (503, 429 with Retry-After) with a fresh Date and signature per attempt, a
// timeout and a network failure; then once against the CLI's `amojo mock` over HTTP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { amojo, pkgDir, root } from "./helpers.mjs";

const { createMock } = await import(path.join(pkgDir, "mock.mjs"));
const { createClient, AmojoApiError, AmojoNetworkError, AmojoTimeoutError, AmojoValidationError } = amojo;

const CHANNEL = "chan-1";
const SECRET = "test-secret-of-chan-1";
const FAST = { retries: 2, minDelayMs: 1, maxDelayMs: 20 };

/** A fetch that records what it was given (headers copied) before passing it on. */
function recording(inner) {
  const sent = [];
  const f = (url, init) => {
    sent.push({ url, method: init.method, headers: { ...init.headers }, body: init.body });
    return inner(url, init);
  };
  f.sent = sent;
  return f;
}

/** A clock one second further on each reading: every attempt signs another Date. */
function ticking() {
  let t = Date.now();
  return () => (t += 1000);
}

function newMock(options = {}) {
  return createMock({ channels: [{ id: CHANNEL, secret: SECRET }], ...options });
}

const sender = { id: "client-7", name: "Client Seven" };

function message(msgid, text, extra = {}) {
  const ms = Date.now();
  return { conversation_id: "conv-1", msgid, sender, timestamp: Math.floor(ms / 1000), msec_timestamp: ms, message: { type: "text", text }, ...extra };
}

/** Every call of the client, each answer checked against what the emulator keeps. `control`:
 * the mock's reply() and requests(), in-process or over HTTP. */
async function everyCall(client, control) {
  const connected = await client.connect("acc-1", { title: "Shop" });
  assert.equal(connected.scope_id, `${CHANNEL}_acc-1`);
  assert.equal(connected.account_id, "acc-1");
  assert.equal(connected.hook_api_version, "v2");
  assert.deepEqual(connected.warnings, []);
  assert.deepEqual(Object.keys(connected).sort(), ["account_id", "hook_api_version", "is_time_window_disabled", "scope_id", "title"], "scope and warnings are not enumerable");
  const scope = connected.scope;
  assert.equal(scope.scopeId, connected.scope_id);

  const chat = await scope.createChat({ conversation_id: "conv-1", user: sender });
  assert.equal(typeof chat.id, "string");
  assert.equal(chat.user.client_id, sender.id);
  assert.deepEqual(chat.warnings, []);

  const sent = await scope.sendMessage(message("m-1", "hello"));
  assert.equal(sent.new_message.ref_id, "m-1");
  assert.equal(sent.new_message.conversation_id, "conv-1");
  assert.equal(typeof sent.new_message.msgid, "string");
  assert.deepEqual(sent.warnings, []);

  const imported = await scope.importMessage(message("m-0", "an older one"));
  assert.equal(imported.new_message.ref_id, "m-0");

  const edited = await scope.editMessage({ msgid: "m-1", message: { type: "text", text: "hello!" } });
  assert.equal(edited.new_message.ref_id, "m-1");

  const comment = await scope.sendComment({ ...message("m-2", "nice post"), conversation_id: "conv-2", message: { type: "text", text: "nice post", post: { id: "post-1", url: "https://example.com/p/1" } } });
  assert.equal(comment.new_message.ref_id, "m-2");

  // The chat by the API's id (chat-step-by-step: history takes «ID чата на стороне API Чатов»).
  const history = await scope.history(chat.id, { offset: 0, limit: 10 });
  const texts = history.messages.map((m) => m.message.text);
  assert.ok(texts.includes("hello!") && texts.includes("an older one"), JSON.stringify(texts));
  assert.deepEqual(history.warnings, []);
  assert.deepEqual(await scope.history("no-such-chat"), { messages: [] }, "204: no messages");

  assert.equal(await scope.typing({ conversation_id: "conv-1", sender: { id: sender.id } }), undefined);
  assert.equal(await scope.react({ conversation_id: "conv-1", msgid: "m-1", user: { id: sender.id }, emoji: "👍" }), undefined);
  assert.equal(await scope.unreact({ conversation_id: "conv-1", msgid: "m-1", user: { id: sender.id } }), undefined);

  // The manager answers; the integration delivers it and says so.
  const reply = await control.reply({ scope_id: scope.scopeId, conversation_id: "conv-1", text: "how can I help?" });
  assert.equal(await scope.updateDeliveryStatus(reply.msgid, 1), undefined);
  assert.equal(await scope.updateDeliveryStatus(reply.msgid, { status_code: 2 }), undefined);

  // client.scope() is the same calls for a kept scope id.
  const again = await client.scope(connected.scope_id).history(chat.id, { limit: 1 });
  assert.equal(again.messages.length, 1);
  assert.equal(await client.disconnect("acc-1"), undefined);

  const log = await control.requests();
  assert.deepEqual(log.map((r) => r.status), [200, 200, 200, 200, 200, 200, 200, 204, 204, 200, 200, 200, 200, 200, 200]);
  assert.deepEqual(log.map((r) => r.endpoint), [
    "connect", "create_chat", "send_message", "send_message", "send_message", "send_message", "history", "history",
    "typing", "react", "react", "delivery_status", "delivery_status", "history", "disconnect",
  ]);
}

test("every call against amojo-kit/mock: typed answers, no warnings", async () => {
  const mock = newMock();
  try {
    const fetch = recording(mock.fetch);
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch });
    assert.equal(client.baseUrl, "https://amojo.amocrm.ru");
    await everyCall(client, mock);
    // What was sent: the bodies each call is documented to take.
    const bodies = fetch.sent.filter((r) => r.body !== undefined).map((r) => JSON.parse(r.body));
    assert.deepEqual(bodies[0], { account_id: "acc-1", title: "Shop", hook_api_version: "v2" });
    assert.equal(bodies[2].event_type, "new_message");
    assert.equal(bodies[2].payload.silent, undefined);
    assert.equal(bodies[3].payload.silent, true, "importMessage is silent");
    assert.equal(bodies[4].event_type, "edit_message");
    assert.equal(bodies[5].payload.message.post.id, "post-1");
    assert.deepEqual(bodies[6], { conversation_id: "conv-1", sender: { id: sender.id } });
    assert.equal(bodies[7].type, "react");
    assert.equal(bodies[8].type, "unreact");
    assert.deepEqual(bodies[9], { status_code: 1 });
    assert.deepEqual(bodies[11], { account_id: "acc-1" });
    const history = fetch.sent.find((r) => r.method === "GET");
    assert.match(history.url, /^https:\/\/amojo\.amocrm\.ru\/v2\/origin\/custom\/chan-1_acc-1\/chats\/[^/]+\/history\?offset=0&limit=10$/);
    for (const r of fetch.sent) {
      assert.deepEqual(Object.keys(r.headers), ["Date", "Content-Type", "Content-MD5", "X-Signature"]);
    }
  } finally {
    await mock.close();
  }
});

test("an invalid request throws AmojoValidationError and sends nothing", async () => {
  const mock = newMock();
  try {
    const fetch = recording(mock.fetch);
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch });
    const scope = client.scope(`${CHANNEL}_acc-1`);
    await assert.rejects(scope.sendMessage({ ...message("m-1", ""), sender: { id: 7, name: "Seven" } }), (e) => {
      assert.ok(e instanceof AmojoValidationError);
      assert.equal(e.endpoint, "send_message");
      assert.deepEqual(e.errors.map((x) => `${x.path} ${x.code}`).sort(), ["/payload/message/text empty", "/payload/sender/id type"]);
      return true;
    });
    await assert.rejects(scope.history("chat", { limit: 500 }), (e) => e instanceof AmojoValidationError && e.errors[0].code === "range");
    await assert.rejects(scope.updateDeliveryStatus("m-1", -1), (e) => e instanceof AmojoValidationError);
    await assert.rejects(scope.sendComment(message("m-3", "no post")), (e) => e.name === "AmojoTypeError" && e.code === "missing_argument");
    assert.equal(fetch.sent.length, 0);
    assert.deepEqual(await mock.requests(), []);
  } finally {
    await mock.close();
  }
});

test("403: the self-check re-verifies what was sent with the same secret", async () => {
  const mock = newMock();
  try {
    const client = createClient({ channelId: CHANNEL, secret: "not-the-channel-secret", fetch: mock.fetch, retry: false });
    await assert.rejects(client.connect("acc-1"), (e) => {
      assert.ok(e instanceof AmojoApiError, e.stack);
      assert.equal(e.status, 403);
      assert.equal(e.code, "api_error");
      assert.equal(e.endpoint, "connect");
      assert.equal(e.attempts, 1);
      assert.equal(e.selfCheck.ok, true);
      assert.deepEqual(e.selfCheck.findings, []);
      assert.match(e.selfCheck.canonical, /^POST\n[0-9a-f]{32}\napplication\/json\n.+ \+0000\n\/v2\/origin\/custom\/chan-1\/connect$/);
      assert.match(e.message, /verifies here with the same secret: the API holds another secret for this channel/);
      assert.equal(e.body.error, "signature_mismatch");
      assert.equal(e.headers["content-type"], "application/json");
      assert.equal(e.clockSkewSeconds, undefined);
      return true;
    });
    const log = await mock.requests();
    assert.deepEqual(log.map((r) => [r.status, r.reason]), [[403, "signature_mismatch"]]);
  } finally {
    await mock.close();
  }
});

test("403 from a skewed clock: the answer's Date tells by how much", async () => {
  // The API's clock 20 minutes ahead of this machine's: outside its 15-minute window.
  const ahead = () => Date.now() + 20 * 60 * 1000;
  const mock = newMock({ now: ahead });
  try {
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch: mock.fetch, retry: false });
    await assert.rejects(client.connect("acc-1"), (e) => {
      assert.ok(e instanceof AmojoApiError);
      assert.equal(e.status, 403);
      assert.ok(Math.abs(e.clockSkewSeconds + 1200) <= 2, String(e.clockSkewSeconds));
      assert.equal(e.selfCheck.ok, true);
      assert.match(e.message, /the signature was refused because this machine's clock is 20 min \d+ s behind the API's/);
      assert.match(e.message, /more than 15 minutes off/);
      return true;
    });
    assert.equal((await mock.requests())[0].reason, "stale_date");
  } finally {
    await mock.close();
  }
  // Two minutes behind: accepted by the API, so a 403 is about the secret, and the skew is
  // still named.
  const behind = () => Date.now() - 2 * 60 * 1000;
  const mock2 = newMock({ now: behind });
  try {
    const client = createClient({ channelId: CHANNEL, secret: "wrong", fetch: mock2.fetch, retry: false });
    await assert.rejects(client.connect("acc-1"), (e) => {
      assert.ok(Math.abs(e.clockSkewSeconds - 120) <= 2, String(e.clockSkewSeconds));
      assert.match(e.message, /another secret for this channel/);
      assert.match(e.message, /this machine's clock is 2 min \d+ s ahead of the API's .*within the API's 15 minutes/);
      return true;
    });
  } finally {
    await mock2.close();
  }
});

/** mock.fetch behind `failures` answers (503, 429, …) and then the mock's own. */
function failingFirst(inner, failures) {
  const left = [...failures];
  return (url, init) => (left.length > 0 ? Promise.resolve(left.shift()()) : inner(url, init));
}

test("retry: 503 twice, then success; a fresh Date and signature per attempt", async () => {
  const mock = newMock();
  try {
    const unavailable = () => new Response("overloaded", { status: 503 });
    const fetch = recording(failingFirst(mock.fetch, [unavailable, unavailable]));
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch, retry: FAST, now: ticking() });
    const connected = await client.connect("acc-1");
    assert.equal(connected.scope_id, `${CHANNEL}_acc-1`);
    assert.equal(fetch.sent.length, 3);
    assert.equal(new Set(fetch.sent.map((r) => r.headers.Date)).size, 3);
    assert.equal(new Set(fetch.sent.map((r) => r.headers["X-Signature"])).size, 3);
    assert.equal(new Set(fetch.sent.map((r) => r.body)).size, 1, "the same body each time");
    assert.equal((await mock.requests()).length, 1, "only the last attempt reached the mock");

    // More failures than retries: the last answer, with the count.
    const failing = recording(failingFirst(mock.fetch, [unavailable, unavailable, unavailable]));
    const impatient = createClient({ channelId: CHANNEL, secret: SECRET, fetch: failing, retry: FAST });
    await assert.rejects(impatient.connect("acc-1"), (e) => e instanceof AmojoApiError && e.status === 503 && e.attempts === 3 && /after 3 attempts/.test(e.message) && e.body === "overloaded");
    // retry: false, and a 400 is never repeated.
    const once = recording(failingFirst(mock.fetch, [unavailable]));
    await assert.rejects(createClient({ channelId: CHANNEL, secret: SECRET, fetch: once, retry: false }).connect("acc-1"), (e) => e.status === 503 && e.attempts === 1);
    const bad = recording(failingFirst(mock.fetch, [() => new Response("{}", { status: 400 })]));
    await assert.rejects(createClient({ channelId: CHANNEL, secret: SECRET, fetch: bad, retry: FAST }).connect("acc-1"), (e) => e.status === 400 && e.attempts === 1);
    assert.equal(bad.sent.length, 1);
  } finally {
    await mock.close();
  }
});

test("retry: 429 (and 503) honour Retry-After (seconds or an HTTP date); longer than maxDelayMs ends it", async () => {
  const mock = newMock();
  try {
    const tooMany = (retryAfter) => () => new Response("slow down", { status: 429, headers: { "retry-after": retryAfter, date: new Date().toUTCString() } });
    const fetch = recording(failingFirst(mock.fetch, [tooMany("1")]));
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch, retry: { ...FAST, maxDelayMs: 5000 }, now: ticking() });
    const started = Date.now();
    await client.connect("acc-1");
    assert.ok(Date.now() - started >= 950, "waited the second Retry-After asked for");
    assert.equal(fetch.sent.length, 2);
    assert.notEqual(fetch.sent[0].headers["X-Signature"], fetch.sent[1].headers["X-Signature"]);

    // A 429 is retried for every call (the API refused it unread), an HTTP date too.
    const at = () => new Response("", { status: 429, headers: { "retry-after": new Date(Date.now() + 1000).toUTCString() } });
    const dated429 = recording(failingFirst(mock.fetch, [at]));
    const scope = (await createClient({ channelId: CHANNEL, secret: SECRET, fetch: dated429, retry: { ...FAST, maxDelayMs: 5000 } }).connect("acc-2")).scope;
    assert.equal(dated429.sent.length, 2);
    assert.equal(scope.scopeId, `${CHANNEL}_acc-2`);

    // A 503's Retry-After counts too.
    const down = () => new Response("maintenance", { status: 503, headers: { "retry-after": "3600" } });
    await assert.rejects(createClient({ channelId: CHANNEL, secret: SECRET, fetch: failingFirst(mock.fetch, [down]), retry: FAST }).connect("acc-1"), (e) => e.status === 503 && e.retryAfterMs === 3600000 && e.attempts === 1);

    const long = recording(failingFirst(mock.fetch, [tooMany("120")]));
    await assert.rejects(createClient({ channelId: CHANNEL, secret: SECRET, fetch: long, retry: FAST }).connect("acc-1"), (e) => {
      assert.equal(e.status, 429);
      assert.equal(e.retryAfterMs, 120000);
      assert.equal(e.attempts, 1);
      return true;
    });
  } finally {
    await mock.close();
  }
});

test("a repeated sendMessage does not duplicate the message (the msgid dedupes)", async () => {
  const mock = newMock();
  try {
    // The first attempt reaches the API but its answer is lost: the repeat finds the message.
    let lose = 0;
    const fetch = async (url, init) => {
      const res = await mock.fetch(url, init);
      if (lose > 0) {
        lose -= 1;
        throw new TypeError("fetch failed");
      }
      return res;
    };
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch, retry: FAST, now: ticking() });
    const { scope } = await client.connect("acc-1");
    const chat = await scope.createChat({ conversation_id: "conv-1", user: sender });
    lose = 1;
    const sent = await scope.sendMessage(message("m-1", "once"));
    assert.equal(sent.new_message.ref_id, "m-1");
    const log = (await mock.requests()).filter((r) => r.endpoint === "send_message");
    assert.deepEqual(log.map((r) => r.status), [200, 200], "sent twice");
    const history = await scope.history(chat.id);
    assert.deepEqual(history.messages.map((m) => m.message.text), ["once"], "kept once");
  } finally {
    await mock.close();
  }
});

test("a timeout, a network failure, and the caller's AbortSignal", async () => {
  const never = recording(() => new Promise(() => {}));
  const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch: never, timeoutMs: 30, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
  await assert.rejects(client.connect("acc-1"), (e) => {
    assert.ok(e instanceof AmojoTimeoutError, e.stack);
    assert.equal(e.code, "timeout");
    assert.equal(e.timeoutMs, 30);
    assert.equal(e.attempts, 2);
    assert.equal(e.endpoint, "connect");
    return true;
  });
  assert.equal(never.sent.length, 2);

  const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
  const down = createClient({ channelId: CHANNEL, secret: SECRET, fetch: () => Promise.reject(refused), retry: false });
  await assert.rejects(down.scope("s").typing({ conversation_id: "c", sender: { id: "u" } }), (e) => {
    assert.ok(e instanceof AmojoNetworkError);
    assert.equal(e.cause, refused);
    assert.equal(e.attempts, 1);
    assert.match(e.message, /^typing: the request failed: fetch failed \(ECONNREFUSED\)$/);
    return true;
  });

  const controller = new AbortController();
  const call = createClient({ channelId: CHANNEL, secret: SECRET, fetch: never }).connect("acc-1", {}, { signal: controller.signal });
  const reason = new Error("the caller gave up");
  controller.abort(reason);
  await assert.rejects(call, (e) => e === reason);
});

test("an answer of an unexpected shape is a warning on the result, never a throw", async () => {
  const mock = newMock();
  try {
    const odd = async (url, init) => {
      const res = await mock.fetch(url, init);
      if (init.method === "POST" && new URL(url).pathname.endsWith("/chats")) {
        return Response.json({ id: 42, user: { id: "u" }, note: "extra" });
      }
      return res;
    };
    const seen = [];
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch: odd, onWarning: (w) => seen.push(w) });
    const { scope } = await client.connect("acc-1");
    const chat = await scope.createChat({ conversation_id: "conv-1", user: sender });
    assert.equal(chat.id, 42, "returned as received");
    assert.deepEqual(chat.warnings.map((w) => `${w.part} ${w.endpoint} ${w.path} ${w.code}`), ["response create_chat /id type"]);
    assert.deepEqual(seen, chat.warnings);
    // Request warnings too (sent anyway): a field not in the docs' tables.
    const sent = await scope.sendMessage({ ...message("m-1", "hi"), colour: "red" });
    assert.deepEqual(sent.warnings.map((w) => `${w.part} ${w.path} ${w.code}`), ["request /payload/colour unknown_field"]);
  } finally {
    await mock.close();
  }
});

test("validate: false signs and sends the body as given; the API's 400 is an AmojoApiError", async () => {
  const mock = newMock();
  try {
    const fetch = recording(mock.fetch);
    const client = createClient({ channelId: CHANNEL, secret: SECRET, fetch, validate: false, retry: FAST });
    const { scope } = await client.connect("acc-1");
    await assert.rejects(scope.sendMessage({ ...message("m-1", ""), sender: { id: 7, name: "Seven" } }), (e) => {
      assert.ok(e instanceof AmojoApiError);
      assert.equal(e.status, 400);
      assert.equal(e.attempts, 1, "a 400 is not repeated");
      assert.ok(Array.isArray(e.body.errors) && e.body.errors.length > 0, JSON.stringify(e.body));
      return true;
    });
    assert.equal(JSON.parse(fetch.sent[1].body).payload.sender.id, 7);
    // The newest message of an import goes with `silent: false` (the docs' advice).
    await scope.importMessage(message("m-2", "newest", { silent: false }));
    assert.equal(JSON.parse(fetch.sent[2].body).payload.silent, false);
    const log = await mock.requests();
    assert.deepEqual(log.map((r) => r.status), [200, 400, 200]);
  } finally {
    await mock.close();
  }
});

test("createClient checks its options", () => {
  const bad = [
    [{ secret: SECRET }, /`channelId` is required/],
    [{ channelId: CHANNEL }, /`secret` is required/],
    [{ channelId: CHANNEL, secret: "" }, /`secret` is empty/],
    [{ channelId: CHANNEL, secret: SECRET, baseUrl: "amojo.amocrm.ru" }, /`baseUrl` must be an http\(s\) URL/],
    [{ channelId: CHANNEL, secret: SECRET, retry: { retries: -1 } }, /`retry.retries` must be a whole number/],
    [{ channelId: CHANNEL, secret: SECRET, retry: { tries: 3 } }, /unknown option `tries`/],
    [{ channelId: CHANNEL, secret: SECRET, timeoutMs: 0 }, /`timeoutMs` must be a whole number of milliseconds ≥ 1/],
    [{ channelId: CHANNEL, secret: SECRET, fetch: "fetch" }, /`fetch` must be a function/],
    [{ channelId: CHANNEL, secret: SECRET, channel_id: CHANNEL }, /unknown option `channel_id`.*did you mean `channelId`/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => createClient(options), (e) => e.name === "AmojoTypeError" && message.test(e.message), JSON.stringify(options));
  }
  const kommo = createClient({ channelId: CHANNEL, secret: SECRET, baseUrl: "https://amojo.kommo.com/" });
  assert.equal(kommo.baseUrl, "https://amojo.kommo.com");
  assert.throws(() => kommo.scope(""), /`scopeId` must not be empty/);
});

// ---- the CLI's `amojo mock`, over HTTP ----------------------------------------------------

const cli = path.join(root, "target", "debug", process.platform === "win32" ? "amojo.exe" : "amojo");

/** `amojo mock` on a free port: its base URL, and a stop(). Null when the binary is missing
 * or has no `mock` (build it: `cargo build -p amojo-cli`; `make test` does). */
async function cliMock(args) {
  if (!fs.existsSync(cli)) {
    return null;
  }
  const child = spawn(cli, ["mock", "--listen", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve) => {
    lines.once("line", resolve);
    child.once("exit", () => resolve(null));
  });
  const m = first === null ? null : /^amojo mock: listening on (http:\/\/\S+)$/.exec(first);
  if (m === null) {
    child.kill();
    if (/unknown (sub)?command|usage/i.test(stderr) && !/amojo mock/.test(stderr)) {
      return null;
    }
    throw new Error(`amojo mock did not start: ${first ?? ""}${stderr}`);
  }
  lines.on("line", () => {});
  const stop = () => new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill();
  });
  return { url: m[1], stop };
}

test("every call against the CLI's `amojo mock` over HTTP", async (t) => {
  const server = await cliMock(["--channel", `${CHANNEL}=${SECRET}`]);
  if (server === null) {
    t.skip("target/debug/amojo has no `mock` (cargo build -p amojo-cli)");
    return;
  }
  try {
    const control = {
      async reply(args) {
        const res = await fetch(`${server.url}/_mock/reply`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) });
        assert.equal(res.status, 200);
        return res.json();
      },
      requests: async () => (await (await fetch(`${server.url}/_mock/requests`)).json()).requests,
    };
    const client = createClient({ channelId: CHANNEL, secret: SECRET, baseUrl: server.url });
    await everyCall(client, control);
    await assert.rejects(createClient({ channelId: CHANNEL, secret: "wrong", baseUrl: server.url, retry: false }).connect("acc-1"), (e) => e.status === 403 && e.selfCheck.ok === true);
    // A validation error sends nothing: the log has one more request (the 403), not two.
    const before = (await control.requests()).length;
    await assert.rejects(client.scope(`${CHANNEL}_acc-1`).typing({ conversation_id: "c" }), AmojoValidationError);
    assert.equal((await control.requests()).length, before);
  } finally {
    await server.stop();
  }
});
