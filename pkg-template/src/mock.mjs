// amojo-kit/mock: the other side of the wire. A local amoCRM Chats API that verifies every
// request as amoCRM would, answers with the documented statuses and bodies, remembers what
// it was sent and plays the manager, sending signed hooks back.
//
// The emulator is Rust (crates/amojo-mock, sans-IO) in a WebAssembly module of its own
// (wasm/mock/): the main entries never load it. This file is the host: it turns fetch
// Requests (or node:http requests, for listen()) into the emulator's calls, delivers the
// hooks it makes, and adds what the emulator leaves to hosts: the clock, latency, injected
// failures. Nothing runs on import. scripts/assemble-pkg.mjs makes mock.cjs of this file
// (its import as a require, `export function|const|class` as module.exports), so it has no
// other import or export.
//
// Rules, as in the main API: options are checked here and bad ones throw AmojoMockError (a
// TypeError) with a `code`; no message shows a secret or an option's value; a fault inside
// the emulator (a bug) is an Error with code `internal`, never a WebAssembly RuntimeError,
// and the mock carries on with an empty state.
// CommonJS, shared with mock.cjs. Used as `glue.x` at each call (not destructured), so that
// a test can stand in for instantiate() and make the emulator trap.
import glue from "./wasm/mock/glue.cjs";

export const version = "__AMOJO_VERSION__";

/** A bad option or argument, or an action the emulator refused. */
export class AmojoMockError extends TypeError {
  constructor(message, code, details) {
    super(message);
    this.name = "AmojoMockError";
    this.code = code || "invalid_argument";
    if (details) {
      for (const key of Object.keys(details)) {
        if (details[key] !== undefined) {
          this[key] = details[key];
        }
      }
    }
  }
}

const OPTIONS = [
  "channels", "onHook", "onLog", "now", "latencyMs", "failRate",
  "toleranceSeconds", "diagnose", "maxLog", "maxBodyBytes", "saved",
];
const CHANNEL_KEYS = ["id", "secret", "hookUrl", "botId"];
// The emulator's limit, passed to it explicitly so that this host reads as much as it judges.
const DEFAULT_MAX_BODY = 1024 * 1024;
// amoCRM waits this long for a hook receiver's answer, and does not retry.
const HOOK_TIMEOUT_MS = 5000;
const CONTROL_PREFIX = "/_mock/";
const encoder = new TextEncoder();
// Kept in a variable, with the bundlers' ignore comments on the import: browser bundles
// leave node:http alone (listen() is for Node, Bun and Deno).
const NODE_HTTP = "node:http";

function describe(value) {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === "string") {
    // Never the text: a value in the wrong place may be a secret.
    return value.length === 0 ? "an empty string" : `a string of ${value.length} character${value.length === 1 ? "" : "s"}`;
  }
  if (typeof value === "number") {
    return String(value).length <= 8 ? `the number ${value}` : "a number";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  if (typeof value === "object") {
    const ctor = Object.getPrototypeOf(value)?.constructor?.name;
    return ctor && ctor !== "Object" ? `an object (${ctor})` : "an object";
  }
  return `a ${typeof value}`;
}

function shownName(name) {
  return /^[A-Za-z_$][\w$]{0,31}$/.test(name) ? `\`${name}\`` : `(${describe(name)})`;
}

function optionError(message, code = "invalid_option") {
  return new AmojoMockError(message, code);
}

function checkKeys(value, allowed, what) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw optionError(`unknown option ${shownName(key)} in ${what}; known: ${allowed.join(", ")}`, "unknown_option");
    }
  }
}

