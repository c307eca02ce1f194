//! The rules, one table per endpoint, in the order of the docs' tables: the current docs
//! revision (reference/current/chat-api-reference.md, chat-webhooks.md) and what the live API
//! accepts (SPEC §3 for requests, §2 and §5.4 for hooks, §4 for responses, §5 for every
//! decision where practice and the docs differ).
//!
//! A row is `f(name, kind, presence)`; `P::Req` required, `P::Opt` optional, `P::Rec`
//! expected (warning when absent), `P::No` not allowed (error when present), `P::Ign`
//! ignored (warning when present). send_message rows (`fm`) give the presence on
//! `new_message` and on `edit_message`. Cross-field rules follow each table.
//!
//! Requests are strict about what the API refuses (SPEC §5.1); a `null` optional field counts
//! as absent, with a warning (§5.3). Hooks and responses come from amoCRM and are read
//! leniently (§5.4): nulls pass anywhere, values outside the documented enums are warnings,
//! and only what makes the body unusable is required.

/// What a value must be.
pub(crate) enum Kind {
    /// Any JSON value (hook fields whose shape the docs leave open).
    Any,
    /// A string.
    Str,
    /// A string holding an http(s) URL (warning otherwise).
    Url,
    /// An http(s) URL, or `""` for none (how integrations send "no avatar": SPEC §5.11).
    UrlOrEmpty,
    /// `source.external_id`: ≤ 40 printable ASCII characters (warning above 36).
    ExternalId,
    /// One of these strings.
    StrIn(&'static [&'static str]),
    /// An integer within bounds; `unit` warns on a timestamp in the other unit.
    Int {
        min: Option<i64>,
        max: Option<i64>,
        unit: Option<&'static str>,
    },
    /// One of the documented integers `values`; the `undocumented` ones are accepted with a
    /// warning (seen in practice, absent from the docs).
    IntIn {
        values: &'static [i64],
        undocumented: &'static [i64],
    },
    /// A number (integer or float) within `min..=max`.
    Num { min: f64, max: f64 },
    /// A boolean.
    Bool,
    /// An object with its own table.
    Obj(&'static Shape),
    /// An array of `min..=max` items of one kind (`usize::MAX`: no upper bound).
    Arr {
        item: &'static Kind,
        min: usize,
        max: usize,
    },
}

/// Presence of a field.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum P {
    Req,
    Opt,
    Rec,
    No,
    Ign,
}

pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// Presence on new_message (and for every other endpoint).
    pub new: P,
    /// Presence on edit_message.
    pub edit: P,
}

/// A condition on the object being checked; a rule applies when all of its hold.
pub(crate) enum Cond {
    /// The message is a new_message.
    New,
    /// The message is an edit_message.
    Edit,
    /// The field at this relative path is present (and not null).
    Present(&'static [&'static str]),
    /// None of the fields is present.
    NoneOf(&'static [&'static str]),
    /// The field is a string among these.
    StrIs(&'static str, &'static [&'static str]),
    /// The field is this integer.
    IntIs(&'static str, i64),
    /// At least one of these conditions holds.
    AnyOf(&'static [Cond]),
}

pub(crate) enum Rule {
    /// The field at `path` (relative) is required.
    Require {
        path: &'static [&'static str],
        when: &'static [Cond],
    },
    /// The string field must not be empty.
    NonEmpty {
        field: &'static str,
        when: &'static [Cond],
    },
    /// At least one of the fields is required.
    OneOf {
        fields: &'static [&'static str],
        when: &'static [Cond],
    },
    /// The field is expected (warning when absent).
    Recommend {
        field: &'static str,
        when: &'static [Cond],
    },
    /// The field's value is deprecated (warning).
    Deprecated {
        field: &'static str,
        when: &'static [Cond],
    },
    /// The fields say the same thing; more than one of them is ambiguous (warning).
    NotTogether {
        fields: &'static [&'static str],
        when: &'static [Cond],
    },
    /// The fields are not part of a comment's payload (warning when present).
    NotInComment {
        fields: &'static [&'static str],
        when: &'static [Cond],
    },
}

