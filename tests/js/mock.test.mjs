// amojo-kit/mock through its fetch: requests signed by an independent signer (node:crypto,
// tests/mock-msw/sign.mjs), the documented statuses and bodies, 403 with the reason for
// each kind of tampering, 400 with the issues, and the manager's actions as hooks whose
// X-Signature verifies with node:crypto over the raw body. Also listen() over real HTTP,
// hook delivery by URL, the clock, latency and injected failures, the options' errors,
// save/load, and a fault inside the emulator.
import test from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { pkgDir } from "./helpers.mjs";
import { signedRequest, signHeaders, hookSignatureOk, rfc2822, md5Hex, BASE } from "../mock-msw/sign.mjs";

const { createMock, AmojoMockError, version } = await import(pathToFileURL(path.join(pkgDir, "mock.mjs")).href);

const CHANNEL = "0b0e4a5c-6f0e-4b8e-9d43-2f6f8e1c9a01";
const SECRET = "mock-test-secret-4f1c";
const ACCOUNT = "acc-7e1d";
const SCOPE = `${CHANNEL}_${ACCOUNT}`;
const BOT = "f1910c7f-b1e0-4184-bd09-c7def2a9109a";
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

const scopePath = (rest = "") => `/v2/origin/custom/${SCOPE}${rest}`;

function setup(extra = {}) {
  const hooks = [];
  const clock = { now: NOW };
  const mock = createMock({
    channels: [{ id: CHANNEL, secret: SECRET, botId: BOT }],
    now: () => clock.now,
    onHook: async (request) => {
      hooks.push({ request, raw: new Uint8Array(await request.arrayBuffer()) });
      return new Response(null, { status: 200 });
    },
    ...extra,
  });
  const send = async (method, target, body, opts = {}) => {
    const res = await mock.fetch(signedRequest({ secret: SECRET, method, target, body, date: clock.now, ...opts }));
    const text = await res.text();
    return { status: res.status, type: res.headers.get("content-type"), text, json: text ? JSON.parse(text) : undefined };
  };
  return { mock, hooks, clock, send };
}

const connectBody = { account_id: ACCOUNT, title: "Test", hook_api_version: "v2" };

function incoming(msgid, conversationId, text, sender = "client-1") {
  return {
    event_type: "new_message",
    payload: {
      timestamp: Math.floor(NOW / 1000),
      msec_timestamp: NOW,
      msgid,
      conversation_id: conversationId,
      sender: { id: sender, name: "Example Client" },
      message: { type: "text", text },
    },
  };
}

