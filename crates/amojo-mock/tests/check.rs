//! `Checker::check` (no state: any thread, outside the host's lock) then `Emulator::apply`
//! answers exactly as `Emulator::handle`: the same responses, log entries and state, in the
//! same order of checks; with channel ids that prefix one another, an empty account id, a
//! check made by another emulator's checker, a checker kept across a reset.

mod common;

use amojo_mock::{Channel, Checked, Checker, Emulator, Handled, Options, Request};
use common::*;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Sends through the checker and `apply` (`checked_ms`: the check's clock).
fn split(
    em: &mut Emulator,
    checker: &Checker,
    request: &Request<'_>,
    checked_ms: i64,
    now_ms: i64,
) -> Handled {
    let checked = checker.check(request, checked_ms);
    em.apply(checked, now_ms)
}

/// One request through `handle` of `a` and through the checker and `apply` of `b`: the same
/// answer and log entry.
fn both(
    a: &mut Emulator,
    b: &mut Emulator,
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
    let request = Request {
        method,
        target,
        headers: &h,
        body,
    };
    let one = a.handle(&request, now_ms);
    let checker = b.checker();
    let two = split(b, &checker, &request, now_ms, now_ms);
    assert_eq!(one.response, two.response, "{method} {target}");
    assert_eq!(
        serde_json::to_value(&one.log).unwrap(),
        serde_json::to_value(&two.log).unwrap(),
        "{method} {target}"
    );
    one
}

fn signed_both(
    a: &mut Emulator,
    b: &mut Emulator,
    secret: &[u8],
    method: &str,
    target: &str,
    body: &[u8],
) -> Handled {
    let headers = sign(secret, method, target, body, &rfc2822(NOW_MS / 1000));
    both(a, b, method, target, &headers, body, NOW_MS)
}

fn same_state(a: &Emulator, b: &Emulator) {
    assert_eq!(a.state_json(), b.state_json());
    let log = |e: &Emulator| {
        e.requests()
            .map(|l| serde_json::to_value(l).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(log(a), log(b));
}

#[test]
fn every_check_answers_as_handle_does() {
    let (mut a, mut b) = (emulator(), emulator());
    let connect_path = format!("/v2/origin/custom/{CHANNEL}/connect");
    let connect_body = json!({"account_id": ACCOUNT, "hook_api_version": "v2"}).to_string();
    let send = incoming("m-1", "conv-1", "hello").to_string();
    let date = rfc2822(NOW_MS / 1000);
    let mut statuses = Vec::new();
    let mut go = |a: &mut Emulator, b: &mut Emulator, method: &str, target: &str, body: &[u8]| {
        let h = signed_both(a, b, SECRET, method, target, body);
        statuses.push((h.response.status, h.log.reason.clone()));
    };
    // Before connecting: the scope is not found, whatever the body (valid or not).
    go(&mut a, &mut b, "POST", &scope_path(""), send.as_bytes());
    go(&mut a, &mut b, "POST", &scope_path(""), b"{\"x\":1}");
    go(&mut a, &mut b, "POST", "/v2/origin/nowhere", b"{}");
    go(&mut a, &mut b, "GET", &connect_path, b"");
    go(
        &mut a,
        &mut b,
        "POST",
        "/v2/origin/custom/nochannel/connect",
        b"{}",
    );
    go(
        &mut a,
        &mut b,
        "POST",
        "/v2/origin/custom/nochannel_acc",
        b"{}",
    );
    go(&mut a, &mut b, "POST", &connect_path, b"{\"account_id\":1}");
    go(
        &mut a,
        &mut b,
        "POST",
        &connect_path,
        connect_body.as_bytes(),
    );
    // Connected: invalid, valid, the same again, a state refusal, history (by the
    // integration's id: no chat, 204), an invalid query, typing without its `user`, a
    // delivery status.
    go(&mut a, &mut b, "POST", &scope_path(""), b"{\"x\":1}");
    go(&mut a, &mut b, "POST", &scope_path(""), send.as_bytes());
    go(&mut a, &mut b, "POST", &scope_path(""), send.as_bytes());
    let mut unknown_ref = incoming("m-2", "conv-1", "x");
    unknown_ref["payload"]["sender"] = json!({"ref_id": "nobody"});
    go(
        &mut a,
        &mut b,
        "POST",
        &scope_path(""),
        unknown_ref.to_string().as_bytes(),
    );
    let history = scope_path("/chats/conv-1/history?limit=5");
    go(&mut a, &mut b, "GET", &history, b"");
    go(
        &mut a,
        &mut b,
        "GET",
        &scope_path("/chats/conv-1/history?limit=x"),
        b"",
    );
    let typing = json!({"conversation_id": "conv-1", "user": {"id": "client-of-conv-1"}});
    go(
        &mut a,
        &mut b,
        "POST",
        &scope_path("/typing"),
        typing.to_string().as_bytes(),
    );
    let status = json!({"msgid": "m-1", "delivery_status": 1, "status_code": 1});
    go(
        &mut a,
        &mut b,
        "POST",
        &scope_path("/m-1/delivery_status"),
        status.to_string().as_bytes(),
    );
    // Too large, a bad signature, a stale date.
    let big = vec![b' '; Options::default().max_body_bytes + 1];
    go(&mut a, &mut b, "POST", &scope_path(""), &big);
    let headers = sign(
        b"another secret",
        "POST",
        &scope_path(""),
        send.as_bytes(),
        &date,
    );
    let h = both(
        &mut a,
        &mut b,
        "POST",
        &scope_path(""),
        &headers,
        send.as_bytes(),
        NOW_MS,
    );
    assert_eq!(h.response.status, 403);
    assert!(h.log.diagnosis.is_some());
    let stale = sign(
        SECRET,
        "POST",
        &scope_path(""),
        send.as_bytes(),
        &rfc2822(NOW_MS / 1000 - 3600),
    );
    let h = both(
        &mut a,
        &mut b,
        "POST",
        &scope_path(""),
        &stale,
        send.as_bytes(),
        NOW_MS,
    );
    assert_eq!(h.log.reason.as_deref(), Some("stale_date"));
    // Disconnected: the scope is not found again.
    let disconnect = format!("/v2/origin/custom/{CHANNEL}/disconnect");
    let body = json!({"account_id": ACCOUNT}).to_string();
    go(&mut a, &mut b, "DELETE", &disconnect, body.as_bytes());
    go(&mut a, &mut b, "DELETE", &disconnect, body.as_bytes());
    go(&mut a, &mut b, "POST", &scope_path(""), b"{\"x\":1}");
    same_state(&a, &b);
    let codes: Vec<u16> = statuses.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        codes,
        [
            404, 404, 404, 405, 404, 404, 400, 200, 400, 200, 200, 400, 204, 400, 400, 200, 413,
            200, 200, 404
        ],
        "{statuses:?}"
    );
    assert_eq!(statuses[1].1.as_deref(), Some("scope_not_found"));
    assert_eq!(statuses[8].1.as_deref(), Some("invalid_request"));
}

/// Channels `a` and `a_b`: the scope `a_b_c` of account `b_c` connected to `a` is signed
/// with `a`'s secret, though `a_b` is the longer prefix (the check guesses `a_b`; the state
/// says `a`).
#[test]
fn channel_ids_that_prefix_one_another() {
    let channels = || {
        vec![
            Channel {
                id: "a".to_owned(),
                secret: b"secret-of-a".to_vec(),
                hook_url: None,
                bot_id: None,
            },
            Channel {
                id: "a_b".to_owned(),
                secret: b"secret-of-a_b".to_vec(),
                hook_url: None,
                bot_id: None,
            },
        ]
    };
    let mut a = Emulator::new(channels(), Options::default()).unwrap();
    let mut b = Emulator::new(channels(), Options::default()).unwrap();
    let body = json!({"account_id": "b_c", "hook_api_version": "v2"}).to_string();
    let h = signed_both(
        &mut a,
        &mut b,
        b"secret-of-a",
        "POST",
        "/v2/origin/custom/a/connect",
        body.as_bytes(),
    );
    assert_eq!(h.response.status, 200);
    let msg = incoming("m-1", "conv-1", "hi").to_string();
    let path = "/v2/origin/custom/a_b_c";
    let h = signed_both(&mut a, &mut b, b"secret-of-a", "POST", path, msg.as_bytes());
    assert_eq!(h.response.status, 200, "{:?}", h.log);
    let h = signed_both(
        &mut a,
        &mut b,
        b"secret-of-a_b",
        "POST",
        path,
        msg.as_bytes(),
    );
    assert_eq!(h.response.status, 403);
    assert_eq!(h.log.reason.as_deref(), Some("signature_mismatch"));
    // A scope of `a_b` not in the state: `a_b`'s secret, not connected.
    let h = signed_both(
        &mut a,
        &mut b,
        b"secret-of-a_b",
        "POST",
        "/v2/origin/custom/a_b_d",
        msg.as_bytes(),
    );
    assert_eq!(
        (h.response.status, h.log.reason.as_deref()),
        (404, Some("scope_not_found"))
    );
    let h = signed_both(
        &mut a,
        &mut b,
        b"secret-of-a",
        "POST",
        "/v2/origin/custom/a_b_d",
        msg.as_bytes(),
    );
    assert_eq!(h.response.status, 403);
    same_state(&a, &b);
}

/// An empty account id makes the scope `{channel_id}_`, which names no channel by itself:
/// only the state knows it.
#[test]
fn an_empty_account_id() {
    let (mut a, mut b) = (emulator(), emulator());
    let connect_path = format!("/v2/origin/custom/{CHANNEL}/connect");
    let body = json!({"account_id": "", "hook_api_version": "v2"}).to_string();
    let h = signed_both(
        &mut a,
        &mut b,
        SECRET,
        "POST",
        &connect_path,
        body.as_bytes(),
    );
    let path = format!("/v2/origin/custom/{CHANNEL}_");
    let msg = incoming("m-1", "conv-1", "hi").to_string();
    let sent = signed_both(&mut a, &mut b, SECRET, "POST", &path, msg.as_bytes());
    if h.response.status == 200 {
        assert_eq!(sent.response.status, 200, "{:?}", sent.log);
    } else {
        assert_eq!(sent.response.status, 404);
    }
    let bad = signed_both(&mut a, &mut b, b"other", "POST", &path, msg.as_bytes());
    assert_ne!(bad.response.status, 200);
    same_state(&a, &b);
}

/// A request checked by another emulator's checker (another secret for the same channel id)
/// is checked again by the emulator that applies it.
#[test]
fn a_check_from_another_emulator_is_checked_again() {
    let mut mine = emulator();
    let other_channel = Channel {
        secret: b"someone else's secret".to_vec(),
        ..channel()
    };
    let other = Emulator::new(vec![other_channel], Options::default()).unwrap();
    let connect_path = format!("/v2/origin/custom/{CHANNEL}/connect");
    let body = json!({"account_id": ACCOUNT, "hook_api_version": "v2"}).to_string();
    let headers = sign(
        SECRET,
        "POST",
        &connect_path,
        body.as_bytes(),
        &rfc2822(NOW_MS / 1000),
    );
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: "POST",
        target: &connect_path,
        headers: &h,
        body: body.as_bytes(),
    };
    // The other checker refuses it (another secret); this emulator accepts it.
    let checked = other.checker().check(&request, NOW_MS);
    assert_eq!(mine.apply(checked, NOW_MS).response.status, 200);
    let mut other = other;
    let checked = mine.checker().check(&request, NOW_MS);
    assert_eq!(other.apply(checked, NOW_MS).response.status, 403);
}

/// A checker outlives resets; a loaded emulator has its own (its checks are checked again
/// by another).
#[test]
fn a_checker_across_reset_and_load() {
    let mut em = emulator();
    let checker = em.checker();
    connect(&mut em, "v2");
    send(&mut em, "m-1", "conv-1", "one");
    em.reset();
    let connect_path = format!("/v2/origin/custom/{CHANNEL}/connect");
    let body = json!({"account_id": ACCOUNT, "hook_api_version": "v2"}).to_string();
    let headers = sign(
        SECRET,
        "POST",
        &connect_path,
        body.as_bytes(),
        &rfc2822(NOW_MS / 1000),
    );
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: "POST",
        target: &connect_path,
        headers: &h,
        body: body.as_bytes(),
    };
    assert_eq!(
        split(&mut em, &checker, &request, NOW_MS, NOW_MS)
            .response
            .status,
        200
    );
    let saved = em.save();
    let mut loaded = Emulator::load(vec![channel()], Options::default(), &saved).unwrap();
    let h = split(&mut loaded, &checker, &request, NOW_MS, NOW_MS);
    assert_eq!(h.response.status, 200);
    assert_eq!(loaded.channels().len(), 1);
}

