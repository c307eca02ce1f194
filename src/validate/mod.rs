//! Validation of request and webhook bodies against the documented field rules (SPEC §2, §3).
//!
//! The rules live in one table per endpoint (`rules.rs`), read top to bottom like the
//! docs' tables; this module is the engine that walks a JSON value through them.

mod messages;
mod request;
pub(crate) mod rules;
#[cfg(feature = "schema")]
mod schema;
mod suggest;
#[cfg(feature = "schema")]
mod typescript;

use std::str::FromStr;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

pub use crate::endpoint::Endpoint;
use crate::endpoint::ParseNameError;
use crate::json::{self, Entries, Node, Num, Path, lookup, push_usize, same_key};
use rules::{Cond, Field, Kind, P, Rule, Shape};

pub use request::{validate_query, validate_request};
#[cfg(feature = "schema")]
pub use schema::{INEXPRESSIBLE, json_schema, schema_index};
pub(crate) use suggest::suggest;
#[cfg(feature = "schema")]
pub use typescript::typescript_declarations;

/// Default cap on the number of issues reported (errors and warnings together).
pub const DEFAULT_MAX_ISSUES: usize = 100;
/// Default largest body validated: 1 MiB (the API's bodies are a few KiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default deepest nesting parsed: 32 (the deepest documented body nests 6 levels).
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// The rule table of an endpoint's body.
pub(crate) fn shape(e: Endpoint) -> &'static Shape {
    match e {
        Endpoint::Connect => &rules::CONNECT,
        Endpoint::Disconnect => &rules::DISCONNECT,
        Endpoint::CreateChat => &rules::CREATE_CHAT,
        Endpoint::SendMessage => &rules::SEND_MESSAGE,
        Endpoint::DeliveryStatus => &rules::DELIVERY_STATUS,
        Endpoint::History => &rules::HISTORY_QUERY,
        Endpoint::Typing => &rules::TYPING,
        Endpoint::React => &rules::REACT,
        Endpoint::WebhookMessage => &rules::WEBHOOK_MESSAGE,
        Endpoint::WebhookTyping => &rules::WEBHOOK_TYPING,
        Endpoint::WebhookReaction => &rules::WEBHOOK_REACTION,
        Endpoint::WebhookMessageV1 => &rules::WEBHOOK_MESSAGE_V1,
        Endpoint::ConnectResponse => &rules::CONNECT_RESPONSE,
        Endpoint::CreateChatResponse => &rules::CREATE_CHAT_RESPONSE,
        Endpoint::SendMessageResponse => &rules::SEND_MESSAGE_RESPONSE,
        Endpoint::HistoryResponse => &rules::HISTORY_RESPONSE,
    }
}

/// Every field name of every rule table (requests, hooks, responses), sorted, each once:
/// what a fuzzer or a property test builds bodies from, so that they follow the tables.
pub fn field_names() -> Vec<&'static str> {
    fn walk(kind: &Kind, seen: &mut Vec<&'static str>, names: &mut Vec<&'static str>) {
        match kind {
            Kind::Obj(shape) if !seen.contains(&shape.name) => {
                seen.push(shape.name);
                for f in shape.fields {
                    names.push(f.name);
                    walk(&f.kind, seen, names);
                }
            }
            Kind::Arr { item, .. } => walk(item, seen, names),
            _ => {}
        }
    }
    let (mut seen, mut names) = (Vec::new(), Vec::new());
    for e in Endpoint::ALL {
        walk(&Kind::Obj(shape(e)), &mut seen, &mut names);
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// Language of issue messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (default).
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// `"en"` or `"ru"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }
}

impl FromStr for Lang {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Self, ParseNameError> {
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| ParseNameError::new("language", s, &Lang::ALL.map(Lang::as_str)))
    }
}

/// A JSON type, as named in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `null`
    Null,
    /// `true`/`false`
    Boolean,
    /// An integer number.
    Integer,
    /// Any number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// Lower-case name (`integer`, `string`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// The type of a value (an integer-valued number is `Integer` only when written
    /// without a fraction or exponent).
    pub fn of(v: &Value) -> JsonType {
        JsonType::of_node(&Node::from(v))
    }

    pub(crate) fn of_node(v: &Node<'_>) -> JsonType {
        match v {
            Node::Null => JsonType::Null,
            Node::Bool(_) => JsonType::Boolean,
            Node::Num(Num::Int(_) | Num::Big(_)) => JsonType::Integer,
            Node::Num(Num::Float(f)) if is_negative_zero(*f) => JsonType::Integer,
            Node::Num(_) => JsonType::Number,
            Node::Str(_) => JsonType::String,
            Node::Arr(_) => JsonType::Array,
            Node::Obj(_) => JsonType::Object,
        }
    }
}

