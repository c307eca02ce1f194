// Types of amojo-kit (Node entry, CommonJS and ESM; the browser entry adds nothing but
// the `init` default export, see web.d.mts).

import type { Endpoint, EndpointPayloads, ErrorCode, HookEndpoint, RequestEndpoint, RequestRoutes, WarningCode } from "./payloads";
import type { ConnectResponse, CreateChatRequest, CreateChatResponse, DeliveryStatusRequest, EditMessagePayload, HistoryResponse, NewMessage, NewMessagePayload, Post, ReactRequest, SendMessageResponse, TypingRequest } from "./payloads";

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

/** A verdict on a body of the endpoint `E`. */
export interface ValidationReport<E extends Endpoint = Endpoint> {
  /** No errors (warnings allowed). */
  valid: boolean;
  endpoint: E;
  errors: Issue[];
  warnings: Issue[];
  /** More than 100 issues: the lists were cut (the verdict counts every error). */
  truncated: boolean;
}

/** What `validate()` returns: the verdict, and when it is `valid`, the body as `data`, typed
 * as the endpoint's (the object given, or the JSON parsed from a string or bytes). Narrow on
 * `valid` (and on `endpoint` when `E` is a union):
 * `const r = validate("connect", body); if (r.valid) r.data.account_id;` */
export type ValidationResult<E extends Endpoint = Endpoint> = E extends Endpoint
  ?
      | (ValidationReport<E> & { valid: true; data: EndpointPayloads[E] })
      | (ValidationReport<E> & { valid: false; data?: undefined })
  : never;

export interface RequestValidationReport {
  valid: boolean;
  /** The endpoint the method and path select; null when no route matches. */
  endpoint: Endpoint | null;
  errors: Issue[];
  warnings: Issue[];
  truncated: boolean;
}

/** What `validateRequest()` returns: the verdict, and when it is `valid`, the endpoint
 * (`E`: the path's, when its type tells) and the body as `data` (the object given, or the
 * JSON parsed from a string or bytes; none for a GET). Narrow on `valid`, then on `endpoint`. */
export type RequestValidationResult<E extends RequestEndpoint = RequestEndpoint> =
  | (E extends RequestEndpoint
      ? RequestValidationReport &
          (RequestRoutes[E]["method"] extends "GET"
            ? { valid: true; endpoint: E; data?: undefined }
            : { valid: true; endpoint: E; data: EndpointPayloads[E] })
      : never)
  | (RequestValidationReport & { valid: false; data?: undefined });

/** A verified hook's JSON, typed by the hook its envelope says it is (`message`;
 * `action.typing`; `action.reaction`; a flat v1 body): narrow on `endpoint`. `null`: JSON that
 * is none of them (`json` is `unknown` then). Without `validate: true` only the envelope was
 * looked at: the body is amoCRM's and signed, but its fields were not checked against the
 * hook's rules; with it, `validation` is the (valid) verdict. */
export type HookJson =
  | { [E in HookEndpoint]: { endpoint: E; json: EndpointPayloads[E]; validation?: ValidationReport<E> } }[HookEndpoint]
  | { endpoint: null; json: unknown; validation?: undefined };

/** A hook checked with `validate: true`: always a known hook, valid by its rules. */
export type ValidatedHookJson = {
  [E in HookEndpoint]: { endpoint: E; json: EndpointPayloads[E]; validation: ValidationReport<E> & { valid: true } };
}[HookEndpoint];

