//! Signing, stage by stage (SPEC §1): Content-MD5 → canonical string → X-Signature.
//!
//! The stages work on fixed arrays of ASCII (hex digests, the formatted date) and borrow
//! what they are given: signing allocates only the strings it returns, and neither hex
//! nor dates go through `fmt` (the hot path of the wasm binding, see `Prepared`).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::date::{self, DateError};
use crate::hash::{self, HmacSha1Key};

/// The only content type the API accepts, and the default for signing.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";
/// Content-MD5 of an empty body (a GET): `md5("")`.
pub const EMPTY_BODY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// Lowercase hex of `src` into a fixed buffer (no allocation); `M` must be `2 * N`, which
/// the callers' array types guarantee.
pub(crate) fn hex<const N: usize, const M: usize>(src: &[u8; N]) -> [u8; M] {
    let mut out = [0u8; M];
    // Fails only when M != 2 * N.
    let _ = hex::encode_to_slice(src, &mut out);
    out
}

/// An HMAC-SHA1 tag as 40 lowercase hex bytes.
fn tag_hex(tag: &[u8; 20]) -> [u8; 40] {
    hex(tag)
}

/// ASCII bytes (hex, a formatted date) as a `String`.
pub(crate) fn ascii_string(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap_or_default()
}

/// MD5 of the body as 32 lowercase hex bytes.
pub(crate) fn md5_hex(body: &[u8]) -> [u8; 32] {
    hex(&hash::md5(body))
}

/// Lowercase hex MD5 of the body bytes exactly as sent.
pub fn content_md5(body: &[u8]) -> String {
    ascii_string(&md5_hex(body))
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The secret is empty.
    EmptySecret,
    /// The method is empty or not an HTTP token.
    InvalidMethod,
    /// The path is empty, does not start with `/` after stripping scheme and host,
    /// or holds whitespace or control characters.
    InvalidPath,
    /// A header value (date or content type) holds CR, LF or another control character.
    InvalidHeaderValue(&'static str),
    /// The date text does not parse, or the unix time cannot be formatted.
    InvalidDate(DateError),
}

impl SignError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::EmptySecret => "empty_secret",
            SignError::InvalidMethod => "invalid_method",
            SignError::InvalidPath => "invalid_path",
            SignError::InvalidHeaderValue(_) => "invalid_header_value",
            SignError::InvalidDate(_) => "invalid_date",
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::EmptySecret => f.write_str("the channel secret is empty"),
            SignError::InvalidMethod => {
                f.write_str("the method must be an HTTP method such as `POST`")
            }
            SignError::InvalidPath => f.write_str(
                "the path must start with `/` (or be a full URL) and hold no spaces or control characters",
            ),
            SignError::InvalidHeaderValue(h) => {
                write!(f, "the `{h}` value holds a control character")
            }
            SignError::InvalidDate(e) => write!(f, "the `Date` value is unusable: {e}"),
        }
    }
}

impl std::error::Error for SignError {}

/// Upper-cases and checks an HTTP method (an RFC 9110 token).
///
/// # Errors
///
/// [`SignError::InvalidMethod`] when empty or holding non-token characters.
pub fn normalize_method(method: &str) -> Result<String, SignError> {
    method_token(method).map(Cow::into_owned)
}

/// [`normalize_method`], borrowing a method that is upper case already.
fn method_token(method: &str) -> Result<Cow<'_, str>, SignError> {
    let ok = !method.is_empty()
        && method.bytes().all(|b| {
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
        });
    if !ok {
        Err(SignError::InvalidMethod)
    } else if method.bytes().any(|b| b.is_ascii_lowercase()) {
        Ok(Cow::Owned(method.to_ascii_uppercase()))
    } else {
        Ok(Cow::Borrowed(method))
    }
}

/// The path as signed: a full URL loses scheme and host; the query and fragment go.
/// The remaining bytes are kept as they are (no decoding, no normalisation).
///
/// # Errors
///
/// [`SignError::InvalidPath`] when the result is empty, does not start with `/`,
/// or holds whitespace or control characters.
pub fn signing_path(path_or_url: &str) -> Result<&str, SignError> {
    signing_span(path_or_url).map(|span| &path_or_url[span])
}

