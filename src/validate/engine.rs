//! The engine: walks a JSON value through an endpoint's rule table (`rules.rs`) and
//! reports every issue, capped.

use crate::json::{self, Entries, Node, Num, Path, lookup, same_key};

use super::issue::{Issue, IssueCode, JsonType, Report, Severity};
use super::rules::{Cond, Field, Kind, P, Rule, Shape};
use super::{Endpoint, ValidateOptions, messages, shape, suggest};

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
    pub(crate) fn new(opts: ValidateOptions, lenient: bool) -> Self {
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

    pub(crate) fn push(&mut self, severity: Severity, path: &str, code: IssueCode) {
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

    pub(crate) fn full(&self) -> bool {
        self.errors.len() + self.warnings.len() >= self.opts.max_issues
    }

    /// Reports at `at`; the pointer is only spelled out when the issue is kept.
    pub(crate) fn push_at(&mut self, severity: Severity, at: &Path<'_>, code: IssueCode) {
        if self.full() {
            if severity == Severity::Error {
                self.error_count += 1;
            }
            self.truncated = true;
            return;
        }
        self.push(severity, &at.pointer(), code);
    }

    pub(crate) fn error_at(&mut self, at: &Path<'_>, code: IssueCode) {
        self.push_at(Severity::Error, at, code);
    }

    pub(crate) fn warn_at(&mut self, at: &Path<'_>, code: IssueCode) {
        self.push_at(Severity::Warning, at, code);
    }

    pub(crate) fn error(&mut self, path: &str, code: IssueCode) {
        self.push(Severity::Error, path, code);
    }

    pub(crate) fn warn(&mut self, path: &str, code: IssueCode) {
        self.push(Severity::Warning, path, code);
    }

    pub(crate) fn finish(self, endpoint: Option<Endpoint>) -> Report {
        Report {
            valid: self.error_count == 0,
            endpoint,
            errors: self.errors,
            warnings: self.warnings,
            truncated: self.truncated,
        }
    }
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
        let too_deep = e.kind == json::JsonErrorKind::TooDeep;
        let code = if too_deep {
            IssueCode::TooDeep {
                limit: self.opts.max_depth.min(json::MAX_PARSE_DEPTH),
            }
        } else {
            IssueCode::InvalidJson {
                line: e.line,
                column: e.column,
            }
        };
        let message = if too_deep {
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

pub(crate) fn check_root(endpoint: Endpoint, value: &Node<'_>, cx: &mut Ctx) {
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
pub(crate) fn is_negative_zero(f: f64) -> bool {
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
