#!/usr/bin/env node
// The runtime and bundler matrix: the package as users get it (`npm pack` of pkg/, installed
// from the tarball), loaded the way each runtime's users load it, running the same program
// (check.mjs: sign the docs' connect request, verify it, sign and verify the docs' hook,
// validate a good and a bad connect body) after each bundler has bundled it.
//
//   node tests/runtimes/run.mjs                  every cell
//   node tests/runtimes/run.mjs --only esbuild-node,deno
//   node tests/runtimes/run.mjs --list           the cells and what each does
//   node tests/runtimes/run.mjs --keep           keep tests/runtimes/.work and the temp bundles
//                                                (.work is kept anyway when a cell fails)
//
// The tools are pinned in tests/runtimes/package.json and package-lock.json and installed with
// `npm ci` (again only when the lockfile changed). AMOJO_PKG=dir tests another build than
// pkg/, AMOJO_CHROMIUM another Chromium than /usr/bin/chromium.
//
// Every cell passes, fails, or "cannot run" when this machine lacks what it needs: a
// platform with no published binary (Deno, Bun, workerd), a binary that does not start here,
// a tool whose `engines` excludes this Node, no Chromium. A binary package that should install on this platform and did not is a
// failure, not "cannot run". Exit status: 1 when any cell failed.
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import http from "node:http";
import path from "node:path";
import crypto from "node:crypto";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CONNECT, HOOK, SECRET } from "./check.mjs";
import { recipeChecks, withRecipe } from "./lib/recipe-hooks.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const work = path.join(here, ".work");
const tools = path.join(here, "node_modules");
const toolRequire = createRequire(path.join(here, "package.json"));
const pkgDir = process.env.AMOJO_PKG ? path.resolve(process.env.AMOJO_PKG) : path.join(root, "pkg");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

// ---- the cells ----------------------------------------------------------------------------

class Fail extends Error {}

const bin = (name) => path.join(tools, ".bin", name);
/** Environment of every tool: no telemetry, no update checks, no colours. */
const quietEnv = {
  ...process.env,
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  NEXT_TELEMETRY_DISABLED: "1",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true", // and with it the update check
  DO_NOT_TRACK: "1",
  DENO_NO_UPDATE_CHECK: "1",
  npm_config_update_notifier: "false",
  BROWSERSLIST_IGNORE_OLD_DATA: "1",
};