test("the whole flow through fetch: connect, chat, send, edit, import, delivery status, history, typing, react, disconnect", async () => {
  const { mock, send } = setup();
  try {
    // connect: the documented body, scope_id = {channel_id}_{account_id}.
    let r = await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.type, "application/json");
    assert.deepEqual(r.json, { account_id: ACCOUNT, scope_id: SCOPE, title: "Test", hook_api_version: "v2", is_time_window_disabled: false });

    // create a chat; the same conversation_id again is the same chat.
    const chatBody = { conversation_id: "conv-1", user: { id: "client-1", name: "Example Client", profile: { phone: "79151112233" } } };
    r = await send("POST", scopePath("/chats"), chatBody);
    assert.equal(r.status, 200, r.text);
    const chatId = r.json.id;
    assert.match(chatId, /^[0-9a-f-]{36}$/);
    assert.equal(r.json.user.client_id, "client-1");
    assert.equal(r.json.user.name, "Example Client");
    assert.equal((await send("POST", scopePath("/chats"), chatBody)).json.id, chatId);

    // No message yet: history answers 204 with no body.
    r = await send("GET", scopePath(`/chats/${chatId}/history`));
    assert.deepEqual([r.status, r.text, r.type], [204, "", null]);

    // send: new_message{msgid (amoCRM's), ref_id (ours), conversation_id, sender_id, receiver_id}.
    r = await send("POST", scopePath(), incoming("m-1", "conv-1", "hello"));
    assert.equal(r.status, 200, r.text);
    const sent = r.json.new_message;
    assert.equal(sent.ref_id, "m-1");
    assert.equal(sent.conversation_id, "conv-1");
    assert.equal(sent.sender_id, "client-1");
    assert.equal(sent.receiver_id, null);
    const m1 = sent.msgid;
    // The same msgid again: the same message.
    assert.equal((await send("POST", scopePath(), incoming("m-1", "conv-1", "hello"))).json.new_message.msgid, m1);

    // edit by msgid.
    r = await send("POST", scopePath(), { event_type: "edit_message", payload: { msgid: "m-1", conversation_id: "conv-1", message: { type: "text", text: "hello, edited" } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.new_message.msgid, m1);

    // import: an outgoing message of the channel's bot, silent, an hour ago.
    r = await send("POST", scopePath(), {
      event_type: "new_message",
      payload: {
        timestamp: Math.floor(NOW / 1000) - 3600,
        msec_timestamp: NOW - 3_600_000,
        msgid: "imp-1",
        conversation_id: "conv-1",
        sender: { id: "bot", ref_id: BOT, name: "Bot" },
        receiver: { id: "client-1", name: "Example Client" },
        message: { type: "text", text: "imported" },
        silent: true,
      },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.new_message.sender_id, BOT);

    // delivery status: 200 without a body for a known message, 404 for an unknown one.
    r = await send("POST", scopePath(`/${m1}/delivery_status`), { status_code: 2 });
    assert.deepEqual([r.status, r.text], [200, ""]);
    r = await send("POST", scopePath("/unknown-message/delivery_status"), { status_code: 1 });
    assert.equal(r.status, 404);
    assert.equal(r.json.error, "message_not_found");

    // history: newest first; offset and limit.
    r = await send("GET", scopePath(`/chats/${chatId}/history`));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.messages.map((m) => m.message.text), ["hello, edited", "imported"]);
    r = await send("GET", scopePath(`/chats/${chatId}/history?offset=1&limit=1`));
    assert.deepEqual(r.json.messages.map((m) => m.message.text), ["imported"]);

    // typing: 204; react: 200 without a body.
    r = await send("POST", scopePath("/typing"), { conversation_id: "conv-1", sender: { id: "client-1" } });
    assert.deepEqual([r.status, r.text], [204, ""]);
    r = await send("POST", scopePath("/react"), { conversation_id: "conv-1", msgid: "m-1", user: { id: "client-1" }, type: "react", emoji: "👍" });
    assert.deepEqual([r.status, r.text], [200, ""]);

    // The state shows what was stored, and no secret.
    const state = await mock.state();
    const stored = state.messages.find((m) => m.ref_id === "m-1");
    assert.equal(stored.text, "hello, edited");
    assert.equal(stored.edits, 1);
    assert.equal(stored.delivery.status, 2);
    assert.equal(stored.reactions[0].emoji, "👍");
    assert.equal(state.messages.find((m) => m.ref_id === "imp-1").silent, true);
    assert.ok(!JSON.stringify(state).includes(SECRET));

    // The log: every request, in order, with its status and endpoint.
    const log = await mock.requests();
    assert.equal(log.length, 14);
    assert.deepEqual(log.slice(0, 3).map((e) => [e.method, e.status, e.endpoint]), [["POST", 200, "connect"], ["POST", 200, "create_chat"], ["POST", 200, "create_chat"]]);
    assert.equal(log.at(-1).endpoint, "react");

    // disconnect: 200 without a body; the scope's requests then get 404.
    r = await send("DELETE", `/v2/origin/custom/${CHANNEL}/disconnect`, { account_id: ACCOUNT });
    assert.deepEqual([r.status, r.text], [200, ""]);
    r = await send("POST", scopePath(), incoming("m-2", "conv-1", "after"));
    assert.equal(r.status, 404);
    assert.equal(r.json.error, "scope_not_found");

    // reset forgets everything.
    assert.deepEqual(await mock.reset(), { ok: true });
    assert.deepEqual(await mock.requests(), []);
  } finally {
    await mock.close();
  }
});

test("fetch takes what fetch takes, on any host: a URL and init, or a Request", async () => {
  const { mock } = setup();
  try {
    const body = JSON.stringify(connectBody);
    const target = `/v2/origin/custom/${CHANNEL}/connect`;
    const headers = signHeaders({ secret: SECRET, method: "POST", target, body, date: NOW });
    let res = await mock.fetch(`http://localhost:1234${target}`, { method: "POST", headers, body });
    assert.equal(res.status, 200);
    res = await mock.fetch(new URL(`https://amojo.kommo.com${target}`), { method: "POST", headers, body });
    assert.equal(res.status, 200);
    // Detached, as a fetch replacement is used.
    const { fetch } = mock;
    res = await fetch(new Request(`${BASE}${target}`, { method: "POST", headers, body }));
    assert.equal(res.status, 200);
    await assert.rejects(mock.fetch(42), (e) => e instanceof AmojoMockError && e.code === "invalid_argument");
  } finally {
    await mock.close();
  }
});

test("tampering gets 403 with the reason (and the diagnosis); the secret is in no answer", async () => {
  const { mock, clock, send } = setup();
  try {
    assert.equal((await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody)).status, 200);
    const target = scopePath();
    const body = JSON.stringify(incoming("t-1", "conv-t", "x"));
    const good = signHeaders({ secret: SECRET, method: "POST", target, body, date: NOW });
    const post = async (headers, b = body, t = target) => {
      const res = await mock.fetch(new Request(BASE + t, { method: "POST", headers, body: b }));
      const text = await res.text();
      assert.ok(!text.includes(SECRET), text);
      return { status: res.status, json: JSON.parse(text) };
    };
    const refused = async (reason, headers, b, t) => {
      const r = await post(headers, b, t);
      assert.equal(r.status, 403, JSON.stringify(r.json));
      assert.equal(r.json.error, reason, JSON.stringify(r.json));
      assert.ok(r.json.message.length > 0);
      return r.json;
    };

    // A body changed after signing: its MD5 is not the Content-MD5 signed.
    await refused("md5_mismatch", good, body.replace('"x"', '"y"'));
    // Another path than the one signed (same channel, so the secret is checked).
    const typing = JSON.stringify({ conversation_id: "conv-t", sender: { id: "a" } });
    const elsewhere = signHeaders({ secret: SECRET, method: "POST", target, body: typing, date: NOW });
    const b = await refused("signature_mismatch", elsewhere, typing, scopePath("/typing"));
    assert.equal(b.diagnosis.expected_canonical, `POST\n${md5Hex(typing)}\napplication/json\n${rfc2822(NOW)}\n${scopePath("/typing")}`);
    // The Date header changed after signing.
    await refused("signature_mismatch", { ...good, Date: rfc2822(NOW + 1000) });
    // Signed with another secret.
    await refused("signature_mismatch", signHeaders({ secret: "another-secret", method: "POST", target, body, date: NOW }));
    // A Date outside the 15-minute window, both ways (the mock's clock moved).
    clock.now = NOW + 901_000;
    assert.equal((await refused("stale_date", good)).skew, 901);
    clock.now = NOW - 901_000;
    await refused("future_date", good);
    clock.now = NOW;
    // A header missing.
    const { "X-Signature": _, ...unsigned } = good;
    await refused("missing_header", unsigned);
    // The untouched request passes.
    assert.equal((await post(good)).status, 200);

    const log = await mock.requests();
    assert.deepEqual(log.slice(1, 8).map((e) => e.reason), ["md5_mismatch", "signature_mismatch", "signature_mismatch", "signature_mismatch", "stale_date", "future_date", "missing_header"]);
  } finally {
    await mock.close();
  }
  // diagnose: false keeps the diagnosis out of 403 bodies.
  const quiet = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], diagnose: false, now: () => NOW });
  try {
    const res = await quiet.fetch(signedRequest({ secret: "wrong", target: `/v2/origin/custom/${CHANNEL}/connect`, body: connectBody, date: NOW }));
    const json = await res.json();
    assert.equal(res.status, 403);
    assert.equal(json.error, "signature_mismatch");
    assert.equal(json.diagnosis, undefined);
  } finally {
    await quiet.close();
  }
});

