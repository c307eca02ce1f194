//! Verifying signed requests and webhooks (receiver side).
//!
//! `verify_*` answer yes or a reason code and reveal nothing derived from the secret; the
//! signature is compared in constant time. [`crate::diagnose_request`] is the separate,
//! explicitly requested call that shows the expected canonical string and signature.

use std::fmt;

use serde::Serialize;

use crate::date;
use crate::hash::HmacSha1Key;
use crate::http;
use crate::sign::{CanonicalString, md5_hex};

/// The clock window applied when none is given: ±15 minutes (chat-start.md).
pub const DEFAULT_TOLERANCE_SECS: u64 = 900;

/// Received request headers: names compared case-insensitively, order kept.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

/// One header's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Header<'a> {
    /// Not sent.
    Missing,
    /// Sent once.
    One(&'a str),
    /// Sent more than once (ambiguous: rejected).
    Many,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a header (a repeated name is kept, and then reported as a duplicate).
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }
    /// Parses a `Name: value` line (surrounding whitespace of the value is trimmed), as
    /// a raw request or a log prints it.
    ///
    /// # Errors
    ///
    /// [`HeaderLineError`] (line 1) when it has no `:` or an empty name, or the name holds a
    /// space.
    pub fn parse_line(&mut self, line: &str) -> Result<(), HeaderLineError> {
        match line.split_once(':') {
            Some((n, v))
                if !n.trim().is_empty() && !n.contains(|c: char| c.is_ascii_whitespace()) =>
            {
                self.append(n.trim(), v.trim());
                Ok(())
            }
            _ => Err(HeaderLineError { line: 1 }),
        }
    }

    /// Parses the header lines of a raw request: one `Name: value` per line (LF or CRLF),
    /// blank lines skipped.
    ///
    /// # Errors
    ///
    /// [`HeaderLineError`] with the number of the first line that is not a header line.
    pub fn parse(text: &str) -> Result<Headers, HeaderLineError> {
        let mut h = Headers::new();
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if !line.trim().is_empty() {
                h.parse_line(line)
                    .map_err(|_| HeaderLineError { line: i + 1 })?;
            }
        }
        Ok(h)
    }
    /// Looks a header up by name, case-insensitively.
    pub(crate) fn get(&self, name: &str) -> Header<'_> {
        let mut it = self.0.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
        match (it.next(), it.next()) {
            (None, _) => Header::Missing,
            (Some((_, v)), None) => Header::One(v),
            _ => Header::Many,
        }
    }
    /// All (name, value) pairs as received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Headers(
            iter.into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        )
    }
}

/// A line that is not a `Name: value` header line (see [`Headers::parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderLineError {
    /// Its 1-based number.
    pub line: usize,
}

impl fmt::Display for HeaderLineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} is not a `Name: value` header line", self.line)
    }
}

impl std::error::Error for HeaderLineError {}

/// A request as received by a server (or proxy, or mock).
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// Method from the request line.
    pub method: &'a str,
    /// Request target: a path (query allowed, ignored for signing) or a full URL.
    pub path: &'a str,
    /// Headers as received.
    pub headers: &'a Headers,
    /// Raw body bytes.
    pub body: &'a [u8],
}

/// Clock settings: `now` is an input (the core never reads the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Current unix time in seconds.
    pub now: i64,
    /// Allowed distance between Date and `now`, both ways; 0 disables the clock check.
    pub tolerance_secs: u64,
}

impl VerifyOptions {
    /// The default ±900 s window around `now`.
    pub fn at(now: i64) -> Self {
        VerifyOptions {
            now,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
        }
    }
}

