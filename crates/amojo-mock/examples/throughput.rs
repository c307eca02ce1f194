//! The emulator alone, without HTTP: the time of one signed `send_message` through
//! `Emulator::handle`, and split into its two halves (`Checker::check`, which a host runs
//! outside its lock, and `Emulator::apply`, under it); the memory of 100k stored messages,
//! and the time to save and load them.
//! `cargo run --release -p amojo-mock --example throughput [COUNT]`.

use std::time::{Duration, Instant};

use amojo_kit::{DateInput, RequestToSign, SignedRequest, sign_request};
use amojo_mock::{Channel, Emulator, Options, Request};

const NOW_MS: i64 = 1_700_000_000_000;
const SECRET: &[u8] = b"throughput-secret";

/// Resident memory in KiB (Linux; None elsewhere).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn signed(method: &str, path: &str, body: &[u8]) -> SignedRequest {
    let req = RequestToSign {
        method,
        path,
        body,
        content_type: None,
        date: DateInput::Unix(NOW_MS / 1000),
    };
    sign_request(&req, SECRET).expect("a valid request")
}

fn headers(s: &SignedRequest) -> [(&str, &str); 4] {
    [
        ("Date", s.date.as_str()),
        ("Content-Type", s.content_type.as_str()),
        ("Content-MD5", s.content_md5.as_str()),
        ("X-Signature", s.signature.as_str()),
    ]
}

fn handle(em: &mut Emulator, method: &str, path: &str, body: &[u8], s: &SignedRequest) -> u16 {
    let headers = headers(s);
    let request = Request {
        method,
        target: path,
        headers: &headers,
        body,
    };
    em.handle(&request, NOW_MS).response.status
}

/// Signed `send_message` requests `from..to` (each a new message: `msgid` `msg-{i}`).
fn send_requests(path: &str, from: u32, to: u32) -> Vec<(Vec<u8>, SignedRequest)> {
    (from..to)
        .map(|i| {
            let body = format!(
                r#"{{"event_type":"new_message","payload":{{"timestamp":{},"msec_timestamp":{NOW_MS},"msgid":"msg-{i}","conversation_id":"conv-{}","sender":{{"id":"client-{}","name":"Client"}},"message":{{"type":"text","text":"a message of some length, as clients write them"}}}}}}"#,
                NOW_MS / 1000,
                i % 1000,
                i % 1000
            )
            .into_bytes();
            let s = signed("POST", path, &body);
            (body, s)
        })
        .collect()
}

fn main() {
    let count: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let channel = Channel {
        id: "channel".to_owned(),
        secret: SECRET.to_vec(),
        hook_url: None,
        bot_id: None,
    };
    let mut em = Emulator::new(vec![channel.clone()], Options::default()).expect("a channel");
    let connect = br#"{"account_id":"account","hook_api_version":"v2"}"#;
    let path = "/v2/origin/custom/channel/connect";
    assert_eq!(
        handle(
            &mut em,
            "POST",
            path,
            connect,
            &signed("POST", path, connect)
        ),
        200
    );

    // Signed ahead, so that only the emulator is timed.
    let path = "/v2/origin/custom/channel_account";
    let requests = send_requests(path, 0, count);
    let before = rss_kib();
    let t = Instant::now();
    for (body, s) in &requests {
        assert_eq!(handle(&mut em, "POST", path, body, s), 200);
    }
    let elapsed = t.elapsed();
    let after = rss_kib();
    drop(requests);
    println!(
        "send_message: {:.1} µs per request ({count} requests, one thread)",
        elapsed.as_secs_f64() * 1e6 / f64::from(count)
    );

    // The same, in the host's two halves: the checks without the state, then the state.
    let split = count.min(20_000);
    let more = send_requests(path, count, count + split);
    let checker = em.checker();
    let (mut check, mut apply) = (Duration::ZERO, Duration::ZERO);
    for (body, s) in &more {
        let headers = headers(s);
        let request = Request {
            method: "POST",
            target: path,
            headers: &headers,
            body,
        };
        let t = Instant::now();
        let checked = checker.check(&request, NOW_MS);
        let t2 = Instant::now();
        let status = em.apply(checked, NOW_MS).response.status;
        apply += t2.elapsed();
        check += t2 - t;
        assert_eq!(status, 200);
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(split);
    println!(
        "  of which Checker::check {:.1} µs (no state: any thread, outside the host's lock), Emulator::apply {:.1} µs (under it)",
        per(check),
        per(apply)
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "memory: +{} MiB for {count} messages ({} bytes each, the log of {} requests included)",
            a.saturating_sub(b) / 1024,
            a.saturating_sub(b) * 1024 / u64::from(count.max(1)),
            Options::default().max_log
        );
    }
    let t = Instant::now();
    let saved = em.save();
    let save = t.elapsed();
    let t = Instant::now();
    let loaded = Emulator::load(vec![channel], Options::default(), &saved).expect("its own state");
    println!(
        "state: {} MB, saved in {save:?}, loaded in {:?}",
        saved.len() / 1_000_000,
        t.elapsed()
    );
    drop(loaded);
}