const cells = [
  {
    name: "node-esm",
    what: "`node main.mjs`: import * from 'amojo-kit' (baseline)",
    fixture: "node",
    tool: false,
    async run(dir) {
      return resultOf(await exec(process.execPath, ["main.mjs"], { cwd: dir }));
    },
  },
  {
    name: "node-cjs",
    what: "`node main.cjs`: require('amojo-kit') (baseline)",
    fixture: "node",
    tool: false,
    async run(dir) {
      return resultOf(await exec(process.execPath, ["main.cjs"], { cwd: dir }));
    },
  },
  {
    name: "esbuild-node",
    engines: ["esbuild"],
    what: "esbuild --bundle --platform=node from an ES module entry (CommonJS out, Lambda-style), run alone in a temp dir",
    fixture: "node",
    async run(dir) {
      await build(bin("esbuild"), ["main.mjs", "--bundle", "--platform=node", "--outfile=dist/main.js", "--log-level=warning"], { cwd: dir });
      return resultOf(await exec(process.execPath, ["main.js"], { cwd: isolate(path.join(dir, "dist")) }));
    },
  },
  {
    name: "esbuild-node-cjs",
    engines: ["esbuild"],
    what: "esbuild --bundle --platform=node from a CommonJS entry (require), run alone in a temp dir",
    fixture: "node",
    async run(dir) {
      await build(bin("esbuild"), ["main.cjs", "--bundle", "--platform=node", "--outfile=dist/main.js", "--log-level=warning"], { cwd: dir });
      return resultOf(await exec(process.execPath, ["main.js"], { cwd: isolate(path.join(dir, "dist")) }));
    },
  },
  {
    name: "esbuild-node-esm",
    engines: ["esbuild"],
    what: "esbuild --bundle --platform=node --format=esm, run alone in a temp dir",
    fixture: "node",
    async run(dir) {
      await build(bin("esbuild"), ["main.mjs", "--bundle", "--platform=node", "--format=esm", "--outfile=dist/main.mjs", "--log-level=warning"], { cwd: dir });
      return resultOf(await exec(process.execPath, ["main.mjs"], { cwd: isolate(path.join(dir, "dist")) }));
    },
  },
  {
    name: "esbuild-browser",
    engines: ["esbuild"],
    what: "esbuild --bundle --format=esm (browser) of `amojo-kit/inline` (esbuild emits no .wasm), `await init()`, in Chromium",
    fixture: "browser",
    needs: chromiumMissing,
    async run(dir) {
      await build(bin("esbuild"), ["main-inline.mjs", "--bundle", "--format=esm", "--platform=browser", "--outfile=dist/main.js", "--log-level=warning"], { cwd: dir });
      writePage(path.join(dir, "dist"), "main.js");
      return inChromium(path.join(dir, "dist"));
    },
  },
  {
    name: "esbuild-browser-url",
    engines: ["esbuild"],
    what: "esbuild browser bundle of `amojo-kit`, amojo-kit/wasm/amojo_kit_bg.wasm copied beside it, `await init({ module_or_path })`, in Chromium",
    fixture: "browser",
    needs: chromiumMissing,
    async run(dir) {
      await build(bin("esbuild"), ["main-url.mjs", "--bundle", "--format=esm", "--platform=browser", "--outfile=dist/main.js", "--log-level=warning"], { cwd: dir });
      // the user's build step: the file through the package's exports map
      const wasm = createRequire(path.join(dir, "main-url.mjs")).resolve("amojo-kit/wasm/amojo_kit_bg.wasm");
      fs.copyFileSync(wasm, path.join(dir, "dist", "amojo_kit_bg.wasm"));
      writePage(path.join(dir, "dist"), "main.js");
      return inChromium(path.join(dir, "dist"));
    },
  },
  {
    name: "webpack-node",
    engines: ["webpack", "webpack-cli"],
    what: "webpack target: 'node' from an ES module entry, run alone in a temp dir",
    fixture: "node",
    async run(dir) {
      await build(bin("webpack"), ["--config", "webpack.config.cjs", "--env", "entry=main.mjs"], { cwd: dir });
      return resultOf(await exec(process.execPath, ["main.js"], { cwd: isolate(path.join(dir, "dist")) }));
    },
  },
  {
    name: "webpack-node-cjs",
    engines: ["webpack", "webpack-cli"],
    what: "webpack target: 'node' from a CommonJS entry (require), run alone in a temp dir",
    fixture: "node",
    async run(dir) {
      await build(bin("webpack"), ["--config", "webpack.config.cjs", "--env", "entry=main.cjs"], { cwd: dir });
      return resultOf(await exec(process.execPath, ["main.js"], { cwd: isolate(path.join(dir, "dist")) }));
    },
  },
  {
    name: "webpack-web",
    engines: ["webpack", "webpack-cli"],
    what: "webpack target: 'web', `await init()`, in Chromium",
    fixture: "browser",
    needs: chromiumMissing,
    async run(dir) {
      await build(bin("webpack"), ["--config", "webpack.config.cjs"], { cwd: dir });
      writePage(path.join(dir, "dist"), "main.js");
      return await inChromium(path.join(dir, "dist"));
    },
  },
  {
    name: "vite-browser",
    engines: ["vite"],
    what: "vite build of index.html + main.mjs, `await init()`, in Chromium",
    fixture: "browser",
    needs: chromiumMissing,
    async run(dir) {
      await build(bin("vite"), ["build", "--outDir", "dist", "--logLevel", "warn"], { cwd: dir });
      return await inChromium(path.join(dir, "dist"));
    },
  },
  {
    name: "next-turbopack",
    engines: ["next"],
    what: "Next.js route handler app/api/hook/route.js, `next build` (Turbopack), `next start`, POST a signed hook",
    fixture: "next",
    timeout: 300_000,
    async run(dir) {
      return nextCell(dir, []);
    },
  },
  {
    name: "next-webpack",
    engines: ["next"],
    what: "the same route handler, `next build --webpack`, `next start`, POST a signed hook",
    fixture: "next",
    timeout: 300_000,
    async run(dir) {
      return nextCell(dir, ["--webpack"]);
    },
  },
  {
    name: "workerd",
    engines: ["wrangler", "miniflare"],
    what: "module worker (README recipe: top-level `await init()`), `wrangler deploy --dry-run` bundle, run in workerd (Miniflare), POST a signed hook",
    fixture: "workerd",
    needs: () => binaryMissing("workerd"),
    async run(dir) {
      const out = path.join(dir, "dist");
      await build(bin("wrangler"), ["deploy", "--dry-run", "--outdir", out], { cwd: dir, env: { XDG_CONFIG_HOME: path.join(work, ".config") } });
      const entry = ["worker.js", "worker.mjs", "index.js"].find((f) => fs.existsSync(path.join(out, f)));
      if (!entry) {
        throw new Fail(`wrangler wrote no bundle: ${fs.readdirSync(out).join(", ")}`);
      }
      const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(fs.readFileSync(path.join(dir, "wrangler.toml"), "utf8"))[1];
      const host = path.join(here, "lib", "workerd-host.mjs");
      return resultOf(await exec(process.execPath, [host, out, entry, date, HOOK.body, HOOK.signature], { cwd: here }));
    },
  },
  {
    name: "deno",
    what: "`deno run main.mjs` with no permissions, node_modules from npm, `await init()`",
    fixture: "deno",
    needs: () => binaryMissing("deno"),
    async run(dir) {
      const deno = binaryPath("deno");
      return resultOf(await exec(deno, ["run", "--no-prompt", "main.mjs"], { cwd: dir, env: { DENO_DIR: path.join(work, ".deno") } }));
    },
  },
  {
    name: "bun",
    what: "`bun main.mjs` (no auto-install), used like Node",
    fixture: "bun",
    needs: () => binaryMissing("bun"),
    async run(dir) {
      const bun = binaryPath("bun");
      return resultOf(await exec(bun, ["--no-install", "main.mjs"], { cwd: dir, env: { BUN_INSTALL_CACHE_DIR: path.join(work, ".bun") } }));
    },
  },
];