/// A stable machine code with the rule's parameters. Match on this, never on messages.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IssueCode {
    /// The body is not JSON (syntax error at line/column).
    InvalidJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Wrong JSON type (strict typing: no coercion).
    Type {
        /// The type the docs require.
        expected: JsonType,
        /// The type found.
        found: JsonType,
    },
    /// A required field is absent.
    Required,
    /// At least one of these fields is required.
    RequiredOneOf {
        /// The alternatives.
        fields: &'static [&'static str],
    },
    /// The value is not one of the allowed values.
    Enum {
        /// The allowed values, as JSON text.
        allowed: Vec<String>,
    },
    /// The string is empty but must not be.
    Empty,
    /// The string is longer than `limit` characters.
    MaxLength {
        /// Maximum number of characters.
        limit: usize,
    },
    /// The string holds characters outside the allowed set (printable ASCII and space).
    Charset,
    /// A number outside `min..=max`.
    Range {
        /// Lower bound, if any.
        min: Option<f64>,
        /// Upper bound, if any.
        max: Option<f64>,
    },
    /// An array with a wrong number of items.
    Items {
        /// Minimum count.
        min: usize,
        /// Maximum count.
        max: usize,
    },
    /// The field is allowed only on the other event (`id` only on `edit_message`, a
    /// comment's `post` only on `new_message`).
    NotAllowed {
        /// The event the field is allowed on.
        event: &'static str,
    },
    /// `msgid` in the body differs from `{msgid}` in the path.
    MsgidMismatch,
    /// A key appears more than once in its object (the last one wins).
    DuplicateKey,
    /// A field not in the docs' field tables (warning), with a suggestion when one is close.
    /// The tables lag the API: this never says the API ignores it.
    UnknownField {
        /// The known field it probably meant.
        suggestion: Option<&'static str>,
    },
    /// A field the docs expect is absent (warning).
    Recommended,
    /// The field is ignored on `edit_message` (warning).
    IgnoredOnEdit,
    /// The field is not part of a comment's payload (warning).
    IgnoredInComment,
    /// An optional field sent as `null`: counted as absent (warning).
    NullValue,
    /// A value the docs call deprecated (`hook_api_version` `v1`: v1 hooks are no longer
    /// sent) (warning).
    Deprecated,
    /// Fields that say the same thing, given together (warning): which one the API reads is
    /// not documented.
    Ambiguous {
        /// The fields.
        fields: &'static [&'static str],
    },
    /// A value outside the documented ones that practice shows accepted (a delivery status
    /// `0`), or an undocumented value in a body amoCRM sent (warning).
    UndocumentedValue {
        /// The documented values, as JSON text.
        allowed: Vec<String>,
    },
    /// A timestamp that looks like it is in the wrong unit (warning).
    Unit {
        /// `seconds` or `milliseconds`: what the field takes.
        expected: &'static str,
    },
    /// A string that should be an http(s) URL (warning).
    Format {
        /// What was expected (`url`).
        expected: &'static str,
    },
    /// No endpoint has this path.
    UnknownRoute,
    /// The endpoint exists but takes another method.
    MethodNotAllowed {
        /// The method it takes.
        allowed: &'static str,
    },
    /// A body was given where the request must have none (GET history).
    BodyNotEmpty,
    /// The body is larger than the configured limit; it was not parsed.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body nests deeper than the configured limit.
    TooDeep {
        /// The limit in levels.
        limit: usize,
    },
}

impl IssueCode {
    /// Every code that reports an error (the body would be refused).
    pub const ERROR_CODES: &'static [&'static str] = &[
        "invalid_json",
        "type",
        "required",
        "required_one_of",
        "enum",
        "empty",
        "max_length",
        "charset",
        "range",
        "items",
        "not_allowed",
        "msgid_mismatch",
        "unknown_route",
        "method_not_allowed",
        "body_not_empty",
        "too_large",
        "too_deep",
    ];

    /// Every code that reports a warning (accepted, but likely a mistake). `max_length` is
    /// both: an `external_id` of 37–40 characters warns, longer is an error.
    pub const WARNING_CODES: &'static [&'static str] = &[
        "unknown_field",
        "duplicate_key",
        "recommended",
        "ignored_on_edit",
        "ignored_in_comment",
        "null_value",
        "deprecated",
        "ambiguous",
        "undocumented_value",
        "unit",
        "format",
        "max_length",
    ];

    /// Stable code string.
    pub fn code(&self) -> &'static str {
        match self {
            IssueCode::InvalidJson { .. } => "invalid_json",
            IssueCode::Type { .. } => "type",
            IssueCode::Required => "required",
            IssueCode::RequiredOneOf { .. } => "required_one_of",
            IssueCode::Enum { .. } => "enum",
            IssueCode::Empty => "empty",
            IssueCode::MaxLength { .. } => "max_length",
            IssueCode::Charset => "charset",
            IssueCode::Range { .. } => "range",
            IssueCode::Items { .. } => "items",
            IssueCode::NotAllowed { .. } => "not_allowed",
            IssueCode::MsgidMismatch => "msgid_mismatch",
            IssueCode::DuplicateKey => "duplicate_key",
            IssueCode::UnknownField { .. } => "unknown_field",
            IssueCode::Recommended => "recommended",
            IssueCode::IgnoredOnEdit => "ignored_on_edit",
            IssueCode::IgnoredInComment => "ignored_in_comment",
            IssueCode::NullValue => "null_value",
            IssueCode::Deprecated => "deprecated",
            IssueCode::Ambiguous { .. } => "ambiguous",
            IssueCode::UndocumentedValue { .. } => "undocumented_value",
            IssueCode::Unit { .. } => "unit",
            IssueCode::Format { .. } => "format",
            IssueCode::UnknownRoute => "unknown_route",
            IssueCode::MethodNotAllowed { .. } => "method_not_allowed",
            IssueCode::BodyNotEmpty => "body_not_empty",
            IssueCode::TooLarge { .. } => "too_large",
            IssueCode::TooDeep { .. } => "too_deep",
        }
    }
}

