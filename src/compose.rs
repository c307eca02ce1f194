//! What a receiver and a sender each do in one call, composed from the stages, so that
//! every binding (the CLI, the npm package, the playground) does it the same way: receive a
//! hook (verify its signature, parse it, tell which hook it is, validate it), and build a
//! request (serialize, route, validate, sign).

use std::fmt;

use crate::endpoint::{Endpoint, find_route};
use crate::http;
use crate::json::{self, BodyStyle, JsonError};
use crate::sign::{DateInput, RequestToSign, SignError, SignedRequest, SigningKey};
use crate::validate::{Report, ValidateOptions, validate, validate_request};
use crate::verify::{Reason, verify_webhook};

/// The API's address, where a request goes when its path names no host.
pub const DEFAULT_BASE_URL: &str = "https://amojo.amocrm.ru";

/// A hook that passed [`receive_webhook`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedHook {
    /// The secret that matched.
    pub secret_index: usize,
    /// Which hook it is, by its envelope (`None`: JSON, but none of the four).
    pub endpoint: Option<Endpoint>,
    /// The verdict on its body, when validation was asked for (valid: warnings only).
    pub report: Option<Report>,
    /// When amoCRM sent it (unix seconds): the signed `time`, or for a v1 hook its
    /// `timestamp` (or `msec_timestamp`). `None` when the body has none.
    pub time: Option<i64>,
}

/// What [`receive_webhook`] checks beyond the signature and the JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct HookChecks<'a> {
    /// Validate the body against its hook's rules (the hook must then be one of the four).
    pub validation: Option<&'a ValidateOptions>,
    /// Refuse a hook whose signed time is further than `max_age` seconds from `now`: a
    /// captured hook replayed later verifies, its time does not (amoCRM sends each hook
    /// once, right away).
    pub max_age: Option<MaxAge>,
}

/// The replay window of [`HookChecks::max_age`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAge {
    /// The receiver's clock (unix seconds).
    pub now: i64,
    /// How far from `now` the hook's time may be, either way.
    pub secs: u64,
}

/// Why [`receive_webhook`] refused a hook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum HookError {
    /// The signature is missing, repeated, malformed or wrong.
    Rejected(Reason),
    /// Signed, but not JSON.
    NotJson(JsonError),
    /// Signed JSON, but not a message, typing, reaction or v1 hook (with validation).
    NotAHook,
    /// Signed, but its time is outside the replay window (with a max age): `age` seconds
    /// old (negative: ahead of the receiver's clock).
    Expired {
        /// `now - time`.
        age: i64,
        /// The window.
        max_age: u64,
    },
    /// Signed, but with no time to check the replay window against (with a max age).
    NoTime,
    /// Signed JSON of a known hook that breaks its rules (with validation).
    Invalid {
        /// The hook.
        endpoint: Endpoint,
        /// The verdict, with the errors.
        report: Report,
    },
}

