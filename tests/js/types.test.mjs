// The package's TypeScript declarations compile, strict, in the setups users have:
// Node ESM and CJS (nodenext, with Node and Express types), a bundler with the DOM lib,
// and a bare project; `@ts-expect-error` lines prove misuse is rejected (tsc fails on one
// that is not needed); and an editor's completions inside a payload offer its endpoint's
// fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root as repo, pkgDir } from "./helpers.mjs";

const tools = path.join(repo, "target", "tools", "node_modules");
const tsc = path.join(tools, "typescript", "bin", "tsc");

/** A copy of tests/ts/<setup> with the package and the Node and Express types installed;
 * `use(dir)` runs in it, then it is removed. */
function inSetup(setup, use) {
  assert.ok(fs.existsSync(tsc), "TypeScript is missing: run `make setup-wasm` (make test does)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amojo-ts-${setup}-`));
  try {
    fs.cpSync(path.join(repo, "tests", "ts", setup), dir, { recursive: true });
    const nm = path.join(dir, "node_modules");
    fs.mkdirSync(path.join(nm, "@types"), { recursive: true });
    fs.symlinkSync(pkgDir, path.join(nm, "amojo-kit"), "dir");
    for (const t of ["node", "express"]) {
      fs.symlinkSync(path.join(tools, "@types", t), path.join(nm, "@types", t), "dir");
    }
    return use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const setup of ["nodeesm", "nodecjs", "browser", "bare"]) {
  test(`types compile: ${setup}`, () => {
    inSetup(setup, (dir) => {
      try {
        execFileSync(process.execPath, [tsc, "-p", dir], { cwd: dir, stdio: "pipe" });
      } catch (e) {
        assert.fail(`tsc failed for ${setup}:\n${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`);
      }
    });
  });
}

// The complaint: inside `validate("connect", { … })` the editor offered `buffer` and
// `byteLength` (the payload was `object | string | Bytes`). Each `/*name: a, b*/` marker in
// tests/ts/completions/complete.mts lists exactly the names offered there.
test("completions inside a payload are the endpoint's fields", async () => {
  const { default: ts } = await import(path.join(tools, "typescript", "lib", "typescript.js"));
  inSetup("completions", (dir) => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    });
    const file = path.join(dir, "complete.mts");
    const service = ts.createLanguageService({
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, "utf8")) : undefined),
      getCurrentDirectory: () => dir,
      getCompilationSettings: () => config.options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    });
    const text = fs.readFileSync(file, "utf8");
    const markers = [...text.matchAll(/\/\*(\w+): ([\w, ]+)\*\//g)];
    assert.ok(markers.length >= 5, "markers");
    for (const m of markers) {
      const offered = service.getCompletionsAtPosition(file, m.index, {})?.entries.map((e) => e.name) ?? [];
      assert.deepEqual(offered.sort(), m[2].split(", ").sort(), m[1]);
    }
  });
});
