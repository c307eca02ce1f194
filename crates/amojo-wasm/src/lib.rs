//! The WebAssembly binding: thin conversions around the core. The only module that knows
//! about JS. The npm package's JS layer (pkg-template/src/api.mjs) checks and normalises
//! arguments (strings → bytes, Headers → pairs, Date → seconds) and calls these raw exports;
//! they still check what they receive and throw a `TypeError` with a `code` property rather
//! than trap.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use amojo_kit::{
    BodyStyle, DateInput, Diagnosis, Endpoint, Headers, Lang, ReceivedRequest, RequestToSign,
    SignError, SigningKey, ValidateOptions, VerifyOptions, VerifyOutcome,
};

/// A string for the host. Exports return strings as a `JsValue`, not a Rust `String`: a
/// `String` comes back as a (pointer, length) pair of values, for which V8 compiles a
/// dedicated entry wrapper per export when the module is compiled, a cost paid at every
/// cold start; a single reference takes V8's generic wrapper.
fn js_text(s: impl AsRef<str>) -> JsValue {
    JsValue::from_str(s.as_ref())
}

fn type_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::TypeError::new(message);
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

/// A plain JS object from (key, value) pairs, values absent (`None`) left out.
/// Not generic: one copy in the module, whatever the number of entries.
fn object(entries: &[(&str, Option<JsValue>)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        if let Some(v) = v {
            let _ = Reflect::set(&o, &JsValue::from_str(k), v);
        }
    }
    o.into()
}

