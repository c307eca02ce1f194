// Smoke run of the package benchmarks (scripts/bench.mjs --smoke): every scenario executes
// with tiny iteration counts and every implementation (amojo-kit, node:crypto, hash-wasm,
// ajv, and in Chromium spark-md5 + crypto-js when the browser is already installed) gives
// the same Content-MD5 / X-Signature / verdict. Nothing is judged on speed here: the
// numbers of a smoke run mean nothing; `make bench` measures.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { root } from "./helpers.mjs";

test("bench: scripts/bench.mjs --smoke runs every scenario and the implementations agree", () => {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "bench.mjs"), "--smoke"], {
    cwd: root,
    encoding: "utf8",
    timeout: 180_000,
  });
  const output = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, `bench --smoke failed (status ${r.status}, signal ${r.signal}):\n${output}`);
  assert.match(r.stdout, /^smoke: ok \(\d+ measurements, browser (ran|skipped: .+)\)$/m, output);

  const report = JSON.parse(fs.readFileSync(path.join(root, "target", "bench", "smoke.json"), "utf8"));
  assert.equal(report.meta.mode, "smoke");
  const scenarios = new Set(report.rows.map((row) => row.scenario.split(".")[0]));
  assert.deepEqual([...scenarios].sort(), ["1", "2", "3", "4", "5", "6"], "every scenario has rows in the table");
  for (const kind of ["sign", "validate"]) {
    assert.equal(report.data.scaling[kind].length, 5, `scaling ${kind}: five sizes`);
  }
});
