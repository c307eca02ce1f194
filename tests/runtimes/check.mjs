// The program every cell of the runtime matrix runs (run.mjs): sign, verify and validate with
// amojo-kit as loaded in that runtime, against values computed without it. Plain ES2020, no
// Node API, so bundlers, browsers, workerd, Deno and Bun all run the same file.
//
// Each cell's entry loads amojo-kit the way that runtime's users do and calls
// `runChecks(load)`, where `load` is an async function returning the module namespace (it
// is where a browser cell calls `await init()`). The result is plain JSON:
// `{ ok, checks: [{ name, ok, error? }] }`; run.mjs reads it from the cell's stdout
// (`AMOJO_RESULT {…}`), from `window.__amojoResult` or from an HTTP response.

export const SECRET = "channel-secret";

// The docs' connect request (tests/vectors/docs_requests.json, "step-by-step/connect"):
// body, Date, Content-MD5 and canonical string as printed in chat-step-by-step.md. The docs'
// channel secret is not published, so the X-Signature here is HMAC-SHA1(SECRET, canonical)
// computed by node:crypto; run.mjs recomputes both hashes before it runs a cell.
export const CONNECT = {
  path: "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect",
  payload: {
    account_id: "52e591f7-c98f-4255-8495-827210138c81",
    title: "ChatsIntegration",
    hook_api_version: "v2",
  },
  body: '{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}',
  dateMs: Date.UTC(2021, 11, 15, 23, 12, 55),
  date: "Wed, 15 Dec 2021 23:12:55 +0000",
  contentMd5: "2fbcb3c652b61e24e004daddfc73d0ce",
  canonical:
    "POST\n2fbcb3c652b61e24e004daddfc73d0ce\napplication/json\nWed, 15 Dec 2021 23:12:55 +0000\n" +
    "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect",
  signature: "4dab4724567cf0f8372c122928fec29e0c501165",
};

// The message hook printed in chat-step-by-step.md (tests/vectors/docs_bodies.json,
// "step-by-step/webhook_message", its `php_json`); signature = HMAC-SHA1(SECRET, body) by
// node:crypto.
export const HOOK = {
  body:
    '{"account_id":"52e591f7-c98f-4255-8495-827210138c81","time":1639572261,"message":{"receiver":{"id":"2ed64e26-70a1-4857-8382-bb066a076219","phone":"+79151112233","email":"example.client@example.com","client_id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8"},"sender":{"id":"76fc2bea-902f-425c-9a3d-dcdac4766090"},"conversation":{"id":"8e4d4baa-9e6c-4a88-838a-5f62be227bdc","client_id":"my_int-d5a421f7f218"},"source":{"external_id":"79039876543"},"timestamp":1639572260,"msec_timestamp":1639572260980,"message":{"id":"0371a0ff-b78a-4c7b-8538-a7d547e10692","type":"text","text":"\\u0422\\u0435\\u043a\\u0441\\u0442 \\u0441\\u043e\\u043e\\u0431\\u0449\\u0435\\u043d\\u0438\\u044f \\u0421\\u0434\\u0435\\u043b\\u043a\\u0430 #15926745","tag":"","media":"","thumbnail":"","file_name":"","file_size":0}}}',
  signature: "f823834446160079d97023327df1bf78c0ade0b5",
};