/// The core's verification outcome with the JS API's names (`secretIndex`).
fn outcome_entries(o: &VerifyOutcome) -> [(&'static str, Option<JsValue>); 6] {
    [
        ("ok", Some(JsValue::from_bool(o.ok))),
        (
            "secretIndex",
            o.secret_index.map(|i| JsValue::from(i as u32)),
        ),
        ("reason", o.reason.map(JsValue::from_str)),
        ("message", o.message.as_deref().map(JsValue::from_str)),
        ("header", o.header.map(JsValue::from_str)),
        ("skew", o.skew.map(|s| JsValue::from(s as f64))),
    ]
}

fn outcome_js(r: &Result<amojo_kit::Verified, amojo_kit::Reason>) -> JsValue {
    object(&outcome_entries(&VerifyOutcome::from(r)))
}

fn lang(s: &str) -> Result<Lang, JsValue> {
    s.parse()
        .map_err(|e: amojo_kit::ParseNameError| type_error("invalid_lang", &e.to_string()))
}

fn endpoint(s: &str) -> Result<Endpoint, JsValue> {
    s.parse()
        .map_err(|e: amojo_kit::ParseNameError| type_error("unknown_endpoint", &e.to_string()))
}

/// Seconds from a JS number: finite and within i64.
fn secs(n: f64, what: &str) -> Result<i64, JsValue> {
    if n.is_finite() && n.abs() < 9.0e15 {
        Ok(n.floor() as i64)
    } else {
        Err(type_error(
            "invalid_time",
            &format!("`{what}` must be a finite number of seconds"),
        ))
    }
}

/// Secrets: an array of strings or Uint8Arrays.
fn secrets(arr: &Array) -> Result<Vec<Vec<u8>>, JsValue> {
    let mut out = Vec::with_capacity(arr.length() as usize);
    for v in arr.iter() {
        if let Some(s) = v.as_string() {
            out.push(s.into_bytes());
        } else if let Some(b) = v.dyn_ref::<Uint8Array>() {
            out.push(b.to_vec());
        } else {
            return Err(type_error(
                "invalid_secret",
                "each secret must be a string or a Uint8Array",
            ));
        }
    }
    Ok(out)
}

/// Headers as a flat array `[name, value, name, value, …]` of strings.
fn headers(flat: &Array) -> Result<Headers, JsValue> {
    let bad = || type_error("invalid_headers", "headers must be name/value string pairs");
    if flat.length() % 2 != 0 {
        return Err(bad());
    }
    let mut h = Headers::new();
    let mut it = flat.iter();
    while let (Some(n), Some(v)) = (it.next(), it.next()) {
        h.append(
            n.as_string().ok_or_else(bad)?,
            v.as_string().ok_or_else(bad)?,
        );
    }
    Ok(h)
}

/// Lowercase hex MD5 of bytes.
#[wasm_bindgen(js_name = rawMd5)]
pub fn raw_md5(body: &[u8]) -> JsValue {
    js_text(amojo_kit::content_md5(body))
}

/// RFC 2822 date of unix seconds.
#[wasm_bindgen(js_name = rawFormatDate)]
pub fn raw_format_date(seconds: f64) -> Result<JsValue, JsValue> {
    let t = secs(seconds, "date").map_err(|_| {
        type_error(
            "invalid_date",
            "the date must be a finite time between 1970 and 9999",
        )
    })?;
    amojo_kit::format_rfc2822(t)
        .map(js_text)
        .map_err(|e| type_error("invalid_date", &e.to_string()))
}

/// Re-serializes JSON text in a style (`compact` | `php`), keeping key order.
#[wasm_bindgen(js_name = rawReserialize)]
pub fn raw_reserialize(json: &str, style: &str) -> Result<JsValue, JsValue> {
    let style: BodyStyle = style
        .parse()
        .map_err(|e: amojo_kit::ParseNameError| type_error("invalid_style", &e.to_string()))?;
    amojo_kit::reserialize(json.as_bytes(), style)
        .map(js_text)
        .map_err(|e| {
            let err = type_error("invalid_json", &format!("the payload is not JSON: {e}"));
            let _ = Reflect::set(&err, &"line".into(), &(e.line as u32).into());
            let _ = Reflect::set(&err, &"column".into(), &(e.column as u32).into());
            err
        })
}

/// Signs a request as rawSignScratch does (`sign::sign_into`, the lane's key cache) and
/// returns `METHOD\nContent-MD5\nContent-Type\nDate\nPATH\nX-Signature` (none of which
/// can hold a line break): the canonical string and the signature in one string.
fn sign_core(
    secret: &[u8],
    method: &str,
    path: &str,
    body: &[u8],
    content_type: Option<&str>,
    date_text: Option<&str>,
    date_seconds: f64,
) -> Result<String, JsValue> {
    let date = match date_text {
        Some(t) => DateInput::Text(t),
        None => DateInput::Unix(secs(date_seconds, "date")?),
    };
    let req = RequestToSign {
        method,
        path,
        body,
        content_type,
        date,
    };
    // X-Signature, then the canonical string: its texts, the Content-MD5, a formatted
    // date and the line breaks.
    let texts = method.len()
        + path.len()
        + content_type.map_or(amojo_kit::DEFAULT_CONTENT_TYPE.len(), str::len)
        + date_text.map_or(31, str::len);
    let mut out = vec![0; 40 + texts + 32 + 4];
    let n = LANE
        .with_borrow_mut(|lane| lane.keys.key(secret)?.sign_into(&req, &mut out))
        .map_err(|e| sign_error(&e))?
        .ok_or_else(lane_error)?;
    let (signature, canonical) = out.split_at(40);
    let mut joined = Vec::with_capacity(n + 41);
    joined.extend_from_slice(&canonical[..n]);
    joined.push(b'\n');
    joined.extend_from_slice(signature);
    String::from_utf8(joined).map_err(|_| lane_error())
}

/// Signs a request from bytes (the JS layer's path for requests too large for the scratch,
/// see rawSignScratch; strings are encoded by the JS layer first: one TextEncoder copy is
/// cheaper than wasm-bindgen's per-character string passing, and one export fewer to
/// compile at start-up). Returns `METHOD\nContent-MD5\nContent-Type\nDate\nPATH\nX-Signature`.
#[wasm_bindgen(js_name = rawSignBytes)]
pub fn raw_sign_bytes(
    secret: &[u8],
    method: &str,
    path: &str,
    body: &[u8],
    content_type: Option<String>,
    date_text: Option<String>,
    date_seconds: f64,
) -> Result<JsValue, JsValue> {
    sign_core(
        secret,
        method,
        path,
        body,
        content_type.as_deref(),
        date_text.as_deref(),
        date_seconds,
    )
    .map(js_text)
}

// ---- the signing lane: one copy in, one call, no strings across the boundary ----------
//
// Passing six strings through wasm-bindgen costs an allocation and a copy each, and the
// result a TextDecoder; for a 1 KiB body that was more than the hashing. Instead the JS
// layer keeps a view of the wasm memory, writes the request into a scratch buffer owned
// here (TextEncoder.encodeInto, or a plain loop for short ASCII), calls rawSignScratch with
// the lengths (numbers cross for free), and reads the result back from the same buffer.
// Large requests keep using rawSignBytes, so the scratch stays small.

/// The keyed MAC of the last secret signed with (a caller signs with one secret, mostly):
/// the key's two compressions are not redone for every request. No `Debug`: it holds the
/// secret.
struct KeyCache(Option<(Vec<u8>, SigningKey)>);

impl KeyCache {
    const fn new() -> Self {
        KeyCache(None)
    }

    /// The key of `secret`, made when it is not the last one's.
    fn key(&mut self, secret: &[u8]) -> Result<&SigningKey, SignError> {
        let reuse = matches!(&self.0, Some((last, _)) if last.as_slice() == secret);
        if !reuse {
            self.0 = Some((secret.to_vec(), SigningKey::new(secret)?));
        }
        match &self.0 {
            Some((_, key)) => Ok(key),
            None => Err(SignError::EmptySecret),
        }
    }
}

/// What the lane keeps between calls: the scratch and the key cache. The secret stays in
/// the scratch until overwritten (see the safety contract at [`raw_scratch`]).
struct Lane {
    scratch: Vec<u8>,
    keys: KeyCache,
}

thread_local! {
    static LANE: RefCell<Lane> = const {
        RefCell::new(Lane {
            scratch: Vec::new(),
            keys: KeyCache::new(),
        })
    };
}

/// The module's memory (a `WebAssembly.Memory`), for the JS layer's views of the scratch.
#[wasm_bindgen(js_name = rawMemory)]
pub fn raw_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes the scratch at least `len` bytes long and returns its address in the memory.
///
/// # The lane's contract
///
/// This export hands the host a raw address into a `Vec` owned by `LANE` (this module's
/// thread-local); the host writes the request there and reads results back
/// (pkg-template/src/api.mjs: `laneOf`, `put`, `signRequest`, `validateInLane`). That is
/// sound because both sides keep three rules:
///
/// 1. No Rust borrow of the scratch is alive while the host writes: every export borrows
///    `LANE` only for the duration of its call, and the host writes only between calls.
/// 2. The address holds until an export resizes the scratch: this one, or
///    `rawValidateScratch` when its report does not fit; after that the host asks for the
///    address again (`rawScratch(0)`) before reading.
/// 3. The memory's `ArrayBuffer` changes whenever an export grows the memory: the host
///    checks its view (`byteLength === 0`) after every call and makes a new one.
///
/// What stays behind: the last secret stays in the scratch (and in the key cache) until
/// overwritten, inside this module's memory only.
#[wasm_bindgen(js_name = rawScratch)]
pub fn raw_scratch(len: usize) -> usize {
    LANE.with_borrow_mut(|lane| {
        let s = &mut lane.scratch;
        if s.len() < len {
            s.resize(len, 0);
        }
        s.as_mut_ptr() as usize
    })
}

fn lane_error() -> JsValue {
    type_error(
        "invalid_argument",
        "the request does not fit the scratch, or is not UTF-8",
    )
}

/// Reads the request's parts from the scratch, one after the other.
struct Parts<'a>(&'a [u8]);