/// Error (the API would reject the body) or warning (accepted, but likely a mistake).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The body is invalid.
    Error,
    /// The body is valid but suspicious.
    Warning,
}

/// One problem: where (a JSON Pointer into the body), what (a code), and a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// JSON Pointer (RFC 6901) of the offending value, or of the object missing a field
    /// plus that field's name. `""` is the whole body.
    pub path: String,
    /// Machine code with parameters.
    pub code: IssueCode,
    /// Human message in the requested language.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Serialize for Issue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("path", &self.path)?;
        m.serialize_entry("code", self.code.code())?;
        m.serialize_entry("message", &self.message)?;
        match &self.code {
            IssueCode::InvalidJson { line, column } => {
                m.serialize_entry("line", line)?;
                m.serialize_entry("column", column)?;
            }
            IssueCode::Type { expected, found } => {
                m.serialize_entry("expected", expected.as_str())?;
                m.serialize_entry("found", found.as_str())?;
            }
            IssueCode::RequiredOneOf { fields } | IssueCode::Ambiguous { fields } => {
                m.serialize_entry("fields", fields)?
            }
            IssueCode::Enum { allowed } | IssueCode::UndocumentedValue { allowed } => {
                m.serialize_entry("allowed", allowed)?
            }
            IssueCode::NotAllowed { event } => m.serialize_entry("event", event)?,
            IssueCode::MaxLength { limit }
            | IssueCode::TooLarge { limit }
            | IssueCode::TooDeep { limit } => m.serialize_entry("limit", limit)?,
            IssueCode::Range { min, max } => {
                m.serialize_entry("min", min)?;
                m.serialize_entry("max", max)?;
            }
            IssueCode::Items { min, max } => {
                m.serialize_entry("min", min)?;
                m.serialize_entry("max", max)?;
            }
            IssueCode::UnknownField {
                suggestion: Some(s),
            } => m.serialize_entry("suggestion", s)?,
            IssueCode::Unit { expected } | IssueCode::Format { expected } => {
                m.serialize_entry("expected", expected)?
            }
            IssueCode::MethodNotAllowed { allowed } => m.serialize_entry("allowed", allowed)?,
            _ => {}
        }
        m.end()
    }
}

/// Options of a validation call. The limits bound the work done on hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Message language.
    pub lang: Lang,
    /// Most issues reported (errors and warnings together); the verdict counts all.
    pub max_issues: usize,
    /// Largest body validated, in bytes; a larger one is one `too_large` error, unparsed.
    pub max_body_bytes: usize,
    /// Deepest nesting of arrays and objects parsed (at most 128); deeper is `too_deep`.
    pub max_depth: usize,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            lang: Lang::En,
            max_issues: DEFAULT_MAX_ISSUES,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// The verdict on a body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// `true` when there is no error (warnings allowed).
    pub valid: bool,
    /// The endpoint validated against (from the caller or the route).
    #[serde(serialize_with = "ser_endpoint")]
    pub endpoint: Option<Endpoint>,
    /// Errors, in document order.
    pub errors: Vec<Issue>,
    /// Warnings, in document order.
    pub warnings: Vec<Issue>,
    /// `true` when issues were left out because of `max_issues`.
    pub truncated: bool,
}