/** A received webhook: the raw body, and its JSON once the signature checked out. */
export type WebhookResult =
  | ({
      ok: true;
      secretIndex: number;
      body: Uint8Array;
      /** The hook's signed time, unix seconds: its `time` (v2 hooks), else `timestamp` or
       * `msec_timestamp` ÷ 1000 (v1); null when it has none. */
      time: number | null;
    } & HookJson)
  | {
      ok: false;
      reason: VerifyReason | HookTimeReason | "invalid_json" | "invalid_body" | "body_too_large";
      message: string;
      /** The HTTP status to answer with: 401 (signature, replay), 400 (not JSON, not a
       * valid hook), 413 (body_too_large). */
      status: 400 | 401 | 413;
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

/** What webhookMiddleware puts on `req.amojo`: the raw body, the index of the secret that
 * matched, the hook's signed time and its JSON typed by `endpoint` (see HookJson). */
export type AmojoWebhook = {
  body: Uint8Array;
  secretIndex: number;
  /** The hook's signed time in unix seconds (see WebhookResult); null when it has none. */
  time: number | null;
} & HookJson;

/** What parseWebhook returns (see HookJson). */
export type ParsedWebhook = {
  secretIndex: number;
  /** The hook's signed time in unix seconds (see WebhookResult); null when it has none. */
  time: number | null;
} & HookJson;

/** What parseWebhook returns with `validate: true`: a known hook, valid by its rules. */
export type ValidatedWebhook = {
  secretIndex: number;
  time: number | null;
} & ValidatedHookJson;

// ---- errors -----------------------------------------------------------------------------

/** A bad argument (wrong type, missing, unknown option), or a value the core rejects
 * (`empty_secret`, `invalid_method`, `invalid_path`, `invalid_header_value`,
 * `invalid_content_type`, `invalid_date`, `invalid_time`, `invalid_json` with
 * `line`/`column`, `invalid_style`, `unknown_endpoint`, `invalid_lang`, `invalid_secret`,
 * `invalid_headers`, `invalid_url`, `secret_in_request`), a body over `maxBodyBytes`
 * (`body_too_large` with `limit`), a detached buffer (`detached_buffer`), a call made
 * from inside another one (`reentrant_call`), buildRequest's `endpoint` not the path's
 * (`endpoint_mismatch`), or (browser entry) a WebAssembly module that could not be loaded
 * (`wasm_load_failed`, saying what to do). No message shows a value given: a value in
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
    | "reentrant_call"
    | "endpoint_mismatch"
    | "wasm_load_failed";
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

/** Thrown by parseWebhook when a hook is refused: `code` says why, `status` is the HTTP
 * status to answer with (401 signature or time, 400 JSON or body, 413 too large). The
 * message never shows the body, the signature or a secret. */
export class AmojoWebhookError extends Error {
  name: "AmojoWebhookError";
  /** `invalid_body`: JSON that is no known hook, or (with `validate: true`) breaks its
   * rules; the same codes as WebhookResult's `reason` and the middleware's replies. */
  code: VerifyReason | HookTimeReason | "invalid_json" | "invalid_body" | "body_too_large";
  status: 400 | 401 | 413;
  message: string;
  /** invalid_body of a known hook (with `validate: true`): the verdict, with the errors. */
  validation?: ValidationReport<HookEndpoint>;
  /** stale_hook, future_hook: seconds between the hook's `time` and now (negative: ahead). */
  age?: number;
  /** body_too_large: the limit in bytes. */
  limit?: number;
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

// ---- the endpoint of a path, as a type -----------------------------------------------------

/** A path's part after the scheme and host (`https://host/x` → `/x`). */
type PathPart<P extends string> = P extends `${string}://${infer Rest}`
  ? Rest extends `${string}/${infer Path}`
    ? `/${Path}`
    : "/"
  : P;

/** A path without its query and fragment. */
type WithoutQuery<P extends string> = P extends `${infer Path}?${string}`
  ? Path
  : P extends `${infer Path}#${string}`
    ? Path
    : P;

/** A path split at `/`. */
type Segments<P extends string, Done extends string[] = []> = P extends `${infer Head}/${infer Tail}`
  ? Segments<Tail, [...Done, Head]>
  : [...Done, P];

/** The segments of a path after its leading `/` (or after an unknown prefix, as in
 * `` `${base}/v2/…` ``); never for anything else. */
type PathSegments<P extends string> = Segments<WithoutQuery<PathPart<P>>> extends [infer First, ...infer Rest extends string[]]
  ? First extends ""
    ? Rest
    : string extends First
      ? Rest
      : never
  : never;

/** Whether segments match a route's (`string` there: a parameter, any segment but `""`). */
type SegmentsMatch<S extends string[], T extends string[]> = S extends [infer A extends string, ...infer SRest extends string[]]
  ? T extends [infer B extends string, ...infer TRest extends string[]]
    ? string extends B
      ? A extends ""
        ? false
        : SegmentsMatch<SRest, TRest>
      : [A] extends [B]
        ? SegmentsMatch<SRest, TRest>
        : false
    : false
  : T extends []
    ? true
    : false;

type RoutesMatching<S extends string[]> = {
  [E in RequestEndpoint]: SegmentsMatch<S, RequestRoutes[E]["path"]> extends true ? E : never;
}[RequestEndpoint];

/** The request endpoint a path (or full URL) addresses, read from its type: a literal path
 * or a template literal (`` `/v2/origin/custom/${scopeId}/chats` `` → `"create_chat"`).
 * A path whose type does not tell (a plain `string`) is any request endpoint. */
export type PathEndpoint<P extends string> = [RoutesMatching<PathSegments<P>>] extends [never]
  ? RequestEndpoint
  : RoutesMatching<PathSegments<P>>;

/** The payload buildRequest takes for an endpoint: its body as an object or JSON text; none
 * for a GET (history: its query is in the path). */
export type RequestPayload<E extends RequestEndpoint> = E extends RequestEndpoint
  ? RequestRoutes[E]["method"] extends "GET"
    ? never
    : EndpointPayloads[E] | string
  : never;

export interface BuildRequestInput<E extends RequestEndpoint = RequestEndpoint> extends BodyLimit {
  secret: Secret;
  /** Default: the method of the endpoint the path belongs to. */
  method?: string;
  /** An API path (with a query for history), or a full URL. */
  path: string;
  /** The endpoint the path addresses, to type `payload` when the path's type does not tell
   * (buildRequest refuses a path of another endpoint). */
  endpoint?: E;
  /** The body as an object (or JSON text), typed by the endpoint: `endpoint` when given,
   * else the path's when its type tells (a literal or template literal), else any request's
   * body. None for GET history. */
  payload?: RequestPayload<E>;
  date?: string | Instant;
  /** Default `compact`. */
  style?: BodyStyle;
  /** Replaces the scheme and host. Default: the full URL's own, else `https://amojo.amocrm.ru`. */
  baseUrl?: string;
  /** Language of the validation messages. Default `en`. */
  lang?: Lang;
}

/** Validates, serializes and signs: `fetch(r.url, r)` sends it. Throws
 * AmojoValidationError when the request is invalid. `payload` is typed by `endpoint` when
 * given (the path must be that endpoint's), else by the path's endpoint when the path's type
 * tells (a literal or template literal path: see PathEndpoint), else it is any request's
 * body. */
export function buildRequest<const P extends string, E extends RequestEndpoint = PathEndpoint<P>>(
  input: BuildRequestInput<E> & { path: P },
): BuiltRequest;

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

/** Fetch-API runtimes: reads the body once, verifies it, parses it (the JSON typed by the
 * hook it is: narrow on `ok`, then on `endpoint`). */
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
  /** The raw body a framework kept (a Buffer, Uint8Array or string), used when present. */
  rawBody?: unknown;
  amojo?: AmojoWebhook;
  on?(event: string, listener: (...args: any[]) => void): unknown;
}

export interface WebhookMiddlewareResponse {
  statusCode: number;
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

/** A request after webhookMiddleware: `req.amojo` is set (what the handler receives). */
export type AmojoRequest<R = WebhookMiddlewareRequest> = R & { amojo: AmojoWebhook };

/** Express/Connect middleware for the hook route. Use it after `express.raw()` set to accept
 * every content type (see the README), or alone: then it reads the stream itself (or takes
 * `req.rawBody`). On success it sets `req.amojo` and calls `handler(req, res, next)` when
 * given (its `req.amojo` typed as set), else `next()`. A rejected hook gets 401 (bad
 * signature or time), 400 (bad JSON or body) or 413 (too large) with
 * `{ ok: false, reason, message }`. A misconfiguration (the body was already parsed by a
 * JSON parser) is passed to `next(err)`.
 *
 * `R` and `S` are the framework's request and response types: inferred where the context
 * names them (`app.use(...)`, a variable typed `express.RequestHandler`) or given
 * (`webhookMiddleware<express.Request, express.Response>(...)`); otherwise (inside
 * `app.post(...)`, whose handler types are generic) their own properties are `any` beside
 * the typed `req.amojo`. */
export function webhookMiddleware<
  R extends WebhookMiddlewareRequest = WebhookMiddlewareRequest & { [property: string]: any },
  S extends WebhookMiddlewareResponse = WebhookMiddlewareResponse & { [property: string]: any },
>(
  options: WebhookMiddlewareOptions,
  handler?: (req: AmojoRequest<R>, res: S, next: (err?: unknown) => void) => unknown,
): (req: R, res: S, next: (err?: unknown) => void) => Promise<void>;

export type ParseWebhookInput = SecretOrSecrets & {
  /** The raw body as received. */
  body: Body;
  /** The received `X-Signature` header; null or undefined when it is absent. */
  signature: string | readonly string[] | null | undefined;
  /** Also validate the body against the hook's rules (an invalid one is `invalid_body`).
   * Default false. */
  validate?: boolean;
  /** Refuse a hook whose signed `time` is further than this from now (a replay). */
  maxAgeSeconds?: number;
  /** The clock `maxAgeSeconds` is measured against. Default `Date.now()`. */
  now?: Instant;
  /** Default 1 MiB; a larger body is `body_too_large`. */
  maxBodyBytes?: number;
  /** Language of the validation messages. Default `en`. */
  lang?: Lang;
};

/** Verifies a hook's signature over the raw body, parses its JSON and tells which hook it
 * is, in one call for any framework (Fastify, Koa, Nest, Hono: give it the raw body and the
 * `X-Signature` header). Narrow the result on `endpoint` for the typed JSON. With
 * `validate: true` the hook is also checked against its rules, and is always a known hook.
 *
 * Throws AmojoWebhookError (with the HTTP status to answer) when the hook is refused, and
 * AmojoTypeError for a bad argument. */
export function parseWebhook(input: ParseWebhookInput & { validate: true }): ValidatedWebhook;
export function parseWebhook(input: ParseWebhookInput): ParsedWebhook;

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

/** Data whose type says nothing (`unknown`): validate() takes it as is, for the result to
 * type it. (`any`, as from `JSON.parse`, is taken by the typed overload.) */
type Untyped<T> = unknown extends T ? unknown : never;

/** Validates a body against an endpoint's rules: an object, checked by the compiler against
 * the endpoint's type too (a misspelt field or a missing one does not compile)… */
export function validate<E extends Endpoint>(endpoint: E, payload: EndpointPayloads[E], options?: ValidateOptions): ValidationResult<E>;
/** …its JSON text as a string, or raw bytes (validated as-is: what you will send)… */
export function validate<E extends Endpoint>(endpoint: E, payload: string | Bytes, options?: ValidateOptions): ValidationResult<E>;
/** …or data not typed yet (`unknown`, as received): a valid result's `data` types it. */
export function validate<E extends Endpoint, T>(endpoint: E, payload: T & Untyped<T>, options?: ValidateOptions): ValidationResult<E>;

/** The method and path of a request. */
export interface RequestTarget<P extends string = string> {
  method: string;
  /** Path or full URL, with the query for history. */
  path: P;
}

export interface ValidateRequestInput extends RequestTarget {
  /** An object (typed by the path's endpoint when the path's type tells), JSON text, or
   * bytes; none for GET. */
  body?: object | string | Bytes | null;
}

/** The body validateRequest takes for an endpoint as an object: its body; none for a GET. */
type RequestBody<E extends RequestEndpoint> = E extends RequestEndpoint
  ? RequestRoutes[E]["method"] extends "GET"
    ? never
    : EndpointPayloads[E]
  : never;

/** Validates a whole request: route, method, query and body. A body object is typed by the
 * path's endpoint (see PathEndpoint)… */
export function validateRequest<const P extends string>(
  input: RequestTarget<P> & { body?: RequestBody<PathEndpoint<P>> | null },
  options?: ValidateOptions,
): RequestValidationResult<PathEndpoint<P>>;
/** …JSON text or bytes are validated as-is… */
export function validateRequest<const P extends string>(
  input: RequestTarget<P> & { body?: string | Bytes | null },
  options?: ValidateOptions,
): RequestValidationResult<PathEndpoint<P>>;
/** …and data not typed yet (`unknown`) as it is. */
export function validateRequest<const P extends string, T>(
  input: RequestTarget<P> & { body: T & Untyped<T> },
  options?: ValidateOptions,
): RequestValidationResult<PathEndpoint<P>>;

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

// ---- Standard Schema ----------------------------------------------------------------------

/** The Standard Schema interface, v1 (https://standardschema.dev; the types of
 * `@standard-schema/spec` 1.x, declared here so the package needs no dependency): what tRPC,
 * Hono's validator and form libraries take as a validator. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the standard. */
    readonly version: 1;
    /** The library. */
    readonly vendor: string;
    /** Validates a value. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** The types of valid input and output (for inference only: absent at run time). */
    readonly types?: Types<Input, Output> | undefined;
  }
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  export interface PathSegment {
    readonly key: PropertyKey;
  }
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/** The Standard Schema validator of an endpoint's body: `~standard.validate(value)` checks
 * the value as JSON against the endpoint's rules (a string is a JSON string, not JSON text;
 * a value JSON cannot hold is an issue) and answers `{ value }` (the value itself) when it is
 * valid, else `{ issues }` (each error's message and its path as keys, array indices as
 * numbers). Synchronous; never throws for a bad value. Input and output are the endpoint's
 * body type. */
export interface EndpointSchema<E extends Endpoint> extends StandardSchemaV1<EndpointPayloads[E]> {
  readonly "~standard": EndpointSchemaProps<E>;
}

/** The `~standard` of an EndpointSchema. */
export interface EndpointSchemaProps<E extends Endpoint> extends StandardSchemaV1.Props<EndpointPayloads[E]> {
  readonly vendor: "amojo-kit";
  readonly validate: (value: unknown) => StandardSchemaV1.Result<EndpointPayloads[E]>;
}

/** An endpoint's name in camelCase (`webhook_message_v1` → `webhookMessageV1`): its key in
 * `schemas`. */
export type SchemaName<E extends string> = E extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<SchemaName<Tail>>}` : E;

/** Standard Schema validators, one per endpoint, by camelCase name (`schemas.sendMessage`,
 * `schemas.webhookMessage`, `schemas.createChatResponse`, …): for tRPC's `.input()`, Hono's
 * `sValidator("json", schemas.sendMessage)`, form libraries. */
export const schemas: { readonly [E in Endpoint as SchemaName<E>]: EndpointSchema<E> };

// ---- the API client -------------------------------------------------------------------------

/** A warning about a call: from the request's validation (`part: "request"`: sent anyway) or
 * from the answer's (`part: "response"`: its shape is not what the docs show; the result is
 * returned as received). */
export type ClientWarning = Issue & { part: "request" | "response"; endpoint: RequestEndpoint };

/** A call's answer as typed by the docs, with the call's warnings beside it (`warnings` is
 * not enumerable: JSON.stringify shows the answer only). The answer was validated leniently:
 * read optional fields as optional. */
export type ClientResult<T> = T & { readonly warnings: ClientWarning[] };

/** What the client needs of an AbortSignal (a DOM or Node AbortSignal is one). */
export interface ClientAbortSignal {
  readonly aborted: boolean;
  readonly reason?: any;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What the client passes to `fetch` (with the URL). */
export interface ClientRequestInit {
  method: string;
  /** The four signed headers, exactly as signed. */
  headers: Record<string, string>;
  /** The body exactly as signed; absent for a GET. */
  body?: string;
  /** Aborted at `timeoutMs`, or by the call's own `signal`. */
  signal: any;
}

/** What the client reads of fetch's answer (a fetch `Response` is one). */
export interface ClientResponse {
  readonly status: number;
  readonly headers: { forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

/** Retries with exponential backoff and jitter: after a network error, a timeout, a 408, 429,
 * 500, 502, 503 or 504, each with a fresh Date and signature. */
export interface RetryOptions {
  /** Repeats after the first attempt. Default 2. */
  retries?: number;
  /** The first wait, in ms; it doubles with each repeat (half of it random). Default 500. */
  minDelayMs?: number;
  /** The longest wait, in ms. A 429 or 503 whose `Retry-After` asks for longer ends the retries
   * (the error carries `retryAfterMs`). Default 15000. */
  maxDelayMs?: number;
}

export interface ClientOptions {
  channelId: string;
  /** The channel secret. Server-side only: never ship it to a browser. */
  secret: Secret;
  /** Default `https://amojo.amocrm.ru`; `https://amojo.kommo.com` for Kommo, or a mock's URL. */
  baseUrl?: string;
  /** Default the global `fetch`; any function of that shape (`createMock().fetch`, undici's). */
  fetch?(url: string, init: ClientRequestInit): Promise<ClientResponse>;
  /** Per attempt, in ms, the answer's body included. Default 30000. */
  timeoutMs?: number;
  /** Default `{ retries: 2, minDelayMs: 500, maxDelayMs: 15000 }`; `false`: one attempt. */
  retry?: RetryOptions | false;
  /** Validate each request before it is sent (an invalid one throws AmojoValidationError,
   * nothing sent) and each answer leniently (warnings). Default true. */
  validate?: boolean;
  /** The clock the Date header is made from (default `Date.now`). */
  now?: () => Instant;
  /** Called with each warning as it is found (they are also on the result's `warnings`). */
  onWarning?: (warning: ClientWarning) => void;
}

