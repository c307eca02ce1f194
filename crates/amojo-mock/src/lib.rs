#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo)
)]

mod api;
mod check;
mod control;
mod doc;
mod hooks;
mod ids;
mod state;

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

pub use check::{Checked, Checker};
use state::{Saved, State};

/// A channel the emulator serves, as amoCRM would have issued it.
#[derive(Clone)]
pub struct Channel {
    /// The channel id (`{channel_id}` of connect and disconnect).
    pub id: String,
    /// The channel secret: signs requests (checked) and hooks (made).
    pub secret: Vec<u8>,
    /// Where hooks go; `:scope_id` is replaced by the scope. None: the host decides (the
    /// npm host's `onHook`).
    pub hook_url: Option<String>,
    /// The id of the channel's bot, as hooks show it for bot messages.
    pub bot_id: Option<String>,
}

/// The secret is not shown.
impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("id", &self.id)
            .field("secret", &"..")
            .field("hook_url", &self.hook_url)
            .field("bot_id", &self.bot_id)
            .finish()
    }
}

/// How the emulator judges requests.
#[derive(Clone, Debug)]
pub struct Options {
    /// The Date window, in seconds either side of now (the API's: 900). 0: no clock check
    /// (the core's `VerifyOptions` meaning).
    pub tolerance_secs: u64,
    /// Put the diagnosis (expected canonical string, which component differs) in 403
    /// bodies. For test secrets only: it shows the expected signature.
    pub diagnose: bool,
    /// Requests kept for [`Emulator::requests`].
    pub max_log: usize,
    /// Largest request body, in bytes (larger: 413).
    pub max_body_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tolerance_secs: 900,
            diagnose: true,
            max_log: 1000,
            max_body_bytes: 1024 * 1024,
        }
    }
}

/// An HTTP request as the host received it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// As sent (the emulator upper-cases nothing: the signature covers it as sent).
    pub method: &'a str,
    /// The request target: path and query, as sent.
    pub target: &'a str,
    /// Every header line, in order, repeated names kept.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes as received.
    pub body: &'a [u8],
}

/// The HTTP response to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// `Content-Type` of `body`; None for an empty body (204, and the documented empty 200s).
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
}

/// A signed hook to deliver: POST `body` to `url` with `X-Signature: signature` and
/// `Content-Type: application/json`, once, not retried (as amoCRM does).
#[derive(Clone, Debug, Serialize)]
pub struct Hook {
    /// The channel's hook URL with `:scope_id` replaced; None when the channel has none.
    pub url: Option<String>,
    pub scope_id: String,
    /// `webhook_message`, `webhook_typing` or `webhook_reaction`.
    pub endpoint: &'static str,
    /// The raw JSON body (v2 hooks, `reference/current/chat-webhooks.md`).
    #[serde(skip)]
    pub body: Vec<u8>,
    /// Lowercase hex HMAC-SHA1(channel secret, body).
    pub signature: String,
}

/// One request as the log keeps it (`GET /_mock/requests`, the inbox page, the host's log line).
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub seq: u64,
    pub time_ms: i64,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// The endpoint the route selects, when one does.
    pub endpoint: Option<&'static str>,
    /// The verification reason of a 403 (`signature_mismatch`, …), or another refusal's code
    /// (`unknown_route`, `method_not_allowed`, `too_large`, `channel_not_found`,
    /// `scope_not_found`, `invalid_request`, `user_not_found`, `message_not_found`, …), or
    /// why a 2xx without a body answered so (`chat_not_found`, `no_messages`,
    /// `offset_past_end`, `not_connected`).
    pub reason: Option<String>,
    /// The validator's errors of a 400 (path, code, message, and the code's parameters), or
    /// the state's one error (`user_not_found`, `chat_not_found`, …).
    pub errors: Vec<Value>,
    /// The diagnosis of a 403 (with `Options::diagnose`).
    pub diagnosis: Option<Value>,
    /// The validator's warnings (path, code, message), whatever the status.
    pub warnings: Vec<Value>,
    /// The scope the request addressed (connect and disconnect: the one they make or end).
    pub scope_id: Option<String>,
}

