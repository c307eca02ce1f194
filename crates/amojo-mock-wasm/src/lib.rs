//! The WebAssembly binding of the Chats API emulator (`amojo-mock`): the module behind
//! `amojo-kit/mock`. Thin: it converts JS values to the emulator's inputs, calls it, and
//! converts back. The npm package's JS layer (pkg-template/src/mock.mjs) checks options
//! and turns fetch `Request`s into these calls; the exports still check what they receive
//! and throw a `TypeError` with a `code` property rather than trap.
//!
//! A module of its own (not part of `amojo-wasm`), so that the main entry's `.wasm` does
//! not carry the emulator for users who never import it.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use amojo_mock::{Channel, ConfigError, Emulator, Hook, Options, Request};

fn type_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::TypeError::new(message);
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

/// A plain JS object from (key, value) pairs. Not generic: one copy in the module.
fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

fn text_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// A JSON value the emulator made, as a JS value (the emulator's JSON is serde's, so it
/// parses; a failure is this binding's bug, reported rather than trapped on).
fn json_value(json: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(json).map_err(|_| type_error("internal", "the emulator wrote invalid JSON"))
}

fn config_error(e: &ConfigError) -> JsValue {
    let code = match e {
        ConfigError::NoChannel => "no_channel",
        ConfigError::EmptyChannelId => "empty_channel_id",
        ConfigError::EmptySecret(_) => "empty_secret",
        ConfigError::DuplicateChannel(_) => "duplicate_channel",
        ConfigError::BadState(_) => "invalid_state",
    };
    type_error(code, &e.to_string())
}

/// Unix milliseconds from a JS number: finite and within what a `Date` can hold.
fn millis(n: f64) -> Result<i64, JsValue> {
    if n.is_finite() && n.abs() <= 8.64e15 {
        Ok(n.floor() as i64)
    } else {
        Err(type_error(
            "invalid_time",
            "`now` must be a finite number of milliseconds",
        ))
    }
}

/// A property of a plain object: `None` when absent (undefined or null).
fn get(o: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(o, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn optional_string(o: &JsValue, key: &str, what: &str) -> Result<Option<String>, JsValue> {
    match get(o, key) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| {
            type_error(
                "invalid_channel",
                &format!("`{key}` of {what} must be a string"),
            )
        }),
    }
}

/// Channels: an array of `{ id, secret, hookUrl?, botId? }`, the secret a string or a
/// Uint8Array. Messages name the channel by position, never by a value.
fn channels(list: &Array) -> Result<Vec<Channel>, JsValue> {
    let mut out = Vec::with_capacity(list.length() as usize);
    for (i, c) in list.iter().enumerate() {
        let what = format!("channel number {i}");
        if !c.is_object() {
            return Err(type_error(
                "invalid_channel",
                &format!("{what} must be an object"),
            ));
        }
        let id = optional_string(&c, "id", &what)?.ok_or_else(|| {
            type_error(
                "invalid_channel",
                &format!("{what} needs an `id` (a string)"),
            )
        })?;
        let secret = match get(&c, "secret") {
            Some(v) if v.is_string() => v.as_string().unwrap_or_default().into_bytes(),
            Some(v) if v.is_instance_of::<Uint8Array>() => Uint8Array::new(&v).to_vec(),
            _ => {
                return Err(type_error(
                    "invalid_channel",
                    &format!("{what} needs a `secret` (a string or a Uint8Array)"),
                ));
            }
        };
        out.push(Channel {
            id,
            secret,
            hook_url: optional_string(&c, "hookUrl", &what)?,
            bot_id: optional_string(&c, "botId", &what)?,
        });
    }
    Ok(out)
}

/// A non-negative whole number option, `None` when absent.
fn count(o: &JsValue, key: &str) -> Result<Option<f64>, JsValue> {
    match get(o, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9.0e15 => Ok(Some(n)),
            _ => Err(type_error(
                "invalid_option",
                &format!("`{key}` must be a whole number, 0 or more"),
            )),
        },
    }
}

/// Options: `{ toleranceSeconds?, diagnose?, maxLog?, maxBodyBytes? }`, the emulator's
/// defaults for what is absent.
fn options(o: &JsValue) -> Result<Options, JsValue> {
    let mut opts = Options::default();
    if o.is_undefined() || o.is_null() {
        return Ok(opts);
    }
    if let Some(n) = count(o, "toleranceSeconds")? {
        opts.tolerance_secs = n as u64;
    }
    if let Some(n) = count(o, "maxLog")? {
        opts.max_log = n as usize;
    }
    if let Some(n) = count(o, "maxBodyBytes")? {
        opts.max_body_bytes = n as usize;
    }
    if let Some(v) = get(o, "diagnose") {
        opts.diagnose = v
            .as_bool()
            .ok_or_else(|| type_error("invalid_option", "`diagnose` must be a boolean"))?;
    }
    Ok(opts)
}