impl<'a> Parts<'a> {
    fn bytes(&mut self, len: usize) -> Result<&'a [u8], JsValue> {
        let (part, rest) = self.0.split_at_checked(len).ok_or_else(lane_error)?;
        self.0 = rest;
        Ok(part)
    }
    fn text(&mut self, len: usize) -> Result<&'a str, JsValue> {
        std::str::from_utf8(self.bytes(len)?).map_err(|_| lane_error())
    }
}

fn sign_error(e: &SignError) -> JsValue {
    type_error(e.code(), &e.to_string())
}

/// Signs the request the JS layer wrote at the start of the scratch, back to back: secret,
/// method, path, then the content type when `content_type_len` is given (else the
/// default), the date text when `date_len` is given (else `date_seconds` is formatted),
/// and the body. Writes the X-Signature (40 bytes) and then the canonical string right
/// after the request, and returns the canonical string's length; throws what
/// [`raw_sign_bytes`] throws.
#[wasm_bindgen(js_name = rawSignScratch)]
pub fn raw_sign_scratch(
    secret_len: usize,
    method_len: usize,
    path_len: usize,
    content_type_len: Option<u32>,
    date_len: Option<u32>,
    body_len: usize,
    date_seconds: f64,
) -> Result<usize, JsValue> {
    LANE.with_borrow_mut(|lane| {
        let input_len = [
            secret_len,
            method_len,
            path_len,
            content_type_len.unwrap_or(0) as usize,
            date_len.unwrap_or(0) as usize,
            body_len,
        ]
        .into_iter()
        .try_fold(0usize, usize::checked_add)
        .ok_or_else(lane_error)?;
        let (input, out) = lane
            .scratch
            .split_at_mut_checked(input_len)
            .ok_or_else(lane_error)?;
        let mut parts = Parts(input);
        let secret = parts.bytes(secret_len)?;
        let method = parts.text(method_len)?;
        let path = parts.text(path_len)?;
        let content_type = match content_type_len {
            Some(n) => Some(parts.text(n as usize)?),
            None => None,
        };
        let date = match date_len {
            Some(n) => DateInput::Text(parts.text(n as usize)?),
            None => DateInput::Unix(secs(date_seconds, "date")?),
        };
        let body = parts.bytes(body_len)?;
        let req = RequestToSign {
            method,
            path,
            body,
            content_type,
            date,
        };
        lane.keys
            .key(secret)
            .and_then(|key| key.sign_into(&req, out))
            .map_err(|e| sign_error(&e))?
            .ok_or_else(lane_error)
    })
}

