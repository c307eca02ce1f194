// Measures what hostile and large bodies do to a process's memory (not a test file itself:
// tests/js/memory.test.mjs runs it in a fresh `node --expose-gc`, with the package
// directory as its argument, and reads the JSON it prints). Also run by hand:
//
//   node --expose-gc tests/js/memory-probe.cjs pkg
//
// RSS after a full collection, before and after: a 512 MiB unauthenticated hook streamed
// at verifyWebhookRequest and at webhookMiddleware (no Content-Length), and a legal 50 MB
// validate (maxBodyBytes raised) followed by one small call.
"use strict";
const path = require("node:path");
const { Readable } = require("node:stream");
const { setImmediate: tick } = require("node:timers/promises");

const amojo = require(path.resolve(process.argv[2] || "pkg", "index.cjs"));
const MiB = 1024 * 1024;
const HOSTILE = 512 * MiB;
const SECRET = "4b6a8e0c2f1d3a5b7c9e0f1a2b3c4d5e6f7a8b9c";

async function settled() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await tick();
  }
  return process.memoryUsage().rss;
}

// 512 MiB in 1 MiB chunks, made as they are pulled: the sender's memory is not the
// receiver's.
function* hostileChunks() {
  const chunk = new Uint8Array(MiB).fill(0x7b);
  for (let sent = 0; sent < HOSTILE; sent += MiB) {
    yield chunk;
  }
}

async function main() {
  if (typeof global.gc !== "function") {
    throw new Error("run with node --expose-gc");
  }
  // Warm: the package, and the fetch and stream code Node loads on first use.
  amojo.validate("connect", { account_id: "a" });
  amojo.contentMd5("warm");
  await amojo.verifyWebhookRequest(new Request("https://x/", { method: "POST", body: new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(8)); c.close(); } }), duplex: "half" }), SECRET);
  for await (const _ of Readable.from([Buffer.alloc(8)])) {
    // drained
  }
  const out = { baseline: await settled() };

  let t0 = performance.now();
  const iterator = hostileChunks();
  let pulled = 0;
  const stream = new ReadableStream({
    pull(c) {
      const { done, value } = iterator.next();
      if (done) {
        c.close();
      } else {
        pulled++;
        c.enqueue(value);
      }
    },
  });
  const viaFetch = await amojo.verifyWebhookRequest(new Request("https://integration.example/hook", { method: "POST", body: stream, duplex: "half", headers: { "X-Signature": "0".repeat(40) } }), SECRET);
  out.fetch = { reason: viaFetch.reason, ms: performance.now() - t0, pulledMiB: pulled, peak: process.memoryUsage().rss, after: await settled() };

  t0 = performance.now();
  const req = Readable.from(hostileChunks(), { objectMode: false });
  req.headers = { "x-signature": "0".repeat(40) };
  const res = { headersSent: false, statusCode: 200, setHeader() {}, end(text) { this.sent = text; this.headersSent = true; } };
  await new Promise((resolve) => {
    amojo.webhookMiddleware({ secret: SECRET })(req, res, resolve);
    const wait = () => (res.headersSent ? resolve() : setTimeout(wait, 5));
    wait();
  });
  req.destroy();
  out.middleware = { status: res.statusCode, reason: res.sent && JSON.parse(res.sent).reason, ms: performance.now() - t0, peak: process.memoryUsage().rss, after: await settled() };

  t0 = performance.now();
  // (The 50 MB text lives only inside the arrow: collectable after it.)
  const valid = (() => amojo.validate("connect", `{"account_id":"${"x".repeat(50 * MiB)}"}`, { maxBodyBytes: 64 * MiB }).valid)();
  const peak = process.memoryUsage().rss;
  const afterCall = await settled();
  amojo.validate("connect", { account_id: "a" });
  out.legal = { valid, ms: performance.now() - t0, peak, afterCall, afterNext: await settled() };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack}\n`);
  process.exit(1);
});
