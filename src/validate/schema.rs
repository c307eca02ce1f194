//! JSON Schema (draft 2020-12) of every body, generated with schemars from the rule tables
//! the validator walks (one source, so schema and validator cannot drift). Conditional rules
//! become `if`/`then`, `anyOf`, `not`; send_message picks its payload schema by `event_type`.
//! What JSON Schema cannot express is listed in [`INEXPRESSIBLE`] and in each schema's
//! description. Regenerate the committed files with `make generate`.

use std::borrow::Cow;

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use super::Endpoint;
use super::rules::{Cond, Kind, P, Rule, Shape};

/// Rules of the validator that a JSON Schema cannot state, each with the reason. They are
/// repeated in the README and in every schema's description.
pub const INEXPRESSIBLE: &[&str] = &[
    "strict integers: the validator rejects `1.0` where an integer is required (the API is strictly typed), but JSON Schema's `integer` accepts any number with a zero fraction",
    "delivery_status: the body `msgid` must equal the `{msgid}` path parameter, which is not part of the body",
    "the route (method and path) and, for history, parsing the query string into `{limit, offset}`; an empty history query counts as `{}`",
    "warnings are not verdicts: unknown fields (with did-you-mean), expected fields, fields ignored on edit_message or in a comment, optional fields sent as null, `hook_api_version` v1, both delivery status names at once, undocumented values (a delivery status 0; in hooks and responses any value outside the documented ones), timestamps in the wrong unit, non-http(s) URLs, `external_id` over 36 characters, duplicate keys",
    "integers beyond ±2^53 cannot be told apart by validators that hold JSON numbers as doubles (e.g. ajv); the bounds here are those of a 64-bit integer",
];

/// Base of every schema's `$id`.
pub const ID_BASE: &str = "urn:amojo-kit:schema:";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    New,
    Edit,
}

fn mentions_mode(r: &Rule) -> bool {
    r.when().iter().any(|c| matches!(c, Cond::New | Cond::Edit))
}

/// Whether a shape (or anything below it) reads differently on new_message and edit_message.
fn mode_dependent(shape: &Shape) -> bool {
    shape
        .fields
        .iter()
        .any(|f| f.new != f.edit || kind_dependent(&f.kind))
        || shape.rules.iter().any(mentions_mode)
}

fn kind_dependent(kind: &Kind) -> bool {
    match kind {
        Kind::Obj(s) => mode_dependent(s),
        Kind::Arr { item, .. } => kind_dependent(item),
        _ => false,
    }
}

fn def_name(shape: &Shape, v: Variant) -> String {
    match (mode_dependent(shape), v) {
        (false, _) => shape.name.to_owned(),
        (true, Variant::New) => format!("New{}", shape.name),
        (true, Variant::Edit) => format!("Edit{}", shape.name),
    }
}

struct Gen<'g> {
    generator: &'g mut SchemaGenerator,
    lenient: bool,
}