/// Where [`signing_path`] lies in `path_or_url` (byte offsets). One pass over the bytes:
/// this runs for every request signed, in a size-optimised wasm where `str::find`'s
/// searchers and iterator adapters are calls, not loops.
pub(crate) fn signing_span(path_or_url: &str) -> Result<Range<usize>, SignError> {
    let b = path_or_url.as_bytes();
    let start = target_start(b);
    let mut end = start;
    while end < b.len() && b[end] != b'?' && b[end] != b'#' {
        if b[end] <= b' ' || b[end] == 0x7f {
            return Err(SignError::InvalidPath);
        }
        end += 1;
    }
    if end == start || b[start] != b'/' {
        return Err(SignError::InvalidPath);
    }
    Ok(start..end)
}

/// The request target as sent on the request line: a full URL loses scheme and host, the
/// query is kept as given, a fragment (never sent) goes. Not validated.
pub fn request_target(path_or_url: &str) -> &str {
    let b = path_or_url.as_bytes();
    let start = target_start(b);
    let mut end = start;
    while end < b.len() && b[end] != b'#' {
        end += 1;
    }
    &path_or_url[start..end]
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
pub fn query_of(path_or_url: &str) -> Option<&str> {
    let q = &path_or_url[path_or_url.find('?')? + 1..];
    Some(q.find('#').map_or(q, |j| &q[..j]))
}

fn check_header_value(name: &'static str, v: &str) -> Result<(), SignError> {
    if v.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f) {
        Err(SignError::InvalidHeaderValue(name))
    } else {
        Ok(())
    }
}

/// The string that is HMAC-signed: `METHOD\nContent-MD5\nContent-Type\nDate\nPATH`.
/// Its `Display` is exactly the signed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalString {
    /// Upper-cased method.
    pub method: String,
    /// Content-MD5 header value.
    pub content_md5: String,
    /// Content-Type header value (empty when the header is absent).
    pub content_type: String,
    /// Date header value, as sent.
    pub date: String,
    /// Path without scheme, host and query.
    pub path: String,
}

impl CanonicalString {
    /// The five parts, in order; the signed bytes are these joined by `\n`.
    fn parts(&self) -> [&[u8]; 5] {
        [
            self.method.as_bytes(),
            self.content_md5.as_bytes(),
            self.content_type.as_bytes(),
            self.date.as_bytes(),
            self.path.as_bytes(),
        ]
    }
}

impl fmt::Display for CanonicalString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            &self.method,
            &self.content_md5,
            &self.content_type,
            &self.date,
            &self.path,
        ];
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

/// Writes a canonical string given as its parts into `out` (cleared first): the signed
/// bytes, the parts joined by `\n`.
fn join_canonical(parts: [&[u8]; 5], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(part);
    }
}

/// [`join_canonical`] into the start of a slice; its length, or `None` when it does not
/// fit. (An index loop: at `opt-level = "z"` iterator adapters are calls.)
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn join_canonical_into(parts: [&[u8]; 5], out: &mut [u8]) -> Option<usize> {
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i];
        if i > 0 {
            *out.get_mut(at)? = b'\n';
            at += 1;
        }
        out.get_mut(at..at + part.len())?.copy_from_slice(part);
        at += part.len();
        i += 1;
    }
    Some(at)
}

/// The keyed MAC of a secret, which must not be empty.
fn mac_key(secret: &[u8]) -> Result<HmacSha1Key, SignError> {
    if secret.is_empty() {
        return Err(SignError::EmptySecret);
    }
    Ok(HmacSha1Key::new(secret))
}

/// The keyed MAC of the last secret signed with, for a caller that signs again and again
/// (the wasm binding): the key's two compressions are not redone for every request. No
/// `Debug`: it holds the secret.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) struct KeyCache(Option<(Vec<u8>, HmacSha1Key)>);

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl KeyCache {
    pub(crate) const fn new() -> Self {
        KeyCache(None)
    }

    /// The tag of `message` under `secret` (not empty: the callers check).
    fn tag(&mut self, secret: &[u8], message: &[u8]) -> [u8; 20] {
        if let Some((last, key)) = &self.0 {
            if last.as_slice() == secret {
                return key.tag(message);
            }
        }
        let key = HmacSha1Key::new(secret);
        let tag = key.tag(message);
        self.0 = Some((secret.to_vec(), key));
        tag
    }
}

/// Lowercase hex HMAC-SHA1 of `message` under `secret`.
///
/// # Errors
///
/// [`SignError::EmptySecret`].
pub fn hmac_sha1_hex(secret: &[u8], message: &[u8]) -> Result<String, SignError> {
    Ok(ascii_string(&tag_hex(&mac_key(secret)?.tag(message))))
}

