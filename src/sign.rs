//! Signing, stage by stage (SPEC §1): Content-MD5 → canonical string → X-Signature.
//!
//! The stages work on fixed arrays of ASCII (hex digests, the formatted date) and borrow
//! what they are given: signing allocates only the strings it returns, and neither hex
//! nor dates go through `fmt` (see `Prepared`; [`SigningKey::sign_into`] allocates
//! nothing).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use crate::date::{self, DateError};
use crate::hash::{self, HmacSha1Key};
use crate::http;

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
#[non_exhaustive]
pub enum SignError {
    /// The secret is empty.
    EmptySecret,
    /// The method is not one of the HTTP methods (GET, POST, … PATCH).
    InvalidMethod,
    /// The path is empty, does not start with `/` after stripping scheme and host,
    /// or holds whitespace or control characters.
    InvalidPath,
    /// A header value (date or content type) holds CR, LF or another control character.
    InvalidHeaderValue(&'static str),
    /// The content type is not a media type (`type/subtype`, parameters after `;`).
    InvalidContentType,
    /// The date text does not parse, or the unix time cannot be formatted.
    InvalidDate(DateError),
    /// The secret stands in the method, path, content type or date (named): signing would
    /// send it. Looked for when it is at least [`SECRET_SCAN_MIN_LEN`] bytes.
    SecretInRequest(&'static str),
}

impl SignError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::EmptySecret => "empty_secret",
            SignError::InvalidMethod => "invalid_method",
            SignError::InvalidPath => "invalid_path",
            SignError::InvalidHeaderValue(_) => "invalid_header_value",
            SignError::InvalidContentType => "invalid_content_type",
            SignError::InvalidDate(_) => "invalid_date",
            SignError::SecretInRequest(_) => "secret_in_request",
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
            SignError::InvalidContentType => f.write_str(
                "the content type must be a media type such as `application/json`",
            ),
            SignError::InvalidDate(e @ DateError::Invalid(_)) => write!(
                f,
                "the date (the `Date` header) is not in the protocol's format, RFC 2822 like `Thu, 16 Dec 2021 00:12:55 +0000`: {e}"
            ),
            SignError::InvalidDate(e) => write!(f, "the date (the `Date` header) is unusable: {e}"),
            SignError::SecretInRequest(part) => write!(
                f,
                "the channel secret stands in the {part}: it signs the request and is never sent (were the arguments mixed up?)"
            ),
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SignError::InvalidDate(e) => Some(e),
            _ => None,
        }
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

    /// The signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        canonical_bytes(self.parts())
    }
}

impl fmt::Display for CanonicalString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The parts are strings: their join is UTF-8.
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

/// Length of a canonical string given as its parts.
fn canonical_len(parts: [&[u8]; 5]) -> usize {
    parts.iter().map(|p| p.len()).sum::<usize>() + parts.len() - 1
}

/// The one writer of the canonical string: its parts joined by `\n`, into the start of
/// `out`; the length written, or `None` when `out` is too short.
fn write_canonical(parts: [&[u8]; 5], out: &mut [u8]) -> Option<usize> {
    let mut at = 0;
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            *out.get_mut(at)? = b'\n';
            at += 1;
        }
        out.get_mut(at..at + part.len())?.copy_from_slice(part);
        at += part.len();
    }
    Some(at)
}

/// [`write_canonical`] into a vector of the right length.
fn canonical_bytes(parts: [&[u8]; 5]) -> Vec<u8> {
    let mut out = vec![0; canonical_len(parts)];
    let n = write_canonical(parts, &mut out).unwrap_or(0);
    out.truncate(n);
    out
}

/// A channel secret keyed for HMAC-SHA1 once: a caller that signs many requests with one
/// secret (a server, the wasm binding) does not redo the key's two compressions each time.
/// Its `Debug` does not show the key.
#[derive(Clone)]
pub struct SigningKey {
    mac: HmacSha1Key,
    /// The secret itself, to refuse a request that holds it (see [`SignError::SecretInRequest`]).
    secret: Box<[u8]>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    /// Keys a channel secret.
    ///
    /// # Errors
    ///
    /// [`SignError::EmptySecret`].
    pub fn new(secret: &[u8]) -> Result<Self, SignError> {
        if secret.is_empty() {
            return Err(SignError::EmptySecret);
        }
        let mac = HmacSha1Key::new(secret).ok_or(SignError::EmptySecret)?;
        Ok(SigningKey {
            mac,
            secret: secret.into(),
        })
    }

