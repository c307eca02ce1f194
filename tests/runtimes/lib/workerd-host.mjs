// Runs a bundled module worker (wrangler's `deploy --dry-run` output) in workerd through
// Miniflare, sends it one signed hook and prints the worker's answer as the cell's result,
// with the checks of the README's worker (amojo-hook.mjs, on /amojo/hook) added.
// `node workerd-host.mjs <dist dir> <entry file> <compatibility date> <hook body> <signature>`
import path from "node:path";
import { Miniflare } from "miniflare";
import { SECRET } from "../check.mjs";
import { recipeChecks, withRecipe } from "./recipe-hooks.mjs";

const [dist, entry, compatibilityDate, body, signature] = process.argv.slice(2);

const mf = new Miniflare({
  modules: true,
  modulesRoot: dist,
  scriptPath: path.join(dist, entry),
  // wrangler emits each imported .wasm as a file beside the bundle
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate,
  host: "127.0.0.1",
  port: 0,
  cf: false, // placeholder `request.cf`: fetching the real one needs the internet
  bindings: { AMOJO_SECRET: SECRET },
});
try {
  const res = await mf.dispatchFetch("http://127.0.0.1/hook", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Signature": signature },
    body,
  });
  const text = await res.text();
  try {
    const recipe = await recipeChecks((hookBody, hookSignature) => mf.dispatchFetch("http://127.0.0.1/amojo/hook", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Signature": hookSignature },
      body: hookBody,
    }));
    console.log(`AMOJO_RESULT ${JSON.stringify(withRecipe(JSON.parse(text), recipe))}`);
  } catch {
    console.error(`the worker answered ${res.status} with: ${text.slice(0, 500)}`);
    process.exitCode = 1;
  }
} finally {
  await mf.dispose();
}
