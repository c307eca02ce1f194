//! `amojo mock`: the emulator of `amojo-mock` served over HTTP: a local Chats API that an
//! integration can be tested against, its control API under `/_mock/`, and the inbox page.
//!
//! The emulator is sans-IO and sits behind one mutex; everything that waits (reading
//! bodies, latency, delivering hooks, writing the state file, the log) happens outside it,
//! and so does the part of an API request's work that needs no state (route, signature,
//! validation, parsing the body: the emulator's `Checker`), on whichever worker thread
//! serves the connection. Only the state change waits for the lock.

mod hooks;
mod logger;
mod persist;

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use amojo_mock::{Channel, Checker, Emulator, Hook, Options};
use bytes::Bytes;
use clap::Arg;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::args::{self, Args, CliError};
use crate::util;
use logger::{Event, Format, Logger};
use persist::Persist;

pub const USAGE: &str = "\
amojo mock: a local amoCRM Chats API to test an integration against

usage:
  amojo mock --channel CHANNEL_ID=SECRET [--channel ...] [--listen ADDR]
             [--hook-url URL] [--bot-id ID] [--state FILE] [--latency MS]
             [--fail-rate P] [--clock-skew SECONDS] [--log text|json]

Serves the Chats API (/v2/origin/custom/...) as amoCRM does: checks each request's
signature (403 with the reason and, these being test secrets, a diagnosis: the expected
canonical string and which component differs), validates the body (400 with the issues),
answers with the documented statuses and bodies, and remembers accounts, chats, messages,
statuses and reactions. Manager replies, typing and reactions go to --hook-url as signed
hooks (POST, X-Signature, 5 s timeout, sent once). The inbox page is at http://HOST:PORT/.

