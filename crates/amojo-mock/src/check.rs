//! The part of a request's checks that needs no state, only the configuration (channels,
//! secrets, options): the route, the method, the size, whose secret signs it, the
//! signature and its Date window, the validation, the body parsed. A host runs it on any
//! thread, outside the lock around the emulator; [`crate::Emulator::apply`] then does the
//! rest (is the scope connected, the state change) and answers in the order of
//! [`crate::Emulator::handle`].
//!
//! A scope route's channel is, in the state, the channel its account was connected to; a
//! scope id is always `{channel_id}_{account_id}` of that channel, so the check signs with
//! the channel whose id is the longest such prefix. When the state says otherwise (channel
//! ids that are prefixes of one another, or an empty account id), the emulator checks the
//! signature again, under its lock, with the right secret: the answer is the same either
//! way.

use std::sync::Arc;

use amojo_kit::{
    Endpoint, Headers, ReceivedRequest, RouteMatch, ValidateOptions, VerifyOptions, VerifyOutcome,
    diagnose_request, find_route, validate_request, verify_request,
};
use serde_json::{Value, json};

use crate::api::Outcome;
use crate::doc::{self, J};
use crate::{Config, Request};

/// Checks requests against an emulator's configuration, without its state: see
/// [`crate::Emulator::checker`]. Cheap to clone, and `Send + Sync`: one per worker thread,
/// or one shared.
#[derive(Clone)]
pub struct Checker {
    config: Arc<Config>,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("channels", &self.config.channels)
            .field("options", &self.config.options)
            .finish()
    }
}

impl Checker {
    pub(crate) fn new(config: Arc<Config>) -> Checker {
        Checker { config }
    }

    /// Checks `request` at `now_ms` (unix milliseconds: the Date window's now) as far as the
    /// configuration allows: route, method, size, channel, signature, validation, and the
    /// body parsed for the state change. Nothing is answered yet: hand the result to
    /// [`crate::Emulator::apply`] of the emulator this checker came from.
    pub fn check<'a>(&self, request: &Request<'a>, now_ms: i64) -> Checked<'a> {
        check(&self.config, request, now_ms)
    }
}

/// A request checked by a [`Checker`], waiting for [`crate::Emulator::apply`]. It borrows
/// the request (its body, parsed, is kept for the state change).
pub struct Checked<'a> {
    pub(crate) request: Request<'a>,
    /// The now of the Date window.
    pub(crate) now_ms: i64,
    /// The configuration checked against (an emulator applies only its own checks).
    config: Arc<Config>,
    pub(crate) verdict: Verdict<'a>,
}

impl std::fmt::Debug for Checked<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("method", &self.request.method)
            .field("target", &self.request.target)
            .field("now_ms", &self.now_ms)
            .finish_non_exhaustive()
    }
}

impl Checked<'_> {
    /// Whether it was checked against this configuration.
    pub(crate) fn is_for(&self, config: &Arc<Config>) -> bool {
        Arc::ptr_eq(&self.config, config)
    }
}

/// How far the stateless checks went.
pub(crate) enum Verdict<'a> {
    /// Answered without the state: an unknown route, another method, too large, a channel
    /// not configured, a connect or disconnect whose signature fails.
    Done(Outcome),
    /// Connect or disconnect: the channel, and the signature passed.
    Channel {
        route: RouteMatch,
        channel: usize,
        judged: Judged<'a>,
    },
    /// A scope route: the channel the scope id names (None: no channel's id prefixes it) and
    /// the signature and body judged with its secret.
    Scope {
        route: RouteMatch,
        channel: Option<usize>,
        judged: Option<Judged<'a>>,
    },
}

/// The signature and the body, with a given channel's secret.
pub(crate) enum Judged<'a> {
    /// The signature fails: the 403.
    Forbidden(Outcome),
    /// Signed, but the body (or the history query) breaks the rules: the 400, answered
    /// once the scope is known to be connected.
    Invalid(Outcome),
    /// Signed and valid: the body, parsed (null for history), and the validator's warnings.
    Valid { body: J<'a>, warnings: Vec<Value> },
}

/// The checks of [`Checker::check`].
pub(crate) fn check<'a>(config: &Arc<Config>, req: &Request<'a>, now_ms: i64) -> Checked<'a> {
    Checked {
        request: *req,
        now_ms,
        config: Arc::clone(config),
        verdict: verdict(config, req, now_ms),
    }
}

