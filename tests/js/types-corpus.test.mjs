// Every body the validator accepts type-checks against the generated payload typings
// (`EndpointPayloads[E]`, tsc --strict): the valid cases of the validation corpus, the docs'
// bodies and the valid real-world bodies. Extra fields are allowed, as by the API (a body is
// checked structurally, not as a fresh object literal). A body the typings reject but the
// validator accepts must be listed below with its reason; a stale entry fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root as repo, pkgDir, loadJson, amojo } from "./helpers.mjs";

const tsc = path.join(repo, "target", "tools", "node_modules", "typescript", "bin", "tsc");

/** name → why the typings reject a body the validator accepts. */
const DIVERGENCES = {};

function bodies() {
  const out = [];
  const corpus = path.join(repo, "tests", "corpus");
  for (const file of fs.readdirSync(corpus).filter((f) => f.endsWith(".json") && f !== "requests.json").sort()) {
    const endpoint = file.slice(0, -5);
    for (const c of loadJson(`tests/corpus/${file}`)) {
      if (!c.valid || c.query !== undefined) {
        continue;
      }
      let body = c.body;
      if (c.body_text !== undefined) {
        try {
          body = JSON.parse(c.body_text === "" ? "{}" : c.body_text);
        } catch {
          continue; // not JSON for anyone but the validator's blank history query
        }
      }
      out.push({ name: c.name, endpoint, body });
    }
  }
  for (const d of loadJson("tests/vectors/docs_bodies.json")) {
    out.push({ name: `docs:${d.name}`, endpoint: d.endpoint, body: d.body });
  }
  for (const c of loadJson("tests/realworld/cases.json").cases) {
    if (c.expected === "valid") {
      out.push({ name: `realworld:${c.file}`, endpoint: c.endpoint, body: loadJson(`tests/realworld/${c.file}`) });
    }
  }
  return out;
}

test("every body the validator accepts type-checks against its endpoint's typings", () => {
  assert.ok(fs.existsSync(tsc), "TypeScript is missing: run `make setup-wasm` (make test does)");
  const all = bodies();
  assert.ok(all.length > 250, `${all.length} bodies`);
  const lines = [
    'import type { EndpointPayloads } from "amojo-kit";',
    "type Mutable<T> = T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;",
    "declare function m<T>(value: T): Mutable<T>;",
    "declare function accept<E extends keyof EndpointPayloads>(endpoint: E, body: EndpointPayloads[E]): void;",
  ];
  const lineOf = new Map();
  for (const b of all) {
    // The validator's own verdict first: the list holds only accepted bodies.
    assert.equal(amojo.validate(b.endpoint, b.body).valid, true, b.name);
    lineOf.set(lines.length + 1, b.name);
    lines.push(`accept(${JSON.stringify(b.endpoint)}, m(${JSON.stringify(b.body)} as const)); // ${b.name}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-ts-corpus-"));
  let output = "";
  try {
    fs.writeFileSync(path.join(dir, "bodies.ts"), `${lines.join("\n")}\n`);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", types: [], skipLibCheck: false },
      files: ["bodies.ts"],
    }));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(pkgDir, path.join(dir, "node_modules", "amojo-kit"), "dir");
    try {
      execFileSync(process.execPath, [tsc, "-p", dir], { cwd: dir, stdio: "pipe" });
    } catch (e) {
      output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rejected = new Set();
  for (const m of output.matchAll(/bodies\.ts\((\d+),\d+\): error/g)) {
    const name = lineOf.get(Number(m[1]));
    assert.ok(name, `tsc reports a line that is not a body:\n${output}`);
    rejected.add(name);
  }
  const unlisted = [...rejected].filter((n) => !(n in DIVERGENCES));
  assert.deepEqual(unlisted, [], `bodies the validator accepts but tsc rejects:\n${output}`);
  const stale = Object.keys(DIVERGENCES).filter((n) => !rejected.has(n));
  assert.deepEqual(stale, [], "listed divergences that no longer diverge");
});
