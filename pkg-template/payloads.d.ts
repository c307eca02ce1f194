// Payload typings of the amoCRM Chats API bodies, generated from the rule tables in
// src/validate/rules.rs (the rules the validator applies). Do not edit: run
// `make generate`. Conditional rules are listed on each interface; `validate()`
// checks them.

/**
 * - `hook_api_version` is deprecated (a warning) when `hook_api_version` is v1
 */
export interface ConnectRequest {
  account_id: string;
  /** expected (a warning when absent) */
  hook_api_version?: "v1" | "v2" | null;
  title?: string | null;
  is_time_window_disabled?: boolean | null;
}

export interface DisconnectRequest {
  account_id: string;
}

export interface CreateChatRequest {
  conversation_id: string;
  source?: Source | null;
  user: User;
}

export interface Source {
  /** at most 40 printable ASCII characters or spaces (the Sources API keeps 36) */
  external_id?: string | null;
}

/**
 * - at least one of `id`, `ref_id` is required
 * - `name` is required when `ref_id` is absent
 */
export interface User {
  id?: string | null;
  ref_id?: string | null;
  name?: string | null;
  /** http(s) URL, or "" for none */
  avatar?: string | null;
  profile?: Profile | null;
  profile_link?: string | null;
}

export interface Profile {
  phone?: string | null;
  email?: string | null;
}

/** `POST /v2/origin/custom/{scope_id}` */
export type SendMessageRequest =
  | { event_type: "new_message"; payload: NewMessagePayload }
  | { event_type: "edit_message"; payload: EditMessagePayload };

/**
 * - at least one of `conversation_id`, `conversation_ref_id` is required on new_message
 * - `sender.ref_id` is required on new_message, when `receiver` is present
 * - `conversation_ref_id`, `reply_to`, `forwards` are not part of a comment (a warning) when `message.post` is present
 */
export interface NewMessagePayload {
  /** integer ≥ 0, unix time in seconds; expected (a warning when absent) */
  timestamp?: number | null;
  /** integer ≥ 0, unix time in milliseconds; expected (a warning when absent) */
  msec_timestamp?: number | null;
  conversation_id?: string | null;
  conversation_ref_id?: string | null;
  silent?: boolean | null;
  source?: Source | null;
  sender: User;
  receiver?: User | null;
  msgid: string;
  message: NewMessage;
  reply_to?: ReplyTo | null;
  forwards?: Forwards | null;
}

/**
 * One type per `type`: what each value requires is required in its type.
 * - `text` is required when `type` is text
 * - `text` must not be empty when `type` is text
 * - `media` is required on new_message, when `type` is file | video | picture
 * - `file_name` is required on new_message, when `type` is file | video | picture
 * - `file_size` is required on new_message, when `type` is file | video | picture
 * - `media` is required on new_message, when `type` is voice | audio
 * - at least one of `media`, `sticker_id` is required on new_message, when `type` is sticker
 * - `location` is required when `type` is location
 * - `contact` is required when `type` is contact
 */
export type NewMessage =
  | NewTextMessage
  | NewContactMessage
  | NewFileMessage
  | NewVideoMessage
  | NewPictureMessage
  | NewVoiceMessage
  | NewAudioMessage
  | NewStickerMessage
  | NewLocationMessage;

/** The fields of every `NewMessage`; its `type` decides which are required. */
export interface NewMessageBase {
  type: "text" | "contact" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | "location";
  text?: string | null;
  /** http(s) URL */
  media?: string | null;
  file_name?: string | null;
  /** integer ≥ 0 */
  file_size?: number | null;
  sticker_id?: string | null;
  location?: Location | null;
  contact?: Contact | null;
  callback_data?: string | null;
  /** integer ≥ 0 */
  media_duration?: number | null;
  shared_post?: SharedPost | null;
  post?: Post | null;
}

/**
 * `NewMessage` with `type: "text"`.
 * - `text` is required when `type` is text
 * - `text` must not be empty when `type` is text
 */
export interface NewTextMessage extends NewMessageBase {
  type: "text";
  text: string;
}

/**
 * `NewMessage` with `type: "contact"`.
 * - `contact` is required when `type` is contact
 */
export interface NewContactMessage extends NewMessageBase {
  type: "contact";
  contact: Contact;
}