/// Headers as a flat array `[name, value, name, value, …]` of strings (Headers entries or
/// Node's rawHeaders).
fn header_pairs(flat: &Array) -> Result<Vec<(String, String)>, JsValue> {
    let bad = || type_error("invalid_headers", "headers must be name/value string pairs");
    if flat.length() % 2 != 0 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(flat.length() as usize / 2);
    let mut it = flat.iter();
    while let (Some(n), Some(v)) = (it.next(), it.next()) {
        out.push((
            n.as_string().ok_or_else(bad)?,
            v.as_string().ok_or_else(bad)?,
        ));
    }
    Ok(out)
}

fn hook_js(h: &Hook) -> JsValue {
    object(&[
        ("url", text_or_null(h.url.as_deref())),
        ("scopeId", JsValue::from_str(&h.scope_id)),
        ("endpoint", JsValue::from_str(h.endpoint)),
        ("body", bytes(&h.body)),
        ("signature", JsValue::from_str(&h.signature)),
    ])
}

/// One emulator: its channels, its state. No `Debug`: it holds the secrets.
#[wasm_bindgen(js_name = RawMock)]
pub struct RawMock {
    emulator: Emulator,
}

#[wasm_bindgen(js_class = RawMock)]
impl RawMock {
    /// An emulator serving `channels` (an array of `{ id, secret, hookUrl?, botId? }`) with
    /// `options` (`{ toleranceSeconds?, diagnose?, maxLog?, maxBodyBytes? }` or undefined).
    ///
    /// # Errors
    ///
    /// A `TypeError` with `code`: `invalid_channel`, `invalid_option`, `no_channel`,
    /// `empty_channel_id`, `empty_secret`, `duplicate_channel`.
    #[wasm_bindgen(constructor)]
    pub fn new(channel_list: &Array, opts: JsValue) -> Result<RawMock, JsValue> {
        let emulator = Emulator::new(channels(channel_list)?, options(&opts)?)
            .map_err(|e| config_error(&e))?;
        Ok(RawMock { emulator })
    }

    /// An emulator with a state saved by [`RawMock::save`], for the same channels.
    ///
    /// # Errors
    ///
    /// What [`RawMock::new`] throws, and `invalid_state` for a state that is not this
    /// emulator's.
    pub fn load(channel_list: &Array, opts: JsValue, saved: &[u8]) -> Result<RawMock, JsValue> {
        let emulator = Emulator::load(channels(channel_list)?, options(&opts)?, saved)
            .map_err(|e| config_error(&e))?;
        Ok(RawMock { emulator })
    }

    /// Answers one API request at `now_ms`: `{ status, contentType, body, hooks, log }`,
    /// `body` a Uint8Array, `contentType` a string or null, `hooks` an array of
    /// `{ url, scopeId, endpoint, body, signature }`, `log` the request's log entry.
    ///
    /// # Errors
    ///
    /// `invalid_headers` (not name/value string pairs), `invalid_time`.
    pub fn handle(
        &mut self,
        method: &str,
        target: &str,
        flat_headers: &Array,
        body: &[u8],
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let now = millis(now_ms)?;
        let owned = header_pairs(flat_headers)?;
        let headers: Vec<(&str, &str)> = owned
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = Request {
            method,
            target,
            headers: &headers,
            body,
        };
        let handled = self.emulator.handle(&request, now);
        let log = serde_json::to_string(&handled.log)
            .map_err(|_| type_error("internal", "the log entry has no JSON form"))?;
        let hooks: Array = handled.hooks.iter().map(hook_js).collect();
        let r = &handled.response;
        Ok(object(&[
            ("status", JsValue::from(r.status)),
            ("contentType", text_or_null(r.content_type)),
            ("body", bytes(&r.body)),
            ("hooks", hooks.into()),
            ("log", json_value(&log)?),
        ]))
    }

    /// Answers a control request (`/_mock/…`): `{ status, body, hook }`, `body` the JSON
    /// answer as text, `hook` as in [`RawMock::handle`] or null; undefined when `path` is
    /// not a control path.
    ///
    /// # Errors
    ///
    /// `invalid_time`.
    pub fn control(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let now = millis(now_ms)?;
        let Some(c) = self.emulator.control(method, path, body, now) else {
            return Ok(JsValue::UNDEFINED);
        };
        let text = serde_json::to_string(&c.body)
            .map_err(|_| type_error("internal", "the control answer has no JSON form"))?;
        Ok(object(&[
            ("status", JsValue::from(c.status)),
            ("body", JsValue::from_str(&text)),
            ("hook", c.hook.as_ref().map_or(JsValue::NULL, hook_js)),
        ]))
    }

    /// The state as JSON bytes (no secrets), for [`RawMock::load`].
    pub fn save(&self) -> Vec<u8> {
        self.emulator.save()
    }
}
