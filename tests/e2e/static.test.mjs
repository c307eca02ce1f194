// The playground's parts that need no browser: the JSON span scanner and formatter of the
// editor, the interface strings (every key in both languages), the static server (MIME
// types, no path traversal) and the rule that the page loads nothing from elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { root } from "./setup.mjs";
import { jsonSpans, locate, lineColumn, offsetOf, prettyJson, pointerTokens } from "../../www/jsonspans.mjs";
import { STRINGS, translator } from "../../www/i18n.mjs";
import { serve } from "../../scripts/serve-playground.mjs";

const www = path.join(root, "www");
const read = (f) => fs.readFileSync(path.join(www, f), "utf8");

test("locate maps a JSON Pointer to the text of the key and value", () => {
  const text = '{\n  "a": {\n    "b/c": [1, {"d~e": "x"}],\n    "n": 1.0\n  },\n  "s": "v"\n}';
  const tree = jsonSpans(text);
  const at = (p) => {
    const r = locate(tree, p);
    return [text.slice(r.start, r.end), r.missing];
  };
  assert.deepEqual(at("/s"), ['"s": "v"', false]);
  assert.deepEqual(at("/a/n"), ['"n": 1.0', false]);
  assert.deepEqual(at("/a/b~1c/1/d~0e"), ['"d~e": "x"', false]);
  assert.deepEqual(at("/a/b~1c/0"), ["1", false]);
  assert.deepEqual(at("/a"), ['"a": {', false], "a multi-line object: its key and bracket");
  assert.deepEqual(at("/a/missing"), ['"a": {', true], "a missing member: its parent's key and bracket");
  assert.deepEqual(at("/a/b~1c/7"), ['"b/c": [', true]);
  assert.deepEqual(at("/nope"), ["{", true]);
  assert.deepEqual(at(""), [text, false]);
  assert.deepEqual(pointerTokens("/a~1b/~0"), ["a/b", "~"]);
});

test("jsonSpans rejects what is not JSON, with the offset", () => {
  for (const bad of ["", "{", '{"a":}', '{"a" 1}', "[1,]", "{} x", '"\n"']) {
    assert.throws(() => jsonSpans(bad), (e) => e instanceof SyntaxError && Number.isInteger(e.offset), bad);
  }
});

test("prettyJson re-indents and keeps every token as typed", () => {
  const src = '{"a":"x\\/y \\u0412","b":[],"c":{},"d":[1.0,-2e3,{"e":null}]}';
  const out = prettyJson(src);
  assert.equal(out, '{\n  "a": "x\\/y \\u0412",\n  "b": [],\n  "c": {},\n  "d": [\n    1.0,\n    -2e3,\n    {\n      "e": null\n    }\n  ]\n}');
  assert.equal(prettyJson(out), out);
  assert.throws(() => prettyJson("{"), SyntaxError);
});

test("line/column conversions: serde's byte columns map back to characters", () => {
  const text = '{\n  "имя": x\n}';
  // serde_json counts bytes: `  "имя": ` is 2 + 1 + 6 + 1 + 1 + 1 = 12 bytes, x at byte column 13.
  const at = offsetOf(text, 2, 13);
  assert.equal(text[at], "x");
  assert.deepEqual(lineColumn(text, at), { line: 2, column: 10 });
  assert.equal(offsetOf(text, 9, 1), text.length);
});

test("every interface string exists in English and Russian", () => {
  const html = read("index.html");
  const app = read("app.mjs");
  const keys = new Set();
  for (const m of html.matchAll(/data-i18n(?:-html|-placeholder|-title|-aria-label)?="(\w+)"/g)) {
    keys.add(m[1]);
  }
  for (const m of app.matchAll(/\bt\("(\w+)"/g)) {
    keys.add(m[1]);
  }
  assert.ok(keys.size > 60, `found ${keys.size} keys`);
  for (const lang of ["en", "ru"]) {
    const missing = [...keys].filter((k) => !(k in STRINGS[lang]));
    assert.deepEqual(missing, [], `${lang} lacks ${missing.join(", ")}`);
  }
  assert.deepEqual(Object.keys(STRINGS.en).sort(), Object.keys(STRINGS.ru).sort());
  for (const table of ["groups", "endpoints"]) {
    assert.deepEqual(Object.keys(STRINGS.en[table]).sort(), Object.keys(STRINGS.ru[table]).sort());
  }
  const en = translator("en");
  const ru = translator("ru");
  assert.equal(en("invalid", { e: 1, w: 2 }), "1 error, 2 warnings");
  assert.equal(ru("invalid", { e: 1, w: 2 }), "1 ошибка, 2 предупреждения");
  assert.equal(ru("invalid", { e: 11, w: 25 }), "11 ошибок, 25 предупреждений");
  assert.equal(ru("invalid", { e: 21, w: 104 }), "21 ошибка, 104 предупреждения");
});

test("the page's sources name no other origin and no inline script or style", () => {
  const html = read("index.html");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, "no inline script");
  assert.doesNotMatch(html, /<style\b|\sstyle="/i, "no inline style");
  assert.match(html, /Content-Security-Policy" content="default-src 'self'/);
  for (const f of ["index.html", "app.mjs", "style.css", "i18n.mjs", "jsonspans.mjs", "templates.mjs"]) {
    const text = read(f);
    // Absolute URLs may appear as data (example bodies, the API's base URL), never as a
    // resource the page loads.
    assert.doesNotMatch(text, /(?:src|href)=["']?(?:https?:)?\/\//i, `${f}: src/href to another origin`);
    assert.doesNotMatch(text, /@import|url\(\s*["']?(?:https?:)?\/\//i, `${f}: CSS import from another origin`);
    assert.doesNotMatch(text, /\bimport\s*(?:\(|[^;]*from)\s*["'](?:https?:)?\/\//, `${f}: module from another origin`);
  }
});

test("the static server: MIME types for .mjs and .wasm, 404, no way out of www/", async () => {
  const { server, url } = await serve({ port: 0 });
  try {
    const get = (p) => fetch(new URL(p, url));
    const index = await get("/");
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type"), /^text\/html/);
    assert.match(index.headers.get("content-security-policy"), /default-src 'self'/);
    assert.match((await get("/app.mjs")).headers.get("content-type"), /^text\/javascript/);
    assert.match((await get("/style.css")).headers.get("content-type"), /^text\/css/);
    if (fs.existsSync(path.join(www, "pkg", "wasm", "amojo_kit_bg.wasm"))) {
      const wasm = await get("/pkg/wasm/amojo_kit_bg.wasm");
      assert.equal(wasm.headers.get("content-type"), "application/wasm");
      assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).slice(0, 4)], [0, 0x61, 0x73, 0x6d]);
    }
    assert.equal((await get("/nope.txt")).status, 404);
    for (const sneaky of ["/../Cargo.toml", "/%2e%2e/Cargo.toml", "/pkg/%2e%2e/%2e%2e/Cargo.toml", "/..%2fCargo.toml"]) {
      const res = await get(sneaky);
      assert.ok(res.status === 403 || res.status === 404, `${sneaky}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /\[package\]/);
    }
    assert.equal((await fetch(new URL("/", url), { method: "POST" })).status, 405);
  } finally {
    server.close();
  }
});
