#!/usr/bin/env node
// Benchmarks of the npm package (pkg/, built by `make pkg`), the Node half of `make bench`.
//
//   CARGO_PROFILE_BENCH_PANIC=unwind cargo bench --bench core -- --noplot
//                                          # the native half; writes target/bench/native.json
//                                          # (unwind: with the release profile's panic=abort
//                                          # cargo builds the lib twice and the bin fails)
//   node scripts/bench.mjs                 # this; prints the table, writes
//                                          # target/bench/results.json and results.md
//   node scripts/bench.mjs --smoke         # tiny iteration counts: every scenario runs and
//                                          # every implementation agrees (tests/js/)
//
// Options: --smoke, --no-browser (skip scenario 4), --no-native (skip the native side of
// scenarios 3 and 6), --samples N, --sample-ms MS, --print-expected (the digests for
// benches/inputs.json, computed with node:crypto, then exit).
//
// Scenarios (the peers each is compared with, the target on the ratio amojo-kit ÷ peer):
//   1. sign a 1 KiB JSON body: signRequest vs node:crypto vs hash-wasm        (≥ 1.5× node:crypto)
//   2. validate a ~700 B send_message JSON string, valid and invalid:
//      validate vs JSON.parse + ajv compiled from schemas/send_message.json   (≥ 1.0× ajv)
//   3. 1 MiB body, MD5 and the whole signature: wasm vs the native Rust core   (≥ 0.85× native)
//   4. Chromium (headless): sign 1 KiB, web entry vs spark-md5 + crypto-js     (≥ 5×)
//   5. .wasm raw and gzip size; cold require + first call in a fresh node       (≤ 100 KB, ≤ 40 KB, ≤ 10 ms)
//   6. sign and validate at 100 B … 1 MiB: ns/byte per size, linear growth      (each 10× step ≤ 1.5× ns/byte)
//
// Fair harness: the same inputs (benches/inputs.json, shared with benches/core.rs) for
// every implementation; every implementation's output is checked before timing (a wrong
// peer fails the run); per implementation a calibrated batch of ≥ 200 ms, a warm-up, then
// samples taken round-robin across the implementations of a scenario (so drift in machine
// load hits all of them alike); the median ops/s is reported.
//
// Peers come from npm into their own prefix, target/tools/bench (installed when absent).
// Scenario 4 reuses tests/e2e/setup.mjs: Debian's chromium and playwright-core in
// target/tools/e2e (installed when absent, except under --smoke, which skips the browser
// unless both are already there).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkgDir = path.join(root, "pkg");
const outDir = path.join(root, "target", "bench");
const peersDir = path.join(root, "target", "tools", "bench");
const PEERS = ["hash-wasm@4", "spark-md5@3", "crypto-js@4", "ajv@8"];
const NATIVE_JSON = path.join(outDir, "native.json");
const NATIVE_MAX_AGE_MS = 30 * 60 * 1000;

// ---- options ------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
function value(name, fallback) {
  const i = argv.indexOf(name);
  if (i < 0) {
    return fallback;
  }
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    throw new Error(`${name} needs a positive number`);
  }
  return v;
}
const known = new Set(["--smoke", "--no-browser", "--no-native", "--samples", "--sample-ms", "--print-expected"]);
for (let i = 0; i < argv.length; i++) {
  if (!known.has(argv[i])) {
    throw new Error(`unknown argument ${argv[i]}; known: ${[...known].join(", ")}`);
  }
  if (argv[i] === "--samples" || argv[i] === "--sample-ms") {
    i++;
  }
}
const SMOKE = flag("--smoke");
const OPTS = SMOKE
  ? { sampleMs: value("--sample-ms", 2), samples: value("--samples", 2), warmupMs: 0 }
  : { sampleMs: value("--sample-ms", 200), samples: value("--samples", 10), warmupMs: 300 };
const COLD_RUNS = SMOKE ? 2 : 10;

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

// ---- inputs (benches/inputs.json, shared with benches/core.rs) -------------------------

const inputs = JSON.parse(fs.readFileSync(path.join(root, "benches", "inputs.json"), "utf8"));
const SECRET = inputs.secret;
const METHOD = inputs.method;
const PATH = inputs.path;
const CT = inputs.content_type;
const DATE_MS = inputs.date_unix * 1000;
const SLOT = "{TEXT}";
const utf8Length = (s) => Buffer.byteLength(s, "utf8");

// Must stay identical to body_of_size in benches/core.rs: the template with its {TEXT}
// slot filled so the body is exactly `size` bytes (filler character by character while the
// next one fits, then ASCII dots); when that is too small for the template, the smallest
// body of that shape, whose text is the filler's first character (an empty one is an error).
function bodyOfSize(template, filler, size) {
  const base = utf8Length(template) - SLOT.length;
  const room = Math.max(size - base, utf8Length(String.fromCodePoint(filler.codePointAt(0))));
  let text = filler.repeat(Math.floor(room / utf8Length(filler)));
  let used = utf8Length(text);
  for (const ch of filler) {
    const n = utf8Length(ch);
    if (used + n > room) {
      break;
    }
    text += ch;
    used += n;
  }
  text += ".".repeat(room - used);
  return template.replace(SLOT, () => text);
}
const signBody = (size) =>
  bodyOfSize(size >= utf8Length(inputs.template) - SLOT.length ? inputs.template : inputs.tiny_template, inputs.filler, size);
