// Builds the playground's generated files into www/pkg/ (gitignored). Run after `make pkg`:
//
//   make pkg && node scripts/build-playground.mjs && node scripts/serve-playground.mjs
//
// www/pkg/
//   web.mjs, lib/*.mjs, wasm/web.mjs, wasm/amojo_kit_bg.wasm
//                       the browser entry of the npm package and everything it imports
//                       (checked: every relative import and `new URL(…, import.meta.url)`
//                       of a copied module must resolve to a copied file)
//   docs-examples.mjs   the docs' example requests as templates, from
//                       tests/vectors/docs_bodies.json and docs_requests.json
//
// Node >= 18, no dependencies.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = path.join(root, "pkg");
const out = path.join(root, "www", "pkg");

function die(message) {
  console.error(`build-playground: ${message}`);
  process.exit(1);
}

for (const f of ["web.mjs", "lib/api.mjs", "wasm/web.mjs", "wasm/amojo_kit_bg.wasm"]) {
  if (!fs.existsSync(path.join(pkg, f))) {
    die(`pkg/${f} is missing: run \`make pkg\` first`);
  }
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// ---- the package's browser entry and what it imports ------------------------------------

// Relative specifiers a module loads: static imports/exports, dynamic import("…") and
// new URL("…", import.meta.url) (how the wasm-bindgen glue finds the .wasm file).
function dependencies(source) {
  const found = new Set();
  const patterns = [
    /\b(?:import|export)\s[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
    /\bnew\s+URL\s*\(\s*["']([^"':]+)["']\s*,\s*import\.meta\.url\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      found.add(m[1]);
    }
  }
  return [...found];
}

const copied = [];
const queue = ["web.mjs"];
const seen = new Set();
while (queue.length > 0) {
  const rel = queue.shift();
  if (seen.has(rel)) {
    continue;
  }
  seen.add(rel);
  const src = path.join(pkg, rel);
  if (!fs.existsSync(src)) {
    die(`pkg/${rel} is imported by the web entry but does not exist`);
  }
  fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
  fs.copyFileSync(src, path.join(out, rel));
  copied.push(rel);
  if (rel.endsWith(".mjs") || rel.endsWith(".js")) {
    for (const dep of dependencies(fs.readFileSync(src, "utf8"))) {
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(rel), dep));
      if (next.startsWith("..")) {
        die(`pkg/${rel} imports ${dep}, outside the package`);
      }
      queue.push(next);
    }
  }
}
// The rest of lib/ and the wasm, as the brief of the playground lists them (cheap, and a
// later import of the entry will find them).
for (const dir of ["lib", "wasm"]) {
  for (const name of fs.readdirSync(path.join(pkg, dir))) {
    const rel = `${dir}/${name}`;
    if (!seen.has(rel) && (name.endsWith(".mjs") || name.endsWith(".wasm"))) {
      fs.copyFileSync(path.join(pkg, rel), path.join(out, rel));
      copied.push(rel);
    }
  }
}
if (!copied.includes("wasm/amojo_kit_bg.wasm")) {
  die("the web glue no longer names wasm/amojo_kit_bg.wasm with new URL(…, import.meta.url); update this script");
}

// ---- templates from the docs ------------------------------------------------------------

function loadJson(rel) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, rel), "utf8"));
  } catch (e) {
    die(`${rel}: ${e.message}`);
  }
}

const bodies = loadJson("tests/vectors/docs_bodies.json");
const requests = loadJson("tests/vectors/docs_requests.json");
const byName = new Map(requests.map((r) => [r.name, r]));

function docsInfo(name) {
  const r = byName.get(name);
  if (!r) {
    return undefined;
  }
  return {
    method: r.method,
    path: r.path,
    url: r.url,
    date: r.date,
    contentMd5: r.content_md5,
    xSignature: r.x_signature,
    md5Reproducible: r.md5_reproducible === true,
    canonical: r.canonical,
  };
}

const examples = [];
for (const b of bodies) {
  if (typeof b.name !== "string" || typeof b.endpoint !== "string" || b.body === undefined) {
    die(`tests/vectors/docs_bodies.json: an entry lacks name, endpoint or body: ${JSON.stringify(b).slice(0, 120)}`);
  }
  examples.push({
    id: b.name,
    endpoint: b.endpoint,
    source: b.source,
    note: b.note,
    method: b.method ?? undefined,
    path: b.path ?? undefined,
    pathTemplate: b.path_template ?? undefined,
    body: b.body,
    docs: docsInfo(b.name),
  });
}
// Signed requests whose body is not in docs_bodies.json: the GET of the history (its
// "body" in the playground is the query, as the validator's history endpoint takes it).
for (const r of requests) {
  if (examples.some((e) => e.id === r.name) || r.endpoint !== "history") {
    continue;
  }
  const query = {};
  for (const [k, v] of new URL(r.url).searchParams) {
    query[k] = /^-?\d+$/.test(v) ? Number(v) : v;
  }
  examples.push({
    id: r.name,
    endpoint: r.endpoint,
    source: r.source,
    note: r.note,
    method: r.method,
    path: r.path,
    body: query,
    docs: docsInfo(r.name),
  });
}

const header = "// Generated by scripts/build-playground.mjs from tests/vectors/docs_bodies.json and\n// docs_requests.json. Do not edit.\n";
fs.writeFileSync(path.join(out, "docs-examples.mjs"), `${header}export default ${JSON.stringify(examples, null, 1)};\n`);

const size = (rel) => fs.statSync(path.join(out, rel)).size;
console.log(`build-playground: www/pkg/ ← ${copied.map((f) => `${f} (${size(f)} B)`).join(", ")}; docs-examples.mjs (${examples.length} templates)`);