/// X-Signature of a canonical string.
///
/// # Errors
///
/// [`SignError::EmptySecret`].
pub fn signature(secret: &[u8], canonical: &CanonicalString) -> Result<String, SignError> {
    let key = mac_key(secret)?;
    let mut message = Vec::new();
    join_canonical(canonical.parts(), &mut message);
    Ok(ascii_string(&tag_hex(&key.tag(&message))))
}

/// Constant-time check of a raw 20-byte tag against any of `secrets`.
/// Every secret is tried, so the time does not tell which one matched.
pub(crate) fn tag_matches_any(secrets: &[&[u8]], message: &[u8], tag: &[u8]) -> Option<usize> {
    let mut found = None;
    for (i, s) in secrets.iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        // Verification stays on the `hmac` crate and its constant-time `verify_slice`
        // (signing uses src/hash.rs, which tests hold to this crate).
        if let Ok(mut m) = Hmac::<Sha1>::new_from_slice(s) {
            m.update(message);
            if m.verify_slice(tag).is_ok() && found.is_none() {
                found = Some(i);
            }
        }
    }
    found
}

/// The date of a request to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateInput<'a> {
    /// Used as-is (it must parse, and the same string must be sent).
    Text(&'a str),
    /// Unix seconds, formatted as RFC 2822 `+0000`.
    Unix(i64),
}

/// What to sign. `content_type: None` means `application/json`.
#[derive(Debug, Clone, Copy)]
pub struct RequestToSign<'a> {
    /// HTTP method; upper-cased for signing.
    pub method: &'a str,
    /// Path, or a full URL (scheme, host and query are stripped for signing).
    pub path: &'a str,
    /// Body bytes exactly as they will be sent (empty for a GET).
    pub body: &'a [u8],
    /// Content-Type to send and sign.
    pub content_type: Option<&'a str>,
    /// Date to send and sign.
    pub date: DateInput<'a>,
}

/// The four header values to send, and the canonical string they sign.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `Date` header value.
    pub date: String,
    /// `Content-Type` header value.
    pub content_type: String,
    /// `Content-MD5` header value.
    pub content_md5: String,
    /// `X-Signature` header value.
    pub signature: String,
    /// What was signed.
    pub canonical: CanonicalString,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("date", &self.date)
            .field("content_type", &self.content_type)
            .field("content_md5", &self.content_md5)
            .field("signature", &self.signature)
            .field("canonical", &self.canonical.to_string())
            .finish()
    }
}

impl SignedRequest {
    /// The headers in the order the docs print them.
    pub fn headers(&self) -> [(&'static str, &str); 4] {
        [
            ("Date", &self.date),
            ("Content-Type", &self.content_type),
            ("Content-MD5", &self.content_md5),
            ("X-Signature", &self.signature),
        ]
    }
}

/// A request checked and hashed: the parts of its canonical string, borrowed from the
/// request where they can be (an upper-case method, the content type, a date given as
/// text, the path) and fixed arrays otherwise. [`canonical_request`] and [`sign_request`]
/// turn it into strings; the wasm binding reads it as it is.
pub(crate) struct Prepared<'a> {
    /// Upper-cased method.
    pub(crate) method: Cow<'a, str>,
    /// Content-MD5 of the body, lowercase hex.
    pub(crate) content_md5: [u8; 32],
    /// Content-Type, as given or the default.
    pub(crate) content_type: &'a str,
    /// Date, as given or formatted.
    pub(crate) date: PreparedDate<'a>,
    /// The request's path or URL, as given…
    path_or_url: &'a str,
    /// …and where the signed path lies in it.
    pub(crate) path_span: Range<usize>,
}

/// The date of a [`Prepared`] request.
pub(crate) enum PreparedDate<'a> {
    /// Given as text (checked to parse).
    Text(&'a str),
    /// Formatted from unix seconds (ASCII).
    Formatted([u8; date::RFC2822_LEN]),
}

impl PreparedDate<'_> {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PreparedDate::Text(t) => t.as_bytes(),
            PreparedDate::Formatted(b) => b,
        }
    }
}

