//! The API's endpoints: each request with its method and path template (one table,
//! [`ROUTES`], that routing reads too), the hooks amoCRM sends (told apart by their
//! envelope) and the responses the API answers with.

use std::fmt;
use std::str::FromStr;

use crate::http;
use crate::json::{self, Node, lookup};

/// An API body the validator knows: the request endpoints, the hooks amoCRM sends and the
/// responses the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v2/origin/custom/{channel_id}/connect`
    Connect,
    /// `DELETE /v2/origin/custom/{channel_id}/disconnect`
    Disconnect,
    /// `POST /v2/origin/custom/{scope_id}/chats`
    CreateChat,
    /// `POST /v2/origin/custom/{scope_id}` (new_message and edit_message, comments)
    SendMessage,
    /// `POST /v2/origin/custom/{scope_id}/{msgid}/delivery_status`
    DeliveryStatus,
    /// `GET /v2/origin/custom/{scope_id}/chats/{conversation_id}/history` (its query)
    History,
    /// `POST /v2/origin/custom/{scope_id}/typing`
    Typing,
    /// `POST /v2/origin/custom/{scope_id}/react`
    React,
    /// Message hook v2 (amoCRM → integration), comment replies included.
    WebhookMessage,
    /// Typing hook.
    WebhookTyping,
    /// Reaction hook.
    WebhookReaction,
    /// Message hook v1 (the flat, deprecated body).
    WebhookMessageV1,
    /// The body of a 200 answer to `connect`.
    ConnectResponse,
    /// The body of a 200 answer to `create_chat`.
    CreateChatResponse,
    /// The body of a 200 answer to `send_message` (and to a comment).
    SendMessageResponse,
    /// The body of a 200 answer to `history` (a chat without messages answers 204).
    HistoryResponse,
}

impl Endpoint {
    /// Every endpoint: requests in the docs' order, then hooks, then responses.
    pub const ALL: [Endpoint; 16] = [
        Endpoint::Connect,
        Endpoint::Disconnect,
        Endpoint::CreateChat,
        Endpoint::SendMessage,
        Endpoint::DeliveryStatus,
        Endpoint::History,
        Endpoint::Typing,
        Endpoint::React,
        Endpoint::WebhookMessage,
        Endpoint::WebhookTyping,
        Endpoint::WebhookReaction,
        Endpoint::WebhookMessageV1,
        Endpoint::ConnectResponse,
        Endpoint::CreateChatResponse,
        Endpoint::SendMessageResponse,
        Endpoint::HistoryResponse,
    ];

