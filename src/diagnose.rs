//! Explaining a verification failure, for the secret's owner: the expected canonical string
//! and signature, and the usual mistakes as two tables read top to bottom, like the
//! validation rules: what is wrong with the request as received ([`CHECKS`]), and what the
//! sender may have signed instead of what it sent ([`MISTAKES`], tried one at a time until a
//! variant's signature matches the one received).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::date;
use crate::http;
use crate::sign::{
    CanonicalString, DEFAULT_CONTENT_TYPE, SECRET_SCAN_MIN_LEN, SigningKey, content_md5,
    find_ignoring_case,
};
use crate::verify::{
    Header, Reason, ReceivedRequest, Verified, VerifyOptions, VerifyOutcome, received_canonical,
    verify_request,
};

/// A component of a signed request that a diagnosis can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
    /// Stable code.
    pub fn code(self) -> &'static str {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it concerns.
    pub component: Component,
    /// Stable code, e.g. `signed_with_query`.
    pub code: &'static str,
    /// What differs and what to do, in English.
    pub message: String,
}

/// The result of [`diagnose_request`]. Serialises as the verification outcome
/// ([`VerifyOutcome`]) plus `expected_canonical`, `expected_signature`, `body_md5` and
/// `findings`: the one shape the CLI prints and the npm package returns.
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

impl Serialize for Diagnosis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let outcome = VerifyOutcome::from(&self.outcome);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ok", &outcome.ok)?;
        for (k, v) in [
            ("secret_index", outcome.secret_index.map(|i| i as i64)),
            ("skew", outcome.skew),
        ] {
            if let Some(v) = v {
                m.serialize_entry(k, &v)?;
            }
        }
        for (k, v) in [
            ("reason", outcome.reason),
            ("message", outcome.message.as_deref()),
            ("header", outcome.header),
        ] {
            if let Some(v) = v {
                m.serialize_entry(k, v)?;
            }
        }
        m.serialize_entry("expected_canonical", &self.expected_canonical)?;
        m.serialize_entry("expected_signature", &self.expected_signature)?;
        m.serialize_entry("body_md5", &self.body_md5)?;
        m.serialize_entry("findings", &self.findings)?;
        m.end()
    }
}

/// What the checks and mistakes look at: the request as received and what the receiver
/// computed from it.
struct Received<'a> {
    req: &'a ReceivedRequest<'a>,
    /// The canonical string the receiver signs.
    canonical: &'a CanonicalString,
    /// MD5 of the body received.
    body_md5: &'a str,
    opts: &'a VerifyOptions,
}

