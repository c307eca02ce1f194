// `npm pack ./pkg` gives a tarball that installs offline (no dependencies) into a fresh
// project, where require, import, the browser entry and the types all resolve.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { pkgDir } from "./helpers.mjs";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const quiet = { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } };

test("npm pack → npm install --offline → require, import, types", { timeout: 120000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-kit-pack-"));
  try {
    const packed = JSON.parse(execFileSync(npm, ["pack", pkgDir, "--pack-destination", tmp, "--json"], quiet));
    const info = packed[0];
    const files = info.files.map((f) => f.path).sort();
    const schemaFiles = fs.readdirSync(path.join(pkgDir, "schemas")).filter((f) => f.endsWith(".json")).map((f) => `schemas/${f}`);
    assert.ok(schemaFiles.includes("schemas/index.json") && schemaFiles.includes("schemas/send_message.json"), schemaFiles.join(", "));
    const expected = ["package.json", "README.md", "LICENSE", "index.cjs", "index.mjs", "web.mjs", "inline.mjs", "workerd.mjs", "index.d.ts", "index.d.mts", "web.d.mts", "payloads.d.ts", "mock.mjs", "mock.cjs", "mock.d.ts", "mock.d.mts", "lib/api.cjs", "lib/api.mjs", "lib/schemas.cjs", "lib/schemas.mjs", "wasm/amojo_kit_bg.wasm", "wasm/bytes.cjs", "wasm/node.cjs", "wasm/web.mjs", "wasm/mock/glue.cjs", "wasm/mock/bytes.cjs", ...schemaFiles];
    for (const f of expected) {
      assert.ok(files.includes(f), `the tarball lacks ${f}: ${files.join(", ")}`);
    }
    assert.equal(files.length, expected.length, files.join(", "));
    const tgz = path.join(tmp, info.filename);
    assert.ok(fs.existsSync(tgz));

    const project = path.join(tmp, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    execFileSync(npm, ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", tgz], { ...quiet, cwd: project });
    const installed = path.join(project, "node_modules", "amojo-kit");
    assert.ok(fs.existsSync(path.join(installed, "package.json")));

    const run = (args) => execFileSync(process.execPath, args, { ...quiet, cwd: project }).trim();
    const cjs = run(["-e", 'const a = require("amojo-kit"); console.log(a.contentMd5("abc"), require.resolve("amojo-kit").endsWith("index.cjs"), require("amojo-kit/package.json").version === a.version)']);
    assert.equal(cjs, "900150983cd24fb0d6963f7d28e17f72 true true");
    const esm = run(["--input-type=module", "-e", 'import init, { contentMd5, signRequest } from "amojo-kit"; await init(); console.log(contentMd5("abc"), typeof signRequest, import.meta.resolve("amojo-kit").endsWith("index.mjs"))']);
    assert.equal(esm, "900150983cd24fb0d6963f7d28e17f72 function true");
    const web = run(["--input-type=module", "-e", 'import fs from "node:fs"; import { initSync, contentMd5 } from "amojo-kit/web"; import { createRequire } from "node:module"; const wasm = createRequire(import.meta.url).resolve("amojo-kit/wasm/amojo_kit_bg.wasm"); initSync({ module: fs.readFileSync(wasm) }); console.log(contentMd5("abc"))']);
    assert.equal(web, "900150983cd24fb0d6963f7d28e17f72");

    // The JSON Schemas: as files through the exports map (require and import), and schema().
    const schemaCjs = run(["-e", 'const a = require("amojo-kit"); const s = require("amojo-kit/schemas/send_message.json"); console.log(s.$id, JSON.stringify(s) === JSON.stringify(a.schema("send_message")), Object.keys(require("amojo-kit/schemas/index.json").schemas).length)']);
    assert.equal(schemaCjs, "urn:amojo-kit:schema:send_message true 16");
    // Import attributes (`with { type: "json" }`): Node 18.20+, 20.10+, 21+.
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major > 20 || (major === 20 && minor >= 10) || (major === 18 && minor >= 20)) {
      const schemaEsm = run(["--no-warnings", "--input-type=module", "-e", 'import s from "amojo-kit/schemas/connect.json" with { type: "json" }; import { schema } from "amojo-kit"; console.log(s.$id, JSON.stringify(s) === JSON.stringify(schema("connect")))']);
      assert.equal(schemaEsm, "urn:amojo-kit:schema:connect true");
    }
    const schemaWeb = run(["--input-type=module", "-e", 'import { schema } from "amojo-kit/web"; console.log(schema("typing")["x-endpoint"])']);
    assert.equal(schemaWeb, "typing");

    const pkgJson = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    assert.ok(fs.existsSync(path.join(installed, pkgJson.types)), "types file");
    assert.ok(fs.existsSync(path.join(installed, "payloads.d.ts")));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
