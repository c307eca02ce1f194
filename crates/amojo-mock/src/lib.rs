//! A sans-IO emulator of the amoCRM Chats API: the server an integration talks to.
//!
//! No sockets, no clock, no files: a host (the CLI's `amojo mock`, the npm package's
//! `amojo-kit/mock`) hands it each HTTP request with the time, and gets back the response
//! and the signed hooks to deliver. Manager actions (a reply, typing, a reaction, a chat the
//! manager starts) go in through [`Emulator::control`], the same JSON both hosts serve under
//! `/_mock/`. Verification and validation are the core's (`amojo-kit`), under the fidelity
//! policy: what the live API accepts is accepted.
//!
//! State: channels (id, secret, hook URL, bot id), connected accounts and their scopes,
//! chats (the integration's `conversation_id` ↔ the emulator's chat id), participants
//! (`id` / `client_id` ↔ ids), messages (`msgid` ↔ `ref_id`, timestamps, delivery status,
//! reactions, edits), comments; and a bounded log of recent requests.

use serde::Serialize;
use serde_json::Value;

/// A channel the emulator serves, as amoCRM would have issued it.
#[derive(Clone, Debug)]
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

/// How the emulator judges requests.
#[derive(Clone, Debug)]
pub struct Options {
    /// The Date window, in seconds either side of now (the API's: 900).
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
    /// The verification reason of a 403 (`signature_mismatch`, …), or another refusal's code.
    pub reason: Option<String>,
    /// The validator's errors of a 400 (path, code, message).
    pub errors: Vec<Value>,
    /// The diagnosis of a 403 (with `Options::diagnose`).
    pub diagnosis: Option<Value>,
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

/// The emulator: all state, no I/O.
#[derive(Debug)]
pub struct Emulator {
    channels: Vec<Channel>,
    options: Options,
}

impl Emulator {
    /// An emulator serving `channels`, with nothing connected yet.
    pub fn new(channels: Vec<Channel>, options: Options) -> Result<Emulator, ConfigError> {
        if channels.is_empty() {
            return Err(ConfigError::NoChannel);
        }
        Ok(Emulator { channels, options })
    }

    /// Answers one API request at `now_ms` (unix milliseconds, the host's clock plus any
    /// skew it applies).
    pub fn handle(&mut self, request: &Request<'_>, now_ms: i64) -> Handled {
        let _ = (&self.channels, &self.options, now_ms);
        let log = LogEntry {
            seq: 0,
            time_ms: now_ms,
            method: request.method.to_owned(),
            path: request.target.to_owned(),
            status: 501,
            endpoint: None,
            reason: Some("not_implemented".to_owned()),
            errors: Vec::new(),
            diagnosis: None,
        };
        Handled {
            response: Response {
                status: 501,
                content_type: None,
                body: Vec::new(),
            },
            hooks: Vec::new(),
            log,
        }
    }

    /// Answers a control request: `GET /_mock/requests`, `GET /_mock/state`,
    /// `POST /_mock/reset`, `POST /_mock/reply`, `POST /_mock/typing`, `POST /_mock/react`,
    /// `POST /_mock/write-first`. None when `path` is not under `/_mock/`.
    pub fn control(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        now_ms: i64,
    ) -> Option<Control> {
        let _ = (method, body, now_ms);
        path.starts_with("/_mock/").then(|| Control {
            status: 501,
            body: Value::Null,
            hook: None,
        })
    }

    /// The state as JSON: what `--state FILE` saves and `GET /_mock/state` shows (secrets
    /// are not part of it).
    pub fn save(&self) -> Vec<u8> {
        b"{}".to_vec()
    }

    /// An emulator with a saved state (from [`Emulator::save`]) for the same channels.
    pub fn load(
        channels: Vec<Channel>,
        options: Options,
        saved: &[u8],
    ) -> Result<Emulator, ConfigError> {
        let _ = saved;
        Emulator::new(channels, options)
    }
}