function isPlainObject(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

function toBytes(value) {
  if (value instanceof Uint8Array) {
    return value;
  }
  if (value instanceof ArrayBuffer) {
    return new Uint8Array(value);
  }
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  return null;
}

function checkHookUrl(url, what) {
  let parsed = null;
  try {
    parsed = new URL(url.replaceAll(":scope_id", "scope"));
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw optionError(`\`hookUrl\` of ${what} must be an absolute http(s) URL such as "http://127.0.0.1:3000/amojo/:scope_id"`, "invalid_channel");
  }
}

function checkChannels(list) {
  if (!Array.isArray(list)) {
    throw optionError(`\`channels\` must be an array of { id, secret, hookUrl?, botId? }, got ${describe(list)}`, list === undefined ? "missing_option" : "invalid_option");
  }
  if (list.length === 0) {
    throw optionError("`channels` needs at least one channel", "no_channel");
  }
  const ids = new Set();
  return list.map((c, i) => {
    const what = `channel number ${i}`;
    if (!isPlainObject(c)) {
      throw optionError(`${what} must be an object { id, secret, hookUrl?, botId? }, got ${describe(c)}`, "invalid_channel");
    }
    checkKeys(c, CHANNEL_KEYS, what);
    if (typeof c.id !== "string" || c.id === "") {
      throw optionError(`${what} needs an \`id\`, a non-empty string; got ${describe(c.id)}`, c.id === "" ? "empty_channel_id" : "invalid_channel");
    }
    if (ids.has(c.id)) {
      throw optionError(`${what} has the id of an earlier channel`, "duplicate_channel");
    }
    ids.add(c.id);
    const secret = typeof c.secret === "string" ? c.secret : toBytes(c.secret);
    if (secret === null) {
      throw optionError(`${what} needs a \`secret\`, a string or bytes; got ${describe(c.secret)}`, "invalid_channel");
    }
    if (secret.length === 0) {
      throw optionError(`${what} has an empty \`secret\``, "empty_secret");
    }
    const channel = { id: c.id, secret };
    for (const key of ["hookUrl", "botId"]) {
      if (c[key] !== undefined && c[key] !== null) {
        if (typeof c[key] !== "string" || c[key] === "") {
          throw optionError(`\`${key}\` of ${what} must be a non-empty string, got ${describe(c[key])}`, "invalid_channel");
        }
        channel[key] = c[key];
      }
    }
    if (channel.hookUrl !== undefined) {
      checkHookUrl(channel.hookUrl, what);
    }
    return channel;
  });
}

function checkFunction(options, name) {
  const f = options[name];
  if (f !== undefined && typeof f !== "function") {
    throw optionError(`\`${name}\` must be a function, got ${describe(f)}`);
  }
  return f;
}

function checkNumber(options, name, min, max, whole) {
  const n = options[name];
  if (n === undefined) {
    return undefined;
  }
  if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
    throw optionError(`\`${name}\` must be a ${whole ? "whole " : ""}number from ${min} to ${max}, got ${describe(n)}`);
  }
  return n;
}

function checkOptions(options) {
  if (!isPlainObject(options)) {
    throw optionError(`createMock takes an options object { channels, onHook?, now?, … }, got ${describe(options)}`, options === undefined ? "missing_option" : "invalid_option");
  }
  checkKeys(options, OPTIONS, "createMock's options");
  const checked = {
    channels: checkChannels(options.channels),
    onHook: checkFunction(options, "onHook"),
    onLog: checkFunction(options, "onLog"),
    now: checkFunction(options, "now"),
    latencyMs: checkNumber(options, "latencyMs", 0, 60_000, false) || 0,
    failRate: checkNumber(options, "failRate", 0, 1, false) || 0,
    emulator: {
      toleranceSeconds: checkNumber(options, "toleranceSeconds", 0, 1e9, true),
      maxLog: checkNumber(options, "maxLog", 0, 1e9, true),
      maxBodyBytes: checkNumber(options, "maxBodyBytes", 0, 2 ** 31, true) ?? DEFAULT_MAX_BODY,
      diagnose: options.diagnose,
    },
    saved: undefined,
  };
  if (options.diagnose !== undefined && typeof options.diagnose !== "boolean") {
    throw optionError(`\`diagnose\` must be a boolean, got ${describe(options.diagnose)}`);
  }
  if (options.saved !== undefined) {
    const saved = typeof options.saved === "string" ? encoder.encode(options.saved) : toBytes(options.saved);
    if (saved === null) {
      throw optionError(`\`saved\` must be what save() returned (bytes) or its text, got ${describe(options.saved)}`);
    }
    checked.saved = saved;
  }
  return checked;
}

