// Payload typings of the amoCRM Chats API bodies, generated from the rule tables in
// src/validate/rules.rs (the rules the validator applies). Do not edit: run
// `make generate`. Conditional rules are listed on each interface; `validate()`
// checks them.

export interface ConnectRequest {
  account_id: string;
  title: string;
  /** expected (a warning when absent) */
  hook_api_version?: "v1" | "v2";
}

export interface DisconnectRequest {
  account_id: string;
}

export interface CreateChatRequest {
  conversation_id: string;
  source?: Source;
  user: User;
}

export interface Source {
  /** at most 40 printable ASCII characters or spaces (the Sources API keeps 36) */
  external_id?: string;
}

export interface User {
  id: string;
  ref_id?: string;
  name: string;
  /** http(s) URL */
  avatar?: string;
  profile?: Profile;
  profile_link?: string;
}

export interface Profile {
  phone?: string;
  email?: string;
}

/** `POST /v2/origin/custom/{scope_id}` */
export type SendMessageRequest =
  | { event_type: "new_message"; payload: NewMessagePayload }
  | { event_type: "edit_message"; payload: EditMessagePayload };

/**
 * - `sender.ref_id` is required on new_message, when `receiver` is present
 */
export interface NewMessagePayload {
  /** integer ≥ 0, unix time in seconds; expected (a warning when absent) */
  timestamp?: number;
  /** integer ≥ 0, unix time in milliseconds; expected (a warning when absent) */
  msec_timestamp?: number;
  conversation_id: string;
  conversation_ref_id?: string;
  silent?: boolean;
  source?: Source;
  sender: User;
  receiver?: User;
  msgid: string;
  message: Message;
  reply_to?: ReplyTo;
  forwards?: Forwards;
}

/**
 * - `text` is required when `type` is text
 * - `text` must not be empty when `type` is text
 * - `media` is required on new_message, when `type` is file | video | picture
 * - `file_name` is required on new_message, when `type` is file | video | picture
 * - `file_size` is required on new_message, when `type` is file | video | picture
 * - `media` is required on new_message, when `type` is voice | audio | sticker
 * - `location` is required when `type` is location
 * - `contact` is required when `type` is contact
 */
export interface Message {
  type: "text" | "contact" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | "location";
  text?: string;
  /** http(s) URL */
  media?: string;
  file_name?: string;
  /** integer ≥ 0 */
  file_size?: number;
  sticker_id?: string;
  location?: Location;
  contact?: Contact;
  callback_data?: string;
}

export interface Location {
  /** number -180..180 */
  lon: number;
  /** number -90..90 */
  lat: number;
}

export interface Contact {
  name: string;
  phone: string;
}

export interface ReplyTo {
  message: EmbeddedMessage;
}

/**
 * - `type` is required when none of `id`, `msgid` is present
 * - `text` is required when none of `id`, `msgid` is present, when `type` is text
 * - `location` is required when none of `id`, `msgid` is present, when `type` is location
 * - `contact` is required when none of `id`, `msgid` is present, when `type` is contact
 * - `timestamp` is required when none of `id`, `msgid` is present
 * - `msec_timestamp` is required when none of `id`, `msgid` is present
 * - `sender` is required when none of `id`, `msgid` is present
 */
export interface EmbeddedMessage {
  id?: string;
  msgid?: string;
  type?: "text" | "contact" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | "location";
  text?: string;
  file_name?: string;
  /** integer ≥ 0 */
  file_size?: number;
  /** integer ≥ 0 */
  media_duration?: number;
  location?: Location;
  contact?: Contact;
  /** integer ≥ 0, unix time in seconds */
  timestamp?: number;
  /** integer ≥ 0, unix time in milliseconds */
  msec_timestamp?: number;
  sender?: EmbeddedUser;
}

/**
 * - `name` is required when none of `id`, `ref_id` is present
 */
export interface EmbeddedUser {
  id?: string;
  ref_id?: string;
  name?: string;
}

export interface Forwards {
  /** exactly 1 item(s) */
  messages: [EmbeddedMessage];
  conversation_ref_id?: string;
  conversation_id?: string;
}

/**
 * - at least one of `id`, `msgid` is required on edit_message
 */
