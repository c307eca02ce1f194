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

fn emit_shape(out: &mut String, shape: &Shape, v: Variant, lenient: bool) {
    let _ = writeln!(out);
    // A table with a column per event gets one interface per event, each with its rules.
    let other = match v {
        Variant::New => Cond::Edit,
        Variant::Edit => Cond::New,
    };
    let applies = |r: &&Rule| {
        !differs(shape)
            || !r
                .when()
                .iter()
                .any(|c| std::mem::discriminant(c) == std::mem::discriminant(&other))
    };
    let rules: Vec<String> = shape.rules.iter().filter(applies).map(rule_text).collect();
    if !rules.is_empty() || lenient {
        let _ = writeln!(out, "/**");
        if lenient {
            let _ = writeln!(
                out,
                " * Sent by amoCRM; read leniently (extra fields, nulls and undocumented values accepted)."
            );
        }
        for r in &rules {
            let _ = writeln!(out, " * - {r}");
        }
        let _ = writeln!(out, " */");
    }
    let _ = writeln!(out, "export interface {} {{", type_name(shape, v));
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
    let _ = writeln!(out, "}}");
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
