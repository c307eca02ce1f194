// The public JavaScript API of amojo-kit, written once as a factory over the raw
// wasm-bindgen exports (src/wasm.rs). Every entry point (Node CJS, Node ESM, browsers)
// calls createApi() with its own host.
//
// scripts/assemble-pkg.mjs turns this file into lib/api.cjs mechanically: it drops the
// `export ` of `export function|const|class` and appends `module.exports = {...}`. So this
// file must have no import statements and no other kind of export.
//
// Rules for every public function:
// - check every argument in JS before it reaches the raw exports (the wasm-bindgen glue
//   coerces numbers to strings and reads strings as garbage bytes);
// - bad arguments throw AmojoTypeError (a TypeError) with a `code` and a message naming
//   the argument; errors of the raw exports are rethrown as AmojoTypeError keeping
//   `code` (and `line`/`column`);
// - nothing surfaces as a WebAssembly RuntimeError: such a fault (a bug or an exhausted
//   memory in the core) becomes an Error with code `internal`, and the host reloads the
//   module when it can.

export const version = "__AMOJO_VERSION__";
// The endpoint names, in the core's order (scripts/assemble-pkg.mjs writes them from
// schemas/index.json, which it checks against the core's list).
const ENDPOINT_NAMES = "__AMOJO_ENDPOINTS__".split(",");

// 9999-12-31T23:59:59Z in milliseconds: the last date the protocol's format can write.
const MAX_DATE_MS = 253402300799999;
// Wasm memory past this after a call: the Node entry moves to a fresh instance, so one
// large (legal) call does not keep its memory for the life of the process.
const RESET_ABOVE = 16 * 1024 * 1024;
const SIGN_OPTIONS = ["secret", "method", "path", "body", "date", "contentType", "maxBodyBytes"];
// The signing lane's scratch (see signRequest): its first size and the most it grows to.
const LANE_MIN = 4096;
const LANE_MAX = 1024 * 1024;

// The protocol's constants and the names the core accepts, from the core (rawConstants)
// when the module is first used: { toleranceSeconds, contentType, baseUrl,
// millisecondsAbove, styles, langs }. Defined once, in the core.
let K = null;

const encoder = new TextEncoder();
// The signing lane's results (UTF-8 the core wrote).
const resultDecoder = new TextDecoder();
const objectToString = Object.prototype.toString;

/** A bad argument, or an error of the core about an argument's value. */
export class AmojoTypeError extends TypeError {
  constructor(message, code, details) {
    super(message);
    this.name = "AmojoTypeError";
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

/** Thrown by buildRequest when the request does not pass validation. */
// The words around an issue's message in AmojoValidationError's, in the issues' language.
const INVALID_WORDS = {
  en: { request: (e) => (e ? `the ${e} request` : "the request"), invalid: "is invalid", more: (n) => `and ${n} more` },
  ru: { request: (e) => (e ? `запрос ${e}` : "запрос"), invalid: "не пройдёт проверку", more: (n) => `и ещё ${n}` },
};

export class AmojoValidationError extends Error {
  constructor(report, lang) {
    const errors = report.errors || [];
    const words = INVALID_WORDS[lang] || INVALID_WORDS.en;
    const first = errors[0];
    let message = `${words.request(report.endpoint)} ${words.invalid}`;
    if (first) {
      message += `: ${first.path === "" ? "" : `${first.path}: `}${first.message}`;
      if (errors.length > 1) {
        message += ` (${words.more(errors.length - 1)})`;
      }
    }
    super(message);
    this.name = "AmojoValidationError";
    this.code = "invalid_request";
    this.endpoint = report.endpoint === undefined ? null : report.endpoint;
    this.errors = errors;
    this.warnings = report.warnings || [];
    this.truncated = Boolean(report.truncated);
  }
}

// The HTTP status to answer a refused hook with: a bad or missing signature and a hook
// outside the replay window are not authenticated (401), a body too large is 413, and a
// signed body that is not a (valid) hook is a bad request (400).
function hookStatus(reason) {
  if (reason === "body_too_large") {
    return 413;
  }
  return reason === "invalid_json" || reason === "invalid_body" ? 400 : 401;
}

/** Thrown by parseWebhook: a hook to refuse, with the HTTP status to answer it with. */
export class AmojoWebhookError extends Error {
  constructor(refused) {
    super(refused.message);
    this.name = "AmojoWebhookError";
    this.code = refused.reason;
    this.status = hookStatus(refused.reason);
    for (const key of ["validation", "age", "limit"]) {
      if (refused[key] !== undefined) {
        this[key] = refused[key];
      }
    }
  }
}

// ---- describing and checking values ---------------------------------------------------

function describe(value) {
  if (value === undefined) {
    return "undefined";
  }
  if (value === null) {
    return "null";
  }
  switch (typeof value) {
    case "string":
      // Never the text: a value in the wrong place may be a secret.
      return value.length === 0 ? "an empty string" : `a string of ${value.length} character${value.length === 1 ? "" : "s"}`;
    case "number": {
      // Short numbers only (a limit, a count); a long one may be an all-digit secret.
      const text = String(value);
      return text.length <= 8 ? `the number ${text}` : "a number";
    }
    case "bigint":
      return "a BigInt";
    case "boolean":
      return `the boolean ${String(value)}`;
    case "symbol":
      return "a Symbol";
    case "function":
      return "a function";
    default:
      break;
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  const tag = objectToString.call(value).slice(8, -1);
  if (tag === "Object") {
    const proto = Object.getPrototypeOf(value);
    const ctor = proto && proto.constructor && proto.constructor.name;
    return ctor && ctor !== "Object" ? `an object (${ctor})` : "an object";
  }
  return `a ${tag}`;
}

// A name from the caller (an option key, a header name) as a message shows it: short
// identifier-like names only; anything else may be a secret in the wrong place.
function shownName(name) {
  return typeof name === "string" && name.length <= 32 && /^[A-Za-z_$][\w$.-]*$/.test(name) ? `\`${name}\`` : `(${describe(name)})`;
}

function argError(message, code) {
  return new AmojoTypeError(message, code || "invalid_argument");
}

function isPlainObject(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || (objectToString.call(value) === "[object Object]" && Object.getPrototypeOf(proto) === null);
}

function isArrayBuffer(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const tag = objectToString.call(value);
  return tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]";
}

function isBytes(value) {
  return ArrayBuffer.isView(value) || isArrayBuffer(value);
}

// Bytes of a Uint8Array, Buffer, any TypedArray or DataView (only the view's own bytes),
// or an ArrayBuffer, as a Uint8Array over the same memory.
// The engine's own accessors of views and buffers: a `length`, `byteLength` or `buffer`
// property an object defines for itself (a lie) is never read, and no caller code runs.
const accessor = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const TYPED = Object.getPrototypeOf(Uint8Array.prototype);
const typedBuffer = accessor(TYPED, "buffer");
const typedOffset = accessor(TYPED, "byteOffset");
const typedLength = accessor(TYPED, "byteLength");
const viewBuffer = accessor(DataView.prototype, "buffer");
const viewOffset = accessor(DataView.prototype, "byteOffset");
const viewLength = accessor(DataView.prototype, "byteLength");
const bufferLength = accessor(ArrayBuffer.prototype, "byteLength");
const sharedLength = typeof SharedArrayBuffer === "function" ? accessor(SharedArrayBuffer.prototype, "byteLength") : null;

// A Uint8Array, Buffer, any TypedArray or DataView (only the view's own bytes) or an
// ArrayBuffer, as a fresh Uint8Array over the same memory, measured by the engine; a
// detached buffer is a typed error.
function viewBytes(value, name) {
  let buffer;
  let offset = 0;
  let length;
  try {
    if (ArrayBuffer.isView(value)) {
      const dataView = objectToString.call(value) === "[object DataView]";
      buffer = (dataView ? viewBuffer : typedBuffer).call(value);
      offset = (dataView ? viewOffset : typedOffset).call(value);
      length = (dataView ? viewLength : typedLength).call(value);
    } else {
      buffer = value;
      length = objectToString.call(value) === "[object SharedArrayBuffer]" ? sharedLength.call(value) : bufferLength.call(value);
    }
  } catch (_) {
    // A `Symbol.toStringTag` that claims a buffer, or a view with a forged tag.
    throw argError(`\`${name}\` claims to be binary data but is no ArrayBuffer or view`);
  }
  try {
    return new Uint8Array(buffer, offset, length);
  } catch (_) {
    // The engine reports a detached buffer's views as 0 bytes and refuses a view of it.
    throw argError(`\`${name}\` is (a view of) a detached ArrayBuffer, transferred or freed: its bytes are gone`, "detached_buffer");
  }
}

function tooLarge(name, limit, size) {
  const e = argError(`\`${name}\` is ${size === undefined ? "larger than" : `${size} bytes, more than`} the ${limit} bytes allowed (\`maxBodyBytes\` raises the limit)`, "body_too_large");
  e.limit = limit;
  return e;
}

// `bytes` (a fresh view) when within `limit` bytes, else a typed error before any copy into
// the WebAssembly memory.
function withinLimit(bytes, name, limit) {
  if (bytes.length > limit) {
    throw tooLarge(name, limit, bytes.length);
  }
  return bytes;
}

// UTF-8 of a string within `limit` bytes: a string longer than the limit is refused before
// it is encoded (UTF-8 takes at least a byte per UTF-16 unit).
function encodeWithin(text, name, limit) {
  if (text.length > limit) {
    throw tooLarge(name, limit);
  }
  return withinLimit(encoder.encode(text), name, limit);
}

function levenshtein(a, b) {
  const row = [];
  for (let j = 0; j <= b.length; j++) {
    row.push(j);
  }
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function suggest(key, allowed) {
  const norm = (s) => s.toLowerCase().replace(/[-_]/g, "");
  let best = null;
  let bestScore = Infinity;
  for (const name of allowed) {
    const a = norm(key);
    const b = norm(name);
    const score = a === b ? 0 : a.length >= 3 && (b.startsWith(a) || a.startsWith(b)) ? 1 : levenshtein(a, b);
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best !== null && bestScore <= 2 ? ` (did you mean \`${best}\`?)` : "";
}

// An options object: plain object with only known keys (undefined allowed when optional).
function options(value, name, allowed, required) {
  if (value === undefined && !required) {
    return {};
  }
  if (value === null || typeof value !== "object" || Array.isArray(value) || isBytes(value)) {
    throw argError(`\`${name}\` must be an object, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw argError(`unknown option ${shownName(key)} in \`${name}\`${suggest(key, allowed)}; known options: ${allowed.join(", ")}`, "unknown_option");
    }
  }
  return value;
}

function string(value, name, { optional = false, nonEmpty = false } = {}) {
  if (value === undefined && optional) {
    return undefined;
  }
  if (typeof value !== "string") {
    if (value === undefined) {
      throw argError(`\`${name}\` is required (a string)`, "missing_argument");
    }
    throw argError(`\`${name}\` must be a string, got ${describe(value)}`);
  }
  if (nonEmpty && value === "") {
    throw argError(`\`${name}\` must not be empty`);
  }
  return value;
}

function oneOf(value, name, allowed, fallback) {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw argError(`\`${name}\` must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(value)}`, name === "style" ? "invalid_style" : name === "lang" ? "invalid_lang" : "invalid_argument");
  }
  return value;
}

function boolean(value, name, fallback) {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== "boolean") {
    throw argError(`\`${name}\` must be a boolean, got ${describe(value)}`);
  }
  return value;
}

// Raw bytes: a string (its UTF-8) or anything byte-like, within `limit` bytes.
// `allowMissing`: null/undefined are an empty body.
function bytes(value, name, { allowMissing = false, what = "a string or a Uint8Array", limit = Infinity } = {}) {
  if ((value === undefined || value === null) && allowMissing) {
    return new Uint8Array(0);
  }
  if (typeof value === "string") {
    return encodeWithin(value, name, limit);
  }
  if (isBytes(value)) {
    return withinLimit(viewBytes(value, name), name, limit);
  }
  if (value === undefined) {
    throw argError(`\`${name}\` is required (${what})`, "missing_argument");
  }
  throw argError(`\`${name}\` must be ${what} (Buffer, ArrayBuffer and typed-array views are accepted too), got ${describe(value)}`);
}

const PARSED_BODY_HINT =
  "the signature covers the raw bytes of the body, so it must be verified before any JSON parser runs: " +
  "give the body as received (a string, Buffer or Uint8Array), as `req.body` or `req.rawBody`, " +
  "or call parseWebhook() with the raw body (see \"Frameworks\" in amojo-kit's README: Express " +
  "`express.raw({ type: \"*/*\" })`, NestJS `rawBody: true`, Fastify and Koa raw-body recipes)";

// A received body: bytes or a string; a parsed object is the classic trap.
// A received body: bytes or a string; a parsed object is the classic trap. Required: an
// app that forgets to pass the body must not verify an empty one (no body is "").
function receivedBody(value, name, limit) {
  if (typeof value === "string" || isBytes(value)) {
    return bytes(value, name, { limit });
  }
  if (value === undefined || value === null) {
    throw argError(`\`${name}\` is required: the raw body as received ("" when there is none)`, "missing_argument");
  }
  if (typeof value === "object") {
    throw argError(`\`${name}\` is ${describe(value)}, i.e. the body was already parsed: ${PARSED_BODY_HINT}`, "body_already_parsed");
  }
  throw argError(`\`${name}\` must be a string or a Uint8Array, got ${describe(value)}`);
}

function secretBytes(value, name) {
  return bytes(value, name, { what: "a string or a Uint8Array (the channel secret)" });
}

// `{ secret }` or `{ secrets: [...] }`: a list of secrets as Uint8Arrays.
function secretList(o, where) {
  const hasOne = o.secret !== undefined;
  const hasMany = o.secrets !== undefined;
  if (hasOne && hasMany) {
    throw argError(`give either \`secret\` or \`secrets\` to ${where}, not both`);
  }
  if (!hasOne && !hasMany) {
    throw argError(`${where} needs \`secret\` (or \`secrets\`, an array, to accept several during a rotation)`, "missing_argument");
  }
  if (hasOne) {
    if (Array.isArray(o.secret)) {
      throw argError("`secret` is an array: pass several secrets as `secrets`");
    }
    return [secretBytes(o.secret, "secret")];
  }
  return secretArray(o.secrets, "secrets");
}

// A list of secrets that can verify something: none empty, at least one.
function usableSecrets(list, where) {
  if (list.length === 0) {
    throw argError(`${where} needs at least one secret (\`secrets\` is an empty array)`, "empty_secret");
  }
  list.forEach((s, i) => {
    if (s.length === 0) {
      throw argError(`${where}: ${list.length === 1 ? "the secret" : `secret number ${i}`} is empty; every hook would be refused`, "empty_secret");
    }
  });
  return list;
}

function secretArray(value, name) {
  if (!Array.isArray(value)) {
    throw argError(`\`${name}\` must be an array of strings or Uint8Arrays, got ${describe(value)}`);
  }
  return value.map((s, i) => secretBytes(s, `${name}[${i}]`));
}

// Milliseconds (number) or a Date → whole unix seconds.
function seconds(value, name) {
  if (objectToString.call(value) === "[object Date]") {
    const t = Date.prototype.getTime.call(value);
    if (!Number.isFinite(t)) {
      throw argError(`\`${name}\` is an invalid Date`, "invalid_date");
    }
    return Math.floor(t / 1000);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw argError(`\`${name}\` must be a finite number of milliseconds, got ${describe(value)}`, "invalid_date");
    }
    if (value < 0) {
      throw argError(`\`${name}\` must not be before 1970, got ${describe(value)}`, "invalid_date");
    }
    // Numbers are milliseconds (like Date.now()); small ones are unix seconds by mistake.
    if (value > MAX_DATE_MS) {
      throw argError(`\`${name}\` is after the year 9999 (numbers are milliseconds like Date.now())`, "invalid_date");
    }
    if (value <= K.millisecondsAbove) {
      throw argError(`\`${name}\` is ${String(value)}, which looks like unix seconds; numbers are milliseconds like Date.now(): pass ${String(value)}000 or a Date`, "invalid_date");
    }
    return Math.floor(value / 1000);
  }
  throw argError(`\`${name}\` must be a Date or a number of milliseconds, got ${describe(value)}`, "invalid_date");
}