impl Gen<'_> {
    /// `{"$ref": …}` to a shape's definition, generating it on first use.
    fn reference(&mut self, shape: &'static Shape, v: Variant) -> Value {
        let name = def_name(shape, v);
        if !self.generator.definitions().contains_key(&name) {
            // Reserve the name first: shapes may be reached again while generating.
            self.generator
                .definitions_mut()
                .insert(name.clone(), Value::Bool(true));
            let schema = self.object(shape, v);
            self.generator
                .definitions_mut()
                .insert(name.clone(), schema);
        }
        json!({ "$ref": format!("#/$defs/{name}") })
    }

    fn kind(&mut self, kind: &'static Kind, v: Variant) -> Value {
        const I64: (i64, i64) = (i64::MIN, i64::MAX);
        match kind {
            Kind::Any => Value::Bool(true),
            Kind::Str => json!({ "type": "string" }),
            Kind::UrlOrEmpty => {
                json!({ "type": "string", "description": "an http(s) URL, or \"\" for none (otherwise a warning)" })
            }
            Kind::Url => {
                json!({ "type": "string", "description": "an http(s) URL (otherwise a warning)" })
            }
            Kind::ExternalId => json!({
                "type": "string",
                "maxLength": 40,
                "not": { "pattern": "[^\\x20-\\x7E]" },
                "description": "at most 40 printable ASCII characters or spaces (over 36: a warning, the Sources API limit)"
            }),
            // In what amoCRM sends, another value is a warning, not an error.
            Kind::StrIn(vals) if self.lenient => json!({
                "type": "string",
                "description": format!("documented values: {}", vals.join(", "))
            }),
            Kind::StrIn(vals) => json!({ "type": "string", "enum": vals }),
            Kind::Int { min, max, unit } => {
                let mut m = json!({
                    "type": "integer",
                    "minimum": min.unwrap_or(I64.0),
                    "maximum": max.unwrap_or(I64.1),
                });
                if let (Some(u), Some(o)) = (unit, m.as_object_mut()) {
                    o.insert("description".into(), format!("unix time in {u}").into());
                }
                m
            }
            Kind::IntIn { values, .. } if self.lenient => json!({
                "type": "integer",
                "description": format!("documented values: {values:?}")
            }),
            Kind::IntIn {
                values,
                undocumented,
            } => {
                let all: Vec<i64> = values.iter().chain(undocumented.iter()).copied().collect();
                let mut m = json!({ "type": "integer", "enum": all });
                if let (false, Some(o)) = (undocumented.is_empty(), m.as_object_mut()) {
                    o.insert(
                        "description".into(),
                        format!("documented values: {values:?}; accepted with a warning: {undocumented:?}").into(),
                    );
                }
                m
            }
            Kind::Num { min, max } => json!({ "type": "number", "minimum": min, "maximum": max }),
            Kind::Bool => json!({ "type": "boolean" }),
            Kind::Obj(s) => self.reference(s, v),
            Kind::Arr { item, min, max } => {
                let items = self.kind(item, v);
                let mut m = json!({ "type": "array", "items": items, "minItems": min });
                if let (true, Some(o)) = (*max != usize::MAX, m.as_object_mut()) {
                    o.insert("maxItems".into(), (*max).into());
                }
                m
            }
        }
    }

    /// The field is present and not null (a null counts as absent: SPEC §5.3).
    fn present(&self, field: &str) -> Value {
        json!({ "required": [field], "properties": { field: { "not": { "type": "null" } } } })
    }

    /// Every object on the relative path is present, and its last field is not null.
    fn present_at(&self, path: &[&str]) -> Value {
        match path {
            [] => Value::Bool(true),
            [last] => self.present(last),
            [first, rest @ ..] => json!({
                "required": [first],
                "properties": { *first: self.present_at(rest) }
            }),
        }
    }

    fn cond(&self, c: &Cond) -> Option<Value> {
        Some(match c {
            Cond::New | Cond::Edit => return None,
            Cond::Present(path) => self.present_at(path),
            Cond::AnyOf(cs) => {
                json!({ "anyOf": cs.iter().filter_map(|c| self.cond(c)).collect::<Vec<_>>() })
            }
            Cond::NoneOf(fs) => {
                json!({ "not": { "anyOf": fs.iter().map(|f| self.present(f)).collect::<Vec<_>>() } })
            }
            Cond::StrIs(f, vals) => {
                json!({ "required": [f], "properties": { *f: { "enum": vals } } })
            }
            Cond::IntIs(f, n) => json!({ "required": [f], "properties": { *f: { "const": n } } }),
        })
    }

    /// A required field at a relative path: `{"properties": {"sender": {"required": ["ref_id"]}}}`.
    fn required_at(&self, path: &[&str]) -> Value {
        match path {
            [] => Value::Bool(true),
            [last] => self.present(last),
            [first, rest @ ..] => json!({ "properties": { *first: self.required_at(rest) } }),
        }
    }

    fn rule(&self, r: &Rule, v: Variant) -> Option<Value> {
        let when = r.when();
        let other = if v == Variant::New {
            Cond::Edit
        } else {
            Cond::New
        };
        if when
            .iter()
            .any(|c| std::mem::discriminant(c) == std::mem::discriminant(&other))
        {
            return None;
        }
        let then = match r {
            Rule::Require { path, .. } => self.required_at(path),
            Rule::NonEmpty { field, .. } => json!({ "properties": { *field: { "minLength": 1 } } }),
            Rule::OneOf { fields, .. } => {
                json!({ "anyOf": fields.iter().map(|f| self.present(f)).collect::<Vec<_>>() })
            }
            // Warnings: not verdicts.
            Rule::Recommend { .. }
            | Rule::Deprecated { .. }
            | Rule::NotTogether { .. }
            | Rule::NotInComment { .. } => return None,
        };
        let conds: Vec<Value> = when.iter().filter_map(|c| self.cond(c)).collect();
        Some(match conds.len() {
            0 => then,
            1 => json!({ "if": conds[0], "then": then }),
            _ => json!({ "if": { "allOf": conds }, "then": then }),
        })
    }

    fn object(&mut self, shape: &'static Shape, v: Variant) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        let mut recommended = Vec::new();
        for f in shape.fields {
            let p = match v {
                Variant::New => f.new,
                Variant::Edit => f.edit,
            };
            let schema = match p {
                // Present is an error (only allowed on the other event); null is absent.
                P::No => json!({ "type": "null" }),
                // Ignored: whatever it holds, a warning only.
                P::Ign => Value::Bool(true),
                // Required: null is a wrong type.
                P::Req => self.kind(&f.kind, v),
                // Optional or expected: null counts as absent (a warning in requests).
                _ => match self.kind(&f.kind, v) {
                    Value::Bool(true) => Value::Bool(true),
                    k => json!({ "anyOf": [k, { "type": "null" }] }),
                },
            };
            match p {
                P::Req => required.push(f.name),
                P::Rec => recommended.push(f.name),
                _ => {}
            }
            props.insert(f.name.to_owned(), schema);
        }
        let mut o = Map::new();
        o.insert("type".into(), "object".into());
        o.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            o.insert("required".into(), json!(required));
        }
        let rules: Vec<Value> = shape.rules.iter().filter_map(|r| self.rule(r, v)).collect();
        if !rules.is_empty() {
            o.insert("allOf".into(), Value::Array(rules));
        }
        for r in shape.rules {
            if let Rule::Recommend { field, .. } = r {
                recommended.push(field);
            }
        }
        if !recommended.is_empty() {
            // An annotation: absence is a warning of the validator, not a schema error.
            o.insert("x-recommended".into(), json!(recommended));
        }
        Value::Object(o)
    }
}

