//! Verifying signed requests and webhooks (receiver side), and explicit diagnosis.
//!
//! `verify_*` answer yes or a reason code and reveal nothing derived from the secret.
//! [`diagnose_request`] is the separate, explicitly requested call that shows the expected
//! canonical string and signature and says which component differs.

use std::fmt;

use crate::date;
use crate::sign::{
    self, CanonicalString, DEFAULT_CONTENT_TYPE, content_md5, normalize_method, signing_path,
};

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
pub enum Header<'a> {
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
    /// Parses `Name: value` lines (surrounding whitespace of the value is trimmed).
    ///
    /// # Errors
    ///
    /// The offending line when it has no `:` or an empty name.
    pub fn parse_line(&mut self, line: &str) -> Result<(), String> {
        match line.split_once(':') {
            Some((n, v))
                if !n.trim().is_empty() && !n.contains(|c: char| c.is_ascii_whitespace()) =>
            {
                self.append(n.trim(), v.trim());
                Ok(())
            }
            _ => Err(format!("`{line}` is not a `Name: value` header line")),
        }
    }
    /// Looks a header up by name, case-insensitively.
    pub fn get(&self, name: &str) -> Header<'_> {
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

fn usable_secrets(secrets: &[&[u8]]) -> Result<(), Reason> {
    if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
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
///
/// # Errors
///
/// The first [`Reason`] among missing/duplicate headers and bad method/path.
pub fn received_canonical(req: &ReceivedRequest<'_>) -> Result<CanonicalString, Reason> {
    let method = normalize_method(req.method).map_err(|_| Reason::BadMethod)?;
    let path = signing_path(req.path).map_err(|_| Reason::BadPath)?;
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

fn check_clock(date_text: &str, opts: &VerifyOptions) -> Result<i64, Reason> {
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
pub fn verify_request(
    req: &ReceivedRequest<'_>,
    secrets: &[&[u8]],
    opts: &VerifyOptions,
) -> Result<Verified, Reason> {
    usable_secrets(secrets)?;
    let canonical = received_canonical(req)?;
    let sig = required_header(req.headers, "X-Signature")?;
    let tag = decode_signature(sig)?;
    check_clock(&canonical.date, opts)?;
    check_md5(&canonical.content_md5, req.body)?;
    let msg = canonical.to_string();
    sign::tag_matches_any(secrets, msg.as_bytes(), &tag)
        .map(|secret_index| Verified { secret_index })
        .ok_or(Reason::SignatureMismatch)
}

fn check_md5(header: &str, body: &[u8]) -> Result<(), Reason> {
    if header.len() != 32 || !header.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Reason::MalformedMd5);
    }
    if !header.as_bytes().eq_ignore_ascii_case(&sign::md5_hex(body)) {
        return Err(Reason::Md5Mismatch);
    }
    Ok(())
}

/// Verifies a webhook: X-Signature = HMAC-SHA1(secret, raw body), for any of `secrets`.
///
/// # Errors
///
/// [`Reason::NoSecret`], [`Reason::MalformedSignature`] or [`Reason::SignatureMismatch`].
pub fn verify_webhook(body: &[u8], signature: &str, secrets: &[&[u8]]) -> Result<Verified, Reason> {
    usable_secrets(secrets)?;
    let tag = decode_signature(signature)?;
    sign::tag_matches_any(secrets, body, &tag)
        .map(|secret_index| Verified { secret_index })
        .ok_or(Reason::SignatureMismatch)
}

/// Verifies a legacy-scheme request (X-Signature = HMAC-SHA1 of the body only).
///
/// # Errors
///
/// As [`verify_webhook`].
pub fn verify_legacy(body: &[u8], signature: &str, secrets: &[&[u8]]) -> Result<Verified, Reason> {
    verify_webhook(body, signature, secrets)
}

/// A component of a signed request that a diagnosis can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    /// The HTTP method.
    Method,
    /// The path.
    Path,
    /// The Content-Type header.
    ContentType,
    /// The Content-MD5 header vs the body.
    ContentMd5,
    /// The Date header.
    Date,
    /// The body bytes.
    Body,
    /// The X-Signature header.
    Signature,
    /// The secret.
    Secret,
}

impl Component {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Method => "method",
            Component::Path => "path",
            Component::ContentType => "content_type",
            Component::ContentMd5 => "content_md5",
            Component::Date => "date",
            Component::Body => "body",
            Component::Signature => "signature",
            Component::Secret => "secret",
        }
    }
}

/// One thing a diagnosis found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it concerns.
    pub component: Component,
    /// Stable code, e.g. `signed_with_query`.
    pub code: &'static str,
    /// What differs and what to do, in English.
    pub message: String,
}

/// The result of [`diagnose_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// What [`verify_request`] answers for the same input.
    pub outcome: Result<Verified, Reason>,
    /// The string the receiver signs (empty when headers are missing).
    pub expected_canonical: String,
    /// The signature the receiver expects under the first secret (absent when it cannot
    /// be computed). This is derived from the secret: show it only to its owner.
    pub expected_signature: Option<String>,
    /// MD5 of the received body.
    pub body_md5: String,
    /// What differs, most likely cause first.
    pub findings: Vec<Finding>,
}