impl Report {
    /// The report as compact JSON text: the same bytes as `serde_json::to_string(&report)`
    /// (the shape the CLI prints and the npm package returns), written without serde.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(96 + 160 * (self.errors.len() + self.warnings.len()));
        out.push_str(if self.valid {
            "{\"valid\":true,\"endpoint\":"
        } else {
            "{\"valid\":false,\"endpoint\":"
        });
        match self.endpoint {
            Some(e) => str_json(e.as_str(), &mut out),
            None => out.push_str("null"),
        }
        for (name, list) in [("errors", &self.errors), ("warnings", &self.warnings)] {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str("\":[");
            for (i, issue) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                issue.write_json(&mut out);
            }
            out.push(']');
        }
        out.push_str(if self.truncated {
            ",\"truncated\":true}"
        } else {
            ",\"truncated\":false}"
        });
        out
    }
}

fn str_json(s: &str, out: &mut String) {
    json::write_string(s, json::BodyStyle::Compact, out);
}

fn usize_json(n: usize, out: &mut String) {
    push_usize(out, n);
}

fn f64_json(f: Option<f64>, out: &mut String) {
    match f {
        Some(f) => json::write_number(Num::Float(f), json::BodyStyle::Compact, out),
        None => out.push_str("null"),
    }
}

impl Issue {
    /// As `serde_json::to_string(&issue)` (see [`Issue`]'s `Serialize`).
    fn write_json(&self, out: &mut String) {
        let key = |k: &str, out: &mut String| {
            out.push_str(",\"");
            out.push_str(k);
            out.push_str("\":");
        };
        out.push_str("{\"path\":");
        str_json(&self.path, out);
        out.push_str(",\"code\":\"");
        out.push_str(self.code.code());
        out.push_str("\",\"message\":");
        str_json(&self.message, out);
        match &self.code {
            IssueCode::InvalidJson { line, column } => {
                key("line", out);
                usize_json(*line, out);
                key("column", out);
                usize_json(*column, out);
            }
            IssueCode::Type { expected, found } => {
                key("expected", out);
                str_json(expected.as_str(), out);
                key("found", out);
                str_json(found.as_str(), out);
            }
            IssueCode::RequiredOneOf { fields } | IssueCode::Ambiguous { fields } => {
                key("fields", out);
                out.push('[');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    str_json(f, out);
                }
                out.push(']');
            }
            IssueCode::NotAllowed { event } => {
                key("event", out);
                str_json(event, out);
            }
            IssueCode::Enum { allowed } | IssueCode::UndocumentedValue { allowed } => {
                key("allowed", out);
                out.push('[');
                for (i, a) in allowed.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    str_json(a, out);
                }
                out.push(']');
            }
            IssueCode::MaxLength { limit }
            | IssueCode::TooLarge { limit }
            | IssueCode::TooDeep { limit } => {
                key("limit", out);
                usize_json(*limit, out);
            }
            IssueCode::Range { min, max } => {
                key("min", out);
                f64_json(*min, out);
                key("max", out);
                f64_json(*max, out);
            }
            IssueCode::Items { min, max } => {
                key("min", out);
                usize_json(*min, out);
                key("max", out);
                usize_json(*max, out);
            }
            IssueCode::UnknownField {
                suggestion: Some(s),
            } => {
                key("suggestion", out);
                str_json(s, out);
            }
            IssueCode::Unit { expected } | IssueCode::Format { expected } => {
                key("expected", out);
                str_json(expected, out);
            }
            IssueCode::MethodNotAllowed { allowed } => {
                key("allowed", out);
                str_json(allowed, out);
            }
            _ => {}
        }
        out.push('}');
    }
}

fn ser_endpoint<S: serde::Serializer>(e: &Option<Endpoint>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_str(e.as_str()),
        None => s.serialize_none(),
    }
}

/// Whether the message being validated is new or an edit (send_message only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    New,
    Edit,
}

pub(crate) struct Ctx {
    mode: Mode,
    lenient: bool,
    opts: ValidateOptions,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    error_count: usize,
    truncated: bool,
}

impl Ctx {
    fn new(opts: ValidateOptions, lenient: bool) -> Self {
        Ctx {
            mode: Mode::New,
            lenient,
            opts,
            errors: Vec::new(),
            warnings: Vec::new(),
            error_count: 0,
            truncated: false,
        }
    }

    fn push(&mut self, severity: Severity, path: &str, code: IssueCode) {
        if severity == Severity::Error {
            self.error_count += 1;
        }
        if self.full() {
            self.truncated = true;
            return;
        }
        let message = messages::message(&code, path, self.opts.lang);
        let issue = Issue {
            path: path.to_owned(),
            code,
            message,
            severity,
        };
        match severity {
            Severity::Error => self.errors.push(issue),
            Severity::Warning => self.warnings.push(issue),
        }
    }

    fn full(&self) -> bool {
        self.errors.len() + self.warnings.len() >= self.opts.max_issues
    }