export interface EditMessagePayload {
  /** integer ≥ 0, unix time in seconds */
  timestamp?: number;
  /** integer ≥ 0, unix time in milliseconds */
  msec_timestamp?: number;
  conversation_id?: string;
  conversation_ref_id?: string;
  silent?: boolean;
  /** ignored on edit_message (a warning when present) */
  source?: Source;
  /** ignored on edit_message (a warning when present) */
  sender?: User;
  /** ignored on edit_message (a warning when present) */
  receiver?: User;
  id?: string;
  msgid?: string;
  message: Message;
  /** ignored on edit_message (a warning when present) */
  reply_to?: ReplyTo;
  /** ignored on edit_message (a warning when present) */
  forwards?: Forwards;
  delivery_status?: EditDeliveryStatus;
}

/**
 * - `error_code` is required when `status_code` is -1
 * - `error` is required when `error_code` is 905
 */
export interface EditDeliveryStatus {
  /** integer */
  status_code?: 1 | 2 | -1;
  /** integer */
  error_code?: 901 | 902 | 903 | 904 | 905;
  error?: string;
}

/**
 * - `error_code` is required when `delivery_status` is -1
 * - `error` is required when `error_code` is 905
 */
export interface DeliveryStatusRequest {
  msgid: string;
  /** integer */
  delivery_status: 1 | 2 | -1;
  /** integer */
  error_code?: 901 | 902 | 903 | 904 | 905;
  error?: string;
}

export interface HistoryQuery {
  /** integer ≥ 0 */
  offset?: number;
  /** integer 1..50 */
  limit?: number;
}

export interface TypingRequest {
  conversation_id: string;
  sender: IdRef;
}

export interface IdRef {
  id: string;
}

/**
 * - at least one of `id`, `msgid` is required
 * - `emoji` is expected when `type` is react
 */
export interface ReactRequest {
  conversation_id: string;
  id?: string;
  msgid?: string;
  user: ReactUser;
  type: "react" | "unreact";
  emoji?: string;
}

export interface ReactUser {
  id: string;
  ref_id?: string;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface WebhookMessage {
  account_id: string;
  /** integer */
  time: number;
  message: HookMessage;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookMessage {
  receiver: HookUser;
  sender: HookUser;
  conversation: HookConversation;
  source?: HookSource | null;
  /** integer */
  timestamp: number;
  /** integer */
  msec_timestamp: number;
  message: HookMessageBody;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookUser {
  id: string;
  client_id?: string | null;
  ref_id?: string | null;
  name?: string | null;
  avatar?: string | null;
  phone?: string | null;
  email?: string | null;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookConversation {
  id: string;
  client_id?: string | null;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookSource {
  external_id?: string | null;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookMessageBody {
  id: string;
  type: string;
  text: string;
  tag?: string | null;
  media: string;
  thumbnail: string;
  file_name: string;
  /** integer */
  file_size: number;
  media_group_id?: string | null;
  markup?: unknown | null;
  template?: unknown | null;
  reply_to?: unknown | null;
  forwards?: unknown | null;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface WebhookTyping {
  account_id: string;
  /** integer */
  time: number;
  action: HookTypingAction;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookTypingAction {
  typing: HookTyping;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookTyping {
  user: IdRef;
  conversation: HookConversation;
  /** integer */
  expired_at: number;
  post_id?: unknown | null;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface WebhookReaction {
  account_id: string;
  /** integer */
  time: number;
  action: HookReactionAction;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 */
export interface HookReactionAction {
  reaction: HookReaction;
}

/**
 * Sent by amoCRM; parsed leniently (extra fields and nulls accepted).
 * - at least one of `msgid`, `message` is required
 */
export interface HookReaction {
  msgid?: string | null;
  message?: HookConversation | null;
  user: IdRef;
  conversation: HookConversation;
  type: "react" | "unreact";
  emoji?: string | null;
}

/** The body type of each endpoint. */
export interface EndpointPayloads {
  connect: ConnectRequest;
  disconnect: DisconnectRequest;
  create_chat: CreateChatRequest;
  send_message: SendMessageRequest;
  delivery_status: DeliveryStatusRequest;
  history: HistoryQuery;
  typing: TypingRequest;
  react: ReactRequest;
  webhook_message: WebhookMessage;
  webhook_typing: WebhookTyping;
  webhook_reaction: WebhookReaction;
}

export type Endpoint = keyof EndpointPayloads;