// ---- Next.js ------------------------------------------------------------------------------

async function nextCell(dir, buildArgs) {
  await build(bin("next"), ["build", ...buildArgs], { cwd: dir, timeout: 240_000 });
  const port = await freePort();
  const server = start(bin("next"), ["start", "-H", "127.0.0.1", "-p", String(port)], { cwd: dir, env: { AMOJO_SECRET: SECRET } });
  try {
    const url = `http://127.0.0.1:${port}/api/hook`;
    await waitFor(url, server, 30_000);
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Signature": HOOK.signature },
      body: HOOK.body,
    });
    const text = await res.text();
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      throw new Fail(`POST /api/hook answered ${res.status}: ${errorLine(text + "\n" + server.output())}`);
    }
    // The package README's route handler (app/api/amojo/route.js), as it is.
    return withRecipe(result, await recipeChecks((body, signature) => fetch(`http://127.0.0.1:${port}/api/amojo`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Signature": signature },
      body,
    })));
  } finally {
    await server.stop();
  }
}

async function waitFor(url, server, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server.exited()) {
      throw new Fail(`the server exited: ${errorLine(server.output())}`);
    }
    try {
      await fetch(url, { method: "HEAD" });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Fail(`no answer from ${url} in ${ms / 1000} s: ${errorLine(server.output())}`);
}

// ---- Chromium -----------------------------------------------------------------------------

let browser;
let chromiumProblem;

async function chromiumMissing() {
  if (chromiumProblem !== undefined) {
    return chromiumProblem;
  }
  chromiumProblem = null;
  try {
    // Debian's Chromium (installed by tests/e2e/setup.mjs when run as root).
    const { ensureChromium } = await import(pathToFileURL(path.join(root, "tests", "e2e", "setup.mjs")).href);
    ensureChromium();
  } catch (e) {
    chromiumProblem = `no Chromium: ${String(e.message).split("\n")[0]}`;
  }
  return chromiumProblem;
}