    /// Reports at `at`; the pointer is only spelled out when the issue is kept.
    fn push_at(&mut self, severity: Severity, at: &Path<'_>, code: IssueCode) {
        if self.full() {
            if severity == Severity::Error {
                self.error_count += 1;
            }
            self.truncated = true;
            return;
        }
        self.push(severity, &at.pointer(), code);
    }

    fn error_at(&mut self, at: &Path<'_>, code: IssueCode) {
        self.push_at(Severity::Error, at, code);
    }

    fn warn_at(&mut self, at: &Path<'_>, code: IssueCode) {
        self.push_at(Severity::Warning, at, code);
    }

    fn error(&mut self, path: &str, code: IssueCode) {
        self.push(Severity::Error, path, code);
    }

    fn warn(&mut self, path: &str, code: IssueCode) {
        self.push(Severity::Warning, path, code);
    }

    fn finish(self, endpoint: Option<Endpoint>) -> Report {
        Report {
            valid: self.error_count == 0,
            endpoint,
            errors: self.errors,
            warnings: self.warnings,
            truncated: self.truncated,
        }
    }
}

/// Validates raw body bytes (or, for `history`, a JSON object `{"limit": 50, "offset": 0}`).
pub fn validate(endpoint: Endpoint, body: &[u8], opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, endpoint.is_lenient());
    validate_bytes_into(endpoint, body, &mut cx);
    cx.finish(Some(endpoint))
}

/// Validates an already parsed JSON value.
pub fn validate_value(endpoint: Endpoint, value: &Value, opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, endpoint.is_lenient());
    check_root(endpoint, &Node::from(value), &mut cx);
    cx.finish(Some(endpoint))
}

pub(crate) fn validate_bytes_into<'b>(
    endpoint: Endpoint,
    body: &'b [u8],
    cx: &mut Ctx,
) -> Option<Node<'b>> {
    if body.len() > cx.opts.max_body_bytes {
        cx.error(
            "",
            IssueCode::TooLarge {
                limit: cx.opts.max_body_bytes,
            },
        );
        return None;
    }
    let blank = body.iter().all(|b| b.is_ascii_whitespace());
    if blank && endpoint == Endpoint::History {
        // No query parameters at all: the server's defaults apply.
        let empty = Node::Obj(Vec::new());
        check_root(endpoint, &empty, cx);
        return Some(empty);
    }
    if blank {
        cx.error("", IssueCode::InvalidJson { line: 1, column: 1 });
        return None;
    }
    match json::parse_node(body, cx.opts.max_depth) {
        Ok(parsed) => {
            for p in &parsed.duplicate_keys {
                cx.warn(p, IssueCode::DuplicateKey);
            }
            check_root(endpoint, &parsed.node, cx);
            Some(parsed.node)
        }
        Err(e) => {
            cx.push_json_error(&e);
            None
        }
    }
}

impl Ctx {
    fn push_json_error(&mut self, e: &json::JsonError) {
        self.error_count += 1;
        if self.full() {
            self.truncated = true;
            return;
        }
        let code = if e.too_deep {
            IssueCode::TooDeep {
                limit: self.opts.max_depth.min(json::MAX_PARSE_DEPTH),
            }
        } else {
            IssueCode::InvalidJson {
                line: e.line,
                column: e.column,
            }
        };
        let message = if e.too_deep {
            messages::message(&code, "", self.opts.lang)
        } else {
            messages::json_error(e, self.opts.lang)
        };
        self.errors.push(Issue {
            path: String::new(),
            code,
            message,
            severity: Severity::Error,
        });
    }
}

fn check_root(endpoint: Endpoint, value: &Node<'_>, cx: &mut Ctx) {
    if endpoint == Endpoint::SendMessage {
        cx.mode = match value.get("event_type").and_then(Node::as_str) {
            Some("edit_message") => Mode::Edit,
            _ => Mode::New,
        };
    }
    check_kind(&Kind::Obj(shape(endpoint)), value, &Path::ROOT, cx);
}

/// The JSON type a kind expects (for a `null` where a value is required).
fn json_type(kind: &Kind) -> JsonType {
    match kind {
        Kind::Str | Kind::Url | Kind::UrlOrEmpty | Kind::ExternalId | Kind::StrIn(_) => {
            JsonType::String
        }
        Kind::Int { .. } | Kind::IntIn { .. } => JsonType::Integer,
        Kind::Num { .. } => JsonType::Number,
        Kind::Bool => JsonType::Boolean,
        Kind::Arr { .. } => JsonType::Array,
        Kind::Obj(_) | Kind::Any => JsonType::Object,
    }
}

/// Enum values as JSON text (`"react"`, `-1`), as issues carry them.
fn str_values(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .map(|a| {
            let mut q = String::with_capacity(a.len() + 2);
            q.push('"');
            q.push_str(a);
            q.push('"');
            q
        })
        .collect()
}