struct Received {
    secrets: Vec<Vec<u8>>,
    headers: Headers,
    opts: VerifyOptions,
}

impl Received {
    fn new(
        secret_list: &Array,
        flat_headers: &Array,
        now_seconds: f64,
        tolerance_seconds: f64,
    ) -> Result<Self, JsValue> {
        let tol = secs(tolerance_seconds, "toleranceSeconds")?;
        if tol < 0 {
            return Err(type_error(
                "invalid_time",
                "`toleranceSeconds` must not be negative",
            ));
        }
        Ok(Received {
            secrets: secrets(secret_list)?,
            headers: headers(flat_headers)?,
            opts: VerifyOptions {
                now: secs(now_seconds, "now")?,
                tolerance_secs: tol as u64,
            },
        })
    }
}

/// The core's diagnosis with the JS API's names (`expectedCanonical`, …).
fn diagnosis_js(d: &Diagnosis) -> JsValue {
    let findings: Array = d
        .findings
        .iter()
        .map(|f| {
            object(&[
                ("component", Some(JsValue::from_str(f.component.code()))),
                ("code", Some(JsValue::from_str(f.code))),
                ("message", Some(JsValue::from_str(&f.message))),
            ])
        })
        .collect();
    let [ok, index, reason, message, header, skew] =
        outcome_entries(&VerifyOutcome::from(&d.outcome));
    object(&[
        ok,
        index,
        reason,
        message,
        header,
        skew,
        ("expectedCanonical", Some(js_text(&d.expected_canonical))),
        (
            "expectedSignature",
            Some(
                d.expected_signature
                    .as_deref()
                    .map_or(JsValue::NULL, js_text),
            ),
        ),
        ("bodyMd5", Some(js_text(&d.body_md5))),
        ("findings", Some(findings.into())),
    ])
}

