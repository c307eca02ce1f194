// Types of amojo-kit (Node entry, CommonJS and ESM; the browser entry adds nothing but
// the `init` default export, see web.d.mts).

import type { Endpoint, ErrorCode, HookEndpoint, RequestEndpoint, WarningCode } from "./payloads";

export * from "./payloads";

// ---- inputs -----------------------------------------------------------------------------

/** Bytes: a Uint8Array (a Node Buffer is one), any typed-array view or DataView (only the
 * view's own bytes count), or an ArrayBuffer. */
export type Bytes = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** A body exactly as sent or received: a string (hashed as UTF-8) or bytes. */
export type Body = string | Bytes;

/** A channel secret: a string (its UTF-8 bytes) or bytes. */
export type Secret = string | Bytes;

/** A point in time: a Date, or milliseconds since the epoch like `Date.now()`.
 * Numbers below 1e11 are rejected as probably being unix seconds. */
export type Instant = Date | number;

/** Message language of validation issues. */
export type Lang = "en" | "ru";

/** JSON style: `compact` (JSON.stringify-like) or `php` (PHP json_encode defaults: `\/` and
 * `\uXXXX` for every non-ASCII character, as in the docs' Content-MD5 values). */
export type BodyStyle = "compact" | "php";

/** Headers as received: a plain object (any case; an array value is a repeated header),
 * Node's `req.headers`, Node's flat `req.rawHeaders`, `[name, value]` pairs, a fetch
 * `Headers` or a `Map`. */
export type HeadersInput =
  | { readonly [name: string]: string | number | readonly string[] | undefined }
  | readonly string[]
  | ReadonlyArray<readonly [string, string]>
  | { forEach(callback: (value: string, name: string) => void): void };

/** One secret, or several (`secrets`, for a rotation: the first that matches wins). */
export type SecretOrSecrets =
  | { secret: Secret; secrets?: undefined }
  | { secrets: readonly Secret[]; secret?: undefined };

// ---- outputs ----------------------------------------------------------------------------

/** The four headers to send, exactly as signed. */
export type SignedHeaders = {
  Date: string;
  "Content-Type": string;
  "Content-MD5": string;
  "X-Signature": string;
};

export interface SignedRequest {
  headers: SignedHeaders;
  /** `METHOD\nContent-MD5\nContent-Type\nDate\nPATH`: the string that was signed. */
  canonical: string;
}

/** A request ready for `fetch(r.url, r)`. */
export interface BuiltRequest {
  url: string;
  /** Upper case, as signed. */
  method: string;
  headers: SignedHeaders;
  /** The serialized payload; undefined when there is none (GET history). */
  body: string | undefined;
  /** Validation warnings (the request is valid). */
  warnings: Issue[];
}

/** Why a request or a webhook was rejected. */
export type VerifyReason =
  | "no_secret"
  | "missing_header"
  | "duplicate_header"
  | "bad_method"
  | "bad_path"
  | "bad_date"
  | "stale_date"
  | "future_date"
  | "malformed_md5"
  | "md5_mismatch"
  | "malformed_signature"
  | "signature_mismatch";

export type VerifyOutcome =
  | { ok: true; secretIndex: number }
  | { ok: false; reason: VerifyReason; message: string }
  /** The body was over `maxBodyBytes` (default 1 MiB): refused before it was copied. */
  | { ok: false; reason: "body_too_large"; message: string; limit: number };

/** Why a hook's time was refused (with `maxAgeSeconds`): older or further ahead than the
 * window, or no `time` to check. */
export type HookTimeReason = "stale_hook" | "future_hook" | "no_hook_time";

/** verifyWebhook's answer: with `maxAgeSeconds`, a refusal may be about the hook's time
 * (`age`: seconds between its `time` and now, negative when ahead), or its JSON. */
export type WebhookOutcome =
  | VerifyOutcome
  | { ok: false; reason: HookTimeReason | "invalid_json"; message: string; age?: number };

/** The part of a request a diagnosis finding is about. */
export type FindingComponent =
  | "method"
  | "path"
  | "content_type"
  | "content_md5"
  | "date"
  | "body"
  | "signature"
  | "secret";