const validateBody = (size) => bodyOfSize(inputs.template, inputs.filler, size);
const SIZES = inputs.sizes;
const label = (n) => (n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20} MiB` : n >= 1024 && n % 1024 === 0 ? `${n >> 10} KiB` : `${n} B`);
const md5Hex = (s) => createHash("md5").update(s).digest("hex");

// ---- the reference and the peers, all computing the same four headers --------------------

const formatDate = (ms) => new Date(ms).toUTCString().replace(/GMT$/, "+0000");
const canonicalOf = (md5, date) => `${METHOD}\n${md5}\n${CT}\n${date}\n${PATH}`;
const result = (date, md5, signature, canonical) => ({
  headers: { Date: date, "Content-Type": CT, "Content-MD5": md5, "X-Signature": signature },
  canonical,
});

/** node:crypto: createHash("md5") + createHmac("sha1"), the reference every other one must equal. */
function nodeCryptoSign(body) {
  const date = formatDate(DATE_MS);
  const md5 = createHash("md5").update(body).digest("hex");
  const canonical = canonicalOf(md5, date);
  return result(date, md5, createHmac("sha1", SECRET).update(canonical).digest("hex"), canonical);
}

if (flag("--print-expected")) {
  const digest = (body, signed) => {
    const d = { bytes: utf8Length(body), content_md5: md5Hex(body) };
    if (signed) {
      d.signature = nodeCryptoSign(body).headers["X-Signature"];
    }
    return d;
  };
  const expected = {
    date: formatDate(DATE_MS),
    sign: Object.fromEntries(SIZES.map((n) => [String(n), digest(signBody(n), true)])),
    validate: Object.fromEntries(SIZES.map((n) => [String(n), digest(validateBody(n), false)])),
    send_message_valid: digest(inputs.send_message_valid, false),
    send_message_invalid: digest(inputs.send_message_invalid, false),
  };
  process.stdout.write(`${JSON.stringify(expected, null, 2)}\n`);
  process.exit(0);
}

// The generated bodies must be the bytes the native benchmark checked too.
function checkInputs() {
  const e = inputs.expected;
  assert.equal(formatDate(DATE_MS), e.date, "inputs: formatted Date");
  const same = (what, body, want) => {
    assert.equal(utf8Length(body), want.bytes, `inputs: ${what}: size`);
    assert.equal(md5Hex(body), want.content_md5, `inputs: ${what}: Content-MD5`);
    if (want.signature) {
      assert.equal(nodeCryptoSign(body).headers["X-Signature"], want.signature, `inputs: ${what}: X-Signature`);
    }
  };
  for (const n of SIZES) {
    same(`sign body ${n}`, signBody(n), e.sign[n]);
    same(`validate body ${n}`, validateBody(n), e.validate[n]);
  }
  same("send_message_valid", inputs.send_message_valid, e.send_message_valid);
  same("send_message_invalid", inputs.send_message_invalid, e.send_message_invalid);
}

// ---- the harness (also sent to the browser: self-contained, no closure over this file) ---

function makeHarness(now) {
  let sink = 0;
  function keep(r) {
    sink = (sink + (r === undefined || r === null ? 1 : typeof r === "object" ? 2 : 3)) | 0;
  }
  function batch(fn, n) {
    let last;
    const t0 = now();
    for (let i = 0; i < n; i++) {
      last = fn();
    }
    const dt = now() - t0;
    keep(last);
    return Math.max(dt, 1e-3);
  }
  // Iterations per sample so that one sample takes at least `ms`.
  function calibrate(fn, ms) {
    let n = 1;
    for (;;) {
      const dt = batch(fn, n);
      if (dt >= ms) {
        return n;
      }
      if (dt < ms / 20) {
        n *= 10;
      } else {
        n = Math.max(n + 1, Math.ceil((n * ms * 1.1) / dt));
      }
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  /** impls: [{ name, fn }] → [{ name, opsPerSec (median), samples, iterations, minSampleMs }] */
  function compare(impls, { sampleMs, samples, warmupMs }) {
    const iters = impls.map((impl) => calibrate(impl.fn, sampleMs));
    impls.forEach((impl, j) => {
      const end = now() + warmupMs;
      while (now() < end) {
        batch(impl.fn, Math.max(1, Math.ceil(iters[j] / 10)));
      }
    });
    const rates = impls.map(() => []);
    const durations = impls.map(() => []);
    for (let s = 0; s < samples; s++) {
      for (let k = 0; k < impls.length; k++) {
        const j = (k + s) % impls.length; // a different order each round
        const dt = batch(impls[j].fn, iters[j]);
        rates[j].push((iters[j] * 1000) / dt);
        durations[j].push(dt);
      }
    }
    const quantile = (xs, q) => {
      const v = [...xs].sort((a, b) => a - b);
      const i = (v.length - 1) * q;
      return v[Math.floor(i)] + (v[Math.ceil(i)] - v[Math.floor(i)]) * (i - Math.floor(i));
    };
    return impls.map((impl, j) => ({
      name: impl.name,
      opsPerSec: median(rates[j]),
      // half the interquartile range, relative to the median
      spreadPct: (100 * (quantile(rates[j], 0.75) - quantile(rates[j], 0.25))) / (2 * median(rates[j])),
      samples: rates[j],
      iterations: iters[j],
      minSampleMs: Math.min(...durations[j]),
      sink,
    }));
  }
  return { compare, median };
}

const harness = makeHarness(() => performance.now());

// ---- tools ---------------------------------------------------------------------------------

const peersRequire = createRequire(path.join(peersDir, "package.json"));
function loadPeers() {
  const names = PEERS.map((p) => p.replace(/@\d+$/, ""));
  const missing = names.filter((n) => {
    try {
      peersRequire.resolve(`${n}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    log(`installing ${PEERS.join(" ")} into target/tools/bench (npm)…`);
    fs.mkdirSync(peersDir, { recursive: true });
    execFileSync("npm", ["install", "--prefix", peersDir, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", ...PEERS], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const version = (n) => peersRequire(`${n}/package.json`).version;
  const Ajv2020 = peersRequire("ajv/dist/2020");
  return {
    hashWasm: peersRequire("hash-wasm"),
    Ajv2020: Ajv2020.default || Ajv2020,
    sparkMd5Path: peersRequire.resolve("spark-md5/spark-md5.js"),
    cryptoJsPath: peersRequire.resolve("crypto-js/crypto-js.js"),
    versions: Object.fromEntries(names.map((n) => [n, version(n)])),
  };
}

for (const file of ["index.cjs", "web.mjs", "wasm/amojo_kit_bg.wasm", "wasm/node.cjs"]) {
  if (!fs.existsSync(path.join(pkgDir, file))) {
    throw new Error(`pkg/${file} is missing: run \`make pkg\` first (the benchmarks measure the built package)`);
  }
}
const pkgRequire = createRequire(path.join(pkgDir, "index.cjs"));
const amojo = pkgRequire("./index.cjs");
// The raw wasm-bindgen exports the package wraps (an instance of the same compiled module).
// Used only for diagnostic rows that show what the JS layer costs.
const raw = pkgRequire("./wasm/node.cjs").instantiate();

// ---- checks ----------------------------------------------------------------------------------

function agree(what, impls, want) {
  for (const impl of impls) {
    let got;
    try {
      got = impl.fn();
    } catch (e) {
      throw new Error(`${what}: ${impl.name} threw: ${e && e.message}`);
    }
    const shape = impl.shape ? impl.shape(got) : got;
    try {
      assert.deepStrictEqual(shape, want);
    } catch {
      throw new Error(`${what}: ${impl.name} disagrees with the reference:\n  got  ${JSON.stringify(shape)}\n  want ${JSON.stringify(want)}`);
    }
  }
}

// ---- rows of the table -----------------------------------------------------------------------

const rows = [];
const fmtInt = (x) => Math.round(x).toLocaleString("en-US");
// ops/s of a number, or of a harness result with its spread (± half the IQR).
function fmtOps(x) {
  if (typeof x === "object") {
    return `${fmtOps(x.opsPerSec)} ±${x.spreadPct < 10 ? x.spreadPct.toFixed(1) : x.spreadPct.toFixed(0)}%`;
  }
  if (x >= 100) {
    return `${fmtInt(x)} ops/s`;
  }
  return `${x.toPrecision(3)} ops/s`;
}
const fmtRatio = (x) => `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
const fmtNsB = (x) => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ns/B`;
function row(scenario, impl, res, extra = {}) {
  rows.push({ scenario, implementation: impl, result: res, ratio: "", target: "", met: "", ...extra });
}
function verdict(ok) {
  if (SMOKE) {
    return "n/a (smoke)"; // tiny samples, cold JIT: not measurements
  }
  return ok ? "yes" : "NO";
}

// ---- 1. sign 1 KiB ---------------------------------------------------------------------------

async function scenarioSign(peers) {
  const body = signBody(1024);
  const bodyBytes = new TextEncoder().encode(body);
  const secretBytes = new TextEncoder().encode(SECRET);
  const md5h = await peers.hashWasm.createMD5();
  const hmac = await peers.hashWasm.createHMAC(peers.hashWasm.createSHA1(), SECRET);
  const hashWasmSign = (b) => {
    const date = formatDate(DATE_MS);
    md5h.init();
    md5h.update(b);
    const md5 = md5h.digest("hex");
    const canonical = canonicalOf(md5, date);
    hmac.init();
    hmac.update(canonical);
    return result(date, md5, hmac.digest("hex"), canonical);
  };
  const impls = [
    { name: "amojo-kit signRequest", fn: () => amojo.signRequest({ secret: SECRET, method: METHOD, path: PATH, body, date: DATE_MS }) },
    { name: "node:crypto createHash(md5) + createHmac(sha1)", fn: () => nodeCryptoSign(body) },
    { name: `hash-wasm ${peers.versions["hash-wasm"]} (MD5 + HMAC-SHA1)`, fn: () => hashWasmSign(body) },
    {
      name: "amojo-kit raw export rawSignBytes (bytes pre-encoded; diagnostic)",
      fn: () => raw.rawSignBytes(secretBytes, METHOD, PATH, bodyBytes, undefined, undefined, inputs.date_unix),
      shape: (joined) => {
        const cut = joined.lastIndexOf("\n");
        const canonical = joined.slice(0, cut);
        const [, md5, , date] = canonical.split("\n");
        return result(date, md5, joined.slice(cut + 1), canonical);
      },
    },
  ];
  agree("sign 1 KiB", impls, nodeCryptoSign(body));
  const [ours, node, hw, rawRes] = harness.compare(impls, OPTS);
  const s = "1. sign 1 KiB";
  row(s, ours.name, fmtOps(ours));
  row(s, node.name, fmtOps(node), { ratio: fmtRatio(ours.opsPerSec / node.opsPerSec), target: "≥ 1.5×", met: verdict(ours.opsPerSec / node.opsPerSec >= 1.5) });
  row(s, hw.name, fmtOps(hw), { ratio: fmtRatio(ours.opsPerSec / hw.opsPerSec) });
  row(s, rawRes.name, fmtOps(rawRes), { ratio: fmtRatio(ours.opsPerSec / rawRes.opsPerSec) });
  return { bytes: utf8Length(body), results: [ours, node, hw, rawRes] };
}

// ---- 2. validate ~700 B ------------------------------------------------------------------------

function scenarioValidate(peers) {
  const schema = JSON.parse(fs.readFileSync(path.join(root, "schemas", "send_message.json"), "utf8"));
  const ajv = new peers.Ajv2020({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  const out = {};
  for (const [kind, text] of [
    ["valid", inputs.send_message_valid],
    ["invalid", inputs.send_message_invalid],
  ]) {
    const ours = { name: "amojo-kit validate(string)", fn: () => amojo.validate("send_message", text) };
    const theirs = {
      name: `JSON.parse + ajv ${peers.versions.ajv} (2020, allErrors)`,
      fn: () => {
        const ok = check(JSON.parse(text));
        return { valid: ok, errors: check.errors };
      },
    };
    // Same verdict; on the invalid body each of our error paths is one ajv reports too.
    const a = ours.fn();
    const b = theirs.fn();
    const want = kind === "valid";
    assert.equal(a.valid, want, `validate ${kind}: amojo-kit says valid=${a.valid}`);
    assert.equal(b.valid, want, `validate ${kind}: ajv says valid=${b.valid} ${JSON.stringify(b.errors)}`);
    if (!want) {
      const ajvPaths = new Set(b.errors.map((e) => e.instancePath));
      assert.equal(a.errors.length, 4, `validate invalid: amojo-kit errors ${JSON.stringify(a.errors)}`);
      for (const e of a.errors) {
        assert.ok(ajvPaths.has(e.path), `validate invalid: ajv does not report ${e.path} (${[...ajvPaths].join(", ")})`);
      }
    }
    // The raw export returns the report as JSON text ("" for "valid, no warnings").
    const pre = new TextEncoder().encode(text);
    const rawImpl = { name: "amojo-kit raw export rawValidate (bytes pre-encoded, JSON text; diagnostic)", fn: () => raw.rawValidate("send_message", pre, "en") };
    const rawText = rawImpl.fn();
    const rawReport = rawText === "" ? { valid: true, endpoint: "send_message", errors: [], warnings: [], truncated: false } : JSON.parse(rawText);
    assert.deepEqual(rawReport, a, `validate ${kind}: the raw export disagrees with validate()`);
    const [r1, r2, r3] = harness.compare([ours, theirs, rawImpl], OPTS);
    const s = `2. validate send_message ${utf8Length(text)} B, ${kind}`;
    row(s, r1.name, fmtOps(r1));
    const ratio = r1.opsPerSec / r2.opsPerSec;
    row(s, r2.name, fmtOps(r2), { ratio: fmtRatio(ratio), target: "≥ 1.0× (aim 1.5×)", met: verdict(ratio >= 1.0) + (ratio >= 1.5 ? " (aim met)" : "") });
    row(s, r3.name, fmtOps(r3), { ratio: fmtRatio(r1.opsPerSec / r3.opsPerSec) });
    out[kind] = { bytes: utf8Length(text), results: [r1, r2, r3] };
  }
  return out;
}

// ---- 3. 1 MiB, wasm vs native -------------------------------------------------------------------

function loadNative() {
  if (flag("--no-native") || SMOKE) {
    return null;
  }
  const fresh = () => {
    try {
      const n = JSON.parse(fs.readFileSync(NATIVE_JSON, "utf8"));
      return Date.now() - n.finished_at_ms <= NATIVE_MAX_AGE_MS ? n : null;
    } catch {
      return null;
    }
  };
  let native = fresh();
  if (!native) {
    log("target/bench/native.json is missing or older than 30 min: running `cargo bench --bench core -- --noplot` first");
    const r = spawnSync("cargo", ["bench", "--bench", "core", "--", "--noplot"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { CARGO_PROFILE_BENCH_PANIC: "unwind", ...process.env },
    });
    if (r.status !== 0) {
      throw new Error("cargo bench --bench core failed");
    }
    native = fresh();
    if (!native) {
      throw new Error("cargo bench ran but target/bench/native.json is still missing");
    }
  }
  return native;
}

function nativeResult(native, id, body) {
  const r = native && native.results[id];
  if (!r) {
    throw new Error(`target/bench/native.json has no result for ${id}: run \`cargo bench --bench core -- --noplot\``);
  }
  // The native run must have measured the same bytes.
  assert.equal(r.bytes, utf8Length(body), `native ${id}: size`);
  assert.equal(r.content_md5, md5Hex(body), `native ${id}: measured other bytes than this script`);
  return r;
}

function scenarioHash(native) {
  const text = signBody(1 << 20);
  const body = new TextEncoder().encode(text);
  const want = nodeCryptoSign(text);
  const signBytes = { name: "amojo-kit signRequest(body: Uint8Array)", fn: () => amojo.signRequest({ secret: SECRET, method: METHOD, path: PATH, body, date: DATE_MS }) };
  const signString = { name: "amojo-kit signRequest(body: string) (info)", fn: () => amojo.signRequest({ secret: SECRET, method: METHOD, path: PATH, body: text, date: DATE_MS }) };
  const md5 = { name: "amojo-kit contentMd5(Uint8Array)", fn: () => amojo.contentMd5(body), shape: (h) => ({ md5: h }) };
  const nodeMd5 = { name: "node:crypto createHash(md5) (info)", fn: () => createHash("md5").update(body).digest("hex"), shape: (h) => ({ md5: h }) };
  const nodeSign = { name: "node:crypto MD5 + HMAC-SHA1 (info)", fn: () => nodeCryptoSign(body) };
  agree("sign 1 MiB", [signBytes, signString, nodeSign], want);
  agree("MD5 1 MiB", [md5, nodeMd5], { md5: want.headers["Content-MD5"] });
  const [rMd5, rNodeMd5] = harness.compare([md5, nodeMd5], OPTS);
  const [rSign, rSignStr, rNodeSign] = harness.compare([signBytes, signString, nodeSign], OPTS);
  const out = { bytes: body.length, results: [rMd5, rNodeMd5, rSign, rSignStr, rNodeSign], native: {} };
  const s = "3. 1 MiB body (wasm vs native)";
  const MiB = body.length;
  const withNative = (ours, id, nativeName) => {
    row(s, ours.name, `${fmtOps(ours)} = ${fmtNsB(1e9 / ours.opsPerSec / MiB)}`);
    if (!native) {
      row(s, nativeName, "skipped (--no-native / --smoke)", { target: "≥ 0.85×", met: "n/a" });
      return;
    }
    const n = nativeResult(native, id, text);
    out.native[id] = n;
    const ratio = ours.opsPerSec / n.ops_per_sec;
    row(s, nativeName, `${fmtOps(n.ops_per_sec)} = ${fmtNsB(n.ns_per_byte)}`, { ratio: fmtRatio(ratio), target: "≥ 0.85×", met: verdict(ratio >= 0.85) });
  };
  withNative(rMd5, "hash_1MiB/content_md5", "native Rust content_md5 (criterion)");
  row(s, rNodeMd5.name, fmtOps(rNodeMd5), { ratio: fmtRatio(rMd5.opsPerSec / rNodeMd5.opsPerSec) });
  withNative(rSign, "hash_1MiB/sign_request", "native Rust sign_request (criterion)");
  row(s, rSignStr.name, fmtOps(rSignStr), { ratio: fmtRatio(rSign.opsPerSec / rSignStr.opsPerSec) });
  row(s, rNodeSign.name, fmtOps(rNodeSign), { ratio: fmtRatio(rSign.opsPerSec / rNodeSign.opsPerSec) });
  return out;
}

// ---- 5. size and cold start -------------------------------------------------------------------

function scenarioSize() {
  const wasmPath = path.join(pkgDir, "wasm", "amojo_kit_bg.wasm");
  const bytes = fs.readFileSync(wasmPath);
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const s = "5. size and start";
  row(s, ".wasm raw (pkg/wasm/amojo_kit_bg.wasm)", `${fmtInt(bytes.length)} B`, { target: "≤ 100 KB (100,000 B)", met: verdict(bytes.length <= 100_000) });
  row(s, ".wasm gzip -9", `${fmtInt(gz)} B`, { target: "≤ 40 KB (40,000 B)", met: verdict(gz <= 40_000) });

  const body = signBody(1024);
  const child = `
    const { performance } = require("node:perf_hooks");
    const t0 = performance.now();
    const k = require(${JSON.stringify(path.join(pkgDir, "index.cjs"))});
    const t1 = performance.now();
    const r = k.signRequest({ secret: ${JSON.stringify(SECRET)}, method: ${JSON.stringify(METHOD)}, path: ${JSON.stringify(PATH)}, body: ${JSON.stringify(body)}, date: ${DATE_MS} });
    const t2 = performance.now();
    process.stdout.write(JSON.stringify({ requireMs: t1 - t0, firstCallMs: t2 - t1, totalMs: t2 - t0, signature: r.headers["X-Signature"] }));
  `;
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const out = execFileSync(process.execPath, ["-e", child], { cwd: os.tmpdir(), encoding: "utf8" });
    const r = JSON.parse(out);
    assert.equal(r.signature, nodeCryptoSign(body).headers["X-Signature"], "cold start: first signRequest");
    runs.push(r);
  }
  const med = (k) => harness.median(runs.map((r) => r[k]));
  const total = med("totalMs");
  row(s, `cold require("amojo-kit") + first signRequest, fresh node ×${COLD_RUNS} (median)`, `${total.toFixed(2)} ms`, { target: "≤ 10 ms", met: verdict(total <= 10) });
  row(s, "  of which require (read + compile + instantiate)", `${med("requireMs").toFixed(2)} ms`);
  row(s, "  of which the first signRequest", `${med("firstCallMs").toFixed(2)} ms`);
  return { rawBytes: bytes.length, gzipBytes: gz, cold: runs, coldMedianMs: { total, require: med("requireMs"), firstCall: med("firstCallMs") } };
}

// ---- 6. scaling -------------------------------------------------------------------------------

function scenarioScaling(native) {
  const out = { sign: [], validate: [] };
  const STEP = 1.5;
  for (const op of ["sign", "validate"]) {
    const series = [];
    for (const n of SIZES) {
      const body = op === "sign" ? signBody(n) : validateBody(n);
      const impl =
        op === "sign"
          ? { name: "signRequest", fn: () => amojo.signRequest({ secret: SECRET, method: METHOD, path: PATH, body, date: DATE_MS }) }
          : { name: "validate", fn: () => amojo.validate("send_message", body) };
      if (op === "sign") {
        agree(`sign ${n}`, [impl], nodeCryptoSign(body));
      } else {
        const r = impl.fn();
        assert.ok(r.valid && r.warnings.length === 0, `validate ${n}: ${JSON.stringify(r).slice(0, 300)}`);
      }
      const [r] = harness.compare([impl], OPTS);
      const bytes = utf8Length(body);
      const entry = { nominal: n, bytes, opsPerSec: r.opsPerSec, spreadPct: r.spreadPct, nsPerByte: 1e9 / r.opsPerSec / bytes };
      if (native) {
        const id = `scaling_${op}/${label(n).replace(" ", "")}`;
        const nr = nativeResult(native, id, body);
        entry.native = { opsPerSec: nr.ops_per_sec, nsPerByte: nr.ns_per_byte };
      }
      series.push(entry);
    }
    const s = `6. scaling: ${op === "sign" ? "signRequest(string)" : "validate(string) send_message"}`;
    for (const [i, e] of series.entries()) {
      const size = e.bytes === e.nominal ? label(e.nominal) : `${label(e.nominal)} (actual ${fmtInt(e.bytes)} B: smallest valid send_message)`;
      const extra = {};
      if (e.native) {
        extra.ratio = `${fmtRatio(e.opsPerSec / e.native.opsPerSec)} native (${fmtNsB(e.native.nsPerByte)})`;
      }
      if (i > 0) {
        const step = e.nsPerByte / series[i - 1].nsPerByte;
        e.stepVsPrevious = step;
        extra.target = `ns/B ≤ ${STEP}× previous size (×${step.toFixed(2)})`;
        extra.met = verdict(step <= STEP);
      }
      row(s, `${op === "sign" ? "signRequest" : "validate"} @ ${size}`, `${fmtNsB(e.nsPerByte)} (${fmtOps(e)})`, extra);
    }
    out[op] = series;
  }
  return out;
}

// ---- 4. Chromium ------------------------------------------------------------------------------

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

function pageHtml() {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>amojo-kit bench</title>
<script src="/peers/spark-md5.js"></script>
<script src="/peers/crypto-js.js"></script>
<script type="module">
import init, * as amojo from "/pkg/web.mjs";
const makeHarness = ${makeHarness.toString()};
window.runBench = async (cfg) => {
  const t0 = performance.now();
  await init();
  const initMs = performance.now() - t0;
  const { compare } = makeHarness(() => performance.now());
  const { body, secret, method, path, ct, dateMs } = cfg;
  const formatDate = (ms) => new Date(ms).toUTCString().replace(/GMT$/, "+0000");
  const peer = () => {
    const date = formatDate(dateMs);
    const md5 = SparkMD5.hash(body);
    const canonical = method + "\\n" + md5 + "\\n" + ct + "\\n" + date + "\\n" + path;
    const signature = CryptoJS.HmacSHA1(canonical, secret).toString(CryptoJS.enc.Hex);
    return { headers: { Date: date, "Content-Type": ct, "Content-MD5": md5, "X-Signature": signature }, canonical };
  };
  const impls = [
    { name: "amojo-kit web entry signRequest", fn: () => amojo.signRequest({ secret, method, path, body, date: dateMs }) },
    { name: "spark-md5 " + cfg.versions["spark-md5"] + " + crypto-js " + cfg.versions["crypto-js"] + " HmacSHA1", fn: peer },
  ];
  const outputs = impls.map((i) => JSON.stringify(i.fn()));
  return { initMs, outputs, results: compare(impls, cfg.opts), userAgent: navigator.userAgent };
};
window.benchReady = true;
</script></head><body>amojo-kit bench</body></html>`;
}

function serveBench(peers) {
  const files = {
    "/peers/spark-md5.js": peers.sparkMd5Path,
    "/peers/crypto-js.js": peers.cryptoJsPath,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const send = (status, type, data) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
      res.end(data);
    };
    if (url.pathname === "/") {
      send(200, MIME[".html"], pageHtml());
      return;
    }
    let file = files[url.pathname];
    if (!file && url.pathname.startsWith("/pkg/")) {
      const p = path.resolve(pkgDir, `.${decodeURIComponent(url.pathname.slice(4))}`);
      if (p.startsWith(pkgDir + path.sep)) {
        file = p;
      }
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      send(404, "text/plain", "not found");
      return;
    }
    send(200, MIME[path.extname(file)] || "application/octet-stream", fs.readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

async function scenarioBrowser(peers) {
  const s = "4. Chromium: sign 1 KiB";
  const skip = (why) => {
    row(s, "amojo-kit web entry vs spark-md5 + crypto-js", `skipped: ${why}`, { target: "≥ 5×", met: "n/a" });
    return { skipped: why };
  };
  if (flag("--no-browser")) {
    return skip("--no-browser");
  }
  const setup = await import(path.join(root, "tests", "e2e", "setup.mjs"));
  let executablePath;
  let playwright;
  if (SMOKE) {
    // Install nothing in a smoke run: use the browser only when it is already there.
    if (!fs.existsSync(setup.CHROMIUM)) {
      return skip(`${setup.CHROMIUM} absent (smoke runs install nothing)`);
    }
    try {
      playwright = createRequire(path.join(root, "target", "tools", "e2e", "package.json"))("playwright-core");
    } catch {
      return skip("playwright-core absent in target/tools/e2e (smoke runs install nothing)");
    }
    executablePath = setup.CHROMIUM;
  } else {
    executablePath = setup.ensureChromium();
    playwright = setup.loadPlaywright();
  }
  const { server, origin } = await serveBench(peers);
  const browser = await playwright.chromium.launch({
    executablePath,
    headless: true,
    args: setup.CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext();
    const external = await setup.keepLocal(context, origin);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
    const body = signBody(1024);
    const out = await page.evaluate((cfg) => window.runBench(cfg), {
      body,
      secret: SECRET,
      method: METHOD,
      path: PATH,
      ct: CT,
      dateMs: DATE_MS,
      versions: peers.versions,
      opts: OPTS,
    });
    assert.deepEqual(errors, [], "page errors");
    assert.deepEqual(external, [], "the bench page requested something outside localhost");
    const want = nodeCryptoSign(body);
    out.results.forEach((r, i) => {
      const got = JSON.parse(out.outputs[i]);
      try {
        assert.deepStrictEqual(got, want);
      } catch {
        throw new Error(`Chromium: ${r.name} disagrees with the reference:\n  got  ${out.outputs[i]}\n  want ${JSON.stringify(want)}`);
      }
    });
    const [ours, peer] = out.results;
    const ratio = ours.opsPerSec / peer.opsPerSec;
    const version = browser.version();
    row(s, `${ours.name} (Chromium ${version})`, fmtOps(ours));
    row(s, peer.name, fmtOps(peer), { ratio: fmtRatio(ratio), target: "≥ 5×", met: verdict(ratio >= 5) });
    row(s, "  init(): fetch + compile + instantiate (one page load; info)", `${out.initMs.toFixed(1)} ms`);
    return { chromium: version, userAgent: out.userAgent, initMs: out.initMs, results: out.results };
  } finally {
    await browser.close();
    server.close();
  }
}

// ---- the table --------------------------------------------------------------------------------

const COLUMNS = [
  ["scenario", "Scenario"],
  ["implementation", "Implementation"],
  ["result", "ops/s or ns/byte"],
  ["ratio", "amojo-kit ÷ this"],
  ["target", "Target"],
  ["met", "Met?"],
];

function textTable() {
  const width = COLUMNS.map(([k, h]) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join("  ").trimEnd();
  const out = [line(COLUMNS.map(([, h]) => h)), line(width.map((w) => "-".repeat(w)))];
  let last = null;
  for (const r of rows) {
    out.push(line(COLUMNS.map(([k]) => (k === "scenario" && r.scenario === last ? "" : r[k]))));
    last = r.scenario;
  }
  return out.join("\n");
}

function markdownTable() {
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  const out = [`| ${COLUMNS.map(([, h]) => h).join(" | ")} |`, `| ${COLUMNS.map(() => "---").join(" | ")} |`];
  let last = null;
  for (const r of rows) {
    out.push(`| ${COLUMNS.map(([k]) => esc(k === "scenario" && r.scenario === last ? "" : r[k])).join(" | ")} |`);
    last = r.scenario;
  }
  return out.join("\n");
}

function gitDescribe() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return `${head}${dirty ? " (with uncommitted changes)" : ""}`;
  } catch {
    return "unknown";
  }
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const loadStart = os.loadavg()[0];
  checkInputs();
  const peers = loadPeers();
  const native = loadNative();
  log(`${SMOKE ? "smoke run" : "measuring"}: samples ${OPTS.samples} × ≥ ${OPTS.sampleMs} ms, warm-up ${OPTS.warmupMs} ms`);
  const data = {};
  log("1. sign 1 KiB");
  data.sign = await scenarioSign(peers);
  log("2. validate");
  data.validate = scenarioValidate(peers);
  log("3. 1 MiB");
  data.hash = scenarioHash(native);
  log("4. Chromium");
  data.browser = await scenarioBrowser(peers);
  log("5. size and cold start");
  data.size = scenarioSize();
  log("6. scaling");
  data.scaling = scenarioScaling(native);

  const meta = {
    date: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    mode: SMOKE ? "smoke" : "full",
    commit: gitDescribe(),
    node: process.version,
    cpu: `${os.cpus()[0]?.model ?? "?"} ×${os.cpus().length}`,
    loadavg1: { start: loadStart, end: os.loadavg()[0] },
    harness: OPTS,
    peers: peers.versions,
    native: native ? { tool: native.tool, profile: native.profile, finished: new Date(native.finished_at_ms).toISOString() } : null,
  };
  const table = textTable();
  const unmet = rows.filter((r) => r.met.startsWith("NO"));
  const md = [
    `Measured ${meta.date} on ${meta.cpu}, Node ${meta.node}${data.browser.chromium ? `, Chromium ${data.browser.chromium}` : ""}; commit ${meta.commit}; load average ${loadStart.toFixed(2)} → ${meta.loadavg1.end.toFixed(2)}.`,
    `Peers (npm): ${Object.entries(peers.versions).map(([n, v]) => `${n} ${v}`).join(", ")}.`,
    `Median of ${OPTS.samples} samples of ≥ ${OPTS.sampleMs} ms (± half the interquartile range), taken round-robin across the implementations of a scenario; native: ${meta.native ? meta.native.tool : "not measured"}. "amojo-kit ÷ this": the amojo-kit row's ops/s divided by this row's (for the 1 MiB rows, wasm ÷ native).`,
    "",
    markdownTable(),
    "",
  ].join("\n");
  fs.mkdirSync(outDir, { recursive: true });
  const base = SMOKE ? "smoke" : "results";
  fs.writeFileSync(path.join(outDir, `${base}.json`), `${JSON.stringify({ meta, rows, data }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${base}.md`), md);
  process.stdout.write(`\n${table}\n\n`);
  process.stdout.write(`${meta.mode} run in ${meta.durationS.toFixed(1)} s; targets met ${rows.filter((r) => r.met.startsWith("yes")).length}, missed ${unmet.length}; wrote target/bench/${base}.json and ${base}.md\n`);

  if (SMOKE) {
    // Every scenario ran and produced numbers.
    const numbers = [data.sign, data.validate.valid, data.validate.invalid, { results: data.hash.results }]
      .flatMap((d) => d.results)
      .map((r) => r.opsPerSec)
      .concat(data.scaling.sign.map((e) => e.opsPerSec), data.scaling.validate.map((e) => e.opsPerSec), [data.size.coldMedianMs.total]);
    for (const x of numbers) {
      assert.ok(Number.isFinite(x) && x > 0, `smoke: a measurement is ${x}`);
    }
    assert.ok(data.size.rawBytes > 0 && data.size.gzipBytes > 0);
    process.stdout.write(`smoke: ok (${numbers.length} measurements, browser ${data.browser.skipped ? `skipped: ${data.browser.skipped}` : "ran"})\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench: FAILED: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
