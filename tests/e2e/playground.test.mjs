// End-to-end tests of the playground (www/) in a real Chromium, driven by playwright-core.
//
//   make pkg && node --test tests/e2e/
//
// The test builds www/pkg/ from pkg/ (scripts/build-playground.mjs), starts the static
// server (scripts/serve-playground.mjs) on a free localhost port, and installs what is
// missing first (tests/e2e/setup.mjs): Debian's chromium through apt-get, playwright-core
// through npm into target/tools/e2e. Any request the page makes outside the local server is
// blocked and fails the suite. A screenshot is saved to target/e2e/playground.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { root, ensureChromium, loadPlaywright, CHROMIUM_ARGS, keepLocal } from "./setup.mjs";
import { serve } from "../../scripts/serve-playground.mjs";

const vectors = JSON.parse(fs.readFileSync(path.join(root, "tests/vectors/docs_requests.json"), "utf8"));
const CONNECT = vectors.find((v) => v.name === "step-by-step/connect");
const SECRET = "test-secret";
const artefacts = path.join(root, "target", "e2e");
const hmac = (key, text) => crypto.createHmac("sha1", key).update(text, "utf8").digest("hex");

let server;
let origin;
let context;
let page;
let profile;
let external = []; // requests that left localhost (blocked)
const pageErrors = [];

