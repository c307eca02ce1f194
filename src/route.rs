//! Which endpoint a method and path address.

use std::fmt;

use crate::sign::signing_path;
use crate::validate::Endpoint;

/// A matched route: the endpoint and its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// Path parameters by name (`channel_id`, `scope_id`, `msgid`, `conversation_id`).
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
}

/// Why no route matched.
#[derive(Debug, Clone, PartialEq, Eq)]
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

const PREFIX: &str = "/v2/origin/custom/";

/// Finds the endpoint a path (or full URL; the query is ignored) addresses, whatever the
/// method. `None` when no endpoint has this path.
pub fn find_route(path: &str) -> Option<RouteMatch> {
    let path = signing_path(path).ok()?;
    let rest = path.strip_prefix(PREFIX)?;
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return None;
    }
    let own = |s: &str| s.to_owned();
    let (endpoint, params) = match segs.as_slice() {
        [c, "connect"] => (Endpoint::Connect, vec![("channel_id", own(c))]),
        [c, "disconnect"] => (Endpoint::Disconnect, vec![("channel_id", own(c))]),
        [s, "chats"] => (Endpoint::CreateChat, vec![("scope_id", own(s))]),
        [s, "typing"] => (Endpoint::Typing, vec![("scope_id", own(s))]),
        [s, "react"] => (Endpoint::React, vec![("scope_id", own(s))]),
        [s] => (Endpoint::SendMessage, vec![("scope_id", own(s))]),
        [s, m, "delivery_status"] => (
            Endpoint::DeliveryStatus,
            vec![("scope_id", own(s)), ("msgid", own(m))],
        ),
        [s, "chats", c, "history"] => (
            Endpoint::History,
            vec![("scope_id", own(s)), ("conversation_id", own(c))],
        ),
        _ => return None,
    };
    Some(RouteMatch { endpoint, params })
}

/// The method an endpoint takes (`POST`, `DELETE` or `GET`).
pub fn method_of(endpoint: Endpoint) -> &'static str {
    endpoint.route().map_or("POST", |(m, _)| m)
}

/// Finds the endpoint for a method and a path (or full URL; the query is ignored).
///
/// # Errors
///
/// [`RouteError::UnknownRoute`] or [`RouteError::MethodNotAllowed`].
pub fn match_route(method: &str, path: &str) -> Result<RouteMatch, RouteError> {
    let route = find_route(path).ok_or(RouteError::UnknownRoute)?;
    let allowed = method_of(route.endpoint);
    if method.eq_ignore_ascii_case(allowed) {
        Ok(route)
    } else {
        Err(RouteError::MethodNotAllowed { route, allowed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
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
}