function eq(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function describe(e) {
  if (e instanceof Error) {
    const code = e.code ? ` [${e.code}]` : "";
    return `${e.name}${code}: ${String(e.message).split("\n")[0]}`;
  }
  return `thrown: ${String(e)}`;
}

/**
 * Runs every check; never throws. `load` returns amojo-kit's namespace (or a promise of it);
 * `extra` is an optional list of `[name, fn(amojo)]` a cell adds (Next verifies the request it
 * received).
 */
export async function runChecks(load, extra = []) {
  const checks = [];
  let amojo;
  try {
    amojo = await load();
    eq(typeof amojo.signRequest, "function", "typeof signRequest");
    checks.push({ name: "load", ok: true });
  } catch (e) {
    checks.push({ name: "load", ok: false, error: describe(e) });
    return { ok: false, checks };
  }

  const steps = [
    ["sign the docs' connect request", () => {
      const body = amojo.serializeBody(CONNECT.payload, { style: "php" });
      eq(body, CONNECT.body, "serializeBody php");
      const signed = amojo.signRequest({
        secret: SECRET,
        method: "POST",
        path: CONNECT.path,
        body,
        contentType: "application/json",
        date: new Date(CONNECT.dateMs),
      });
      eq(signed.canonical, CONNECT.canonical, "canonical");
      eq(signed.headers.Date, CONNECT.date, "Date");
      eq(signed.headers["Content-MD5"], CONNECT.contentMd5, "Content-MD5");
      eq(signed.headers["X-Signature"], CONNECT.signature, "X-Signature");
    }],
    ["verifyRequest of what was signed", () => {
      const signed = amojo.signRequest({ secret: SECRET, method: "POST", path: CONNECT.path, body: CONNECT.body, date: CONNECT.dateMs });
      const input = { secret: SECRET, method: "POST", path: CONNECT.path, headers: signed.headers, body: CONNECT.body, now: CONNECT.dateMs + 60000 };
      const good = amojo.verifyRequest(input);
      eq(good.ok, true, "verifyRequest ok");
      eq(good.secretIndex, 0, "secretIndex");
      eq(amojo.verifyRequest({ ...input, secret: "other-secret" }).reason, "signature_mismatch", "wrong secret");
      eq(amojo.verifyRequest({ ...input, body: CONNECT.body.replace("v2", "v1") }).reason, "md5_mismatch", "changed body");
    }],
    ["buildRequest → verifyRequest", () => {
      const path = "/v2/origin/custom/x/connect";
      const req = amojo.buildRequest({ secret: SECRET, path, payload: { account_id: "x", hook_api_version: "v2", title: "t" } });
      eq(req.method, "POST", "method");
      eq(req.url, `https://amojo.amocrm.ru${path}`, "url");
      const outcome = amojo.verifyRequest({ secret: SECRET, method: req.method, path, headers: req.headers, body: req.body });
      eq(outcome.ok, true, `verifyRequest ok (${outcome.reason})`);
    }],
    ["signWebhook / verifyWebhook of the docs' hook", () => {
      eq(amojo.signWebhook(HOOK.body, SECRET), HOOK.signature, "signWebhook");
      eq(amojo.verifyWebhook({ body: new TextEncoder().encode(HOOK.body), signature: HOOK.signature, secret: SECRET }).ok, true, "verifyWebhook ok");
      eq(amojo.verifyWebhook({ body: HOOK.body, signature: HOOK.signature, secret: "other-secret" }).reason, "signature_mismatch", "wrong secret");
    }],
    ["verifyWebhookRequest of a fetch Request", async () => {
      const request = new Request("http://127.0.0.1/hook", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Signature": HOOK.signature },
        body: HOOK.body,
      });
      const hook = await amojo.verifyWebhookRequest(request, SECRET, { validate: true });
      eq(hook.ok, true, `verifyWebhookRequest ok (${hook.reason})`);
      eq(hook.json.account_id, CONNECT.payload.account_id, "json.account_id");
    }],
    ["validate connect: valid and invalid", () => {
      const good = amojo.validate("connect", { account_id: "x", hook_api_version: "v2", title: "t" });
      eq(good.valid, true, `valid (${JSON.stringify(good.errors)})`);
      const bad = amojo.validate("connect", { account_id: 1, hook_api_version: "v2", title: "t" });
      eq(bad.valid, false, "invalid");
      eq(bad.errors.length, 1, "error count");
      eq(bad.errors[0].code, "type", "error code");
      eq(bad.errors[0].path, "/account_id", "error path");
    }],
    ...extra,
  ];
  for (const [name, fn] of steps) {
    try {
      await fn(amojo);
      checks.push({ name, ok: true });
    } catch (e) {
      checks.push({ name, ok: false, error: describe(e) });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** For the cells that run as a process: prints the result line run.mjs looks for. */
export async function printChecks(load, extra) {
  const result = await runChecks(load, extra);
  console.log(`AMOJO_RESULT ${JSON.stringify(result)}`);
}