export type FindingCode =
  | "body_md5_mismatch"
  | "md5_uppercase"
  | "content_type_not_json"
  | "content_type_rewritten"
  | "content_type_differs"
  | "wrong_weekday"
  | "outside_window"
  | "unparsable_date"
  | "date_differs"
  | "date_format"
  | "query_not_signed"
  | "signature_uppercase"
  | "older_secret"
  | "method_case"
  | "signed_with_query"
  | "signed_full_url"
  | "trailing_slash"
  | "legacy_scheme"
  | "no_variant_matches"
  | "secret_in_request";

export interface Finding {
  component: FindingComponent;
  code: FindingCode;
  message: string;
}

/** For the secret's owner only: shows the expected signature, never the secret (a secret of
 * 8 bytes or more found in the request shows as `[secret]`, with the finding
 * `secret_in_request`). */
export type Diagnosis = VerifyOutcome & {
  expectedCanonical: string;
  /** null when no usable secret was given. */
  expectedSignature: string | null;
  bodyMd5: string;
  findings: Finding[];
};

/** One validation problem. The parameters present depend on `code`. */
export interface Issue {
  /** JSON Pointer (RFC 6901) of the value, or of the object plus a missing field's name;
   * `""` is the whole body. */
  path: string;
  code: ErrorCode | WarningCode;
  /** In the requested language. */
  message: string;
  /** invalid_json */
  line?: number;
  column?: number;
  /** type: expected and found JSON types; unit, format: what was expected. */
  expected?: string;
  found?: string;
  /** required_one_of, ambiguous: the fields. */
  fields?: string[];
  /** enum, undocumented_value: the (documented) values, as JSON text; method_not_allowed:
   * the method the path takes. */
  allowed?: string[] | string;
  /** not_allowed: the event the field is allowed on. */
  event?: "new_message" | "edit_message";
  /** max_length */
  limit?: number;
  /** range, items */
  min?: number | null;
  max?: number | null;
  /** unknown_field: the did-you-mean name. */
  suggestion?: string;
}

export interface ValidationReport {
  /** No errors (warnings allowed). */
  valid: boolean;
  endpoint: Endpoint;
  errors: Issue[];
  warnings: Issue[];
  /** More than 100 issues: the lists were cut (the verdict counts every error). */
  truncated: boolean;
}

export interface RequestValidationReport {
  valid: boolean;
  /** The endpoint the method and path select; null when no route matches. */
  endpoint: Endpoint | null;
  errors: Issue[];
  warnings: Issue[];
  truncated: boolean;
}

/** A received webhook: the raw body, and its JSON once the signature checked out. */
export type WebhookResult =
  | {
      ok: true;
      secretIndex: number;
      body: Uint8Array;
      json: unknown;
      /** With `validate: true`. */
      validation?: ValidationReport;
    }
  | {
      ok: false;
      reason: VerifyReason | HookTimeReason | "invalid_json" | "invalid_body" | "body_too_large";
      message: string;
      /** Undefined for `body_too_large` (the body was not read past the limit). */
      body: Uint8Array | undefined;
      json: undefined;
      /** With `maxAgeSeconds`: the hook's age, for stale_hook and future_hook. */
      age?: number;
      /** For `body_too_large`. */
      limit?: number;
      /** With `validate: true`, when the body was invalid. */
      validation?: ValidationReport;
    };

/** What webhookMiddleware puts on `req.amojo`. */
export interface AmojoWebhook {
  body: Uint8Array;
  json: unknown;
  secretIndex: number;
  validation?: ValidationReport;
}

// ---- errors -----------------------------------------------------------------------------

/** A bad argument (wrong type, missing, unknown option), or a value the core rejects
 * (`empty_secret`, `invalid_method`, `invalid_path`, `invalid_header_value`,
 * `invalid_content_type`, `invalid_date`, `invalid_time`, `invalid_json` with
 * `line`/`column`, `invalid_style`, `unknown_endpoint`, `invalid_lang`, `invalid_secret`,
 * `invalid_headers`, `invalid_url`, `secret_in_request`), a body over `maxBodyBytes`
 * (`body_too_large` with `limit`), a detached buffer (`detached_buffer`), or a call made
 * from inside another one (`reentrant_call`). No message shows a value given: a value in
 * the wrong place may be a secret. */
