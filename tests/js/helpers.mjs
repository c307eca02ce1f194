// Shared by the tests in tests/js/ (not a test file itself). They run against the built
// package in pkg/ (`make pkg`), or the one AMOJO_PKG names (an older build, to see a test
// fail without the fix it covers).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const pkgDir = process.env.AMOJO_PKG ? path.resolve(process.env.AMOJO_PKG) : path.join(root, "pkg");

for (const file of ["package.json", "index.cjs", "index.mjs", "web.mjs", "wasm/amojo_kit_bg.wasm"]) {
  if (!fs.existsSync(path.join(pkgDir, file))) {
    throw new Error(`pkg/${file} is missing: run \`make pkg\` first (the JS tests run against the built package)`);
  }
}

export const require = createRequire(import.meta.url);
// The core instance the Node entry uses: wasm/node.cjs's instantiate() is wrapped before
// the entry loads, so that tests reach the raw exports the entry calls (and can make them
// trap) and see a reload replace them. A build from before instantiate() exported the raw
// functions from the glue itself.
const glueModule = require(path.join(pkgDir, "wasm", "node.cjs"));
const instances = [];
if (typeof glueModule.instantiate === "function") {
  const instantiate = glueModule.instantiate;
  glueModule.instantiate = () => {
    const instance = instantiate();
    instances.push(instance);
    return instance;
  };
}
export const glue = () => (instances.length > 0 ? instances[instances.length - 1] : glueModule);

/** The CommonJS entry (what `require("amojo-kit")` gives under Node). */
export const amojo = require(path.join(pkgDir, "index.cjs"));

export function readText(rel) {
  return fs.readFileSync(path.join(root, rel), "utf8");
}

export function loadJson(rel) {
  return JSON.parse(readText(rel));
}

export function hexBytes(hex) {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export const utf8 = (s) => new TextEncoder().encode(s);

// Source spans of JSON values (to pass a corpus body to the validator byte for byte: JSON.parse
// would turn `1.0` into `1`): the playground's own scanner, one copy for both.
export { jsonSpans } from "../../www/jsonspans.mjs";

/** The exact text of a span's value. */
export function spanText(text, node) {
  return text.slice(node.start, node.end);
}

/** Sorted "path code" strings of a list of issues, for multiset comparison. */
export function issueKeys(issues) {
  return issues.map((x) => `${x.path} ${x.code}`).sort();
}