/// Checks a received request: verifies it, or with `diagnose` explains it (which shows the
/// expected signature, never the secret).
#[wasm_bindgen(js_name = rawCheckRequest)]
#[allow(clippy::too_many_arguments)]
pub fn raw_check_request(
    diagnose: bool,
    secret_list: &Array,
    method: &str,
    path: &str,
    flat_headers: &Array,
    body: &[u8],
    now_seconds: f64,
    tolerance_seconds: f64,
) -> Result<JsValue, JsValue> {
    let r = Received::new(secret_list, flat_headers, now_seconds, tolerance_seconds)?;
    let req = ReceivedRequest {
        method,
        path,
        headers: &r.headers,
        body,
    };
    Ok(if diagnose {
        diagnosis_js(&amojo_kit::diagnose_request(&req, &r.secrets, &r.opts))
    } else {
        outcome_js(&amojo_kit::verify_request(&req, &r.secrets, &r.opts))
    })
}

/// Webhook signature of a raw body.
#[wasm_bindgen(js_name = rawSignWebhook)]
pub fn raw_sign_webhook(secret: &[u8], body: &[u8]) -> Result<JsValue, JsValue> {
    amojo_kit::webhook_signature(secret, body)
        .map(js_text)
        .map_err(|e| type_error(e.code(), &e.to_string()))
}

/// The `X-Signature` values received (none, one, several), as strings.
fn signature_list(list: &Array) -> Result<Vec<String>, JsValue> {
    list.iter()
        .map(|v| {
            v.as_string().ok_or_else(|| {
                type_error(
                    "invalid_signature",
                    "each `X-Signature` value must be a string",
                )
            })
        })
        .collect()
}

/// Verifies a webhook signature over a raw body: `signatures` are the `X-Signature`
/// values received (none: `missing_header`, several: `duplicate_header`).
#[wasm_bindgen(js_name = rawVerifyWebhook)]
pub fn raw_verify_webhook(
    secret_list: &Array,
    body: &[u8],
    signatures: &Array,
) -> Result<JsValue, JsValue> {
    let keys = secrets(secret_list)?;
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let sigs = signature_list(signatures)?;
    let outcome = match sigs.as_slice() {
        [one] => amojo_kit::verify_webhook(body, one, &refs),
        [] => Err(amojo_kit::Reason::MissingHeader("X-Signature")),
        _ => Err(amojo_kit::Reason::DuplicateHeader("X-Signature")),
    };
    Ok(outcome_js(&outcome))
}

/// A report as a JS object (its JSON text parsed by the host).
fn report_js(r: &amojo_kit::Report) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&r.to_json()).map_err(|_| type_error("internal", "report is not JSON"))
}

/// Receives a hook (`receive_webhook`): signature, JSON, with `max_age_seconds` the replay
/// window around `now_seconds`, which hook, and with `validate` its rules. `{ok: true,
/// secretIndex, endpoint, time, validation?}` or `{ok: false, reason, message, header?,
/// age?, validation?}` (`validation`: the report of an invalid hook; `age`: of a hook
/// outside the window).
#[wasm_bindgen(js_name = rawReceiveWebhook)]
#[allow(clippy::too_many_arguments)]
pub fn raw_receive_webhook(
    secret_list: &Array,
    body: &[u8],
    signatures: &Array,
    validate: bool,
    lang_name: &str,
    max_age_seconds: Option<f64>,
    now_seconds: f64,
) -> Result<JsValue, JsValue> {
    let keys = secrets(secret_list)?;
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let sigs = signature_list(signatures)?;
    let sig_refs: Vec<&str> = sigs.iter().map(String::as_str).collect();
    let opts = options(lang_name, (None, None, None))?;
    let max_age = match max_age_seconds {
        Some(secs_allowed) => Some(amojo_kit::MaxAge {
            now: secs(now_seconds, "now")?,
            secs: u64::try_from(secs(secs_allowed, "maxAgeSeconds")?)
                .map_err(|_| type_error("invalid_time", "`maxAgeSeconds` must not be negative"))?,
        }),
        None => None,
    };
    let checks = amojo_kit::HookChecks {
        validation: validate.then_some(&opts),
        max_age,
    };
    let received = amojo_kit::receive_webhook(body, &sig_refs, &refs, &checks);
    Ok(match received {
        Ok(hook) => object(&[
            ("ok", Some(JsValue::TRUE)),
            ("secretIndex", Some(JsValue::from(hook.secret_index as u32))),
            (
                "endpoint",
                Some(hook.endpoint.map_or(JsValue::NULL, |e| js_text(e.as_str()))),
            ),
            (
                "time",
                Some(hook.time.map_or(JsValue::NULL, |t| JsValue::from(t as f64))),
            ),
            (
                "validation",
                hook.report.as_ref().map(report_js).transpose()?,
            ),
        ]),
        Err(amojo_kit::HookError::Rejected(reason)) => outcome_js(&Err(reason)),
        Err(e) => {
            let report = match &e {
                amojo_kit::HookError::Invalid { report, .. } => Some(report_js(report)?),
                _ => None,
            };
            let age = match &e {
                amojo_kit::HookError::Expired { age, .. } => Some(JsValue::from(*age as f64)),
                _ => None,
            };
            object(&[
                ("ok", Some(JsValue::FALSE)),
                ("reason", Some(js_text(e.code()))),
                ("message", Some(js_text(e.to_string()))),
                ("age", age),
                ("validation", report),
            ])
        }
    })
}