export class AmojoTypeError extends TypeError {
  name: "AmojoTypeError";
  code:
    | "invalid_argument"
    | "missing_argument"
    | "unknown_option"
    | "invalid_payload"
    | "body_already_parsed"
    | "body_already_read"
    | "invalid_body"
    | "empty_secret"
    | "invalid_method"
    | "invalid_path"
    | "invalid_header_value"
    | "invalid_date"
    | "invalid_time"
    | "invalid_json"
    | "invalid_style"
    | "unknown_endpoint"
    | "invalid_lang"
    | "invalid_secret"
    | "invalid_headers"
    | "invalid_content_type"
    | "invalid_url"
    | "secret_in_request"
    | "body_too_large"
    | "detached_buffer"
    | "reentrant_call";
  /** invalid_json: where the JSON text breaks (1-based). */
  line?: number;
  column?: number;
  /** body_too_large: the limit in bytes. */
  limit?: number;
}

/** Thrown by buildRequest when the request does not pass validation. */
export class AmojoValidationError extends Error {
  name: "AmojoValidationError";
  code: "invalid_request";
  endpoint: Endpoint | null;
  errors: Issue[];
  warnings: Issue[];
  truncated: boolean;
}

// ---- initialisation ---------------------------------------------------------------------

/** Under Node the module is ready on load: this resolves at once (it exists so that code
 * written for the browser entry runs unchanged). The browser entry's `init` loads the
 * module; see web.d.mts. */
export function init(input?: unknown): Promise<void>;

/** Under Node: does nothing (see `init`). */
export function initSync(input?: unknown): void;

// ---- the API ----------------------------------------------------------------------------

/** The package version (equal to the Rust crate's). */
export const version: string;

/** The largest body a call takes, in bytes (default 1 MiB): a larger one is refused
 * (`body_too_large`) before it is copied anywhere. */
export interface BodyLimit {
  maxBodyBytes?: number;
}

/** Lowercase hex MD5 of the body's bytes (a string is hashed as UTF-8). */
export function contentMd5(body: Body, options?: BodyLimit): string;

/** RFC 2822 date as the API wants it, e.g. `Wed, 15 Dec 2021 23:12:55 +0000`. Default now. */
export function formatDate(at?: Instant): string;

/** JSON text of a payload (an object, or JSON text to re-serialize), key order kept.
 * `style: "php"` reproduces the docs' bytes. Default `compact`. */
export function serializeBody(payload: object | string, options?: { style?: BodyStyle } & BodyLimit): string;

export interface SignRequestInput extends BodyLimit {
  secret: Secret;
  method: string;
  /** The path as sent, or a full URL (scheme, host and query are not signed). */
  path: string;
  /** The exact body sent; default empty. */
  body?: Body | null;
  /** A string is used as-is; a Date or milliseconds is formatted. Default now. */
  date?: string | Instant;
  /** A media type; default `application/json` (the only type the API accepts). */
  contentType?: string;
}

/** Computes Date, Content-Type, Content-MD5 and X-Signature for a request. */
export function signRequest(input: SignRequestInput): SignedRequest;

export interface BuildRequestInput extends BodyLimit {
  secret: Secret;
  /** Default: the method of the endpoint the path belongs to. */
  method?: string;
  /** An API path (with a query for history), or a full URL. */
  path: string;
  /** The body as an object (or JSON text); none for GET history. */
  payload?: object | string;
  date?: string | Instant;
  /** Default `compact`. */
  style?: BodyStyle;
  /** Replaces the scheme and host. Default: the full URL's own, else `https://amojo.amocrm.ru`. */
  baseUrl?: string;
  /** Language of the validation messages. Default `en`. */
  lang?: Lang;
}

/** Validates, serializes and signs: `fetch(r.url, r)` sends it. Throws
 * AmojoValidationError when the request is invalid. */
export function buildRequest(input: BuildRequestInput): BuiltRequest;

export type VerifyRequestInput = SecretOrSecrets & {
  method: string;
  /** The request target as received (Node's `req.url`) or a full URL. */
  path: string;
  headers: HeadersInput;
  /** The raw body as received, required: `""` when there is none. */
  body: Body;
  /** Default `Date.now()`. */
  now?: Instant;
  /** Allowed clock difference, both ways, in whole seconds. Default 900; 0 disables the check. */
  toleranceSeconds?: number;
  /** Default 1 MiB; a larger body is the outcome `body_too_large`. */
  maxBodyBytes?: number;
};

