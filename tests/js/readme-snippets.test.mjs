// The READMEs quote programs that the tests run (scripts/snippets.mjs): every quoted block
// must be its file's text, and every framework recipe and runtime program must be quoted.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { root } from "./helpers.mjs";
import { READMES, snippets } from "../../scripts/snippets.mjs";

test("README snippets are the files the tests run, as they are", () => {
  const out = spawnSync(process.execPath, [path.join(root, "scripts", "snippets.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
});

test("every framework and runtime recipe is quoted in the package README", () => {
  const quoted = new Set(READMES.flatMap((r) => snippets(r).map((s) => s.file)));
  const recipes = fs.readdirSync(path.join(root, "tests", "frameworks", "recipes")).map((f) => `tests/frameworks/recipes/${f}`);
  assert.ok(recipes.length >= 5);
  recipes.push("tests/runtimes/fixtures/workerd/amojo-hook.mjs", "tests/runtimes/fixtures/next/app/api/amojo/route.js");
  for (const file of recipes) {
    assert.ok(quoted.has(file), `${file} is not quoted in a README`);
  }
});