/// Validation options: language and the work limits (`None`: the default).
fn options(lang_name: &str, limits: Limits) -> Result<ValidateOptions, JsValue> {
    let d = ValidateOptions::default();
    let pick = |v: Option<u32>, default: usize| v.map_or(default, |n| n as usize);
    Ok(ValidateOptions {
        lang: lang(lang_name)?,
        max_issues: pick(limits.0, d.max_issues),
        max_body_bytes: pick(limits.1, d.max_body_bytes),
        max_depth: pick(limits.2, d.max_depth),
    })
}

/// (max issues, max body bytes, max depth)
type Limits = (Option<u32>, Option<u32>, Option<u32>);

/// A report as JSON text for the JS layer to `JSON.parse` (one string crosses the boundary
/// instead of an object built field by field); `""` for the common verdict "valid, no
/// warnings", which the JS layer builds itself.
fn report_text(r: &amojo_kit::Report, short: bool) -> String {
    if short && r.valid && r.warnings.is_empty() && !r.truncated {
        String::new()
    } else {
        r.to_json()
    }
}

/// Validates raw body bytes against an endpoint's rules: the report as JSON text, `""` for
/// "valid, no warnings".
#[wasm_bindgen(js_name = rawValidate)]
pub fn raw_validate(
    endpoint_name: &str,
    body: &[u8],
    lang_name: &str,
    max_issues: Option<u32>,
    max_body_bytes: Option<u32>,
    max_depth: Option<u32>,
) -> Result<JsValue, JsValue> {
    let opts = options(lang_name, (max_issues, max_body_bytes, max_depth))?;
    Ok(js_text(report_text(
        &amojo_kit::validate(endpoint(endpoint_name)?, body, &opts),
        true,
    )))
}

/// Validates the body the JS layer wrote at the start of the scratch (`len` bytes, see
/// [`raw_scratch`]) against endpoint number `endpoint_index` of [`raw_endpoints`], messages
/// in `lang_code` (0 English, 1 Russian). The report's JSON text (`""`: valid, no warnings) is
/// written into the scratch right after the body (grown when needed: the JS layer refreshes
/// its view) and its length returned, 0 for "valid, no warnings": no string crosses
/// wasm-bindgen either way.
#[wasm_bindgen(js_name = rawValidateScratch)]
pub fn raw_validate_scratch(
    endpoint_index: u32,
    len: usize,
    lang_code: u32,
    max_issues: Option<u32>,
    max_body_bytes: Option<u32>,
    max_depth: Option<u32>,
) -> Result<usize, JsValue> {
    let endpoint = Endpoint::ALL
        .get(endpoint_index as usize)
        .copied()
        .ok_or_else(|| type_error("unknown_endpoint", "no endpoint has this number"))?;
    let lang_name = match lang_code {
        0 => "en",
        1 => "ru",
        _ => {
            return Err(type_error(
                "invalid_lang",
                "the language number must be 0 or 1",
            ));
        }
    };
    let opts = options(lang_name, (max_issues, max_body_bytes, max_depth))?;
    LANE.with_borrow_mut(|lane| {
        let body = lane.scratch.get(..len).ok_or_else(lane_error)?;
        let text = report_text(&amojo_kit::validate(endpoint, body, &opts), true);
        let end = len + text.len();
        if lane.scratch.len() < end {
            lane.scratch.resize(end, 0);
        }
        let out = lane.scratch.get_mut(len..end).ok_or_else(lane_error)?;
        out.copy_from_slice(text.as_bytes());
        Ok(text.len())
    })
}