fn verdict<'a>(config: &Config, req: &Request<'a>, now_ms: i64) -> Verdict<'a> {
    let Some(route) = find_route(req.target) else {
        return Verdict::Done(Outcome::refuse(
            404,
            "unknown_route",
            "no Chats API endpoint has this path",
        ));
    };
    let endpoint = route.endpoint;
    let with_endpoint = |mut o: Outcome| {
        o.endpoint = Some(endpoint);
        Verdict::Done(o)
    };
    let allowed = route.method();
    if !req.method.eq_ignore_ascii_case(allowed) {
        let mut o = Outcome::refuse(
            405,
            "method_not_allowed",
            format!("`{}` takes `{allowed}`", endpoint.as_str()),
        );
        if let Some(Value::Object(b)) = &mut o.body {
            b.insert("allowed".into(), allowed.into());
        }
        return with_endpoint(o);
    }
    let limit = config.options.max_body_bytes;
    if req.body.len() > limit {
        let mut o = Outcome::refuse(
            413,
            "too_large",
            format!("the body is larger than {limit} bytes"),
        );
        if let Some(Value::Object(b)) = &mut o.body {
            b.insert("limit".into(), limit.into());
        }
        return with_endpoint(o);
    }
    match endpoint {
        Endpoint::Connect | Endpoint::Disconnect => {
            let cid = route.param("channel_id").unwrap_or("");
            let Some(channel) = config.channels.iter().position(|c| c.id == cid) else {
                return with_endpoint(Outcome::refuse(
                    404,
                    "channel_not_found",
                    "no channel of this emulator has this id",
                ));
            };
            match judge(config, req, endpoint, channel, None, now_ms) {
                Judged::Forbidden(o) => with_endpoint(o),
                judged => Verdict::Channel {
                    route,
                    channel,
                    judged,
                },
            }
        }
        _ => {
            let sid = route.param("scope_id").unwrap_or("");
            let channel = prefix_channel(config, sid);
            let judged = channel.map(|ch| judge(config, req, endpoint, ch, Some(sid), now_ms));
            Verdict::Scope {
                route,
                channel,
                judged,
            }
        }
    }
}

/// The channel whose `{id}_` is the longest prefix of `scope_id` (the account id may be
/// empty): the channel of every scope the state can hold with this id.
fn prefix_channel(config: &Config, scope_id: &str) -> Option<usize> {
    config
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            scope_id.starts_with(c.id.as_str())
                && scope_id.as_bytes().get(c.id.len()) == Some(&b'_')
        })
        .max_by_key(|(_, c)| c.id.len())
        .map(|(i, _)| i)
}

/// The channel whose id is the prefix of `scope_id` (`{channel_id}_{account_id}`, the
/// account id not empty); the longest such id when several are. A scope route's channel
/// when the state holds no scope of this id.
pub(crate) fn channel_for_scope(config: &Config, scope_id: &str) -> Option<usize> {
    config
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            scope_id.len() > c.id.len() + 1
                && scope_id.starts_with(c.id.as_str())
                && scope_id.as_bytes().get(c.id.len()) == Some(&b'_')
        })
        .max_by_key(|(_, c)| c.id.len())
        .map(|(i, _)| i)
}

/// The signature, with `channel`'s secret and the Date window around `now_ms`; then the
/// body (and the history query) by the core's rules, and the body parsed.
pub(crate) fn judge<'a>(
    config: &Config,
    req: &Request<'a>,
    endpoint: Endpoint,
    channel: usize,
    scope_id: Option<&str>,
    now_ms: i64,
) -> Judged<'a> {
    let options = &config.options;
    let headers: Headers = req.headers.iter().copied().collect();
    let received = ReceivedRequest {
        method: req.method,
        path: req.target,
        headers: &headers,
        body: req.body,
    };
    let vopts = VerifyOptions {
        now: now_ms.div_euclid(1000),
        tolerance_secs: options.tolerance_secs,
    };
    let secret = [config.channels[channel].secret.as_slice()];
    if let Err(reason) = verify_request(&received, &secret, &vopts) {
        let outcome = VerifyOutcome::from(&Err(reason));
        let code = outcome.reason.unwrap_or("signature_mismatch");
        let mut o = Outcome::refuse(403, code, outcome.message.unwrap_or_default());
        o.scope_id = scope_id.map(str::to_owned);
        if let Some(Value::Object(b)) = &mut o.body {
            if let Some(h) = outcome.header {
                b.insert("header".into(), h.into());
            }
            if let Some(s) = outcome.skew {
                b.insert("skew".into(), s.into());
            }
            if options.diagnose {
                let d = diagnose_request(&received, &secret, &vopts);
                let d = serde_json::to_value(&d).unwrap_or(Value::Null);
                b.insert("diagnosis".into(), d.clone());
                o.diagnosis = Some(d);
            }
        }
        return Judged::Forbidden(o);
    }

    let vopts = ValidateOptions {
        max_body_bytes: options.max_body_bytes,
        ..ValidateOptions::default()
    };
    let report = validate_request(req.method, req.target, req.body, &vopts);
    let to_values = |issues: &[amojo_kit::Issue]| -> Vec<Value> {
        issues
            .iter()
            .map(|i| serde_json::to_value(i).unwrap_or(Value::Null))
            .collect()
    };
    let warnings = to_values(&report.warnings);
    let refuse = |errors: Vec<Value>, warnings: Vec<Value>| {
        let mut o = Outcome::refuse(400, "invalid_request", "");
        o.body = Some(crate::api::invalid_body(endpoint, &errors, &warnings));
        o.errors = errors;
        o.warnings = warnings;
        o.scope_id = scope_id.map(str::to_owned);
        o.endpoint = Some(endpoint);
        Judged::Invalid(o)
    };
    if !report.valid {
        return refuse(to_values(&report.errors), warnings);
    }
    let body = if endpoint == Endpoint::History {
        J::Null
    } else {
        match doc::parse(req.body) {
            Ok(v) => v,
            Err(e) => {
                let errors = vec![json!({
                    "path": "",
                    "code": "invalid_json",
                    "message": format!("the body is not JSON: {e}"),
                })];
                return refuse(errors, warnings);
            }
        }
    };
    Judged::Valid { body, warnings }
}