impl Rule {
    /// The conditions under which the rule applies (all must hold).
    pub(crate) fn when(&self) -> &'static [Cond] {
        match self {
            Rule::Require { when, .. }
            | Rule::NonEmpty { when, .. }
            | Rule::OneOf { when, .. }
            | Rule::Recommend { when, .. }
            | Rule::Deprecated { when, .. }
            | Rule::NotTogether { when, .. }
            | Rule::NotInComment { when, .. } => when,
        }
    }
}

pub(crate) struct Shape {
    /// A unique type name (TypeScript interface, JSON Schema `$defs` key).
    pub name: &'static str,
    pub fields: &'static [Field],
    pub rules: &'static [Rule],
}

impl Shape {
    /// The row of a field.
    pub(crate) fn field(&'static self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

const fn f(name: &'static str, kind: Kind, p: P) -> Field {
    Field {
        name,
        kind,
        new: p,
        edit: p,
    }
}

/// A send_message row: presence on new_message, then on edit_message.
const fn fm(name: &'static str, kind: Kind, new: P, edit: P) -> Field {
    Field {
        name,
        kind,
        new,
        edit,
    }
}

const fn req(path: &'static [&'static str], when: &'static [Cond]) -> Rule {
    Rule::Require { path, when }
}

const fn one_of(fields: &'static [&'static str], when: &'static [Cond]) -> Rule {
    Rule::OneOf { fields, when }
}

use Kind::*;
use P::*;

const INT: Kind = Int {
    min: None,
    max: None,
    unit: None,
};
const SIZE: Kind = Int {
    min: Some(0),
    max: None,
    unit: None,
};
const UNIX_S: Kind = Int {
    min: Some(0),
    max: None,
    unit: Some("seconds"),
};
const UNIX_MS: Kind = Int {
    min: Some(0),
    max: None,
    unit: Some("milliseconds"),
};

/// Message types (chat-api-reference.md, "Описание объекта message").
pub(crate) const MESSAGE_TYPES: &[&str] = &[
    "text", "contact", "file", "video", "picture", "voice", "audio", "sticker", "location",
];

/// Delivery statuses: 1 delivered, 2 read, -1 error. "Отправлено" (sent) has no code in the
/// docs; `0` is what clients send for it, accepted with a warning (SPEC §5.7).
const STATUS: Kind = IntIn {
    values: &[1, 2, -1],
    undocumented: &[0],
};

/// Error codes of a failed delivery (901..905; 905 "any other", with a text).
const ERROR_CODE: Kind = IntIn {
    values: &[901, 902, 903, 904, 905],
    undocumented: &[],
};

// ---- connect: POST /v2/origin/custom/{channel_id}/connect --------------------------------

pub(crate) static CONNECT: Shape = Shape {
    name: "ConnectRequest",
    fields: &[
        f("account_id", Str, Req),
        // Server default is v1, and v1 hooks are no longer sent (chat-webhooks.md).
        f("hook_api_version", StrIn(&["v1", "v2"]), Rec),
        // "Необязательный параметр … По умолчанию – имя канала" (current docs).
        f("title", Str, Opt),
        f("is_time_window_disabled", Bool, Opt),
    ],
    rules: &[Rule::Deprecated {
        field: "hook_api_version",
        when: &[Cond::StrIs("hook_api_version", &["v1"])],
    }],
};

// ---- disconnect: DELETE /v2/origin/custom/{channel_id}/disconnect ------------------------

pub(crate) static DISCONNECT: Shape = Shape {
    name: "DisconnectRequest",
    fields: &[f("account_id", Str, Req)],
    rules: &[],
};

// ---- shared objects ----------------------------------------------------------------------

/// sender.profile / receiver.profile / user.profile
static PROFILE: Shape = Shape {
    name: "Profile",
    fields: &[f("phone", Str, Opt), f("email", Str, Opt)],
    rules: &[],
};