/// Checks a request (method, path, content type, date, in this order) and hashes its body.
pub(crate) fn prepare<'a>(req: &RequestToSign<'a>) -> Result<Prepared<'a>, SignError> {
    let method = method_token(req.method)?;
    let path_span = signing_span(req.path)?;
    let content_type = req.content_type.unwrap_or(DEFAULT_CONTENT_TYPE);
    check_header_value("Content-Type", content_type)?;
    let date = match req.date {
        DateInput::Text(t) => {
            check_header_value("Date", t)?;
            date::parse_date(t).map_err(SignError::InvalidDate)?;
            PreparedDate::Text(t)
        }
        DateInput::Unix(u) => {
            PreparedDate::Formatted(date::format_rfc2822_bytes(u).map_err(SignError::InvalidDate)?)
        }
    };
    Ok(Prepared {
        method,
        content_md5: md5_hex(req.body),
        content_type,
        date,
        path_or_url: req.path,
        path_span,
    })
}

impl Prepared<'_> {
    /// The signed path.
    fn path(&self) -> &str {
        &self.path_or_url[self.path_span.clone()]
    }

    fn parts(&self) -> [&[u8]; 5] {
        [
            self.method.as_bytes(),
            &self.content_md5,
            self.content_type.as_bytes(),
            self.date.as_bytes(),
            self.path().as_bytes(),
        ]
    }

    fn into_canonical(self) -> CanonicalString {
        let path = self.path().to_owned();
        CanonicalString {
            method: self.method.into_owned(),
            content_md5: ascii_string(&self.content_md5),
            content_type: self.content_type.to_owned(),
            date: match self.date {
                PreparedDate::Text(t) => t.to_owned(),
                PreparedDate::Formatted(b) => ascii_string(&b),
            },
            path,
        }
    }
}

/// Builds the canonical string of a request (no secret needed).
///
/// # Errors
///
/// See [`sign_request`].
pub fn canonical_request(req: &RequestToSign<'_>) -> Result<CanonicalString, SignError> {
    prepare(req).map(Prepared::into_canonical)
}

/// Signs a request: Content-MD5 of the body, the canonical string, the X-Signature.
///
/// # Errors
///
/// [`SignError`] for an empty secret, a bad method or path, a date that does not parse
/// (or a unix time out of range), or a header value with control characters.
pub fn sign_request(req: &RequestToSign<'_>, secret: &[u8]) -> Result<SignedRequest, SignError> {
    let key = mac_key(secret)?;
    let prepared = prepare(req)?;
    let mut message = Vec::new();
    join_canonical(prepared.parts(), &mut message);
    let signature = ascii_string(&tag_hex(&key.tag(&message)));
    let canonical = prepared.into_canonical();
    Ok(SignedRequest {
        date: canonical.date.clone(),
        content_type: canonical.content_type.clone(),
        content_md5: canonical.content_md5.clone(),
        signature,
        canonical,
    })
}

/// [`sign_request`] into `out`, for the wasm binding: the X-Signature (40 bytes), then the
/// canonical string, whose length it returns (`None`: `out` is too short). The same checks
/// in the same order, the same errors; `keys` keeps the secret's keyed MAC for the next
/// call.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn sign_into(
    req: &RequestToSign<'_>,
    secret: &[u8],
    keys: &mut KeyCache,
    out: &mut [u8],
) -> Result<Option<usize>, SignError> {
    if secret.is_empty() {
        return Err(SignError::EmptySecret);
    }
    let prepared = prepare(req)?;
    let Some((signature, rest)) = out.split_at_mut_checked(40) else {
        return Ok(None);
    };
    let Some(n) = join_canonical_into(prepared.parts(), rest) else {
        return Ok(None);
    };
    signature.copy_from_slice(&tag_hex(&keys.tag(secret, &rest[..n])));
    Ok(Some(n))
}

/// Webhook X-Signature: lowercase hex HMAC-SHA1 of the raw body (SPEC §2).
/// The legacy request scheme (before autumn 2019) is the same computation.
///
/// # Errors
///
/// [`SignError::EmptySecret`].
pub fn webhook_signature(secret: &[u8], body: &[u8]) -> Result<String, SignError> {
    hmac_sha1_hex(secret, body)
}

