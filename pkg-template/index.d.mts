// Types of the Node ESM entry (index.mjs): the same API as the CommonJS entry.
import { init } from "./index.js";

export * from "./index.js";
export default init;