/// A participant: sender / receiver (send_message), user (create_chat). `id` (the
/// integration's) or `ref_id` (amojo's) identifies it; `name` is required only without
/// `ref_id` (SPEC §5.5: a create chat with `user {ref_id}` alone was logged with 200 OK).
static USER: Shape = Shape {
    name: "User",
    fields: &[
        f("id", Str, Opt),
        f("ref_id", Str, Opt),
        f("name", Str, Opt),
        f("avatar", UrlOrEmpty, Opt),
        f("profile", Obj(&PROFILE), Opt),
        f("profile_link", Str, Opt),
    ],
    rules: &[
        one_of(&["id", "ref_id"], &[]),
        req(&["name"], &[Cond::NoneOf(&["ref_id"])]),
    ],
};

/// source
static SOURCE: Shape = Shape {
    name: "Source",
    fields: &[f("external_id", ExternalId, Opt)],
    rules: &[],
};

// ---- create_chat: POST /v2/origin/custom/{scope_id}/chats --------------------------------

pub(crate) static CREATE_CHAT: Shape = Shape {
    name: "CreateChatRequest",
    fields: &[
        f("conversation_id", Str, Req),
        f("source", Obj(&SOURCE), Opt),
        f("user", Obj(&USER), Req),
    ],
    rules: &[],
};

// ---- send_message: POST /v2/origin/custom/{scope_id} -------------------------------------
// Messages, edits, imports and comments (a comment is a new_message whose `message.post` is
// set: chat-api-reference.md "Отправка комментария").

pub(crate) static SEND_MESSAGE: Shape = Shape {
    name: "SendMessageRequest",
    fields: &[
        f("event_type", StrIn(&["new_message", "edit_message"]), Req),
        f("payload", Obj(&PAYLOAD), Req),
    ],
    rules: &[],
};

const COMMENT: &[Cond] = &[Cond::Present(&["message", "post"])];

//                                                       new_message  edit_message
pub(crate) static PAYLOAD: Shape = Shape {
    name: "MessagePayload",
    fields: &[
        fm("timestamp", UNIX_S, Rec, Opt),
        fm("msec_timestamp", UNIX_MS, Rec, Opt),
        fm("conversation_id", Str, Opt, Opt),
        fm("conversation_ref_id", Str, Opt, Opt),
        fm("silent", Bool, Opt, Opt),
        fm("source", Obj(&SOURCE), Opt, Ign),
        fm("sender", Obj(&USER), Req, Ign),
        fm("receiver", Obj(&USER), Opt, Ign),
        fm("id", Str, No, Opt),
        fm("msgid", Str, Req, Opt),
        fm("message", Obj(&MESSAGE), Req, Req),
        fm("reply_to", Obj(&REPLY_TO), Opt, Ign),
        fm("forwards", Obj(&FORWARDS), Opt, Ign),
        // The older docs' place; the current docs put it in `message` (SPEC §5.2).
        fm("delivery_status", Obj(&EDIT_DELIVERY_STATUS), No, Opt),
    ],
    rules: &[
        // The chat: the integration's id or amoCRM's (SPEC §5.6).
        one_of(&["conversation_id", "conversation_ref_id"], &[Cond::New]),
        // An outgoing message (receiver given) names its sender in amojo.
        req(
            &["sender", "ref_id"],
            &[Cond::New, Cond::Present(&["receiver"])],
        ),
        // An edit identifies the message by amoCRM's id or the integration's msgid.
        one_of(&["id", "msgid"], &[Cond::Edit]),
        // "Описание объекта payload для комментариев" lists neither of these.
        Rule::NotInComment {
            fields: &["conversation_ref_id", "reply_to", "forwards"],
            when: COMMENT,
        },
    ],
};

const FILE_TYPES: &[&str] = &["file", "video", "picture"];