/// What [`Emulator::handle`] returns.
#[derive(Clone, Debug)]
pub struct Handled {
    pub response: Response,
    /// Hooks the request caused (none for the documented API calls today; kept so that a
    /// host delivers whatever the emulator produces).
    pub hooks: Vec<Hook>,
    pub log: LogEntry,
}

/// The answer to a control request (`/_mock/…`).
#[derive(Clone, Debug)]
pub struct Control {
    pub status: u16,
    /// The JSON answer. For an action that made a hook, the host delivers `hook` and adds
    /// `hook_status` (the receiver's HTTP status, or null when it could not be reached).
    pub body: Value,
    pub hook: Option<Hook>,
}

/// A configuration the emulator cannot start with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    NoChannel,
    EmptyChannelId,
    EmptySecret(String),
    DuplicateChannel(String),
    /// A saved state that is not this emulator's (not JSON, another version, a channel
    /// missing from the configuration).
    BadState(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::NoChannel => f.write_str("at least one channel is needed"),
            ConfigError::EmptyChannelId => f.write_str("a channel id is empty"),
            ConfigError::EmptySecret(id) => write!(f, "channel {id} has an empty secret"),
            ConfigError::DuplicateChannel(id) => write!(f, "channel {id} is given twice"),
            ConfigError::BadState(why) => write!(f, "the saved state cannot be loaded: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// What an emulator is configured with: fixed from [`Emulator::new`] / [`Emulator::load`]
/// on (a reset keeps it), and shared with its [`Checker`]s.
#[derive(Debug)]
pub(crate) struct Config {
    pub channels: Vec<Channel>,
    pub options: Options,
}

/// The emulator: all state, no I/O.
pub struct Emulator {
    config: Arc<Config>,
    state: State,
    log: VecDeque<LogEntry>,
    log_seq: u64,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("channels", &self.config.channels)
            .field("options", &self.config.options)
            .field("scopes", &self.state.scopes.len())
            .field("chats", &self.state.chats.len())
            .field("messages", &self.state.msgs.len())
            .field("log", &self.log.len())
            .finish()
    }
}

fn check_channels(channels: &[Channel]) -> Result<(), ConfigError> {
    if channels.is_empty() {
        return Err(ConfigError::NoChannel);
    }
    for (i, c) in channels.iter().enumerate() {
        if c.id.is_empty() {
            return Err(ConfigError::EmptyChannelId);
        }
        if c.secret.is_empty() {
            return Err(ConfigError::EmptySecret(c.id.clone()));
        }
        if channels[..i].iter().any(|o| o.id == c.id) {
            return Err(ConfigError::DuplicateChannel(c.id.clone()));
        }
    }
    Ok(())
}

impl Emulator {
    /// An emulator serving `channels`, with nothing connected yet.
    ///
    /// # Errors
    ///
    /// No channel, a channel with an empty id or secret, or the same id twice.
    pub fn new(channels: Vec<Channel>, options: Options) -> Result<Emulator, ConfigError> {
        check_channels(&channels)?;
        Ok(Emulator {
            config: Arc::new(Config { channels, options }),
            state: State::default(),
            log: VecDeque::new(),
            log_seq: 0,
        })
    }

    /// Answers one API request at `now_ms` (unix milliseconds, the host's clock plus any
    /// skew it applies): [`Checker::check`], then [`Emulator::apply`].
    ///
    /// Checks, in order (each answered before the next runs): the route (404
    /// `unknown_route`), the method (405), the size (413), the channel (404
    /// `channel_not_found` / `scope_not_found`), the signature (403 with the verification
    /// reason), the scope being connected (404 `scope_not_found`), the body (400
    /// `invalid_request` with the validator's issues); then the documented answer.
    pub fn handle(&mut self, request: &Request<'_>, now_ms: i64) -> Handled {
        let checked = check::check(&self.config, request, now_ms);
        self.apply(checked, now_ms)
    }

    /// A checker of requests for this emulator's configuration: it does the part of
    /// [`Emulator::handle`] that needs no state (route, method, size, the channel's secret,
    /// the signature and its Date window, validation, parsing the body), so that a host can
    /// run it on any thread, outside the lock around the emulator. The configuration never
    /// changes ([`Emulator::reset`] keeps it), so a checker stays good for the emulator's
    /// life.
    pub fn checker(&self) -> Checker {
        Checker::new(Arc::clone(&self.config))
    }

    /// Answers a request that [`Checker::check`] has checked: the checks that need the
    /// state (is the scope connected), then the state change, the answer and the log entry,
    /// exactly as [`Emulator::handle`] would have answered the request at `now_ms`. The
    /// checks' answers come in [`Emulator::handle`]'s order: a 400 of the validation, for
    /// instance, only once the scope is known to be connected.
    ///
    /// The Date window is the one the check used (its `now_ms`); `now_ms` here is the
    /// time of the state change and of the log entry. A request checked by another
    /// emulator's checker is checked again here.
    pub fn apply(&mut self, checked: Checked<'_>, now_ms: i64) -> Handled {
        let checked = if checked.is_for(&self.config) {
            checked
        } else {
            let (request, checked_ms) = (checked.request, checked.now_ms);
            check::check(&self.config, &request, checked_ms)
        };
        let request = checked.request;
        let out = self.process(checked, now_ms);
        self.log_seq = self.log_seq.wrapping_add(1);
        let log = LogEntry {
            seq: self.log_seq,
            time_ms: now_ms,
            method: request.method.to_owned(),
            path: request.target.to_owned(),
            status: out.status,
            endpoint: out.endpoint.map(amojo_kit::Endpoint::as_str),
            reason: out.reason,
            errors: out.errors,
            diagnosis: out.diagnosis,
            warnings: out.warnings,
            scope_id: out.scope_id,
        };
        if self.config.options.max_log > 0 {
            while self.log.len() >= self.config.options.max_log {
                self.log.pop_front();
            }
            self.log.push_back(log.clone());
        }
        let (content_type, body) = match (out.raw, out.body) {
            (Some(bytes), _) => (Some("application/json"), bytes),
            (None, Some(v)) => (
                Some("application/json"),
                serde_json::to_vec(&v).unwrap_or_default(),
            ),
            (None, None) => (None, Vec::new()),
        };
        Handled {
            response: Response {
                status: out.status,
                content_type,
                body,
            },
            hooks: Vec::new(),
            log,
        }
    }

    /// Answers a control request: `GET /_mock/requests`, `GET /_mock/state`,
    /// `POST /_mock/reset`, `POST /_mock/reply`, `POST /_mock/typing`, `POST /_mock/react`,
    /// `POST /_mock/write-first`. None when `path` is not under `/_mock/`.
    ///
    /// Answers (status 200):
    /// - requests: `{requests: [LogEntry…]}`, oldest first, at most `Options::max_log`;
    /// - state: what [`Emulator::save`] writes, as JSON;
    /// - reset: `{ok: true}`;
    /// - reply `{scope_id, conversation_id, text | message, sender?, reply_to?, post_id?}`
    ///   and write-first `{scope_id, user, text | message, sender?, source_external_id?}`:
    ///   `{hook, msgid, chat_id}` (write-first adds `user_id`; `hook` is null, with a
    ///   `warning`, for an account connected with hook API v1);
    /// - typing `{scope_id, conversation_id, user?, post_id?}` and react `{scope_id, msgid |
    ///   ref_id, emoji, type?, user?}`: `{hook}`.
    ///
    /// `hook` is `{url, scope_id, endpoint, signature, body}` (the body as JSON; the bytes to
    /// send are [`Control::hook`]'s). Refusals are `{error, message}` with 400, 404, 405 or
    /// 413 (see the module `control`).
    pub fn control(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        now_ms: i64,
    ) -> Option<Control> {
        path.starts_with("/_mock/")
            .then(|| self.control_answer(method, path, body, now_ms))
    }

    /// The requests logged, oldest first (at most `Options::max_log`).
    pub fn requests(&self) -> impl ExactSizeIterator<Item = &LogEntry> + '_ {
        self.log.iter()
    }

    /// Forgets every account, chat, message and logged request; keeps the channels and the
    /// options. Ids start over: the same requests after a reset get the same ids.
    pub fn reset(&mut self) {
        self.state = State::default();
        self.log.clear();
        self.log_seq = 0;
    }

    /// The channels served.
    pub fn channels(&self) -> &[Channel] {
        &self.config.channels
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.config.options
    }

    /// The state as JSON (what `GET /_mock/state` answers and [`Emulator::save`] writes).
    pub fn state_json(&self) -> Value {
        serde_json::to_value(self.state.to_saved(&self.config.channels, self.log_seq))
            .unwrap_or(Value::Null)
    }

    /// The state as JSON: what `--state FILE` saves and `GET /_mock/state` shows (secrets
    /// are not part of it, nor the request log).
    ///
    /// `{format: "amojo-mock-state", version: 1, next_id, log_seq, channels[{id, hook_url,
    /// bot_id}], scopes[{scope_id, channel_id, account_id, title, hook_api_version,
    /// is_time_window_disabled, connected, manager_id, bot_id}], users[{id, scope_id, kind:
    /// client|manager|bot, client_id?, name, avatar?, phone?, email?, profile_link?}],
    /// chats[{id, scope_id, conversation_id?, client, source_external_id?, created_ms,
    /// typing_until_ms?}], messages[{id, ref_id?, chat_id, sender, receiver?,
    /// msec_timestamp, type, text, extra?, silent?, delivery?{status, error_code?, error?,
    /// time_ms}, reactions?[{user_id, emoji}], edits?, edited_ms?, received_ms}]}`.
    pub fn save(&self) -> Vec<u8> {
        serde_json::to_vec(&self.state.to_saved(&self.config.channels, self.log_seq))
            .unwrap_or_default()
    }

    /// An emulator with a saved state (from [`Emulator::save`]) for the same channels.
    ///
    /// # Errors
    ///
    /// What [`Emulator::new`] refuses, and [`ConfigError::BadState`] for a saved state that
    /// is not JSON of this format and version, refers to what it does not hold, or names a
    /// channel missing from `channels`.
    pub fn load(
        channels: Vec<Channel>,
        options: Options,
        saved: &[u8],
    ) -> Result<Emulator, ConfigError> {
        check_channels(&channels)?;
        /// The envelope, read first: a state of another format or version is refused as
        /// such, not by the first field it lacks.
        #[derive(serde::Deserialize)]
        struct Envelope {
            format: Option<String>,
            version: Option<u64>,
        }
        let envelope: Envelope = serde_json::from_slice(saved)
            .map_err(|e| ConfigError::BadState(format!("not a JSON object: {e}")))?;
        if envelope.format.as_deref() != Some(state::FORMAT) {
            return Err(ConfigError::BadState(format!(
                "its format is not `{}`",
                state::FORMAT
            )));
        }
        if envelope.version != Some(u64::from(state::VERSION)) {
            return Err(ConfigError::BadState(format!(
                "it is not version {} of the format",
                state::VERSION
            )));
        }
        let saved: Saved = serde_json::from_slice(saved)
            .map_err(|e| ConfigError::BadState(format!("not this emulator's state: {e}")))?;
        let log_seq = saved.log_seq;
        let state = State::from_saved(saved, &channels).map_err(ConfigError::BadState)?;
        Ok(Emulator {
            config: Arc::new(Config { channels, options }),
            state,
            log: VecDeque::new(),
            log_seq,
        })
    }
}
