"use strict";
// amojo-kit for Node.js (require). The WebAssembly module is compiled and instantiated
// synchronously when this file loads, so there is nothing to initialise: init() and
// initSync() exist only so that code written for the browser entry runs unchanged.

const { createApi } = require("./lib/api.cjs");

const GLUE = require.resolve("./wasm/node.cjs");
let raw = require(GLUE);

async function init(_input) {}

function initSync(_input) {}

module.exports = createApi({
  raw: () => raw,
  ready: () => true,
  // After a fault inside the core (which should never happen), or when a large call grew
  // its memory: a fresh instance. The old one must become unreachable for its memory to go:
  // out of require's cache and out of this module's children.
  reset() {
    const old = require.cache[GLUE];
    delete require.cache[GLUE];
    module.children = module.children.filter((child) => child !== old);
    raw = require(GLUE);
  },
  init,
  initSync,
  // Loaded on first use of schema(): 40 KB of data nobody needs at start-up.
  get schemas() {
    return require("./lib/schemas.cjs");
  },
});
