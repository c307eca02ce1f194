// The package's entries: Node require, Node import, the browser entry (under Node with
// initSync / init), package.json and the type declarations agreeing with the runtime.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { amojo, pkgDir, readText } from "./helpers.mjs";

const pkgJson = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const cargoVersion = /^\[package\][\s\S]*?^version\s*=\s*"([^"]+)"/m.exec(readText("Cargo.toml"))[1];
const wasmPath = path.join(pkgDir, "wasm", "amojo_kit_bg.wasm");
const FUNCTIONS = [
  "contentMd5", "formatDate", "serializeBody", "signRequest", "buildRequest", "verifyRequest",
  "diagnoseRequest", "signWebhook", "verifyWebhook", "verifyWebhookRequest", "webhookMiddleware",
  "validate", "validateRequest", "endpoints", "webhookEndpoint", "route", "parseHeaders", "curlCommand",
];
// Plain data (the JSON Schemas): they need no WebAssembly, so they work before init().
const DATA_FUNCTIONS = ["schema", "schemaIndex"];

test("package.json: name, version from Cargo.toml, no dependencies, files that exist", () => {
  assert.equal(pkgJson.name, "amojo-kit");
  assert.equal(pkgJson.version, cargoVersion);
  assert.equal(pkgJson.license, "MIT");
  // Only the entries that instantiate the module on import: a bundler keeps their top level.
  assert.deepEqual(pkgJson.sideEffects, ["./inline.mjs", "./workerd.mjs"]);
  assert.ok(pkgJson.type === undefined || pkgJson.type === "commonjs");
  for (const key of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies", "scripts"]) {
    assert.equal(pkgJson[key], undefined, key);
  }
  const targets = [];
  const walk = (v) => (typeof v === "string" ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkgJson.exports);
  targets.push(pkgJson.main, pkgJson.module, pkgJson.types);
  for (const t of targets) {
    if (t.includes("*")) {
      // A subpath pattern ("./schemas/*"): its folder exists and holds files.
      const dir = path.join(pkgDir, path.dirname(t));
      assert.ok(fs.existsSync(dir) && fs.readdirSync(dir).length > 0, `${t}: no files`);
      continue;
    }
    assert.ok(fs.existsSync(path.join(pkgDir, t)), `${t} is missing`);
  }
  assert.equal(pkgJson.exports["."].node.require.default, "./index.cjs");
  assert.equal(pkgJson.exports["."].node.import.default, "./index.mjs");
  assert.equal(pkgJson.exports["."].browser.default, "./web.mjs");
  assert.equal(pkgJson.exports["."].default.default, "./web.mjs");
  assert.equal(pkgJson.exports["./package.json"], "./package.json");
  for (const f of pkgJson.files) {
    assert.ok(fs.existsSync(path.join(pkgDir, f)), `files: ${f}`);
  }
  assert.ok(fs.existsSync(path.join(pkgDir, "LICENSE")));
});

test("version agrees everywhere", () => {
  assert.equal(amojo.version, cargoVersion);
});

test("require and import expose the same API and share one instance", async () => {
  const esm = await import(path.join(pkgDir, "index.mjs"));
  const cjsNames = Object.keys(amojo).sort();
  const esmNames = Object.keys(esm).filter((n) => n !== "default").sort();
  assert.deepEqual(esmNames, cjsNames);
  for (const name of cjsNames) {
    assert.equal(esm[name], amojo[name], name);
  }
  assert.equal(esm.default, amojo.init);
  for (const name of [...FUNCTIONS, ...DATA_FUNCTIONS]) {
    assert.equal(typeof amojo[name], "function", name);
  }
  assert.equal(await amojo.init(), undefined);
  assert.equal(amojo.initSync(), undefined);
  assert.equal(esm.contentMd5("abc"), "900150983cd24fb0d6963f7d28e17f72");
});

