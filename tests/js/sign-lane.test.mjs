// signRequest writes the request into a scratch buffer in wasm memory and signs it with one
// call (src/wasm.rs rawSignScratch); requests too large for the scratch take the bytes
// export rawSignBytes. Whichever it takes, it must give exactly what the
// export gives: the same headers and canonical string for every kind of input, the
// same typed errors, after the memory grows and after the module is reloaded.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { amojo, glue } from "./helpers.mjs";

const encode = (v) => (typeof v === "string" ? new TextEncoder().encode(v) : new Uint8Array(v.buffer ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v));

/** What the string export rawSignBytes gives for a signRequest input (or the error it throws). */
function reference(input) {
  const { secret, method, path: p, body, contentType, date } = input;
  const seconds = typeof date === "number" ? Math.floor(date / 1000) : date instanceof Date ? Math.floor(date.getTime() / 1000) : 0;
  let joined;
  try {
    joined = glue().rawSignBytes(encode(secret), method, p, body === undefined || body === null ? new Uint8Array(0) : encode(body), contentType, typeof date === "string" ? date : undefined, seconds);
  } catch (e) {
    return { error: { code: e.code, message: e.message } };
  }
  const cut = joined.lastIndexOf("\n");
  const canonical = joined.slice(0, cut);
  const [, md5, type, d] = canonical.split("\n", 4);
  return { headers: { "Date": d, "Content-Type": type, "Content-MD5": md5, "X-Signature": joined.slice(cut + 1) }, canonical };
}

function signed(input) {
  try {
    return amojo.signRequest(input);
  } catch (e) {
    assert.ok(e instanceof amojo.AmojoTypeError, `${e && e.stack}`);
    return { error: { code: e.code, message: e.message } };
  }
}

function same(input, label) {
  const want = reference(input);
  const got = signed(input);
  assert.deepStrictEqual(got, want, `${label}: ${JSON.stringify(input, (k, v) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 40)}… (${v.length})` : v))}`);
  // Key order as documented, too.
  if (!got.error) {
    assert.deepEqual(Object.keys(got.headers), ["Date", "Content-Type", "Content-MD5", "X-Signature"]);
  }
  return got;
}

const DATE = "Wed, 15 Dec 2021 23:12:55 +0000";
const CYRILLIC = '{"text":"' + "Привет, мир! Hello, world! 0123456789 ".repeat(30) + '"}';
const bytesOf = (s) => new TextEncoder().encode(s);
const framed = (s) => {
  const whole = bytesOf(`##${s}##`);
  return whole.subarray(2, whole.length - 2);
};

const choices = {
  secret: ["s", "bench-channel-secret-8c1f3e", "ключ-канала", "\ud800", "k".repeat(100), bytesOf("bytes-secret"), framed("framed-secret"), "", new Uint8Array(0)],
  method: ["POST", "post", "GeT", "M-SEARCH", "PO ST", ""],
  path: [
    "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7",
    "https://amojo.amocrm.ru/v2/origin/custom/abc/connect?x=1#frag",
    "HTTP://h:8080?only=query",
    "/путь/é?q=ё",
    "/emoji/\ud83d\ude0d",
    "/lone/\ud800",
    "/a%2Fb#x?y",
    "/a b",
    "no-slash",
  ],
  body: [undefined, null, "", "{}", CYRILLIC, "\ud83d", bytesOf(CYRILLIC), framed("{\"a\":1}"), Buffer.from("{\"buf\":true}"), new DataView(bytesOf("xx{\"dv\":1}").buffer, 2), bytesOf("[]").buffer],
  contentType: [undefined, "application/json", "application/json; charset=utf-8", "текст/plain", "\ud800", "a\tb", "bad\nvalue"],
  date: [DATE, "Wed, 15 Dec 2021 23:12:55 GMT", "Mon, 03 Oct 2020 15:11:21 +0000", "Ср, 15 Dec 2021", 1639609975000, 1639609975999, new Date(951782400000), 253402300799000, "soon"],
};
const base = { secret: "s", method: "POST", path: choices.path[0], body: "{}", date: DATE };

test("every choice of each argument, the others fixed: the same as rawSignBytes", () => {
  let errors = 0;
  for (const [key, values] of Object.entries(choices)) {
    for (const v of values) {
      if (same({ ...base, [key]: v }, key).error) {
        errors++;
      }
    }
  }
  assert.ok(errors >= 8, `${errors} error cases`);
});

test("3000 random combinations: the same as rawSignBytes", () => {
  let seed = 12345;
  const pick = (xs) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return xs[(seed >>> 8) % xs.length];
  };
  let ok = 0;
  for (let i = 0; i < 3000; i++) {
    const input = {};
    for (const [key, values] of Object.entries(choices)) {
      input[key] = pick(values);
    }
    if (!same(input, `combination ${i}`).error) {
      ok++;
    }
  }
  assert.ok(ok > 300, `${ok} signed`);
});

// The raw exports a call of `fn` used.
function exportsUsed(fn) {
  const loaded = glue();
  const used = [];
  const originals = {};
  for (const name of ["rawSignScratch", "rawSignBytes"]) {
    originals[name] = loaded[name];
    loaded[name] = (...args) => {
      used.push(name);
      return originals[name](...args);
    };
  }
  try {
    fn();
  } finally {
    Object.assign(loaded, originals);
  }
  return used;
}

