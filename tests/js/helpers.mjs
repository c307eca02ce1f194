// Shared by the tests in tests/js/ (not a test file itself). They run against the built
// package in pkg/ (`make pkg`).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const pkgDir = path.join(root, "pkg");

for (const file of ["package.json", "index.cjs", "index.mjs", "web.mjs", "wasm/amojo_kit_bg.wasm"]) {
  if (!fs.existsSync(path.join(pkgDir, file))) {
    throw new Error(`pkg/${file} is missing: run \`make pkg\` first (the JS tests run against the built package)`);
  }
}

export const require = createRequire(import.meta.url);
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

/**
 * Parses JSON text and returns, for every value, its source span, so that a test can pass
 * a corpus body to the validator byte for byte (JSON.parse would turn `1.0` into `1`).
 * Returns { value, start, end, members?, items? }: members maps an object's keys to spans.
 */
export function jsonSpans(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) {
      i++;
    }
  };
  const fail = () => {
    throw new SyntaxError(`jsonSpans: unexpected ${JSON.stringify(text[i])} at ${i}`);
  };
  const str = () => {
    const start = i;
    i++;
    while (text[i] !== '"') {
      if (i >= text.length) {
        fail();
      }
      i += text[i] === "\\" ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = () => {
    ws();
    const start = i;
    const node = { start };
    const c = text[i];
    if (c === "{") {
      i++;
      node.members = new Map();
      ws();
      if (text[i] === "}") {
        i++;
      } else {
        for (;;) {
          ws();
          if (text[i] !== '"') {
            fail();
          }
          const key = str();
          ws();
          if (text[i++] !== ":") {
            fail();
          }
          node.members.set(key, value());
          ws();
          if (text[i] === ",") {
            i++;
          } else if (text[i] === "}") {
            i++;
            break;
          } else {
            fail();
          }
        }
      }
    } else if (c === "[") {
      i++;
      node.items = [];
      ws();
      if (text[i] === "]") {
        i++;
      } else {
        for (;;) {
          node.items.push(value());
          ws();
          if (text[i] === ",") {
            i++;
          } else if (text[i] === "]") {
            i++;
            break;
          } else {
            fail();
          }
        }
      }
    } else if (c === '"') {
      str();
    } else {
      const m = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (!m) {
        fail();
      }
      i += m[0].length;
    }
    node.end = i;
    node.text = text.slice(start, i);
    return node;
  };
  const top = value();
  ws();
  if (i !== text.length) {
    fail();
  }
  return top;
}

/** Sorted "path code" strings of a list of issues, for multiset comparison. */
export function issueKeys(issues) {
  return issues.map((x) => `${x.path} ${x.code}`).sort();
}
