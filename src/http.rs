//! The HTTP pieces of a request that signing, verification and routing all read: the
//! method token, the request target of a path or URL, the path as signed, the query, and
//! header values. One pass over the bytes each: these run for every request signed.

use std::borrow::Cow;
use std::ops::Range;

/// Checks an HTTP method (an RFC 9110 token) and upper-cases it, borrowing a method that is
/// upper case already. `None` when empty or holding non-token characters.
pub(crate) fn method_token(method: &str) -> Option<Cow<'_, str>> {
    let token = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
    };
    if method.is_empty() || !method.bytes().all(token) {
        None
    } else if method.bytes().any(|b| b.is_ascii_lowercase()) {
        Some(Cow::Owned(method.to_ascii_uppercase()))
    } else {
        Some(Cow::Borrowed(method))
    }
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
    }

    #[test]
    fn header_values() {
        assert!(is_header_value("application/json; charset=utf-8\t"));
        assert!(!is_header_value("application/json\r\nX-Evil: 1"));
        assert!(!is_header_value("a\u{7f}"));
    }
}
