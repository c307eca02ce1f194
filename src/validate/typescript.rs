//! TypeScript declarations of every request, hook and response body, and of the endpoint
//! and issue-code unions, generated from the rule tables
//! (the same tables the validator walks), so the npm package's payload typings cannot drift
//! from the rules. Regenerate with `make generate`; `tests/generated.rs` fails when the
//! committed file is stale.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::rules::{Cond, Field, Kind, P, Rule, Shape};
use super::{Endpoint, IssueCode};

/// Which presence column of a table to emit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    New,
    Edit,
}

fn differs(shape: &Shape) -> bool {
    shape.fields.iter().any(|f| f.new != f.edit)
}

fn type_name(shape: &Shape, v: Variant) -> String {
    match (differs(shape), v) {
        (false, _) => shape.name.to_owned(),
        (true, Variant::New) => format!("New{}", shape.name),
        (true, Variant::Edit) => format!("Edit{}", shape.name),
    }
}

fn kind_ts(kind: &Kind, v: Variant, lenient: bool) -> String {
    match kind {
        Kind::Any => "unknown".to_owned(),
        Kind::Str | Kind::Url | Kind::UrlOrEmpty | Kind::ExternalId => "string".to_owned(),
        Kind::StrIn(vals) => {
            let mut union: Vec<String> = vals.iter().map(|s| format!("\"{s}\"")).collect();
            if lenient {
                // amoCRM may send another value (a warning): keep the names for
                // completion, accept any string.
                union.push("(string & {})".to_owned());
            }
            union.join(" | ")
        }
        Kind::Int { .. } | Kind::Num { .. } => "number".to_owned(),
        Kind::IntIn { .. } if lenient => "number".to_owned(),
        Kind::IntIn {
            values,
            undocumented,
        } => values
            .iter()
            .chain(undocumented.iter())
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(" | "),
        Kind::Bool => "boolean".to_owned(),
        Kind::Obj(s) => type_name(s, v),
        Kind::Arr { item, min, max } if min == max => {
            let one = kind_ts(item, v, lenient);
            format!("[{}]", vec![one; *min].join(", "))
        }
        Kind::Arr { item, .. } => format!("Array<{}>", kind_ts(item, v, lenient)),
    }
}