/// The Date window is the check's clock; the state change and the log entry are
/// `apply`'s.
#[test]
fn the_check_clock_and_the_apply_clock() {
    let mut em = emulator();
    connect(&mut em, "v2");
    let checker = em.checker();
    let body = incoming("m-1", "conv-1", "hi").to_string();
    let target = scope_path("");
    let headers = sign(
        SECRET,
        "POST",
        &target,
        body.as_bytes(),
        &rfc2822(NOW_MS / 1000),
    );
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: "POST",
        target: &target,
        headers: &h,
        body: body.as_bytes(),
    };
    let later = NOW_MS + 3_600_000;
    let out = split(&mut em, &checker, &request, NOW_MS, later);
    assert_eq!(out.response.status, 200);
    assert_eq!(out.log.time_ms, later);
    // Checked an hour late, the Date is stale.
    let out = split(&mut em, &checker, &request, later, later);
    assert_eq!(out.log.reason.as_deref(), Some("stale_date"));
}

#[test]
fn checker_and_checked_go_between_threads() {
    fn send_sync_clone<T: Send + Sync + Clone>() {}
    fn send<T: Send>() {}
    send_sync_clone::<Checker>();
    send::<Checked<'static>>();
    // Checks on other threads, applied here in their order.
    let mut em = emulator();
    connect(&mut em, "v2");
    let checker = em.checker();
    let target = scope_path("");
    let requests: Vec<(String, Vec<(String, String)>)> = (0..8)
        .map(|i| {
            let body = incoming(&format!("m-{i}"), "conv-1", "hi").to_string();
            let headers = sign(
                SECRET,
                "POST",
                &target,
                body.as_bytes(),
                &rfc2822(NOW_MS / 1000),
            );
            (body, headers)
        })
        .collect();
    let header_refs: Vec<Vec<(&str, &str)>> = requests
        .iter()
        .map(|(_, headers)| {
            headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect()
        })
        .collect();
    let checked: Vec<Checked<'_>> = std::thread::scope(|s| {
        let handles: Vec<_> = requests
            .iter()
            .zip(&header_refs)
            .map(|((body, _), h)| {
                let checker = checker.clone();
                let target = target.as_str();
                s.spawn(move || {
                    let request = Request {
                        method: "POST",
                        target,
                        headers: h,
                        body: body.as_bytes(),
                    };
                    checker.check(&request, NOW_MS)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, c) in checked.into_iter().enumerate() {
        let out = em.apply(c, NOW_MS);
        assert_eq!(out.response.status, 200);
        let msgid = body(&out)["new_message"]["ref_id"].clone();
        assert_eq!(msgid, json!(format!("m-{i}")));
    }
    assert_eq!(em.requests().len(), 9);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Signed requests of many shapes, through both paths, one after another: the same
    /// answers, log and state.
    #[test]
    fn random_sequences_answer_alike(
        steps in prop::collection::vec((
            0usize..9,
            prop::sample::select(vec!["m-1", "m-2", "m-3"]),
            prop::sample::select(vec!["conv-1", "conv-2"]),
            any::<bool>(),
        ), 1..12)
    ) {
        let (mut a, mut b) = (emulator(), emulator());
        for (kind, msgid, conv, flag) in steps {
            let connect_path = format!("/v2/origin/custom/{CHANNEL}/connect");
            let (method, target, body): (&str, String, Value) = match kind {
                0 => ("POST", connect_path, json!({"account_id": ACCOUNT, "hook_api_version": "v2"})),
                1 => ("DELETE", format!("/v2/origin/custom/{CHANNEL}/disconnect"), json!({"account_id": ACCOUNT})),
                2 => ("POST", scope_path(""), incoming(msgid, conv, "text")),
                3 => ("POST", scope_path(""), json!({"event_type": "edit_message", "payload": {"msgid": msgid, "message": {"type": "text", "text": "edited"}}})),
                4 => ("GET", scope_path(&format!("/chats/{conv}/history")), Value::Null),
                5 => ("POST", scope_path(&format!("/{msgid}/delivery_status")), json!({"msgid": msgid, "delivery_status": 1, "status_code": 1})),
                6 => ("POST", scope_path("/react"), json!({"conversation_id": conv, "msgid": msgid, "user": {"id": "client-of-conv-1"}, "type": "react", "emoji": "👍"})),
                7 => ("POST", scope_path("/chats"), json!({"conversation_id": conv, "user": {"id": "u-1", "name": "U"}})),
                _ => ("POST", scope_path(""), json!({"event_type": "new_message", "payload": {"msgid": msgid}})),
            };
            let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
            let secret: &[u8] = if flag || kind == 0 { SECRET } else { b"wrong" };
            let secret = if kind % 3 == 0 || flag { SECRET } else { secret };
            signed_both(&mut a, &mut b, secret, method, &target, &bytes);
        }
        same_state(&a, &b);
    }
}

/// The answer of a new message, byte for byte: keys in the docs' order, compact, null for
/// an incoming message's receiver.
#[test]
fn the_send_answer_bytes() {
    let mut em = emulator();
    connect(&mut em, "v2");
    let h = send(&mut em, "m-1", "conv-1", "hi");
    let text = String::from_utf8(h.response.body.clone()).unwrap();
    let reparsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&reparsed).unwrap(), text);
    let msgid = reparsed["new_message"]["msgid"].as_str().unwrap();
    assert_eq!(
        text,
        format!(
            r#"{{"new_message":{{"conversation_id":"conv-1","sender_id":"client-of-conv-1","receiver_id":null,"msgid":"{msgid}","ref_id":"m-1"}}}}"#
        )
    );
    assert_eq!(h.response.content_type, Some("application/json"));
}
