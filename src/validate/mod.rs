//! Validation of request and webhook bodies against the documented field rules (SPEC §2, §3).
//!
//! The rules live in one table per endpoint (`rules.rs`), read top to bottom like the
//! docs' tables; this module is the engine that walks a JSON value through them.

mod engine;
mod issue;
mod messages;
mod request;
pub(crate) mod rules;
#[cfg(feature = "schema")]
mod schema;
mod suggest;
#[cfg(feature = "schema")]
mod typescript;

use std::str::FromStr;

use serde_json::Value;

pub use crate::endpoint::Endpoint;
use crate::endpoint::ParseNameError;
use crate::json::Node;
use engine::{Ctx, check_root, validate_bytes_into};
pub use issue::{Issue, IssueCode, JsonType, Report, Severity};
use rules::{Kind, Shape};

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

/// Validates raw body bytes (or, for `history`, a JSON object `{"limit": 50, "offset": 0}`).
pub fn validate(endpoint: Endpoint, body: &[u8], opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, endpoint.is_lenient());
    validate_bytes_into(endpoint, body, &mut cx);
    cx.finish(Some(endpoint))
}

/// What [`validate`] (and [`validate_request`]) answer for a body larger than
/// `opts.max_body_bytes`, without the body: a host checks the size of what it holds before
/// copying it anywhere.
pub fn too_large_report(endpoint: Option<Endpoint>, opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, false);
    cx.error(
        "",
        IssueCode::TooLarge {
            limit: opts.max_body_bytes,
        },
    );
    cx.finish(endpoint)
}

/// Validates an already parsed JSON value.
pub fn validate_value(endpoint: Endpoint, value: &Value, opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, endpoint.is_lenient());
    check_root(endpoint, &Node::from(value), &mut cx);
    cx.finish(Some(endpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size check a host makes first answers what the validator answers.
    #[test]
    fn too_large_report_is_validates_answer() {
        for lang in Lang::ALL {
            let opts = ValidateOptions {
                lang,
                max_body_bytes: 10,
                ..ValidateOptions::default()
            };
            for e in [Endpoint::Connect, Endpoint::WebhookTyping] {
                let body = [b' '; 11];
                assert_eq!(too_large_report(Some(e), &opts), validate(e, &body, &opts));
            }
        }
    }

    fn walk(kind: &Kind, seen: &mut Vec<&'static str>) {
        match kind {
            Kind::Obj(shape) => {
                if seen.contains(&shape.name) {
                    return;
                }
                seen.push(shape.name);
                assert!(
                    shape.fields.len() <= engine::MAX_FIELDS,
                    "{} has {} fields; raise engine::MAX_FIELDS",
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
