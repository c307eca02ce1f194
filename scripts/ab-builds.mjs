#!/usr/bin/env node
// Two builds of the npm package, side by side in one process: signRequest (1 KiB body),
// validate (the bench's valid and invalid send_message bodies). Rounds of ≥ 150 ms alternate
// between the builds, so machine load hits both alike; prints the median ops/s of each and
// the ratio B ÷ A. For decisions the whole-suite bench is too noisy for (compiler flags,
// a rewritten hot path):
//
//   cp -r pkg /tmp/pkg-a   # build A (make pkg), then change something, make pkg again
//   node scripts/ab-builds.mjs /tmp/pkg-a pkg [--rounds 25]
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 25;
if (args.length !== 2 || !Number.isInteger(rounds) || rounds < 1) {
  console.error("usage: node scripts/ab-builds.mjs PKG_DIR_A PKG_DIR_B [--rounds N]");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const kits = args.map((d) => require(path.resolve(d, "index.cjs")));
const inputs = JSON.parse(fs.readFileSync(path.join(root, "benches", "inputs.json"), "utf8"));
const text = (x) => (typeof x === "string" ? x : JSON.stringify(x));
const valid = text(inputs.send_message_valid);
const invalid = text(inputs.send_message_invalid);
const body = "x".repeat(1024);
const base = { secret: inputs.secret, method: inputs.method, path: inputs.path, date: inputs.date_unix * 1000 };
const ops = {
  "signRequest 1 KiB": (k) => k.signRequest({ ...base, body }),
  "validate, valid": (k) => k.validate("send_message", valid),
  "validate, invalid": (k) => k.validate("send_message", invalid),
};
// Both builds must answer alike before they are timed.
for (const [name, op] of Object.entries(ops)) {
  const [a, b] = kits.map((k) => JSON.stringify(op(k)));
  if (a !== b) {
    console.error(`the builds disagree on ${name}`);
    process.exit(1);
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
console.log(`A = ${args[0]}, B = ${args[1]}; ${rounds} alternating rounds per operation`);
for (const [name, op] of Object.entries(ops)) {
  const samples = kits.map(() => []);
  for (const k of kits) for (let i = 0; i < 20000; i++) op(k); // warm-up, tier-up
  for (let r = 0; r < rounds; r++) {
    kits.forEach((k, j) => {
      let n = 0;
      let t;
      const t0 = performance.now();
      do {
        for (let i = 0; i < 200; i++) op(k);
        n += 200;
        t = performance.now();
      } while (t - t0 < 150);
      samples[j].push((n * 1000) / (t - t0));
    });
  }
  const [a, b] = samples.map(median);
  const fmt = (x) => Math.round(x).toLocaleString("en");
  console.log(`${name.padEnd(18)} A ${fmt(a).padStart(9)} ops/s  B ${fmt(b).padStart(9)} ops/s  B÷A ${(b / a).toFixed(3)}`);
}