fn kind_doc(kind: &Kind) -> Option<String> {
    match kind {
        Kind::Url => Some("http(s) URL".to_owned()),
        Kind::UrlOrEmpty => Some("http(s) URL, or \"\" for none".to_owned()),
        Kind::ExternalId => Some(
            "at most 40 printable ASCII characters or spaces (the Sources API keeps 36)".to_owned(),
        ),
        Kind::Int { min, max, unit } => {
            let mut d = "integer".to_owned();
            match (min, max) {
                (Some(a), Some(b)) => {
                    let _ = write!(d, " {a}..{b}");
                }
                (Some(a), None) => {
                    let _ = write!(d, " ≥ {a}");
                }
                (None, Some(b)) => {
                    let _ = write!(d, " ≤ {b}");
                }
                (None, None) => {}
            }
            if let Some(u) = unit {
                let _ = write!(d, ", unix time in {u}");
            }
            Some(d)
        }
        Kind::IntIn { undocumented, .. } if !undocumented.is_empty() => Some(format!(
            "integer; {} accepted with a warning (undocumented)",
            undocumented
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Kind::IntIn { .. } => Some("integer".to_owned()),
        Kind::Num { min, max } => Some(format!("number {min}..{max}")),
        Kind::Arr { min, max, .. } if min == max => Some(format!("exactly {min} item(s)")),
        Kind::Arr { min, max, .. } if *max == usize::MAX => Some(format!("at least {min} items")),
        Kind::Arr { min, max, .. } => Some(format!("{min}..{max} items")),
        _ => None,
    }
}

fn cond_text(c: &Cond) -> String {
    match c {
        Cond::New => "on new_message".to_owned(),
        Cond::Edit => "on edit_message".to_owned(),
        Cond::Present(path) => format!("when `{}` is present", path.join(".")),
        Cond::AnyOf(cs) => {
            let each: Vec<String> = cs
                .iter()
                .map(|c| cond_text(c).trim_start_matches("when ").to_owned())
                .collect();
            format!("when {}", each.join(" or "))
        }
        Cond::NoneOf([f]) => format!("when `{f}` is absent"),
        Cond::NoneOf(fs) => format!("when none of `{}` is present", fs.join("`, `")),
        Cond::StrIs(f, vals) => format!("when `{f}` is {}", vals.join(" | ")),
        Cond::IntIs(f, n) => format!("when `{f}` is {n}"),
    }
}

fn rule_text(r: &Rule) -> String {
    let (what, when) = match r {
        Rule::Require { path, when } => (format!("`{}` is required", path.join(".")), when),
        Rule::NonEmpty { field, when } => (format!("`{field}` must not be empty"), when),
        Rule::OneOf { fields, when } => (
            format!("at least one of `{}` is required", fields.join("`, `")),
            when,
        ),
        Rule::Recommend { field, when } => (format!("`{field}` is expected"), when),
        Rule::Deprecated { field, when } => (format!("`{field}` is deprecated (a warning)"), when),
        Rule::NotTogether { fields, when } => (
            format!("`{}`: send only one (a warning)", fields.join("`, `")),
            when,
        ),
        Rule::NotInComment { fields, when } => (
            format!(
                "`{}` are not part of a comment (a warning)",
                fields.join("`, `")
            ),
            when,
        ),
    };
    if when.is_empty() {
        what
    } else {
        let conds: Vec<String> = when.iter().map(cond_text).collect();
        format!("{what} {}", conds.join(", "))
    }
}

fn presence(f: &Field, v: Variant) -> P {
    match v {
        Variant::New => f.new,
        Variant::Edit => f.edit,
    }
}

/// Whether a rule applies to this variant's interface: a table with a column per event gets
/// one interface per event, each with its own rules.
fn applies(shape: &Shape, v: Variant, rule: &Rule) -> bool {
    let other = match v {
        Variant::New => Cond::Edit,
        Variant::Edit => Cond::New,
    };
    !differs(shape)
        || !rule
            .when()
            .iter()
            .any(|c| std::mem::discriminant(c) == std::mem::discriminant(&other))
}

/// What a rule of a discriminated table requires of one value of the discriminator.
enum Need {
    /// This field.
    Field(&'static Field),
    /// At least one of these fields.
    OneOf(&'static [&'static str]),
}

/// A table whose requirements depend on the value of one required enum field
/// (`message.type`): the field, its values, and per rule the values it applies to and what
/// it requires. The type becomes a union with one member per value.
struct Split {
    field: &'static Field,
    values: &'static [&'static str],
    cases: Vec<(&'static [&'static str], Need)>,
}