fn describe(e: Endpoint) -> (&'static str, &'static str) {
    match e {
        Endpoint::Connect => (
            "Connect a channel to an account",
            "Подключение канала чата в аккаунте",
        ),
        Endpoint::Disconnect => (
            "Disconnect a channel from an account",
            "Отключение канала чата в аккаунте",
        ),
        Endpoint::CreateChat => ("Create a chat", "Создание нового чата"),
        Endpoint::SendMessage => (
            "Send, edit or import a message",
            "Отправка, редактирование или импорт сообщения",
        ),
        Endpoint::DeliveryStatus => (
            "Update a message's delivery status",
            "Обновление статуса доставки сообщения",
        ),
        Endpoint::History => (
            "Chat history query (`limit`, `offset` of the query string, as an object)",
            "Параметры запроса истории сообщений чата (`limit`, `offset`) в виде объекта",
        ),
        Endpoint::Typing => ("Typing indicator", "Передача информации о печатании"),
        Endpoint::React => ("Set or remove a reaction", "Отправка или снятие реакции"),
        Endpoint::WebhookMessage => (
            "Message hook v2 (amoCRM → integration)",
            "Хук сообщения v2 (amoCRM → интеграция)",
        ),
        Endpoint::WebhookTyping => (
            "Typing hook (amoCRM → integration)",
            "Хук о печати (amoCRM → интеграция)",
        ),
        Endpoint::WebhookReaction => (
            "Reaction hook (amoCRM → integration)",
            "Хук о реакции (amoCRM → интеграция)",
        ),
        Endpoint::WebhookMessageV1 => (
            "Message hook v1, deprecated (amoCRM → integration)",
            "Хук сообщения v1, устаревший (amoCRM → интеграция)",
        ),
        Endpoint::ConnectResponse => (
            "Response to connect: the scope id",
            "Ответ на подключение канала: scope_id",
        ),
        Endpoint::CreateChatResponse => (
            "Response to create chat: the chat's id and its participant",
            "Ответ на создание чата: ID чата и участник",
        ),
        Endpoint::SendMessageResponse => (
            "Response to send message or comment: the message's ids",
            "Ответ на отправку сообщения или комментария: идентификаторы сообщения",
        ),
        Endpoint::HistoryResponse => (
            "Response to history: the messages (a chat without messages answers 204)",
            "Ответ на запрос истории: сообщения (если их нет, ответ 204 без тела)",
        ),
    }
}