test("an invalid body gets 400 with every issue: path, code, message", async () => {
  const { mock, send } = setup();
  try {
    await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    const r = await send("POST", scopePath(), { event_type: "new_message", payload: { msgid: 5, conversation_id: "c", sender: { id: "x", name: "n" } } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, "invalid_request");
    assert.equal(r.json.endpoint, "send_message");
    const paths = r.json.errors.map((e) => e.path);
    assert.ok(paths.includes("/payload/msgid") && paths.includes("/payload/message"), r.text);
    for (const e of r.json.errors) {
      assert.equal(typeof e.code, "string");
      assert.equal(typeof e.message, "string");
    }
    assert.ok(Array.isArray(r.json.warnings));
    // Not JSON.
    const notJson = await send("POST", scopePath("/typing"), "{not json");
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.errors[0].code, "invalid_json");
    const log = await mock.requests();
    assert.equal(log[1].reason, "invalid_request");
    assert.equal(log[1].errors.length, r.json.errors.length);
  } finally {
    await mock.close();
  }
});

test("the manager's reply, typing, reaction and first message reach onHook as signed Requests", async () => {
  const { mock, hooks, send } = setup({ channels: [{ id: CHANNEL, secret: SECRET, botId: BOT, hookUrl: "http://integration.test/amojo/:scope_id" }] });
  try {
    await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    await send("POST", scopePath("/chats"), { conversation_id: "conv-1", user: { id: "client-1", name: "Example Client" } });
    await send("POST", scopePath(), incoming("m-1", "conv-1", "hello"));

    const answer = await mock.reply({ scope_id: SCOPE, conversation_id: "conv-1", text: "Hello from the manager" });
    assert.equal(answer.hook_status, 200);
    assert.equal(answer.hook_error, null);
    assert.equal(answer.hook.endpoint, "webhook_message");
    assert.equal(hooks.length, 1);
    const { request, raw } = hooks[0];
    assert.equal(request.method, "POST");
    // The channel's hook URL, :scope_id replaced: what the app's router sees.
    assert.equal(request.url, `http://integration.test/amojo/${SCOPE}`);
    assert.equal(request.headers.get("content-type"), "application/json");
    const signature = request.headers.get("x-signature");
    assert.match(signature, /^[0-9a-f]{40}$/);
    assert.ok(hookSignatureOk(SECRET, raw, signature), "X-Signature is HMAC-SHA1(secret, raw body)");
    assert.ok(!hookSignatureOk("another-secret", raw, signature));
    assert.equal(signature, answer.hook.signature);
    const hook = JSON.parse(Buffer.from(raw).toString("utf8"));
    assert.equal(hook.account_id, ACCOUNT);
    assert.equal(hook.message.message.text, "Hello from the manager");
    assert.equal(hook.message.conversation.client_id, "conv-1");
    assert.equal(hook.message.receiver.client_id, "client-1");
    assert.deepEqual(hook, answer.hook.body);

    // typing, react (to the client's message), write-first: each its hook, each signed.
    const typing = await mock.typing({ scope_id: SCOPE, conversation_id: "conv-1" });
    assert.equal(typing.hook.endpoint, "webhook_typing");
    const react = await mock.react({ scope_id: SCOPE, ref_id: "m-1", emoji: "🔥" });
    assert.equal(react.hook.endpoint, "webhook_reaction");
    const first = await mock.writeFirst({ scope_id: SCOPE, user: { name: "New Client", phone: "+79990000000" }, text: "We write first" });
    assert.equal(first.hook.endpoint, "webhook_message");
    assert.equal(hooks.length, 4);
    for (const h of hooks) {
      assert.ok(hookSignatureOk(SECRET, h.raw, h.request.headers.get("x-signature")));
    }
    const firstHook = JSON.parse(Buffer.from(hooks[3].raw).toString("utf8"));
    assert.equal(firstHook.message.conversation.client_id, undefined, "a chat the manager starts has no conversation.client_id");
    assert.equal(JSON.parse(Buffer.from(hooks[1].raw).toString("utf8")).action.typing.conversation.client_id, "conv-1");
    assert.equal(JSON.parse(Buffer.from(hooks[2].raw).toString("utf8")).action.reaction.emoji, "🔥");

    // A refused action throws AmojoMockError with the emulator's code and status.
    await assert.rejects(mock.reply({ scope_id: SCOPE, conversation_id: "nope", text: "x" }), (e) => e instanceof AmojoMockError && e.code === "chat_not_found" && e.status === 404);
    await assert.rejects(mock.reply({ scope_id: SCOPE, conversation_id: "conv-1" }), (e) => e.code === "bad_request" && e.status === 400);
    await assert.rejects(mock.reply("not an object"), (e) => e.code === "invalid_json");
    await assert.rejects(mock.reply(42), (e) => e instanceof AmojoMockError && e.code === "invalid_argument");
  } finally {
    await mock.close();
  }
});