fn int_values(values: &[i64]) -> Vec<String> {
    values
        .iter()
        .map(|&a| {
            let mut t = String::new();
            json::write_number(Num::Int(a), json::BodyStyle::Compact, &mut t);
            t
        })
        .collect()
}

fn check_kind(kind: &Kind, v: &Node<'_>, at: &Path<'_>, cx: &mut Ctx) {
    let found = JsonType::of_node(v);
    let type_err = |cx: &mut Ctx, at: &Path<'_>, expected| {
        cx.error_at(at, IssueCode::Type { expected, found });
    };
    match kind {
        Kind::Any => {}
        Kind::Str | Kind::Url | Kind::UrlOrEmpty | Kind::ExternalId | Kind::StrIn(_) => {
            let Some(s) = v.as_str() else {
                return type_err(cx, at, JsonType::String);
            };
            match kind {
                Kind::Url | Kind::UrlOrEmpty
                    if !(is_http_url(s) || (s.is_empty() && matches!(kind, Kind::UrlOrEmpty))) =>
                {
                    cx.warn_at(at, IssueCode::Format { expected: "url" })
                }
                Kind::ExternalId => {
                    let n = s.chars().count();
                    if n > 40 {
                        cx.error_at(at, IssueCode::MaxLength { limit: 40 });
                    } else if n > 36 {
                        cx.warn_at(at, IssueCode::MaxLength { limit: 36 });
                    }
                    if !s.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
                        cx.error_at(at, IssueCode::Charset);
                    }
                }
                Kind::StrIn(allowed) if !allowed.contains(&s) => {
                    let allowed = str_values(allowed);
                    if cx.lenient {
                        cx.warn_at(at, IssueCode::UndocumentedValue { allowed });
                    } else {
                        cx.error_at(at, IssueCode::Enum { allowed });
                    }
                }
                _ => {}
            }
        }
        Kind::Int { min, max, unit } => {
            let Some(n) = as_int(v) else {
                if is_huge_int(v) {
                    return cx.error_at(
                        at,
                        IssueCode::Range {
                            min: min.map(|m| m as f64),
                            max: Some(max.map_or(i64::MAX as f64, |m| m as f64)),
                        },
                    );
                }
                return type_err(cx, at, JsonType::Integer);
            };
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                cx.error_at(
                    at,
                    IssueCode::Range {
                        min: min.map(|m| m as f64),
                        max: max.map(|m| m as f64),
                    },
                );
            } else if let Some(u) = unit {
                let looks_ms = n > crate::date::UNIX_MS_ABOVE;
                if (*u == "seconds" && looks_ms) || (*u == "milliseconds" && n > 0 && !looks_ms) {
                    cx.warn_at(at, IssueCode::Unit { expected: u });
                }
            }
        }
        Kind::IntIn {
            values,
            undocumented,
        } => {
            let n = as_int(v);
            if n.is_none() && !is_huge_int(v) {
                return type_err(cx, at, JsonType::Integer);
            }
            if n.is_some_and(|n| values.contains(&n)) {
                return;
            }
            let allowed = int_values(values);
            if cx.lenient || n.is_some_and(|n| undocumented.contains(&n)) {
                cx.warn_at(at, IssueCode::UndocumentedValue { allowed });
            } else {
                cx.error_at(at, IssueCode::Enum { allowed });
            }
        }
        Kind::Num { min, max } => {
            let n = match v {
                Node::Num(Num::Int(i)) => *i as f64,
                Node::Num(Num::Big(u)) => *u as f64,
                Node::Num(Num::Float(f)) => *f,
                _ => return type_err(cx, at, JsonType::Number),
            };
            if n < *min || n > *max {
                cx.error_at(
                    at,
                    IssueCode::Range {
                        min: Some(*min),
                        max: Some(*max),
                    },
                );
            }
        }
        Kind::Bool => {
            if !matches!(v, Node::Bool(_)) {
                type_err(cx, at, JsonType::Boolean);
            }
        }
        Kind::Obj(shape) => {
            let Some(map) = v.as_obj() else {
                return type_err(cx, at, JsonType::Object);
            };
            check_object(shape, map, at, cx);
        }
        Kind::Arr { item, min, max } => {
            let Node::Arr(items) = v else {
                return type_err(cx, at, JsonType::Array);
            };
            if items.len() < *min || items.len() > *max {
                cx.error_at(
                    at,
                    IssueCode::Items {
                        min: *min,
                        max: *max,
                    },
                );
            }
            for (i, x) in items.iter().enumerate() {
                check_kind(item, x, &at.index(i), cx);
            }
        }
    }
}

/// An integer value: written without fraction or exponent and within i64.
fn as_int(v: &Node<'_>) -> Option<i64> {
    match v {
        Node::Num(Num::Int(i)) => Some(*i),
        Node::Num(Num::Float(f)) if is_negative_zero(*f) => Some(0),
        _ => None,
    }
}

