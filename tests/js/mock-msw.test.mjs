// amojo-kit/mock behind Mock Service Worker, as users install both: msw from
// tests/mock-msw/package-lock.json (`npm ci`, redone only when the lock changes), the
// package packed from pkg/ (`npm pack`) and installed there, then tests/mock-msw/*.test.mjs
// run in a node --test of their own (bare imports resolve from that folder): an
// independent signer's requests through a real fetch, and the README's example.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, pkgDir } from "./helpers.mjs";

const fixture = path.join(root, "tests", "mock-msw");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const quiet = { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } };

function install() {
  const lock = fs.readFileSync(path.join(fixture, "package-lock.json"), "utf8");
  const stamp = path.join(fixture, "node_modules", ".lock-stamp");
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== lock) {
    execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { ...quiet, cwd: fixture });
    fs.writeFileSync(stamp, lock);
  }
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-mock-msw-"));
  try {
    const packed = JSON.parse(execFileSync(npm, ["pack", pkgDir, "--pack-destination", packDir, "--json", "--loglevel=error"], { ...quiet, cwd: fixture }));
    execFileSync(npm, ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", path.join(packDir, packed[0].filename)], { ...quiet, cwd: fixture });
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
  // npm install --no-save leaves the lock alone; the stamp stays valid.
  assert.equal(fs.readFileSync(path.join(fixture, "package-lock.json"), "utf8"), lock, "npm install changed tests/mock-msw/package-lock.json");
}

test("Mock Service Worker intercepts real fetches and hands them to amojo-kit/mock", { timeout: 180_000 }, () => {
  install();
  const files = fs.readdirSync(fixture).filter((f) => f.endsWith(".test.mjs")).sort();
  assert.deepEqual(files, ["msw.test.mjs", "readme.test.mjs"]);
  // A test runner of its own: without the parent's NODE_TEST_CONTEXT, reporting TAP.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=tap", ...files], { cwd: fixture, env, encoding: "utf8", timeout: 120_000 });
  const summary = /^# pass (\d+)$/m.exec(run.stdout);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.ok(summary && Number(summary[1]) === files.length, run.stdout);
});