/// The schemars type of an endpoint's body (index into [`Endpoint::ALL`]).
struct Body<const N: usize>;

impl<const N: usize> JsonSchema for Body<N> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        Endpoint::ALL.get(N).map_or("body", |e| e.as_str()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let Some(&e) = Endpoint::ALL.get(N) else {
            return Schema::default();
        };
        let mut g = Gen {
            generator,
            lenient: e.is_lenient(),
        };
        let root = if e == Endpoint::SendMessage {
            // The payload's rules depend on the event: pick its schema by `event_type`.
            let new = g.reference(&super::rules::PAYLOAD, Variant::New);
            let edit = g.reference(&super::rules::PAYLOAD, Variant::Edit);
            let event = g.kind(&super::rules::SEND_MESSAGE.fields[0].kind, Variant::New);
            json!({
                "type": "object",
                "properties": { "event_type": event, "payload": { "type": "object" } },
                "required": ["event_type", "payload"],
                "if": { "required": ["event_type"], "properties": { "event_type": { "const": "edit_message" } } },
                "then": { "properties": { "payload": edit } },
                "else": { "properties": { "payload": new } }
            })
        } else {
            g.object(super::shape(e), Variant::New)
        };
        Schema::try_from(root).unwrap_or_default()
    }
}

macro_rules! root_for {
    ($e:expr, $($n:literal)*) => {
        match Endpoint::ALL.iter().position(|x| *x == $e) {
            $(Some($n) => SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<Body<$n>>(),)*
            _ => Schema::default(),
        }
    };
}

/// The JSON Schema of an endpoint's body, with `$id`, title, descriptions (English, and
/// Russian in `x-description-ru`) and the given `examples`.
pub fn json_schema(endpoint: Endpoint, examples: &[Value]) -> Value {
    let schema = root_for!(endpoint, 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    let mut v = schema.to_value();
    let (en, ru) = describe(endpoint);
    let route = match (
        endpoint.route(),
        endpoint.response_to().and_then(Endpoint::route),
    ) {
        (Some((m, p)), _) => format!("{m} {p}"),
        (None, Some((m, p))) => format!("response to {m} {p}"),
        (None, None) => "POST to the integration's hook URL".to_owned(),
    };
    let caveats = INEXPRESSIBLE
        .iter()
        .map(|s| format!("- {s}"))
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(o) = v.as_object_mut() {
        let mut head = Map::new();
        for (k, val) in [
            ("$schema", o.remove("$schema").unwrap_or(Value::Null)),
            ("$id", format!("{ID_BASE}{}", endpoint.as_str()).into()),
            ("title", format!("{} ({})", endpoint.as_str(), route).into()),
            (
                "description",
                format!(
                    "{en}. Generated from amojo-kit's rule tables (src/validate/rules.rs); unknown properties are allowed, as by the API. Not expressible here, checked by amojo-kit's validator:\n{caveats}"
                )
                .into(),
            ),
            ("x-description-ru", format!("{ru}.").into()),
            ("x-endpoint", endpoint.as_str().into()),
        ] {
            head.insert(k.to_owned(), val);
        }
        if !examples.is_empty() {
            head.insert("examples".into(), Value::Array(examples.to_vec()));
        }
        o.remove("title");
        let rest = std::mem::take(o);
        head.extend(rest);
        *o = head;
    }
    v
}

/// The index of all schemas: `{ "endpoint": { "file", "$id", "title" } }`.
pub fn schema_index() -> Value {
    let mut m = Map::new();
    for e in Endpoint::ALL {
        let (en, _) = describe(e);
        m.insert(
            e.as_str().to_owned(),
            json!({
                "file": format!("{}.json", e.as_str()),
                "$id": format!("{ID_BASE}{}", e.as_str()),
                "title": en,
                "kind": if e.is_webhook() { "webhook" } else if e.response_to().is_some() { "response" } else { "request" },
                "method": e.route().map(|(m, _)| m),
                "path": e.route().map(|(_, p)| p),
                "response_to": e.response_to().map(Endpoint::as_str),
            }),
        );
    }
    json!({
        "$comment": "Generated by amojo-kit (make generate); one JSON Schema (draft 2020-12) per body.",
        "schemas": m,
        "inexpressible": INEXPRESSIBLE,
    })
}