static MESSAGE: Shape = Shape {
    name: "Message",
    fields: &[
        fm("type", StrIn(MESSAGE_TYPES), Req, Req),
        fm("text", Str, Opt, Opt),
        fm("media", Url, Opt, Opt),
        fm("file_name", Str, Opt, Opt),
        fm("file_size", SIZE, Opt, Opt),
        fm("sticker_id", Str, Opt, Opt),
        fm("location", Obj(&LOCATION), Opt, Opt),
        fm("contact", Obj(&CONTACT), Opt, Opt),
        fm("callback_data", Str, Opt, Opt),
        // The current docs' place (SPEC §5.2).
        fm("delivery_status", Obj(&EDIT_DELIVERY_STATUS), No, Opt),
        fm("media_duration", SIZE, Opt, Opt),
        fm("shared_post", Obj(&SHARED_POST), Opt, Opt),
        // A comment: comments are created with new_message only.
        fm("post", Obj(&POST), Opt, No),
    ],
    rules: &[
        req(&["text"], &[Cond::StrIs("type", &["text"])]),
        Rule::NonEmpty {
            field: "text",
            when: &[Cond::StrIs("type", &["text"])],
        },
        // On edit_message the file is unchanged when these are absent.
        req(&["media"], &[Cond::New, Cond::StrIs("type", FILE_TYPES)]),
        req(
            &["file_name"],
            &[Cond::New, Cond::StrIs("type", FILE_TYPES)],
        ),
        req(
            &["file_size"],
            &[Cond::New, Cond::StrIs("type", FILE_TYPES)],
        ),
        req(
            &["media"],
            &[Cond::New, Cond::StrIs("type", &["voice", "audio"])],
        ),
        // A sticker by its link or by its universal id (SPEC §5.8).
        one_of(
            &["media", "sticker_id"],
            &[Cond::New, Cond::StrIs("type", &["sticker"])],
        ),
        req(&["location"], &[Cond::StrIs("type", &["location"])]),
        req(&["contact"], &[Cond::StrIs("type", &["contact"])]),
    ],
};

static LOCATION: Shape = Shape {
    name: "Location",
    fields: &[
        f(
            "lon",
            Num {
                min: -180.0,
                max: 180.0,
            },
            Req,
        ),
        f(
            "lat",
            Num {
                min: -90.0,
                max: 90.0,
            },
            Req,
        ),
    ],
    rules: &[],
};

static CONTACT: Shape = Shape {
    name: "Contact",
    fields: &[f("name", Str, Req), f("phone", Str, Req)],
    rules: &[],
};

/// message.shared_post: a post the user shared.
static SHARED_POST: Shape = Shape {
    name: "SharedPost",
    fields: &[
        f("url", Url, Req),
        f("preview_link", Url, Opt),
        f("preview_permalink", Url, Opt),
        f("type", StrIn(&["post"]), Req),
        f("site_name", Str, Opt),
    ],
    rules: &[],
};

/// message.post: the post a comment belongs to.
static POST: Shape = Shape {
    name: "Post",
    fields: &[
        f("id", Str, Req),
        f("url", Url, Req),
        f("preview_url", Url, Opt),
        f("preview_permalink", Url, Opt),
        f("username", Str, Opt),
        f("caption", Str, Opt),
    ],
    rules: &[],
};

static REPLY_TO: Shape = Shape {
    name: "ReplyTo",
    fields: &[f("message", Obj(&EMBEDDED_MESSAGE), Req)],
    rules: &[],
};

static FORWARDS: Shape = Shape {
    name: "Forwards",
    fields: &[
        // The platform forwards no more than one message.
        f(
            "messages",
            Arr {
                item: &Obj(&EMBEDDED_MESSAGE),
                min: 1,
                max: 1,
            },
            Req,
        ),
        f("conversation_ref_id", Str, Opt),
        f("conversation_id", Str, Opt),
    ],
    rules: &[],
};

/// embedded_message: with `id` or `msgid` nothing else is required.
const NO_ID: Cond = Cond::NoneOf(&["id", "msgid"]);

