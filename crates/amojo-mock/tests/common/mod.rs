//! What the tests share: an independent signer (the `hmac`, `sha1` and `md-5` crates, not
//! the core's signing code), an RFC 2822 date formatter, and a harness that signs and sends.
#![allow(dead_code)]

use amojo_mock::{Channel, Emulator, Handled, Options, Request};
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use serde_json::Value;
use sha1::Sha1;

pub const CHANNEL: &str = "344a5002-f8ca-454d-af3d-396180102ac7";
pub const SECRET: &[u8] = b"mock-test-secret-0123456789abcdef";
pub const ACCOUNT: &str = "52e591f7-c98f-4255-8495-827210138c81";
pub const BOT: &str = "f1910c7f-b1e0-4184-bd09-c7def2a9109a";
/// Tue, 14 Nov 2023 22:13:20 +0000.
pub const NOW_MS: i64 = 1_700_000_000_000;

pub fn scope() -> String {
    format!("{CHANNEL}_{ACCOUNT}")
}

pub fn channel() -> Channel {
    Channel {
        id: CHANNEL.to_owned(),
        secret: SECRET.to_vec(),
        hook_url: Some("http://127.0.0.1:9/hooks/:scope_id?x=1".to_owned()),
        bot_id: Some(BOT.to_owned()),
    }
}

pub fn emulator() -> Emulator {
    Emulator::new(vec![channel()], Options::default()).unwrap()
}

/// `Wed, 15 Dec 2021 23:12:55 +0000` for a unix time (days from civil, Howard Hinnant).
pub fn rfc2822(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m - 1) as usize];
    format!(
        "{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} +0000",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

pub fn hmac_hex(key: &[u8], msg: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

pub fn md5_hex(body: &[u8]) -> String {
    hex::encode(Md5::digest(body))
}

/// The four headers, signed over `METHOD\nMD5\nContent-Type\nDate\nPATH` (path without the
/// query string).
pub fn sign(
    secret: &[u8],
    method: &str,
    target: &str,
    body: &[u8],
    date: &str,
) -> Vec<(String, String)> {
    let path = match target.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/').unwrap_or(rest.len())..],
        None => target,
    };
    let path = path.split('?').next().unwrap_or(path);
    let md5 = md5_hex(body);
    let canonical = format!(
        "{}\n{md5}\napplication/json\n{date}\n{path}",
        method.to_uppercase()
    );
    vec![
        ("Date".to_owned(), date.to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Content-MD5".to_owned(), md5),
        (
            "X-Signature".to_owned(),
            hmac_hex(secret, canonical.as_bytes()),
        ),
    ]
}

/// Sends a request with these headers.
pub fn raw(
    em: &mut Emulator,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Handled {
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    em.handle(
        &Request {
            method,
            target,
            headers: &h,
            body,
        },
        now_ms,
    )
}

/// Signs with the channel secret, dated now, and sends.
pub fn call(em: &mut Emulator, method: &str, target: &str, body: &[u8]) -> Handled {
    let headers = sign(SECRET, method, target, body, &rfc2822(NOW_MS / 1000));
    raw(em, method, target, &headers, body, NOW_MS)
}

pub fn post(em: &mut Emulator, target: &str, body: &Value) -> Handled {
    call(em, "POST", target, body.to_string().as_bytes())
}

pub fn body(h: &Handled) -> Value {
    if h.response.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&h.response.body).expect("a JSON body")
    }
}

pub fn scope_path(rest: &str) -> String {
    format!("/v2/origin/custom/{}{rest}", scope())
}

pub fn connect(em: &mut Emulator, version: &str) -> Handled {
    post(
        em,
        &format!("/v2/origin/custom/{CHANNEL}/connect"),
        &serde_json::json!({"account_id": ACCOUNT, "title": "Tests", "hook_api_version": version}),
    )
}

pub fn incoming(msgid: &str, conversation: &str, text: &str) -> Value {
    serde_json::json!({
        "event_type": "new_message",
        "payload": {
            "timestamp": NOW_MS / 1000,
            "msec_timestamp": NOW_MS,
            "msgid": msgid,
            "conversation_id": conversation,
            "sender": {
                "id": format!("client-of-{conversation}"),
                "name": "Вася клиент",
                "profile": {"phone": "+79151112233", "email": "client@example.com"}
            },
            "message": {"type": "text", "text": text},
            "silent": false
        }
    })
}

pub fn send(em: &mut Emulator, msgid: &str, conversation: &str, text: &str) -> Handled {
    post(em, &scope_path(""), &incoming(msgid, conversation, text))
}

pub fn control(em: &mut Emulator, method: &str, path: &str, body: &Value) -> amojo_mock::Control {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    em.control(method, path, &bytes, NOW_MS)
        .expect("a /_mock/ path")
}