async function launch() {
  if (!browser) {
    const { CHROMIUM, CHROMIUM_ARGS } = await import(pathToFileURL(path.join(root, "tests", "e2e", "setup.mjs")).href);
    const { chromium } = toolRequire("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }
  return browser;
}

function writePage(dist, script) {
  fs.writeFileSync(
    path.join(dist, "index.html"),
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>amojo-kit runtime check</title></head>\n` +
      `<body><script type="module" src="./${script}"></script></body></html>\n`,
  );
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };

/** Serves `dist` on 127.0.0.1 (a free port), opens its index.html, reads window.__amojoResult. */
async function inChromium(dist) {
  const served = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const file = path.resolve(dist, rel);
    const ok = file.startsWith(dist + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
    served.push(`${ok ? 200 : 404} /${rel}`);
    if (!ok) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await (await launch()).newContext();
  const problems = [];
  try {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:") || url.startsWith("blob:")) {
        return route.continue();
      }
      problems.push(`blocked request to ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message.split("\n")[0]}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text().split("\n")[0]}`));
    await page.goto(`${origin}/index.html`);
    try {
      await page.waitForFunction(() => window.__amojoResult !== undefined, null, { timeout: 20_000 });
    } catch {
      throw new Fail(`no result in 20 s: ${problems[0] ?? "no page error"} (served: ${served.join(", ")})`);
    }
    const result = await page.evaluate(() => window.__amojoResult);
    const blocked = problems.filter((p) => p.startsWith("blocked"));
    if (blocked.length) {
      result.ok = false;
      result.checks.push({ name: "nothing fetched from outside the page's origin", ok: false, error: blocked.join(", ") });
    }
    cellNotes.push(...problems, ...served.filter((s) => s.startsWith("404")).map((m) => `served ${m}`));
    return result;
  } finally {
    await context.close();
    server.close();
  }
}

// ---- what a cell needs from this machine --------------------------------------------------

/** A tool's own `engines.node` that this Node does not satisfy: a machine limit, not a failure. */
function nodeTooOld(packages) {
  for (const name of packages) {
    let range;
    try {
      range = JSON.parse(fs.readFileSync(path.join(tools, name, "package.json"), "utf8")).engines?.node;
    } catch {
      continue; // not installed: the build step says so
    }
    if (range && !satisfies(process.versions.node, range)) {
      return `${name} needs Node ${range}, this is ${process.version}`;
    }
  }
  return null;
}

/** Enough of semver for `engines` ranges: `||` of space-separated `>=x.y.z`, `^x.y.z`, `x`. */
function satisfies(version, range) {
  const parse = (v) => v.replace(/^v/, "").split(".").map((n) => parseInt(n, 10) || 0);
  const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const have = parse(version);
  return range.split("||").some((alt) =>
    alt.trim().replace(/([<>=^~]+)\s+/g, "$1").split(/\s+/).filter(Boolean).every((part) => {
      const m = /^(>=|>|<=|<|\^|~|=)?\s*(\d+(?:\.\d+){0,2})/.exec(part);
      if (!m) {
        return true;
      }
      const want = parse(m[2]);
      const c = cmp(have, [want[0], want[1] ?? 0, want[2] ?? 0]);
      switch (m[1]) {
        case ">=": return c >= 0;
        case ">": return c > 0;
        case "<=": return c <= 0;
        case "<": return c < 0;
        case "^": return c >= 0 && have[0] === want[0];
        case "~": return c >= 0 && have[0] === want[0] && have[1] === want[1];
        default: return have[0] === want[0] && (m[2].split(".").length < 2 || have[1] === want[1]);
      }
    }),
  );
}

// ---- binaries from npm (Deno, Bun, workerd) -----------------------------------------------

function isMusl() {
  const report = process.report?.getReport?.();
  return process.platform === "linux" && !report?.header?.glibcVersionRuntime;
}

/** The platform package that carries the binary on this machine, or null when none is published. */
function platformPackage(tool) {
  const { platform, arch } = process;
  const musl = isMusl();
  const table = {
    deno: {
      "linux-x64": musl ? null : ["@deno/linux-x64-glibc", "deno"],
      "linux-arm64": musl ? null : ["@deno/linux-arm64-glibc", "deno"],
      "darwin-x64": ["@deno/darwin-x64", "deno"],
      "darwin-arm64": ["@deno/darwin-arm64", "deno"],
      "win32-x64": ["@deno/win32-x64", "deno.exe"],
      "win32-arm64": ["@deno/win32-arm64", "deno.exe"],
    },
    bun: {
      "linux-x64": [`@oven/bun-linux-x64${musl ? "-musl" : ""}`, "bin/bun"],
      "linux-arm64": [`@oven/bun-linux-aarch64${musl ? "-musl" : ""}`, "bin/bun"],
      "darwin-x64": ["@oven/bun-darwin-x64", "bin/bun"],
      "darwin-arm64": ["@oven/bun-darwin-aarch64", "bin/bun"],
      "win32-x64": ["@oven/bun-windows-x64", "bin/bun.exe"],
    },
    workerd: {
      "linux-x64": musl ? null : ["@cloudflare/workerd-linux-64", "bin/workerd"],
      "linux-arm64": musl ? null : ["@cloudflare/workerd-linux-arm64", "bin/workerd"],
      "darwin-x64": ["@cloudflare/workerd-darwin-64", "bin/workerd"],
      "darwin-arm64": ["@cloudflare/workerd-darwin-arm64", "bin/workerd"],
      "win32-x64": ["@cloudflare/workerd-windows-64", "bin/workerd.exe"],
    },
  };
  return table[tool][`${platform}-${arch}`] ?? null;
}

function binaryPath(tool) {
  const [pkg, file] = platformPackage(tool);
  const inPackage = path.join(tools, pkg, file);
  if (fs.existsSync(inPackage)) {
    return inPackage;
  }
  // Bun's postinstall moves the binary into the `bun` package itself.
  if (tool === "bun") {
    const moved = path.join(tools, "bun", "bin", process.platform === "win32" ? "bun.exe" : "bun.exe");
    if (fs.existsSync(moved) && fs.statSync(moved).size > 1_000_000) {
      return moved;
    }
  }
  return null;
}

/** Why `tool` cannot run here, or null. A binary that should have installed and did not is a Fail. */
async function binaryMissing(tool) {
  const found = platformPackage(tool);
  if (!found) {
    return `${tool} publishes no binary for ${process.platform}-${process.arch}${isMusl() ? " (musl)" : ""}`;
  }
  const exe = binaryPath(tool);
  if (!exe) {
    throw new Fail(`npm ci did not install ${found[0]}, the ${tool} binary for this platform`);
  }
  const probe = await exec(exe, ["--version"], { cwd: here, timeout: 30_000 });
  if (probe.code !== 0) {
    return `the ${tool} binary does not start here: ${errorLine(probe.stderr + probe.stdout)}`;
  }
  return null;
}

// ---- processes ----------------------------------------------------------------------------

const children = new Set();

/** Runs a command in its own process group; resolves with its code and output. */
function exec(cmd, args, { cwd, env = {}, timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...quietEnv, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
    children.add(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      kill(child);
    }, timeout);
    child.on("error", (e) => {
      stderr += `\n${e.message}`;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: timedOut ? "timeout" : code, stdout, stderr, timedOut, timeout });
    });
  });
}

/** Starts a server process; `stop()` ends its process group. */
function start(cmd, args, { cwd, env = {} }) {
  const child = spawn(cmd, args, { cwd, env: { ...quietEnv, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
  children.add(child);
  let output = "";
  let exited = false;
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const closed = new Promise((r) => child.on("close", r));
  child.on("close", () => {
    exited = true;
    children.delete(child);
  });
  return {
    output: () => output,
    exited: () => exited,
    async stop() {
      if (!exited) {
        kill(child);
        await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      }
    },
  };
}

function kill(child) {
  try {
    if (process.platform === "win32") {
      child.kill();
    } else {
      process.kill(-child.pid, "SIGKILL");
    }
  } catch {
    // already gone
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) {
      kill(child);
    }
    process.exit(130);
  });
}

// ---- results ------------------------------------------------------------------------------

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

// Headers that announce an error without saying it: the line after them does.
const GENERIC = /^(error during build:?|.*build failed with \d+ errors?:?|error: turbopack build failed.*|> build error occurred|failed to compile\.?|\[?✘ \[ERROR\] Build failed with \d+ errors?:?)$/i;

/** The line of a tool's output that says what went wrong. */
function errorLine(text) {
  const lines = text
    .replace(ANSI, "")
    .split("\n")
    .map((l) => l.trim())
    // not stack frames, not the source line Node prints above an uncaught error (a whole
    // minified bundle, for a bundle)
    .filter((l) => l && l.length < 400 && !GENERIC.test(l) && !/^at /.test(l) && !/^\^+$/.test(l));
  const patterns = [
    /\bUncaught\b/,
    /Cannot find module|Can't resolve|Module not found|Could not resolve|No such module|Failed to resolve|not supported/i,
    /^\S*(Error|Exception)\b.*:|\[[A-Z_]*ERROR\]/,
    /\b(TypeError|ReferenceError|SyntaxError|RangeError|CompileError|LinkError|RuntimeError|PermissionDenied|NotCapable)\b/,
    /^(error|ERROR in )/i,
    /error|failed|denied/i,
  ];
  for (const pattern of patterns) {
    const i = lines.findIndex((l) => pattern.test(l));
    if (i >= 0) {
      // webpack: "ERROR in <file> <line:col>", then the message
      if (/^ERROR in /.test(lines[i]) && lines[i + 1]) {
        return clip(`${lines[i + 1]} (${lines[i].slice(9)})`);
      }
      return clip(lines[i]);
    }
  }
  return clip(lines.at(-1) ?? "(no output)");
}

function clip(line, max = 220) {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The result line a process cell prints, or a Fail naming the error it died of. */
function resultOf(out) {
  const line = out.stdout.split("\n").find((l) => l.startsWith("AMOJO_RESULT "));
  if (line) {
    return JSON.parse(line.slice("AMOJO_RESULT ".length));
  }
  if (out.timedOut) {
    throw new Fail(`timed out after ${out.timeout / 1000} s: ${errorLine(out.stderr + out.stdout)}`);
  }
  throw new Fail(`exit ${out.code}: ${errorLine(out.stderr + "\n" + out.stdout)}`);
}

/** Notes of the running cell (build warnings, page errors): shown whether it passes or fails. */
let cellNotes = [];

/** Runs a build step; a failed build is a Fail with its error line; warnings go to the notes. */
async function build(cmd, args, opts) {
  const out = await exec(cmd, args, opts);
  const text = (out.stdout + "\n" + out.stderr).replace(ANSI, "");
  if (out.code !== 0) {
    throw new Fail(`${path.basename(cmd)} ${args[0]} ${out.timedOut ? "timed out" : "failed"}: ${errorLine(text)}`);
  }
  const lines = text.split("\n").map((l) => l.trim());
  lines.forEach((line, i) => {
    if (/^(WARNING\b|▲ \[WARNING\]|\(!\)|⚠)/.test(line)) {
      // webpack: "WARNING in <file>", then what
      const what = /^WARNING in /.test(line) && lines[i + 1] ? `${lines[i + 1]} (${line.slice(11)})` : line;
      cellNotes.push(`build warning: ${clip(what)}`);
    }
  });
}

/** Copies a bundle to a fresh temp dir with no node_modules above it: it must run alone. */
function isolate(dist) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amojo-runtimes-"));
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "node_modules"))) {
      throw new Error(`${d}/node_modules exists: the bundle in ${dir} would not run alone`);
    }
    if (path.dirname(d) === d) {
      break;
    }
  }
  fs.cpSync(dist, dir, { recursive: true });
  isolated.push(dir);
  return dir;
}
const isolated = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- setup --------------------------------------------------------------------------------

/** The expected values in check.mjs come from node:crypto, not from amojo-kit. */
function checkVectors() {
  const hmac = (data) => crypto.createHmac("sha1", SECRET).update(data).digest("hex");
  const md5 = crypto.createHash("md5").update(CONNECT.body).digest("hex");
  const problems = [];
  if (md5 !== CONNECT.contentMd5) problems.push(`md5(CONNECT.body) = ${md5}`);
  if (hmac(CONNECT.canonical) !== CONNECT.signature) problems.push(`hmac(CONNECT.canonical) = ${hmac(CONNECT.canonical)}`);
  if (hmac(HOOK.body) !== HOOK.signature) problems.push(`hmac(HOOK.body) = ${hmac(HOOK.body)}`);
  if (JSON.stringify(CONNECT.payload) !== CONNECT.body) problems.push("CONNECT.payload is not CONNECT.body");
  if (new Date(CONNECT.dateMs).toUTCString().replace("GMT", "+0000") !== CONNECT.date) problems.push("CONNECT.dateMs is not CONNECT.date");
  const docs = JSON.parse(fs.readFileSync(path.join(root, "tests", "vectors", "docs_requests.json"), "utf8")).find((v) => v.name === "step-by-step/connect");
  if (!docs || docs.php_json !== CONNECT.body || docs.content_md5 !== CONNECT.contentMd5 || docs.canonical !== CONNECT.canonical || docs.date !== CONNECT.date) {
    problems.push("CONNECT differs from tests/vectors/docs_requests.json step-by-step/connect");
  }
  const hook = JSON.parse(fs.readFileSync(path.join(root, "tests", "vectors", "docs_bodies.json"), "utf8")).find((v) => v.name === "step-by-step/webhook_message");
  if (!hook || hook.php_json !== HOOK.body) problems.push("HOOK.body differs from tests/vectors/docs_bodies.json step-by-step/webhook_message");
  if (problems.length) {
    throw new Error(`check.mjs's expected values are wrong: ${problems.join("; ")}`);
  }
}