static EMBEDDED_MESSAGE: Shape = Shape {
    name: "EmbeddedMessage",
    fields: &[
        f("id", Str, Opt),
        f("msgid", Str, Opt),
        f("type", StrIn(MESSAGE_TYPES), Opt),
        f("text", Str, Opt),
        f("file_name", Str, Opt),
        f("file_size", SIZE, Opt),
        f("media_duration", SIZE, Opt),
        f("location", Obj(&LOCATION), Opt),
        f("contact", Obj(&CONTACT), Opt),
        f("timestamp", UNIX_S, Opt),
        f("msec_timestamp", UNIX_MS, Opt),
        f("sender", Obj(&EMBEDDED_USER), Opt),
    ],
    rules: &[
        req(&["type"], &[NO_ID]),
        req(&["text"], &[NO_ID, Cond::StrIs("type", &["text"])]),
        req(&["location"], &[NO_ID, Cond::StrIs("type", &["location"])]),
        req(&["contact"], &[NO_ID, Cond::StrIs("type", &["contact"])]),
        req(&["timestamp"], &[NO_ID]),
        req(&["msec_timestamp"], &[NO_ID]),
        req(&["sender"], &[NO_ID]),
    ],
};

/// embedded_user: with `id` or `ref_id` nothing else is required.
static EMBEDDED_USER: Shape = Shape {
    name: "EmbeddedUser",
    fields: &[
        f("id", Str, Opt),
        f("ref_id", Str, Opt),
        f("name", Str, Opt),
    ],
    rules: &[req(&["name"], &[Cond::NoneOf(&["id", "ref_id"])])],
};

/// message.delivery_status (edit_message only). The docs' table spells `error_сode` with a
/// Cyrillic `с`; the real key is ASCII, and the look-alike gets a did-you-mean warning.
static EDIT_DELIVERY_STATUS: Shape = Shape {
    name: "EditDeliveryStatus",
    fields: &[
        f("status_code", STATUS, Req),
        f("error_code", ERROR_CODE, Opt),
        f("error", Str, Opt),
    ],
    rules: &[
        req(&["error_code"], &[Cond::IntIs("status_code", -1)]),
        req(
            &["error"],
            &[Cond::AnyOf(&[
                Cond::IntIs("status_code", -1),
                Cond::IntIs("error_code", 905),
            ])],
        ),
    ],
};

// ---- delivery_status: POST /v2/origin/custom/{scope_id}/{msgid}/delivery_status ----------
// Current docs: {status_code, error_code?, error?}. Older docs (and the PHP samples still):
// {msgid, delivery_status, error_code, error}. Both are accepted (SPEC §5.2, §5.7).

pub(crate) static DELIVERY_STATUS: Shape = Shape {
    name: "DeliveryStatusRequest",
    fields: &[
        f("status_code", STATUS, Opt),
        f("error_code", ERROR_CODE, Opt),
        f("error", Str, Opt),
        // Older docs: must equal the `{msgid}` of the path (checked with the route).
        f("msgid", Str, Opt),
        // Older docs' name of `status_code`.
        f("delivery_status", STATUS, Opt),
    ],
    rules: &[
        one_of(&["status_code", "delivery_status"], &[]),
        Rule::NotTogether {
            fields: &["status_code", "delivery_status"],
            when: &[],
        },
        // A status of -1 (error) needs its error code and, like 905 "any other", its text
        // (shown to the user).
        req(
            &["error_code"],
            &[Cond::AnyOf(&[
                Cond::IntIs("status_code", -1),
                Cond::IntIs("delivery_status", -1),
            ])],
        ),
        req(
            &["error"],
            &[Cond::AnyOf(&[
                Cond::IntIs("status_code", -1),
                Cond::IntIs("delivery_status", -1),
                Cond::IntIs("error_code", 905),
            ])],
        ),
    ],
};

// ---- history: GET /v2/origin/custom/{scope_id}/chats/{conversation_id}/history -----------
// The query string, as an object: {"limit": 50, "offset": 0}.