function escapePointer(key) {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

// JSON.stringify, loud about what it would silently drop or mangle.
function toJson(value, name) {
  if (value === null || typeof value !== "object" || isBytes(value)) {
    throw argError(`\`${name}\` must be an object (or its JSON text as a string), got ${describe(value)}`);
  }
  const pointers = new Map();
  const at = (pointer) => (pointer === "" ? `\`${name}\`` : `\`${name}\` at \`${pointer}\``);
  let text;
  try {
    text = JSON.stringify(value, function replacer(key, v) {
      const parent = pointers.get(this);
      const pointer = parent === undefined ? "" : `${parent}/${escapePointer(key)}`;
      switch (typeof v) {
        case "bigint":
          throw argError(`${at(pointer)} is a BigInt, which JSON.stringify cannot write; convert it with Number() (or to a string) first`, "invalid_payload");
        case "function":
          throw argError(`${at(pointer)} is a function; JSON has no functions`, "invalid_payload");
        case "symbol":
          throw argError(`${at(pointer)} is a Symbol; JSON has no symbols`, "invalid_payload");
        case "number":
          if (!Number.isFinite(v)) {
            throw argError(`${at(pointer)} is ${String(v)}, which JSON cannot represent (JSON.stringify would write null)`, "invalid_payload");
          }
          break;
        case "object":
          if (v !== null) {
            const tag = objectToString.call(v);
            if (tag === "[object Map]" || tag === "[object Set]") {
              throw argError(`${at(pointer)} is a ${tag.slice(8, -1)}, which JSON.stringify writes as {}; convert it to a plain object or array first`, "invalid_payload");
            }
            pointers.set(v, pointer);
          }
          break;
        default:
          break;
      }
      return v;
    });
  } catch (e) {
    if (e instanceof AmojoTypeError) {
      throw e;
    }
    const detail = (e && typeof e.message === "string" ? e.message : String(e)).replace(/\s+/g, " ");
    if (/circular|cyclic/i.test(detail)) {
      throw argError(`\`${name}\` has a circular reference, so it cannot be written as JSON (${detail})`, "invalid_payload");
    }
    throw argError(`\`${name}\` cannot be written as JSON: ${detail}`, "invalid_payload");
  }
  if (typeof text !== "string") {
    throw argError(`\`${name}\` has no JSON form (its toJSON returned ${describe(text)})`, "invalid_payload");
  }
  return text;
}

// A header value from a plain object, Node's req.headers or a fetch Headers.
function headerValue(headers, name) {
  if (headers === null || typeof headers !== "object") {
    return undefined;
  }
  if (typeof headers.get === "function" && !isPlainObject(headers)) {
    const v = headers.get(name);
    return v === null ? undefined : v;
  }
  const lower = name.toLowerCase();
  let found;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower && headers[key] !== undefined) {
      if (found !== undefined) {
        return [].concat(found, headers[key]);
      }
      found = headers[key];
    }
  }
  return found;
}

// Headers in any common shape → `[name, value, name, value, ...]`.
function flattenHeaders(headers, name) {
  const out = [];
  const add = (key, value, depth) => {
    if (typeof key !== "string") {
      throw argError(`\`${name}\` has a header name that is ${describe(key)}, not a string`, "invalid_headers");
    }
    if (value === undefined) {
      return;
    }
    if (Array.isArray(value) && depth === 0) {
      for (const v of value) {
        add(key, v, 1);
      }
      return;
    }
    // A whole number (a Content-Length) is written out; any other number is refused unread.
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      out.push(key, String(value));
      return;
    }
    if (typeof value !== "string") {
      throw argError(`\`${name}\`: header ${shownName(key)} must be a string (or an array of strings for a repeated header), got ${describe(value)}`, "invalid_headers");
    }
    out.push(key, value);
  };
  if (headers === undefined || headers === null) {
    throw argError(`\`${name}\` is required: a plain object, a fetch Headers, Node's req.headers or req.rawHeaders`, "missing_argument");
  }
  if (typeof headers !== "object") {
    throw argError(`\`${name}\` must be a plain object, a fetch Headers, Node's req.headers or req.rawHeaders, got ${describe(headers)}`, "invalid_headers");
  }
  if (Array.isArray(headers)) {
    if (headers.every((h) => typeof h === "string")) {
      if (headers.length % 2 !== 0) {
        throw argError(`\`${name}\` as a flat array (Node's req.rawHeaders) must hold name/value pairs; it has an odd length`, "invalid_headers");
      }
      return headers.slice();
    }
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw argError(`\`${name}\` as an array must be Node's flat req.rawHeaders or [name, value] pairs`, "invalid_headers");
      }
      add(pair[0], pair[1], 0);
    }
    return out;
  }
  if (!isPlainObject(headers)) {
    if (typeof headers.forEach === "function") {
      headers.forEach((value, key) => add(key, value, 0));
      return out;
    }
    if (typeof headers[Symbol.iterator] === "function") {
      for (const entry of headers) {
        if (!Array.isArray(entry) || entry.length !== 2) {
          throw argError(`\`${name}\` must iterate over [name, value] pairs`, "invalid_headers");
        }
        add(entry[0], entry[1], 0);
      }
      return out;
    }
  }
  for (const key of Object.keys(headers)) {
    add(key, headers[key], 0);
  }
  return out;
}

