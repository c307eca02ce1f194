//! `amojo send`: validate, sign and send one request to the Chats API, print the answer,
//! and explain a 403 locally (the request re-verified with the same secret, the API's own
//! diagnosis when it gives one, the clock's skew from the answer's `Date`).
//!
//! The request is the core's [`build_request`] (serialize, route, validate, sign); each
//! attempt gets a fresh `Date` and signature over the same body bytes. HTTP is hyper's
//! client with rustls (ring, the Mozilla roots of `webpki-roots`: no system store needed).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use amojo_kit::{
    BodyStyle, BuildError, BuiltRequest, CurlBody, DEFAULT_TOLERANCE_SECS, DateInput, Endpoint,
    Headers, ReceivedRequest, RequestToBuild, RequestToSign, SigningKey, ValidateOptions,
    VerifyOptions, build_request, diagnose_request, find_route, parse_date, validate,
};
use bytes::Bytes;
use clap::Arg;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper::header::{HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::args::{self, Args, CliError};
use crate::util::{self, Source};
use crate::validate::print_human;

pub const USAGE: &str = "\
amojo send: validate, sign and send one request to the amoCRM Chats API

usage:
  amojo send --channel-id ID --secret S --path P [FILE | - | --data TEXT] [OPTIONS]
  amojo send --channel-id ID --secret S --endpoint E [--scope-id SC] [--msgid M]
             [--conversation-id C] [--offset N] [--limit N] [FILE | - | --data TEXT]
             [OPTIONS]
  OPTIONS: [--base-url URL] [--style compact|php] [--dry-run] [--timeout SECS]
           [--retries N]

The body (FILE, stdin `-` or --data) is parsed as JSON and serialized (--style), the
request is validated as the API would (invalid: the issues are printed and nothing is
sent), signed with this machine's clock and sent; the method is the route's.

--endpoint E builds the path from the route table (`amojo endpoints`):
  connect, disconnect          /v2/origin/custom/{channel_id}/...   from --channel-id
  create_chat, send_message,   /v2/origin/custom/{scope_id}[/...]   --scope-id
  typing, react
  delivery_status              .../{scope_id}/{msgid}/delivery_status
                               --scope-id, --msgid
  history                      GET .../{scope_id}/chats/{conversation_id}/history
                               --scope-id, --conversation-id (amoCRM's chat id: the
                               create_chat answer's `id`), --offset N, --limit N; no body

options:
  --channel-id ID     the channel's id (default: $AMOJO_CHANNEL_ID)
  --secret S          the channel secret (default: $AMOJO_SECRET); never printed
  --path P            the request path, query included, or a full URL
  --endpoint E        build the path of E (above) instead of --path
  --scope-id SC       the account's scope: the connect answer's `scope_id`
  --msgid M           delivery_status: the message (amoCRM's id or yours)
  --conversation-id C history: amoCRM's id of the chat
  --offset N          history: skip the N newest messages
  --limit N           history: at most N messages
  --data TEXT         the body, inline
  --base-url URL      where to send it (default: the origin of a full URL in --path,
                      else https://amojo.amocrm.ru; https and http both work)
  --style S           the body's bytes: `compact` (default) or `php` (json_encode's, as
                      the docs' examples: `\\/` and `\\uXXXX`)
  --dry-run           print the curl command that sends it (with a fresh Date); send nothing
  --timeout SECS      give up on an attempt after SECS seconds (default: 30)
  --retries N         after a network error, a timeout, 408, 429 (waiting its Retry-After)
                      or 500/502/503/504, try again up to N times (default: 0), waiting
                      up to 0.5 s, 1 s, 2 s, ... (jittered; at most 15 s); each has a fresh
                      Date and signature over the same body. Every endpoint is safe to
                      repeat: the API takes a msgid once, the rest set a state or read
  -h, --help          this help

output: stdout gets the answer's body as received (JSON, ready for `| jq`); stderr the
status (`amojo send: connect: 200 OK`), warnings (the request's, and an answer that is not
as documented), the clock's skew when the answer's Date is over a minute off this
machine's, and on a 403 the local self-check: the request re-verified with the same
secret and, when the API tells what it received (`amojo mock` does), whether the secret
differs or something on the way rewrote the request.
exit: 0 a 2xx answer (or --dry-run), 1 a non-2xx answer, an invalid request (nothing
sent), a network error or timeout; 2 usage error.

example:
  AMOJO_SECRET=... amojo send --channel-id \"$CHANNEL_ID\" --endpoint send_message \\
    --scope-id \"$SCOPE_ID\" message.json
";

/// The channel id's environment variable, when `--channel-id` is absent.
const CHANNEL_ENV: &str = "AMOJO_CHANNEL_ID";
/// Default per-attempt timeout.
const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
/// An answer's body larger than this is cut off (the API's are small).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// An answer's `Date` further than this from the local clock is reported.
const SKEW_NOTICE_SECS: i64 = 60;
/// Statuses after which an attempt may be repeated: 429 (refused unread), and those that
/// leave unknown whether the API acted.
const RETRY_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];
const RETRY_MIN_DELAY: Duration = Duration::from_millis(500);
const RETRY_MAX_DELAY: Duration = Duration::from_secs(15);
/// The longest `Retry-After` waited.
const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

fn specs() -> [Arg; 16] {
    [
        args::value("channel-id"),
        args::many("secret"),
        args::value("path"),
        args::value("endpoint"),
        args::value("scope-id"),
        args::value("msgid"),
        args::value("conversation-id"),
        args::value("offset"),
        args::value("limit"),
        args::value("data"),
        args::value("base-url"),
        args::value("style"),
        args::switch("dry-run"),
        args::value("timeout"),
        args::value("retries"),
        // `--now` is not an option: the Date is always the clock's (a fixed one would be
        // refused 15 minutes later).
        args::value("method"),
    ]
}

/// The flags that fill an `--endpoint`'s path or query, with the template's name.
const ROUTE_FLAGS: [(&str, &str); 5] = [
    ("scope-id", "scope_id"),
    ("msgid", "msgid"),
    ("conversation-id", "conversation_id"),
    ("offset", ""),
    ("limit", ""),
];

/// What to send, after the command line is checked.
struct Plan {
    channel: String,
    path: String,
    payload: Option<Vec<u8>>,
    style: BodyStyle,
    base_url: Option<String>,
    dry_run: bool,
    timeout: Duration,
    retries: u32,
}

pub fn run(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("send", specs(), argv)?;
    if a.help {
        out.write_all(USAGE.as_bytes())?;
        return Ok(0);
    }
    let plan = plan(&a)?;
    let secret = util::one_secret(&a)?;
    let key = SigningKey::new(&secret).map_err(|e| CliError::usage("send", e.to_string()))?;
    let mut err = Stderr::new(&secret);
    let opts = ValidateOptions::default();
    let built = match build_request(
        &RequestToBuild {
            method: None,
            path: &plan.path,
            payload: plan.payload.as_deref(),
            style: plan.style,
            base_url: plan.base_url.as_deref(),
            date: DateInput::Unix(util::system_now()?),
        },
        &key,
        &opts,
    ) {
        Ok(b) => b,
        Err(BuildError::Invalid(report)) => {
            let mut text = Vec::new();
            print_human(&mut text, &report, opts.lang)?;
            err.write(&String::from_utf8_lossy(&text));
            return Err(CliError::Data(
                "nothing sent: the request is invalid (the issues above)".to_owned(),
            ));
        }
        Err(BuildError::NotJson(e)) => {
            return Err(CliError::Data(format!(
                "nothing sent: the body is not JSON: {e}"
            )));
        }
        Err(BuildError::Sign(e)) => {
            return Err(CliError::usage("send", format!("cannot sign: {e}")));
        }
        // `BuildError` is non-exhaustive.
        Err(e) => return Err(CliError::Data(format!("nothing sent: {e}"))),
    };
    if !built.report.warnings.is_empty() {
        let mut text = Vec::new();
        print_human(&mut text, &built.report, opts.lang)?;
        err.write(&String::from_utf8_lossy(&text));
    }
    if plan.dry_run {
        let curl = amojo_kit::curl_command(
            &built.method,
            &built.url,
            &built.signed.headers(),
            CurlBody::Bytes(built.body.as_bytes()),
        )
        .map_err(|e| CliError::Data(e.to_string()))?;
        out.write_all(&curl)?;
        out.write_all(b"\n")?;
        return Ok(0);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Data(format!("cannot start the HTTP client: {e}")))?;
    runtime.block_on(send(&plan, &key, &secret, built, &mut err, out))
}

/// Checks the command line: the path (given, or built from `--endpoint`), the body, the
/// options. Every usage error comes from here, before anything is signed.
fn plan(a: &Args) -> Result<Plan, CliError> {
    if a.has("method") {
        return Err(CliError::usage(
            "send",
            "`--method` is not an option of `send`: the method is the route's (`amojo endpoints`)",
        ));
    }
    let channel = match a.get("channel-id") {
        Some(c) => c.to_owned(),
        None => match std::env::var(CHANNEL_ENV) {
            Ok(c) => c,
            Err(_) => {
                return Err(CliError::usage(
                    "send",
                    format!("missing `--channel-id` (or set `{CHANNEL_ENV}` in the environment)"),
                ));
            }
        },
    };
    if channel.is_empty() {
        return Err(CliError::usage("send", "the channel id is empty"));
    }
    a.exclusive("path", "endpoint")?;
    let path = match (a.get("path"), a.get("endpoint")) {
        (Some(p), None) => {
            if let Some((flag, _)) = ROUTE_FLAGS.iter().find(|(f, _)| a.has(f)) {
                return Err(CliError::usage(
                    "send",
                    format!(
                        "`--{flag}` goes with `--endpoint`; with `--path` write it into the path"
                    ),
                ));
            }
            p.to_owned()
        }
        (None, Some(e)) => endpoint_path(a, e, &channel)?,
        _ => {
            return Err(CliError::usage(
                "send",
                "missing `--path` or `--endpoint` (`amojo endpoints` lists them)",
            ));
        }
    };
    let route = find_route(&path);
    if let Some(c) = route
        .as_ref()
        .and_then(|r| r.param("channel_id"))
        .filter(|c| *c != channel)
    {
        return Err(CliError::usage(
            "send",
            format!("the path names channel `{c}`, not `--channel-id`'s `{channel}`"),
        ));
    }
    let method = route.as_ref().map(|r| r.method());
    let style = match a.get("style") {
        None => BodyStyle::Compact,
        Some(s) => s
            .parse()
            .map_err(|e: amojo_kit::ParseNameError| CliError::usage("send", e.to_string()))?,
    };
    let base_url = a.get("base-url").map(str::to_owned);
    if let Some(b) = &base_url {
        let uri: Result<hyper::Uri, _> = b.parse();
        let ok = uri.is_ok_and(|u| {
            matches!(u.scheme_str(), Some("http" | "https"))
                && u.host().is_some()
                && u.path_and_query().is_none_or(|p| p.as_str() == "/")
        });
        if !ok {
            return Err(CliError::usage(
                "send",
                "`--base-url` must be an origin such as `https://amojo.amocrm.ru` or `http://127.0.0.1:8080`",
            ));
        }
    }
    let (body, source) = util::read_body(a)?;
    let payload = match source {
        Source::None => None,
        _ if method == Some("GET") => {
            return Err(CliError::usage(
                "send",
                "a GET (history) has no body: its query goes in the path, or `--offset` / `--limit`",
            ));
        }
        _ => Some(body),
    };
    let timeout = match a.parsed::<f64>("timeout", "a number of seconds")? {
        None => Duration::from_secs_f64(DEFAULT_TIMEOUT_SECS),
        Some(t) => Duration::try_from_secs_f64(t)
            .ok()
            .filter(|d| !d.is_zero() && *d <= Duration::from_secs(24 * 3600))
            .ok_or_else(|| {
                CliError::usage(
                    "send",
                    "`--timeout` takes a number of seconds above 0 (at most a day)",
                )
            })?,
    };
    let retries = a
        .parsed::<u32>("retries", "a whole number")?
        .unwrap_or(0)
        .min(100);
    Ok(Plan {
        channel,
        path,
        payload,
        style,
        base_url,
        dry_run: a.has("dry-run"),
        timeout,
        retries,
    })
}

/// The path of `--endpoint E` from the route table, its `{…}` filled from the flags (each
/// value percent-encoded as one path segment), history's query from `--offset` / `--limit`.
fn endpoint_path(a: &Args, name: &str, channel: &str) -> Result<String, CliError> {
    let endpoint: Endpoint = name
        .parse()
        .map_err(|e: amojo_kit::ParseNameError| CliError::usage("send", e.to_string()))?;
    let Some((_, template)) = endpoint.route() else {
        let what = if endpoint.is_webhook() {
            "a hook amoCRM sends"
        } else {
            "an answer of the API"
        };
        return Err(CliError::usage(
            "send",
            format!("`{endpoint}` is {what}, not a request (`amojo endpoints` lists the requests)"),
        ));
    };
    let mut path = String::new();
    let mut used: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let param = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let value = if param == "channel_id" {
            channel
        } else {
            let (flag, _) = ROUTE_FLAGS
                .iter()
                .find(|(_, p)| *p == param)
                .ok_or_else(|| CliError::Data(format!("no flag fills `{{{param}}}`")))?;
            used.push(flag);
            a.get(flag).ok_or_else(|| {
                CliError::usage(
                    "send",
                    format!("`--endpoint {endpoint}` needs `--{flag}` (its path is {template})"),
                )
            })?
        };
        if value.is_empty() {
            return Err(CliError::usage("send", format!("the `{param}` is empty")));
        }
        encode_segment(value, &mut path);
    }
    path.push_str(rest);
    if endpoint == Endpoint::History {
        let mut query = Vec::new();
        for flag in ["offset", "limit"] {
            used.push(flag);
            if let Some(n) = a.parsed::<u64>(flag, "a whole number")? {
                query.push(format!("{flag}={n}"));
            }
        }
        if !query.is_empty() {
            path.push('?');
            path.push_str(&query.join("&"));
        }
    }
    if let Some((flag, _)) = ROUTE_FLAGS
        .iter()
        .find(|(f, _)| a.has(f) && !used.contains(f))
    {
        return Err(CliError::usage(
            "send",
            format!("`--{flag}` is not part of `{endpoint}` (its path is {template})"),
        ));
    }
    Ok(path)
}

/// Appends `value` as one path segment: as JavaScript's `encodeURIComponent` (what the
/// npm client does), every byte but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as `%XX`.
fn encode_segment(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Writes to stderr, with the secret replaced should it ever appear.
struct Stderr {
    secret: String,
}

impl Stderr {
    fn new(secret: &[u8]) -> Stderr {
        Stderr {
            secret: String::from_utf8_lossy(secret).into_owned(),
        }
    }

    fn write(&mut self, text: &str) {
        let text = util::redact(text, std::slice::from_ref(&self.secret));
        let _ = io::stderr().write_all(text.as_bytes());
    }

    fn line(&mut self, text: &str) {
        self.write(&format!("amojo send: {text}\n"));
    }

    /// A line under the status line.
    fn detail(&mut self, text: &str) {
        self.write(&format!("  {text}\n"));
    }
}

/// One answer.
struct Answer {
    status: hyper::StatusCode,
    date: Option<String>,
    retry_after: Option<String>,
    body: Bytes,
    /// The local clock when it arrived (unix seconds).
    received_at: i64,
    elapsed: Duration,
}

/// Why an attempt got no answer.
enum Failure {
    Timeout,
    Network(String),
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

fn client() -> HttpClient {
    let https = HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    Client::builder(TokioExecutor::new()).build(https)
}

async fn send(
    plan: &Plan,
    key: &SigningKey,
    secret: &[u8],
    mut built: BuiltRequest,
    err: &mut Stderr,
    out: &mut Vec<u8>,
) -> Result<u8, CliError> {
    let client = client();
    let endpoint = built.report.endpoint;
    let name = endpoint.map_or("request", Endpoint::as_str);
    let mut attempt = 0;
    loop {
        let outcome = attempt_once(&client, &built, plan.timeout).await;
        let (retry, wait) = match &outcome {
            Ok(ans) if RETRY_STATUSES.contains(&ans.status.as_u16()) => (
                true,
                ans.retry_after
                    .as_deref()
                    .and_then(|v| retry_after(v, ans.received_at)),
            ),
            Ok(_) => (false, None),
            Err(_) => (true, None),
        };
        if !retry || attempt >= plan.retries {
            return match outcome {
                Ok(ans) => answer(plan, name, endpoint, &built, &ans, secret, err, out),
                Err(Failure::Timeout) => Err(CliError::Data(format!(
                    "{name}: no answer within {} s (`--timeout`){}",
                    plan.timeout.as_secs_f64(),
                    tries(attempt)
                ))),
                Err(Failure::Network(e)) => Err(CliError::Data(format!(
                    "{name}: the request to {} failed: {e}{}",
                    built.url,
                    tries(attempt)
                ))),
            };
        }
        let delay = wait.unwrap_or_else(|| backoff(attempt));
        let what = match &outcome {
            Ok(ans) => status_text(ans.status),
            Err(Failure::Timeout) => format!("no answer within {} s", plan.timeout.as_secs_f64()),
            Err(Failure::Network(e)) => e.clone(),
        };
        err.line(&format!(
            "{name}: {what}; trying again in {:.1} s ({} of {} retries)",
            delay.as_secs_f64(),
            attempt + 1,
            plan.retries
        ));
        tokio::time::sleep(delay).await;
        attempt += 1;
        // A fresh Date and signature over the same bytes.
        built.signed = key
            .sign(&RequestToSign {
                method: &built.method,
                path: &built.url,
                body: built.body.as_bytes(),
                content_type: None,
                date: DateInput::Unix(util::system_now()?),
            })
            .map_err(|e| CliError::usage("send", format!("cannot sign: {e}")))?;
    }
}

fn tries(retries: u32) -> String {
    match retries {
        0 => String::new(),
        n => format!(" (after {} attempts)", n + 1),
    }
}

/// The delay before retry `attempt + 1`: 0.5 s doubling, at most 15 s, times a jitter in
/// [0.5, 1) from the clock's nanoseconds (no randomness needed beyond spreading clients).
fn backoff(attempt: u32) -> Duration {
    let base = RETRY_MIN_DELAY
        .saturating_mul(1u32 << attempt.min(10))
        .min(RETRY_MAX_DELAY);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    base.mul_f64(0.5 + f64::from(nanos % 1000) / 2000.0)
}

/// `Retry-After`: seconds, or an HTTP date (against the local clock); at most a minute.
fn retry_after(v: &str, now: i64) -> Option<Duration> {
    let secs = match v.trim().parse::<u64>() {
        Ok(s) => s,
        Err(_) => u64::try_from(parse_date(v).ok()?.unix.saturating_sub(now)).unwrap_or(0),
    };
    Some(Duration::from_secs(secs).min(RETRY_AFTER_MAX))
}

async fn attempt_once(
    client: &HttpClient,
    built: &BuiltRequest,
    timeout: Duration,
) -> Result<Answer, Failure> {
    let mut request = Request::builder()
        .method(built.method.as_str())
        .uri(built.url.as_str());
    for (name, value) in built.signed.headers() {
        request = request.header(name, value);
    }
    let user_agent = concat!("amojo/", env!("CARGO_PKG_VERSION"));
    let request = request
        .header(USER_AGENT, HeaderValue::from_static(user_agent))
        .body(Full::new(Bytes::copy_from_slice(built.body.as_bytes())))
        .map_err(|e| Failure::Network(format!("cannot make the request: {e}")))?;
    let started = Instant::now();
    let exchange = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| Failure::Network(innermost(&e)))?;
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| Failure::Network(format!("reading the answer: {e}")))?
            .to_bytes();
        let text = |h| {
            parts
                .headers
                .get(h)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(Answer {
            status: parts.status,
            date: text(hyper::header::DATE),
            retry_after: text(RETRY_AFTER),
            body,
            received_at: util::system_now().unwrap_or(0),
            elapsed: started.elapsed(),
        })
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .unwrap_or(Err(Failure::Timeout))
}

/// hyper's chain of errors, outermost ("client error (Connect)") left out when a cause
/// says more ("tcp connect error: Connection refused (os error 111)").
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cause = e.source();
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.dedup();
    parts.join(": ")
}

fn status_text(s: hyper::StatusCode) -> String {
    match s.canonical_reason() {
        Some(r) => format!("{} {r}", s.as_u16()),
        None => s.as_u16().to_string(),
    }
}

/// Prints the answer: the body to stdout, the status and what it means to stderr.
#[allow(clippy::too_many_arguments)]
fn answer(
    plan: &Plan,
    name: &str,
    endpoint: Option<Endpoint>,
    built: &BuiltRequest,
    ans: &Answer,
    secret: &[u8],
    err: &mut Stderr,
    out: &mut Vec<u8>,
) -> Result<u8, CliError> {
    out.write_all(&ans.body)?;
    if !ans.body.is_empty() && !ans.body.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    let ok = ans.status.is_success();
    let empty = if ans.body.is_empty() { ", no body" } else { "" };
    err.line(&format!(
        "{name}: {}{empty} ({} ms)",
        status_text(ans.status),
        ans.elapsed.as_millis()
    ));
    let skew = ans
        .date
        .as_deref()
        .and_then(|d| parse_date(d).ok())
        .map(|d| ans.received_at - d.unix);
    // A 2xx body is checked leniently against the docs: what differs is a warning.
    let response = endpoint
        .and_then(response_endpoint)
        .filter(|_| ok && !ans.body.is_empty());
    if let Some(response) = response {
        let report = validate(response, &ans.body, &ValidateOptions::default());
        for i in report.errors.iter().chain(report.warnings.iter()) {
            let at = if i.path.is_empty() { "(body)" } else { &i.path };
            err.detail(&format!(
                "warning: the answer is not as the docs describe `{response}`: {at} {}: {}",
                i.code.code(),
                i.message
            ));
        }
    }
    if ans.status == hyper::StatusCode::FORBIDDEN {
        explain_403(plan, built, &ans.body, secret, ans.received_at, skew, err);
    }
    if let Some(s) = skew.filter(|s| s.abs() > SKEW_NOTICE_SECS) {
        err.detail(&skew_note(s));
    }
    Ok(if ok { 0 } else { 1 })
}

/// The `*_response` rules of a request endpoint.
fn response_endpoint(e: Endpoint) -> Option<Endpoint> {
    Endpoint::ALL
        .into_iter()
        .find(|r| r.response_to() == Some(e))
}

/// `2 min 5 s`, `1 h 3 min`, `40 s`.
fn duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

fn skew_note(skew: i64) -> String {
    let tolerance = DEFAULT_TOLERANCE_SECS;
    let window = duration(tolerance);
    let consequence = if skew.unsigned_abs() > tolerance {
        format!(
            "the API refuses a Date more than {window} off, so every request fails until the clock is set right (NTP)"
        )
    } else {
        format!("within the API's {window}, but set it right (NTP)")
    };
    format!(
        "clock: this machine's clock is {} {} the API's (its answer's Date): {consequence}",
        duration(skew.unsigned_abs()),
        if skew > 0 { "ahead of" } else { "behind" }
    )
}

/// The names of the canonical string's five lines.
const CANONICAL_LINES: [&str; 5] = ["method", "Content-MD5", "Content-Type", "Date", "path"];

/// A 403, explained locally: the request as sent re-verified with the same secret (the
/// core's diagnosis), then, from what the API says it received, which of a wrong secret,
/// a rewrite on the way or the clock it is.
fn explain_403(
    plan: &Plan,
    built: &BuiltRequest,
    body: &[u8],
    secret: &[u8],
    now: i64,
    skew: Option<i64>,
    err: &mut Stderr,
) {
    let mut headers = Headers::new();
    for (name, value) in built.signed.headers() {
        headers.append(name, value);
    }
    let received = ReceivedRequest {
        method: &built.method,
        path: &built.url,
        headers: &headers,
        body: built.body.as_bytes(),
    };
    let local = diagnose_request(
        &received,
        &[secret],
        &VerifyOptions {
            now,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
        },
    );
    let answer: Option<Value> = serde_json::from_slice(body).ok();
    let field = |k: &str| {
        answer
            .as_ref()
            .and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let code = field("error");
    if let (Some(c), m) = (&code, field("message")) {
        let m = m.map(|m| format!(": {m}")).unwrap_or_default();
        err.detail(&format!("the API's reason: {c}{m}"));
    }
    match &local.outcome {
        Ok(_) => err.detail(
            "self-check: the request as sent verifies here with the same secret (its signature is right for these bytes)",
        ),
        Err(reason) => {
            err.detail(&format!(
                "self-check: the request as sent does not verify here either: {}: {reason}",
                reason.code()
            ));
            for f in &local.findings {
                err.detail(&format!(
                    "    {} {}: {}",
                    f.component.code(),
                    f.code,
                    f.message
                ));
            }
            return;
        }
    }
    let clock = skew.is_some_and(|s| s.unsigned_abs() > DEFAULT_TOLERANCE_SECS)
        || matches!(code.as_deref(), Some("stale_date" | "future_date"));
    let theirs = answer
        .as_ref()
        .and_then(|v| v.pointer("/diagnosis/expected_canonical"))
        .and_then(Value::as_str);
    let ours = built.signed.canonical.to_string();
    let channel = &plan.channel;
    if clock {
        err.detail("cause: the clock: the Date signed here is outside the window the API accepts");
    } else if let Some(theirs) = theirs.filter(|t| !t.is_empty()) {
        if theirs == ours {
            err.detail(&format!(
                "cause: the secret: the API received exactly what was signed here (its canonical string is the same), so it holds another secret for channel `{channel}`: check `--secret` and `--channel-id`"
            ));
        } else {
            err.detail("cause: a rewrite: the API received another request than the one signed here (a proxy or a client library changed it on the way):");
            let (a, b): (Vec<&str>, Vec<&str>) =
                (ours.split('\n').collect(), theirs.split('\n').collect());
            for (i, line) in CANONICAL_LINES.iter().enumerate() {
                let (x, y) = (a.get(i).copied(), b.get(i).copied());
                if x != y {
                    err.detail(&format!(
                        "    {line}: signed `{}`, received `{}`",
                        x.unwrap_or(""),
                        y.unwrap_or("")
                    ));
                }
            }
        }
    } else {
        err.detail(&format!(
            "cause: a wrong secret or a rewrite: the API holds another secret for channel `{channel}` (check `--secret` and `--channel-id`), or something between (a proxy) changed the method, path, body, Content-Type or Date"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_as_encode_uri_component() {
        let mut s = String::new();
        encode_segment("a-b_c.d!~*'()/?#% é", &mut s);
        assert_eq!(s, "a-b_c.d!~*'()%2F%3F%23%25%20%C3%A9");
    }

    #[test]
    fn durations_and_skew() {
        assert_eq!(duration(40), "40 s");
        assert_eq!(duration(120), "2 min");
        assert_eq!(duration(125), "2 min 5 s");
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(3725), "1 h 2 min");
        assert!(skew_note(-3600).contains("1 h behind"));
        assert!(skew_note(120).contains("2 min ahead of"));
        assert!(skew_note(120).contains("within"));
    }

    #[test]
    fn retry_after_and_backoff() {
        assert_eq!(retry_after("3", 0), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("999", 0), Some(RETRY_AFTER_MAX));
        let at = parse_date("Wed, 15 Dec 2021 23:12:55 GMT").unwrap().unix;
        assert_eq!(
            retry_after("Wed, 15 Dec 2021 23:12:55 GMT", at - 7),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after("Wed, 15 Dec 2021 23:12:55 GMT", at + 7),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", 0), None);
        for attempt in 0..20 {
            let d = backoff(attempt);
            assert!(d >= RETRY_MIN_DELAY / 2 && d <= RETRY_MAX_DELAY, "{d:?}");
        }
    }
}