pub(crate) static HISTORY_QUERY: Shape = Shape {
    name: "HistoryQuery",
    fields: &[
        f(
            "offset",
            Int {
                min: Some(0),
                max: None,
                unit: None,
            },
            Opt,
        ),
        f(
            "limit",
            Int {
                min: Some(1),
                max: Some(50),
                unit: None,
            },
            Opt,
        ),
    ],
    rules: &[],
};

// ---- typing: POST /v2/origin/custom/{scope_id}/typing ------------------------------------

static ID_ONLY: Shape = Shape {
    name: "IdRef",
    fields: &[f("id", Str, Req)],
    rules: &[],
};

pub(crate) static TYPING: Shape = Shape {
    name: "TypingRequest",
    fields: &[
        f("conversation_id", Str, Req),
        // Default 5000 ms.
        f("duration_ms", SIZE, Opt),
        f("sender", Obj(&ID_ONLY), Req),
    ],
    rules: &[],
};

// ---- react: POST /v2/origin/custom/{scope_id}/react --------------------------------------

static REACT_USER: Shape = Shape {
    name: "ReactUser",
    fields: &[
        f("id", Str, Opt),
        // Needed when reacting as a manager.
        f("ref_id", Str, Opt),
    ],
    rules: &[one_of(&["id", "ref_id"], &[])],
};

pub(crate) static REACT: Shape = Shape {
    name: "ReactRequest",
    fields: &[
        f("conversation_id", Str, Opt),
        f("conversation_ref_id", Str, Opt),
        f("id", Str, Opt),
        f("msgid", Str, Opt),
        f("user", Obj(&REACT_USER), Req),
        f("type", StrIn(&["react", "unreact"]), Req),
        f("emoji", Str, Opt),
    ],
    rules: &[
        one_of(&["conversation_id", "conversation_ref_id"], &[]),
        one_of(&["id", "msgid"], &[]),
        Rule::Recommend {
            field: "emoji",
            when: &[Cond::StrIs("type", &["react"])],
        },
    ],
};

// ---- hooks (amoCRM → integration; chat-webhooks.md; lenient, SPEC §5.4) ------------------
// Required: only the envelope that makes a hook usable. What amoCRM always sends is expected
// (a warning when absent); the tables and the examples disagree in places, and both pass.

/// A participant as amoCRM describes it (hooks, responses).
static CHAT_USER: Shape = Shape {
    name: "ChatUser",
    fields: &[
        f("id", Str, Rec),
        f("client_id", Str, Opt),
        f("ref_id", Str, Opt),
        f("name", Str, Opt),
        f("avatar", Str, Opt),
        f("phone", Str, Opt),
        f("email", Str, Opt),
    ],
    rules: &[],
};

/// `client_id` is absent for chats a manager started ("Написать первым").
static HOOK_CONVERSATION: Shape = Shape {
    name: "HookConversation",
    fields: &[f("id", Str, Rec), f("client_id", Str, Opt)],
    rules: &[],
};

static HOOK_SOURCE: Shape = Shape {
    name: "HookSource",
    fields: &[f("external_id", Str, Opt)],
    rules: &[],
};

/// message.message.post of a comment-reply hook.
static HOOK_POST: Shape = Shape {
    name: "HookPost",
    fields: &[f("id", Str, Rec)],
    rules: &[],
};

/// The message types a hook documents (chat-webhooks.md).
const HOOK_MESSAGE_TYPES: &[&str] = &[
    "text", "file", "video", "picture", "voice", "audio", "sticker",
];

static HOOK_MESSAGE_BODY: Shape = Shape {
    name: "HookMessageBody",
    fields: &[
        f("id", Str, Rec),
        f("type", StrIn(HOOK_MESSAGE_TYPES), Rec),
        f("text", Str, Opt),
        f("tag", Str, Opt),
        f("media", Str, Opt),
        f("thumbnail", Str, Opt),
        f("file_name", Str, Opt),
        f("file_size", INT, Opt),
        f("media_group_id", Str, Opt),
        f("markup", Any, Opt),
        f("template", Any, Opt),
        f("reply_to", Any, Opt),
        f("forwards", Any, Opt),
        // A reply to a comment ("Хук об ответе на комментарий").
        f("post", Obj(&HOOK_POST), Opt),
    ],
    rules: &[],
};