impl HookError {
    /// Stable code: the [`Reason`]'s, `invalid_json`, `stale_hook`, `future_hook`,
    /// `no_hook_time`, or `invalid_body`.
    pub fn code(&self) -> &'static str {
        match self {
            HookError::Rejected(r) => r.code(),
            HookError::NotJson(_) => "invalid_json",
            HookError::Expired { age, .. } if *age < 0 => "future_hook",
            HookError::Expired { .. } => "stale_hook",
            HookError::NoTime => "no_hook_time",
            HookError::NotAHook | HookError::Invalid { .. } => "invalid_body",
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HookError::Rejected(r) => r.fmt(f),
            HookError::NotJson(e) => write!(f, "the hook body is not JSON: {e}"),
            HookError::NotAHook => f.write_str(
                "the hook body is neither a message (v2 or v1), a typing nor a reaction hook",
            ),
            HookError::Expired { age, max_age } if *age < 0 => write!(
                f,
                "the hook's time is {} s ahead of this clock, beyond the {max_age} s allowed: check the clock",
                age.unsigned_abs()
            ),
            HookError::Expired { age, max_age } => write!(
                f,
                "the hook was sent {age} s ago, more than the {max_age} s allowed: a replayed hook, or a clock that is off"
            ),
            HookError::NoTime => {
                f.write_str("the hook has no `time` to check against the allowed age")
            }
            HookError::Invalid { endpoint, report } => {
                write!(f, "the {endpoint} hook is invalid")?;
                if let Some(first) = report.errors.first() {
                    if !first.path.is_empty() {
                        write!(f, ": {}", first.path)?;
                    }
                    write!(f, ": {}", first.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HookError::Rejected(r) => Some(r),
            HookError::NotJson(e) => Some(e),
            _ => None,
        }
    }
}

/// Receives a hook: checks its `X-Signature` (every value of the header received: none is
/// `missing_header`, several `duplicate_header`) over the raw body against `secrets`, then
/// that the body is JSON, then (with a max age) that its signed time is within the replay
/// window, tells which hook it is, and (with validation) validates it against that hook's
/// rules.
///
/// # Errors
///
/// [`HookError`]: the first check that failed.
pub fn receive_webhook<S: AsRef<[u8]>>(
    body: &[u8],
    signatures: &[&str],
    secrets: &[S],
    checks: &HookChecks<'_>,
) -> Result<ReceivedHook, HookError> {
    let signature = match signatures {
        [] => return Err(HookError::Rejected(Reason::MissingHeader("X-Signature"))),
        [one] => one,
        _ => return Err(HookError::Rejected(Reason::DuplicateHeader("X-Signature"))),
    };
    let verified = verify_webhook(body, signature, secrets).map_err(HookError::Rejected)?;
    let parsed = json::parse_node(body, json::MAX_PARSE_DEPTH).map_err(HookError::NotJson)?;
    let endpoint = Endpoint::of_hook(&parsed.node);
    let time = hook_time(&parsed.node);
    if let Some(window) = checks.max_age {
        let age = window.now.saturating_sub(time.ok_or(HookError::NoTime)?);
        if age.unsigned_abs() > window.secs {
            return Err(HookError::Expired {
                age,
                max_age: window.secs,
            });
        }
    }
    let report = match (checks.validation, endpoint) {
        (None, _) => None,
        (Some(_), None) => return Err(HookError::NotAHook),
        (Some(opts), Some(e)) => {
            let report = validate(e, body, opts);
            if !report.valid {
                return Err(HookError::Invalid {
                    endpoint: e,
                    report,
                });
            }
            Some(report)
        }
    };
    Ok(ReceivedHook {
        secret_index: verified.secret_index,
        endpoint,
        report,
        time,
    })
}

/// When a hook was sent: its top-level `time` (v2 hooks), else `timestamp` or
/// `msec_timestamp` ÷ 1000 (v1); integers only.
fn hook_time(body: &json::Node<'_>) -> Option<i64> {
    let obj = body.as_obj()?;
    let int = |key| match json::lookup(obj, key) {
        Some(json::Node::Num(json::Num::Int(n))) => Some(*n),
        _ => None,
    };
    int("time")
        .or_else(|| int("timestamp"))
        .or_else(|| int("msec_timestamp").map(|ms| ms.div_euclid(1000)))
}

/// A request to build: where it goes, its payload as JSON text, how to serialize it, and
/// the date to sign.
#[derive(Debug, Clone, Copy)]
pub struct RequestToBuild<'a> {
    /// The method; `None`: the one the path's endpoint takes.
    pub method: Option<&'a str>,
    /// The path, or a full URL.
    pub path: &'a str,
    /// The payload as JSON text (`None`: no body, as for a GET).
    pub payload: Option<&'a [u8]>,
    /// How to serialize the payload (PHP's `json_encode` bytes, or compact).
    pub style: BodyStyle,
    /// Where to send it (`None`: the URL's own origin, else [`DEFAULT_BASE_URL`]).
    pub base_url: Option<&'a str>,
    /// The date to sign.
    pub date: DateInput<'a>,
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltRequest {
    /// The URL: the base and the request target (the query kept).
    pub url: String,
    /// The method, upper case.
    pub method: String,
    /// The body to send, byte for byte (empty: none).
    pub body: String,
    /// The headers and what they sign.
    pub signed: SignedRequest,
    /// The validation of the request (valid: it may carry warnings).
    pub report: Report,
}

/// Why [`build_request`] did not build a request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BuildError {
    /// The payload is not JSON.
    NotJson(JsonError),
    /// The route, the method or the body breaks the rules: the API would refuse it.
    Invalid(Report),
    /// The request cannot be signed (method, path, date or content type).
    Sign(SignError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NotJson(e) => write!(f, "the payload is not JSON: {e}"),
            BuildError::Invalid(r) => {
                let n = r.errors.len();
                write!(
                    f,
                    "the request is invalid ({n} error{})",
                    if n == 1 { "" } else { "s" }
                )?;
                if let Some(first) = r.errors.first() {
                    write!(f, ": {}", first.message)?;
                }
                Ok(())
            }
            BuildError::Sign(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::NotJson(e) => Some(e),
            BuildError::Sign(e) => Some(e),
            BuildError::Invalid(_) => None,
        }
    }
}

/// Builds a request: serializes the payload in the style asked for, finds the method from
/// the route when none is given, validates route, method and body as the API would, and
/// signs the exact bytes.
///
/// # Errors
///
/// [`BuildError`]: a payload that is not JSON, a request the API would refuse (with the
/// report), or one that cannot be signed.
pub fn build_request(
    req: &RequestToBuild<'_>,
    key: &SigningKey,
    opts: &ValidateOptions,
) -> Result<BuiltRequest, BuildError> {
    let body = match req.payload {
        Some(p) => json::reserialize(p, req.style).map_err(BuildError::NotJson)?,
        None => String::new(),
    };
    let method = match req.method {
        Some(m) => m.to_owned(),
        None => match find_route(req.path) {
            Some(r) => r.method().to_owned(),
            // What the validation says about a path no endpoint has.
            None => {
                return Err(BuildError::Invalid(validate_request(
                    "POST",
                    req.path,
                    body.as_bytes(),
                    opts,
                )));
            }
        },
    };
    let report = validate_request(&method, req.path, body.as_bytes(), opts);
    if !report.valid {
        return Err(BuildError::Invalid(report));
    }
    let signed = key
        .sign(&RequestToSign {
            method: &method,
            path: req.path,
            body: body.as_bytes(),
            content_type: None,
            date: req.date,
        })
        .map_err(BuildError::Sign)?;
    let origin = &req.path[..http::target_offset(req.path)];
    let base = match (req.base_url, origin) {
        (Some(b), _) => b,
        (None, "") => DEFAULT_BASE_URL,
        (None, o) => o,
    };
    Ok(BuiltRequest {
        url: http::request_url(base, req.path),
        method: signed.canonical.method.clone(),
        body,
        signed,
        report,
    })
}
