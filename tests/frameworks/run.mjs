// The package README's framework recipes (tests/frameworks/recipes/, quoted there
// verbatim: tests/js/readme-recipes.test.mjs) run as servers and driven over real HTTP:
// a fresh signed hook is accepted with its endpoint and JSON, and every kind of refusal
// gets the status parseWebhook (or the middleware) says. The frameworks are pinned in
// package-lock.json; amojo-kit is the packed pkg/ (`npm pack`), installed as users get it.
//
//   node tests/frameworks/run.mjs [--only express,nest]
//
// Prints a table; exits 1 when a recipe fails.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const pkgDir = path.join(repo, "pkg");
const SECRET = "recipe-channel-secret";
const TIMEOUT_MS = 30_000;

const RECIPES = [
  { name: "express", file: "recipes/express.mjs" },
  { name: "fastify", file: "recipes/fastify.mjs" },
  { name: "koa", file: "recipes/koa.mjs" },
  { name: "hono", file: "recipes/hono.mjs", outbox: true },
  // Nest's JSON parser (rawBody: true keeps its bytes) answers 400 itself for a body that
  // is not JSON, before any handler runs.
  { name: "nest", file: "recipes/nest.ts", compile: true, parsesJsonFirst: true },
];

function argOnly() {
  const i = process.argv.indexOf("--only");
  if (i === -1) {
    return null;
  }
  const names = (process.argv[i + 1] || "").split(",").filter(Boolean);
  const unknown = names.filter((n) => !RECIPES.some((r) => r.name === n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`--only takes recipe names: ${RECIPES.map((r) => r.name).join(", ")}`);
    process.exit(2);
  }
  return names;
}

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

// The pinned frameworks, then the package as a tarball (no symlink into the repository).
function install() {
  if (!fs.existsSync(path.join(pkgDir, "package.json"))) {
    throw new Error("pkg/ is missing: run `make pkg`");
  }
  const stamp = path.join(here, "node_modules", ".lock-stamp");
  const lock = fs.readFileSync(path.join(here, "package-lock.json"), "utf8");
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8") !== lock) {
    sh("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], here);
    fs.writeFileSync(stamp, lock);
  }
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-recipes-"));
  const tarball = sh("npm", ["pack", pkgDir, "--pack-destination", packDir, "--loglevel=error"], here).trim().split("\n").pop();
  sh("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", path.join(packDir, tarball)], here);
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.writeFileSync(stamp, lock);
}

// nest.ts → .build/nest.js (CommonJS, decorators), with the TypeScript pinned here.
function compile(recipe) {
  const out = path.join(here, ".build");
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const tsconfig = path.join(out, "tsconfig.json");
  fs.writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: {
      module: "commonjs", moduleResolution: "node10", target: "es2022", strict: true,
      experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true,
      skipLibCheck: true, types: ["node"], typeRoots: [path.join(here, "node_modules", "@types")],
      outDir: out, rootDir: path.join(here, "recipes"),
    },
    files: [path.join(here, recipe.file)],
  }));
  fs.writeFileSync(path.join(out, "package.json"), '{ "type": "commonjs" }\n');
  try {
    sh(process.execPath, [path.join(here, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], here);
  } catch (e) {
    throw new Error(`tsc: ${e.stdout}${e.stderr}`.trim());
  }
  return path.join(out, path.basename(recipe.file).replace(/\.ts$/, ".js"));
}

function start(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: here,
      env: { ...process.env, PORT: "0", AMOJO_SECRET: SECRET, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no "listening on" within ${TIMEOUT_MS} ms: ${out.slice(-400)}`));
    }, TIMEOUT_MS);
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), output: () => out });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c) => {
      out += c;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${out.slice(-600)}`));
    });
  });
}

// One connection per request (no pool): a server that answers 413 without reading the
// rest of an upload leaves its connection unusable for the next request.
function post(port, route, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port, path: route, method: "POST", agent: false, timeout: TIMEOUT_MS,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, json, text });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e) => {
      // A server may answer (413) and close before the whole upload went out.
      if (e.code === "EPIPE" || e.code === "ECONNRESET") {
        return;
      }
      reject(e);
    });
    req.end(body);
  });
}

