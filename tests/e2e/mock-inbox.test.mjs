// The inbox page of `amojo mock` (GET /) in a real Chromium, driven by playwright-core.
//
//   node --test tests/e2e/mock-inbox.test.mjs      (AMOJO_BIN=path/to/amojo to pick a binary)
//
// Starts the built `amojo mock` (target/debug/amojo, built first with cargo when AMOJO_BIN is
// not set) with a local hook receiver, signs requests with node:crypto (not this project's
// code), and checks that the page shows them with their verdicts (the 403's diagnosis, the
// 400's issues), and that replying, typing and reacting on the page deliver signed hooks
// whose HMAC over the raw body the receiver checks. Chromium and playwright-core come from
// tests/e2e/setup.mjs. Any request the page makes outside the mock fails the suite. A
// screenshot is saved to target/e2e/mock-inbox.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { execFileSync, spawn } from "node:child_process";
import { root, ensureChromium, loadPlaywright, CHROMIUM_ARGS, keepLocal } from "./setup.mjs";

const CHANNEL = "344a5002-f8ca-454d-af3d-396180102ac7";
const SECRET = "inbox-e2e-secret-77c1";
const ACCOUNT = "52e591f7-c98f-4255-8495-827210138c81";
const SCOPE = `${CHANNEL}_${ACCOUNT}`;
const artefacts = path.join(root, "target", "e2e");

let mock;
let origin;
let receiver;
const hooks = []; // {path, headers, raw}
const hookWaiters = [];
let context;
let page;
let profile;
let external = [];
const pageErrors = [];

// ---- an independent signer (node:crypto) ----------------------------------------------

function signed(method, pathname, body, secret = SECRET) {
  const raw = Buffer.from(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body));
  const date = new Date().toUTCString().replace("GMT", "+0000");
  const md5 = crypto.createHash("md5").update(raw).digest("hex");
  const canonical = [method, md5, "application/json", date, pathname].join("\n");
  const signature = crypto.createHmac("sha1", secret).update(canonical).digest("hex");
  return fetch(origin + pathname, {
    method,
    headers: { Date: date, "Content-Type": "application/json", "Content-MD5": md5, "X-Signature": signature },
    body: method === "GET" ? undefined : raw,
  });
}

function nextHook(count) {
  if (hooks.length >= count) return Promise.resolve(hooks[count - 1]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hook #${count} did not arrive (${hooks.length} did)`)), 10_000);
    hookWaiters.push({ count, resolve: (h) => { clearTimeout(timer); resolve(h); } });
  });
}

function verifiedHook(h, endpointKey) {
  const expected = crypto.createHmac("sha1", SECRET).update(h.raw).digest("hex");
  assert.equal(h.headers["x-signature"], expected, "X-Signature is HMAC-SHA1(secret, raw body)");
  assert.equal(h.headers["content-type"], "application/json");
  assert.equal(h.path, `/hook/${SCOPE}`);
  const body = JSON.parse(h.raw.toString("utf8"));
  assert.equal(body.account_id, ACCOUNT);
  if (endpointKey === "message") assert.ok(body.message?.message, JSON.stringify(body));
  else assert.ok(body.action?.[endpointKey], JSON.stringify(body));
  return body;
}

// ---- setup ----------------------------------------------------------------------------

