// The hooks a README recipe that receives them (the workerd worker, the Next.js route) must
// answer right: a fresh signed hook (200 with its endpoint), a changed byte (401
// signature_mismatch) and the docs' hook of 2021 replayed (401 stale_hook: the recipes set
// maxAgeSeconds). Signed here by node:crypto, not by the package under test.
import crypto from "node:crypto";
import { HOOK, SECRET } from "../check.mjs";

function cases() {
  const time = '"time":1639572261';
  if (!HOOK.body.includes(time)) {
    throw new Error("check.mjs's HOOK has no `\"time\":1639572261` to refresh");
  }
  const fresh = HOOK.body.replace(time, `"time":${Math.floor(Date.now() / 1000)}`);
  const sign = (body) => crypto.createHmac("sha1", SECRET).update(body).digest("hex");
  return [
    { name: "README recipe: a fresh signed hook → 200 and its endpoint", body: fresh, signature: sign(fresh), status: 200, endpoint: "webhook_message" },
    { name: "README recipe: one byte changed → 401 signature_mismatch", body: `${fresh} `, signature: sign(fresh), status: 401, reason: "signature_mismatch" },
    { name: "README recipe: the 2021 hook replayed → 401 stale_hook", body: HOOK.body, signature: HOOK.signature, status: 401, reason: "stale_hook" },
  ];
}

/** Sends each hook with `send(body, signature)` (→ a fetch Response); the checks, as a cell reports them. */
export async function recipeChecks(send) {
  const checks = [];
  for (const c of cases()) {
    try {
      const res = await send(c.body, c.signature);
      const text = await res.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const right = res.status === c.status && json !== undefined &&
        (c.endpoint ? json.ok === true && json.endpoint === c.endpoint : json.ok === false && json.reason === c.reason);
      checks.push(right ? { name: c.name, ok: true } : { name: c.name, ok: false, error: `answered ${res.status}: ${text.slice(0, 200)}` });
    } catch (e) {
      checks.push({ name: c.name, ok: false, error: e.message });
    }
  }
  return checks;
}

/** A cell's result with the recipe's checks added. */
export function withRecipe(result, checks) {
  return { ...result, ok: result.ok && checks.every((c) => c.ok), checks: [...result.checks, ...checks] };
}