/// `-0` is an integer in JSON's grammar, but serde_json stores it as the float `-0.0`
/// (and cannot tell it from a written `-0.0`, which is therefore accepted as 0 too; the
/// parser keeps that classification).
fn is_negative_zero(f: f64) -> bool {
    f == 0.0 && f.is_sign_negative()
}

/// An integer too large for i64 (`9223372036854775808`): a range problem, not a type one.
fn is_huge_int(v: &Node<'_>) -> bool {
    matches!(v, Node::Num(Num::Big(_)))
}

fn is_http_url(s: &str) -> bool {
    let b = s.as_bytes();
    let has = |scheme: &[u8]| {
        b.len() > scheme.len()
            && b.get(..scheme.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
    };
    has(b"https://") || has(b"http://")
}

/// A field's value, or `None` when absent or `null` (a null counts as absent: SPEC §5.3).
fn field_value<'n, 'a>(map: &'n Entries<'a>, name: &str) -> Option<&'n Node<'a>> {
    lookup(map, name).filter(|v| !matches!(v, Node::Null))
}

/// The value at a relative path of objects, when every step is present and not null.
fn value_at<'n, 'a>(map: &'n Entries<'a>, path: &[&str]) -> Option<&'n Node<'a>> {
    let (last, parents) = path.split_last()?;
    let mut obj = map;
    for p in parents {
        obj = field_value(obj, p)?.as_obj()?;
    }
    field_value(obj, last)
}

fn presence(f: &Field, mode: Mode) -> P {
    match mode {
        Mode::New => f.new,
        Mode::Edit => f.edit,
    }
}

/// The event a field is allowed on when the current one forbids it.
fn other_event(mode: Mode) -> &'static str {
    match mode {
        Mode::New => "edit_message",
        Mode::Edit => "new_message",
    }
}

/// Shapes have at most this many fields (checked by a test); the entry of each field is
/// found in one pass over the object.
pub(crate) const MAX_FIELDS: usize = 32;

fn check_object(shape: &'static Shape, map: &Entries<'_>, at: &Path<'_>, cx: &mut Ctx) {
    // One pass over the entries: which field each is (keys are unique after parsing).
    let mut slots = [usize::MAX; MAX_FIELDS];
    let mut unknown = false;
    for (i, (k, _)) in map.iter().enumerate() {
        match shape.fields.iter().position(|f| same_key(f.name, k)) {
            Some(j) => {
                if let Some(s) = slots.get_mut(j) {
                    *s = i;
                }
            }
            None => unknown = true,
        }
    }
    // Fields in the table's order: presence first, then the value.
    for (j, f) in shape.fields.iter().enumerate() {
        let value = match slots.get(j) {
            Some(&i) => map.get(i).map(|(_, v)| v),
            None => lookup(map, f.name),
        };
        let presence = presence(f, cx.mode);
        if value.is_none() && matches!(presence, P::Opt | P::No | P::Ign) {
            continue;
        }
        let here = at.key(f.name);
        match (value, presence) {
            (None, P::Req) => cx.error_at(&here, IssueCode::Required),
            (None, P::Rec) => cx.warn_at(&here, IssueCode::Recommended),
            (None, _) => {}
            // A null where a value is required is a wrong type (SPEC §5.3).
            (Some(Node::Null), P::Req) => cx.error_at(
                &here,
                IssueCode::Type {
                    expected: json_type(&f.kind),
                    found: JsonType::Null,
                },
            ),
            // Elsewhere null counts as absent: silently in what amoCRM sends, with a
            // warning in requests (SPEC §5.3, §5.4).
            (Some(Node::Null), _) if matches!(f.kind, Kind::Any) => {}
            (Some(Node::Null), _) => {
                if !cx.lenient {
                    cx.warn_at(&here, IssueCode::NullValue);
                }
            }
            (Some(_), P::No) => cx.error_at(
                &here,
                IssueCode::NotAllowed {
                    event: other_event(cx.mode),
                },
            ),
            (Some(_), P::Ign) => cx.warn_at(&here, IssueCode::IgnoredOnEdit),
            (Some(v), _) => check_kind(&f.kind, v, &here, cx),
        }
    }
    for rule in shape.rules {
        check_rule(shape, rule, map, at, cx);
    }
    if unknown && !cx.lenient {
        report_unknown(shape, map, at, cx);
    }
}

/// Warnings for the keys no field of the shape names, each with a did-you-mean.
#[inline(never)]
fn report_unknown(shape: &Shape, map: &Entries<'_>, at: &Path<'_>, cx: &mut Ctx) {
    let known: Vec<&'static str> = shape.fields.iter().map(|f| f.name).collect();
    for (k, _) in map {
        if !known.iter().any(|f| same_key(f, k)) {
            if cx.full() {
                // A warning that would be dropped: skip the did-you-mean work.
                cx.truncated = true;
                continue;
            }
            cx.warn_at(
                &at.key(k),
                IssueCode::UnknownField {
                    suggestion: suggest(k, &known),
                },
            );
        }
    }
}