before(async () => {
  if (!fs.existsSync(path.join(root, "pkg", "web.mjs"))) {
    throw new Error("pkg/ is missing: run `make pkg` first (the playground loads the built package)");
  }
  execFileSync(process.execPath, [path.join(root, "scripts", "build-playground.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
  const executablePath = ensureChromium();
  const { chromium } = loadPlaywright();

  const started = await serve({ port: 0 });
  server = started.server;
  origin = new URL(started.url).origin;

  fs.mkdirSync(artefacts, { recursive: true });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-e2e-profile-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
  });
  external = await keepLocal(context, origin);
  context.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith("data:") && !external.includes(url)) {
      external.push(url);
    }
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(10_000);
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready='true']");
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) {
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

// ---- helpers --------------------------------------------------------------------------

async function pick(endpoint, template) {
  await page.selectOption("#endpoint", endpoint);
  if (template) {
    await page.selectOption("#template", template);
  }
  assert.equal(await page.inputValue("#endpoint"), endpoint);
}

const editorValue = () => page.inputValue("#editor");

/** Selects [start, end) of the editor's text, with the editor focused. */
async function selectInEditor(start, end) {
  await page.focus("#editor");
  await page.evaluate(([s, e]) => document.getElementById("editor").setSelectionRange(s, e), [start, end]);
}

const issue = (p, code) => page.locator(`#issues li[data-path="${p}"][data-code="${code}"]`);

async function setLang(lang) {
  await page.click(`[data-lang="${lang}"]`);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

// ---- tests ----------------------------------------------------------------------------

test("the page loads the wasm core from localhost and lists every endpoint with its templates", async () => {
  const endpoints = await page.$$eval("#endpoint option", (os) => os.map((o) => o.value));
  assert.deepEqual(endpoints, [
    "connect", "disconnect", "create_chat", "send_message", "delivery_status", "history",
    "typing", "react", "webhook_message", "webhook_typing", "webhook_reaction", "webhook_message_v1",
    "connect_response", "create_chat_response", "send_message_response", "history_response",
  ]);
  for (const ep of endpoints) {
    await page.selectOption("#endpoint", ep);
    const options = await page.$$eval("#template option", (os) => os.map((o) => o.value));
    assert.ok(options.length > 0, `${ep} has templates`);
    // Every template of every endpoint is valid as shipped.
    for (const id of options) {
      await page.selectOption("#template", id);
      assert.match(await page.textContent("#status"), /✓/, `${id} is valid`);
      assert.equal(await page.locator("#issues li.error").count(), 0, `${id} has no errors`);
    }
  }
  await page.selectOption("#endpoint", "send_message");
  const ids = await page.$$eval("#template option", (os) => os.map((o) => o.value));
  for (const type of ["picture", "file", "video", "voice", "audio", "sticker", "location", "contact"]) {
    assert.ok(ids.includes(`send_message/${type}`), `a ${type} template`);
  }
  for (const id of ["api-reference/send_message/incoming", "api-reference/send_message/edit_text", "api-reference/send_message/outgoing_manager", "import/send_message_client"]) {
    assert.ok(ids.includes(id), `template ${id}`);
  }
  assert.match(await page.textContent("#version"), /^amojo-kit \d+\.\d+\.\d+/);
});

test("a picture without file_size: the error is listed at /payload/message/file_size and highlighted", async () => {
  await pick("send_message", "send_message/picture");
  assert.equal(await page.locator("#issues li.error").count(), 0);
  const text = await editorValue();
  const from = text.indexOf('"photo.jpg"') + '"photo.jpg"'.length; // keep no trailing comma
  const to = text.indexOf("102400") + "102400".length;
  assert.ok(from > 20 && to > from);
  await selectInEditor(from, to);
  await page.keyboard.press("Backspace");
  assert.ok(!(await editorValue()).includes("file_size"));

  const item = issue("/payload/message/file_size", "required");
  await item.waitFor();
  assert.match(await item.locator(".msg").textContent(), /file_size/);
  assert.match(await page.textContent("#status"), /1 error/);
  // The overlay marks the object that lacks the field, from its key.
  const marks = await page.$$eval("#overlay mark.err", (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.some((m) => m.startsWith('"message"')), `highlight on "message": ${JSON.stringify(marks)}`);
  assert.equal(await page.locator("#gutter .err").count(), 1);
  // Clicking the issue puts the caret there and marks it active.
  await item.locator("button").click();
  const caret = await page.evaluate(() => document.getElementById("editor").selectionStart);
  const value = await editorValue();
  assert.equal(value.slice(caret, caret + 9), '"message"');
  assert.equal(await page.locator("#overlay mark.active").count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.id), "editor");
});

test("a type error is highlighted on the value; switching to Russian translates the messages", async () => {
  await pick("send_message", "send_message/picture");
  const text = await editorValue();
  const at = text.indexOf("102400");
  await selectInEditor(at, at + 6);
  await page.keyboard.type('"1024"');
  const item = issue("/payload/message/file_size", "type");
  await item.waitFor();
  const marks = await page.$$eval("#overlay mark.err", (ms) => ms.map((m) => m.textContent));
  assert.deepEqual(marks, ['"file_size": "1024"']);

  await setLang("ru");
  assert.match(await item.textContent(), /[а-яё]/i, "the message is in Russian");
  assert.match(await item.textContent(), /file_size/);
  assert.equal(await page.textContent("#tab-sign"), "Подпись");
  await setLang("en");
  assert.doesNotMatch(await item.textContent(), /[а-яё]/i, "back in English");
});

test("invalid JSON: the syntax error is shown with its line and column", async () => {
  await pick("connect", "step-by-step/connect");
  await page.fill("#editor", '{\n  "account_id": "52e591f7-c98f-4255-8495-827210138c81",\n  "title": \n}');
  const item = page.locator('#issues li[data-code="invalid_json"]');
  await item.waitFor();
  const where = item.locator(".where");
  assert.equal(await where.getAttribute("data-line"), "4");
  assert.equal(await where.getAttribute("data-column"), "1");
  assert.equal(await where.textContent(), "Line 4, column 1");
  assert.equal(await page.locator("#overlay mark.err").count(), 1);
  await setLang("ru");
  assert.equal(await where.textContent(), "Строка 4, столбец 1");
  assert.match(await item.textContent(), /строка 4, столбец 1/);
  await setLang("en");
  // Format refuses to touch broken JSON and says where the problem is.
  await page.click("#format");
  assert.match(await page.textContent("#status"), /line 4, column 1/);
});

test("keyboard: Tab and Shift+Tab indent in the editor, Esc then Tab leaves it, Format keeps tokens", async () => {
  await pick("connect", "step-by-step/connect");
  await selectInEditor(0, 0);
  await page.keyboard.press("Tab");
  assert.ok((await editorValue()).startsWith("  {"));
  await page.keyboard.press("Shift+Tab");
  assert.ok((await editorValue()).startsWith("{"));
  assert.equal(await page.evaluate(() => document.activeElement.id), "editor");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.notEqual(await page.evaluate(() => document.activeElement.id), "editor");

  await page.fill("#editor", '{"account_id":"a\\/b","title":"T","n":1.0,"hook_api_version":"v2"}');
  await page.click("#format");
  assert.equal(await editorValue(), '{\n  "account_id": "a\\/b",\n  "title": "T",\n  "n": 1.0,\n  "hook_api_version": "v2"\n}');
});

test("signs the chat-step-by-step connect example: the docs' Content-MD5 and our HMAC", async () => {
  await pick("connect", "step-by-step/connect");
  await page.fill("#secret", SECRET);
  assert.equal(await page.getAttribute("#secret", "type"), "password");
  await page.check('input[name="date-mode"][value="fixed"]');
  await page.fill("#date", CONNECT.date);
  await page.check('input[name="style"][value="php"]');
  assert.equal(await page.textContent("#path-out"), CONNECT.path);
  await page.focus("#editor");
  await page.keyboard.press("Control+Enter"); // the shortcut signs

  const header = (name) => page.textContent(`#out-headers tr[data-header="${name}"] code.value`);
  await page.waitForSelector("#out-headers");
  assert.equal(await header("Date"), CONNECT.date);
  assert.equal(await header("Content-Type"), "application/json");
  assert.equal(await header("Content-MD5"), "2fbcb3c652b61e24e004daddfc73d0ce");
  assert.equal(await page.locator('#out-headers tr[data-header="Content-MD5"] .badge.ok').count(), 1, "marked as equal to the docs");
  const canonical = await page.textContent("#out-canonical");
  assert.equal(canonical, CONNECT.canonical);
  assert.equal(await header("X-Signature"), hmac(SECRET, CONNECT.canonical));
  assert.equal(await page.textContent("#out-body"), CONNECT.php_json);

  const curl = await page.textContent("#out-curl");
  assert.ok(curl.startsWith(`curl -X POST '${CONNECT.url}'`), curl);
  assert.ok(curl.includes(`-H 'X-Signature: ${hmac(SECRET, CONNECT.canonical)}'`));
  assert.ok(curl.includes(`--data-binary '${CONNECT.php_json}'`));
  const snippet = await page.textContent("#out-fetch");
  assert.ok(snippet.includes(`fetch(${JSON.stringify(CONNECT.url)}`));
  assert.ok(snippet.includes(`body: ${JSON.stringify(CONNECT.php_json)}`));
  assert.ok(snippet.includes(`"Content-MD5": "2fbcb3c652b61e24e004daddfc73d0ce"`));

  // The secret appears in no output, and is stored nowhere unless the user opts in.
  assert.ok(!(await page.textContent("#sign-out")).includes(SECRET));
  const stored = () => page.evaluate(() => JSON.stringify({ ...localStorage }) + document.cookie);
  assert.ok(!(await stored()).includes(SECRET));
  assert.ok(await page.isVisible("#secret-warning"));
  assert.match(await page.textContent("#secret-warning"), /production secret/);
  await page.check("#remember");
  assert.ok((await stored()).includes(SECRET));
  await page.uncheck("#remember");
  assert.ok(!(await stored()).includes(SECRET));
});

test("diagnose: the signed request verifies; with `; charset=utf-8` added, content_type_rewritten", async () => {
  await page.click("#tab-diagnose");
  await page.click("#diag-load");
  assert.equal(await page.inputValue("#diag-path"), CONNECT.path);
  await page.uncheck("#diag-clock"); // a 2021 Date: judge the signature, not the clock
  await page.click("#diagnose");
  await page.waitForSelector('#diag-verdict[data-ok="true"]');

  const headers = await page.inputValue("#diag-headers");
  assert.ok(headers.includes("Content-Type: application/json\n"));
  await page.fill("#diag-headers", headers.replace("Content-Type: application/json", "Content-Type: application/json; charset=utf-8"));
  await page.focus("#diag-body");
  await page.keyboard.press("Control+Enter"); // runs the diagnosis of the focused panel
  await page.waitForSelector('#diag-verdict[data-ok="false"]');
  assert.equal(await page.getAttribute("#diag-verdict", "data-reason"), "signature_mismatch");
  const finding = page.locator('#diag-findings li[data-code="content_type_rewritten"]');
  assert.equal(await finding.count(), 1);
  assert.equal(await finding.getAttribute("data-component"), "content_type");
  assert.match(await finding.textContent(), /charset=utf-8/);
  assert.equal(await page.locator("#diag-canonical .line.flagged").textContent(), "application/json; charset=utf-8");

  await page.locator("#panel-diagnose").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artefacts, "diagnose.png") });

  // With the clock checked, a 2021 Date is stale.
  await page.check("#diag-clock");
  await page.click("#diagnose");
  await page.waitForSelector('#diag-verdict[data-reason="stale_date"]');

  // A raw HTTP request pasted whole is split into the fields; here the sender signed the
  // path with its query string.
  const signedWithQuery = `${CONNECT.path}?debug=1`;
  const canonicalWithQuery = CONNECT.canonical.replace(CONNECT.path, signedWithQuery);
  const raw = [
    `POST ${signedWithQuery} HTTP/1.1`,
    "Host: amojo.amocrm.ru",
    `Date: ${CONNECT.date}`,
    "Content-Type: application/json",
    `Content-MD5: ${CONNECT.content_md5}`,
    `X-Signature: ${hmac(SECRET, canonicalWithQuery)}`,
    "",
    CONNECT.php_json,
  ].join("\r\n");
  await page.click(".raw-paste summary");
  await page.fill("#diag-raw", raw);
  await page.click("#diag-split");
  assert.equal(await page.inputValue("#diag-path"), signedWithQuery);
  assert.equal(await page.inputValue("#diag-body"), CONNECT.php_json);
  await page.uncheck("#diag-clock");
  await page.click("#diagnose");
  await page.waitForSelector('#diag-verdict[data-ok="false"]');
  assert.equal(await page.locator('#diag-findings li[data-code="signed_with_query"]').count(), 1);
});