// The emulator's errors (a TypeError with a code) as this module's; a trap as `internal`.
function rethrow(e) {
  if (e instanceof AmojoMockError) {
    return e;
  }
  if (e instanceof TypeError && typeof e.code === "string") {
    return new AmojoMockError(e.message, e.code);
  }
  return e;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// At most `cap` bytes of a body stream; the rest is not read (the emulator answers 413 to
// anything over its limit, so one byte past it is all it needs to see).
async function readCapped(stream, cap) {
  if (stream === null || stream === undefined) {
    return new Uint8Array(0);
  }
  const parts = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    const chunk = toBytes(value) || encoder.encode(String(value));
    if (size + chunk.length >= cap) {
      parts.push(chunk.subarray(0, cap - size));
      size = cap;
      await reader.cancel().catch(() => {});
      break;
    }
    parts.push(chunk);
    size += chunk.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hookJson(hook) {
  let body;
  const text = new TextDecoder().decode(hook.body);
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { url: hook.url, scope_id: hook.scopeId, endpoint: hook.endpoint, body, signature: hook.signature };
}

function jsonBody(value) {
  return encoder.encode(JSON.stringify(value));
}

/**
 * A local amoCRM Chats API. See the package README, "Test your integration".
 */
export function createMock(options) {
  const opts = checkOptions(options);
  const clock = opts.now || Date.now;
  const cap = opts.emulator.maxBodyBytes + 1;
  let module_ = null;
  let raw = null;
  let loading = null;
  let closed = false;
  const servers = new Set();
  const pending = new Set();
  let apiRequests = 0;

  // The answer's Date, from the emulator's clock (with `now` skewed, as a server whose clock
  // is off would send it): what a client reads to notice a skew.
  function httpDate(ms) {
    return new Date(ms).toUTCString();
  }

  function now() {
    const t = clock();
    if (typeof t !== "number" || !Number.isFinite(t)) {
      throw optionError(`\`now\` must return a finite number of milliseconds (like Date.now()), returned ${describe(t)}`);
    }
    return t;
  }

  function start() {
    const { RawMock } = glue.instantiate(module_);
    raw = opts.saved === undefined
      ? new RawMock(opts.channels, opts.emulator)
      : RawMock.load(opts.channels, opts.emulator, opts.saved);
  }

  // Compiled and started now when the runtime compiles synchronously (Node, Bun, Deno,
  // workers), so that a bad configuration throws here; a browser's main thread may refuse
  // that much synchronous compilation, and then the first call waits for it.
  try {
    module_ = glue.compile();
  } catch (e) {
    if (!(e instanceof RangeError)) {
      throw e;
    }
    loading = glue.compileAsync().then((m) => {
      module_ = m;
      start();
      loading = null;
    }, (e2) => {
      throw rethrow(e2);
    });
  }
  if (module_ !== null) {
    try {
      start();
    } catch (e) {
      throw rethrow(e);
    }
  }

  async function ready() {
    if (closed) {
      throw new AmojoMockError("this mock was closed", "closed");
    }
    if (loading !== null) {
      await loading;
    }
  }

  // One call into the emulator. A trap (a bug in the emulator) poisons its instance: a new
  // one takes its place, with an empty state, and the call fails with code `internal`.
  function call(f) {
    if (raw === null) {
      // close() ran while this call waited (its latency, a hook).
      throw new AmojoMockError("this mock was closed", "closed");
    }
    try {
      return f(raw);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        let restarted = true;
        try {
          const { RawMock } = glue.instantiate(module_);
          raw = new RawMock(opts.channels, opts.emulator);
        } catch {
          restarted = false;
        }
        const err = new Error(`the emulator failed (${e.message}); this is a bug in amojo-kit/mock, please report it. ${restarted ? "It was restarted with an empty state" : "It could not be restarted"}`);
        err.code = "internal";
        err.cause = e;
        throw err;
      }
      throw rethrow(e);
    }
  }

  // Delivers one hook: to onHook as a signed Request, else POSTed to its URL; once, never
  // retried. Resolves to { status, error }: the receiver's HTTP status, or null and why.
  async function deliver(hook) {
    const headers = { "content-type": "application/json", "x-signature": hook.signature, "user-agent": "amojo-mock" };
    if (opts.onHook) {
      const url = hook.url ?? `http://localhost/${encodeURIComponent(hook.scopeId)}`;
      try {
        const answer = await opts.onHook(new Request(url, { method: "POST", headers, body: hook.body }));
        if (answer instanceof Response) {
          return { status: answer.status, error: null };
        }
        return { status: typeof answer === "number" ? answer : 200, error: null };
      } catch (e) {
        return { status: null, error: `onHook threw: ${e instanceof Error ? `${e.name}: ${e.message}` : describe(e)}` };
      }
    }
    if (hook.url === null || hook.url === undefined) {
      return { status: null, error: "the channel has no `hookUrl` and the mock no `onHook`" };
    }
    try {
      const res = await fetch(hook.url, { method: "POST", headers, body: hook.body, signal: AbortSignal.timeout(HOOK_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => {});
      return { status: res.status, error: null };
    } catch (e) {
      const why = e && e.name === "TimeoutError" ? `no answer within ${HOOK_TIMEOUT_MS / 1000} s` : (e && e.cause && e.cause.code) || (e && e.message) || "unreachable";
      return { status: null, error: why };
    }
  }

  // Hooks an API request made: delivered after the answer, tracked so close() waits.
  function deliverLater(hooks) {
    for (const hook of hooks) {
      const p = deliver(hook).finally(() => pending.delete(p));
      pending.add(p);
    }
  }

  // A control request (/_mock/…): the emulator's answer, its hook delivered and reported.
  // Undefined when `path` is no control path.
  async function control(method, path, body) {
    const c = call((r) => r.control(method, path, body, now()));
    if (c === undefined) {
      return undefined;
    }
    let answer = JSON.parse(c.body);
    if (c.hook) {
      const outcome = await deliver(c.hook);
      const base = isPlainObject(answer) ? answer : { result: answer };
      answer = { ...base, hook: base.hook ?? hookJson(c.hook), hook_status: outcome.status, hook_error: outcome.error };
    }
    return { status: c.status, answer };
  }

  // One request in, one answer out: { status, contentType, body, close? }.
  async function serve(method, target, flatHeaders, body) {
    const path = target.split("?", 1)[0];
    if (path.startsWith(CONTROL_PREFIX)) {
      const c = await control(method, path, body);
      if (c !== undefined) {
        return { status: c.status, contentType: "application/json", body: jsonBody(c.answer) };
      }
    }
    if (opts.latencyMs > 0) {
      await sleep(opts.latencyMs);
    }
    // ⌊n·p⌋ of the first n API requests fail, evenly spread (as the CLI's --fail-rate):
    // the same requests fail on every run.
    const n = apiRequests++;
    if (opts.failRate > 0 && Math.floor((n + 1) * opts.failRate) > Math.floor(n * opts.failRate)) {
      return {
        status: 503,
        contentType: "application/json",
        body: jsonBody({ error: "injected_failure", message: "service unavailable (injected by `failRate`)" }),
      };
    }
    const handled = call((r) => r.handle(method, target, flatHeaders, body, now()));
    if (opts.onLog) {
      opts.onLog(handled.log);
    }
    deliverLater(handled.hooks);
    return { status: handled.status, contentType: handled.contentType, body: handled.body, tooLarge: body.length >= cap };
  }

  async function fetchHandler(input, init) {
    await ready();
    let request = input;
    if (!(input instanceof Request) || init !== undefined) {
      try {
        request = new Request(input, init);
      } catch (e) {
        throw new AmojoMockError(`fetch takes a Request, or what the Request constructor takes (${e.message})`, "invalid_argument");
      }
    }
    const url = new URL(request.url);
    const flat = [];
    for (const [name, value] of request.headers) {
      flat.push(name, value);
    }
    const body = await readCapped(request.body, cap);
    const out = await serve(request.method, url.pathname + url.search, flat, body);
    const headers = { date: httpDate(now()) };
    if (out.contentType) {
      headers["content-type"] = out.contentType;
    }
    return new Response(out.body.length === 0 ? null : out.body, { status: out.status, headers });
  }

  // At most `cap` bytes of a node:http request body. Past the cap the rest stays unread
  // (not destroyed: the answer, 413, must still go out on the connection).
  function readNode(req) {
    return new Promise((resolve, reject) => {
      const parts = [];
      let size = 0;
      let done = false;
      const finish = () => {
        if (done) {
          return;
        }
        done = true;
        req.off("data", onData);
        const body = new Uint8Array(size);
        let at = 0;
        for (const p of parts) {
          body.set(p, at);
          at += p.length;
        }
        resolve(body);
      };
      const onData = (chunk) => {
        const take = Math.min(chunk.length, cap - size);
        parts.push(chunk.subarray(0, take));
        size += take;
        if (size >= cap) {
          req.pause();
          finish();
        }
      };
      req.on("data", onData);
      req.once("end", finish);
      req.once("error", (e) => {
        if (!done) {
          done = true;
          reject(e);
        }
      });
    });
  }

  async function serveNode(req, res) {
    const body = await readNode(req);
    // The request-target as sent (origin-form); an absolute-form target loses its origin.
    const target = req.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, "") || "/";
    const out = await serve(req.method, target, req.rawHeaders, body);
    const headers = { "content-length": String(out.body.length), date: httpDate(now()) };
    if (out.contentType) {
      headers["content-type"] = out.contentType;
    }
    if (out.tooLarge) {
      // The rest of the upload is unread: this connection cannot carry another request.
      headers.connection = "close";
    }
    res.writeHead(out.status, headers);
    res.end(out.body);
  }

  async function listen(port = 0) {
    await ready();
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new AmojoMockError(`\`port\` must be a whole number from 0 to 65535 (0 picks a free port), got ${describe(port)}`, "invalid_argument");
    }
    let http;
    try {
      http = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_HTTP);
    } catch (e) {
      throw new AmojoMockError("listen() needs node:http (Node, Bun, Deno); elsewhere pass requests to fetch()", "unsupported_runtime", { cause: e });
    }
    const server = http.createServer((req, res) => {
      serveNode(req, res).catch((e) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const body = jsonBody({ error: e && typeof e.code === "string" ? e.code : "internal", message: String(e && e.message) });
        res.writeHead(500, { "content-type": "application/json", "content-length": String(body.length) });
        res.end(body);
      });
    });
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    servers.add(server);
    const actual = server.address().port;
    const stop = () => new Promise((resolve) => {
      if (!servers.delete(server)) {
        resolve();
        return;
      }
      server.close(() => resolve());
      if (typeof server.closeAllConnections === "function") {
        server.closeAllConnections();
      }
    });
    return { url: `http://127.0.0.1:${actual}`, port: actual, close: stop };
  }

  // The manager's actions and the inspection calls: the control API's JSON, as methods.
  async function action(method, path, args) {
    await ready();
    let body = new Uint8Array(0);
    if (args !== undefined) {
      if (typeof args === "string") {
        body = encoder.encode(args);
      } else if (isPlainObject(args)) {
        body = jsonBody(args);
      } else {
        throw new AmojoMockError(`${path.slice(CONTROL_PREFIX.length)} takes an object (the control API's JSON), got ${describe(args)}`, "invalid_argument");
      }
    }
    const c = await control(method, path, body);
    if (c === undefined) {
      throw new Error(`the emulator does not serve ${path}`);
    }
    if (c.status >= 400) {
      const a = isPlainObject(c.answer) ? c.answer : {};
      const code = typeof a.code === "string" ? a.code : typeof a.error === "string" ? a.error : "refused";
      const message = typeof a.message === "string" ? a.message : `${path} answered ${c.status}`;
      throw new AmojoMockError(message, code, { status: c.status, answer: c.answer });
    }
    return c.answer;
  }

  async function close() {
    if (closed) {
      return;
    }
    closed = true;
    await Promise.all([...servers].map((s) => new Promise((resolve) => {
      servers.delete(s);
      s.close(() => resolve());
      if (typeof s.closeAllConnections === "function") {
        s.closeAllConnections();
      }
    })));
    await Promise.all([...pending]);
    if (loading !== null) {
      await loading.catch(() => {});
    }
    if (raw !== null) {
      raw.free();
      raw = null;
    }
  }

  return {
    fetch: fetchHandler,
    listen,
    close,
    reply: (args) => action("POST", "/_mock/reply", args),
    typing: (args) => action("POST", "/_mock/typing", args),
    react: (args) => action("POST", "/_mock/react", args),
    writeFirst: (args) => action("POST", "/_mock/write-first", args),
    async requests() {
      const answer = await action("GET", "/_mock/requests");
      return isPlainObject(answer) && Array.isArray(answer.requests) ? answer.requests : answer;
    },
    state: () => action("GET", "/_mock/state"),
    reset: () => action("POST", "/_mock/reset"),
    async save() {
      await ready();
      return call((r) => r.save());
    },
  };
}