/// A check of the request as received: a message when it applies.
struct Check {
    component: Component,
    code: &'static str,
    finds: fn(&Received<'_>) -> Option<String>,
}

/// What is wrong with the request as received, whatever the signature.
const CHECKS: &[Check] = &[
    Check {
        component: Component::ContentMd5,
        code: "body_md5_mismatch",
        finds: |r| {
            (!r.canonical.content_md5.eq_ignore_ascii_case(r.body_md5)).then(|| format!(
                "`Content-MD5` is `{}` but the body received hashes to `{}`: the body was changed after signing (re-serialized, pretty-printed, re-encoded, or a trailing newline added), or the header was computed over other bytes",
                r.canonical.content_md5, r.body_md5
            ))
        },
    },
    Check {
        component: Component::ContentMd5,
        code: "md5_uppercase",
        finds: |r| {
            r.canonical
                .content_md5
                .bytes()
                .any(|b| b.is_ascii_uppercase())
                .then(|| {
                    "`Content-MD5` is upper-case hex; the docs use lower-case (PHP `strtolower`)"
                        .to_owned()
                })
        },
    },
    Check {
        component: Component::ContentType,
        code: "content_type_not_json",
        finds: |r| {
            (r.canonical.content_type != DEFAULT_CONTENT_TYPE).then(|| format!(
                "`Content-Type` is `{}`; the API accepts exactly `{DEFAULT_CONTENT_TYPE}`, and the value sent is the value signed",
                r.canonical.content_type
            ))
        },
    },
    Check {
        component: Component::Date,
        code: "wrong_weekday",
        finds: |r| {
            date::parse_date(&r.canonical.date)
                .is_ok_and(|p| p.wrong_weekday)
                .then(|| "the weekday in `Date` does not match the date (accepted, but a sign of a hand-made date)".to_owned())
        },
    },
    Check {
        component: Component::Date,
        code: "outside_window",
        finds: |r| {
            let p = date::parse_date(&r.canonical.date).ok()?;
            let away = r.opts.now.saturating_sub(p.unix);
            (r.opts.tolerance_secs > 0 && away.unsigned_abs() > r.opts.tolerance_secs).then(|| format!(
                "`Date` is {away} s away from now; the window is ±{} s: check the sender's clock, or that the date is produced per request",
                r.opts.tolerance_secs
            ))
        },
    },
    Check {
        component: Component::Date,
        code: "unparsable_date",
        finds: |r| {
            date::parse_date(&r.canonical.date).is_err().then(|| {
                format!(
                    "`Date: {}` is not an RFC 2822 date such as `Wed, 15 Dec 2021 23:12:55 +0000`",
                    r.canonical.date
                )
            })
        },
    },
    Check {
        component: Component::Path,
        code: "query_not_signed",
        finds: |r| {
            http::query_of(r.req.path).is_some().then(|| {
                "the request target has a query string; it is not part of the signed path"
                    .to_owned()
            })
        },
    },
];

/// A mistake a sender makes: the canonical strings it may have signed instead, each with
/// what to tell it.
struct Mistake {
    component: Component,
    code: &'static str,
    signed: fn(&Received<'_>) -> Vec<(CanonicalString, String)>,
}

/// `base` with one part replaced.
fn with(base: &CanonicalString, f: impl FnOnce(&mut CanonicalString)) -> CanonicalString {
    let mut c = base.clone();
    f(&mut c);
    c
}

/// The usual mistakes, most likely first; the first whose variant matches is reported.
const MISTAKES: &[Mistake] = &[
    Mistake {
        component: Component::Method,
        code: "method_case",
        signed: |r| {
            let base = r.canonical;
            [r.req.method.to_owned(), r.req.method.to_ascii_lowercase()]
                .into_iter()
                .filter(|m| *m != base.method)
                .map(|m| {
                    let msg = format!(
                        "the sender signed the method as `{m}`; it must be upper-case `{}`",
                        base.method
                    );
                    (with(base, |c| c.method = m), msg)
                })
                .collect()
        },
    },
    Mistake {
        component: Component::Path,
        code: "signed_with_query",
        signed: |r| {
            let Some(q) = r.req.path.find('?') else {
                return Vec::new();
            };
            let with_q = http::signing_path(&r.req.path[..q])
                .map(|p| format!("{p}{}", &r.req.path[q..]))
                .unwrap_or_default();
            let msg = format!(
                "the sender signed the path with its query string (`{with_q}`); only the path is signed"
            );
            vec![(with(r.canonical, |c| c.path = with_q), msg)]
        },
    },
    Mistake {
        component: Component::Path,
        code: "signed_full_url",
        signed: |r| {
            let base = r.canonical;
            if r.req.path.contains("://") {
                let msg = "the sender signed the full URL; only the path is signed".to_owned();
                return vec![(with(base, |c| c.path = r.req.path.to_owned()), msg)];
            }
            ["https://amojo.amocrm.ru", "https://amojo.kommo.com"]
                .into_iter()
                .map(|host| {
                    let msg = format!(
                        "the sender signed the full URL `{host}{}`; only the path is signed",
                        base.path
                    );
                    (with(base, |c| c.path = format!("{host}{}", base.path)), msg)
                })
                .collect()
        },
    },
    Mistake {
        component: Component::Path,
        code: "trailing_slash",
        signed: |r| {
            let base = r.canonical;
            let (path, msg) = match base.path.strip_suffix('/') {
                Some(p) => (
                    p.to_owned(),
                    format!("the sender signed `{p}` without the trailing slash that was sent"),
                ),
                None => (
                    format!("{}/", base.path),
                    format!("the sender signed `{}/` with a trailing slash", base.path),
                ),
            };
            vec![(with(base, |c| c.path = path), msg)]
        },
    },
    Mistake {
        component: Component::ContentType,
        code: "content_type_rewritten",
        signed: |r| {
            let base = r.canonical;
            let bare = base
                .content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            if bare == base.content_type {
                return Vec::new();
            }
            let msg = format!(
                "the sender signed `Content-Type: {bare}` but `{}` arrived: the HTTP client added parameters after signing; force the header to `{DEFAULT_CONTENT_TYPE}`",
                base.content_type
            );
            vec![(with(base, |c| c.content_type = bare), msg)]
        },
    },
    Mistake {
        component: Component::ContentType,
        code: "content_type_differs",
        signed: |r| {
            let base = r.canonical;
            [
                DEFAULT_CONTENT_TYPE,
                "application/json; charset=utf-8",
                "application/json;charset=UTF-8",
                "",
            ]
            .into_iter()
            .filter(|ct| *ct != base.content_type)
            .map(|ct| {
                let msg = format!(
                    "the sender signed `Content-Type: {ct}` but sent `{}`",
                    base.content_type
                );
                (with(base, |c| c.content_type = ct.to_owned()), msg)
            })
            .collect()
        },
    },
    Mistake {
        component: Component::ContentMd5,
        code: "signed_body_md5",
        signed: |r| {
            if r.canonical.content_md5 == r.body_md5 {
                return Vec::new();
            }
            let msg = format!(
                "the signature covers the MD5 of the body received (`{}`), but the `Content-MD5` header sent is different",
                r.body_md5
            );
            vec![(
                with(r.canonical, |c| c.content_md5 = r.body_md5.to_owned()),
                msg,
            )]
        },
    },
    Mistake {
        component: Component::ContentMd5,
        code: "md5_case",
        signed: |r| {
            let lower = r.canonical.content_md5.to_ascii_lowercase();
            if lower == r.canonical.content_md5 {
                return Vec::new();
            }
            let msg = "the sender signed the lower-case MD5 but sent it upper-case".to_owned();
            vec![(with(r.canonical, |c| c.content_md5 = lower), msg)]
        },
    },
    Mistake {
        component: Component::Date,
        code: "date_differs",
        signed: |r| {
            let base = r.canonical;
            let Ok(p) = date::parse_date(&base.date) else {
                return Vec::new();
            };
            [-2i64, -1, 1, 2]
                .into_iter()
                .filter_map(|d| date::format_rfc2822(p.unix + d).ok())
                .map(|t| {
                    let msg = format!(
                        "the sender signed `Date: {t}` but sent `{}`: produce the date once and use the same string in the header and the signature",
                        base.date
                    );
                    (with(base, |c| c.date = t), msg)
                })
                .collect()
        },
    },
    Mistake {
        component: Component::Date,
        code: "date_format",
        signed: |r| {
            let base = r.canonical;
            match date::parse_date(&base.date).and_then(|p| date::format_rfc2822(p.unix)) {
                Ok(t) if t != base.date => {
                    let msg = format!(
                        "the sender signed the date as `{t}` but sent `{}`",
                        base.date
                    );
                    vec![(with(base, |c| c.date = t), msg)]
                }
                _ => Vec::new(),
            }
        },
    },
];

/// Explains a verification failure: recomputes every component, reports what is wrong with
/// the request as received and which usual mistake the signature matches (lower-case method, query string or full URL signed, Content-Type rewritten
/// with a charset, Date re-generated a second apart, body re-serialized after signing), or
/// the legacy scheme, or an older secret. Requested explicitly; it returns the expected
/// signature, so its output is for the secret's owner only. It never returns the secret.
pub fn diagnose_request<S: AsRef<[u8]>>(
    req: &ReceivedRequest<'_>,
    secrets: &[S],
    opts: &VerifyOptions,
) -> Diagnosis {
    let outcome = verify_request(req, secrets, opts);
    let body_md5 = content_md5(req.body);
    let keys: Vec<SigningKey> = secrets
        .iter()
        .filter_map(|s| SigningKey::new(s.as_ref()).ok())
        .collect();
    let canonical = received_canonical(req);
    let mut findings = Vec::new();
    let (expected_canonical, expected_signature) = match &canonical {
        Ok(c) => (c.to_string(), keys.first().map(|k| k.signature(c))),
        Err(_) => (String::new(), None),
    };
    if let Ok(c) = &canonical {
        let r = Received {
            req,
            canonical: c,
            body_md5: &body_md5,
            opts,
        };
        for check in CHECKS {
            if let Some(message) = (check.finds)(&r) {
                findings.push(Finding {
                    component: check.component,
                    code: check.code,
                    message,
                });
            }
        }
        if let Header::One(sig) = req.headers.get("X-Signature") {
            findings.extend(explain_signature(&r, sig, &keys));
        }
    } else if let Header::One(sig) = req.headers.get("X-Signature") {
        findings.extend(signature_case(sig));
    }
    let mut d = Diagnosis {
        outcome,
        expected_canonical,
        expected_signature,
        body_md5,
        findings,
    };
    d.redact(req, secrets);
    d
}

impl Diagnosis {
    /// A secret passed where a header, the method or the path goes would be shown back by
    /// the texts that quote the request: each occurrence (ASCII case ignored) becomes
    /// `[secret]`, and a finding, first, says that the secret was sent.
    fn redact<S: AsRef<[u8]>>(&mut self, req: &ReceivedRequest<'_>, secrets: &[S]) {
        let secrets: Vec<&[u8]> = secrets
            .iter()
            .map(AsRef::as_ref)
            .filter(|s| s.len() >= SECRET_SCAN_MIN_LEN && std::str::from_utf8(s).is_ok())
            .collect();
        let holds = |text: &str| {
            secrets
                .iter()
                .any(|s| find_ignoring_case(text.as_bytes(), s).is_some())
        };
        let sent =
            holds(req.method) || holds(req.path) || req.headers.iter().any(|(_, v)| holds(v));
        redact(&mut self.expected_canonical, &secrets);
        for f in &mut self.findings {
            redact(&mut f.message, &secrets);
        }
        if sent {
            self.findings.insert(0, Finding {
                component: Component::Secret,
                code: "secret_in_request",
                message: "the channel secret was sent in the request (a header, the method or the path; shown here as `[secret]`): \
                          the secret signs and is never sent; check what was passed where"
                    .to_owned(),
            });
        }
    }
}

/// Replaces every occurrence of each secret in `text` (ASCII case ignored) by `[secret]`.
/// Secrets are valid UTF-8, so each match lies on character boundaries.
fn redact(text: &mut String, secrets: &[&[u8]]) {
    for secret in secrets {
        if find_ignoring_case(text.as_bytes(), secret).is_none() {
            continue;
        }
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = find_ignoring_case(rest.as_bytes(), secret) {
            out.push_str(rest.get(..at).unwrap_or_default());
            out.push_str("[secret]");
            rest = rest.get(at + secret.len()..).unwrap_or_default();
        }
        out.push_str(rest);
        *text = out;
    }
}

/// An upper-case hex signature (the server signs lower case).
fn signature_case(sig: &str) -> Option<Finding> {
    (sig.len() == 40
        && sig.bytes().all(|b| b.is_ascii_hexdigit())
        && sig.bytes().any(|b| b.is_ascii_uppercase()))
    .then(|| Finding {
        component: Component::Signature,
        code: "signature_uppercase",
        message: "`X-Signature` is upper-case hex; it must be lower-case (PHP `strtolower`)"
            .to_owned(),
    })
}

/// What the received signature was computed over: the expected string under another of
/// the secrets, one of the usual mistakes, the legacy scheme, or none of them.
fn explain_signature(r: &Received<'_>, sig: &str, keys: &[SigningKey]) -> Vec<Finding> {
    let mut out: Vec<Finding> = signature_case(sig).into_iter().collect();
    let sig = sig.to_ascii_lowercase();
    let matching = |c: &CanonicalString| keys.iter().position(|k| k.signature(c) == sig);
    let finding = |component, code, message| Finding {
        component,
        code,
        message,
    };
    match matching(r.canonical) {
        Some(0) => {}
        Some(i) => out.push(finding(
            Component::Secret,
            "older_secret",
            format!(
                "the signature matches secret #{} of those given, not the first",
                i + 1
            ),
        )),
        None => {
            let mistake = MISTAKES.iter().find_map(|m| {
                (m.signed)(r)
                    .into_iter()
                    .find(|(c, _)| matching(c).is_some())
                    .map(|(_, msg)| finding(m.component, m.code, msg))
            });
            out.push(mistake.unwrap_or_else(|| {
                let legacy = keys
                    .iter()
                    .any(|k| k.sign_body(r.req.body) == sig);
                if legacy {
                    finding(Component::Signature, "legacy_scheme", "the signature is the legacy scheme (HMAC-SHA1 of the body only); sign `METHOD\\nContent-MD5\\nContent-Type\\nDate\\nPATH` instead".to_owned())
                } else {
                    finding(Component::Secret, "no_variant_matches", "no single-component variant matches: the secret differs, or several components changed; compare the sender's canonical string with the expected canonical string byte for byte".to_owned())
                }
            }));
        }
    }
    out
}
