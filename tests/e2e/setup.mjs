// Shared by tests/e2e/*.test.mjs (not a test file itself): makes sure Debian's Chromium and
// the npm package playwright-core are present, installing them when absent.
//
// - Chromium: /usr/bin/chromium from Debian (`apt-get install -y chromium`; run as root).
//   `npx playwright install` cannot download its own browsers here, so playwright-core
//   drives the system one through `executablePath`.
// - playwright-core: into target/tools/e2e (its own npm prefix: an `npm install --no-save`
//   into target/tools would prune the tools `make` installed there).
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CHROMIUM = process.env.AMOJO_CHROMIUM || "/usr/bin/chromium";
const toolsDir = path.join(root, "target", "tools", "e2e");

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
}

export function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) {
    return CHROMIUM;
  }
  if (process.env.AMOJO_CHROMIUM) {
    throw new Error(`AMOJO_CHROMIUM=${CHROMIUM} does not exist`);
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`${CHROMIUM} is missing; install it with \`sudo apt-get install -y chromium\` (the e2e tests install it themselves only when run as root)`);
  }
  console.error("e2e: installing Debian's chromium (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], { env });
  run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env });
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
  }
  return CHROMIUM;
}

export function loadPlaywright() {
  const req = createRequire(path.join(toolsDir, "package.json"));
  try {
    return req("playwright-core");
  } catch (e) {
    if (e.code !== "MODULE_NOT_FOUND") {
      throw e;
    }
  }
  console.error("e2e: installing playwright-core into target/tools/e2e (npm)…");
  fs.mkdirSync(toolsDir, { recursive: true });
  run("npm", ["install", "--prefix", toolsDir, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "playwright-core@1"]);
  return req("playwright-core");
}

// `node tests/e2e/setup.mjs` installs both without running the tests.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureChromium();
  const pw = loadPlaywright();
  console.log(`chromium: ${execFileSync(CHROMIUM, ["--version"]).toString().trim()}; playwright-core ${pw.chromium ? "ok" : "?"}`);
}

/** Chromium's flags for a closed machine: headless, no sandbox (root), and none of the
 * background connections this machine's network refuses. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

/** Lets a browser context load only from `origin`; every other request is aborted and
 * recorded in the returned list (a page that reaches out fails its test). */
export async function keepLocal(context, origin) {
  const external = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) {
      return route.continue();
    }
    external.push(url);
    return route.abort();
  });
  return external;
}