test("onHook's answer is the hook's status; a throwing onHook is reported, not thrown", async () => {
  let answer = () => new Response(null, { status: 401 });
  const { mock, send } = setup({ onHook: () => answer() });
  try {
    await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    await send("POST", scopePath("/chats"), { conversation_id: "conv-1", user: { id: "client-1", name: "C" } });
    assert.equal((await mock.reply({ scope_id: SCOPE, conversation_id: "conv-1", text: "a" })).hook_status, 401);
    answer = () => 202;
    assert.equal((await mock.reply({ scope_id: SCOPE, conversation_id: "conv-1", text: "b" })).hook_status, 202);
    answer = () => undefined;
    assert.equal((await mock.reply({ scope_id: SCOPE, conversation_id: "conv-1", text: "c" })).hook_status, 200);
    answer = () => {
      throw new RangeError("handler broke");
    };
    const r = await mock.reply({ scope_id: SCOPE, conversation_id: "conv-1", text: "d" });
    assert.equal(r.hook_status, null);
    assert.match(r.hook_error, /onHook threw: RangeError: handler broke/);
    // The message was stored all the same (amoCRM does not take it back).
    assert.equal((await mock.state()).messages.length, 4);
  } finally {
    await mock.close();
  }
});

/** A local hook receiver: records each hook and checks its signature independently. */
async function receiver(status = 200) {
  const got = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      got.push({ url: req.url, raw, signature: req.headers["x-signature"], type: req.headers["content-type"] });
      res.writeHead(status).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { got, port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("without onHook, hooks are POSTed to the channel's hookUrl; an unreachable one is reported", async () => {
  const hookServer = await receiver(200);
  const closedPort = await receiver();
  await closedPort.close();
  const mock = createMock({
    channels: [
      { id: CHANNEL, secret: SECRET, hookUrl: `http://127.0.0.1:${hookServer.port}/amojo/:scope_id` },
      { id: "second-channel", secret: "second-secret", hookUrl: `http://127.0.0.1:${closedPort.port}/h` },
      { id: "third-channel", secret: "third-secret" },
    ],
    now: () => NOW,
  });
  const send = (secret, target, body) => mock.fetch(signedRequest({ secret, target, body, date: NOW }));
  try {
    for (const [id, secret] of [[CHANNEL, SECRET], ["second-channel", "second-secret"], ["third-channel", "third-secret"]]) {
      assert.equal((await send(secret, `/v2/origin/custom/${id}/connect`, connectBody)).status, 200);
      assert.equal((await send(secret, `/v2/origin/custom/${id}_${ACCOUNT}/chats`, { conversation_id: "c", user: { id: "u", name: "U" } })).status, 200);
    }
    const ok = await mock.reply({ scope_id: SCOPE, conversation_id: "c", text: "to the URL" });
    assert.equal(ok.hook_status, 200);
    assert.equal(hookServer.got.length, 1);
    const h = hookServer.got[0];
    assert.equal(h.url, `/amojo/${SCOPE}`);
    assert.equal(h.type, "application/json");
    assert.ok(hookSignatureOk(SECRET, h.raw, h.signature));
    assert.equal(JSON.parse(h.raw).message.message.text, "to the URL");

    const refused = await mock.reply({ scope_id: `second-channel_${ACCOUNT}`, conversation_id: "c", text: "nobody home" });
    assert.equal(refused.hook_status, null);
    assert.match(refused.hook_error, /ECONNREFUSED|fetch failed/);
    const nowhere = await mock.reply({ scope_id: `third-channel_${ACCOUNT}`, conversation_id: "c", text: "no URL" });
    assert.equal(nowhere.hook_status, null);
    assert.match(nowhere.hook_error, /no `hookUrl`/);
  } finally {
    await mock.close();
    await hookServer.close();
  }
});

/** One HTTP request to the mock's server; the target exactly as given. */
function request(port, method, target, headers, body = "") {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: target, headers: { ...headers, "Content-Length": Buffer.byteLength(body) }, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode, headers: res.headers, text, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on("error", (e) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    req.end(body);
  });
}

test("listen(): the API and /_mock/ over real HTTP on 127.0.0.1, the path as sent, 413 past the limit", async () => {
  const { mock } = setup({ maxBodyBytes: 4096 });
  const server = await mock.listen();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    const post = (target, bodyValue, method = "POST") => {
      const body = typeof bodyValue === "string" ? bodyValue : JSON.stringify(bodyValue);
      return request(server.port, method, target, signHeaders({ secret: SECRET, method, target, body, date: NOW }), body);
    };
    let r = await post(`/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.scope_id, SCOPE);
    r = await post(scopePath("/chats"), { conversation_id: "conv-1", user: { id: "client-1", name: "C" } });
    assert.equal(r.status, 200, r.text);
    // The request-target byte for byte: a path the fetch URL parser would rewrite
    // (`%7e` stays as sent) is signed and checked as sent.
    r = await post(`/v2/origin/custom/${SCOPE}/chats/%7enot-a-chat/history`, "", "GET");
    assert.equal(r.status, 204, r.text);
    // The control API, JSON in and out.
    r = await request(server.port, "POST", "/_mock/reply", { "Content-Type": "application/json" }, JSON.stringify({ scope_id: SCOPE, conversation_id: "conv-1", text: "over HTTP" }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.hook_status, 200);
    r = await request(server.port, "GET", "/_mock/requests", {});
    assert.equal(r.status, 200);
    assert.equal(r.json.requests.length, 3);
    r = await request(server.port, "GET", "/_mock/nothing-here", {});
    assert.equal(r.status, 404);
    assert.equal(r.json.error, "unknown_control");
    // Past the limit: 413, and the connection closes (the rest is unread).
    const big = JSON.stringify({ ...incoming("big", "conv-1", "x".repeat(10_000)) });
    r = await post(scopePath(), big);
    assert.equal(r.status, 413);
    assert.equal(r.headers.connection, "close");
    // Still serving.
    r = await request(server.port, "GET", "/_mock/state", {});
    assert.equal(r.status, 200);
  } finally {
    await server.close();
    await mock.close();
  }
  await assert.rejects(mock.listen(), (e) => e instanceof AmojoMockError && e.code === "closed");
  const other = createMock({ channels: [{ id: CHANNEL, secret: SECRET }] });
  await assert.rejects(other.listen(70000), (e) => e.code === "invalid_argument");
  await assert.rejects(other.listen(1.5), (e) => e.code === "invalid_argument");
  await other.close();
});

test("close() stops every server it started and the mock", async () => {
  const { mock } = setup();
  const a = await mock.listen();
  await mock.close();
  await assert.rejects(request(a.port, "GET", "/_mock/state", {}), (e) => e.code === "ECONNREFUSED");
  await assert.rejects(mock.fetch(`${BASE}/x`), (e) => e instanceof AmojoMockError && e.code === "closed");
  await assert.rejects(mock.state(), (e) => e.code === "closed");
  await mock.close(); // twice is fine
  await a.close();
  // A request waiting out its latency when close() runs fails with `closed`.
  const slow = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], latencyMs: 100 });
  const pending = slow.fetch(signedRequest({ secret: SECRET, target: `/v2/origin/custom/${CHANNEL}/connect`, body: connectBody }));
  await new Promise((resolve) => setTimeout(resolve, 10));
  await slow.close();
  await assert.rejects(pending, (e) => e instanceof AmojoMockError && e.code === "closed");
});

test("now: the emulator's clock (a skew makes a correct Date stale); latencyMs; failRate", async () => {
  const skewed = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], now: () => Date.now() + 20 * 60_000 });
  try {
    const res = await skewed.fetch(signedRequest({ secret: SECRET, target: `/v2/origin/custom/${CHANNEL}/connect`, body: connectBody }));
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error, "stale_date");
    // Its answers carry its own Date, as a server with a skewed clock would send it.
    const said = Date.parse(res.headers.get("date"));
    assert.ok(Math.abs(said - (Date.now() + 20 * 60_000)) < 5_000, res.headers.get("date"));
  } finally {
    await skewed.close();
  }
  const slow = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], latencyMs: 150 });
  try {
    const t0 = performance.now();
    const res = await slow.fetch(signedRequest({ secret: SECRET, target: `/v2/origin/custom/${CHANNEL}/connect`, body: connectBody }));
    assert.equal(res.status, 200);
    assert.ok(performance.now() - t0 >= 140);
    // The control API is not slowed down.
    const t1 = performance.now();
    await slow.state();
    assert.ok(performance.now() - t1 < 100);
  } finally {
    await slow.close();
  }
  // failRate: ⌊n·p⌋ of the first n requests fail, evenly spread, never reaching the emulator.
  const failing = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], failRate: 0.5 });
  try {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await failing.fetch(signedRequest({ secret: SECRET, target: `/v2/origin/custom/${CHANNEL}/connect`, body: connectBody }));
      statuses.push(res.status);
      if (res.status === 503) {
        assert.equal((await res.json()).error, "injected_failure");
      }
    }
    assert.deepEqual(statuses, [200, 503, 200, 503, 200, 503]);
    assert.equal((await failing.requests()).length, 3);
    // The control API never fails.
    assert.ok(await failing.state());
  } finally {
    await failing.close();
  }
  const broken = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], now: () => "soon" });
  await assert.rejects(broken.fetch(signedRequest({ secret: SECRET, target: "/x", body: "" })), (e) => e instanceof AmojoMockError && e.code === "invalid_option" && /`now` must return/.test(e.message));
  await broken.close();
});

test("onLog receives each API request's log entry", async () => {
  const entries = [];
  const { mock, send } = setup({ onLog: (e) => entries.push(e) });
  try {
    await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    await send("POST", scopePath(), { event_type: "new_message", payload: {} });
    assert.deepEqual(entries.map((e) => [e.status, e.endpoint]), [[200, "connect"], [400, "send_message"]]);
    assert.ok(entries[1].errors.length > 0);
    assert.equal(entries[0].time_ms, NOW);
  } finally {
    await mock.close();
  }
});

test("save() and createMock({ saved }): the state carries over, without the secrets", async () => {
  const { mock, send } = setup();
  let saved;
  try {
    await send("POST", `/v2/origin/custom/${CHANNEL}/connect`, connectBody);
    await send("POST", scopePath(), incoming("m-1", "conv-1", "kept"));
    saved = await mock.save();
    assert.ok(saved instanceof Uint8Array);
    assert.ok(!Buffer.from(saved).toString("utf8").includes(SECRET));
  } finally {
    await mock.close();
  }
  const again = createMock({ channels: [{ id: CHANNEL, secret: SECRET }], saved, now: () => NOW });
  try {
    const state = await again.state();
    assert.equal(state.messages[0].text, "kept");
    // Connected still: a message to the scope is accepted.
    const res = await again.fetch(signedRequest({ secret: SECRET, target: scopePath(), body: incoming("m-2", "conv-1", "more"), date: NOW }));
    assert.equal(res.status, 200);
  } finally {
    await again.close();
  }
  assert.throws(() => createMock({ channels: [{ id: CHANNEL, secret: SECRET }], saved: "not a state" }), (e) => e instanceof AmojoMockError && e.code === "invalid_state");
  assert.throws(() => createMock({ channels: [{ id: "another", secret: SECRET }], saved }), (e) => e.code === "invalid_state");
});

test("bad options throw AmojoMockError (a TypeError) with a code, and never show a secret", () => {
  // Not identifier-like: option names that are (`hookUrl`, `onHook`) are shown to help.
  const SECRETISH = "sk-live-0123456789abcdef";
  const cases = [
    [undefined, "missing_option"],
    ["options", "invalid_option"],
    [{}, "missing_option"],
    [{ channels: [] }, "no_channel"],
    [{ channels: {} }, "invalid_option"],
    [{ channels: [SECRETISH] }, "invalid_channel"],
    [{ channels: [{ id: CHANNEL }] }, "invalid_channel"],
    [{ channels: [{ id: CHANNEL, secret: "" }] }, "empty_secret"],
    [{ channels: [{ id: CHANNEL, secret: 12345 }] }, "invalid_channel"],
    [{ channels: [{ id: "", secret: SECRETISH }] }, "empty_channel_id"],
    [{ channels: [{ id: SECRETISH, secret: SECRETISH }, { id: SECRETISH, secret: "b" }] }, "duplicate_channel"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH, hookUrl: SECRETISH }] }, "invalid_channel"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH, hookUrl: `ftp://x/${SECRETISH}` }] }, "invalid_channel"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH, botId: 7 }] }, "invalid_channel"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH, [SECRETISH]: 1 }] }, "unknown_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], [SECRETISH]: 1 }, "unknown_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], secret: SECRETISH }, "unknown_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], onHook: SECRETISH }, "invalid_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], now: Date.now() }, "invalid_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], latencyMs: -1 }, "invalid_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], failRate: 1.5 }, "invalid_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], maxLog: 0.5 }, "invalid_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], diagnose: "yes" }, "invalid_option"],
    [{ channels: [{ id: CHANNEL, secret: SECRETISH }], saved: 42 }, "invalid_option"],
  ];
  for (const [options, code] of cases) {
    assert.throws(() => createMock(options), (e) => {
      assert.ok(e instanceof AmojoMockError && e instanceof TypeError, `${code}: ${e}`);
      assert.equal(e.name, "AmojoMockError");
      assert.equal(e.code, code, e.message);
      assert.ok(!e.message.includes(SECRETISH), e.message);
      assert.ok(!e.message.includes("0123456789"), e.message);
      return true;
    }, code);
  }
  // Secrets as bytes are fine.
  const m = createMock({ channels: [{ id: CHANNEL, secret: new TextEncoder().encode(SECRET) }, { id: "b", secret: Buffer.from("x") }, { id: "c", secret: new Uint16Array([1]).buffer }] });
  return m.close();
});

test("a fault inside the emulator is an `internal` Error, never a RuntimeError; the mock carries on", async () => {
  const require = createRequire(import.meta.url);
  const glue = require(path.join(pkgDir, "wasm", "mock", "glue.cjs"));
  const instantiate = glue.instantiate;
  let trap = true;
  glue.instantiate = (m) => {
    const exports = instantiate(m);
    const handle = exports.RawMock.prototype.handle;
    exports.RawMock.prototype.handle = function (...args) {
      if (trap) {
        trap = false;
        throw new WebAssembly.RuntimeError("unreachable");
      }
      return handle.apply(this, args);
    };
    return exports;
  };
  let mock;
  try {
    mock = createMock({ channels: [{ id: CHANNEL, secret: SECRET }] });
  } finally {
    glue.instantiate = instantiate;
  }
  try {
    const request = () => signedRequest({ secret: SECRET, target: `/v2/origin/custom/${CHANNEL}/connect`, body: connectBody });
    await assert.rejects(mock.fetch(request()), (e) => {
      assert.ok(!(e instanceof WebAssembly.RuntimeError));
      assert.equal(e.code, "internal");
      assert.match(e.message, /restarted with an empty state/);
      return true;
    });
    assert.equal((await mock.fetch(request())).status, 200);
  } finally {
    await mock.close();
  }
});

test("the CommonJS entry is the same API", () => {
  const require = createRequire(import.meta.url);
  const cjs = require(path.join(pkgDir, "mock.cjs"));
  assert.deepEqual(Object.keys(cjs).sort(), ["AmojoMockError", "createMock", "version"]);
  assert.equal(cjs.version, version);
  const m = cjs.createMock({ channels: [{ id: CHANNEL, secret: SECRET }] });
  assert.deepEqual(Object.keys(m).sort(), ["close", "fetch", "listen", "react", "reply", "requests", "reset", "save", "state", "typing", "writeFirst"]);
  return m.close();
});