/** Per call: an AbortSignal, and `timeoutMs` / `retry` other than the client's. */
export interface CallOptions {
  signal?: ClientAbortSignal;
  timeoutMs?: number;
  retry?: RetryOptions | false;
}

export interface ConnectOptions {
  /** Default: the channel's name. */
  title?: string;
  /** Default `"v2"` (v1 hooks are no longer sent). */
  hookApiVersion?: "v1" | "v2";
  isTimeWindowDisabled?: boolean;
}

/** A comment (on a post): a new message whose `message.post` is set. */
export type CommentPayload = NewMessagePayload & { message: NewMessage & { post: Post } };

/** A reaction's body without `type` (react and unreact set it). */
export type ReactionBody = Omit<ReactRequest, "type">;

/** The calls of one account's scope (`client.scope(scopeId)`, or `connect()`'s `scope`).
 * Every call rejects with AmojoValidationError (nothing sent), AmojoApiError (non-2xx),
 * AmojoTimeoutError or AmojoNetworkError (after the retries), AmojoTypeError (a bad
 * argument), or the `signal`'s reason. */
export interface ScopeClient {
  readonly scopeId: string;
  /** POST /chats: a chat before its first message. */
  createChat(body: CreateChatRequest, options?: CallOptions): Promise<ClientResult<CreateChatResponse>>;
  /** A new message (`event_type: "new_message"`). */
  sendMessage(payload: NewMessagePayload, options?: CallOptions): Promise<ClientResult<SendMessageResponse>>;
  /** A message of the past: `silent: true` (no notification, no incoming lead) unless the
   * payload says otherwise (the docs: send the newest of an import with `silent: false`). */
  importMessage(payload: NewMessagePayload, options?: CallOptions): Promise<ClientResult<SendMessageResponse>>;
  /** A comment on a post: a new message with `message.post` (required). */
  sendComment(payload: CommentPayload, options?: CallOptions): Promise<ClientResult<SendMessageResponse>>;
  /** An edit (`event_type: "edit_message"`), by `msgid` or `id`. */
  editMessage(payload: EditMessagePayload, options?: CallOptions): Promise<ClientResult<SendMessageResponse>>;
  /** The delivery status of a message the manager sent (`msgid`: the hook's
   * `message.message.id`): 1 delivered, 2 read, or the whole body (`-1` needs
   * `error_code` and `error`). */
  updateDeliveryStatus(msgid: string, status: 1 | 2 | DeliveryStatusRequest, options?: CallOptions): Promise<void>;
  /** A chat's messages, newest first (`limit` 1..50); `{ messages: [] }` when it has none
   * (204). `conversationId` is the chat's id in the Chats API (createChat's `id`, a hook's
   * `conversation.id`), not the integration's `conversation_id`. */
  history(conversationId: string, query?: { offset?: number; limit?: number }, options?: CallOptions): Promise<ClientResult<HistoryResponse>>;
  typing(body: TypingRequest, options?: CallOptions): Promise<void>;
  react(body: ReactionBody, options?: CallOptions): Promise<void>;
  unreact(body: ReactionBody, options?: CallOptions): Promise<void>;
}