// The scenarios every recipe must get right, built with the package under test.
async function scenarios(amojo) {
  const docs = JSON.parse(fs.readFileSync(path.join(repo, "tests", "vectors", "docs_bodies.json"), "utf8"));
  const hook = docs.find((b) => b.endpoint === "webhook_message").body;
  const fresh = JSON.stringify({ ...hook, time: Math.floor(Date.now() / 1000) }, null, 2);
  const stale = JSON.stringify(hook);
  const sign = (body) => amojo.signWebhook(body, SECRET);
  const send = docs.find((b) => b.endpoint === "send_message").body;
  return [
    { what: "a fresh signed hook", body: fresh, headers: { "X-Signature": sign(fresh) }, status: 200, check: (r) => r.json && r.json.endpoint === "webhook_message" && r.json.account_id === hook.account_id },
    { what: "one byte changed", body: `${fresh} `, headers: { "X-Signature": sign(fresh) }, status: 401, reason: "signature_mismatch" },
    { what: "no X-Signature", body: fresh, headers: {}, status: 401, reason: "missing_header" },
    { what: "signed, older than maxAgeSeconds", body: stale, headers: { "X-Signature": sign(stale) }, status: 401, reason: "stale_hook" },
    { what: "signed, not JSON", body: "{oops", headers: { "X-Signature": sign("{oops") }, status: 400, reason: "invalid_json", json: true },
    { what: "over the body limit", body: `{"pad":"${"x".repeat(2 * 1024 * 1024)}"}`, headers: { "X-Signature": "0".repeat(40) }, status: 413 },
    { what: "outbox: a valid send_message", route: "/outbox", outbox: true, body: JSON.stringify(send), headers: {}, status: 200, check: (r) => r.json && r.json.msgid === send.payload.msgid },
    { what: "outbox: a broken send_message", route: "/outbox", outbox: true, body: JSON.stringify({ ...send, event_type: "new_mesage" }), headers: {}, status: 400 },
  ];
}

async function runRecipe(recipe, cases) {
  const file = recipe.compile ? compile(recipe) : path.join(here, recipe.file);
  const server = await start(file);
  const failures = [];
  try {
    for (const c of cases) {
      if (c.outbox && !recipe.outbox) {
        continue;
      }
      let r;
      try {
        r = await post(server.port, c.route || "/amojo/hook", c.body, c.headers);
      } catch (e) {
        failures.push(`${c.what}: ${e.message}${e.cause ? ` (${e.cause.code || e.cause.message})` : ""}`);
        continue;
      }
      const problems = [];
      if (r.status !== c.status) {
        problems.push(`status ${r.status}, expected ${c.status}`);
      }
      const reasonChecked = c.reason && !(c.json && recipe.parsesJsonFirst);
      if (reasonChecked && !(r.json && (r.json.reason === c.reason || (r.json.message && r.json.message.reason === c.reason)))) {
        problems.push(`reason ${r.json ? JSON.stringify(r.json.reason ?? r.json) : "none"}, expected ${c.reason}`);
      }
      if (c.check && !c.check(r)) {
        problems.push(`answer ${r.text.slice(0, 160)}`);
      }
      if (r.text.includes(SECRET)) {
        problems.push("the answer holds the secret");
      }
      if (problems.length > 0) {
        failures.push(`${c.what}: ${problems.join("; ")}`);
      }
    }
  } finally {
    server.child.kill("SIGTERM");
  }
  return failures;
}

async function main() {
  const only = argOnly();
  const t0 = Date.now();
  install();
  const installMs = Date.now() - t0;
  const amojo = (await import(path.join(here, "node_modules", "amojo-kit", "index.mjs")));
  const cases = await scenarios(amojo);
  const rows = [];
  for (const recipe of RECIPES.filter((r) => only === null || only.includes(r.name))) {
    const start = Date.now();
    let failures;
    try {
      failures = await runRecipe(recipe, cases);
    } catch (e) {
      failures = [e.message];
    }
    rows.push({ recipe: recipe.name, file: recipe.file, ok: failures.length === 0, ms: Date.now() - start, failures });
  }
  console.log(`frameworks (install ${installMs} ms)`);
  console.log("| recipe | file | result | time |");
  console.log("| --- | --- | --- | --- |");
  for (const r of rows) {
    console.log(`| ${r.recipe} | ${r.file} | ${r.ok ? "pass" : "FAIL"} | ${r.ms} ms |`);
  }
  for (const r of rows.filter((x) => !x.ok)) {
    console.log(`\n${r.recipe}:\n  ${r.failures.join("\n  ")}`);
  }
  process.exit(rows.every((r) => r.ok) ? 0 : 1);
}

main().catch((e) => {
  console.error(e.stack || e.message);
  process.exit(1);
});
