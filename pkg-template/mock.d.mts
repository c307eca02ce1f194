// Types of amojo-kit/mock for import (mock.mjs): the same API as mock.cjs.
export * from "./mock.js";