    /// Stable name (`send_message`, `webhook_typing`, `connect_response`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Connect => "connect",
            Endpoint::Disconnect => "disconnect",
            Endpoint::CreateChat => "create_chat",
            Endpoint::SendMessage => "send_message",
            Endpoint::DeliveryStatus => "delivery_status",
            Endpoint::History => "history",
            Endpoint::Typing => "typing",
            Endpoint::React => "react",
            Endpoint::WebhookMessage => "webhook_message",
            Endpoint::WebhookTyping => "webhook_typing",
            Endpoint::WebhookReaction => "webhook_reaction",
            Endpoint::WebhookMessageV1 => "webhook_message_v1",
            Endpoint::ConnectResponse => "connect_response",
            Endpoint::CreateChatResponse => "create_chat_response",
            Endpoint::SendMessageResponse => "send_message_response",
            Endpoint::HistoryResponse => "history_response",
        }
    }

    /// Whether this is a hook body sent by amoCRM.
    pub fn is_webhook(self) -> bool {
        matches!(
            self,
            Endpoint::WebhookMessage
                | Endpoint::WebhookTyping
                | Endpoint::WebhookReaction
                | Endpoint::WebhookMessageV1
        )
    }

    /// The request a response endpoint answers (`connect_response` → `connect`); `None` for
    /// requests and hooks.
    pub fn response_to(self) -> Option<Endpoint> {
        match self {
            Endpoint::ConnectResponse => Some(Endpoint::Connect),
            Endpoint::CreateChatResponse => Some(Endpoint::CreateChat),
            Endpoint::SendMessageResponse => Some(Endpoint::SendMessage),
            Endpoint::HistoryResponse => Some(Endpoint::History),
            _ => None,
        }
    }

    /// Whether the body comes from amoCRM (a hook or a response) and is validated leniently
    /// (SPEC §5.4): nulls and undocumented enum values pass, only what makes the body
    /// unusable is an error.
    pub fn is_lenient(self) -> bool {
        self.is_webhook() || self.response_to().is_some()
    }

    /// HTTP method and path template of a request endpoint (the table routing reads too);
    /// `None` for hooks and responses.
    pub fn route(self) -> Option<(&'static str, &'static str)> {
        ROUTES
            .iter()
            .find(|r| r.0 == self)
            .map(|&(_, method, template)| (method, template))
    }

    /// Which hook a parsed hook body is, by its envelope: `message` (v2, comment replies
    /// included), `action.typing`, `action.reaction`, or the flat v1 body (a top-level
    /// `conversation_id`, `receiver` or `msec_timestamp`). `None` for anything else.
    pub(crate) fn of_hook(body: &Node<'_>) -> Option<Endpoint> {
        let obj = body.as_obj()?;
        if lookup(obj, "message").is_some() {
            return Some(Endpoint::WebhookMessage);
        }
        if let Some(action) = lookup(obj, "action").and_then(Node::as_obj) {
            if lookup(action, "typing").is_some() {
                return Some(Endpoint::WebhookTyping);
            }
            if lookup(action, "reaction").is_some() {
                return Some(Endpoint::WebhookReaction);
            }
            return None;
        }
        ["conversation_id", "receiver", "msec_timestamp"]
            .iter()
            .any(|k| lookup(obj, k).is_some())
            .then_some(Endpoint::WebhookMessageV1)
    }
}

/// Which hook a received hook body is (see the four hook endpoints), or `None` when the
/// body is not JSON or matches none of them. Classification looks only at the envelope;
/// [`crate::validate`] with the endpoint says whether the rest is as documented.
pub fn classify_webhook(body: &[u8]) -> Option<Endpoint> {
    let parsed = json::parse_node(body, crate::validate::DEFAULT_MAX_DEPTH).ok()?;
    Endpoint::of_hook(&parsed.node)
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Endpoint {
    type Err = ParseNameError;
    fn from_str(s: &str) -> Result<Self, ParseNameError> {
        Endpoint::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| ParseNameError::new("endpoint", s, &Endpoint::ALL.map(Endpoint::as_str)))
    }
}

/// The request endpoints: method and path template, in the docs' order. [`Endpoint::route`]
/// and the matcher ([`find_route`]) both read this table.
pub(crate) const ROUTES: &[(Endpoint, &str, &str)] = &[
    (
        Endpoint::Connect,
        "POST",
        "/v2/origin/custom/{channel_id}/connect",
    ),
    (
        Endpoint::Disconnect,
        "DELETE",
        "/v2/origin/custom/{channel_id}/disconnect",
    ),
    (
        Endpoint::CreateChat,
        "POST",
        "/v2/origin/custom/{scope_id}/chats",
    ),
    (
        Endpoint::SendMessage,
        "POST",
        "/v2/origin/custom/{scope_id}",
    ),
    (
        Endpoint::DeliveryStatus,
        "POST",
        "/v2/origin/custom/{scope_id}/{msgid}/delivery_status",
    ),
    (
        Endpoint::History,
        "GET",
        "/v2/origin/custom/{scope_id}/chats/{conversation_id}/history",
    ),
    (
        Endpoint::Typing,
        "POST",
        "/v2/origin/custom/{scope_id}/typing",
    ),
    (
        Endpoint::React,
        "POST",
        "/v2/origin/custom/{scope_id}/react",
    ),
];