/// Why a request or webhook was rejected. Codes are stable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// No secret was given, or one of them is empty.
    NoSecret,
    /// A required header is absent.
    MissingHeader(&'static str),
    /// A header that must be single was sent more than once.
    DuplicateHeader(&'static str),
    /// The method is not an HTTP token.
    BadMethod,
    /// The path is not an absolute path (or URL).
    BadPath,
    /// The Date header does not parse.
    BadDate,
    /// The Date is older than the window allows (`skew` seconds behind now).
    StaleDate {
        /// Seconds the Date is behind `now`.
        skew: i64,
    },
    /// The Date is further ahead than the window allows.
    FutureDate {
        /// Seconds the Date is ahead of `now`.
        skew: i64,
    },
    /// The Content-MD5 header is not 32 hex characters.
    MalformedMd5,
    /// The body's MD5 differs from the Content-MD5 header.
    Md5Mismatch,
    /// The X-Signature is not 40 lowercase hex characters.
    MalformedSignature,
    /// The signature does not match under any secret.
    SignatureMismatch,
}

impl Reason {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NoSecret => "no_secret",
            Reason::MissingHeader(_) => "missing_header",
            Reason::DuplicateHeader(_) => "duplicate_header",
            Reason::BadMethod => "bad_method",
            Reason::BadPath => "bad_path",
            Reason::BadDate => "bad_date",
            Reason::StaleDate { .. } => "stale_date",
            Reason::FutureDate { .. } => "future_date",
            Reason::MalformedMd5 => "malformed_md5",
            Reason::Md5Mismatch => "md5_mismatch",
            Reason::MalformedSignature => "malformed_signature",
            Reason::SignatureMismatch => "signature_mismatch",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NoSecret => f.write_str("no usable secret was given (empty or none)"),
            Reason::MissingHeader(h) => write!(f, "the `{h}` header is missing"),
            Reason::DuplicateHeader(h) => write!(f, "the `{h}` header was sent more than once"),
            Reason::BadMethod => f.write_str("the method is not a valid HTTP method"),
            Reason::BadPath => f.write_str("the path is not an absolute path"),
            Reason::BadDate => f.write_str("the `Date` header is not an RFC 2822 date"),
            Reason::StaleDate { skew } => write!(
                f,
                "the `Date` header is {skew} s in the past, outside the allowed window"
            ),
            Reason::FutureDate { skew } => write!(
                f,
                "the `Date` header is {skew} s in the future, outside the allowed window"
            ),
            Reason::MalformedMd5 => {
                f.write_str("the `Content-MD5` header is not 32 hexadecimal characters")
            }
            Reason::Md5Mismatch => {
                f.write_str("the body's MD5 does not match the `Content-MD5` header")
            }
            Reason::MalformedSignature => {
                f.write_str("the `X-Signature` header is not 40 lowercase hexadecimal characters")
            }
            Reason::SignatureMismatch => f.write_str("the `X-Signature` does not match"),
        }
    }
}

impl std::error::Error for Reason {}

/// A successful verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// Index of the secret that matched (for rotation bookkeeping).
    pub secret_index: usize,
}

/// The outcome of a verification as one serialisable value (what the CLI's `--json` and the
/// npm package return): `{"ok": true, "secret_index": 0}` or `{"ok": false, "reason":
/// "stale_date", "message": "…", "skew": 1200}` (`skew` for a date outside the window,
/// `header` for a missing or repeated header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyOutcome {
    /// Verified.
    pub ok: bool,
    /// The secret that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_index: Option<usize>,
    /// The reason's stable code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The reason, in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The header a missing or repeated header reason names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<&'static str>,
    /// Seconds outside the window, for a stale or future date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skew: Option<i64>,
}