/// The report of a body larger than `max_body_bytes` (`too_large_report`), for the host
/// that checked the size before copying the body in; the endpoint by name, or none.
#[wasm_bindgen(js_name = rawTooLarge)]
pub fn raw_too_large(
    endpoint_name: Option<String>,
    lang_name: &str,
    max_body_bytes: u32,
) -> Result<JsValue, JsValue> {
    let e = endpoint_name.as_deref().map(endpoint).transpose()?;
    let opts = options(lang_name, (None, Some(max_body_bytes), None))?;
    Ok(js_text(amojo_kit::too_large_report(e, &opts).to_json()))
}

/// Validates a whole request: route, query and body; the report as JSON text.
#[wasm_bindgen(js_name = rawValidateRequest)]
pub fn raw_validate_request(
    method: &str,
    path: &str,
    body: &[u8],
    lang_name: &str,
    max_issues: Option<u32>,
    max_body_bytes: Option<u32>,
    max_depth: Option<u32>,
) -> Result<JsValue, JsValue> {
    let opts = options(lang_name, (max_issues, max_body_bytes, max_depth))?;
    Ok(js_text(report_text(
        &amojo_kit::validate_request(method, path, body, &opts),
        false,
    )))
}

/// The endpoint a path addresses, the method it takes and the path parameters
/// (`{endpoint, method, params}`), or `null`.
#[wasm_bindgen(js_name = rawRoute)]
pub fn raw_route(path: &str) -> JsValue {
    let Some(r) = amojo_kit::find_route(path) else {
        return JsValue::NULL;
    };
    let params: Vec<_> = r
        .params
        .iter()
        .map(|(k, v)| (*k, Some(JsValue::from_str(v))))
        .collect();
    let params = object(&params);
    object(&[
        ("endpoint", Some(JsValue::from_str(r.endpoint.as_str()))),
        ("method", Some(JsValue::from_str(r.method()))),
        ("params", Some(params)),
    ])
}

/// Which hook a hook body is (`webhook_message`, `webhook_typing`, `webhook_reaction`,
/// `webhook_message_v1`), by its envelope; `null` when it is none of them or not JSON.
#[wasm_bindgen(js_name = rawClassifyWebhook)]
pub fn raw_classify_webhook(body: &[u8]) -> JsValue {
    amojo_kit::classify_webhook(body).map_or(JsValue::NULL, |e| js_text(e.as_str()))
}

/// Builds a request (`build_request`): the payload (JSON text, or none) serialized in
/// `style`, the method from the route when none is given, validated, signed. `{url, method,
/// body, headers: {Date, Content-Type, Content-MD5, X-Signature}, warnings}`, or `{invalid:
/// report}` when the API would refuse it; throws for a payload that is not JSON or what
/// cannot be signed.
#[wasm_bindgen(js_name = rawBuildRequest)]
#[allow(clippy::too_many_arguments)]
pub fn raw_build_request(
    secret: &[u8],
    method: Option<String>,
    path: &str,
    payload: Option<Vec<u8>>,
    style: &str,
    base_url: Option<String>,
    date_text: Option<String>,
    date_seconds: f64,
    lang_name: &str,
) -> Result<JsValue, JsValue> {
    let style: BodyStyle = style
        .parse()
        .map_err(|e: amojo_kit::ParseNameError| type_error("invalid_style", &e.to_string()))?;
    let date = match &date_text {
        Some(t) => DateInput::Text(t),
        None => DateInput::Unix(secs(date_seconds, "date")?),
    };
    let key = SigningKey::new(secret).map_err(|e| sign_error(&e))?;
    let opts = options(lang_name, (None, None, None))?;
    let req = amojo_kit::RequestToBuild {
        method: method.as_deref(),
        path,
        payload: payload.as_deref(),
        style,
        base_url: base_url.as_deref(),
        date,
    };
    match amojo_kit::build_request(&req, &key, &opts) {
        Ok(b) => {
            let headers = object(
                &b.signed
                    .headers()
                    .map(|(name, value)| (name, Some(js_text(value)))),
            );
            let warnings = Reflect::get(&report_js(&b.report)?, &"warnings".into())?;
            Ok(object(&[
                ("url", Some(js_text(&b.url))),
                ("method", Some(js_text(&b.method))),
                ("body", Some(js_text(&b.body))),
                ("headers", Some(headers)),
                ("warnings", Some(warnings)),
            ]))
        }
        Err(amojo_kit::BuildError::Invalid(report)) => {
            Ok(object(&[("invalid", Some(report_js(&report)?))]))
        }
        Err(amojo_kit::BuildError::Sign(e)) => Err(sign_error(&e)),
        Err(e) => Err(type_error("invalid_json", &e.to_string())),
    }
}