fn holds(cond: &Cond, map: &Entries<'_>, cx: &Ctx) -> bool {
    match cond {
        Cond::New => cx.mode == Mode::New,
        Cond::Edit => cx.mode == Mode::Edit,
        Cond::Present(path) => value_at(map, path).is_some(),
        Cond::NoneOf(fs) => fs.iter().all(|f| field_value(map, f).is_none()),
        Cond::StrIs(f, vals) => field_value(map, f)
            .and_then(Node::as_str)
            .is_some_and(|s| vals.contains(&s)),
        Cond::IntIs(f, n) => field_value(map, f).and_then(as_int) == Some(*n),
        Cond::AnyOf(cs) => cs.iter().any(|c| holds(c, map, cx)),
    }
}

/// The kind of the field at a relative path of a shape's objects.
fn kind_at(shape: &'static Shape, path: &[&str]) -> Option<&'static Kind> {
    let (first, rest) = path.split_first()?;
    let kind = &shape.field(first)?.kind;
    match (kind, rest.is_empty()) {
        (_, true) => Some(kind),
        (Kind::Obj(inner), false) => kind_at(inner, rest),
        _ => None,
    }
}

fn check_rule(shape: &'static Shape, rule: &Rule, map: &Entries<'_>, at: &Path<'_>, cx: &mut Ctx) {
    if !rule.when().iter().all(|c| holds(c, map, cx)) {
        return;
    }
    match rule {
        Rule::Require { path, .. } => {
            // Walk to the parent object; if an intermediate object is absent or not an
            // object, its own rule reports that.
            let Some((last, parents)) = path.split_last() else {
                return;
            };
            let mut obj = map;
            for p in parents {
                match field_value(obj, p).and_then(Node::as_obj) {
                    Some(o) => obj = o,
                    None => return,
                }
            }
            let code = match lookup(obj, last) {
                Some(Node::Null) => IssueCode::Type {
                    expected: kind_at(shape, path).map_or(JsonType::String, json_type),
                    found: JsonType::Null,
                },
                Some(_) => return,
                None => IssueCode::Required,
            };
            let mut ptr = at.pointer();
            for p in *path {
                ptr.push('/');
                ptr.push_str(&json::escape_pointer(p));
            }
            cx.error(&ptr, code);
        }
        Rule::NonEmpty { field, .. } => {
            if field_value(map, field).and_then(Node::as_str) == Some("") {
                cx.error_at(&at.key(field), IssueCode::Empty);
            }
        }
        Rule::OneOf { fields, .. } => {
            if fields.iter().all(|f| field_value(map, f).is_none()) {
                cx.error_at(at, IssueCode::RequiredOneOf { fields });
            }
        }
        Rule::Recommend { field, .. } => {
            if field_value(map, field).is_none() {
                cx.warn_at(&at.key(field), IssueCode::Recommended);
            }
        }
        Rule::Deprecated { field, .. } => cx.warn_at(&at.key(field), IssueCode::Deprecated),
        Rule::NotTogether { fields, .. } => {
            if fields.iter().all(|f| field_value(map, f).is_some()) {
                cx.warn_at(at, IssueCode::Ambiguous { fields });
            }
        }
        Rule::NotInComment { fields, .. } => {
            for f in *fields {
                if field_value(map, f).is_some() {
                    cx.warn_at(&at.key(f), IssueCode::IgnoredInComment);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(kind: &Kind, seen: &mut Vec<&'static str>) {
        match kind {
            Kind::Obj(shape) => {
                if seen.contains(&shape.name) {
                    return;
                }
                seen.push(shape.name);
                assert!(
                    shape.fields.len() <= MAX_FIELDS,
                    "{} has {} fields; raise MAX_FIELDS",
                    shape.name,
                    shape.fields.len()
                );
                for f in shape.fields {
                    walk(&f.kind, seen);
                }
            }
            Kind::Arr { item, .. } => walk(item, seen),
            _ => {}
        }
    }

    #[test]
    fn field_names_follow_the_tables() {
        let names = field_names();
        for n in [
            "status_code",
            "is_time_window_disabled",
            "duration_ms",
            "conversation_ref_id",
            "shared_post",
            "post",
            "post_id",
            "scope_id",
            "receiver_id",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
    }

    #[test]
    fn every_shape_fits_the_slot_array() {
        let mut seen = Vec::new();
        for e in Endpoint::ALL {
            walk(&Kind::Obj(shape(e)), &mut seen);
        }
        assert!(seen.len() > 20, "{seen:?}");
    }
}