impl From<&Result<Verified, Reason>> for VerifyOutcome {
    fn from(r: &Result<Verified, Reason>) -> Self {
        let mut out = VerifyOutcome {
            ok: r.is_ok(),
            secret_index: None,
            reason: None,
            message: None,
            header: None,
            skew: None,
        };
        match r {
            Ok(v) => out.secret_index = Some(v.secret_index),
            Err(e) => {
                out.reason = Some(e.code());
                out.message = Some(e.to_string());
                match e {
                    Reason::MissingHeader(h) | Reason::DuplicateHeader(h) => out.header = Some(h),
                    Reason::StaleDate { skew } | Reason::FutureDate { skew } => {
                        out.skew = Some(*skew)
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

fn one_header<'h>(h: &'h Headers, name: &'static str) -> Result<Option<&'h str>, Reason> {
    match h.get(name) {
        Header::Missing => Ok(None),
        Header::One(v) => Ok(Some(v)),
        Header::Many => Err(Reason::DuplicateHeader(name)),
    }
}

fn required_header<'h>(h: &'h Headers, name: &'static str) -> Result<&'h str, Reason> {
    one_header(h, name)?.ok_or(Reason::MissingHeader(name))
}

fn usable_secrets<S: AsRef<[u8]>>(secrets: &[S]) -> Result<(), Reason> {
    if secrets.is_empty() || secrets.iter().any(|s| s.as_ref().is_empty()) {
        Err(Reason::NoSecret)
    } else {
        Ok(())
    }
}

/// Decodes a presented signature: exactly 40 lowercase hex characters.
fn decode_signature(sig: &str) -> Result<[u8; 20], Reason> {
    let mut out = [0u8; 20];
    // `hex` accepts upper case too; the server signs in lower case, so that is malformed.
    if sig.bytes().any(|c| c.is_ascii_uppercase()) {
        return Err(Reason::MalformedSignature);
    }
    hex::decode_to_slice(sig, &mut out).map_err(|_| Reason::MalformedSignature)?;
    Ok(out)
}

/// What the server would sign for a received request (no secret needed).
pub(crate) fn received_canonical(req: &ReceivedRequest<'_>) -> Result<CanonicalString, Reason> {
    let method = http::method_token(req.method)
        .ok_or(Reason::BadMethod)?
        .into_owned();
    let path = http::signing_path(req.path).ok_or(Reason::BadPath)?;
    let date = required_header(req.headers, "Date")?;
    let md5 = required_header(req.headers, "Content-MD5")?;
    let ct = one_header(req.headers, "Content-Type")?.unwrap_or("");
    Ok(CanonicalString {
        method,
        content_md5: md5.to_owned(),
        content_type: ct.to_owned(),
        date: date.to_owned(),
        path: path.to_owned(),
    })
}

pub(crate) fn check_clock(date_text: &str, opts: &VerifyOptions) -> Result<i64, Reason> {
    let parsed = date::parse_date(date_text).map_err(|_| Reason::BadDate)?;
    if opts.tolerance_secs > 0 {
        // i128: no overflow for any `now` and tolerance.
        let skew = i128::from(opts.now) - i128::from(parsed.unix);
        let tol = i128::from(opts.tolerance_secs);
        let clamp = |v: i128| i64::try_from(v).unwrap_or(i64::MAX);
        if skew > tol {
            return Err(Reason::StaleDate { skew: clamp(skew) });
        }
        if skew < -tol {
            return Err(Reason::FutureDate { skew: clamp(-skew) });
        }
    }
    Ok(parsed.unix)
}

/// Verifies a signed request: headers present and single, Date parses and lies in the
/// window, Content-MD5 equals the body's MD5, X-Signature matches one of `secrets`
/// (compared in constant time).
///
/// # Errors
///
/// The first failed check, as a [`Reason`]. Never carries the secret or the expected
/// signature.
pub fn verify_request<S: AsRef<[u8]>>(
    req: &ReceivedRequest<'_>,
    secrets: &[S],
    opts: &VerifyOptions,
) -> Result<Verified, Reason> {
    usable_secrets(secrets)?;
    let canonical = received_canonical(req)?;
    let sig = required_header(req.headers, "X-Signature")?;
    let tag = decode_signature(sig)?;
    check_clock(&canonical.date, opts)?;
    check_md5(&canonical.content_md5, req.body)?;
    tag_matches_any(secrets, &canonical.to_bytes(), &tag)
        .map(|secret_index| Verified { secret_index })
        .ok_or(Reason::SignatureMismatch)
}

/// Constant-time check of a raw 20-byte tag against any of `secrets` (the keyed
/// `Hmac<Sha1>` that signs, compared as a `CtOutput`). Every secret is tried, so the time
/// does not tell which one matched.
fn tag_matches_any<S: AsRef<[u8]>>(secrets: &[S], message: &[u8], tag: &[u8]) -> Option<usize> {
    let mut found = None;
    for (i, s) in secrets.iter().map(AsRef::as_ref).enumerate() {
        if s.is_empty() {
            continue;
        }
        if let Some(key) = HmacSha1Key::new(s)
            && key.verifies(message, tag)
            && found.is_none()
        {
            found = Some(i);
        }
    }
    found
}

fn check_md5(header: &str, body: &[u8]) -> Result<(), Reason> {
    if header.len() != 32 || !header.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Reason::MalformedMd5);
    }
    if !header.as_bytes().eq_ignore_ascii_case(&md5_hex(body)) {
        return Err(Reason::Md5Mismatch);
    }
    Ok(())
}

/// Verifies a webhook: X-Signature = HMAC-SHA1(secret, raw body), for any of `secrets`.
/// The legacy request scheme (integrations older than autumn 2019) is the same check.
///
/// # Errors
///
/// [`Reason::NoSecret`], [`Reason::MalformedSignature`] or [`Reason::SignatureMismatch`].
pub fn verify_webhook<S: AsRef<[u8]>>(
    body: &[u8],
    signature: &str,
    secrets: &[S],
) -> Result<Verified, Reason> {
    usable_secrets(secrets)?;
    let tag = decode_signature(signature)?;
    tag_matches_any(secrets, body, &tag)
        .map(|secret_index| Verified { secret_index })
        .ok_or(Reason::SignatureMismatch)
}