/// A name that is not one of a list (an endpoint, a language, a body style). It does not
/// keep or print the name given: a value passed in the wrong place may be a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseNameError {
    /// What was parsed (`endpoint`, `language`, `body style`).
    pub what: &'static str,
    /// The accepted name the one given looks like a misspelling of.
    pub suggestion: Option<&'static str>,
    /// The names accepted.
    pub expected: Vec<&'static str>,
}

impl ParseNameError {
    pub(crate) fn new(what: &'static str, name: &str, expected: &[&'static str]) -> Self {
        ParseNameError {
            what,
            suggestion: crate::validate::suggest(name, expected),
            expected: expected.to_vec(),
        }
    }
}

impl fmt::Display for ParseNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {}", self.what)?;
        if let Some(s) = self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        f.write_str("; expected ")?;
        match self.expected.as_slice() {
            [a, b] => write!(f, "`{a}` or `{b}`"),
            all => write!(f, "one of {}", all.join(", ")),
        }
    }
}

impl std::error::Error for ParseNameError {}

/// A matched route: the endpoint and its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// Path parameters by name (`channel_id`, `scope_id`, `msgid`, `conversation_id`), as
    /// they appear in the path (not percent-decoded).
    pub params: Vec<(&'static str, String)>,
}

impl RouteMatch {
    /// A path parameter by name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The method the endpoint takes.
    pub fn method(&self) -> &'static str {
        self.endpoint.route().map_or("POST", |(m, _)| m)
    }
}

/// Why no route matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// No endpoint has this path.
    UnknownRoute,
    /// The path is an endpoint's, but the method is not.
    MethodNotAllowed {
        /// The route matched by path alone.
        route: RouteMatch,
        /// The method that endpoint takes.
        allowed: &'static str,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::UnknownRoute => f.write_str("no Chats API endpoint has this path"),
            RouteError::MethodNotAllowed { route, allowed } => {
                write!(f, "`{}` takes `{allowed}`", route.endpoint.as_str())
            }
        }
    }
}

impl std::error::Error for RouteError {}

/// The parameters of `path` when it has the shape of `template`: literal segments equal,
/// `{name}` segments not empty.
fn match_template(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut params = Vec::new();
    let mut segs = path.split('/');
    for t in template.split('/') {
        let seg = segs.next()?;
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) if !seg.is_empty() => params.push((name, seg.to_owned())),
            Some(_) => return None,
            None if t == seg => {}
            None => return None,
        }
    }
    segs.next().is_none().then_some(params)
}

/// Finds the endpoint a path (or full URL; the query is ignored) addresses, whatever the
/// method. `None` when no endpoint has this path.
pub fn find_route(path: &str) -> Option<RouteMatch> {
    let path = http::signing_path(path)?;
    ROUTES.iter().find_map(|&(endpoint, _, template)| {
        match_template(template, path).map(|params| RouteMatch { endpoint, params })
    })
}