test("webhook: verifies with the right signature, rejects a wrong one, validates the body", async () => {
  await pick("webhook_message", "step-by-step/webhook_message");
  await page.click("#tab-sign");
  await page.check('input[name="style"][value="compact"]'); // "Use the editor's body" serializes in this style
  await page.click("#tab-webhook");
  await page.click("#hook-from-editor");
  const body = await page.inputValue("#hook-body");
  assert.ok(body.startsWith('{"account_id":"52e591f7-c98f-4255-8495-827210138c81"'));
  const good = hmac(SECRET, body);

  await page.fill("#hook-sig", good);
  await page.click("#hook-verify");
  await page.waitForSelector('#hook-verdict[data-ok="true"]');
  assert.match(await page.textContent("#hook-out h3"), /webhook_message/);
  assert.match(await page.textContent("#hook-validity"), /✓/);

  const bad = (good[0] === "0" ? "1" : "0") + good.slice(1);
  await page.fill("#hook-sig", bad);
  await page.click("#hook-verify");
  await page.waitForSelector('#hook-verdict[data-ok="false"]');
  assert.equal(await page.getAttribute("#hook-verdict", "data-reason"), "signature_mismatch");

  await page.screenshot({ path: path.join(artefacts, "webhook.png") });

  // "Compute X-Signature" gives what amoCRM would send: the same HMAC.
  await page.click("#hook-sign");
  assert.equal(await page.inputValue("#hook-sig"), good);

  // A hook whose body breaks a rule: still verified, and the problem is listed.
  const broken = body.replace('"file_size":0', '"file_size":"0"');
  assert.notEqual(broken, body);
  await page.fill("#hook-body", broken);
  await page.fill("#hook-sig", hmac(SECRET, broken));
  await page.click("#hook-verify");
  await page.waitForSelector('#hook-verdict[data-ok="true"]');
  assert.equal(await page.locator('#hook-issues li[data-path="/message/message/file_size"][data-code="type"]').count(), 1);

  // A v1 hook (the flat body) is recognised by the core and validated as such.
  const v1 = '{"receiver":"b55770b5","conversation_id":"a4a5ab10","msec_timestamp":1596470952116,"type":"text","text":"?","media":"","thumbnail":"","file_name":"","file_size":0}';
  await page.fill("#hook-body", v1);
  await page.fill("#hook-sig", hmac(SECRET, v1));
  await page.click("#hook-verify");
  await page.waitForSelector('#hook-verdict[data-ok="true"]');
  assert.match(await page.textContent("#hook-out h3"), /webhook_message_v1/);
  assert.match(await page.textContent("#hook-validity"), /✓/);
});