test("requests around the scratch limit (1 MiB) and beyond: the same as rawSignBytes", () => {
  const lane = (input, label) => {
    const used = exportsUsed(() => signed(input));
    same(input, label);
    return used;
  };
  assert.deepEqual(lane({ ...base, body: CYRILLIC }, "1 KiB"), ["rawSignScratch"]);
  // The lane reserves 3 bytes per UTF-16 unit of text: up to ~349,000 units a string goes
  // in as it is; a longer one is encoded first (to be held to `maxBodyBytes`), and then its
  // bytes decide.
  for (const n of [1000, 300_000, 349_000, 349_600, 350_000, 400_000]) {
    assert.deepEqual(lane({ ...base, body: "й".repeat(n) }, `Cyrillic body of ${n} units`), ["rawSignScratch"], `${n}`);
    assert.deepEqual(lane({ ...base, body: "x".repeat(n) }, `ASCII body of ${n} units`), ["rawSignScratch"], `${n}`);
  }
  const big = { maxBodyBytes: 4 << 20 };
  assert.deepEqual(lane({ ...base, body: "й".repeat(600_000), ...big }, "1.2 MB of Cyrillic"), ["rawSignBytes"]);
  assert.deepEqual(lane({ ...base, body: new Uint8Array(1 << 20).fill(0x61) }, "1 MiB of bytes"), ["rawSignBytes"]);
  assert.deepEqual(lane({ ...base, body: new Uint8Array(1000 << 10).fill(0x61) }, "1000 KiB of bytes"), ["rawSignScratch"]);
  assert.deepEqual(lane({ ...base, secret: "k".repeat(400_000) }, "a long secret"), ["rawSignBytes"]);
  assert.deepEqual(lane({ ...base, path: `/${"p".repeat(400_000)}` }, "a long path"), ["rawSignBytes"]);
  assert.deepEqual(lane({ ...base, body: "small again" }, "back in the lane"), ["rawSignScratch"]);
});

test("after the memory grows (its old buffer detached), signing still reads the right bytes", () => {
  const input = { ...base, body: CYRILLIC, date: 1639609975000 };
  const before = same(input, "before");
  for (let i = 0; i < 3; i++) {
    // A large input makes the core allocate, which grows the memory.
    const buffer = glue().rawMemory().buffer;
    assert.match(amojo.contentMd5(new Uint8Array(buffer.byteLength + (1 << 20)), { maxBodyBytes: 0xffffffff }), /^[0-9a-f]{32}$/);
    assert.equal(buffer.byteLength, 0, "the memory did not grow");
    assert.deepStrictEqual(same(input, `after growth ${i}`), before);
  }
});

test("a fault inside rawSignScratch is an `internal` error; the reloaded module signs again", () => {
  const input = { ...base, body: CYRILLIC };
  const want = same(input, "before");
  const loaded = glue();
  const original = loaded.rawSignScratch;
  loaded.rawSignScratch = () => {
    throw new WebAssembly.RuntimeError("unreachable");
  };
  let error;
  try {
    amojo.signRequest(input);
  } catch (e) {
    error = e;
  } finally {
    loaded.rawSignScratch = original;
  }
  assert.equal(error && error.code, "internal");
  assert.match(error.message, /internal fault in the WebAssembly core during rawSignScratch.*reloaded/);
  assert.notEqual(glue(), loaded, "the glue was not reloaded");
  // A new instance: a new memory and a new scratch.
  assert.deepStrictEqual(same(input, "after the reload"), want);
  assert.deepStrictEqual(same({ ...input, secret: "other" }, "another secret"), reference({ ...input, secret: "other" }));
});

test("the keyed MAC of the last secret is not reused for another secret", () => {
  const input = { ...base, body: "{}" };
  const sigs = new Set();
  for (const secret of ["a", "b", "a", bytesOf("a"), "ab", "a"]) {
    const s = same({ ...input, secret }, `secret ${secret}`);
    sigs.add(`${String(secret)}=${s.headers["X-Signature"]}`);
  }
  assert.equal(new Set([...sigs].map((x) => x.split("=")[1])).size, 3);
});

test("the secret, method and path left in the scratch are reused only when they are the same strings", () => {
  // Runs of requests sharing some of secret, method and path, each against the string
  // exports; equal lengths so that stale bytes would go unnoticed by a length check.
  const secrets = ["secret-a", "secret-b", "secret-a", bytesOf("secret-a"), "secret-a", "ключ"];
  const methods = ["POST", "post", "POST", "PUT!"];
  const paths = ["/v2/x/aaaa", "/v2/x/bbbb", "/v2/x/aaaa", "https://h/v2/x/aaaa"];
  let n = 0;
  for (const secret of secrets) {
    for (const method of methods) {
      for (const p of paths) {
        for (const body of ["{}", CYRILLIC, bytesOf("{\"b\":1}")]) {
          same({ secret, method, path: p, body, date: 1639609975000 + n * 1000, contentType: n % 3 ? undefined : "text/plain" }, `run ${n}`);
          n++;
        }
      }
    }
  }
  // After a secret given as bytes is changed in place, its new bytes are signed.
  const key = bytesOf("mutable-key");
  const input = { ...base, secret: key };
  same(input, "bytes secret");
  key[0] = 0x4d;
  same(input, "the same Uint8Array, changed");
});