function binary() {
  if (process.env.AMOJO_BIN) return process.env.AMOJO_BIN;
  execFileSync("cargo", ["build", "--quiet", "--locked", "-p", "amojo-cli"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  return path.join(root, "target", "debug", "amojo");
}

before(async () => {
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      hooks.push({ path: req.url, headers: req.headers, raw: Buffer.concat(chunks) });
      for (const w of hookWaiters.filter((w) => hooks.length >= w.count)) {
        hookWaiters.splice(hookWaiters.indexOf(w), 1);
        w.resolve(hooks[w.count - 1]);
      }
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook/:scope_id`;

  mock = spawn(binary(), ["mock", "--listen", "127.0.0.1:0", "--channel", `${CHANNEL}=${SECRET}`, "--hook-url", hookUrl], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: mock.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once("line", resolve);
    mock.once("exit", (code) => reject(new Error(`amojo mock exited ${code}`)));
  });
  const m = /^amojo mock: listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  assert.ok(m, `first line: ${first}`);
  origin = m[1];
  lines.on("line", () => {}); // keep reading the log

  const executablePath = ensureChromium();
  const { chromium } = loadPlaywright();
  fs.mkdirSync(artefacts, { recursive: true });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-mock-e2e-profile-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
  });
  external = await keepLocal(context, origin);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  page.setDefaultTimeout(10_000);
});

after(async () => {
  await context?.close();
  mock?.kill("SIGTERM");
  receiver?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

// ---- tests ----------------------------------------------------------------------------

test("the page shows a signed message and the verdicts of refused requests", async () => {
  let r = await signed("POST", `/v2/origin/custom/${CHANNEL}/connect`, { account_id: ACCOUNT, title: "Inbox test", hook_api_version: "v2" });
  assert.equal(r.status, 200, await r.text());
  const now = Math.floor(Date.now() / 1000);
  r = await signed("POST", `/v2/origin/custom/${SCOPE}`, {
    event_type: "new_message",
    payload: {
      timestamp: now, msec_timestamp: now * 1000, msgid: "node-1", conversation_id: "conv-node",
      sender: { id: "client-node", name: "Maria from Node" },
      message: { type: "text", text: "Hello from Node" },
    },
  });
  assert.equal(r.status, 200, await r.text());
  // A wrong secret (403) and a text message without text (400).
  r = await signed("POST", `/v2/origin/custom/${SCOPE}`, { event_type: "new_message", payload: {} }, "wrong-secret");
  assert.equal(r.status, 403);
  r = await signed("POST", `/v2/origin/custom/${SCOPE}`, {
    event_type: "new_message",
    payload: { msgid: "node-bad", conversation_id: "conv-node", sender: { id: "client-node", name: "Maria" }, message: { type: "text" } },
  });
  assert.equal(r.status, 400);

  await page.goto(`${origin}/`);
  await page.locator(".chat .name", { hasText: "Maria from Node" }).waitFor();
  await page.locator(".msg .msg-text", { hasText: "Hello from Node" }).waitFor();
  assert.match(await page.locator(".msg.in .badges").first().innerText(), /accepted · 200/);

  // The 403: its diagnosis, with the canonical string the mock expected.
  const denied = page.locator("tr.req[data-status='403']").first();
  assert.match(await denied.innerText(), /signature_mismatch/);
  await denied.click();
  const canonical = await page.locator("tr.detail pre.canonical").first().innerText();
  assert.ok(canonical.startsWith("POST\n") && canonical.endsWith(`/v2/origin/custom/${SCOPE}`), canonical);
  // The 400: its issues.
  const invalid = page.locator("tr.req[data-status='400']").first();
  assert.match(await invalid.innerText(), /\/payload\/message\/text/);
  const seq = await invalid.getAttribute("data-seq");
  await invalid.click();
  const issues = await page.locator(`tr.detail[data-seq='${seq}']`).innerText();
  assert.match(issues, /issues \(400\)[\s\S]*\/payload\/message\/text/);
});

test("reply, typing and react on the page reach the hook receiver, signed", async () => {
  await page.locator(".chat .name", { hasText: "Maria from Node" }).click();
  await page.fill("#reply-text", "Hi Maria, the manager here");
  await page.click("#reply-send");
  const body = verifiedHook(await nextHook(1), "message");
  assert.equal(body.message.message.text, "Hi Maria, the manager here");
  assert.equal(body.message.conversation.client_id, "conv-node");
  await page.locator("#last-hook", { hasText: "answered 200" }).waitFor();
  await page.locator(".msg.out .msg-text", { hasText: "Hi Maria, the manager here" }).waitFor();

  await page.click("#typing-send");
  const typing = verifiedHook(await nextHook(2), "typing");
  assert.equal(typing.action.typing.conversation.client_id, "conv-node");

  const incoming = page.locator(".msg.in", { hasText: "Hello from Node" });
  await incoming.locator(".react-btn").click();
  await incoming.locator(".picker button", { hasText: "👍" }).click();
  const reaction = verifiedHook(await nextHook(3), "reaction");
  assert.equal(reaction.action.reaction.type, "react");
  assert.equal(reaction.action.reaction.emoji, "👍");
  await page.locator(".msg.in .badge", { hasText: "👍" }).waitFor();

  await page.screenshot({ path: path.join(artefacts, "mock-inbox.png"), fullPage: true });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(external, [], "the page loaded something from elsewhere");
});
