// Types of amojo-kit/mock (mock.cjs; mock.d.mts re-exports them for mock.mjs): a local
// amoCRM Chats API for tests.

/** The package version. */
export declare const version: string;

/** A bad option or argument, or an action the emulator refused (then `status` and `answer`). */
export declare class AmojoMockError extends TypeError {
  readonly name: "AmojoMockError";
  /**
   * `invalid_option`, `unknown_option`, `missing_option`, `invalid_channel`, `no_channel`,
   * `empty_channel_id`, `empty_secret`, `duplicate_channel`, `invalid_state`,
   * `invalid_argument`, `unsupported_runtime`, `closed`; for a refused action, the
   * emulator's code.
   */
  readonly code: string;
  /** The control API's HTTP status, for a refused action. */
  readonly status?: number;
  /** The control API's JSON answer, for a refused action. */
  readonly answer?: unknown;
}

/** A channel the mock serves, as amoCRM would have issued it. */
export interface MockChannel {
  /** The channel id (`{channel_id}` of connect and disconnect). */
  id: string;
  /** The channel secret: requests must be signed with it; hooks are. */
  secret: string | Uint8Array | ArrayBuffer | ArrayBufferView;
  /**
   * Where hooks are POSTed (with `fetch`) when the mock has no `onHook`; `:scope_id` is
   * replaced by the scope. With `onHook`, the hook Request's URL.
   */
  hookUrl?: string;
  /** The id of the channel's bot, as hooks show it for bot messages. */
  botId?: string;
}

export interface MockOptions {
  channels: MockChannel[];
  /**
   * Receives each hook as a signed `Request` (POST, `X-Signature`, the raw JSON body): e.g.
   * your app's fetch handler. Its URL is the channel's `hookUrl` (`:scope_id` replaced), or
   * `http://localhost/{scope_id}`. What it returns is the receiver's answer: a `Response`
   * (its status), a number (a status) or nothing (200). When it throws, the action's answer
   * has `hook_status: null` and `hook_error`.
   */
  onHook?: (request: Request) => Response | number | void | Promise<Response | number | void>;
  /** Called with every API request's log entry (what `requests()` lists). */
  onLog?: (entry: MockLogEntry) => void;
  /** The emulator's clock, in unix milliseconds (default `Date.now`): inject a time or a skew. */
  now?: () => number;
  /** Milliseconds to wait before answering each API request (default 0). */
  latencyMs?: number;
  /**
   * The share of API requests, 0 to 1, answered 503 `injected_failure` without being
   * handled: ⌊n·p⌋ of the first n, evenly spread (the same ones on every run).
   */
  failRate?: number;
  /** The Date window, in seconds either side of now (default 900, the API's). */
  toleranceSeconds?: number;
  /**
   * Put the diagnosis (the expected canonical string, which component differs) in 403
   * bodies (default true). It shows the expected signature: for test secrets.
   */
  diagnose?: boolean;
  /** Requests kept for `requests()` (default 1000). */
  maxLog?: number;
  /** The largest request body, in bytes (default 1 MiB); larger gets 413. */
  maxBodyBytes?: number;
  /** A state from `save()`, for the same channels. */
  saved?: Uint8Array | string;
}

/** One API request as the mock's log keeps it. */
export interface MockLogEntry {
  seq: number;
  time_ms: number;
  method: string;
  path: string;
  status: number;
  /** The endpoint the route selects, when one does. */
  endpoint: string | null;
  /** The verification reason of a 403 (`signature_mismatch`, …), or another refusal's code. */
  reason: string | null;
  /** The validator's errors of a 400. */
  errors: Array<{ path: string; code: string; message: string; [key: string]: unknown }>;
  /** The diagnosis of a 403 (with `diagnose`). */
  diagnosis: Record<string, unknown> | null;
  /** The validator's warnings, whatever the status. */
  warnings: Array<{ path: string; code: string; message: string; [key: string]: unknown }>;
  /** The scope the request addressed, when it names one. */
  scope_id: string | null;
}

/** A hook the mock sent, as the control API shows it. */
export interface MockHook {
  url: string | null;
  scope_id: string;
  endpoint: "webhook_message" | "webhook_typing" | "webhook_reaction" | (string & {});
  /** The hook's JSON body, parsed. */
  body: unknown;
  signature: string;
}

/** The answer to an action that sends a hook. */
export interface MockActionAnswer {
  [key: string]: unknown;
  hook: MockHook;
  /** The receiver's HTTP status; null when it could not be reached (see `hook_error`). */
  hook_status: number | null;
  hook_error: string | null;
}

/** A manager's message: `POST /_mock/reply` of the control API. */
export interface MockReply {
  scope_id: string;
  conversation_id: string;
  /** A text message; or `message`, a whole message object. */
  text?: string;
  message?: Record<string, unknown>;
  sender?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface MockServer {
  /** `http://127.0.0.1:PORT`: the base URL to give your integration instead of amoCRM's. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Mock {
  /**
   * Answers one request as the Chats API would (any host: only the path and query count).
   * Takes a `Request`, or what `fetch` takes: usable as a `fetch` replacement, in Mock
   * Service Worker handlers, undici's MockAgent and Workers. Paths under `/_mock/` are the
   * control API.
   */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** Serves the API (and `/_mock/`) on 127.0.0.1 over node:http (Node, Bun, Deno); port 0 picks one. */
  listen(port?: number): Promise<MockServer>;
  /** Stops the servers, waits for hooks in flight, frees the emulator. */
  close(): Promise<void>;
  /** A manager's message in a chat: stored, then its hook delivered. */
  reply(args: MockReply): Promise<MockActionAnswer>;
  /** A manager typing in a chat: the typing hook. */
  typing(args: Record<string, unknown>): Promise<MockActionAnswer>;
  /** A manager's reaction to a message: the reaction hook. */
  react(args: Record<string, unknown>): Promise<MockActionAnswer>;
  /** A manager starts a chat ("Написать первым"): its hook has no `conversation.client_id`. */
  writeFirst(args: Record<string, unknown>): Promise<MockActionAnswer>;
  /** Recent API requests, oldest first (`requests` of `GET /_mock/requests`). */
  requests(): Promise<MockLogEntry[]>;
  /** The emulator's state (`GET /_mock/state`): accounts, chats, messages; no secrets. */
  state(): Promise<unknown>;
  /** Forgets every account, chat, message and request (`POST /_mock/reset`). */
  reset(): Promise<unknown>;
  /** The state as bytes, for `createMock({ saved })`. */
  save(): Promise<Uint8Array>;
}

/**
 * A local amoCRM Chats API.
 *
 * @throws {AmojoMockError} for bad options.
 */
export declare function createMock(options: MockOptions): Mock;