/// The protocol's constants and the names the core accepts, defined once in the core:
/// `{toleranceSeconds, contentType, baseUrl, millisecondsAbove, styles, langs,
/// maxBodyBytes}`.
#[wasm_bindgen(js_name = rawConstants)]
pub fn raw_constants() -> JsValue {
    let names = |list: &[&str]| -> JsValue {
        list.iter()
            .map(|s| JsValue::from_str(s))
            .collect::<Array>()
            .into()
    };
    object(&[
        (
            "toleranceSeconds",
            Some(JsValue::from(amojo_kit::DEFAULT_TOLERANCE_SECS as f64)),
        ),
        (
            "contentType",
            Some(js_text(amojo_kit::DEFAULT_CONTENT_TYPE)),
        ),
        ("baseUrl", Some(js_text(amojo_kit::DEFAULT_BASE_URL))),
        (
            "millisecondsAbove",
            Some(JsValue::from(amojo_kit::UNIX_MS_ABOVE as f64)),
        ),
        (
            "styles",
            Some(names(&BodyStyle::ALL.map(BodyStyle::as_str))),
        ),
        ("langs", Some(names(&Lang::ALL.map(Lang::as_str)))),
        (
            "maxBodyBytes",
            Some(JsValue::from(
                amojo_kit::ValidateOptions::default().max_body_bytes as f64,
            )),
        ),
    ])
}

/// Header lines as a raw request prints them → `[name, value, name, value, …]`; throws
/// `invalid_headers` with the `line` of the first bad one.
#[wasm_bindgen(js_name = rawParseHeaders)]
pub fn raw_parse_headers(text: &str) -> Result<JsValue, JsValue> {
    let h = Headers::parse(text).map_err(|e| {
        let err = type_error("invalid_headers", &e.to_string());
        let _ = Reflect::set(&err, &"line".into(), &(e.line as u32).into());
        err
    })?;
    Ok(h.iter()
        .flat_map(|(n, v)| [JsValue::from_str(n), JsValue::from_str(v)])
        .collect::<Array>()
        .into())
}

/// The curl command of a request (`curl_command`): `flat_headers` is `[name, value, …]`.
#[wasm_bindgen(js_name = rawCurl)]
pub fn raw_curl(
    method: &str,
    url: &str,
    flat_headers: &Array,
    body: &[u8],
) -> Result<JsValue, JsValue> {
    let h = headers(flat_headers)?;
    let pairs: Vec<(&str, &str)> = h.iter().collect();
    amojo_kit::curl_command(method, url, &pairs, amojo_kit::CurlBody::Bytes(body))
        .map(|c| js_text(String::from_utf8_lossy(&c)))
        .map_err(|e| type_error(e.code(), &e.to_string()))
}

/// The endpoint names.
#[wasm_bindgen(js_name = rawEndpoints)]
pub fn raw_endpoints() -> JsValue {
    Endpoint::ALL
        .iter()
        .map(|e| JsValue::from_str(e.as_str()))
        .collect::<Array>()
        .into()
}

/// The crate version.
#[wasm_bindgen(js_name = rawVersion)]
pub fn raw_version() -> JsValue {
    JsValue::from_str(env!("CARGO_PKG_VERSION"))
}