/**
 * `NewMessage` with `type: "file"`.
 * - `media` is required on new_message, when `type` is file | video | picture
 * - `file_name` is required on new_message, when `type` is file | video | picture
 * - `file_size` is required on new_message, when `type` is file | video | picture
 */
export interface NewFileMessage extends NewMessageBase {
  type: "file";
  /** http(s) URL */
  media: string;
  file_name: string;
  /** integer ≥ 0 */
  file_size: number;
}

/**
 * `NewMessage` with `type: "video"`.
 * - `media` is required on new_message, when `type` is file | video | picture
 * - `file_name` is required on new_message, when `type` is file | video | picture
 * - `file_size` is required on new_message, when `type` is file | video | picture
 */
export interface NewVideoMessage extends NewMessageBase {
  type: "video";
  /** http(s) URL */
  media: string;
  file_name: string;
  /** integer ≥ 0 */
  file_size: number;
}

/**
 * `NewMessage` with `type: "picture"`.
 * - `media` is required on new_message, when `type` is file | video | picture
 * - `file_name` is required on new_message, when `type` is file | video | picture
 * - `file_size` is required on new_message, when `type` is file | video | picture
 */
export interface NewPictureMessage extends NewMessageBase {
  type: "picture";
  /** http(s) URL */
  media: string;
  file_name: string;
  /** integer ≥ 0 */
  file_size: number;
}

/**
 * `NewMessage` with `type: "voice"`.
 * - `media` is required on new_message, when `type` is voice | audio
 */
export interface NewVoiceMessage extends NewMessageBase {
  type: "voice";
  /** http(s) URL */
  media: string;
}

/**
 * `NewMessage` with `type: "audio"`.
 * - `media` is required on new_message, when `type` is voice | audio
 */
export interface NewAudioMessage extends NewMessageBase {
  type: "audio";
  /** http(s) URL */
  media: string;
}

/**
 * `NewMessage` with `type: "sticker"`.
 * - at least one of `media`, `sticker_id` is required on new_message, when `type` is sticker
 */
export type NewStickerMessage = NewMessageBase & { type: "sticker" } & ({ media: string } | { sticker_id: string });

/**
 * `NewMessage` with `type: "location"`.
 * - `location` is required when `type` is location
 */