test("the type declarations declare exactly the runtime exports", () => {
  const dts = fs.readFileSync(path.join(pkgDir, "index.d.ts"), "utf8");
  const declared = [...dts.matchAll(/^export (?:declare )?(?:function|const|class) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(amojo).sort());
  assert.match(dts, /export \* from "\.\/payloads"/);
  assert.ok(fs.existsSync(path.join(pkgDir, "payloads.d.ts")));
  const web = fs.readFileSync(path.join(pkgDir, "web.d.mts"), "utf8");
  assert.match(web, /export default init/);
  assert.match(web, /export function initSync/);
});

test("browser entry: every function throws a clear error before init, works after initSync", async () => {
  const web = await import(path.join(pkgDir, "web.mjs"));
  const names = Object.keys(web).filter((n) => n !== "default").sort();
  assert.deepEqual(names, Object.keys(amojo).sort());
  assert.equal(web.default, web.init);
  assert.equal(web.version, cargoVersion);
  for (const name of FUNCTIONS) {
    await assert.rejects(
      async () => web[name](),
      (e) => {
        assert.ok(!(e instanceof TypeError), `${name}: ${e}`);
        assert.equal(e.code, "not_initialized", name);
        assert.match(e.message, /call `await init\(\)`/);
        return true;
      },
      name,
    );
  }
  // schema() and schemaIndex() are plain data: they work before init (tests/js/schema.test.mjs).
  assert.equal(web.schema("connect").$id, "urn:amojo-kit:schema:connect");
  assert.equal(web.schemaIndex().schemas.connect.file, "connect.json");
  assert.throws(() => web.initSync(), TypeError);
  assert.throws(() => web.initSync({ module: "amojo_kit_bg.wasm" }), /WebAssembly\.Module or the bytes/);
  web.initSync({ module: new WebAssembly.Module(fs.readFileSync(wasmPath)) });
  web.initSync({ module: new WebAssembly.Module(fs.readFileSync(wasmPath)) }); // idempotent
  await web.init();
  const input = { secret: "s", method: "POST", path: "/v2/origin/custom/x/connect", body: "{}", date: 1639609975000 };
  assert.deepEqual(web.signRequest(input), amojo.signRequest(input));
  assert.deepEqual(web.endpoints(), amojo.endpoints());
  assert.deepEqual(web.validate("connect", { title: 1 }), amojo.validate("connect", { title: 1 }));
  assert.throws(() => web.contentMd5(42), (e) => e instanceof web.AmojoTypeError && e.code === "invalid_argument");
  assert.equal(web.contentMd5(""), "d41d8cd98f00b204e9800998ecf8427e");
});

test("browser entry: init()'s default URL points at the shipped .wasm", () => {
  const entry = fs.readFileSync(path.join(pkgDir, "web.mjs"), "utf8");
  const m = /new URL\("([^"]+)", import\.meta\.url\)/.exec(entry);
  assert.ok(m, "no default wasm URL in web.mjs");
  assert.ok(fs.existsSync(path.join(pkgDir, m[1])), m[1]);
});

test("browser entry: a .wasm that cannot be fetched is amojo-kit's own error, saying what to do", () => {
  // Node's fetch() takes no file: URL, as a page's fetch gets a 404 where a bundler did not
  // emit the file: either way the message names the way out.
  const script = `
    import init, { contentMd5 } from ${JSON.stringify(path.join(pkgDir, "web.mjs"))};
    try { await init(); console.log("loaded"); } catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, cause: !!e.cause })); }
    try { contentMd5("x"); } catch (e) { console.log(e.code); }
  `;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  const [first, second] = out.stdout.trim().split("\n");
  const e = JSON.parse(first);
  assert.equal(e.name, "AmojoTypeError");
  assert.equal(e.code, "wasm_load_failed");
  assert.ok(e.cause);
  assert.match(e.message, /^amojo-kit could not load its WebAssembly module: fetching file:\/\/.*amojo_kit_bg\.wasm failed/);
  assert.match(e.message, /amojo-kit\/inline/);
  assert.match(e.message, /init\(\{ module_or_path \}\)/);
  assert.equal(second, "not_initialized");
});

test("inline entry: the module inside, ready on import where compiling synchronously is allowed", () => {
  const script = `
    import init, { contentMd5, signRequest } from ${JSON.stringify(path.join(pkgDir, "inline.mjs"))};
    console.log(contentMd5("abc"));
    await init();
    console.log(signRequest({ secret: "s", method: "POST", path: "/x", body: "{}", date: 1639609975000 }).headers["X-Signature"]);
  `;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  const input = { secret: "s", method: "POST", path: "/x", body: "{}", date: 1639609975000 };
  assert.equal(out.stdout, `900150983cd24fb0d6963f7d28e17f72\n${amojo.signRequest(input).headers["X-Signature"]}\n`);
  const bytes = fs.readFileSync(path.join(pkgDir, "wasm", "bytes.cjs"), "utf8");
  const base64 = /module\.exports = "([A-Za-z0-9+/=]+)";/.exec(bytes)[1];
  assert.ok(Buffer.from(base64, "base64").equals(fs.readFileSync(wasmPath)), "bytes.cjs is not the shipped .wasm");
});

test("Node entry: no file is read at load (the module is embedded), so a bundle of it runs anywhere", () => {
  const script = `
    const Module = require("node:module");
    const load = Module.prototype.require;
    Module.prototype.require = function (id) {
      if (/^(node:)?(fs|path|url)([/]|$)/.test(id)) {
        throw new Error("the package required " + id);
      }
      return load.call(this, id);
    };
    const amojo = require(${JSON.stringify(path.join(pkgDir, "index.cjs"))});
    console.log(amojo.contentMd5("abc"));
  `;
  const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout, "900150983cd24fb0d6963f7d28e17f72\n");
});

test("browser entry: async init({ module_or_path }) with the bytes (in a fresh process)", () => {
  const script = `
    import fs from "node:fs";
    import init, { contentMd5, version } from ${JSON.stringify(path.join(pkgDir, "web.mjs"))};
    await init({ module_or_path: fs.readFileSync(${JSON.stringify(wasmPath)}) });
    console.log(contentMd5("abc"), version);
  `;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), `900150983cd24fb0d6963f7d28e17f72 ${cargoVersion}`);
  assert.equal(out.stderr, "");
});

test("the README documents every function", () => {
  const readme = fs.readFileSync(path.join(pkgDir, "README.md"), "utf8");
  for (const name of [...FUNCTIONS, ...DATA_FUNCTIONS, "init", "initSync", "AmojoTypeError", "AmojoValidationError"]) {
    assert.ok(readme.includes(name), `README lacks ${name}`);
  }
});