    /// Signs a request: Content-MD5 of the body, the canonical string, the X-Signature.
    ///
    /// # Errors
    ///
    /// [`SignError`] for a bad method or path, a date that does not parse (or a unix time
    /// out of range), or a header value with control characters.
    pub fn sign(&self, req: &RequestToSign<'_>) -> Result<SignedRequest, SignError> {
        let prepared = prepare(req)?;
        self.refuse_sent_secret(&prepared)?;
        let message = canonical_bytes(prepared.parts());
        let signature = ascii_string(&tag_hex(&self.mac.tag(&message)));
        let canonical = prepared.into_canonical();
        Ok(SignedRequest {
            date: canonical.date.clone(),
            content_type: canonical.content_type.clone(),
            content_md5: canonical.content_md5.clone(),
            signature,
            canonical,
        })
    }

    /// [`SigningKey::sign`] into `out`, allocating nothing: the X-Signature (40 bytes),
    /// then the canonical string, whose length it returns (`None`: `out` is too short).
    /// The header values are the canonical string's lines and the signature.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::sign`], checked in the same order.
    pub fn sign_into(
        &self,
        req: &RequestToSign<'_>,
        out: &mut [u8],
    ) -> Result<Option<usize>, SignError> {
        let prepared = prepare(req)?;
        self.refuse_sent_secret(&prepared)?;
        let Some((signature, rest)) = out.split_at_mut_checked(40) else {
            return Ok(None);
        };
        let Some(n) = write_canonical(prepared.parts(), rest) else {
            return Ok(None);
        };
        signature.copy_from_slice(&tag_hex(&self.mac.tag(&rest[..n])));
        Ok(Some(n))
    }

    /// The X-Signature of a canonical string (made by hand, or received: what a receiver
    /// expects).
    pub fn signature(&self, canonical: &CanonicalString) -> String {
        ascii_string(&tag_hex(&self.mac.tag(&canonical.to_bytes())))
    }

    /// The X-Signature of a hook body: HMAC-SHA1 of the raw bytes (what amoCRM sends with
    /// a hook; the legacy request scheme is the same).
    pub fn sign_body(&self, body: &[u8]) -> String {
        ascii_string(&tag_hex(&self.mac.tag(body)))
    }

    /// A secret passed as the method, path, content type or date would be sent in clear:
    /// refused (a secret shorter than [`SECRET_SCAN_MIN_LEN`] is not looked for).
    fn refuse_sent_secret(&self, p: &Prepared<'_>) -> Result<(), SignError> {
        if self.secret.len() < SECRET_SCAN_MIN_LEN {
            return Ok(());
        }
        for (part, text) in [
            ("method", p.method.as_bytes()),
            ("path", p.path_or_url.as_bytes()),
            ("content type", p.content_type.as_bytes()),
            ("date", p.date.as_bytes()),
        ] {
            if find_ignoring_case(text, &self.secret).is_some() {
                return Err(SignError::SecretInRequest(part));
            }
        }
        Ok(())
    }
}

/// Secrets shorter than this are not looked for in a request (a few bytes may stand in a
/// path by chance; channel secrets are 40 characters).
pub const SECRET_SCAN_MIN_LEN: usize = 8;

/// Where `needle` first stands in `haystack`, ASCII case ignored.
pub(crate) fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
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
/// text, the path) and fixed arrays otherwise. [`canonical_request`] and [`SigningKey`]
/// turn it into strings, or write it into a buffer as it is.
struct Prepared<'a> {
    /// Upper-cased method.
    method: Cow<'a, str>,
    /// Content-MD5 of the body, lowercase hex.
    content_md5: [u8; 32],
    /// Content-Type, as given or the default.
    content_type: &'a str,
    /// Date, as given or formatted.
    date: PreparedDate<'a>,
    /// The request's path or URL, as given…
    path_or_url: &'a str,
    /// …and where the signed path lies in it.
    path_span: Range<usize>,
}

/// The date of a [`Prepared`] request.
enum PreparedDate<'a> {
    /// Given as text (checked to parse).
    Text(&'a str),
    /// Formatted from unix seconds (ASCII).
    Formatted([u8; date::RFC2822_LEN]),
}

impl PreparedDate<'_> {
    fn as_bytes(&self) -> &[u8] {
        match self {
            PreparedDate::Text(t) => t.as_bytes(),
            PreparedDate::Formatted(b) => b,
        }
    }
}

fn header_value<'a>(name: &'static str, v: &'a str) -> Result<&'a str, SignError> {
    if http::is_header_value(v) {
        Ok(v)
    } else {
        Err(SignError::InvalidHeaderValue(name))
    }
}

