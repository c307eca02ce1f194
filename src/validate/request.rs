//! Request-level validation: route (method + path), query, body, and their consistency.

use std::borrow::Cow;

use super::engine::{Ctx, check_root, validate_bytes_into};
use super::{Endpoint, IssueCode, Report, ValidateOptions};
use crate::endpoint::{RouteError, match_route};
use crate::http::query_of;
use crate::json::{Node, Num, escape_pointer, previous_occurrences};

/// Validates a whole request: finds the endpoint from method and path, validates the body
/// (or, for `history`, the query string and an empty body), and checks that path and body
/// agree (`delivery_status` msgid).
pub fn validate_request(method: &str, path: &str, body: &[u8], opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, false);
    let route = match match_route(method, path) {
        Ok(r) => r,
        Err(RouteError::UnknownRoute) => {
            cx.error("", IssueCode::UnknownRoute);
            return cx.finish(None);
        }
        Err(RouteError::MethodNotAllowed { route, allowed }) => {
            cx.error("", IssueCode::MethodNotAllowed { allowed });
            route
        }
    };
    let endpoint = route.endpoint;
    if endpoint == Endpoint::History {
        if !body.is_empty() {
            cx.error("", IssueCode::BodyNotEmpty);
        }
        check_query(query_of(path).unwrap_or(""), &mut cx);
        return cx.finish(Some(endpoint));
    }
    let value = validate_bytes_into(endpoint, body, &mut cx);
    if let (Some(v), Some(path_msgid)) = (&value, route.param("msgid"))
        && let Some(body_msgid) = v.get("msgid").and_then(Node::as_str)
        // The server sees the path parameter percent-decoded.
        && body_msgid != percent_decode_path(path_msgid)
    {
        cx.error("/msgid", IssueCode::MsgidMismatch);
    }
    cx.finish(Some(endpoint))
}

/// Validates a `history` query string (`limit=50&offset=0`, with or without `?`).
pub fn validate_query(query: &str, opts: &ValidateOptions) -> Report {
    let mut cx = Ctx::new(*opts, false);
    check_query(query.strip_prefix('?').unwrap_or(query), &mut cx);
    cx.finish(Some(Endpoint::History))
}

fn check_query(query: &str, cx: &mut Ctx) {
    let mut pairs: Vec<(String, Node<'_>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        let v = percent_decode(v);
        // Integers become JSON integers; anything else stays a string (a type error).
        let value = match v.parse::<i64>() {
            Ok(n) if !v.starts_with('+') => Node::Num(Num::Int(n)),
            _ => Node::Str(Cow::Owned(v)),
        };
        pairs.push((k, value));
    }
    // A repeated parameter: the last value wins, in the first one's place.
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    let previous = previous_occurrences(&keys);
    let mut first = vec![0; pairs.len()];
    for (i, prev) in previous.iter().enumerate() {
        first[i] = prev.map_or(i, |p| first[p]);
    }
    let mut obj: Vec<(Cow<'_, str>, Node<'_>)> = Vec::new();
    let mut slot = vec![0; pairs.len()];
    for (i, (k, value)) in pairs.into_iter().enumerate() {
        if first[i] == i {
            slot[i] = obj.len();
            obj.push((Cow::Owned(k), value));
        } else {
            let mut ptr = String::from("/");
            ptr.push_str(&escape_pointer(&k));
            cx.warn(&ptr, IssueCode::DuplicateKey);
            if let Some(entry) = obj.get_mut(slot[first[i]]) {
                entry.1 = value;
            }
        }
    }
    check_root(Endpoint::History, &Node::Obj(obj), cx);
}

/// Path-segment decoding: `%XX` only (`+` stays a plus).
fn percent_decode_path(s: &str) -> String {
    percent_decode(&s.replace('+', "%2B"))
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; invalid
/// escapes stay as written, invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("a+b%20c%2"), "a b c%2");
        assert_eq!(percent_decode("%D0%B0%zz%"), "а%zz%");
        assert_eq!(percent_decode("%41"), "A");
    }
}
