// Finding 2 of the attack review, measured: bounded memory. A fresh `node --expose-gc` runs
// tests/js/memory-probe.cjs against the package and reports RSS after full collections.
// Before the fix (the build of 2026-11-29): the 512 MiB hook took 17 s, peaked 1.5 GiB
// above the baseline and left 1 GiB behind; the 50 MB validate left its copy in wasm
// memory for good.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pkgDir, root } from "./helpers.mjs";

const MiB = 1024 * 1024;

test("a 512 MiB hostile hook fails fast; a legal 50 MB call gives its memory back", () => {
  const out = JSON.parse(execFileSync(process.execPath, ["--expose-gc", path.join(root, "tests", "js", "memory-probe.cjs"), pkgDir], { encoding: "utf8", timeout: 120_000 }));
  const above = (rss) => (rss - out.baseline) / MiB;
  const report = JSON.stringify(out);
  assert.equal(out.fetch.reason, "body_too_large", report);
  assert.ok(out.fetch.pulledMiB <= 2, report);
  assert.ok(out.fetch.ms < 2000, report);
  assert.ok(above(out.fetch.peak) < 64 && above(out.fetch.after) < 20, report);
  assert.equal(out.middleware.status, 413, report);
  assert.equal(out.middleware.reason, "body_too_large", report);
  assert.ok(above(out.middleware.after) < 20, report);
  assert.equal(out.legal.valid, true, report);
  assert.ok(above(out.legal.afterNext) < 20, report);
});
