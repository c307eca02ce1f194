//! The HTTP pieces of a request that signing, verification and routing all read: the
//! method token, the request target of a path or URL, the path as signed, the query, and
//! header values. One pass over the bytes each: these run for every request signed.

use std::borrow::Cow;
use std::ops::Range;

/// The methods a request may have: RFC 9110's and PATCH (the API takes GET, POST and
/// DELETE). Anything else is refused, a custom token too: a value passed as the method by
/// mistake (a secret, a path) is never signed into a request.
pub(crate) const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// Checks an HTTP method (one of [`METHODS`], any case): its upper-case spelling, `None`
/// for anything else.
pub(crate) fn method_token(method: &str) -> Option<Cow<'_, str>> {
    METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .map(|m| Cow::Borrowed(*m))
}

/// Where the signed path lies in `path_or_url` (byte offsets): a full URL loses scheme and
/// host, the query and fragment go, the rest is kept as it is (no decoding, no
/// normalisation). `None` when that is empty, does not start with `/`, or holds whitespace
/// or control characters.
pub(crate) fn signing_span(path_or_url: &str) -> Option<Range<usize>> {
    let b = path_or_url.as_bytes();
    let start = target_start(b);
    let mut end = start;
    while end < b.len() && b[end] != b'?' && b[end] != b'#' {
        if b[end] <= b' ' || b[end] == 0x7f {
            return None;
        }
        end += 1;
    }
    if end == start || b[start] != b'/' {
        return None;
    }
    Some(start..end)
}

/// The path as signed (see [`signing_span`]).
pub(crate) fn signing_path(path_or_url: &str) -> Option<&str> {
    signing_span(path_or_url).map(|span| &path_or_url[span])
}

/// The request target as sent on the request line: a full URL loses scheme and host, the
/// query is kept as given, a fragment (never sent) goes. Not validated.
pub(crate) fn request_target(path_or_url: &str) -> &str {
    let b = path_or_url.as_bytes();
    let start = target_start(b);
    let mut end = start;
    while end < b.len() && b[end] != b'#' {
        end += 1;
    }
    &path_or_url[start..end]
}

/// The URL a request goes to: `base_url` (a trailing `/` dropped) and the request target of
/// `path_or_url` (a full URL loses its own scheme and host; the query is kept, a fragment
/// dropped).
pub fn request_url(base_url: &str, path_or_url: &str) -> String {
    let mut url = base_url.trim_end_matches('/').to_owned();
    url.push_str(request_target(path_or_url));
    url
}

/// Where the request target of a path or URL starts: what precedes it is the origin (none
/// for a path).
pub(crate) fn target_offset(path_or_url: &str) -> usize {
    target_start(path_or_url.as_bytes())
}

/// Where the request target starts: after `scheme://host` when the text starts with one
/// (a scheme is letters, up to the first `://`), else at 0. Always at an ASCII byte.
fn target_start(b: &[u8]) -> usize {
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    if i == 0 || !b[i..].starts_with(b"://") {
        return 0;
    }
    i += 3;
    while i < b.len() && !matches!(b[i], b'/' | b'?' | b'#') {
        i += 1;
    }
    i
}

/// The query string of a path or URL (without `?`), if any.
pub(crate) fn query_of(path_or_url: &str) -> Option<&str> {
    let q = &path_or_url[path_or_url.find('?')? + 1..];
    Some(q.find('#').map_or(q, |j| &q[..j]))
}

/// Whether a Content-Type value is a media type, `type/subtype` (RFC 9110 tokens), with
/// any parameters after a `;`.
pub(crate) fn is_media_type(v: &str) -> bool {
    let essence = v.split(';').next().unwrap_or_default().trim_end();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    matches!(essence.split_once('/'), Some((t, s)) if token(t) && token(s))
}

/// Whether a header value is free of control characters (tab allowed): no header
/// injection through a date or a content type.
pub(crate) fn is_header_value(v: &str) -> bool {
    !v.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_stripping() {
        assert_eq!(
            signing_path("https://amojo.amocrm.ru/v2/origin/custom/x/connect"),
            Some("/v2/origin/custom/x/connect")
        );
        assert_eq!(signing_path("/a/b?limit=5#f"), Some("/a/b"));
        assert_eq!(signing_path("HTTP://h:8080/p?q"), Some("/p"));
        assert_eq!(signing_path("/a%2Fb"), Some("/a%2Fb"));
        assert_eq!(signing_path("https://host"), None);
        assert_eq!(signing_path("v2/x"), None);
        assert_eq!(signing_path("/a b"), None);
        assert_eq!(signing_path(""), None);
        assert_eq!(query_of("/h?limit=5&offset=0#x"), Some("limit=5&offset=0"));
        assert_eq!(request_target("https://h.example/a/b?x=1#f"), "/a/b?x=1");
        assert_eq!(request_target("https://h.example?x"), "?x");
        assert_eq!(request_target("/a"), "/a");
        assert_eq!(query_of("/h"), None);
    }

    /// The byte scans against `str::find` on every combination of the pieces that matter
    /// (schemes, `://`, `/`, `?`, `#`, spaces, non-ASCII).
    #[test]
    fn spans_like_str_find() {
        fn reference_target(path_or_url: &str) -> &str {
            let mut p = path_or_url;
            if let Some(i) = p.find("://") {
                let scheme = &p[..i];
                if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
                    let rest = &p[i + 3..];
                    p = rest.find(['/', '?', '#']).map_or("", |j| &rest[j..]);
                }
            }
            p.find('#').map_or(p, |j| &p[..j])
        }
        fn reference_path(path_or_url: &str) -> Option<&str> {
            let p = reference_target(path_or_url);
            let p = p.find('?').map_or(p, |j| &p[..j]);
            if !p.starts_with('/') || p.bytes().any(|b| b <= b' ' || b == 0x7f) {
                return None;
            }
            Some(p)
        }
        let pieces = [
            "", "https", "h1", "://", ":/", "/", "?", "#", "a", "é", " ", "\u{7f}", "x.y",
        ];
        let mut n = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let s = format!("{a}{b}{c}{d}");
                        assert_eq!(request_target(&s), reference_target(&s), "{s:?}");
                        assert_eq!(signing_path(&s), reference_path(&s), "{s:?}");
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 20_000);
    }

    #[test]
    fn methods() {
        assert_eq!(method_token("post").as_deref(), Some("POST"));
        assert!(matches!(method_token("GET"), Some(Cow::Borrowed("GET"))));
        assert_eq!(method_token(""), None);
        assert_eq!(method_token("PO ST"), None);
        for m in METHODS {
            assert_eq!(method_token(&m.to_lowercase()).as_deref(), Some(m));
        }
        // Tokens, but no methods: a custom one, a secret passed in the wrong place.
        assert_eq!(method_token("PROPFIND"), None);
        assert_eq!(
            method_token("4b6a8e0c2f1d3a5b7c9e0f1a2b3c4d5e6f7a8b9c"),
            None
        );
    }

    #[test]
    fn media_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain;a=b",
            "a/b ",
        ] {
            assert!(is_media_type(ok), "{ok}");
        }
        for bad in [
            "",
            "json",
            "application/",
            "/json",
            "a/b/c",
            "a b/c",
            "4b6a8e0c2f1d3a5b7c9e",
        ] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn header_values() {
        assert!(is_header_value("application/json; charset=utf-8\t"));
        assert!(!is_header_value("application/json\r\nX-Evil: 1"));
        assert!(!is_header_value("a\u{7f}"));
    }
}
