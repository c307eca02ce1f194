// examples/integration (issue 15): the one-command demo, run as a user runs it, against
// amojo-kit/mock and against the CLI's `amojo mock`: a client's message goes in
// (sendMessage), the manager's hook comes back (parseWebhook), is delivered and marked
// (updateDeliveryStatus).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { root } from "./helpers.mjs";

const run = promisify(execFile);
const demo = path.join(root, "examples", "integration", "demo.mjs");
const cli = path.join(root, "target", "debug", "amojo");

// The demo imports the repository's pkg/ (AMOJO_PKG does not apply).
async function runDemo(args) {
  try {
    return (await run(process.execPath, [demo, ...args], { timeout: 30000 })).stdout;
  } catch (e) {
    assert.fail(`the demo failed (${e.code}):\n${e.stdout}${e.stderr}`);
  }
}

function checkStory(out) {
  const lines = out.trim().split("\n");
  assert.match(lines[1], /^amojo: connected account demo-account, scope demo-channel_demo-account$/);
  assert.ok(lines.some((l) => /^amojo: client message msg-100 is [0-9a-f-]{36} in amoCRM$/.test(l)), out);
  assert.ok(lines.includes('messenger: delivered "Yes, it ships today." to user-7 in chat-1'), out);
  assert.ok(lines.includes("demo: the Chats API saw connect 200, send_message 200, delivery_status 200"), out);
  assert.equal(lines.at(-1), "demo: ok (message in, answer out, delivery status back)");
  assert.ok(!lines.some((l) => l.includes("warning")), out);
}

test("examples/integration against amojo-kit/mock: message in, answer out, delivery status back", async () => {
  checkStory(await runDemo([]));
});

test("examples/integration against the CLI's `amojo mock` (--cli)", async (t) => {
  if (!fs.existsSync(cli)) {
    t.skip("target/debug/amojo is not built (cargo build -p amojo-cli)");
    return;
  }
  checkStory(await runDemo(["--cli"]));
});

// The READMEs' quick start (examples/client-quickstart.mjs, quoted by scripts/snippets.mjs)
// as a user's program: `amojo-kit` installed, against amojo-kit/mock served over HTTP.
test("the README quick start runs", async () => {
  const { createMock } = await import(path.join(root, "pkg", "mock.mjs"));
  const mock = createMock({ channels: [{ id: "qs-channel", secret: "qs-secret" }] });
  const server = await mock.listen(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-quickstart-"));
  try {
    fs.copyFileSync(path.join(root, "examples", "client-quickstart.mjs"), path.join(dir, "quickstart.mjs"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(root, "pkg"), path.join(dir, "node_modules", "amojo-kit"), "dir");
    const env = { ...process.env, AMOJO_CHANNEL_ID: "qs-channel", AMOJO_SECRET: "qs-secret", AMOJO_ACCOUNT_ID: "acc-1", AMOJO_BASE_URL: server.url };
    const { stdout } = await run(process.execPath, ["quickstart.mjs"], { cwd: dir, env, timeout: 30000 });
    assert.match(stdout, /^qs-channel_acc-1: sent as [0-9a-f-]{36}\n$/);
    const requests = await mock.requests();
    assert.deepEqual(requests.map((r) => `${r.endpoint} ${r.status}`), ["connect 200", "send_message 200"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await mock.close();
  }
});