fn hmac_hex(secret: &[u8], msg: &str) -> Option<String> {
    sign::hmac_sha1_hex(secret, msg.as_bytes()).ok()
}

/// Explains a verification failure: recomputes every component and tries the usual
/// mistakes (lower-case method, query string or full URL signed, Content-Type rewritten
/// with a charset, Date re-generated a second apart, body re-serialized after signing,
/// legacy scheme, secret rotation). Requested explicitly; it returns the expected
/// signature, so its output is for the secret's owner only. It never returns the secret.
pub fn diagnose_request(
    req: &ReceivedRequest<'_>,
    secrets: &[&[u8]],
    opts: &VerifyOptions,
) -> Diagnosis {
    let outcome = verify_request(req, secrets, opts);
    let body_md5 = content_md5(req.body);
    let mut findings = Vec::new();
    let mut push = |component, code, message: String| {
        findings.push(Finding {
            component,
            code,
            message,
        })
    };
    let canonical = received_canonical(req);
    let expected_canonical = canonical
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let usable: Vec<&[u8]> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    let expected_signature = usable.first().and_then(|s| {
        canonical
            .as_ref()
            .ok()
            .and_then(|c| hmac_hex(s, &c.to_string()))
    });

    let sig = match req.headers.get("X-Signature") {
        Header::One(s) => Some(s),
        _ => None,
    };
    if let Ok(c) = &canonical {
        if !c.content_md5.eq_ignore_ascii_case(&body_md5) {
            push(
                Component::ContentMd5,
                "body_md5_mismatch",
                format!(
                    "`Content-MD5` is `{}` but the body received hashes to `{body_md5}`: the body was changed after signing (re-serialized, pretty-printed, re-encoded, or a trailing newline added), or the header was computed over other bytes",
                    c.content_md5
                ),
            );
        }
        if c.content_md5.bytes().any(|b| b.is_ascii_uppercase()) {
            push(
                Component::ContentMd5,
                "md5_uppercase",
                "`Content-MD5` is upper-case hex; the docs use lower-case (PHP `strtolower`)"
                    .to_owned(),
            );
        }
        if c.content_type != DEFAULT_CONTENT_TYPE {
            push(
                Component::ContentType,
                "content_type_not_json",
                format!(
                    "`Content-Type` is `{}`; the API accepts exactly `{DEFAULT_CONTENT_TYPE}`, and the value sent is the value signed",
                    c.content_type
                ),
            );
        }
        if let Ok(p) = date::parse_date(&c.date) {
            if p.wrong_weekday {
                push(Component::Date, "wrong_weekday", "the weekday in `Date` does not match the date (accepted, but a sign of a hand-made date)".to_owned());
            }
            let away = opts.now.saturating_sub(p.unix);
            if opts.tolerance_secs > 0 && away.unsigned_abs() > opts.tolerance_secs {
                push(
                    Component::Date,
                    "outside_window",
                    format!(
                        "`Date` is {away} s away from now; the window is ±{} s: check the sender's clock, or that the date is produced per request",
                        opts.tolerance_secs
                    ),
                );
            }
        } else {
            push(
                Component::Date,
                "unparsable_date",
                format!(
                    "`Date: {}` is not an RFC 2822 date such as `Wed, 15 Dec 2021 23:12:55 +0000`",
                    c.date
                ),
            );
        }
        if sign::query_of(req.path).is_some() {
            push(
                Component::Path,
                "query_not_signed",
                "the request target has a query string; it is not part of the signed path"
                    .to_owned(),
            );
        }
    }
    if let Some(sig) = sig {
        if sig.len() == 40
            && sig.bytes().all(|b| b.is_ascii_hexdigit())
            && sig.bytes().any(|b| b.is_ascii_uppercase())
        {
            push(
                Component::Signature,
                "signature_uppercase",
                "`X-Signature` is upper-case hex; it must be lower-case (PHP `strtolower`)"
                    .to_owned(),
            );
        }
        let sig_l = sig.to_ascii_lowercase();
        let matches = |msg: &str| {
            usable
                .iter()
                .position(|s| hmac_hex(s, msg).as_deref() == Some(sig_l.as_str()))
        };
        if let Ok(c) = &canonical {
            if let Some(i) = matches(&c.to_string()) {
                if i > 0 {
                    push(
                        Component::Secret,
                        "older_secret",
                        format!(
                            "the signature matches secret #{} of those given, not the first",
                            i + 1
                        ),
                    );
                }
            } else {
                // Try the usual mistakes, one component at a time.
                let mut variants: Vec<(Component, &'static str, String, CanonicalString)> =
                    Vec::new();
                let base = c.clone();
                for m in [req.method.to_owned(), req.method.to_ascii_lowercase()] {
                    if m != base.method {
                        variants.push((
                            Component::Method,
                            "method_case",
                            format!(
                                "the sender signed the method as `{m}`; it must be upper-case `{}`",
                                base.method
                            ),
                            CanonicalString {
                                method: m,
                                ..base.clone()
                            },
                        ));
                    }
                }
                let raw_target = req.path.to_owned();
                if let Some(q) = req.path.find('?') {
                    let with_q = signing_path(&req.path[..q])
                        .map(|p| format!("{p}{}", &req.path[q..]))
                        .unwrap_or_default();
                    variants.push((Component::Path, "signed_with_query", format!("the sender signed the path with its query string (`{with_q}`); only the path is signed"), CanonicalString { path: with_q, ..base.clone() }));
                }
                if raw_target.contains("://") {
                    variants.push((
                        Component::Path,
                        "signed_full_url",
                        "the sender signed the full URL; only the path is signed".to_owned(),
                        CanonicalString {
                            path: raw_target.clone(),
                            ..base.clone()
                        },
                    ));
                } else {
                    for host in ["https://amojo.amocrm.ru", "https://amojo.kommo.com"] {
                        variants.push((Component::Path, "signed_full_url", format!("the sender signed the full URL `{host}{}`; only the path is signed", base.path), CanonicalString { path: format!("{host}{}", base.path), ..base.clone() }));
                    }
                }
                if let Some(p) = base.path.strip_suffix('/') {
                    variants.push((
                        Component::Path,
                        "trailing_slash",
                        format!("the sender signed `{p}` without the trailing slash that was sent"),
                        CanonicalString {
                            path: p.to_owned(),
                            ..base.clone()
                        },
                    ));
                } else {
                    variants.push((
                        Component::Path,
                        "trailing_slash",
                        format!("the sender signed `{}/` with a trailing slash", base.path),
                        CanonicalString {
                            path: format!("{}/", base.path),
                            ..base.clone()
                        },
                    ));
                }
                let bare_ct = base
                    .content_type
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                if bare_ct != base.content_type {
                    variants.push((Component::ContentType, "content_type_rewritten", format!("the sender signed `Content-Type: {bare_ct}` but `{}` arrived: the HTTP client added parameters after signing; force the header to `{DEFAULT_CONTENT_TYPE}`", base.content_type), CanonicalString { content_type: bare_ct, ..base.clone() }));
                }
                for ct in [
                    DEFAULT_CONTENT_TYPE,
                    "application/json; charset=utf-8",
                    "application/json;charset=UTF-8",
                    "",
                ] {
                    if ct != base.content_type {
                        variants.push((
                            Component::ContentType,
                            "content_type_differs",
                            format!(
                                "the sender signed `Content-Type: {ct}` but sent `{}`",
                                base.content_type
                            ),
                            CanonicalString {
                                content_type: ct.to_owned(),
                                ..base.clone()
                            },
                        ));
                    }
                }
                if base.content_md5 != body_md5 {
                    variants.push((Component::ContentMd5, "signed_body_md5", format!("the signature covers the MD5 of the body received (`{body_md5}`), but the `Content-MD5` header sent is different"), CanonicalString { content_md5: body_md5.clone(), ..base.clone() }));
                }
                let lower_md5 = base.content_md5.to_ascii_lowercase();
                if lower_md5 != base.content_md5 {
                    variants.push((
                        Component::ContentMd5,
                        "md5_case",
                        "the sender signed the lower-case MD5 but sent it upper-case".to_owned(),
                        CanonicalString {
                            content_md5: lower_md5,
                            ..base.clone()
                        },
                    ));
                }
                if let Ok(p) = date::parse_date(&base.date) {
                    for d in [-2i64, -1, 1, 2] {
                        if let Ok(t) = date::format_rfc2822(p.unix + d) {
                            variants.push((Component::Date, "date_differs", format!("the sender signed `Date: {t}` but sent `{}`: produce the date once and use the same string in the header and the signature", base.date), CanonicalString { date: t, ..base.clone() }));
                        }
                    }
                    if let Ok(t) = date::format_rfc2822(p.unix)
                        && t != base.date
                    {
                        variants.push((
                            Component::Date,
                            "date_format",
                            format!(
                                "the sender signed the date as `{t}` but sent `{}`",
                                base.date
                            ),
                            CanonicalString {
                                date: t,
                                ..base.clone()
                            },
                        ));
                    }
                }
                let mut found = false;
                for (comp, code, msg, v) in variants {
                    if matches(&v.to_string()).is_some() {
                        push(comp, code, msg);
                        found = true;
                        break;
                    }
                }
                if !found {
                    if usable.iter().any(|s| {
                        sign::hmac_sha1_hex(s, req.body).ok().as_deref() == Some(sig_l.as_str())
                    }) {
                        push(Component::Signature, "legacy_scheme", "the signature is the legacy scheme (HMAC-SHA1 of the body only); sign `METHOD\\nContent-MD5\\nContent-Type\\nDate\\nPATH` instead".to_owned());
                    } else {
                        push(Component::Secret, "no_variant_matches", "no single-component variant matches: the secret differs, or several components changed; compare the sender's canonical string with `expected_canonical` byte for byte".to_owned());
                    }
                }
            }
        }
    }
    Diagnosis {
        outcome,
        expected_canonical,
        expected_signature,
        body_md5,
        findings,
    }
}