/** Verifies a received signed request (constant-time). Never returns the secret. */
export function verifyRequest(input: VerifyRequestInput): VerifyOutcome;

/** Explains why a request does (not) verify: expected canonical string and signature,
 * and which component differs. For the secret's owner (a mock server, a test). */
export function diagnoseRequest(input: VerifyRequestInput): Diagnosis;

/** `X-Signature` of a webhook: lowercase hex HMAC-SHA1(secret, raw body). */
export function signWebhook(body: Body, secret: Secret, options?: BodyLimit): string;

export type VerifyWebhookInput = SecretOrSecrets & {
  /** The raw body as received. */
  body: Body;
  /** The received `X-Signature` header; null or undefined when it is absent. */
  signature: string | readonly string[] | null | undefined;
  /** Default 1 MiB; a larger body is the outcome `body_too_large`. */
  maxBodyBytes?: number;
  /** Refuse a hook whose signed `time` is further than this from now (a replay). */
  maxAgeSeconds?: number;
  /** The clock `maxAgeSeconds` is measured against. Default `Date.now()`. */
  now?: Instant;
};

/** Verifies a webhook's `X-Signature` over the raw body (constant-time); with
 * `maxAgeSeconds`, also its signed time. */
export function verifyWebhook(input: VerifyWebhookInput): WebhookOutcome;

