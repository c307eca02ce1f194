// amojo-kit/mock's declarations compile, strict, for import (mock.d.mts) and require
// (mock.d.ts) under nodenext, and refuse misuse (each `@ts-expect-error` must be needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, pkgDir } from "./helpers.mjs";

const tools = path.join(root, "target", "tools", "node_modules");
const tsc = path.join(tools, "typescript", "bin", "tsc");

const ESM = `
import { createMock, AmojoMockError, version, type Mock, type MockLogEntry } from "amojo-kit/mock";

const mock: Mock = createMock({
  channels: [{ id: "c", secret: "s", hookUrl: "http://127.0.0.1:3000/amojo/:scope_id" }, { id: "d", secret: new Uint8Array([1]) }],
  onHook: async (request: Request) => new Response(null, { status: request.headers.has("x-signature") ? 200 : 401 }),
  onLog: (e: MockLogEntry) => void e.status,
  now: () => Date.now() - 60_000,
  latencyMs: 10,
  failRate: 0.1,
});
const res: Response = await mock.fetch(new Request("https://amojo.amocrm.ru/v2/origin/custom/c/connect", { method: "POST" }));
await mock.fetch("https://amojo.amocrm.ru/x", { method: "GET" });
const server = await mock.listen(0);
const url: string = server.url;
await server.close();
const answer = await mock.reply({ scope_id: "c_a", conversation_id: "x", text: "hi" });
const status: number | null = answer.hook_status;
const signature: string = answer.hook.signature;
const log: MockLogEntry[] = await mock.requests();
const reason: string | null = log[0].reason;
const saved: Uint8Array = await mock.save();
createMock({ channels: [{ id: "c", secret: "s" }], saved });
try {
  await mock.typing({ scope_id: "c_a", conversation_id: "x" });
} catch (e) {
  if (e instanceof AmojoMockError) {
    const code: string = e.code;
    const s: number | undefined = e.status;
    void [code, s];
  }
}
await mock.close();
void [res, url, status, signature, reason, version];

// @ts-expect-error channels are required
createMock({});
// @ts-expect-error a channel needs a secret
createMock({ channels: [{ id: "c" }] });
// @ts-expect-error now returns milliseconds
createMock({ channels: [{ id: "c", secret: "s" }], now: () => new Date() });
// @ts-expect-error a reply names its scope and chat
await mock.reply({ text: "hi" });
`;

const CJS = `
import mockApi = require("amojo-kit/mock");
const mock = mockApi.createMock({ channels: [{ id: "c", secret: "s" }] });
const done: Promise<void> = mock.close();
void done;
// @ts-expect-error an unknown option
mockApi.createMock({ channels: [{ id: "c", secret: "s" }], secrets: ["s"] });
`;

test("amojo-kit/mock's types compile for import and require, and refuse misuse", () => {
  assert.ok(fs.existsSync(tsc), "TypeScript is missing: run `make setup-wasm` (make test does)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-mock-ts-"));
  try {
    const nm = path.join(dir, "node_modules");
    fs.mkdirSync(path.join(nm, "@types"), { recursive: true });
    fs.symlinkSync(pkgDir, path.join(nm, "amojo-kit"), "dir");
    fs.symlinkSync(path.join(tools, "@types", "node"), path.join(nm, "@types", "node"), "dir");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    fs.writeFileSync(path.join(dir, "use.mts"), ESM);
    fs.writeFileSync(path.join(dir, "use.cts"), CJS);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], types: ["node"], skipLibCheck: false },
      files: ["use.mts", "use.cts"],
    }));
    try {
      execFileSync(process.execPath, [tsc, "-p", dir], { cwd: dir, stdio: "pipe" });
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
