//! The rules, one table per endpoint, in the order of the docs' tables
//! (chat-api-reference.md; SPEC §3 for requests, §2 for hooks).
//!
//! A row is `field(name, kind, presence)`; `P::Req` required, `P::Opt` optional,
//! `P::Rec` expected (warning when absent), `P::No` not allowed (error when present),
//! `P::Ign` ignored (warning when present). send_message rows give the presence on
//! `new_message` and on `edit_message`. Cross-field rules follow each table.

/// What a value must be.
pub(crate) enum Kind {
    /// Any JSON value (hook fields whose shape the docs leave open).
    Any,
    /// A string.
    Str,
    /// A string holding an http(s) URL (warning otherwise).
    Url,
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
    /// One of these integers.
    IntIn(&'static [i64]),
    /// A number (integer or float) within `min..=max`.
    Num { min: f64, max: f64 },
    /// A boolean.
    Bool,
    /// An object with its own table.
    Obj(&'static Shape),
    /// An array of `min..=max` items of one kind.
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
    /// The field is present.
    Present(&'static str),
    /// None of the fields is present.
    NoneOf(&'static [&'static str]),
    /// The field is a string among these.
    StrIs(&'static str, &'static [&'static str]),
    /// The field is this integer.
    IntIs(&'static str, i64),
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
}

impl Rule {
    /// The conditions under which the rule applies (all must hold).
    pub(crate) fn when(&self) -> &'static [Cond] {
        match self {
            Rule::Require { when, .. }
            | Rule::NonEmpty { when, .. }
            | Rule::OneOf { when, .. }
            | Rule::Recommend { when, .. } => when,
        }
    }
}

pub(crate) struct Shape {
    /// A unique type name (TypeScript interface, JSON Schema `$defs` key).
    pub name: &'static str,
    pub fields: &'static [Field],
    pub rules: &'static [Rule],
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

// ---- connect: POST /v2/origin/custom/{channel_id}/connect --------------------------------

pub(crate) static CONNECT: Shape = Shape {
    name: "ConnectRequest",
    fields: &[
        f("account_id", Str, Req),
        f("title", Str, Req),
        // Server default is v1; v2 hooks are what the docs describe.
        f("hook_api_version", StrIn(&["v1", "v2"]), Rec),
    ],
    rules: &[],
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

/// sender / receiver (send_message), user (create_chat)
static USER: Shape = Shape {
    name: "User",
    fields: &[
        f("id", Str, Req),
        f("ref_id", Str, Opt),
        f("name", Str, Req),
        f("avatar", Url, Opt),
        f("profile", Obj(&PROFILE), Opt),
        f("profile_link", Str, Opt),
    ],
    rules: &[],
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

pub(crate) static SEND_MESSAGE: Shape = Shape {
    name: "SendMessageRequest",
    fields: &[
        f("event_type", StrIn(&["new_message", "edit_message"]), Req),
        f("payload", Obj(&PAYLOAD), Req),
    ],
    rules: &[],
};

//                                                       new_message  edit_message
pub(crate) static PAYLOAD: Shape = Shape {
    name: "MessagePayload",
    fields: &[
        fm("timestamp", UNIX_S, Rec, Opt),
        fm("msec_timestamp", UNIX_MS, Rec, Opt),
        fm("conversation_id", Str, Req, Opt),
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
        fm("delivery_status", Obj(&EDIT_DELIVERY_STATUS), No, Opt),
    ],
    rules: &[
        // An outgoing message (receiver given) names its sender in amojo.
        req(
            &["sender", "ref_id"],
            &[Cond::New, Cond::Present("receiver")],
        ),
        // An edit identifies the message by amoCRM's id or the integration's msgid.
        Rule::OneOf {
            fields: &["id", "msgid"],
            when: &[Cond::Edit],
        },
    ],
};

const FILE_TYPES: &[&str] = &["file", "video", "picture"];
const MEDIA_TYPES: &[&str] = &["voice", "audio", "sticker"];

static MESSAGE: Shape = Shape {
    name: "Message",
    fields: &[
        f("type", StrIn(MESSAGE_TYPES), Req),
        f("text", Str, Opt),
        f("media", Url, Opt),
        f("file_name", Str, Opt),
        f("file_size", SIZE, Opt),
        f("sticker_id", Str, Opt),
        f("location", Obj(&LOCATION), Opt),
        f("contact", Obj(&CONTACT), Opt),
        f("callback_data", Str, Opt),
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
        req(&["media"], &[Cond::New, Cond::StrIs("type", MEDIA_TYPES)]),
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

/// payload.delivery_status (edit_message only). The docs' table spells `error_сode` with a
/// Cyrillic `с`; the real key is ASCII, and the look-alike gets a did-you-mean warning.
static EDIT_DELIVERY_STATUS: Shape = Shape {
    name: "EditDeliveryStatus",
    fields: &[
        f("status_code", IntIn(&[1, 2, -1]), Opt),
        f("error_code", IntIn(&[901, 902, 903, 904, 905]), Opt),
        f("error", Str, Opt),
    ],
    rules: &[
        req(&["error_code"], &[Cond::IntIs("status_code", -1)]),
        req(&["error"], &[Cond::IntIs("error_code", 905)]),
    ],
};

// ---- delivery_status: POST /v2/origin/custom/{scope_id}/{msgid}/delivery_status ----------

pub(crate) static DELIVERY_STATUS: Shape = Shape {
    name: "DeliveryStatusRequest",
    fields: &[
        f("msgid", Str, Req),
        // 1 delivered, 2 read, -1 error
        f("delivery_status", IntIn(&[1, 2, -1]), Req),
        f("error_code", IntIn(&[901, 902, 903, 904, 905]), Opt),
        f("error", Str, Opt),
    ],
    rules: &[
        req(&["error_code"], &[Cond::IntIs("delivery_status", -1)]),
        // 905 "any other": the text is shown to the user.
        req(&["error"], &[Cond::IntIs("error_code", 905)]),
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
        f("sender", Obj(&ID_ONLY), Req),
    ],
    rules: &[],
};

// ---- react: POST /v2/origin/custom/{scope_id}/react --------------------------------------

static REACT_USER: Shape = Shape {
    name: "ReactUser",
    fields: &[
        f("id", Str, Req),
        // Needed when reacting as a manager.
        f("ref_id", Str, Opt),
    ],
    rules: &[],
};

pub(crate) static REACT: Shape = Shape {
    name: "ReactRequest",
    fields: &[
        f("conversation_id", Str, Req),
        f("id", Str, Opt),
        f("msgid", Str, Opt),
        f("user", Obj(&REACT_USER), Req),
        f("type", StrIn(&["react", "unreact"]), Req),
        f("emoji", Str, Opt),
    ],
    rules: &[
        Rule::OneOf {
            fields: &["id", "msgid"],
            when: &[],
        },
        Rule::Recommend {
            field: "emoji",
            when: &[Cond::StrIs("type", &["react"])],
        },
    ],
};

// ---- hooks (lenient: extra fields and nulls accepted) ------------------------------------

static HOOK_USER: Shape = Shape {
    name: "HookUser",
    fields: &[
        f("id", Str, Req),
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
    fields: &[f("id", Str, Req), f("client_id", Str, Opt)],
    rules: &[],
};

static HOOK_SOURCE: Shape = Shape {
    name: "HookSource",
    fields: &[f("external_id", Str, Opt)],
    rules: &[],
};

static HOOK_MESSAGE_BODY: Shape = Shape {
    name: "HookMessageBody",
    fields: &[
        f("id", Str, Req),
        f("type", Str, Req),
        f("text", Str, Req),
        f("tag", Str, Opt),
        f("media", Str, Req),
        f("thumbnail", Str, Req),
        f("file_name", Str, Req),
        f("file_size", INT, Req),
        f("media_group_id", Str, Opt),
        f("markup", Any, Opt),
        f("template", Any, Opt),
        f("reply_to", Any, Opt),
        f("forwards", Any, Opt),
    ],
    rules: &[],
};

static HOOK_MESSAGE: Shape = Shape {
    name: "HookMessage",
    fields: &[
        f("receiver", Obj(&HOOK_USER), Req),
        f("sender", Obj(&HOOK_USER), Req),
        f("conversation", Obj(&HOOK_CONVERSATION), Req),
        f("source", Obj(&HOOK_SOURCE), Opt),
        f("timestamp", INT, Req),
        f("msec_timestamp", INT, Req),
        f("message", Obj(&HOOK_MESSAGE_BODY), Req),
    ],
    rules: &[],
};

pub(crate) static WEBHOOK_MESSAGE: Shape = Shape {
    name: "WebhookMessage",
    fields: &[
        f("account_id", Str, Req),
        f("time", INT, Req),
        f("message", Obj(&HOOK_MESSAGE), Req),
    ],
    rules: &[],
};

static HOOK_TYPING: Shape = Shape {
    name: "HookTyping",
    fields: &[
        f("user", Obj(&ID_ONLY), Req),
        f("conversation", Obj(&HOOK_CONVERSATION), Req),
        f("expired_at", INT, Req),
        f("post_id", Any, Opt),
    ],
    rules: &[],
};

static HOOK_TYPING_ACTION: Shape = Shape {
    name: "HookTypingAction",
    fields: &[f("typing", Obj(&HOOK_TYPING), Req)],
    rules: &[],
};

pub(crate) static WEBHOOK_TYPING: Shape = Shape {
    name: "WebhookTyping",
    fields: &[
        f("account_id", Str, Req),
        f("time", INT, Req),
        f("action", Obj(&HOOK_TYPING_ACTION), Req),
    ],
    rules: &[],
};

static HOOK_REACTION: Shape = Shape {
    name: "HookReaction",
    fields: &[
        f("msgid", Str, Opt),
        f("message", Obj(&HOOK_CONVERSATION), Opt),
        f("user", Obj(&ID_ONLY), Req),
        f("conversation", Obj(&HOOK_CONVERSATION), Req),
        f("type", StrIn(&["react", "unreact"]), Req),
        f("emoji", Str, Opt),
    ],
    rules: &[Rule::OneOf {
        fields: &["msgid", "message"],
        when: &[],
    }],
};

static HOOK_REACTION_ACTION: Shape = Shape {
    name: "HookReactionAction",
    fields: &[f("reaction", Obj(&HOOK_REACTION), Req)],
    rules: &[],
};

pub(crate) static WEBHOOK_REACTION: Shape = Shape {
    name: "WebhookReaction",
    fields: &[
        f("account_id", Str, Req),
        f("time", INT, Req),
        f("action", Obj(&HOOK_REACTION_ACTION), Req),
    ],
    rules: &[],
};