/** A client of one channel. */
export interface Client {
  readonly channelId: string;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  /** Connects the channel to an account: the answer, and the account's `scope` to call. */
  connect(accountId: string, options?: ConnectOptions, call?: CallOptions): Promise<ClientResult<ConnectResponse> & { readonly scope: ScopeClient }>;
  disconnect(accountId: string, options?: CallOptions): Promise<void>;
  /** The calls of a scope you kept from an earlier connect (`{channel_id}_{account_id}`). */
  scope(scopeId: string): ScopeClient;
}

/** A typed client of the Chats API: validates, signs and sends each call, retries where a
 * repeat cannot duplicate anything, and explains a refused signature. Server-side only.
 * Throws AmojoTypeError for a bad option. */
export function createClient(options: ClientOptions): Client;

/** The local re-check of a request the API refused with 403: the request exactly as sent,
 * verified with the client's secret. `ok`: it verifies, so the API disagrees (it holds
 * another secret, or something rewrote the request on the way); not `ok`: `reason`,
 * `message` and `findings` say what is wrong on this side. */
export interface SelfCheck {
  ok: boolean;
  reason?: VerifyReason;
  message?: string;
  findings: Finding[];
  /** The canonical string the request was signed over. */
  canonical: string;
}

/** The API answered a call with a status other than 2xx (`api_error`), or a 2xx whose body is
 * not the JSON object the docs show (`invalid_response`). */
