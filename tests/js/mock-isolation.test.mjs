// amojo-kit/mock must not cost users who never import it: the main entries do not load its
// files, the main .wasm holds none of the emulator, and nothing in the build ties the two
// modules together (amojo-wasm does not depend on amojo-mock, and make pkg builds the two
// crates in separate cargo invocations, so cargo cannot unify their features).
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { root, pkgDir } from "./helpers.mjs";

const MAIN_ENTRIES = ["index.cjs", "index.mjs", "web.mjs", "inline.mjs", "workerd.mjs"];
const isMockFile = (rel) => /^mock\./.test(rel) || rel.startsWith("wasm/mock/");

test("requiring the main entry loads none of the mock's files", () => {
  const script = `
    require(${JSON.stringify(path.join(pkgDir, "index.cjs"))});
    const pkg = ${JSON.stringify(pkgDir + path.sep)};
    console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(pkg)).map((f) => f.slice(pkg.length))));
  `;
  const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  const loaded = JSON.parse(out.stdout);
  assert.ok(loaded.includes("index.cjs") && loaded.some((f) => f.startsWith("wasm")), loaded.join(", "));
  assert.deepEqual(loaded.filter((f) => isMockFile(f.split(path.sep).join("/"))), []);
});

test("no main entry imports the mock's files (a static walk of every relative specifier)", () => {
  const spec = /(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s*|\bimport\s+|\bnew URL\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
  for (const entry of MAIN_ENTRIES) {
    const seen = new Set();
    const queue = [entry];
    while (queue.length > 0) {
      const rel = queue.pop();
      if (seen.has(rel) || !/\.(c|m)?js$/.test(rel)) {
        seen.add(rel);
        continue;
      }
      seen.add(rel);
      const text = fs.readFileSync(path.join(pkgDir, rel), "utf8");
      for (const m of text.matchAll(spec)) {
        queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])));
      }
    }
    assert.ok(seen.size > 1, entry);
    assert.deepEqual([...seen].filter(isMockFile), [], entry);
  }
  // The walk does find the mock's files from the mock's entries.
  const mock = fs.readFileSync(path.join(pkgDir, "mock.mjs"), "utf8");
  assert.ok(mock.includes('from "./wasm/mock/glue.cjs"'));
});

test("the main .wasm holds none of the emulator; the mock's .wasm does", () => {
  const main = fs.readFileSync(path.join(pkgDir, "wasm", "amojo_kit_bg.wasm"));
  const base64 = /module\.exports = "([A-Za-z0-9+/=]+)";/.exec(fs.readFileSync(path.join(pkgDir, "wasm", "mock", "bytes.cjs"), "utf8"))[1];
  const mock = Buffer.from(base64, "base64");
  const exportsOf = (bytes) => WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
  const mockExports = exportsOf(mock).filter((n) => n.startsWith("rawmock_"));
  assert.ok(mockExports.includes("rawmock_handle") && mockExports.includes("rawmock_control"), mockExports.join(", "));
  assert.deepEqual(exportsOf(main).filter((n) => n.startsWith("rawmock_")), []);
  // The emulator's control path and its refusal codes are strings of its code.
  for (const marker of ["/_mock/", "unknown_control", "scope_not_found"]) {
    assert.ok(mock.includes(Buffer.from(marker)), `the mock's .wasm has ${marker}`);
    assert.ok(!main.includes(Buffer.from(marker)), `the main .wasm has ${marker}`);
  }
  const kib = (b) => `${(b.length / 1024).toFixed(1)} KiB (${(zlib.gzipSync(b, { level: 9 }).length / 1024).toFixed(1)} KiB gzip -9)`;
  console.log(`main .wasm ${kib(main)}; mock .wasm ${kib(mock)}`);
});

test("the build keeps the modules apart: no dependency, separate cargo invocations", (t) => {
  const makefile = fs.readFileSync(path.join(root, "Makefile"), "utf8");
  const builds = makefile.split("\n").filter((l) => /\$\(CARGO\) build\b/.test(l) && /-p amojo-(mock-)?wasm\b/.test(l));
  assert.ok(builds.some((l) => /-p amojo-wasm\b/.test(l)) && builds.some((l) => /-p amojo-mock-wasm\b/.test(l)), builds.join("\n"));
  for (const line of builds) {
    assert.ok(!(/-p amojo-wasm\b/.test(line) && /-p amojo-mock-wasm\b/.test(line)), `one cargo invocation builds both: ${line}`);
  }
  const tree = spawnSync("cargo", ["tree", "--offline", "-p", "amojo-wasm", "--target", "wasm32-unknown-unknown", "-e", "normal,build", "--prefix", "none"], { cwd: root, encoding: "utf8" });
  if (tree.error && tree.error.code === "ENOENT") {
    t.skip("no cargo on PATH");
    return;
  }
  assert.equal(tree.status, 0, tree.stderr);
  assert.match(tree.stdout, /^amojo-kit v/m);
  assert.doesNotMatch(tree.stdout, /^amojo-mock/m);
});