test("responses: no route, not signed, validated like hooks", async () => {
  await pick("send_message_response", "responses/send_message");
  assert.equal(await page.textContent("#route-method"), "200");
  assert.match(await page.textContent("#route-path"), /POST \/v2\/origin\/custom\/\{scope_id\}/);
  assert.match(await page.textContent("#status"), /✓/);
  await page.click("#tab-sign");
  await page.click("#sign");
  assert.match(await page.textContent("#sign-out"), /not signed/);
});

test("screenshot: a broken payload signed anyway (target/e2e/playground.png)", async () => {
  await pick("send_message", "send_message/picture");
  const text = await editorValue();
  const from = text.indexOf('"photo.jpg"') + '"photo.jpg"'.length;
  const to = text.indexOf("102400") + "102400".length;
  await selectInEditor(from, to);
  await page.keyboard.press("Backspace");
  const at = (await editorValue()).indexOf('"sender"');
  await selectInEditor(at, at + '"sender"'.length);
  await page.keyboard.type('"sendr"');
  await page.click("#tab-sign");
  await page.check('input[name="style"][value="compact"]');
  await page.click("#sign");
  await page.waitForSelector('[data-kind="would-reject"]');
  assert.equal(await page.locator("#issues li.error").count(), 2); // file_size and sender
  assert.ok(await page.locator('#issues li[data-code="unknown_field"]').count() >= 1); // sendr → did you mean sender
  await page.evaluate(() => window.scrollTo(0, 0));
  const file = path.join(artefacts, "playground.png");
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(fs.statSync(file).size > 10_000);
});

test("the page made no request outside localhost and threw no error", () => {
  assert.deepEqual(external, []);
  assert.deepEqual(pageErrors, []);
});
