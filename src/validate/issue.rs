//! The issue model: what a validation reports (codes with their parameters, issues,
//! reports) and its one JSON form.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::json::{self, Node, Num, push_usize};

use super::engine::is_negative_zero;

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

/// A parameter of an issue in its JSON form.
enum Param<'a> {
    Count(usize),
    Text(&'a str),
    Names(&'a [&'static str]),
    Values(&'a [String]),
    Bound(Option<f64>),
}

impl IssueCode {
    /// The code's parameters as its JSON form carries them, in order. The one description of
    /// that shape: the serde form (what the CLI prints) and [`Report::to_json`] (what the
    /// npm package parses) both follow it.
    fn params(&self) -> [Option<(&'static str, Param<'_>)>; 2] {
        use Param::*;
        match self {
            IssueCode::InvalidJson { line, column } => [
                Some(("line", Count(*line))),
                Some(("column", Count(*column))),
            ],
            IssueCode::Type { expected, found } => [
                Some(("expected", Text(expected.as_str()))),
                Some(("found", Text(found.as_str()))),
            ],
            IssueCode::RequiredOneOf { fields } | IssueCode::Ambiguous { fields } => {
                [Some(("fields", Names(fields))), None]
            }
            IssueCode::Enum { allowed } | IssueCode::UndocumentedValue { allowed } => {
                [Some(("allowed", Values(allowed))), None]
            }
            IssueCode::NotAllowed { event } => [Some(("event", Text(event))), None],
            IssueCode::MaxLength { limit }
            | IssueCode::TooLarge { limit }
            | IssueCode::TooDeep { limit } => [Some(("limit", Count(*limit))), None],
            IssueCode::Range { min, max } => {
                [Some(("min", Bound(*min))), Some(("max", Bound(*max)))]
            }
            IssueCode::Items { min, max } => {
                [Some(("min", Count(*min))), Some(("max", Count(*max)))]
            }
            IssueCode::UnknownField {
                suggestion: Some(s),
            } => [Some(("suggestion", Text(s))), None],
            IssueCode::Unit { expected } | IssueCode::Format { expected } => {
                [Some(("expected", Text(expected))), None]
            }
            IssueCode::MethodNotAllowed { allowed } => [Some(("allowed", Text(allowed))), None],
            _ => [None, None],
        }
    }
}

impl Serialize for Param<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Param::Count(n) => s.serialize_u64(*n as u64),
            Param::Text(t) => s.serialize_str(t),
            Param::Names(names) => names.serialize(s),
            Param::Values(values) => values.serialize(s),
            Param::Bound(b) => b.serialize(s),
        }
    }
}

impl Param<'_> {
    /// The value as compact JSON, as serde_json writes it.
    fn write_json(&self, out: &mut String) {
        let list = |items: &mut dyn Iterator<Item = &str>, out: &mut String| {
            out.push('[');
            for (i, item) in items.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                str_json(item, out);
            }
            out.push(']');
        };
        match self {
            Param::Count(n) => push_usize(out, *n),
            Param::Text(t) => str_json(t, out),
            Param::Names(names) => list(&mut names.iter().copied(), out),
            Param::Values(values) => list(&mut values.iter().map(String::as_str), out),
            Param::Bound(Some(f)) => {
                json::write_number(Num::Float(*f), json::BodyStyle::Compact, out)
            }
            Param::Bound(None) => out.push_str("null"),
        }
    }
}

impl Serialize for Issue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("path", &self.path)?;
        m.serialize_entry("code", self.code.code())?;
        m.serialize_entry("message", &self.message)?;
        for (k, v) in self.code.params().into_iter().flatten() {
            m.serialize_entry(k, &v)?;
        }
        m.end()
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

impl Issue {
    /// As `serde_json::to_string(&issue)`: both follow [`IssueCode::params`].
    fn write_json(&self, out: &mut String) {
        out.push_str("{\"path\":");
        str_json(&self.path, out);
        out.push_str(",\"code\":\"");
        out.push_str(self.code.code());
        out.push_str("\",\"message\":");
        str_json(&self.message, out);
        for (k, v) in self.code.params().into_iter().flatten() {
            out.push_str(",\"");
            out.push_str(k);
            out.push_str("\":");
            v.write_json(out);
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