/// Finds the endpoint for a method and a path (or full URL; the query is ignored).
///
/// # Errors
///
/// [`RouteError::UnknownRoute`] or [`RouteError::MethodNotAllowed`].
pub fn match_route(method: &str, path: &str) -> Result<RouteMatch, RouteError> {
    let route = find_route(path).ok_or(RouteError::UnknownRoute)?;
    let allowed = route.method();
    if method.eq_ignore_ascii_case(allowed) {
        Ok(route)
    } else {
        Err(RouteError::MethodNotAllowed { route, allowed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name in the wrong place may be a secret: the error suggests, never repeats it.
    #[test]
    fn unknown_names_are_not_echoed() {
        let secret = "4b6a8e0c2f1d3a5b7c9e0f1a2b3c4d5e6f7a8b9c";
        for e in [
            secret.parse::<Endpoint>().unwrap_err(),
            secret.parse::<crate::Lang>().unwrap_err(),
            secret.parse::<crate::BodyStyle>().unwrap_err(),
        ] {
            let shown = format!("{e} {e:?}");
            assert!(
                !shown.contains(secret) && !shown.contains(&secret[..12]),
                "{shown}"
            );
            assert_eq!(e.suggestion, None);
        }
        let e = "send_mesage".parse::<Endpoint>().unwrap_err();
        assert_eq!(e.suggestion, Some("send_message"));
        assert!(
            e.to_string().starts_with(
                "unknown endpoint (did you mean `send_message`?); expected one of connect, "
            ),
            "{e}"
        );
        assert!(!e.to_string().contains("send_mesage"));
    }

    #[test]
    fn routes() {
        // Every template matches itself, as its own endpoint.
        for &(e, method, template) in ROUTES {
            let r = match_route(method, template).unwrap();
            assert_eq!(r.endpoint, e);
            assert_eq!(e.route(), Some((method, template)));
        }
        let m = |method, p| match_route(method, p).map(|r| r.endpoint);
        assert_eq!(
            m("POST", "/v2/origin/custom/ch/connect"),
            Ok(Endpoint::Connect)
        );
        assert_eq!(
            m("delete", "/v2/origin/custom/ch/disconnect"),
            Ok(Endpoint::Disconnect)
        );
        assert_eq!(
            m("POST", "https://amojo.amocrm.ru/v2/origin/custom/s"),
            Ok(Endpoint::SendMessage)
        );
        assert_eq!(
            m("POST", "/v2/origin/custom/s/chats"),
            Ok(Endpoint::CreateChat)
        );
        assert_eq!(
            m("POST", "/v2/origin/custom/s/typing"),
            Ok(Endpoint::Typing)
        );
        assert_eq!(m("POST", "/v2/origin/custom/s/react"), Ok(Endpoint::React));
        let r = match_route("POST", "/v2/origin/custom/s/m1/delivery_status").unwrap();
        assert_eq!(
            (r.endpoint, r.param("msgid")),
            (Endpoint::DeliveryStatus, Some("m1"))
        );
        let r = match_route("GET", "/v2/origin/custom/s/chats/c1/history?limit=5").unwrap();
        assert_eq!(
            (r.endpoint, r.param("conversation_id")),
            (Endpoint::History, Some("c1"))
        );
        for p in [
            "/v2/origin/custom/",
            "/v2/origin/custom/s/",
            "/v1/x",
            "/v2/origin/custom/s/x/y/z",
            "",
            "relative",
        ] {
            assert_eq!(m("POST", p), Err(RouteError::UnknownRoute), "{p}");
        }
        match match_route("GET", "/v2/origin/custom/ch/connect") {
            Err(RouteError::MethodNotAllowed { route, allowed }) => {
                assert_eq!((route.endpoint, allowed), (Endpoint::Connect, "POST"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hooks_are_told_apart_by_their_envelope() {
        let of = |s: &str| classify_webhook(s.as_bytes());
        assert_eq!(of(r#"{"message":{}}"#), Some(Endpoint::WebhookMessage));
        assert_eq!(
            of(r#"{"action":{"typing":{}}}"#),
            Some(Endpoint::WebhookTyping)
        );
        assert_eq!(
            of(r#"{"action":{"reaction":{}}}"#),
            Some(Endpoint::WebhookReaction)
        );
        assert_eq!(
            of(r#"{"conversation_id":"c","type":"text"}"#),
            Some(Endpoint::WebhookMessageV1)
        );
        for not_a_hook in [
            "",
            "[]",
            "{}",
            "null",
            r#"{"action":{}}"#,
            r#"{"action":1}"#,
            "{",
        ] {
            assert_eq!(of(not_a_hook), None, "{not_a_hook}");
        }
    }
}