function baseUrl(value) {
  const s = string(value, "baseUrl");
  const m = /^(https?:\/\/[^/?#\s]+)(\/[^?#\s]*)?$/i.exec(s);
  if (!m) {
    throw argError(`\`baseUrl\` must be an http(s) URL without query or fragment, like "${K.baseUrl}", got ${describe(value)}`);
  }
  return s.replace(/\/+$/, "");
}

function concatChunks(chunks, size) {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function fail(status, reason, message) {
  const e = new Error(message);
  e.status = status;
  e.reason = reason;
  return e;
}

// Reads a Node request stream (or any emitter of "data"/"end") to the end.
function readStream(req, limit) {
  if (req.readableEnded === true || req.destroyed === true) {
    return Promise.reject(argError(`the request body stream was already read (or closed) and \`req.body\` is ${describe(req.body)}: ${PARSED_BODY_HINT}`, "body_already_read"));
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let done = false;
    const finish = (err, value) => {
      if (done) {
        return;
      }
      done = true;
      if (typeof req.removeListener === "function") {
        req.removeListener("data", onData);
        req.removeListener("end", onEnd);
        req.removeListener("error", onError);
        req.removeListener("close", onClose);
      }
      if (err) {
        reject(err);
      } else {
        resolve(value);
      }
    };
    const onData = (chunk) => {
      const b = typeof chunk === "string" ? encoder.encode(chunk) : isBytes(chunk) ? viewBytes(chunk, "chunk") : null;
      if (b === null) {
        finish(argError(`the request stream emitted ${describe(chunk)}, not bytes`, "invalid_body"));
        return;
      }
      size += b.length;
      if (size > limit) {
        if (typeof req.pause === "function") {
          req.pause();
        }
        finish(fail(413, "body_too_large", `the body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(b);
    };
    const onEnd = () => finish(null, concatChunks(chunks, size));
    const onError = (err) => finish(err);
    const onClose = () => finish(fail(400, "aborted", "the request was closed before its body was read"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

// Reads a fetch API body (a ReadableStream of bytes, or none) to the end, stopping at the
// first byte past `limit`: the rest is never read.
async function readFetchBody(request, limit) {
  const stream = request.body;
  if (stream === null || stream === undefined) {
    return new Uint8Array(0);
  }
  if (typeof stream.getReader !== "function") {
    return withinLimit(viewBytes(await request.arrayBuffer(), "body"), "body", limit);
  }
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    const b = isBytes(value) ? viewBytes(value, "chunk") : null;
    if (b === null) {
      await reader.cancel().catch(() => {});
      throw argError(`the request body stream gave ${describe(value)}, not bytes`, "invalid_body");
    }
    size += b.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge("body", limit);
    }
    // The stream may reuse its buffer: keep a copy.
    chunks.push(b.slice());
  }
  return concatChunks(chunks, size);
}

// A fresh copy of JSON data (plain objects, arrays and primitives), key order kept.
function cloneJson(value) {
  if (Array.isArray(value)) {
    return value.map(cloneJson);
  }
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value)) {
      out[key] = cloneJson(value[key]);
    }
    return out;
  }
  return value;
}

// ---- the API client (createClient) --------------------------------------------------------
//
// A typed client of the Chats API over any fetch: every call is validated and signed by
// buildRequest (a fresh Date and signature per attempt), sent with a timeout, retried with
// backoff where a repeat cannot duplicate anything, and its answer validated leniently
// against the response's rules (an unexpected shape is a warning, never a throw).

/** The API answered a call with a status other than 2xx (or a 2xx body that is no JSON
 * where the docs show one: `invalid_response`). */
export class AmojoApiError extends Error {
  constructor(message, details) {
    super(message);
    this.name = "AmojoApiError";
    this.code = "api_error";
    for (const key of Object.keys(details)) {
      if (details[key] !== undefined) {
        this[key] = details[key];
      }
    }
  }
}

/** A call got no answer within `timeoutMs` (on its last attempt). */
export class AmojoTimeoutError extends Error {
  constructor(message, details) {
    super(message);
    this.name = "AmojoTimeoutError";
    this.code = "timeout";
    Object.assign(this, details);
  }
}

/** fetch failed (no connection, DNS, a reset; on its last attempt): `cause` is its error. */
export class AmojoNetworkError extends Error {
  constructor(message, details, cause) {
    super(message);
    this.name = "AmojoNetworkError";
    this.code = "network_error";
    Object.assign(this, details);
    this.cause = cause;
  }
}

// Statuses after which a call may be repeated: 429 (the API refused it unread: every call),
// and the ones that leave unknown whether the API acted (a gateway's timeout, an overload).
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const RETRY_DEFAULTS = { retries: 2, minDelayMs: 500, maxDelayMs: 15000 };
const CLIENT_TIMEOUT_MS = 30000;
// A response Date further than this from the local clock: the client says the clock is skewed.
const SKEW_NOTICE_SECONDS = 60;

// Whether a repeat of a call can duplicate anything, per endpoint; the retries after an
// outcome that leaves unknown whether the API acted (a timeout, a network error, a 5xx)
// happen by default only where it cannot. Every call qualifies today (README, "Retries"):
// - connect, disconnect: the same account gets the same scope_id; a state, set again;
// - create_chat: the chat is the integration's `conversation_id`, created once;
// - send_message (send, import, comment, edit): the API refuses a second message with the
//   same `msgid` (chat-step-by-step.md: "API чатов не принимает несколько сообщений с
//   одинаковым payload[msgid]"); an edit sets the same content again;
// - delivery_status, typing, react: a state, set again; history: a read.
const REPEATABLE = {
  connect: true,
  disconnect: true,
  create_chat: true,
  send_message: true,
  delivery_status: true,
  history: true,
  typing: true,
  react: true,
};

// Endpoints whose 2xx body has rules (`<endpoint>_response`).
const RESPONSE_RULES = ["connect", "create_chat", "send_message", "history"];

function wholeMs(value, name, { min = 0 } = {}) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw argError(`\`${name}\` must be a whole number of milliseconds ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

function retryPolicy(value, name) {
  if (value === undefined) {
    return RETRY_DEFAULTS;
  }
  if (value === false) {
    return false;
  }
  const o = options(value, name, ["retries", "minDelayMs", "maxDelayMs"], true);
  const policy = {
    retries: o.retries === undefined ? RETRY_DEFAULTS.retries : wholeMs(o.retries, `${name}.retries`),
    minDelayMs: o.minDelayMs === undefined ? RETRY_DEFAULTS.minDelayMs : wholeMs(o.minDelayMs, `${name}.minDelayMs`),
    maxDelayMs: o.maxDelayMs === undefined ? RETRY_DEFAULTS.maxDelayMs : wholeMs(o.maxDelayMs, `${name}.maxDelayMs`),
  };
  if (policy.maxDelayMs < policy.minDelayMs) {
    throw argError(`\`${name}.maxDelayMs\` is less than \`${name}.minDelayMs\``);
  }
  return policy;
}

function plainPayload(value, name) {
  if (value === null || typeof value !== "object" || Array.isArray(value) || isBytes(value)) {
    throw argError(`\`${name}\` must be an object, got ${describe(value)}`);
  }
  return value;
}

// "20 min 3 s" for a number of seconds (its absolute value).
function duration(totalSeconds) {
  const s = Math.abs(totalSeconds);
  const parts = [];
  if (s >= 3600) {
    parts.push(`${Math.floor(s / 3600)} h`);
  }
  if (s >= 60) {
    parts.push(`${Math.floor((s % 3600) / 60)} min`);
  }
  parts.push(`${s % 60} s`);
  return parts.join(" ");
}

// Response headers as a plain object, names lower-cased (a repeated header joined by ", ",
// as fetch's Headers does).
function headerObject(headers) {
  const out = {};
  if (headers && typeof headers.forEach === "function") {
    headers.forEach((value, name) => {
      out[String(name).toLowerCase()] = String(value);
    });
  }
  return out;
}

// A response body as the error shows it: its JSON, else its text; undefined when empty.
function bodyValue(text) {
  if (text === "") {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (_) {
    return text;
  }
}

// At most 200 characters of a response body, on one line, for a message.
function bodyExcerpt(text) {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

// Milliseconds a Retry-After value asks for (delay-seconds or an HTTP date, measured from
// the response's Date when it has one); undefined when absent or unreadable.
function retryAfterMs(value, serverMs, localMs) {
  if (typeof value !== "string") {
    return undefined;
  }
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) {
    return Number(text) * 1000;
  }
  const at = Date.parse(text);
  if (!Number.isFinite(at)) {
    return undefined;
  }
  return Math.max(0, at - (serverMs === undefined ? localMs : serverMs));
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      if (signal) {
        signal.removeEventListener("abort", onAbort);
      }
      resolve();
    }, ms);
    if (signal) {
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
}

// createClient over the API's own functions (see createApi).
function clientFactory(api) {
  const TIMED_OUT = Symbol("timed out");

  return function createClient(input) {
    api.need();
    const o = options(input, "createClient(...)", ["channelId", "secret", "baseUrl", "fetch", "timeoutMs", "retry", "validate", "now", "onWarning"], true);
    const channelId = string(o.channelId, "channelId", { nonEmpty: true });
    if (o.secret === undefined) {
      throw argError("`secret` is required: the channel secret", "missing_argument");
    }
    if (secretBytes(o.secret, "secret").length === 0) {
      throw argError("`secret` is empty: every request would be refused", "empty_secret");
    }
    const secret = o.secret;
    const base = o.baseUrl === undefined ? K.baseUrl : baseUrl(o.baseUrl);
    let fetchFn = o.fetch;
    if (fetchFn === undefined) {
      if (typeof globalThis.fetch !== "function") {
        throw argError("this runtime has no global `fetch`: pass one as `fetch`", "missing_argument");
      }
      fetchFn = globalThis.fetch.bind(globalThis);
    } else if (typeof fetchFn !== "function") {
      throw argError(`\`fetch\` must be a function (url, init) → Promise<Response>, got ${describe(fetchFn)}`);
    }
    const timeoutMs = o.timeoutMs === undefined ? CLIENT_TIMEOUT_MS : wholeMs(o.timeoutMs, "timeoutMs", { min: 1 });
    const retry = retryPolicy(o.retry, "retry");
    const validating = boolean(o.validate, "validate", true);
    if (o.now !== undefined && typeof o.now !== "function") {
      throw argError(`\`now\` must be a function returning the time (a Date or milliseconds, like Date.now), got ${describe(o.now)}`);
    }
    if (o.onWarning !== undefined && typeof o.onWarning !== "function") {
      throw argError(`\`onWarning\` must be a function, got ${describe(o.onWarning)}`);
    }
    const clock = o.now === undefined ? Date.now : o.now;
    const onWarning = o.onWarning;
    const nowMs = () => seconds(clock(), "now()") * 1000;

    // The request of one attempt: validated and signed with a Date of now. `payload` is an
    // object on the first attempt, then the JSON text it gave (the same bytes every time).
    function build(method, path, payload) {
      const date = nowMs();
      if (validating) {
        const input = { secret, method, path, baseUrl: base, date };
        if (payload !== undefined) {
          input.payload = payload;
        }
        return api.buildRequest(input);
      }
      const body = payload === undefined ? "" : typeof payload === "string" ? payload : api.serializeBody(payload);
      const signed = api.signRequest({ secret, method, path, body, date });
      return { url: base + path, method, headers: signed.headers, body: payload === undefined ? undefined : body, warnings: [] };
    }

    // One attempt: the response and its text, or AmojoTimeoutError / AmojoNetworkError (or
    // the caller's abort reason).
    async function attempt(req, endpoint, limitMs, signal) {
      const controller = new AbortController();
      let timer;
      let onAbort;
      const stop = new Promise((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(TIMED_OUT);
          controller.abort();
        }, limitMs);
        if (signal) {
          onAbort = () => {
            reject(signal.reason);
            controller.abort(signal.reason);
          };
          signal.addEventListener("abort", onAbort, { once: true });
        }
      });
      try {
        const init = { method: req.method, headers: { ...req.headers }, signal: controller.signal };
        if (req.body !== undefined) {
          init.body = req.body;
        }
        const response = await Promise.race([Promise.resolve().then(() => fetchFn(req.url, init)), stop]);
        if (response === null || typeof response !== "object" || typeof response.status !== "number" || typeof response.text !== "function") {
          throw argError(`\`fetch\` resolved to ${describe(response)}, not a Response`, "invalid_argument");
        }
        const text = await Promise.race([response.text(), stop]);
        return { response, text };
      } catch (e) {
        if (e === TIMED_OUT) {
          throw new AmojoTimeoutError(`${endpoint}: no answer within ${limitMs} ms (\`timeoutMs\`)`, { endpoint, timeoutMs: limitMs });
        }
        if (signal && signal.aborted && e === signal.reason) {
          throw e;
        }
        if (e instanceof AmojoTypeError) {
          throw e;
        }
        const detail = e && typeof e.message === "string" ? e.message : String(e);
        const cause = e && e.cause && typeof e.cause.code === "string" ? ` (${e.cause.code})` : "";
        throw new AmojoNetworkError(`${endpoint}: the request failed: ${detail}${cause}`, { endpoint }, e);
      } finally {
        clearTimeout(timer);
        if (signal) {
          signal.removeEventListener("abort", onAbort);
        }
      }
    }

    // The error for a non-2xx answer: with the self-check of a 403 and the clock's skew.
    function apiError(endpoint, req, path, response, text, localMs) {
      const status = response.status;
      const headers = headerObject(response.headers);
      const serverMs = headers.date === undefined ? NaN : Date.parse(headers.date);
      const details = { status, endpoint, body: bodyValue(text), headers };
      let message = `${endpoint}: the API answered ${status}`;
      let skewNote = "";
      if (Number.isFinite(serverMs)) {
        const skew = Math.round((localMs - serverMs) / 1000);
        if (Math.abs(skew) > SKEW_NOTICE_SECONDS) {
          details.clockSkewSeconds = skew;
          const window = Math.round(K.toleranceSeconds / 60);
          skewNote = `this machine's clock is ${duration(skew)} ${skew > 0 ? "ahead of" : "behind"} the API's (its response's Date): ` +
            (Math.abs(skew) > K.toleranceSeconds ? `the API refuses a Date more than ${window} minutes off, so every request fails until the clock is set right (NTP)` : `within the API's ${window} minutes, but set it right (NTP)`);
        }
      }
      if (status === 403) {
        const d = api.diagnoseRequest({ secret, method: req.method, path, headers: req.headers, body: req.body === undefined ? "" : req.body, now: localMs });
        const selfCheck = { ok: d.ok, findings: d.findings, canonical: d.expectedCanonical };
        if (!d.ok) {
          selfCheck.reason = d.reason;
          selfCheck.message = d.message;
        }
        details.selfCheck = selfCheck;
        if (details.clockSkewSeconds !== undefined && Math.abs(details.clockSkewSeconds) > K.toleranceSeconds) {
          message += `: the signature was refused because ${skewNote}`;
          skewNote = "";
        } else if (d.ok) {
          message += ": the signature was refused, yet the request as sent verifies here with the same secret: the API holds another secret for this channel (check `secret` and `channelId`), or something between rewrote the request (a proxy)";
        } else {
          message += `: the signature was refused, and the request as sent does not verify here either (${d.reason}: ${d.message})`;
        }
      }
      if (skewNote !== "") {
        message += `; ${skewNote}`;
      }
      const excerpt = bodyExcerpt(text);
      if (excerpt !== "") {
        message += `; its body: ${excerpt}`;
      }
      return new AmojoApiError(message, details);
    }

    function warn(list, endpoint, part, issues) {
      for (const issue of issues) {
        const w = { ...issue, part, endpoint };
        list.push(w);
        if (onWarning !== undefined) {
          onWarning(w);
        }
      }
    }

    // A 2xx answer: the body typed by the endpoint, its warnings (not enumerable) beside it.
    function result(endpoint, response, text, warnings, attempts) {
      const status = response.status;
      const fail = (why) => new AmojoApiError(`${endpoint}: the API answered ${status} with ${why}`, {
        status, endpoint, body: bodyValue(text), headers: headerObject(response.headers), attempts,
      });
      const ruled = RESPONSE_RULES.includes(endpoint);
      if (text.trim() === "") {
        if (endpoint === "history") {
          // 204: the chat has no messages.
          return attach({ messages: [] }, warnings);
        }
        if (ruled) {
          const e = fail("no body, where the docs show a JSON object");
          e.code = "invalid_response";
          throw e;
        }
        return undefined;
      }
      let json;
      try {
        json = JSON.parse(text);
      } catch (_) {
        if (ruled) {
          const e = fail("a body that is not JSON");
          e.code = "invalid_response";
          throw e;
        }
        warn(warnings, endpoint, "response", [{ path: "", code: "invalid_json", message: "the response body is not JSON" }]);
        return undefined;
      }
      if (!ruled) {
        return undefined;
      }
      if (json === null || typeof json !== "object" || Array.isArray(json)) {
        const e = fail("JSON that is not an object, where the docs show one");
        e.code = "invalid_response";
        throw e;
      }
      if (validating) {
        const r = api.validate(`${endpoint}_response`, text);
        warn(warnings, endpoint, "response", [...r.errors, ...r.warnings]);
      }
      return attach(json, warnings);
    }

    function attach(value, warnings) {
      if (value !== null && typeof value === "object") {
        Object.defineProperty(value, "warnings", { value: warnings, configurable: true });
      }
      return value;
    }

    function callOptions(value) {
      const c = options(value, "options", ["signal", "timeoutMs", "retry"], false);
      const signal = c.signal;
      if (signal !== undefined && (signal === null || typeof signal !== "object" || typeof signal.addEventListener !== "function" || typeof signal.aborted !== "boolean")) {
        throw argError(`\`signal\` must be an AbortSignal, got ${describe(signal)}`);
      }
      return {
        signal,
        timeoutMs: c.timeoutMs === undefined ? timeoutMs : wholeMs(c.timeoutMs, "timeoutMs", { min: 1 }),
        retry: c.retry === undefined ? retry : retryPolicy(c.retry, "retry"),
      };
    }

    function backoff(policy, n) {
      const cap = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (n - 1));
      // "Equal jitter": half the step fixed, half random, so attempts spread but still back off.
      return Math.round(cap / 2 + Math.random() * (cap / 2));
    }

    async function call(endpoint, method, path, payload, opts) {
      const c = callOptions(opts);
      const warnings = [];
      const policy = c.retry;
      const retries = policy === false ? 0 : policy.retries;
      // Whether an earlier attempt ended without saying if the API acted on it.
      let unknownOutcome = false;
      let body = payload;
      for (let n = 1; ; n++) {
        if (c.signal && c.signal.aborted) {
          throw c.signal.reason;
        }
        // Validation errors throw here, before anything is sent.
        const req = build(method, path, body);
        if (n === 1) {
          warn(warnings, endpoint, "request", req.warnings);
          body = req.body;
        }
        const sent = { url: req.url, method: req.method, headers: req.headers, body: req.body };
        let got;
        let failure;
        try {
          got = await attempt(sent, endpoint, c.timeoutMs, c.signal);
        } catch (e) {
          if (!(e instanceof AmojoTimeoutError || e instanceof AmojoNetworkError)) {
            throw e;
          }
          failure = e;
        }
        const localMs = nowMs();
        let delay;
        if (got !== undefined) {
          const status = got.response.status;
          if (status >= 200 && status < 300) {
            return result(endpoint, got.response, got.text, warnings, n);
          }
          failure = apiError(endpoint, sent, path, got.response, got.text, localMs);
          if (status === 429 || status === 503) {
            const serverMs = Date.parse(failure.headers.date);
            delay = retryAfterMs(failure.headers["retry-after"], Number.isFinite(serverMs) ? serverMs : undefined, localMs);
            if (delay !== undefined) {
              failure.retryAfterMs = delay;
            }
          }
        }
        failure.attempts = n;
        const retryable = got === undefined || RETRY_STATUSES.includes(got.response.status);
        const repeatable = got !== undefined && got.response.status === 429 ? true : REPEATABLE[endpoint] === true;
        const more = policy !== false && n <= retries && retryable && repeatable;
        if (!more || (delay !== undefined && delay > policy.maxDelayMs)) {
          if (unknownOutcome && !retryable) {
            failure.message += ` (attempt ${n}: an earlier attempt ended without an answer, so the API may have acted on it already)`;
          } else if (n > 1) {
            failure.message += ` (after ${n} attempts)`;
          }
          throw failure;
        }
        if (got === undefined || got.response.status !== 429) {
          unknownOutcome = true;
        }
        await sleep(delay === undefined ? backoff(policy, n) : delay, c.signal);
      }
    }

    const segment = (value, name) => encodeURIComponent(string(value, name, { nonEmpty: true }));

    function scope(scopeId) {
      const prefix = `/v2/origin/custom/${segment(scopeId, "scopeId")}`;
      const message = (eventType, payload, opts) => call("send_message", "POST", prefix, { event_type: eventType, payload }, opts);
      return Object.freeze({
        scopeId,
        createChat: async (body, opts) => call("create_chat", "POST", `${prefix}/chats`, plainPayload(body, "body"), opts),
        sendMessage: async (payload, opts) => message("new_message", plainPayload(payload, "payload"), opts),
        importMessage: async (payload, opts) => {
          const p = plainPayload(payload, "payload");
          return message("new_message", { ...p, silent: p.silent === undefined ? true : p.silent }, opts);
        },
        sendComment: async (payload, opts) => {
          const p = plainPayload(payload, "payload");
          const post = p.message !== null && typeof p.message === "object" ? p.message.post : undefined;
          if (post === null || typeof post !== "object") {
            throw argError("sendComment: `payload.message.post` is required (the post commented on); a message without one is sent with sendMessage", "missing_argument");
          }
          return message("new_message", p, opts);
        },
        editMessage: async (payload, opts) => message("edit_message", plainPayload(payload, "payload"), opts),
        updateDeliveryStatus: async (msgid, status, opts) => {
          const path = `${prefix}/${segment(msgid, "msgid")}/delivery_status`;
          const body = typeof status === "number" ? { status_code: status } : plainPayload(status, "status");
          return call("delivery_status", "POST", path, body, opts);
        },
        history: async (conversationId, query, opts) => {
          const q = options(query, "query", ["offset", "limit"], false);
          const params = [];
          for (const key of ["offset", "limit"]) {
            if (q[key] !== undefined) {
              if (typeof q[key] !== "number" || !Number.isSafeInteger(q[key])) {
                throw argError(`\`${key}\` must be a whole number, got ${describe(q[key])}`);
              }
              params.push(`${key}=${q[key]}`);
            }
          }
          const path = `${prefix}/chats/${segment(conversationId, "conversationId")}/history${params.length > 0 ? `?${params.join("&")}` : ""}`;
          return call("history", "GET", path, undefined, opts);
        },
        typing: async (body, opts) => call("typing", "POST", `${prefix}/typing`, plainPayload(body, "body"), opts),
        react: async (body, opts) => call("react", "POST", `${prefix}/react`, { ...plainPayload(body, "body"), type: "react" }, opts),
        unreact: async (body, opts) => call("react", "POST", `${prefix}/react`, { ...plainPayload(body, "body"), type: "unreact" }, opts),
      });
    }

    const channelPrefix = `/v2/origin/custom/${segment(channelId, "channelId")}`;

    async function connect(accountId, connectOptions, opts) {
      const account = string(accountId, "accountId", { nonEmpty: true });
      const co = options(connectOptions, "connect options", ["title", "hookApiVersion", "isTimeWindowDisabled"], false);
      const body = { account_id: account };
      if (co.title !== undefined) {
        body.title = co.title;
      }
      // v1 hooks are no longer sent (chat-webhooks.md): v2 unless asked otherwise.
      body.hook_api_version = co.hookApiVersion === undefined ? "v2" : co.hookApiVersion;
      if (co.isTimeWindowDisabled !== undefined) {
        body.is_time_window_disabled = co.isTimeWindowDisabled;
      }
      const r = await call("connect", "POST", `${channelPrefix}/connect`, body, opts);
      let scopeId = r.scope_id;
      if (typeof scopeId !== "string" || scopeId === "") {
        // The docs: scope_id = {channel_id}_{account_id}.
        scopeId = `${channelId}_${account}`;
        warn(r.warnings, "connect", "response", [{ path: "/scope_id", code: "recommended", message: `the answer has no \`scope_id\`; using \`${scopeId}\` ({channel_id}_{account_id}, as the docs say it is)` }]);
      }
      Object.defineProperty(r, "scope", { value: scope(scopeId), configurable: true });
      return r;
    }

    async function disconnect(accountId, opts) {
      const account = string(accountId, "accountId", { nonEmpty: true });
      await call("disconnect", "DELETE", `${channelPrefix}/disconnect`, { account_id: account }, opts);
    }

    return Object.freeze({ channelId, baseUrl: base, connect, disconnect, scope });
  };
}

// ---- the factory ------------------------------------------------------------------------

/**
 * host: {
 *   raw(): the raw exports,
 *   ready(): whether they can be called (browser entry: after init),
 *   reset?(): reloads the module after a fault,
 *   init(input?), initSync(input?),
 *   schemas: { schemas: { endpoint: JSON Schema }, index: schemas/index.json }
 *     (lib/schemas.*, generated from schemas/*.json by scripts/assemble-pkg.mjs)
 * }
 */
export function createApi(host) {
  const decoder = new TextDecoder("utf-8", { fatal: true });

  function need() {
    if (!host.ready()) {
      const e = new Error("amojo-kit: the WebAssembly module is not initialised yet: call `await init()` (or `initSync({ module })`) first");
      e.code = "not_initialized";
      throw e;
    }
    if (K === null) {
      K = host.raw().rawConstants();
    }
  }

  // Whether a raw export is running: the arguments are plain values and fresh views by
  // then, so no caller code runs inside; a nested call would mean it did, and is refused.
  let busy = false;

  function enter() {
    if (busy) {
      throw argError("amojo-kit was called again while one of its calls was running (from a getter or callback of an argument): calls cannot nest", "reentrant_call");
    }
    busy = true;
  }

  function call(name, args) {
    need();
    enter();
    let result;
    try {
      result = host.raw()[name](...args);
    } catch (e) {
      throw rawError(name, e);
    } finally {
      busy = false;
    }
    release();
    return result;
  }

  // After a call that may have grown the WebAssembly memory (a large body): past
  // RESET_ABOVE, a host that can (the Node entry) moves to a fresh instance and the old
  // memory goes with the old one. Results are JS values by then.
  let memoryOf = null;
  function release() {
    if (typeof host.reset !== "function") {
      return;
    }
    const raw = host.raw();
    if (memoryOf === null || memoryOf.raw !== raw) {
      memoryOf = { raw, memory: raw.rawMemory() };
    }
    if (memoryOf.memory.buffer.byteLength > RESET_ABOVE) {
      memoryOf = null;
      lane = null;
      host.reset();
    }
  }

  // `maxBodyBytes` of an options object: a whole number of bytes, the default 1 MiB.
  function bodyLimit(value) {
    if (value === undefined) {
      return K.maxBodyBytes;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 0xffffffff) {
      throw argError(`\`maxBodyBytes\` must be a whole number from 1 to 4294967295, got ${describe(value)}`);
    }
    return value;
  }

  // A receiver's refusal of a body over the limit: the shape of a verification outcome.
  function refusedAsTooLarge(e) {
    if (e instanceof AmojoTypeError && e.code === "body_too_large") {
      return { ok: false, reason: "body_too_large", message: e.message, limit: e.limit };
    }
    throw e;
  }

  // What an exception of the raw export `name` becomes: its typed error as an
  // AmojoTypeError, anything else (a trap) an internal error after reloading the module.
  function rawError(name, e) {
    if (e instanceof TypeError && typeof e.code === "string") {
      return new AmojoTypeError(e.message, e.code, { line: e.line, column: e.column });
    }
    if (e instanceof AmojoTypeError) {
      return e;
    }
    let reloaded = false;
    if (typeof host.reset === "function") {
      try {
        host.reset();
        reloaded = true;
      } catch (_) {
        reloaded = false;
      }
    }
    const detail = e && typeof e.message === "string" ? e.message : "unknown";
    const err = new Error(`amojo-kit: internal fault in the WebAssembly core during ${name} (${detail})${reloaded ? "; the module was reloaded and keeps working" : ""}. Please report it with the input that caused it`);
    err.name = "AmojoInternalError";
    err.code = "internal";
    err.cause = e;
    return err;
  }

  function contentMd5(body, opts) {
    need();
    const o = options(opts, "options", ["maxBodyBytes"], false);
    return call("rawMd5", [bytes(body, "body", { limit: bodyLimit(o.maxBodyBytes) })]);
  }

  function formatDate(at) {
    need();
    const s = at === undefined ? Math.floor(Date.now() / 1000) : seconds(at, "at");
    return call("rawFormatDate", [s]);
  }

  function serializeBody(payload, opts) {
    need();
    const o = options(opts, "options", ["style", "maxBodyBytes"], false);
    const style = oneOf(o.style, "style", K.styles, "compact");
    const text = typeof payload === "string" ? payload : toJson(payload, "payload");
    if (text.length > bodyLimit(o.maxBodyBytes)) {
      throw tooLarge("payload", bodyLimit(o.maxBodyBytes));
    }
    return call("rawReserialize", [text, style]);
  }

  // ---- signing: the scratch lane (src/wasm.rs, rawSignScratch) ----------------------------
  //
  // The request is written into a scratch buffer in wasm memory, signed by one call that
  // takes only numbers, and the result (X-Signature, then the canonical string) read back
  // from the same buffer: no allocation in the core, no string through wasm-bindgen. The
  // memory's ArrayBuffer is replaced (the old one detached) whenever the memory grows, so
  // the view is checked after every call that may allocate. A request that needs more than
  // LANE_MAX bytes of scratch takes rawSignBytes instead, so the scratch
  // stays small.

  // { raw, memory, u8, ptr, size, prefix: the strings at the scratch's start, or null }
  let lane = null;

  // The lane of the current instance (a new one after a reload), its scratch at least
  // `size` bytes, its view fresh.
  function laneOf(size) {
    const raw = host.raw();
    let l = lane;
    if (l === null || l.raw !== raw) {
      const memory = raw.rawMemory();
      l = lane = { raw, memory, u8: new Uint8Array(memory.buffer), ptr: 0, size: 0, prefix: null };
    }
    if (size > l.size) {
      const want = Math.max(size, LANE_MIN, Math.min(2 * l.size, LANE_MAX));
      l.prefix = null;
      l.ptr = raw.rawScratch(want);
      l.size = want;
    }
    if (l.u8.byteLength === 0) {
      l.u8 = new Uint8Array(l.memory.buffer);
    }
    return l;
  }

  // Writes a string as UTF-8 (short ASCII by a plain loop, cheaper than encodeInto's call)
  // or bytes at `at`, with room up to `end`; returns the number of bytes written.
  function put(u8, value, at, end) {
    if (typeof value !== "string") {
      u8.set(value, at);
      return value.length;
    }
    const n = value.length;
    if (n <= 32) {
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) {
          break;
        }
        u8[at + i] = c;
      }
      if (i === n) {
        return n;
      }
    }
    const r = encoder.encodeInto(value, u8.subarray(at, end));
    if (r.read !== n) {
      // The room is reserved for 3 bytes per unit: this is a bug, not a short request.
      throw new RangeError(`the scratch held ${r.written} bytes of a ${n}-unit string`);
    }
    return r.written;
  }

  // Bytes the lane needs for a string (UTF-8 is at most 3 bytes per UTF-16 unit) or bytes.
  const room = (value) => (typeof value === "string" ? 3 * value.length : value.length);

  function signRequest(input) {
    need();
    const o = options(input, "signRequest(...)", SIGN_OPTIONS, true);
    const method = typeof o.method === "string" ? o.method : string(o.method, "method");
    const path = typeof o.path === "string" ? o.path : string(o.path, "path");
    const bodyIn = o.body;
    if (bodyIn !== undefined && bodyIn !== null && typeof bodyIn === "object" && !isBytes(bodyIn)) {
      throw argError(`\`body\` is ${describe(bodyIn)}: sign the exact bytes you send; serialize the payload with serializeBody() (or use buildRequest())`);
    }
    const secretIn = o.secret;
    const secret = typeof secretIn === "string" ? secretIn : secretBytes(secretIn, "secret");
    const limit = o.maxBodyBytes === undefined ? K.maxBodyBytes : bodyLimit(o.maxBodyBytes);
    let body = "";
    if (typeof bodyIn === "string") {
      // Within the limit for sure, or encoded (in JS memory) to count its bytes.
      body = 3 * bodyIn.length <= limit ? bodyIn : encodeWithin(bodyIn, "body", limit);
    } else if (bodyIn !== undefined && bodyIn !== null) {
      body = bytes(bodyIn, "body", { limit });
    }
    const contentType = o.contentType === undefined ? undefined : string(o.contentType, "contentType");
    const dateIn = o.date;
    let dateText;
    let dateSeconds = 0;
    if (dateIn === undefined) {
      dateSeconds = Math.floor(Date.now() / 1000);
    } else if (typeof dateIn === "string") {
      dateText = dateIn;
    } else {
      dateSeconds = seconds(dateIn, "date");
    }
    // The request, then the X-Signature and the canonical string (its texts again, the
    // Content-MD5 and a formatted date: 80 bytes cover those and the line breaks).
    const texts = 3 * (method.length + path.length + (contentType === undefined ? K.contentType : contentType).length + (dateText === undefined ? 11 : dateText.length));
    const size = room(secret) + room(body) + 2 * texts + 80;
    if (size > LANE_MAX) {
      return signLarge(secret, method, path, body, contentType, dateText, dateSeconds);
    }
    let name = "rawScratch";
    enter();
    try {
      const l = laneOf(size);
      let u8 = l.u8;
      const ptr = l.ptr;
      const end = ptr + l.size;
      // The secret, method and path go first, so the last request's are still there
      // (only the lane writes into the scratch): the same strings are not written again.
      let prefix = l.prefix;
      if (prefix === null || prefix.secret !== secret || prefix.method !== method || prefix.path !== path) {
        l.prefix = null;
        const secretLen = put(u8, secret, ptr, end);
        const methodLen = put(u8, method, ptr + secretLen, end);
        const pathLen = put(u8, path, ptr + secretLen + methodLen, end);
        prefix = { secret, method, path, secretLen, methodLen, pathLen };
        if (typeof secret === "string") {
          l.prefix = prefix;
        }
      }
      const { secretLen, methodLen, pathLen } = prefix;
      let at = ptr + secretLen + methodLen + pathLen;
      const typeLen = contentType === undefined ? undefined : put(u8, contentType, at, end);
      at += typeLen === undefined ? 0 : typeLen;
      const dateLen = dateText === undefined ? undefined : put(u8, dateText, at, end);
      at += dateLen === undefined ? 0 : dateLen;
      const bodyLen = put(u8, body, at, end);
      at += bodyLen;
      name = "rawSignScratch";
      const canonicalLen = l.raw.rawSignScratch(secretLen, methodLen, pathLen, typeLen, dateLen, bodyLen, dateSeconds);
      if (u8.byteLength === 0) {
        u8 = l.u8 = new Uint8Array(l.memory.buffer);
      }
      // X-Signature (40 bytes) then the canonical string, whose texts are UTF-8 as the
      // core read them (a lone surrogate became U+FFFD), as the string exports return them.
      const out = resultDecoder.decode(u8.subarray(at, at + 40 + canonicalLen));
      return signed(out.slice(0, 40), out.slice(40));
    } catch (e) {
      throw rawError(name, e);
    } finally {
      busy = false;
    }
  }

  // signRequest through rawSignBytes, for requests too large for the lane (strings encoded
  // here: one TextEncoder copy beats wasm-bindgen's per-character string passing).
  function signLarge(secret, method, path, body, contentType, dateText, dateSeconds) {
    const args = [typeof secret === "string" ? encoder.encode(secret) : secret, method, path, typeof body === "string" ? encoder.encode(body) : body, contentType, dateText, dateSeconds];
    const parts = call("rawSignBytes", args);
    const cut = parts.lastIndexOf("\n");
    return signed(parts.slice(cut + 1), parts.slice(0, cut));
  }

  // signRequest's result: the headers are the lines of the canonical string the core
  // wrote (METHOD, Content-MD5, Content-Type, Date, PATH) and the signature.
  function signed(signature, canonical) {
    const [, md5, type, date] = canonical.split("\n", 4);
    return {
      headers: { "Date": date, "Content-Type": type, "Content-MD5": md5, "X-Signature": signature },
      canonical,
    };
  }

  // Endpoint name → its number in the core's list (rawEndpoints order), for the lane.
  let endpointNumbers = null;
  function endpointIndex(name) {
    if (endpointNumbers === null) {
      endpointNumbers = new Map(call("rawEndpoints", []).map((n, i) => [n, i]));
    }
    return endpointNumbers.get(name);
  }

  // validate() of a string through the scratch lane: one encodeInto, one call with numbers.
  function validateInLane(index, name, text, lang, limits) {
    let fn = "rawScratch";
    enter();
    try {
      const l = laneOf(3 * text.length);
      // The body overwrites what signRequest left at the start of the scratch.
      l.prefix = null;
      // (A view of the whole scratch, kept: making a subarray per call costs half of the
      // encodeInto itself.)
      let view = l.scratchView;
      if (view === undefined || view.buffer !== l.u8.buffer || view.byteOffset !== l.ptr || view.length !== l.size) {
        view = l.scratchView = l.u8.subarray(l.ptr, l.ptr + l.size);
      }
      const len = encoder.encodeInto(text, view).written;
      fn = "rawValidateScratch";
      const n = l.raw.rawValidateScratch(index, len, lang === "ru" ? 1 : 0, limits[0], limits[1], limits[2]);
      if (n === 0) {
        return report("", name);
      }
      // The report follows the body in the scratch, which may have moved or grown.
      const ptr = l.raw.rawScratch(0);
      l.ptr = ptr;
      if (l.u8.byteLength === 0) {
        l.u8 = new Uint8Array(l.memory.buffer);
      }
      return report(resultDecoder.decode(l.u8.subarray(ptr + len, ptr + len + n)), name);
    } catch (e) {
      if (e instanceof AmojoTypeError) {
        throw e;
      }
      throw rawError(fn, e);
    } finally {
      busy = false;
    }
  }

  // A report from the core's JSON text; "" is the common "valid, no warnings" verdict.
  function report(text, endpoint) {
    if (text === "") {
      return { valid: true, endpoint, errors: [], warnings: [], truncated: false };
    }
    return JSON.parse(text);
  }

  // validateOptions(undefined), made once: the common call passes no options.
  const NO_LIMITS = [undefined, undefined, undefined];

  // A valid report carries the body as `data`: the object given, or the JSON text (or
  // bytes, copied now) parsed on first use. Not enumerable: the report's own fields stay
  // what the core wrote, and JSON.stringify(report) does not repeat the body.
  function withData(r, payload) {
    if (!r.valid || payload === undefined || payload === null) {
      return r;
    }
    if (typeof payload !== "string" && !isBytes(payload)) {
      Object.defineProperty(r, "data", { value: payload, configurable: true });
      return r;
    }
    const source = typeof payload === "string" ? payload : viewBytes(payload, "payload").slice();
    let parsed;
    Object.defineProperty(r, "data", {
      configurable: true,
      get() {
        if (parsed === undefined) {
          parsed = JSON.parse(typeof source === "string" ? source : decoder.decode(source));
        }
        return parsed;
      },
    });
    return r;
  }

  function validate(endpoint, payload, opts) {
    return withData(validateBody(endpoint, payload, opts), payload);
  }

  function validateBody(endpoint, payload, opts) {
    need();
    const name = typeof endpoint === "string" ? endpoint : string(endpoint, "endpoint");
    let lang = "en";
    let limits = NO_LIMITS;
    if (opts !== undefined) {
      [lang, ...limits] = validateOptions(opts);
    }
    const limit = limits[1] === undefined ? K.maxBodyBytes : limits[1];
    if (isBytes(payload)) {
      const body = viewBytes(payload, "payload");
      if (body.length > limit) {
        return tooLargeReport(name, lang, limit);
      }
      return report(call("rawValidate", [name, body, lang, ...limits]), name);
    }
    if (payload === undefined) {
      throw argError("`payload` is required: an object, or the body's JSON text as a string", "missing_argument");
    }
    const text = typeof payload === "string" ? payload : toJson(payload, "payload");
    const index = endpointIndex(name);
    if (index !== undefined && 3 * text.length <= LANE_MAX) {
      return validateInLane(index, name, text, lang, limits);
    }
    // Counted before it is copied anywhere: a string longer than the limit is over it.
    if (text.length > limit) {
      return tooLargeReport(name, lang, limit);
    }
    const body = encoder.encode(text);
    if (body.length > limit) {
      return tooLargeReport(name, lang, limit);
    }
    return report(call("rawValidate", [name, body, lang, ...limits]), name);
  }

  // The core's report of a body over the limit, the body left where it is.
  function tooLargeReport(endpoint, lang, limit) {
    return report(call("rawTooLarge", [endpoint, lang, limit]), endpoint);
  }

  function requestBody(body, limit) {
    if (body === undefined || body === null) {
      return new Uint8Array(0);
    }
    if (typeof body === "string" || isBytes(body)) {
      return bytes(body, "body", { limit });
    }
    return encodeWithin(toJson(body, "body"), "body", limit);
  }

  function validateRequest(input, opts) {
    need();
    const o = options(input, "validateRequest(...)", ["method", "path", "body"], true);
    const method = string(o.method, "method");
    const path = string(o.path, "path");
    const [lang, ...limits] = validateOptions(opts);
    const limit = limits[1] === undefined ? K.maxBodyBytes : limits[1];
    let body;
    try {
      body = requestBody(o.body, limit);
    } catch (e) {
      if (e instanceof AmojoTypeError && e.code === "body_too_large") {
        const routed = call("rawRoute", [path]);
        return tooLargeReport(routed === null ? null : routed.endpoint, lang, limit);
      }
      throw e;
    }
    return withData(report(call("rawValidateRequest", [method, path, body, lang, ...limits]), null), o.body);
  }

  // `{ lang, maxIssues, maxBodyBytes, maxDepth }` → [lang, maxIssues, maxBodyBytes, maxDepth]
  // (an absent limit is undefined: the core's default).
  function validateOptions(opts) {
    const o = options(opts, "options", ["lang", "maxIssues", "maxBodyBytes", "maxDepth"], false);
    const limit = (v, name) => {
      if (v === undefined) {
        return undefined;
      }
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 0xffffffff) {
        throw argError(`\`${name}\` must be a whole number from 1 to 4294967295, got ${describe(v)}`, "invalid_argument");
      }
      return v;
    };
    return [
      oneOf(o.lang, "lang", K.langs, "en"),
      limit(o.maxIssues, "maxIssues"),
      limit(o.maxBodyBytes, "maxBodyBytes"),
      limit(o.maxDepth, "maxDepth"),
    ];
  }

  function buildRequest(input) {
    need();
    const o = options(input, "buildRequest(...)", ["secret", "method", "path", "endpoint", "payload", "date", "style", "baseUrl", "lang", "maxBodyBytes"], true);
    const secret = secretBytes(o.secret, "secret");
    const path = string(o.path, "path");
    if (o.endpoint !== undefined) {
      sameEndpoint(o.endpoint, path);
    }
    const style = oneOf(o.style, "style", K.styles, "compact");
    const lang = oneOf(o.lang, "lang", K.langs, "en");
    const base = o.baseUrl === undefined ? undefined : baseUrl(o.baseUrl);
    let dateText;
    let dateSeconds = 0;
    if (o.date === undefined) {
      dateSeconds = Math.floor(Date.now() / 1000);
    } else if (typeof o.date === "string") {
      dateText = o.date;
    } else {
      dateSeconds = seconds(o.date, "date");
    }
    const method = string(o.method, "method", { optional: true });
    const payload = o.payload === undefined ? undefined : encodeWithin(typeof o.payload === "string" ? o.payload : toJson(o.payload, "payload"), "payload", bodyLimit(o.maxBodyBytes));
    // Serialize, route, validate and sign: one call of the core.
    const built = call("rawBuildRequest", [secret, method, path, payload, style, base, dateText, dateSeconds, lang]);
    if (built.invalid !== undefined) {
      throw new AmojoValidationError(built.invalid, lang);
    }
    return {
      url: built.url,
      method: built.method,
      headers: built.headers,
      body: built.body === "" ? undefined : built.body,
      warnings: built.warnings,
    };
  }

  // buildRequest's `endpoint`: the endpoint the caller means (it types the payload), which
  // must be the one the path addresses.
  function sameEndpoint(value, path) {
    const name = string(value, "endpoint");
    const known = call("rawEndpoints", []);
    if (!known.includes(name)) {
      throw argError(`\`endpoint\` is not an endpoint${suggest(name, known)}; expected one of ${known.join(", ")}`, "unknown_endpoint");
    }
    const routed = call("rawRoute", [path]);
    if (routed === null || routed.endpoint !== name) {
      throw argError(`\`endpoint\` is ${name}, but the path addresses ${routed === null ? "no endpoint" : routed.endpoint}`, "endpoint_mismatch");
    }
  }

  function receivedArgs(input, where) {
    const o = options(input, where, ["secret", "secrets", "method", "path", "headers", "body", "now", "toleranceSeconds", "maxBodyBytes"], true);
    const secrets = secretList(o, where);
    const method = string(o.method, "method");
    const path = string(o.path, "path");
    const headers = flattenHeaders(o.headers, "headers");
    const now = o.now === undefined ? Math.floor(Date.now() / 1000) : seconds(o.now, "now");
    let tolerance = K.toleranceSeconds;
    if (o.toleranceSeconds !== undefined) {
      // Whole seconds: a fraction would round to 0, which turns the clock check off.
      if (typeof o.toleranceSeconds !== "number" || !Number.isSafeInteger(o.toleranceSeconds) || o.toleranceSeconds < 0) {
        throw argError(`\`toleranceSeconds\` must be a whole number of seconds ≥ 0 (0 turns the clock check off), got ${describe(o.toleranceSeconds)}`, "invalid_time");
      }
      tolerance = o.toleranceSeconds;
    }
    const body = receivedBody(o.body, "body", bodyLimit(o.maxBodyBytes));
    return [secrets, method, path, headers, body, now, tolerance];
  }

  function verifyRequest(input) {
    need();
    let args;
    try {
      args = receivedArgs(input, "verifyRequest(...)");
    } catch (e) {
      return refusedAsTooLarge(e);
    }
    return call("rawCheckRequest", [false, ...args]);
  }

  function diagnoseRequest(input) {
    need();
    return call("rawCheckRequest", [true, ...receivedArgs(input, "diagnoseRequest(...)")]);
  }

  function signWebhook(body, secret, opts) {
    need();
    const o = options(opts, "options", ["maxBodyBytes"], false);
    const b = bytes(body, "body", { what: "the raw hook body: a string or a Uint8Array", limit: bodyLimit(o.maxBodyBytes) });
    return call("rawSignWebhook", [secretBytes(secret, "secret"), b]);
  }

  // The `X-Signature` values received, for the core: none (null or undefined), one, or
  // several (an array: the header repeated).
  function signatures(signature) {
    if (signature === undefined || signature === null) {
      return [];
    }
    const list = Array.isArray(signature) ? signature : [signature];
    return list.map((s, i) => string(s, Array.isArray(signature) ? `signature[${i}]` : "signature"));
  }

  // The `signature` option of a hook receiver: required, but null or undefined (a header
  // that was not sent) is a value.
  function signatureOption(o) {
    if (!("signature" in o)) {
      throw argError("`signature` is required: the received `X-Signature` header (null or undefined when absent)", "missing_argument");
    }
    return signatures(o.signature);
  }

  // `maxAgeSeconds` (and the `now` it is measured from) of a hook receiver's options:
  // [max age or undefined, now in seconds].
  function replayWindow(o) {
    if (o.maxAgeSeconds === undefined) {
      if (o.now !== undefined) {
        throw argError("`now` is the clock `maxAgeSeconds` is measured against: give `maxAgeSeconds` too");
      }
      return [undefined, 0];
    }
    if (typeof o.maxAgeSeconds !== "number" || !Number.isSafeInteger(o.maxAgeSeconds) || o.maxAgeSeconds < 0) {
      throw argError(`\`maxAgeSeconds\` must be a whole number of seconds ≥ 0, got ${describe(o.maxAgeSeconds)}`, "invalid_time");
    }
    return [o.maxAgeSeconds, o.now === undefined ? Math.floor(Date.now() / 1000) : seconds(o.now, "now")];
  }

  function verifyWebhook(input) {
    need();
    const o = options(input, "verifyWebhook(...)", ["body", "signature", "secret", "secrets", "maxBodyBytes", "maxAgeSeconds", "now"], true);
    const secrets = secretList(o, "verifyWebhook(...)");
    const sigs = signatureOption(o);
    const [maxAge, now] = replayWindow(o);
    let body;
    try {
      body = receivedBody(o.body, "body", bodyLimit(o.maxBodyBytes));
    } catch (e) {
      return refusedAsTooLarge(e);
    }
    if (maxAge === undefined) {
      return call("rawVerifyWebhook", [secrets, body, sigs]);
    }
    // The replay window needs the signed `time`: the whole receipt, without validation.
    const r = call("rawReceiveWebhook", [secrets, body, sigs, false, "en", maxAge, now]);
    return r.ok ? { ok: true, secretIndex: r.secretIndex } : r;
  }

  // A received hook: signature, JSON, which hook and (optionally) its rules, in one call of
  // the core; then the JSON as a JS value for the caller.
  function checkHook(body, signature, secrets, validateBody, maxAge, now, lang = "en") {
    let sigs;
    try {
      sigs = signatures(signature);
    } catch (_) {
      // A header value that is not a string (a host adapter's oddity): not a signature.
      sigs = [""];
    }
    const r = call("rawReceiveWebhook", [secrets, body, sigs, validateBody, lang, maxAge, now]);
    if (!r.ok) {
      return { ...r, status: hookStatus(r.reason), body, json: undefined };
    }
    const result = {
      ok: true,
      secretIndex: r.secretIndex,
      endpoint: r.endpoint,
      time: r.time,
      body,
      json: JSON.parse(decoder.decode(body)),
    };
    if (r.validation !== undefined) {
      result.validation = r.validation;
    }
    return result;
  }

  async function verifyWebhookRequest(request, secrets, opts) {
    need();
    if (request === null || typeof request !== "object" || typeof request.arrayBuffer !== "function" || request.headers === null || typeof request.headers !== "object" || typeof request.headers.get !== "function") {
      throw argError(`\`request\` must be a fetch API Request, got ${describe(request)}`);
    }
    if (secrets === undefined) {
      throw argError("`secrets` is required: the channel secret, or an array of secrets", "missing_argument");
    }
    const list = Array.isArray(secrets) ? secretArray(secrets, "secrets") : [secretBytes(secrets, "secrets")];
    const o = options(opts, "options", ["validate", "maxBodyBytes", "maxAgeSeconds", "now"], false);
    const validateBody = boolean(o.validate, "validate", false);
    const limit = bodyLimit(o.maxBodyBytes);
    const [maxAge, now] = replayWindow(o);
    if (request.bodyUsed === true) {
      throw argError("the request body was already read; verify the hook before reading it (the signature covers the raw bytes)", "body_already_read");
    }
    // A declared length over the limit is refused before a byte is read.
    const declared = request.headers.get("content-length");
    let body;
    try {
      if (typeof declared === "string" && /^[0-9]+$/.test(declared) && Number(declared) > limit) {
        throw tooLarge("body", limit, Number(declared));
      }
      body = await readFetchBody(request, limit);
    } catch (e) {
      return { ...refusedAsTooLarge(e), status: 413, body: undefined, json: undefined };
    }
    return checkHook(body, request.headers.get("x-signature"), list, validateBody, maxAge, now);
  }

  // Stripe's constructEvent for amojo: the raw body and the X-Signature value in, the hook's
  // JSON (with which hook it is) out, or an AmojoWebhookError carrying the status to answer.
  // Framework-neutral: every framework can give the raw bytes and a header.
  function parseWebhook(input) {
    need();
    const o = options(input, "parseWebhook(...)", ["body", "signature", "secret", "secrets", "validate", "lang", "maxBodyBytes", "maxAgeSeconds", "now"], true);
    const secrets = usableSecrets(secretList(o, "parseWebhook(...)"), "parseWebhook(...)");
    const sigs = signatureOption(o);
    const validateBody = boolean(o.validate, "validate", false);
    const lang = oneOf(o.lang, "lang", K.langs, "en");
    const [maxAge, now] = replayWindow(o);
    let body;
    try {
      body = receivedBody(o.body, "body", bodyLimit(o.maxBodyBytes));
    } catch (e) {
      throw new AmojoWebhookError(refusedAsTooLarge(e));
    }
    const r = checkHook(body, sigs, secrets, validateBody, maxAge, now, lang);
    if (!r.ok) {
      throw new AmojoWebhookError(r);
    }
    const parsed = { endpoint: r.endpoint, json: r.json, secretIndex: r.secretIndex, time: r.time };
    if (r.validation !== undefined) {
      parsed.validation = r.validation;
    }
    return parsed;
  }

  function respond(res, status, payload) {
    if (res.headersSent) {
      return;
    }
    const text = JSON.stringify(payload);
    if (typeof res.setHeader === "function" && typeof res.end === "function") {
      res.statusCode = status;
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.end(text);
    } else if (typeof res.status === "function") {
      res.status(status).json(payload);
    } else {
      throw argError("`res` is not a Node/Express response (no setHeader/end)");
    }
  }

  async function rawHookBody(req, limit) {
    // The raw bytes a framework kept beside its parsed body (NestJS `rawBody: true`,
    // fastify-raw-body, Firebase functions) come first.
    const body = typeof req.rawBody === "string" || isBytes(req.rawBody) ? req.rawBody : req.body;
    if (typeof body === "string" || isBytes(body)) {
      try {
        return bytes(body, "body", { limit });
      } catch (e) {
        if (e instanceof AmojoTypeError && e.code === "body_too_large") {
          throw fail(413, "body_too_large", e.message);
        }
        throw e;
      }
    }
    const placeholder = isPlainObject(body) && Object.keys(body).length === 0 && req._body !== true;
    if (body === undefined || body === null || placeholder) {
      if (typeof req.on !== "function") {
        throw argError("`req.body` is undefined and `req` is not a readable stream", "invalid_body");
      }
      return readStream(req, limit);
    }
    throw argError(`webhookMiddleware: \`req.body\` is ${describe(body)} and there is no \`req.rawBody\`, i.e. the body was already parsed by a body parser: ${PARSED_BODY_HINT}`, "body_already_parsed");
  }

  function webhookMiddleware(opts, handler) {
    need();
    if (handler !== undefined && typeof handler !== "function") {
      throw argError(`webhookMiddleware: the handler must be a function (req, res, next), got ${describe(handler)}`);
    }
    const o = options(opts, "webhookMiddleware(...)", ["secret", "secrets", "validate", "limit", "maxAgeSeconds"], true);
    const secrets = usableSecrets(secretList(o, "webhookMiddleware(...)"), "webhookMiddleware(...)");
    const maxAge = replayWindow(o)[0];
    const validateBody = boolean(o.validate, "validate", false);
    let limit = K.maxBodyBytes;
    if (o.limit !== undefined) {
      if (typeof o.limit !== "number" || !Number.isInteger(o.limit) || o.limit < 0) {
        throw argError(`\`limit\` must be a whole number of bytes, got ${describe(o.limit)}`);
      }
      limit = o.limit;
    }
    async function handle(req, res, next) {
      let result;
      try {
        need();
        if (req === null || typeof req !== "object" || res === null || typeof res !== "object") {
          throw argError("webhookMiddleware: `req` and `res` must be the request and response objects");
        }
        let body;
        try {
          body = await rawHookBody(req, limit);
        } catch (e) {
          if (e && e.status) {
            respond(res, e.status, { ok: false, reason: e.reason, message: e.message });
            return;
          }
          throw e;
        }
        const now = maxAge === undefined ? 0 : Math.floor(Date.now() / 1000);
        result = checkHook(body, headerValue(req.headers, "x-signature"), secrets, validateBody, maxAge, now);
      } catch (err) {
        next(err);
        return;
      }
      if (!result.ok) {
          respond(res, hookStatus(result.reason), { ok: false, reason: result.reason, message: result.message });
        return;
      }
      req.amojo = { endpoint: result.endpoint, json: result.json, body: result.body, secretIndex: result.secretIndex, time: result.time };
      if (result.validation) {
        req.amojo.validation = result.validation;
      }
      if (handler === undefined) {
        next();
        return;
      }
      try {
        await handler(req, res, next);
      } catch (err) {
        next(err);
      }
    }
    return function amojoWebhook(req, res, next) {
      if (typeof next !== "function") {
        throw argError("webhookMiddleware: call it as a middleware (req, res, next)");
      }
      return handle(req, res, next);
    };
  }

  function endpoints() {
    need();
    return call("rawEndpoints", []);
  }

  // The endpoint a path (or URL) addresses, the method it takes and its path parameters
  // as written in the path; null when no endpoint has this path.
  function route(path) {
    need();
    return call("rawRoute", [string(path, "path")]);
  }

  // Header lines as a raw request prints them → [[name, value], …].
  function parseHeaders(text) {
    need();
    const flat = call("rawParseHeaders", [string(text, "text")]);
    const out = [];
    for (let i = 0; i < flat.length; i += 2) {
      out.push([flat[i], flat[i + 1]]);
    }
    return out;
  }

  // The curl command line that sends a request exactly (the core's quoting, as the CLI's).
  function curlCommand(input) {
    need();
    const o = options(input, "curlCommand(...)", ["method", "url", "headers", "body", "maxBodyBytes"], true);
    const method = string(o.method, "method");
    const url = string(o.url, "url");
    const headers = o.headers === undefined ? [] : flattenHeaders(o.headers, "headers");
    const body = bytes(o.body, "body", { allowMissing: true, limit: bodyLimit(o.maxBodyBytes) });
    return call("rawCurl", [method, url, headers, body]);
  }

  // Which hook a received hook body is, by its envelope (the core decides: the same answer
  // as the CLI's `validate --endpoint webhook`); null when none.
  function webhookEndpoint(payload, opts) {
    need();
    const o = options(opts, "options", ["maxBodyBytes"], false);
    if (payload === undefined) {
      throw argError("`payload` is required: the hook body (a string, a Uint8Array or the parsed object)", "missing_argument");
    }
    const text = isBytes(payload) || typeof payload === "string" ? payload : toJson(payload, "payload");
    return call("rawClassifyWebhook", [bytes(text, "payload", { limit: bodyLimit(o.maxBodyBytes) })]);
  }

  // The JSON Schemas are plain data: no need of the WebAssembly module (no need()).
  function jsonSchemas() {
    const data = host.schemas;
    if (!data || typeof data.schemas !== "object" || typeof data.index !== "object") {
      const e = new Error("amojo-kit: this entry was built without the JSON Schemas (lib/schemas.*): rebuild the package");
      e.name = "AmojoInternalError";
      e.code = "internal";
      throw e;
    }
    return data;
  }

  function schema(endpoint) {
    const name = string(endpoint, "endpoint");
    const all = jsonSchemas().schemas;
    if (!Object.prototype.hasOwnProperty.call(all, name)) {
      throw new AmojoTypeError(`unknown endpoint${suggest(name, Object.keys(all))}; expected one of ${Object.keys(all).join(", ")}`, "unknown_endpoint");
    }
    return cloneJson(all[name]);
  }

  function schemaIndex() {
    return cloneJson(jsonSchemas().index);
  }

  // A Standard Schema (standardschema.dev, v1) result: the value itself when valid, else
  // the errors with their JSON Pointers as paths. Never throws for a bad value.
  function standardValidate(endpoint, value) {
    let text;
    try {
      text = JSON.stringify(value);
    } catch (e) {
      return { issues: [{ message: `the value cannot be written as JSON (${e instanceof TypeError ? "a BigInt or a cycle" : "its toJSON threw"})` }] };
    }
    if (text === undefined) {
      return { issues: [{ message: `the value cannot be written as JSON (${typeof value})` }] };
    }
    const r = validate(endpoint, text);
    if (r.valid) {
      return { value };
    }
    return {
      issues: r.errors.map((issue) => {
        const out = { message: issue.message };
        if (issue.path !== "") {
          out.path = issue.path.slice(1).split("/").map((part) => {
            const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
            return /^(0|[1-9][0-9]{0,8})$/.test(key) ? Number(key) : key;
          });
        }
        return out;
      }),
    };
  }

  // schemas.sendMessage etc.: one Standard Schema per endpoint, for tRPC, Hono's validator
  // and form libraries.
  const createClient = clientFactory({ need, buildRequest, serializeBody, signRequest, validate, diagnoseRequest });

  const schemas = {};
  for (const endpoint of ENDPOINT_NAMES) {
    const key = endpoint.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());
    schemas[key] = Object.freeze({
      "~standard": Object.freeze({
        version: 1,
        vendor: "amojo-kit",
        validate: (value) => standardValidate(endpoint, value),
      }),
    });
  }
  Object.freeze(schemas);

  return {
    version,
    init: host.init,
    initSync: host.initSync,
    AmojoTypeError,
    AmojoValidationError,
    AmojoWebhookError,
    AmojoApiError,
    AmojoTimeoutError,
    AmojoNetworkError,
    contentMd5,
    formatDate,
    serializeBody,
    signRequest,
    buildRequest,
    verifyRequest,
    diagnoseRequest,
    signWebhook,
    verifyWebhook,
    verifyWebhookRequest,
    parseWebhook,
    webhookMiddleware,
    validate,
    validateRequest,
    endpoints,
    webhookEndpoint,
    route,
    parseHeaders,
    curlCommand,
    schema,
    schemaIndex,
    schemas,
    createClient,
  };
}