export class AmojoApiError extends Error {
  name: "AmojoApiError";
  code: "api_error" | "invalid_response";
  status: number;
  endpoint: RequestEndpoint;
  /** The answer's JSON, else its text; undefined when empty. */
  body: unknown;
  /** The answer's headers, names lower-cased. */
  headers: Record<string, string>;
  /** Attempts made (1 without retries). */
  attempts: number;
  /** 403: the request re-verified locally with the same secret. */
  selfCheck?: SelfCheck;
  /** When the answer's Date is more than a minute from the local clock: how far the local
   * clock is ahead of the API's (negative: behind), in seconds. */
  clockSkewSeconds?: number;
  /** 429, 503: the wait its `Retry-After` asked for, in ms. */
  retryAfterMs?: number;
}

/** A call got no answer within `timeoutMs` (on its last attempt). */
export class AmojoTimeoutError extends Error {
  name: "AmojoTimeoutError";
  code: "timeout";
  endpoint: RequestEndpoint;
  timeoutMs: number;
  attempts: number;
}

/** fetch failed on a call's last attempt (no connection, DNS, a reset): `cause` is its error. */
export class AmojoNetworkError extends Error {
  name: "AmojoNetworkError";
  code: "network_error";
  endpoint: RequestEndpoint;
  attempts: number;
  cause: unknown;
}

declare global {
  // Express: `req.amojo` after webhookMiddleware.
  namespace Express {
    interface Request {
      amojo?: AmojoWebhook;
    }
  }
}