/** The part of a fetch API `Request` that verifyWebhookRequest uses. */
export interface FetchRequest {
  readonly headers: { get(name: string): string | null };
  readonly bodyUsed: boolean;
  /** A ReadableStream, read in chunks up to `maxBodyBytes`. */
  readonly body?: { getReader(): unknown } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface WebhookOptions extends BodyLimit {
  /** Also validate the body against the hook's rules. Default false. */
  validate?: boolean;
  /** Refuse a hook whose signed `time` is further than this from now (a replay). */
  maxAgeSeconds?: number;
  /** The clock `maxAgeSeconds` is measured against. Default `Date.now()`. */
  now?: Instant;
}

/** Fetch-API runtimes: reads the body once, verifies it, parses it. */
export function verifyWebhookRequest(
  request: FetchRequest,
  secrets: Secret | readonly Secret[],
  options?: WebhookOptions,
): Promise<WebhookResult>;

export type WebhookMiddlewareOptions = SecretOrSecrets & {
  validate?: boolean;
  /** Largest body read (or taken from `req.body`), in bytes: larger gets 413. Default 1 MiB. */
  limit?: number;
  /** Refuse (401) a hook whose signed `time` is further than this from now (a replay). */
  maxAgeSeconds?: number;
};

/** The request and response shapes the middleware needs (Express, Connect, node:http). */
export interface WebhookMiddlewareRequest {
  headers: { readonly [name: string]: string | readonly string[] | undefined };
  body?: unknown;
  amojo?: AmojoWebhook;
  on?(event: string, listener: (...args: any[]) => void): unknown;
}

export interface WebhookMiddlewareResponse {
  statusCode: number;
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

/** Express/Connect middleware for the hook route. Use it after `express.raw()` set to accept
 * every content type (see the README), or alone: then it reads the stream itself. On success sets `req.amojo` and calls `next()`. A
 * rejected hook gets 401 (bad signature) or 400 (bad JSON or body) with
 * `{ ok: false, reason, message }`. A misconfiguration (the body was already parsed by a
 * JSON parser) is passed to `next(err)`. */
export function webhookMiddleware(
  options: WebhookMiddlewareOptions,
): (req: WebhookMiddlewareRequest, res: WebhookMiddlewareResponse, next: (err?: unknown) => void) => Promise<void>;

/** Validates a body (an object, its JSON text as a string, or raw bytes) against an
 * endpoint's rules. A string or bytes is validated as-is (what you will send). */
/**
 * Options of `validate` / `validateRequest`. The limits bound the work on hostile input:
 * a larger body is one `too_large` error (default 1 MiB), deeper nesting one `too_deep`
 * error (default 32, at most 128), and at most `maxIssues` issues are listed (default 100;
 * `truncated` says so; the verdict counts every error).
 */
export interface ValidateOptions {
  lang?: Lang;
  maxIssues?: number;
  maxBodyBytes?: number;
  maxDepth?: number;
}

export function validate(endpoint: Endpoint, payload: object | string | Bytes, options?: ValidateOptions): ValidationReport;

export interface ValidateRequestInput {
  method: string;
  /** Path or full URL, with the query for history. */
  path: string;
  /** An object, JSON text, or bytes; none for GET. */
  body?: object | string | Bytes | null;
}

/** Validates a whole request: route, method, query and body. */
export function validateRequest(input: ValidateRequestInput, options?: ValidateOptions): RequestValidationReport;

/** The endpoint names: requests, then hooks, then responses. */
export function endpoints(): Endpoint[];

/** The endpoint a path (or full URL) addresses, the method it takes, and its path
 * parameters as written in the path (not percent-decoded); null when no endpoint has it. */
export function route(path: string): { endpoint: RequestEndpoint; method: "POST" | "GET" | "DELETE"; params: Record<string, string> } | null;

/** Header lines as a raw request prints them (`Name: value`, LF or CRLF, blank lines
 * skipped) → `[name, value]` pairs. Throws AmojoTypeError `invalid_headers` with `line`. */
export function parseHeaders(text: string): Array<[string, string]>;

export interface CurlInput extends BodyLimit {
  method: string;
  url: string;
  headers?: HeadersInput;
  /** The exact bytes to send. */
  body?: string | Bytes | null;
}

/** The curl command line that sends a request exactly (POSIX shell quoting; a body that
 * starts with `@` goes as `--data-raw`). Throws `invalid_method` for anything but an HTTP
 * method, `invalid_url` for a URL that is not http(s), `invalid_body` for a NUL byte. */
export function curlCommand(input: CurlInput): string;

/** Which hook a hook body is, by its envelope (`message`; `action.typing`;
 * `action.reaction`; a flat v1 body); null when none or not JSON. `validate()` with the
 * result checks the rest. */
export function webhookEndpoint(payload: object | string | Bytes, options?: BodyLimit): HookEndpoint | null;

// ---- JSON Schema ------------------------------------------------------------------------

/** The JSON Schema (draft 2020-12) of an endpoint's body, as in the package's
 * `schemas/<endpoint>.json`: generated from the validator's rule tables. Unknown keywords
 * (`x-description-ru`, `x-endpoint`, `x-recommended`) are annotations. */
export interface JsonSchema<E extends Endpoint = Endpoint> {
  $schema: "https://json-schema.org/draft/2020-12/schema";
  /** `urn:amojo-kit:schema:<endpoint>` */
  $id: `urn:amojo-kit:schema:${E}`;
  /** `<endpoint> (<METHOD> <path>)` */
  title: string;
  /** English; ends with the rules JSON Schema cannot express (see `SchemaIndex.inexpressible`). */
  description: string;
  "x-description-ru": string;
  "x-endpoint": E;
  /** Valid bodies (the docs' examples); absent when there are none. */
  examples?: unknown[];
  type: "object";
  properties: { [name: string]: unknown };
  required?: string[];
  $defs?: { [name: string]: unknown };
  [keyword: string]: unknown;
}

/** One endpoint in `schemas/index.json`. */
export interface SchemaIndexEntry<E extends Endpoint = Endpoint> {
  /** The file name in the package's `schemas/` folder. */
  file: `${E}.json`;
  $id: `urn:amojo-kit:schema:${E}`;
  title: string;
  /** The route; null for the webhooks (amoCRM posts them to your URL). */
  method: string | null;
  path: string | null;
}

/** `schemas/index.json`. */
export interface SchemaIndex {
  $comment: string;
  schemas: { [E in Endpoint]: SchemaIndexEntry<E> };
  /** The validator's rules that JSON Schema cannot express. */
  inexpressible: string[];
}

/** The JSON Schema of an endpoint's body (a fresh copy on every call). Plain data: in the
 * browser entry it works before `init()`. Throws AmojoTypeError `unknown_endpoint`. */
export function schema<E extends Endpoint>(endpoint: E): JsonSchema<E>;

/** `schemas/index.json`: every endpoint's schema file, `$id`, title and route, and the
 * rules JSON Schema cannot express (a fresh copy on every call). */
export function schemaIndex(): SchemaIndex;

declare global {
  // Express: `req.amojo` after webhookMiddleware.
  namespace Express {
    interface Request {
      amojo?: AmojoWebhook;
    }
  }
}