/** `npm ci` of the pinned tools, skipped when node_modules was installed from this lockfile. */
async function installTools() {
  const lock = fs.readFileSync(path.join(here, "package-lock.json"));
  const stamp = path.join(tools, ".amojo-runtimes-lock");
  const hash = crypto.createHash("sha256").update(lock).update(process.version).digest("hex");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) {
    return null;
  }
  log("installing the pinned tools (npm ci in tests/runtimes)…");
  const out = await exec(npm, ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: here, timeout: 600_000 });
  if (out.code !== 0) {
    return `npm ci failed: ${errorLine(out.stderr + out.stdout)}`;
  }
  fs.writeFileSync(stamp, hash);
  return null;
}

/** `npm pack` of pkg/, installed from the tarball into .work (a real copy, not a link). */
async function installPackage() {
  for (const file of ["package.json", "index.cjs", "index.mjs", "web.mjs"]) {
    if (!fs.existsSync(path.join(pkgDir, file))) {
      throw new Error(`${pkgDir}/${file} is missing: run \`make pkg\` first`);
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const packed = await exec(npm, ["pack", pkgDir, "--pack-destination", work, "--json"], { cwd: work });
  if (packed.code !== 0) {
    throw new Error(`npm pack failed: ${errorLine(packed.stderr)}`);
  }
  const { filename, version } = JSON.parse(packed.stdout)[0];
  fs.writeFileSync(path.join(work, "package.json"), JSON.stringify({ name: "amojo-kit-runtimes-work", private: true, dependencies: { "amojo-kit": `file:./${filename}` } }, null, 2));
  const installed = await exec(npm, ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock"], { cwd: work });
  const pkgJson = path.join(work, "node_modules", "amojo-kit", "package.json");
  if (installed.code !== 0 || !fs.existsSync(pkgJson) || fs.lstatSync(path.dirname(pkgJson)).isSymbolicLink()) {
    throw new Error(`npm install of ${filename} failed: ${errorLine(installed.stderr + installed.stdout)}`);
  }
  return `${filename} (${version})`;
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

// ---- main ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { only: null, keep: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") opts.only = argv[++i]?.split(",").filter(Boolean);
    else if (a.startsWith("--only=")) opts.only = a.slice(7).split(",").filter(Boolean);
    else if (a === "--keep") opts.keep = true;
    else if (a === "--list") opts.list = true;
    else throw new Error(`unknown argument ${a} (use --only a,b, --keep, --list)`);
  }
  return opts;
}

function table(rows) {
  const head = ["cell", "result", "time", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 3 ? 0 : r[i].length))));
  const line = (r) => `| ${r.map((c, i) => (i === 3 ? c : c.padEnd(widths[i]))).join(" | ")} |`;
  return [line(head), `| ${widths.map((w, i) => "-".repeat(i === 3 ? 4 : w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

async function runCell(cell, installProblem) {
  const started = Date.now();
  cellNotes = [];
  const done = (result, note) => ({
    result,
    note: [note, ...(result === "cannot run" ? [] : cellNotes)].filter(Boolean).join("; "),
    time: `${((Date.now() - started) / 1000).toFixed(1)} s`,
  });
  try {
    if (cell.tool !== false && installProblem) {
      throw new Fail(installProblem);
    }
    const why = nodeTooOld(cell.engines ?? []) ?? (await cell.needs?.());
    if (why) {
      return done("cannot run", why);
    }
    const dir = path.join(work, cell.name);
    fs.cpSync(path.join(here, "fixtures", cell.fixture), dir, { recursive: true });
    fs.copyFileSync(path.join(here, "check.mjs"), path.join(dir, "check.mjs"));
    const result = await Promise.race([
      cell.run(dir),
      new Promise((_, reject) => setTimeout(() => reject(new Fail(`timed out after ${(cell.timeout ?? 180_000) / 1000} s`)), cell.timeout ?? 180_000)),
    ]);
    const failed = (result.checks ?? []).filter((c) => !c.ok);
    if (!result.ok || failed.length) {
      return done("FAIL", failed.map((c) => `${c.name}: ${c.error}`).join("; ") || "no checks ran");
    }
    return done("pass", `${result.checks.length} checks`);
  } catch (e) {
    return done("FAIL", e instanceof Fail ? e.message : `runner error: ${e.stack}`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.list) {
    for (const c of cells) console.log(`${c.name.padEnd(18)} ${c.what}`);
    return 0;
  }
  const unknown = (opts.only ?? []).filter((n) => !cells.some((c) => c.name === n));
  if (unknown.length) {
    throw new Error(`no cell named ${unknown.join(", ")} (--list shows them)`);
  }
  const selected = opts.only ? cells.filter((c) => opts.only.includes(c.name)) : cells;

  checkVectors();
  const installProblem = selected.some((c) => c.tool !== false) ? await installTools() : null;
  const packed = await installPackage();
  log(`runtime matrix: ${packed} from ${path.relative(process.cwd(), pkgDir) || "."}, node ${process.version}, ${process.platform}-${process.arch}`);

  const rows = [];
  try {
    for (const cell of selected) {
      log(`- ${cell.name}…`);
      const r = await runCell(cell, installProblem);
      log(`  ${r.result} (${r.time})${r.note ? `: ${r.note}` : ""}`);
      rows.push([cell.name, r.result, r.time, r.note.replace(/\|/g, "\\|")]);
    }
  } finally {
    await browser?.close().catch(() => {});
    for (const child of children) kill(child);
    if (!opts.keep) {
      for (const dir of isolated) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const failed = rows.filter((r) => r[1] === "FAIL").length;
  const cannot = rows.filter((r) => r[1] === "cannot run").length;
  if (!opts.keep && !failed) {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(table(rows));
  console.log(`\n${rows.length - failed - cannot} passed, ${failed} failed, ${cannot} cannot run here`);
  if (failed) {
    console.log(`the projects and bundles are in ${path.relative(process.cwd(), work) || work} (\`--only <cell>\` to rerun one)`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`runtime matrix: ${e.message}`);
    for (const child of children) kill(child);
    process.exit(2);
  },
);