/// Legacy request signature: `hex(HMAC-SHA1(secret, body))`, no Date or MD5 signed.
///
/// # Errors
///
/// [`SignError::EmptySecret`].
pub fn legacy_signature(secret: &[u8], body: &[u8]) -> Result<String, SignError> {
    hmac_sha1_hex(secret, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_stripping() {
        assert_eq!(
            signing_path("https://amojo.amocrm.ru/v2/origin/custom/x/connect"),
            Ok("/v2/origin/custom/x/connect")
        );
        assert_eq!(signing_path("/a/b?limit=5#f"), Ok("/a/b"));
        assert_eq!(signing_path("HTTP://h:8080/p?q"), Ok("/p"));
        assert_eq!(signing_path("/a%2Fb"), Ok("/a%2Fb"));
        assert_eq!(signing_path("https://host"), Err(SignError::InvalidPath));
        assert_eq!(signing_path("v2/x"), Err(SignError::InvalidPath));
        assert_eq!(signing_path("/a b"), Err(SignError::InvalidPath));
        assert_eq!(signing_path(""), Err(SignError::InvalidPath));
        assert_eq!(query_of("/h?limit=5&offset=0#x"), Some("limit=5&offset=0"));
        assert_eq!(request_target("https://h.example/a/b?x=1#f"), "/a/b?x=1");
        assert_eq!(request_target("https://h.example?x"), "?x");
        assert_eq!(request_target("/a"), "/a");
        assert_eq!(query_of("/h"), None);
    }

    /// The byte scans against the `str::find` code they replaced, on every combination of
    /// the pieces that matter (schemes, `://`, `/`, `?`, `#`, spaces, non-ASCII).
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
        fn reference_path(path_or_url: &str) -> Result<&str, SignError> {
            let p = reference_target(path_or_url);
            let p = p.find('?').map_or(p, |j| &p[..j]);
            if !p.starts_with('/') || p.bytes().any(|b| b <= b' ' || b == 0x7f) {
                return Err(SignError::InvalidPath);
            }
            Ok(p)
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

    /// The binding's `sign_into` against `sign_request`: the same signature and canonical
    /// string, with the key cache kept across secrets, and `None` when `out` is too short.
    #[test]
    fn sign_into_is_sign_request() {
        let mut keys = KeyCache::new();
        let mut out = [0u8; 512];
        for (secret, method, path, date) in [
            (&b"k"[..], "post", "https://h/v2/x?q#f", DateInput::Unix(0)),
            (
                b"k",
                "GET",
                "/v2/y",
                DateInput::Text("Wed, 15 Dec 2021 23:12:55 GMT"),
            ),
            (b"other", "GET", "/v2/y", DateInput::Unix(1_639_609_975)),
            (&[7u8; 100][..], "PUT", "/\u{e9}", DateInput::Unix(1)),
            (b"k", "POST", "/v2/x", DateInput::Unix(2)),
        ] {
            let req = RequestToSign {
                method,
                path,
                body: "{\"é\":1}".as_bytes(),
                content_type: Some("text/plain"),
                date,
            };
            let want = sign_request(&req, secret).unwrap();
            let n = sign_into(&req, secret, &mut keys, &mut out)
                .unwrap()
                .unwrap();
            assert_eq!(&out[..40], want.signature.as_bytes());
            assert_eq!(&out[40..40 + n], want.canonical.to_string().as_bytes());
            let short = &mut out[..40 + n - 1];
            assert_eq!(sign_into(&req, secret, &mut keys, short), Ok(None));
        }
        let req = RequestToSign {
            method: "POST",
            path: "/x",
            body: b"",
            content_type: None,
            date: DateInput::Unix(-1),
        };
        assert_eq!(
            sign_into(&req, b"", &mut keys, &mut out),
            Err(SignError::EmptySecret)
        );
        assert!(matches!(
            sign_into(&req, b"k", &mut keys, &mut out),
            Err(SignError::InvalidDate(_))
        ));
    }

    #[test]
    fn methods() {
        assert_eq!(normalize_method("post").as_deref(), Ok("POST"));
        assert_eq!(normalize_method(""), Err(SignError::InvalidMethod));
        assert_eq!(normalize_method("PO ST"), Err(SignError::InvalidMethod));
    }

    #[test]
    fn rejects_header_injection() {
        let req = RequestToSign {
            method: "POST",
            path: "/x",
            body: b"",
            content_type: Some("application/json\r\nX-Evil: 1"),
            date: DateInput::Unix(0),
        };
        assert_eq!(
            sign_request(&req, b"s").unwrap_err(),
            SignError::InvalidHeaderValue("Content-Type")
        );
        let req = RequestToSign {
            content_type: None,
            date: DateInput::Text("Thu, 01 Jan 1970 00:00:00 +0000\n"),
            ..req
        };
        assert!(sign_request(&req, b"s").is_err());
        assert_eq!(sign_request(&req, b""), Err(SignError::EmptySecret));
    }
}