/// Checks a request (method, path, content type, date, in this order) and hashes its body.
fn prepare<'a>(req: &RequestToSign<'a>) -> Result<Prepared<'a>, SignError> {
    let method = http::method_token(req.method).ok_or(SignError::InvalidMethod)?;
    let path_span = http::signing_span(req.path).ok_or(SignError::InvalidPath)?;
    let content_type = header_value(
        "Content-Type",
        req.content_type.unwrap_or(DEFAULT_CONTENT_TYPE),
    )?;
    if !http::is_media_type(content_type) {
        return Err(SignError::InvalidContentType);
    }
    let date = match req.date {
        DateInput::Text(t) => {
            header_value("Date", t)?;
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

/// Signs a request: Content-MD5 of the body, the canonical string, the X-Signature
/// ([`SigningKey::sign`] with a key made for the call).
///
/// # Errors
///
/// [`SignError`] for an empty secret, a bad method or path, a date that does not parse
/// (or a unix time out of range), or a header value with control characters.
pub fn sign_request(req: &RequestToSign<'_>, secret: &[u8]) -> Result<SignedRequest, SignError> {
    SigningKey::new(secret)?.sign(req)
}

/// Webhook X-Signature: lowercase hex HMAC-SHA1 of the raw body (SPEC §2). The legacy
/// request scheme (integrations older than autumn 2019) is the same computation.
///
/// # Errors
///
/// [`SignError::EmptySecret`].
pub fn webhook_signature(secret: &[u8], body: &[u8]) -> Result<String, SignError> {
    Ok(SigningKey::new(secret)?.sign_body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sign_into` against `sign`: the same signature and canonical string, and `None` when
    /// `out` is too short.
    #[test]
    fn sign_into_is_sign() {
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
        ] {
            let req = RequestToSign {
                method,
                path,
                body: "{\"é\":1}".as_bytes(),
                content_type: Some("text/plain"),
                date,
            };
            let key = SigningKey::new(secret).unwrap();
            let want = key.sign(&req).unwrap();
            assert_eq!(want, sign_request(&req, secret).unwrap());
            let n = key.sign_into(&req, &mut out).unwrap().unwrap();
            assert_eq!(&out[..40], want.signature.as_bytes());
            assert_eq!(&out[40..40 + n], want.canonical.to_bytes().as_slice());
            assert_eq!(want.canonical.to_string().as_bytes(), &out[40..40 + n]);
            let short = &mut out[..40 + n - 1];
            assert_eq!(key.sign_into(&req, short), Ok(None));
        }
        let req = RequestToSign {
            method: "POST",
            path: "/x",
            body: b"",
            content_type: None,
            date: DateInput::Unix(-1),
        };
        assert_eq!(SigningKey::new(b"").err(), Some(SignError::EmptySecret));
        let key = SigningKey::new(b"k").unwrap();
        assert!(matches!(
            key.sign_into(&req, &mut out),
            Err(SignError::InvalidDate(_))
        ));
        assert_eq!(format!("{key:?}"), "SigningKey(..)");
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
        for (method, path, err) in [
            ("PO ST", "/x", SignError::InvalidMethod),
            ("POST", "x", SignError::InvalidPath),
        ] {
            let req = RequestToSign {
                method,
                path,
                date: DateInput::Unix(0),
                ..req
            };
            assert_eq!(sign_request(&req, b"s"), Err(err));
        }
    }

    /// A secret passed as the method, path, content type or date would be sent: refused,
    /// in any case, for both signing calls; a short secret is not looked for.
    #[test]
    fn refuses_to_send_the_secret() {
        let secret = "4b6a8e0c2f1d3a5b7c9e0f1a2b3c4d5e6f7a8b9c";
        let upper = secret.to_ascii_uppercase();
        let path = format!("/v2/origin/custom/{secret}/connect");
        let url = format!("https://amojo.amocrm.ru/x?{secret}");
        let ct = format!("application/json; key={secret}");
        let base = RequestToSign {
            method: "POST",
            path: "/x",
            body: b"",
            content_type: None,
            date: DateInput::Unix(1_700_000_000),
        };
        let key = SigningKey::new(secret.as_bytes()).unwrap();
        // Only HTTP methods are methods: a secret there is refused before it is looked for.
        let as_method = RequestToSign {
            method: &upper,
            ..base
        };
        assert_eq!(key.sign(&as_method).unwrap_err(), SignError::InvalidMethod);
        let as_type = RequestToSign {
            content_type: Some(secret),
            ..base
        };
        assert_eq!(
            key.sign(&as_type).unwrap_err(),
            SignError::InvalidContentType
        );
        for (req, part) in [
            (
                RequestToSign {
                    path: &path,
                    ..base
                },
                "path",
            ),
            (RequestToSign { path: &url, ..base }, "path"),
            (
                RequestToSign {
                    content_type: Some(&ct),
                    ..base
                },
                "content type",
            ),
        ] {
            let want = Err(SignError::SecretInRequest(part));
            assert_eq!(key.sign(&req).map(|_| ()), want);
            assert_eq!(key.sign_into(&req, &mut [0; 512]).map(|_| ()), want);
            let e = key.sign(&req).unwrap_err().to_string();
            assert!(!e.contains(secret) && !e.contains(&upper), "{e}");
        }
        assert!(key.sign(&base).is_ok());
        let short = SigningKey::new(b"abc").unwrap();
        assert!(
            short
                .sign(&RequestToSign {
                    path: "/abc",
                    ..base
                })
                .is_ok()
        );
    }
}