export interface NewLocationMessage extends NewMessageBase {
  type: "location";
  location: Location;
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

export interface SharedPost {
  /** http(s) URL */
  url: string;
  /** http(s) URL */
  preview_link?: string | null;
  /** http(s) URL */
  preview_permalink?: string | null;
  type: "post";
  site_name?: string | null;
}

export interface Post {
  id: string;
  /** http(s) URL */
  url: string;
  /** http(s) URL */
  preview_url?: string | null;
  /** http(s) URL */
  preview_permalink?: string | null;
  username?: string | null;
  caption?: string | null;
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
  id?: string | null;
  msgid?: string | null;
  type?: "text" | "contact" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | "location" | null;
  text?: string | null;
  file_name?: string | null;
  /** integer ≥ 0 */
  file_size?: number | null;
  /** integer ≥ 0 */
  media_duration?: number | null;
  location?: Location | null;
  contact?: Contact | null;
  /** integer ≥ 0, unix time in seconds */
  timestamp?: number | null;
  /** integer ≥ 0, unix time in milliseconds */
  msec_timestamp?: number | null;
  sender?: EmbeddedUser | null;
}

/**
 * - `name` is required when none of `id`, `ref_id` is present
 */
export interface EmbeddedUser {
  id?: string | null;
  ref_id?: string | null;
  name?: string | null;
}

export interface Forwards {
  /** exactly 1 item(s) */
  messages: [EmbeddedMessage];
  conversation_ref_id?: string | null;
  conversation_id?: string | null;
}

/**
 * - at least one of `id`, `msgid` is required on edit_message
 * - `conversation_ref_id`, `reply_to`, `forwards` are not part of a comment (a warning) when `message.post` is present
 */
export interface EditMessagePayload {
  /** integer ≥ 0, unix time in seconds */
  timestamp?: number | null;
  /** integer ≥ 0, unix time in milliseconds */
  msec_timestamp?: number | null;
  conversation_id?: string | null;
  conversation_ref_id?: string | null;
  silent?: boolean | null;
  /** ignored on edit_message (a warning when present) */
  source?: unknown;
  /** ignored on edit_message (a warning when present) */
  sender?: unknown;
  /** ignored on edit_message (a warning when present) */
  receiver?: unknown;
  id?: string | null;
  msgid?: string | null;
  message: EditMessage;
  /** ignored on edit_message (a warning when present) */
  reply_to?: unknown;
  /** ignored on edit_message (a warning when present) */
  forwards?: unknown;
  delivery_status?: EditDeliveryStatus | null;
}

/**
 * One type per `type`: what each value requires is required in its type.
 * - `text` is required when `type` is text
 * - `text` must not be empty when `type` is text
 * - `location` is required when `type` is location
 * - `contact` is required when `type` is contact
 */
export type EditMessage =
  | EditTextMessage
  | EditContactMessage
  | EditFileMessage
  | EditVideoMessage
  | EditPictureMessage
  | EditVoiceMessage
  | EditAudioMessage
  | EditStickerMessage
  | EditLocationMessage;

/** The fields of every `EditMessage`; its `type` decides which are required. */
export interface EditMessageBase {
  type: "text" | "contact" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | "location";
  text?: string | null;
  /** http(s) URL */
  media?: string | null;
  file_name?: string | null;
  /** integer ≥ 0 */
  file_size?: number | null;
  sticker_id?: string | null;
  location?: Location | null;
  contact?: Contact | null;
  callback_data?: string | null;
  delivery_status?: EditDeliveryStatus | null;
  /** integer ≥ 0 */
  media_duration?: number | null;
  shared_post?: SharedPost | null;
}

/**
 * `EditMessage` with `type: "text"`.
 * - `text` is required when `type` is text
 * - `text` must not be empty when `type` is text
 */
export interface EditTextMessage extends EditMessageBase {
  type: "text";
  text: string;
}

/**
 * `EditMessage` with `type: "contact"`.
 * - `contact` is required when `type` is contact
 */
export interface EditContactMessage extends EditMessageBase {
  type: "contact";
  contact: Contact;
}

/**
 * `EditMessage` with `type: "file"`.
 */
export interface EditFileMessage extends EditMessageBase {
  type: "file";
}

/**
 * `EditMessage` with `type: "video"`.
 */
export interface EditVideoMessage extends EditMessageBase {
  type: "video";
}

/**
 * `EditMessage` with `type: "picture"`.
 */
export interface EditPictureMessage extends EditMessageBase {
  type: "picture";
}

/**
 * `EditMessage` with `type: "voice"`.
 */
export interface EditVoiceMessage extends EditMessageBase {
  type: "voice";
}

/**
 * `EditMessage` with `type: "audio"`.
 */
export interface EditAudioMessage extends EditMessageBase {
  type: "audio";
}

/**
 * `EditMessage` with `type: "sticker"`.
 */
export interface EditStickerMessage extends EditMessageBase {
  type: "sticker";
}

/**
 * `EditMessage` with `type: "location"`.
 * - `location` is required when `type` is location
 */
export interface EditLocationMessage extends EditMessageBase {
  type: "location";
  location: Location;
}

/**
 * - `error_code` is required when `status_code` is -1
 * - `error` is required when `status_code` is -1 or `error_code` is 905
 */
export interface EditDeliveryStatus {
  /** integer; 0 accepted with a warning (undocumented) */
  status_code: 1 | 2 | -1 | 0;
  /** integer */
  error_code?: 901 | 902 | 903 | 904 | 905 | null;
  error?: string | null;
}

/**
 * - at least one of `status_code`, `delivery_status` is required
 * - `status_code`, `delivery_status`: send only one (a warning)
 * - `error_code` is required when `status_code` is -1 or `delivery_status` is -1
 * - `error` is required when `status_code` is -1 or `delivery_status` is -1 or `error_code` is 905
 */
export interface DeliveryStatusRequest {
  /** integer; 0 accepted with a warning (undocumented) */
  status_code?: 1 | 2 | -1 | 0 | null;
  /** integer */
  error_code?: 901 | 902 | 903 | 904 | 905 | null;
  error?: string | null;
  msgid?: string | null;
  /** integer; 0 accepted with a warning (undocumented) */
  delivery_status?: 1 | 2 | -1 | 0 | null;
}

export interface HistoryQuery {
  /** integer ≥ 0 */
  offset?: number | null;
  /** integer 1..50 */
  limit?: number | null;
}

export interface TypingRequest {
  conversation_id: string;
  /** integer ≥ 0 */
  duration_ms?: number | null;
  sender: IdRef;
}

export interface IdRef {
  id: string;
}

/**
 * - at least one of `conversation_id`, `conversation_ref_id` is required
 * - at least one of `id`, `msgid` is required
 * - `emoji` is expected when `type` is react
 */
export interface ReactRequest {
  conversation_id?: string | null;
  conversation_ref_id?: string | null;
  id?: string | null;
  msgid?: string | null;
  user: ReactUser;
  type: "react" | "unreact";
  emoji?: string | null;
}

/**
 * - at least one of `id`, `ref_id` is required
 */
export interface ReactUser {
  id?: string | null;
  ref_id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface WebhookMessage {
  /** expected (a warning when absent) */
  account_id?: string | null;
  /** integer; expected (a warning when absent) */
  time?: number | null;
  message: HookMessage;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookMessage {
  /** expected (a warning when absent) */
  receiver?: ChatUser | null;
  /** expected (a warning when absent) */
  sender?: ChatUser | null;
  conversation: HookConversation;
  source?: HookSource | null;
  /** integer; expected (a warning when absent) */
  timestamp?: number | null;
  /** integer; expected (a warning when absent) */
  msec_timestamp?: number | null;
  message: HookMessageBody;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface ChatUser {
  /** expected (a warning when absent) */
  id?: string | null;
  client_id?: string | null;
  ref_id?: string | null;
  name?: string | null;
  avatar?: string | null;
  phone?: string | null;
  email?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookConversation {
  /** expected (a warning when absent) */
  id?: string | null;
  client_id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookSource {
  external_id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookMessageBody {
  /** expected (a warning when absent) */
  id?: string | null;
  /** expected (a warning when absent) */
  type?: "text" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | (string & {}) | null;
  text?: string | null;
  tag?: string | null;
  media?: string | null;
  thumbnail?: string | null;
  file_name?: string | null;
  /** integer */
  file_size?: number | null;
  media_group_id?: string | null;
  markup?: unknown;
  template?: unknown;
  reply_to?: unknown;
  forwards?: unknown;
  post?: HookPost | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookPost {
  /** expected (a warning when absent) */
  id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface WebhookTyping {
  /** expected (a warning when absent) */
  account_id?: string | null;
  /** integer; expected (a warning when absent) */
  time?: number | null;
  action: HookTypingAction;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookTypingAction {
  typing: HookTyping;
  user?: HookUserRef | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookTyping {
  user?: HookUserRef | null;
  conversation: HookConversation;
  /** integer; expected (a warning when absent) */
  expired_at?: number | null;
  post_id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookUserRef {
  /** expected (a warning when absent) */
  id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface WebhookReaction {
  /** expected (a warning when absent) */
  account_id?: string | null;
  /** integer; expected (a warning when absent) */
  time?: number | null;
  action: HookReactionAction;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookReactionAction {
  reaction: HookReaction;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 * - at least one of `msgid`, `message` is required
 */
export interface HookReaction {
  msgid?: string | null;
  message?: HookReactionMessage | null;
  /** expected (a warning when absent) */
  user?: HookUserRef | null;
  conversation: HookConversation;
  type: "react" | "unreact" | (string & {});
  emoji?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HookReactionMessage {
  /** expected (a warning when absent) */
  id?: string | null;
  client_id?: string | null;
  receiver?: ChatUser | null;
  sender?: ChatUser | null;
  /** integer */
  timestamp?: number | null;
  /** integer */
  msec_timestamp?: number | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface WebhookMessageV1 {
  /** expected (a warning when absent) */
  receiver?: string | null;
  sender?: unknown;
  conversation_id: string;
  /** integer */
  timestamp?: number | null;
  /** integer; expected (a warning when absent) */
  msec_timestamp?: number | null;
  /** expected (a warning when absent) */
  type?: "text" | "file" | "video" | "picture" | (string & {}) | null;
  text?: string | null;
  media?: string | null;
  thumbnail?: string | null;
  file_name?: string | null;
  /** integer */
  file_size?: number | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface ConnectResponse {
  /** expected (a warning when absent) */
  account_id?: string | null;
  hook_api_version?: "v1" | "v2" | (string & {}) | null;
  title?: string | null;
  scope_id: string;
  is_time_window_disabled?: boolean | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface CreateChatResponse {
  id: string;
  /** expected (a warning when absent) */
  user?: ChatUser | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface SendMessageResponse {
  new_message: SentMessage;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface SentMessage {
  conversation_id?: string | null;
  sender_id?: string | null;
  receiver_id?: string | null;
  /** expected (a warning when absent) */
  msgid?: string | null;
  ref_id?: string | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HistoryResponse {
  /** at least 0 items */
  messages: Array<HistoryEntry>;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HistoryEntry {
  /** integer; expected (a warning when absent) */
  timestamp?: number | null;
  /** integer */
  msec_timestamp?: number | null;
  /** expected (a warning when absent) */
  sender?: ChatUser | null;
  receiver?: ChatUser | null;
  /** expected (a warning when absent) */
  message?: HistoryMessage | null;
}

/**
 * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted).
 */
export interface HistoryMessage {
  /** expected (a warning when absent) */
  id?: string | null;
  client_id?: string | null;
  /** expected (a warning when absent) */
  type?: "text" | "contact" | "file" | "video" | "picture" | "voice" | "audio" | "sticker" | "location" | (string & {}) | null;
  text?: string | null;
  media?: string | null;
  thumbnail?: string | null;
  file_name?: string | null;
  /** integer */
  file_size?: number | null;
  media_group_id?: string | null;
  location?: Location | null;
  contact?: Contact | null;
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
  webhook_message_v1: WebhookMessageV1;
  connect_response: ConnectResponse;
  create_chat_response: CreateChatResponse;
  send_message_response: SendMessageResponse;
  history_response: HistoryResponse;
}

export type Endpoint = keyof EndpointPayloads;

/** The method and path template of each request endpoint, the path split at `/`
 * (`string`: a path parameter, never empty): the types read a literal path's endpoint
 * from it. */
export interface RequestRoutes {
  /** `POST /v2/origin/custom/{channel_id}/connect` */
  connect: { method: "POST"; path: ["v2", "origin", "custom", string, "connect"] };
  /** `DELETE /v2/origin/custom/{channel_id}/disconnect` */
  disconnect: { method: "DELETE"; path: ["v2", "origin", "custom", string, "disconnect"] };
  /** `POST /v2/origin/custom/{scope_id}/chats` */
  create_chat: { method: "POST"; path: ["v2", "origin", "custom", string, "chats"] };
  /** `POST /v2/origin/custom/{scope_id}` */
  send_message: { method: "POST"; path: ["v2", "origin", "custom", string] };
  /** `POST /v2/origin/custom/{scope_id}/{msgid}/delivery_status` */
  delivery_status: { method: "POST"; path: ["v2", "origin", "custom", string, string, "delivery_status"] };
  /** `GET /v2/origin/custom/{scope_id}/chats/{conversation_id}/history` */
  history: { method: "GET"; path: ["v2", "origin", "custom", string, "chats", string, "history"] };
  /** `POST /v2/origin/custom/{scope_id}/typing` */
  typing: { method: "POST"; path: ["v2", "origin", "custom", string, "typing"] };
  /** `POST /v2/origin/custom/{scope_id}/react` */
  react: { method: "POST"; path: ["v2", "origin", "custom", string, "react"] };
}

/** Requests to the API. */
export type RequestEndpoint = "connect" | "disconnect" | "create_chat" | "send_message" | "delivery_status" | "history" | "typing" | "react";

/** Hooks amoCRM sends to the integration. */
export type HookEndpoint = "webhook_message" | "webhook_typing" | "webhook_reaction" | "webhook_message_v1";

/** Bodies the API answers with. */
export type ResponseEndpoint = "connect_response" | "create_chat_response" | "send_message_response" | "history_response";

/** Codes of errors (the API would refuse the body). */
export type ErrorCode =
  | "invalid_json"
  | "type"
  | "required"
  | "required_one_of"
  | "enum"
  | "empty"
  | "max_length"
  | "charset"
  | "range"
  | "items"
  | "not_allowed"
  | "msgid_mismatch"
  | "unknown_route"
  | "method_not_allowed"
  | "body_not_empty"
  | "too_large"
  | "too_deep";

/** Codes of warnings (accepted, but likely a mistake; `max_length` is both). */
export type WarningCode =
  | "unknown_field"
  | "duplicate_key"
  | "recommended"
  | "ignored_on_edit"
  | "ignored_in_comment"
  | "null_value"
  | "deprecated"
  | "ambiguous"
  | "undocumented_value"
  | "unit"
  | "format"
  | "max_length";