static HOOK_MESSAGE: Shape = Shape {
    name: "HookMessage",
    fields: &[
        f("receiver", Obj(&CHAT_USER), Rec),
        f("sender", Obj(&CHAT_USER), Rec),
        f("conversation", Obj(&HOOK_CONVERSATION), Req),
        f("source", Obj(&HOOK_SOURCE), Opt),
        f("timestamp", INT, Rec),
        f("msec_timestamp", INT, Rec),
        f("message", Obj(&HOOK_MESSAGE_BODY), Req),
    ],
    rules: &[],
};

pub(crate) static WEBHOOK_MESSAGE: Shape = Shape {
    name: "WebhookMessage",
    fields: &[
        f("account_id", Str, Rec),
        f("time", INT, Rec),
        f("message", Obj(&HOOK_MESSAGE), Req),
    ],
    rules: &[],
};

/// The user of a typing or reaction hook.
static HOOK_USER_REF: Shape = Shape {
    name: "HookUserRef",
    fields: &[f("id", Str, Rec)],
    rules: &[],
};

static HOOK_TYPING: Shape = Shape {
    name: "HookTyping",
    fields: &[
        // The example's place; the table names `action[user][id]` (both pass).
        f("user", Obj(&HOOK_USER_REF), Opt),
        f("conversation", Obj(&HOOK_CONVERSATION), Req),
        f("expired_at", INT, Rec),
        // Only while a manager types a reply to a comment.
        f("post_id", Str, Opt),
    ],
    rules: &[],
};

static HOOK_TYPING_ACTION: Shape = Shape {
    name: "HookTypingAction",
    fields: &[
        f("typing", Obj(&HOOK_TYPING), Req),
        // The table's place of the user.
        f("user", Obj(&HOOK_USER_REF), Opt),
    ],
    rules: &[],
};

pub(crate) static WEBHOOK_TYPING: Shape = Shape {
    name: "WebhookTyping",
    fields: &[
        f("account_id", Str, Rec),
        f("time", INT, Rec),
        f("action", Obj(&HOOK_TYPING_ACTION), Req),
    ],
    rules: &[],
};

/// action.reaction.message: the table's form (the example sends `msgid` instead).
static HOOK_REACTION_MESSAGE: Shape = Shape {
    name: "HookReactionMessage",
    fields: &[
        f("id", Str, Rec),
        f("client_id", Str, Opt),
        f("receiver", Obj(&CHAT_USER), Opt),
        f("sender", Obj(&CHAT_USER), Opt),
        f("timestamp", INT, Opt),
        f("msec_timestamp", INT, Opt),
    ],
    rules: &[],
};

static HOOK_REACTION: Shape = Shape {
    name: "HookReaction",
    fields: &[
        f("msgid", Str, Opt),
        f("message", Obj(&HOOK_REACTION_MESSAGE), Opt),
        f("user", Obj(&HOOK_USER_REF), Rec),
        f("conversation", Obj(&HOOK_CONVERSATION), Req),
        f("type", StrIn(&["react", "unreact"]), Req),
        f("emoji", Str, Opt),
    ],
    // Without either, the hook does not say which message it is about.
    rules: &[one_of(&["msgid", "message"], &[])],
};

static HOOK_REACTION_ACTION: Shape = Shape {
    name: "HookReactionAction",
    fields: &[f("reaction", Obj(&HOOK_REACTION), Req)],
    rules: &[],
};

pub(crate) static WEBHOOK_REACTION: Shape = Shape {
    name: "WebhookReaction",
    fields: &[
        f("account_id", Str, Rec),
        f("time", INT, Rec),
        f("action", Obj(&HOOK_REACTION_ACTION), Req),
    ],
    rules: &[],
};

