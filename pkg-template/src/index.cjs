"use strict";
// amojo-kit for Node.js, Bun and Deno (require; index.mjs re-exports it for import). The
// WebAssembly module is embedded (wasm/bytes.cjs) and instantiated synchronously when this
// file loads, so there is nothing to initialise and nothing to find on disk: bundlers
// (esbuild, webpack, Next.js) inline it like any other module. init() and initSync() exist
// only so that code written for the browser entry runs unchanged.

const { createApi } = require("./lib/api.cjs");
const glue = require("./wasm/node.cjs");

let raw = glue.instantiate();

async function init(_input) {}

function initSync(_input) {}

module.exports = createApi({
  raw: () => raw,
  ready: () => true,
  // After a fault inside the core (which should never happen), or when a large call grew
  // its memory: a fresh instance of the module compiled at load. The old one becomes
  // unreachable, and its memory goes with it.
  reset() {
    raw = glue.instantiate();
  },
  init,
  initSync,
  // Loaded on first use of schema(): 40 KB of data nobody needs at start-up.
  get schemas() {
    return require("./lib/schemas.cjs");
  },
});