stdout: the first line is exactly `amojo mock: listening on http://HOST:PORT`, then one
line per API request and control action (time, method, path, status, endpoint, time
taken, then the reason of a refusal or the first validation error) and one per hook
(endpoint, URL, the receiver's status or why it was not delivered). Problems of the mock
itself go to stderr.

options:
  --listen ADDR          HOST:PORT to listen on (default: 127.0.0.1:8080; port 0 picks a
                         free one, and the first line tells which)
  --channel ID=SECRET    a channel to serve; repeat for several. `--channel ID` alone takes
                         the secret from $AMOJO_SECRET (keeps it out of `ps`)
  --hook-url URL         where hooks go, `:scope_id` replaced; http:// only
                         (e.g. http://127.0.0.1:3000/amojo/:scope_id)
  --bot-id ID            the channels' bot id, as hooks show it
  --state FILE           keep the state in FILE: read at start (missing: a fresh start),
                         replaced atomically after each change, before it is answered
                         (the whole state, ~300 bytes a message; changes that arrive
                         during a write share the next one)
  --latency MS           answer each API request MS milliseconds late
  --fail-rate P          answer this fraction (0 to 1) of API requests 503, evenly spread
                         (0.25: every 4th)
  --clock-skew SECONDS   the mock's clock runs this far ahead (negative: behind) of this
                         machine's: Date checks and timestamps use it
  --log text|json        the log lines: text (default) or one JSON object per line
  -h, --help             this help

control API (JSON): GET /_mock/state, GET /_mock/requests, POST /_mock/reset,
POST /_mock/reply {scope_id, conversation_id, text | message, sender?}, POST /_mock/typing,
POST /_mock/react, POST /_mock/write-first. An action that makes a hook answers with it
and the receiver's status: {..., hook_status, hook: {url, endpoint, body, signature}}.

limits: a body over 1 MiB is refused (413); request headers must arrive within 10 s and
a body within 30 s; at most 1024 connections at once.

Stops on Ctrl-C or SIGTERM, after answering the requests in progress.
exit: 0 stopped, 1 cannot start (address in use, state file unreadable), 2 usage error.
";

/// Request headers must arrive within this (slowloris); also closes idle keep-alives.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A request body must arrive within this.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 1024;
/// Bodies up to the emulator's limit plus this are read and judged by it (its 413 is
/// logged like any answer); larger ones the host refuses without reading them.
const BODY_MARGIN: usize = 64 * 1024;
/// At shutdown, requests in progress get this long to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

const INBOX_HTML: &str = include_str!("mock/inbox.html");
const INBOX_JS: &str = include_str!("mock/inbox.js");
const INBOX_CSS: &str = include_str!("mock/inbox.css");

/// The emulator and the number of changes made to it (the state file's generation).
pub struct Locked {
    pub emulator: Emulator,
    pub generation: u64,
}

/// The emulator's lock: tokio's, so that a request waiting for it lets its worker thread
/// go on with other connections instead of putting the thread to sleep (with two workers on
/// two cores, a blocking mutex spent more time in futex waits and context switches than in
/// the emulator). The lock is held only around the synchronous `apply` / `control`.
pub type StateLock = tokio::sync::Mutex<Locked>;

/// The parsed command line.
struct Config {
    listen: Vec<SocketAddr>,
    listen_text: String,
    channels: Vec<Channel>,
    state: Option<PathBuf>,
    latency: Duration,
    fail_rate: f64,
    skew_ms: i64,
    log: Format,
}

fn specs() -> [Arg; 10] {
    [
        args::value("listen"),
        args::many("channel"),
        args::value("hook-url"),
        args::value("bot-id"),
        args::value("state"),
        args::value("latency"),
        args::value("fail-rate"),
        args::value("clock-skew"),
        args::value("log"),
        // Only so that `--secret` gets a pointer to `--channel` instead of a did-you-mean.
        args::many("secret"),
    ]
}

fn config(a: &Args) -> Result<Config, CliError> {
    if let Some(p) = a.positionals().first() {
        // Not echoed: a misplaced word may be a secret.
        let _ = p;
        return Err(CliError::usage(
            "mock",
            "unexpected argument (secrets go in `--channel ID=SECRET`)",
        ));
    }
    if a.has("secret") {
        return Err(CliError::usage(
            "mock",
            "`amojo mock` takes secrets as `--channel ID=SECRET`, not `--secret`",
        ));
    }
    let listen_text = a.get("listen").unwrap_or("127.0.0.1:8080").to_owned();
    let listen = listen_addrs(&listen_text).ok_or_else(|| {
        CliError::usage(
            "mock",
            format!("`--listen` takes HOST:PORT such as 127.0.0.1:8080, not `{listen_text}`"),
        )
    })?;
    let hook_url = a.get("hook-url").map(str::to_owned);
    if let Some(u) = &hook_url {
        hooks::check_url(u).map_err(|m| CliError::usage("mock", m))?;
    }
    let bot_id = a.get("bot-id").map(str::to_owned);
    if bot_id.as_deref() == Some("") {
        return Err(CliError::usage("mock", "`--bot-id` is empty"));
    }
    let given = a.all("channel");
    if given.is_empty() {
        return Err(CliError::usage(
            "mock",
            "missing `--channel CHANNEL_ID=SECRET` (the channel id and secret your integration uses)",
        ));
    }
    let mut channels = Vec::new();
    for v in given {
        let (id, secret) = match v.split_once('=') {
            Some((id, secret)) => (id, secret.as_bytes().to_vec()),
            None => match util::env_secret() {
                Some(s) if !s.is_empty() => (v, s),
                // The value is not shown: it may be a secret typed without its id.
                _ => {
                    return Err(CliError::usage(
                        "mock",
                        format!(
                            "`--channel` takes CHANNEL_ID=SECRET (or CHANNEL_ID, with the secret in ${})",
                            util::SECRET_ENV
                        ),
                    ));
                }
            },
        };
        if id.is_empty() {
            return Err(CliError::usage("mock", "a `--channel` has an empty id"));
        }
        if secret.is_empty() {
            return Err(CliError::usage(
                "mock",
                format!("`--channel {id}=` has an empty secret"),
            ));
        }
        if channels.iter().any(|c: &Channel| c.id == id) {
            return Err(CliError::usage(
                "mock",
                format!("channel {id} is given twice"),
            ));
        }
        channels.push(Channel {
            id: id.to_owned(),
            secret,
            hook_url: hook_url.clone(),
            bot_id: bot_id.clone(),
        });
    }
    let latency = a.parsed::<u64>("latency", "a number of milliseconds")?;
    let latency = Duration::from_millis(latency.unwrap_or(0));
    let fail_rate = a
        .parsed::<f64>("fail-rate", "a fraction from 0 to 1")?
        .unwrap_or(0.0);
    if !(0.0..=1.0).contains(&fail_rate) {
        return Err(CliError::usage(
            "mock",
            format!("`--fail-rate` takes a fraction from 0 to 1, not `{fail_rate}`"),
        ));
    }
    let skew = a
        .parsed::<i64>("clock-skew", "a whole number of seconds")?
        .unwrap_or(0);
    // A century either way: enough for any test, far from overflowing milliseconds.
    if skew.unsigned_abs() > 100 * 366 * 86_400 {
        return Err(CliError::usage("mock", "`--clock-skew` is over a century"));
    }
    let log = match a.get("log") {
        None | Some("text") => Format::Text,
        Some("json") => Format::Json,
        Some(other) => {
            return Err(CliError::usage(
                "mock",
                format!("`--log` takes `text` or `json`, not `{other}`"),
            ));
        }
    };
    Ok(Config {
        listen,
        listen_text,
        channels,
        state: a.get("state").map(PathBuf::from),
        latency,
        fail_rate,
        skew_ms: skew * 1000,
        log,
    })
}

/// `127.0.0.1:8080`, `[::1]:0`, `localhost:8080`, or a port alone (on 127.0.0.1).
fn listen_addrs(v: &str) -> Option<Vec<SocketAddr>> {
    if let Ok(a) = v.parse::<SocketAddr>() {
        return Some(vec![a]);
    }
    if let Ok(port) = v.parse::<u16>() {
        return Some(vec![SocketAddr::from(([127, 0, 0, 1], port))]);
    }
    let addrs: Vec<SocketAddr> = v.to_socket_addrs().ok()?.collect();
    (!addrs.is_empty()).then_some(addrs)
}

pub fn run(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("mock", specs(), argv)?;
    if a.help {
        out.write_all(USAGE.as_bytes())?;
        return Ok(0);
    }
    let cfg = config(&a)?;
    let options = Options::default();
    let saved = match &cfg.state {
        None => None,
        Some(path) => persist::read(path).map_err(|e| {
            CliError::Data(format!(
                "cannot read the state from {}: {e}",
                path.display()
            ))
        })?,
    };
    let emulator = match &saved {
        None => Emulator::new(cfg.channels.clone(), options.clone()),
        Some(saved) => Emulator::load(cfg.channels.clone(), options.clone(), saved),
    }
    .map_err(|e| match e {
        // The file is not this configuration's: exit 1, like an unreadable one.
        amojo_mock::ConfigError::BadState(_) => CliError::Data(format!(
            "{e} (from {})",
            cfg.state
                .as_deref()
                .unwrap_or(std::path::Path::new(""))
                .display()
        )),
        _ => CliError::usage("mock", e.to_string()),
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Data(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(serve(cfg, emulator, options.max_body_bytes + BODY_MARGIN))
}

/// Everything a request needs.
struct Server {
    state: Arc<StateLock>,
    /// The emulator's stateless checks, run before taking the lock.
    checker: Checker,
    persist: Option<Arc<Persist>>,
    hooks: hooks::Deliverer,
    log: Logger,
    latency: Duration,
    fail_rate: f64,
    skew_ms: i64,
    body_limit: usize,
    /// API requests so far (the `--fail-rate` counter).
    api_requests: AtomicU64,
}

async fn serve(cfg: Config, emulator: Emulator, body_limit: usize) -> Result<u8, CliError> {
    let listener = TcpListener::bind(&cfg.listen[..])
        .await
        .map_err(|e| CliError::Data(format!("cannot listen on {}: {e}", cfg.listen_text)))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::Data(format!("cannot listen on {}: {e}", cfg.listen_text)))?;
    let checker = emulator.checker();
    let state = Arc::new(StateLock::new(Locked {
        emulator,
        generation: 0,
    }));
    let persist = match &cfg.state {
        Some(path) => Some(
            Persist::start(path.clone(), Arc::clone(&state))
                .map_err(|e| CliError::Data(format!("cannot start the state writer: {e}")))?,
        ),
        None => None,
    };
    {
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "amojo mock: listening on http://{local}")?;
        stdout.flush()?;
    }
    let log = Logger::start(cfg.log)
        .map_err(|e| CliError::Data(format!("cannot start the log writer: {e}")))?;
    let server = Arc::new(Server {
        state,
        checker,
        persist,
        hooks: hooks::Deliverer::new(),
        log,
        latency: cfg.latency,
        fail_rate: cfg.fail_rate,
        skew_ms: cfg.skew_ms,
        body_limit,
        api_requests: AtomicU64::new(0),
    });

    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            s = Arc::clone(&slots).acquire_owned() => s,
            () = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: say so, breathe, go on.
                    eprintln!("amojo mock: error: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let s = Arc::clone(&server);
        let conn = http.serve_connection(
            TokioIo::new(stream),
            service_fn(move |req| {
                let s = Arc::clone(&s);
                async move { Ok::<_, Infallible>(route(&s, req).await) }
            }),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A client that goes away or sends garbage ends only its own connection.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    if let Some(p) = &server.persist {
        let generation = server.state.lock().await.generation;
        p.finish(generation).await;
    }
    server.log.finish();
    eprintln!("amojo mock: stopped");
    Ok(0)
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

type Answer = hyper::Response<Full<Bytes>>;

fn now_ms(skew_ms: i64) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    now.saturating_add(skew_ms)
}

/// Every answer's `Date`, from the mock's clock (`--clock-skew` included), as the live
/// API's answers carry the server's time: a client can tell its clock is off by it.
async fn route(s: &Arc<Server>, req: hyper::Request<Incoming>) -> Answer {
    let mut answer = route_inner(s, req).await;
    if let Some(v) = date_header(now_ms(s.skew_ms)) {
        answer.headers_mut().insert(hyper::header::DATE, v);
    }
    answer
}

/// The `Date` header of unix milliseconds, made once a second on each worker thread (as
/// hyper does its own).
fn date_header(ms: i64) -> Option<HeaderValue> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(i64, HeaderValue)>> =
            const { std::cell::RefCell::new(None) };
    }
    let second = ms.div_euclid(1000);
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((s, v)) = &*last
            && *s == second
        {
            return Some(v.clone());
        }
        let v = HeaderValue::from_str(&http_date(ms)?).ok()?;
        *last = Some((second, v.clone()));
        Some(v)
    })
}

/// An HTTP date (IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`) of unix milliseconds.
fn http_date(ms: i64) -> Option<String> {
    let text = amojo_kit::format_rfc2822(ms.div_euclid(1000)).ok()?;
    Some(format!("{} GMT", text.strip_suffix(" +0000")?))
}

async fn route_inner(s: &Arc<Server>, req: hyper::Request<Incoming>) -> Answer {
    let path = req.uri().path();
    if path.starts_with("/_mock/") {
        return control(s, req).await;
    }
    if matches!(req.method().as_str(), "GET" | "HEAD") {
        let asset = match path {
            "/" | "/index.html" => Some((INBOX_HTML, "text/html; charset=utf-8")),
            "/inbox.js" => Some((INBOX_JS, "text/javascript; charset=utf-8")),
            "/inbox.css" => Some((INBOX_CSS, "text/css; charset=utf-8")),
            _ => None,
        };
        if let Some((text, content_type)) = asset {
            return page(text, content_type);
        }
    }
    api(s, req).await
}

/// A file of the inbox page: no cache, nothing loaded from elsewhere.
fn page(text: &'static str, content_type: &'static str) -> Answer {
    let mut r = hyper::Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert("cache-control", HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    r
}

fn answer(status: u16, content_type: Option<&'static str>, body: Vec<u8>) -> Answer {
    let mut r = hyper::Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    if let Some(ct) = content_type {
        r.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    r
}

/// An answer the host gives itself (the emulator never saw the request): `{error, message}`.
fn refusal(status: u16, code: &str, message: &str) -> Answer {
    let body = json!({ "error": code, "message": message }).to_string();
    let mut r = answer(status, Some("application/json"), body.into_bytes());
    if status == 413 || status == 408 {
        // The rest of the body is not read: the connection cannot carry another request.
        r.headers_mut()
            .insert("connection", HeaderValue::from_static("close"));
    }
    r
}

enum BodyError {
    TooLarge,
    Slow,
    Broken,
}

/// The body, at most `limit` bytes, within [`BODY_TIMEOUT`]. A declared length over the
/// limit is refused before reading anything.
async fn read_body(
    body: Incoming,
    headers: &hyper::HeaderMap,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let body = Limited::new(body, limit);
    match tokio::time::timeout(BODY_TIMEOUT, body.collect()).await {
        Err(_) => Err(BodyError::Slow),
        Ok(Ok(b)) => Ok(b.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Ok(Err(_)) => Err(BodyError::Broken),
    }
}

fn body_refusal(e: &BodyError, limit: usize) -> (u16, &'static str, String) {
    match e {
        BodyError::TooLarge => (413, "too_large", format!("the body is over {limit} bytes")),
        BodyError::Slow => (
            408,
            "body_timeout",
            format!(
                "the body did not arrive within {} s",
                BODY_TIMEOUT.as_secs()
            ),
        ),
        BodyError::Broken => (
            400,
            "body_unreadable",
            "the body could not be read (connection closed or bad chunked encoding)".to_owned(),
        ),
    }
}

/// Whether the `n`-th API request (from 0) fails under `--fail-rate p`: exactly
/// ⌊n·p⌋ of the first n requests fail, evenly spread.
fn injected_failure(n: u64, p: f64) -> bool {
    p > 0.0 && ((n + 1) as f64 * p).floor() > (n as f64 * p).floor()
}

async fn api(s: &Arc<Server>, req: hyper::Request<Incoming>) -> Answer {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    let host_log = |status: u16, reason: &str| {
        s.log.log(&Event::Request {
            time_ms: now_ms(s.skew_ms),
            method,
            path: target,
            status,
            endpoint: None,
            reason: Some(reason),
            error: None,
            micros: started.elapsed().as_micros(),
        });
    };
    let body = match read_body(body, &parts.headers, s.body_limit).await {
        Ok(b) => b,
        Err(e) => {
            let (status, code, message) = body_refusal(&e, s.body_limit);
            host_log(status, code);
            return refusal(status, code, &message);
        }
    };
    if !s.latency.is_zero() {
        tokio::time::sleep(s.latency).await;
    }
    let n = s.api_requests.fetch_add(1, Ordering::Relaxed);
    if injected_failure(n, s.fail_rate) {
        host_log(503, "injected_failure");
        return refusal(
            503,
            "injected_failure",
            "service unavailable (injected by --fail-rate)",
        );
    }
    // A header value that is not UTF-8 goes in with replacement characters (it cannot
    // verify anyway).
    let values: Vec<std::borrow::Cow<'_, str>> = parts
        .headers
        .values()
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .collect();
    let header_refs: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .zip(&values)
        .map(|((n, _), v)| (n.as_str(), v.as_ref()))
        .collect();
    let request = amojo_mock::Request {
        method,
        target,
        headers: &header_refs,
        body: &body,
    };
    let now = now_ms(s.skew_ms);
    // Route, signature, validation, the body parsed: on this worker, before the lock.
    let checked = s.checker.check(&request, now);
    let (handled, generation) = {
        let mut st = s.state.lock().await;
        let handled = st.emulator.apply(checked, now);
        let changed = method != "GET" && (200..300).contains(&handled.response.status);
        if changed {
            st.generation += 1;
        }
        let generation = changed.then_some(st.generation);
        (handled, generation)
    };
    for hook in handled.hooks {
        spawn_delivery(s, hook);
    }
    if let (Some(g), Some(p)) = (generation, &s.persist) {
        p.saved(g).await;
    }
    let l = &handled.log;
    s.log.log(&Event::Request {
        time_ms: now,
        method,
        path: target,
        status: handled.response.status,
        endpoint: l.endpoint,
        reason: l.reason.as_deref(),
        error: l.errors.first(),
        micros: started.elapsed().as_micros(),
    });
    let r = handled.response;
    answer(r.status, r.content_type, r.body)
}

/// Delivers a hook on its own task (an API request's hooks: the answer does not wait).
fn spawn_delivery(s: &Arc<Server>, hook: Hook) {
    let s = Arc::clone(s);
    tokio::spawn(async move {
        let outcome = s.hooks.deliver(&hook).await;
        s.log.log(&hook_event(&hook, &outcome, s.skew_ms));
    });
}

fn hook_event<'a>(hook: &'a Hook, outcome: &'a hooks::Outcome, skew_ms: i64) -> Event<'a> {
    Event::Hook {
        time_ms: now_ms(skew_ms),
        endpoint: hook.endpoint,
        url: hook.url.as_deref(),
        status: outcome.status,
        error: outcome.error.as_deref(),
    }
}

async fn control(s: &Server, req: hyper::Request<Incoming>) -> Answer {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str();
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    let body = match read_body(body, &parts.headers, s.body_limit).await {
        Ok(b) => b,
        Err(e) => {
            let (status, code, message) = body_refusal(&e, s.body_limit);
            return refusal(status, code, &message);
        }
    };
    let now = now_ms(s.skew_ms);
    let (reply, generation) = {
        let mut st = s.state.lock().await;
        let reply = st.emulator.control(method, path, &body, now);
        let changed = method == "POST" && reply.as_ref().is_some_and(|c| c.status < 300);
        if changed {
            st.generation += 1;
        }
        let generation = changed.then_some(st.generation);
        (reply, generation)
    };
    let Some(reply) = reply else {
        return refusal(404, "not_found", "no such control action");
    };
    if let (Some(g), Some(p)) = (generation, &s.persist) {
        p.saved(g).await;
    }
    let mut body = reply.body;
    if let Some(hook) = &reply.hook {
        let outcome = s.hooks.deliver(hook).await;
        s.log.log(&hook_event(hook, &outcome, s.skew_ms));
        if !body.is_object() {
            body = json!({ "result": body });
        }
        if let Value::Object(m) = &mut body {
            m.insert("hook_status".into(), json!(outcome.status));
            // The emulator's answer shows the hook already; a host-made copy otherwise.
            m.entry("hook").or_insert_with(|| hooks::to_json(hook));
        }
    }
    // Polling (GET) is not logged: the inbox page asks every second.
    if method != "GET" {
        s.log.log(&Event::Request {
            time_ms: now,
            method,
            path,
            status: reply.status,
            endpoint: None,
            reason: None,
            error: None,
            micros: started.elapsed().as_micros(),
        });
    }
    answer(
        reply.status,
        Some("application/json"),
        body.to_string().into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_rate_is_exact_and_spread() {
        let fails = |p: f64, n: u64| (0..n).filter(|&i| injected_failure(i, p)).count();
        assert_eq!(fails(0.0, 1000), 0);
        assert_eq!(fails(1.0, 1000), 1000);
        assert_eq!(fails(0.25, 1000), 250);
        assert_eq!(fails(0.1, 1000), 100);
        let every: Vec<u64> = (0..8).filter(|&i| injected_failure(i, 0.25)).collect();
        assert_eq!(every, [3, 7]);
    }

    #[test]
    fn date_headers_follow_the_second() {
        let a = date_header(784_111_777_000).unwrap();
        assert_eq!(a, "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(date_header(784_111_777_999).unwrap(), a);
        assert_eq!(
            date_header(784_111_778_000).unwrap(),
            "Sun, 06 Nov 1994 08:49:38 GMT"
        );
        assert_eq!(
            date_header(784_111_777_500).unwrap(),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            http_date(784_111_777_000).as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        assert_eq!(
            http_date(1_639_609_975_999).as_deref(),
            Some("Wed, 15 Dec 2021 23:12:55 GMT")
        );
    }

    #[test]
    fn listen_forms() {
        assert_eq!(
            listen_addrs("127.0.0.1:0").unwrap(),
            [SocketAddr::from(([127, 0, 0, 1], 0))]
        );
        assert_eq!(
            listen_addrs("8081").unwrap(),
            [SocketAddr::from(([127, 0, 0, 1], 8081))]
        );
        assert!(listen_addrs("[::1]:0").is_some());
        assert!(listen_addrs("nonsense").is_none());
    }
}