/// The discriminator of a table, when its `Require`/`OneOf` rules have exactly one
/// condition beside the event, `StrIs` on a required enum field (always the same one).
/// Other rules stay documentation; a lenient table takes values outside its enums, so it is
/// never split.
fn split(shape: &'static Shape, v: Variant, lenient: bool) -> Option<Split> {
    if lenient {
        return None;
    }
    let mut found: Option<(&'static Field, &'static [&'static str])> = None;
    let mut cases = Vec::new();
    for rule in shape.rules.iter().filter(|r| applies(shape, v, r)) {
        let event = |c: &Cond| matches!(c, Cond::New | Cond::Edit);
        // On a table without a column per event, an event condition would hold in one
        // interface for both events: leave such a rule to the validator.
        if !differs(shape) && rule.when().iter().any(event) {
            continue;
        }
        let mut conds = rule.when().iter().filter(|c| !event(c));
        let (Some(Cond::StrIs(name, values)), None) = (conds.next(), conds.next()) else {
            continue;
        };
        let Some(field) = shape.field(name) else {
            continue;
        };
        let Kind::StrIn(all) = field.kind else {
            continue;
        };
        if presence(field, v) != P::Req || found.is_some_and(|(f, _)| f.name != field.name) {
            continue;
        }
        let need = match rule {
            Rule::Require { path: [name], .. } => match shape.field(name) {
                Some(f) if presence(f, v) != P::No => Need::Field(f),
                _ => continue,
            },
            Rule::OneOf { fields, .. } => Need::OneOf(fields),
            _ => continue,
        };
        found = Some((field, all));
        cases.push((*values, need));
    }
    let (field, values) = found?;
    Some(Split {
        field,
        values,
        cases,
    })
}

/// `snake_case` → `SnakeCase`, for type names made of values.
fn pascal(s: &str) -> String {
    s.split(['_', '-', ' '])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn emit_doc(out: &mut String, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "/**");
    for l in lines {
        let _ = writeln!(out, " * {l}");
    }
    let _ = writeln!(out, " */");
}

/// The property lines of a table's interface (fields not allowed in this variant left out).
fn emit_fields(out: &mut String, shape: &Shape, v: Variant, lenient: bool) {
    for f in shape.fields {
        let p = presence(f, v);
        if p == P::No {
            continue;
        }
        let mut notes: Vec<String> = kind_doc(&f.kind).into_iter().collect();
        match p {
            P::Rec => notes.push("expected (a warning when absent)".to_owned()),
            P::Ign => notes.push("ignored on edit_message (a warning when present)".to_owned()),
            _ => {}
        }
        if !notes.is_empty() {
            let _ = writeln!(out, "  /** {} */", notes.join("; "));
        }
        let opt = if p == P::Req { "" } else { "?" };
        // A null optional field counts as absent (SPEC §5.3: a warning in requests).
        let null = if p != P::Req && !matches!(f.kind, Kind::Any) {
            " | null"
        } else {
            ""
        };
        // Ignored on edit_message: whatever it holds is accepted (a warning).
        let ts = if p == P::Ign {
            "unknown".to_owned()
        } else {
            kind_ts(&f.kind, v, lenient)
        };
        let null = if ts == "unknown" { "" } else { null };
        let _ = writeln!(out, "  {}{opt}: {ts}{null};", f.name);
    }
}

/// A required, non-null property (a field a value of the discriminator requires): its doc
/// comment, if any, and its declaration.
fn required(f: &Field, v: Variant, lenient: bool) -> (Option<String>, String) {
    (
        kind_doc(&f.kind).map(|d| format!("/** {d} */")),
        format!("{}: {}", f.name, kind_ts(&f.kind, v, lenient)),
    )
}

fn emit_shape(out: &mut String, shape: &'static Shape, v: Variant, lenient: bool) {
    let _ = writeln!(out);
    let rules: Vec<String> = shape
        .rules
        .iter()
        .filter(|r| applies(shape, v, r))
        .map(rule_text)
        .collect();
    if let Some(split) = split(shape, v, lenient) {
        emit_split(out, shape, v, lenient, &split, &rules);
        return;
    }
    let mut doc = Vec::new();
    if lenient {
        doc.push(
            "Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted)."
                .to_owned(),
        );
    }
    doc.extend(rules.iter().map(|r| format!("- {r}")));
    emit_doc(out, &doc);
    let _ = writeln!(out, "export interface {} {{", type_name(shape, v));
    emit_fields(out, shape, v, lenient);
    let _ = writeln!(out, "}}");
}

/// A discriminated table: the union of one type per value of the discriminator, each the
/// common interface (`…Base`) with the discriminator narrowed to the value and the fields
/// the value requires made required and non-null.
fn emit_split(
    out: &mut String,
    shape: &'static Shape,
    v: Variant,
    lenient: bool,
    split: &Split,
    rules: &[String],
) {
    let name = type_name(shape, v);
    let base = format!("{name}Base");
    let key = split.field.name;
    let prefix = name.strip_suffix(shape.name).unwrap_or_default();
    let member = |value: &str| format!("{prefix}{}{}", pascal(value), shape.name);
    let mut doc = vec![format!(
        "One type per `{key}`: what each value requires is required in its type."
    )];
    doc.extend(rules.iter().map(|r| format!("- {r}")));
    emit_doc(out, &doc);
    let _ = writeln!(out, "export type {name} =");
    for (i, value) in split.values.iter().enumerate() {
        let end = if i + 1 == split.values.len() { ";" } else { "" };
        let _ = writeln!(out, "  | {}{end}", member(value));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/** The fields of every `{name}`; its `{key}` decides which are required. */"
    );
    let _ = writeln!(out, "export interface {base} {{");
    emit_fields(out, shape, v, lenient);
    let _ = writeln!(out, "}}");
    for value in split.values {
        let applies_to = |vals: &[&str]| vals.contains(value);
        let mut fields: Vec<&Field> = Vec::new();
        let mut groups: Vec<&[&str]> = Vec::new();
        for (vals, need) in &split.cases {
            if !applies_to(vals) {
                continue;
            }
            match need {
                Need::Field(f) if !fields.iter().any(|g| g.name == f.name) => fields.push(f),
                Need::Field(_) => {}
                Need::OneOf(names) => groups.push(names),
            }
        }
        // Keep the table's order of the fields.
        fields.sort_by_key(|f| shape.fields.iter().position(|g| g.name == f.name));
        let _ = writeln!(out);
        // The rules about this value, as on the union.
        let about: Vec<String> = shape
            .rules
            .iter()
            .filter(|r| applies(shape, v, r))
            .filter(|r| {
                r.when()
                    .iter()
                    .any(|c| matches!(c, Cond::StrIs(f, vals) if *f == key && vals.contains(value)))
            })
            .map(rule_text)
            .collect();
        let mut doc = vec![format!("`{name}` with `{key}: \"{value}\"`.")];
        doc.extend(about.iter().map(|r| format!("- {r}")));
        emit_doc(out, &doc);
        if groups.is_empty() {
            let _ = writeln!(out, "export interface {} extends {base} {{", member(value));
            let _ = writeln!(out, "  {key}: \"{value}\";");
            for f in &fields {
                let (doc, prop) = required(f, v, lenient);
                if let Some(doc) = doc {
                    let _ = writeln!(out, "  {doc}");
                }
                let _ = writeln!(out, "  {prop};");
            }
            let _ = writeln!(out, "}}");
        } else {
            // At least one of a group: a union of one required field each.
            let mut props = vec![format!("{key}: \"{value}\"")];
            props.extend(fields.iter().map(|f| required(f, v, lenient).1));
            let alternatives: Vec<String> = groups
                .iter()
                .map(|names| {
                    let each: Vec<String> = names
                        .iter()
                        .filter_map(|n| shape.field(n))
                        .map(|f| format!("{{ {} }}", required(f, v, lenient).1))
                        .collect();
                    format!("({})", each.join(" | "))
                })
                .collect();
            let _ = writeln!(
                out,
                "export type {} = {base} & {{ {} }} & {};",
                member(value),
                props.join("; "),
                alternatives.join(" & ")
            );
        }
    }
}

/// Every shape reachable from `root`, children after parents, each once per variant.
fn collect(
    shape: &'static Shape,
    v: Variant,
    seen: &mut BTreeSet<String>,
    order: &mut Vec<(&'static Shape, Variant)>,
) {
    if !seen.insert(type_name(shape, v)) {
        return;
    }
    order.push((shape, v));
    for f in shape.fields {
        if presence(f, v) != P::No {
            walk_kind(&f.kind, v, seen, order);
        }
    }
}

fn walk_kind(
    kind: &'static Kind,
    v: Variant,
    seen: &mut BTreeSet<String>,
    order: &mut Vec<(&'static Shape, Variant)>,
) {
    match kind {
        Kind::Obj(s) => collect(s, v, seen, order),
        Kind::Arr { item, .. } => walk_kind(item, v, seen, order),
        _ => {}
    }
}

/// The TypeScript declarations (`payloads.d.ts`).
pub fn typescript_declarations() -> String {
    let mut out = String::from(
        "// Payload typings of the amoCRM Chats API bodies, generated from the rule tables in\n\
         // src/validate/rules.rs (the rules the validator applies). Do not edit: run\n\
         // `make generate`. Conditional rules are listed on each interface; `validate()`\n\
         // checks them.\n",
    );
    let mut seen = BTreeSet::new();
    for e in Endpoint::ALL {
        let shape = super::shape(e);
        let mut order = Vec::new();
        if e == Endpoint::SendMessage {
            // The body is a union on `event_type`; its payload table has a column per event.
            let _ = writeln!(out, "\n/** `POST /v2/origin/custom/{{scope_id}}` */");
            let _ = writeln!(
                out,
                "export type SendMessageRequest =\n  | {{ event_type: \"new_message\"; payload: NewMessagePayload }}\n  | {{ event_type: \"edit_message\"; payload: EditMessagePayload }};"
            );
            seen.insert(shape.name.to_owned());
            for f in shape.fields {
                for v in [Variant::New, Variant::Edit] {
                    walk_kind(&f.kind, v, &mut seen, &mut order);
                }
            }
        } else {
            collect(shape, Variant::New, &mut seen, &mut order);
        }
        for (s, v) in order {
            emit_shape(&mut out, s, v, e.is_lenient());
        }
    }
    let _ = writeln!(out, "\n/** The body type of each endpoint. */");
    let _ = writeln!(out, "export interface EndpointPayloads {{");
    for e in Endpoint::ALL {
        let _ = writeln!(out, "  {}: {};", e.as_str(), super::shape(e).name);
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "\nexport type Endpoint = keyof EndpointPayloads;");
    let _ = writeln!(
        out,
        "\n/** The method and path template of each request endpoint, the path split at `/`\n \
         * (`string`: a path parameter, never empty): the types read a literal path's endpoint\n \
         * from it. */"
    );
    let _ = writeln!(out, "export interface RequestRoutes {{");
    for e in Endpoint::ALL {
        if let Some((method, template)) = e.route() {
            let segments: Vec<String> = template
                .trim_start_matches('/')
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        "string".to_owned()
                    } else {
                        format!("\"{s}\"")
                    }
                })
                .collect();
            let _ = writeln!(out, "  /** `{method} {template}` */");
            let _ = writeln!(
                out,
                "  {}: {{ method: \"{method}\"; path: [{}] }};",
                e.as_str(),
                segments.join(", ")
            );
        }
    }
    let _ = writeln!(out, "}}");
    let group = |keep: fn(Endpoint) -> bool| -> String {
        Endpoint::ALL
            .into_iter()
            .filter(|e| keep(*e))
            .map(|e| format!("\"{}\"", e.as_str()))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let codes = |list: &[&str]| {
        list.iter()
            .map(|c| format!("\n  | \"{c}\""))
            .collect::<String>()
    };
    let unions = [
        (
            "Requests to the API.",
            "RequestEndpoint",
            " ".to_string() + &group(|e| !e.is_lenient()),
        ),
        (
            "Hooks amoCRM sends to the integration.",
            "HookEndpoint",
            " ".to_string() + &group(Endpoint::is_webhook),
        ),
        (
            "Bodies the API answers with.",
            "ResponseEndpoint",
            " ".to_string() + &group(|e| e.response_to().is_some()),
        ),
        (
            "Codes of errors (the API would refuse the body).",
            "ErrorCode",
            codes(IssueCode::ERROR_CODES),
        ),
        (
            "Codes of warnings (accepted, but likely a mistake; `max_length` is both).",
            "WarningCode",
            codes(IssueCode::WARNING_CODES),
        ),
    ];
    for (doc, name, union) in unions {
        let _ = writeln!(out, "\n/** {doc} */\nexport type {name} ={union};");
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;
    use crate::validate::rules::PAYLOAD;

    /// A value of a kind that passes its rules (an object: its required fields).
    fn sample(kind: &Kind) -> Value {
        match kind {
            Kind::Any | Kind::Str | Kind::ExternalId => json!("x"),
            Kind::Url | Kind::UrlOrEmpty => json!("https://example.com/x"),
            Kind::StrIn(vals) => json!(vals[0]),
            Kind::Int { min, .. } => json!(min.unwrap_or(1)),
            Kind::IntIn { values, .. } => json!(values[0]),
            Kind::Num { min, max } => json!((min + max) / 2.0),
            Kind::Bool => json!(true),
            Kind::Obj(s) => Value::Object(
                s.fields
                    .iter()
                    .filter(|f| f.new == P::Req)
                    .map(|f| (f.name.to_owned(), sample(&f.kind)))
                    .collect(),
            ),
            Kind::Arr { item, min, .. } => Value::Array(vec![sample(item); (*min).max(1)]),
        }
    }

    /// A send_message body of the event around `message`.
    fn send(v: Variant, message: &Map<String, Value>) -> Value {
        match v {
            Variant::New => json!({"event_type": "new_message", "payload": {
                "conversation_id": "c1", "sender": {"id": "u1", "name": "Client"}, "msgid": "m1",
                "timestamp": 1, "msec_timestamp": 1000, "message": message}}),
            Variant::Edit => json!({"event_type": "edit_message",
                "payload": {"msgid": "m1", "message": message}}),
        }
    }

    fn errors(body: &Value) -> Vec<String> {
        let r = crate::validate::validate_value(Endpoint::SendMessage, body, &Default::default());
        r.errors
            .iter()
            .map(|i| format!("{} {}", i.path, i.message))
            .collect()
    }

    /// The message types of the typings agree with the validator: the fields a type's
    /// interface requires make a valid message, and leaving out any of them (or every field
    /// of a one-of group) is an error. So the typings reject no message the validator takes.
    #[test]
    fn message_types_require_what_the_validator_requires() {
        let Some(Field {
            kind: Kind::Obj(message),
            ..
        }) = PAYLOAD.field("message")
        else {
            panic!("send_message has no message table");
        };
        for v in [Variant::New, Variant::Edit] {
            let split = split(message, v, false).expect("message is split by `type`");
            assert_eq!(split.field.name, "type");
            for value in split.values {
                let mut minimal = Map::new();
                minimal.insert("type".to_owned(), json!(value));
                let mut required = Vec::new();
                let mut groups = Vec::new();
                for (vals, need) in &split.cases {
                    if !vals.contains(value) {
                        continue;
                    }
                    match need {
                        Need::Field(f) => {
                            minimal.insert(f.name.to_owned(), sample(&f.kind));
                            required.push(f.name);
                        }
                        Need::OneOf(names) => {
                            let f = message.field(names[0]).expect("a field of the table");
                            minimal.insert(f.name.to_owned(), sample(&f.kind));
                            groups.push(*names);
                        }
                    }
                }
                let label = format!("{} {value}", type_name(message, v));
                assert_eq!(errors(&send(v, &minimal)), Vec::<String>::new(), "{label}");
                for name in required {
                    let mut without = minimal.clone();
                    without.remove(name);
                    assert!(
                        !errors(&send(v, &without)).is_empty(),
                        "{label} without {name}"
                    );
                }
                for names in groups {
                    let mut without = minimal.clone();
                    for n in names {
                        without.remove(*n);
                    }
                    assert!(
                        !errors(&send(v, &without)).is_empty(),
                        "{label} without {names:?}"
                    );
                }
            }
        }
    }

    /// Every type the file declares is declared once.
    #[test]
    fn declared_names_are_unique() {
        let text = typescript_declarations();
        let mut seen = BTreeSet::new();
        for line in text.lines() {
            let name = line
                .strip_prefix("export interface ")
                .or_else(|| line.strip_prefix("export type "))
                .and_then(|rest| rest.split([' ', '<']).next());
            if let Some(name) = name {
                assert!(seen.insert(name.to_owned()), "{name} is declared twice");
            }
        }
        assert!(seen.contains("NewTextMessage") && seen.contains("EditLocationMessage"));
    }
}
