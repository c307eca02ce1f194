// The package's TypeScript declarations compile, strict, in the setups users have:
// Node ESM and CJS (nodenext, with Node and Express types), a bundler with the DOM lib,
// and a bare project; and `@ts-expect-error` lines prove misuse is rejected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root as repo, pkgDir } from "./helpers.mjs";

const tools = path.join(repo, "target", "tools", "node_modules");
const tsc = path.join(tools, "typescript", "bin", "tsc");

for (const setup of ["nodeesm", "nodecjs", "browser", "bare"]) {
  test(`types compile: ${setup}`, () => {
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
      execFileSync(process.execPath, [tsc, "-p", dir], { cwd: dir, stdio: "pipe" });
    } catch (e) {
      assert.fail(`tsc failed for ${setup}:\n${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