/// Hook API v1: the flat body ("Хук сообщения v1 (deprecated)"); `receiver` is the client's
/// id in the integration. SPEC §5.9.
pub(crate) static WEBHOOK_MESSAGE_V1: Shape = Shape {
    name: "WebhookMessageV1",
    fields: &[
        f("receiver", Str, Rec),
        f("sender", Any, Opt),
        f("conversation_id", Str, Req),
        f("timestamp", INT, Opt),
        f("msec_timestamp", INT, Rec),
        f("type", StrIn(&["text", "file", "video", "picture"]), Rec),
        f("text", Str, Opt),
        f("media", Str, Opt),
        f("thumbnail", Str, Opt),
        f("file_name", Str, Opt),
        f("file_size", INT, Opt),
    ],
    rules: &[],
};

// ---- responses (API → integration; the current docs' response tables; lenient) -----------
// Required: what the call is for (the scope id, the chat id, the message ids, the list).

pub(crate) static CONNECT_RESPONSE: Shape = Shape {
    name: "ConnectResponse",
    fields: &[
        f("account_id", Str, Rec),
        f("hook_api_version", StrIn(&["v1", "v2"]), Opt),
        f("title", Str, Opt),
        // `{channel_id}_{account_id}`
        f("scope_id", Str, Req),
        f("is_time_window_disabled", Bool, Opt),
    ],
    rules: &[],
};

pub(crate) static CREATE_CHAT_RESPONSE: Shape = Shape {
    name: "CreateChatResponse",
    fields: &[f("id", Str, Req), f("user", Obj(&CHAT_USER), Rec)],
    rules: &[],
};

/// new_message of a send (or comment) response. The older docs list `msgid` and `ref_id`
/// only.
static SENT_MESSAGE: Shape = Shape {
    name: "SentMessage",
    fields: &[
        f("conversation_id", Str, Opt),
        f("sender_id", Str, Opt),
        f("receiver_id", Str, Opt),
        // amoCRM's id of the message.
        f("msgid", Str, Rec),
        // The integration's id of the message.
        f("ref_id", Str, Opt),
    ],
    rules: &[],
};

pub(crate) static SEND_MESSAGE_RESPONSE: Shape = Shape {
    name: "SendMessageResponse",
    fields: &[f("new_message", Obj(&SENT_MESSAGE), Req)],
    rules: &[],
};

static HISTORY_MESSAGE: Shape = Shape {
    name: "HistoryMessage",
    fields: &[
        f("id", Str, Rec),
        f("client_id", Str, Opt),
        f("type", StrIn(MESSAGE_TYPES), Rec),
        f("text", Str, Opt),
        f("media", Str, Opt),
        f("thumbnail", Str, Opt),
        f("file_name", Str, Opt),
        // int in the current docs (a string in the older table; every example shows 0).
        f("file_size", INT, Opt),
        f("media_group_id", Str, Opt),
        f("location", Obj(&LOCATION), Opt),
        f("contact", Obj(&CONTACT), Opt),
    ],
    rules: &[],
};

static HISTORY_ENTRY: Shape = Shape {
    name: "HistoryEntry",
    fields: &[
        f("timestamp", INT, Rec),
        f("msec_timestamp", INT, Opt),
        f("sender", Obj(&CHAT_USER), Rec),
        f("receiver", Obj(&CHAT_USER), Opt),
        f("message", Obj(&HISTORY_MESSAGE), Rec),
    ],
    rules: &[],
};

/// A 200's body; a chat without messages answers 204 with no body.
pub(crate) static HISTORY_RESPONSE: Shape = Shape {
    name: "HistoryResponse",
    fields: &[f(
        "messages",
        Arr {
            item: &Obj(&HISTORY_ENTRY),
            min: 0,
            max: usize::MAX,
        },
        Req,
    )],
    rules: &[],
};
