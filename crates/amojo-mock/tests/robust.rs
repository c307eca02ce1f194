//! No input makes the emulator panic: garbage requests, signed bodies built from the docs'
//! field names (so they get past the signature into validation and the state), control
//! bodies of every shape, deep JSON, extreme clocks and limits. And 100k stored messages.

mod common;

use amojo_mock::{Emulator, Options, Request};
use common::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn targets() -> Vec<String> {
    vec![
        format!("/v2/origin/custom/{CHANNEL}/connect"),
        format!("/v2/origin/custom/{CHANNEL}/disconnect"),
        scope_path(""),
        scope_path("/chats"),
        scope_path("/typing"),
        scope_path("/react"),
        scope_path("/m-1/delivery_status"),
        scope_path("/chats/conv-1/history?limit=5&offset=1"),
        "/v2/origin/custom/x_y/chats".to_owned(),
        "/".to_owned(),
        "".to_owned(),
        "//v2//origin".to_owned(),
        "http://h".to_owned(),
        "/v2/origin/custom/%ff%00/connect".to_owned(),
    ]
}

/// A JSON value whose keys are the docs' field names (and a few others), nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let names: Vec<&'static str> = amojo_kit::field_names()
        .into_iter()
        .chain(["conv-1", "m-1", "client-1", "x"])
        .collect();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-2i64..3).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            "text",
            "new_message",
            "edit_message",
            "react",
            "unreact",
            "v2",
            "conv-1",
            "m-1",
            "client-1",
            "",
            "picture",
            "location",
            "00000000-0000-4000-8000-000000000000",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        let names = names.clone();
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(names), inner), 0..6).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A busy emulator: a scope, chats, messages of both sides.
fn busy() -> Emulator {
    let mut em = emulator();
    connect(&mut em, "v2");
    let mut m = incoming("m-1", "conv-1", "hello");
    m["payload"]["sender"] = json!({"id": "client-1", "name": "C"});
    post(&mut em, &scope_path(""), &m);
    control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "r"}),
    );
    control(
        &mut em,
        "POST",
        "/_mock/write-first",
        &json!({"scope_id": scope(), "user": {"phone": "1"}, "text": "w"}),
    );
    em
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn garbage_requests_do_not_panic(
        method in prop::sample::select(vec!["POST", "GET", "DELETE", "post", "", "PO ST", "Ж"]),
        target in prop::sample::select(targets()),
        suffix in ".{0,8}",
        headers in prop::collection::vec((".{0,12}", ".{0,40}"), 0..6),
        body in prop::collection::vec(any::<u8>(), 0..200),
        now in prop_oneof![Just(NOW_MS), any::<i64>()],
    ) {
        let mut em = busy();
        let target = format!("{target}{suffix}");
        let h: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let out = em.handle(&Request { method, target: &target, headers: &h, body: &body }, now);
        prop_assert!(out.response.status >= 200);
        prop_assert_eq!(out.response.content_type.is_some(), !out.response.body.is_empty());
    }

    #[test]
    fn signed_bodies_of_every_shape_do_not_panic(
        target in prop::sample::select(targets()),
        value in json_value(),
        wrap in any::<bool>(),
    ) {
        let mut em = busy();
        // Often a send_message envelope, so the payload rules and the state run.
        let value = if wrap {
            json!({"event_type": "new_message", "payload": value})
        } else {
            value
        };
        let method = if target.contains("/history") { "GET" } else if target.ends_with("disconnect") { "DELETE" } else { "POST" };
        let body = if method == "GET" { Vec::new() } else { value.to_string().into_bytes() };
        let out = call(&mut em, method, &target, &body);
        if !out.response.body.is_empty() {
            let _: Value = serde_json::from_slice(&out.response.body).expect("JSON answers");
        }
        // The state stays loadable.
        let saved = em.save();
        prop_assert!(Emulator::load(vec![channel()], Options::default(), &saved).is_ok());
    }

    /// Documented bodies with one value replaced: most get past validation, so the
    /// handlers and the state see odd but accepted values.
    #[test]
    fn documented_bodies_with_one_value_changed(
        which in 0usize..6,
        pointer in prop::sample::select(vec![
            "/payload/msgid", "/payload/conversation_id", "/payload/conversation_ref_id",
            "/payload/sender", "/payload/sender/id", "/payload/sender/ref_id", "/payload/receiver",
            "/payload/message", "/payload/message/type", "/payload/timestamp",
            "/payload/msec_timestamp", "/payload/id", "/event_type", "/conversation_id",
            "/user", "/user/ref_id", "/msgid", "/id", "/type", "/status_code", "/duration_ms",
            "/conversation_ref_id", "/error_code",
        ]),
        value in json_value(),
    ) {
        let mut em = busy();
        let chat = em.state_json()["chats"][0]["id"].clone();
        let bodies = [
            (scope_path(""), incoming("m-9", "conv-1", "x")),
            (scope_path(""), json!({"event_type": "edit_message", "payload": {"msgid": "m-1", "message": {"type": "text", "text": "e"}}})),
            (scope_path("/chats"), json!({"conversation_id": "conv-1", "user": {"id": "client-1", "name": "n"}})),
            (scope_path("/react"), json!({"conversation_ref_id": chat, "msgid": "m-1", "user": {"id": "client-1"}, "type": "react", "emoji": "x"})),
            (scope_path("/m-1/delivery_status"), json!({"msgid": "m-1", "status_code": 1})),
            (scope_path("/typing"), json!({"conversation_id": "conv-1", "sender": {"id": "client-1"}, "duration_ms": 10})),
        ];
        let (target, mut body) = bodies[which].clone();
        if let Some(slot) = body.pointer_mut(pointer) {
            *slot = value;
        }
        let out = post(&mut em, &target, &body);
        prop_assert!(matches!(out.response.status, 200 | 204 | 400 | 404), "{}", out.response.status);
        let saved = em.save();
        prop_assert!(Emulator::load(vec![channel()], Options::default(), &saved).is_ok());
    }

    #[test]
    fn control_bodies_of_every_shape_do_not_panic(
        path in prop::sample::select(vec!["/_mock/reply", "/_mock/typing", "/_mock/react", "/_mock/write-first", "/_mock/state", "/_mock/requests", "/_mock/reset", "/_mock/x", "/_mock/"]),
        value in json_value(),
        with_scope in any::<bool>(),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        use_bytes in any::<bool>(),
    ) {
        let mut em = busy();
        let mut value = value;
        if with_scope && let Some(o) = value.as_object_mut() {
            o.insert("scope_id".into(), scope().into());
        }
        let body = if use_bytes { bytes } else { value.to_string().into_bytes() };
        let c = em.control("POST", path, &body, NOW_MS).expect("a /_mock/ path");
        prop_assert!(c.body.is_object());
        if let Some(hook) = &c.hook {
            prop_assert_eq!(&hook.signature, &hmac_hex(SECRET, &hook.body));
            let r = amojo_kit::validate(
                hook.endpoint.parse().expect("an endpoint name"),
                &hook.body,
                &amojo_kit::ValidateOptions::default(),
            );
            prop_assert!(r.valid, "{}", r.to_json());
        }
        let saved = em.save();
        prop_assert!(Emulator::load(vec![channel()], Options::default(), &saved).is_ok());
    }
}

#[test]
fn deep_json_and_extreme_options() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_obj = format!("{}{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    for opts in [
        Options::default(),
        Options {
            tolerance_secs: u64::MAX,
            diagnose: true,
            max_log: usize::MAX,
            max_body_bytes: usize::MAX,
        },
        Options {
            tolerance_secs: 0,
            diagnose: false,
            max_log: 0,
            max_body_bytes: 0,
        },
    ] {
        let mut em = Emulator::new(vec![channel()], opts).unwrap();
        connect(&mut em, "v2");
        for body in [deep.as_bytes(), deep_obj.as_bytes()] {
            for target in targets() {
                let h = call(&mut em, "POST", &target, body);
                assert!(
                    matches!(h.response.status, 400 | 403 | 404 | 405 | 413),
                    "{target}: {}",
                    h.response.status
                );
            }
            for path in [
                "/_mock/reply",
                "/_mock/react",
                "/_mock/typing",
                "/_mock/write-first",
            ] {
                let c = em.control("POST", path, body, NOW_MS).unwrap();
                assert!(matches!(c.status, 400 | 413), "{path}: {}", c.body);
            }
        }
        for now in [i64::MIN, i64::MAX, 0, -1] {
            let h = send(&mut em, "x", "c", "y");
            assert!(h.response.status >= 200);
            let c = em
                .control(
                    "POST",
                    "/_mock/typing",
                    json!({"scope_id": scope(), "conversation_id": "c"})
                        .to_string()
                        .as_bytes(),
                    now,
                )
                .unwrap();
            assert!(c.status >= 200);
        }
    }
}

/// 100k messages: each a map access (no scan), history pages at once, and the state saves
/// and loads. Debug builds take a while: `cargo test --release -- --ignored` runs it.
#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn a_hundred_thousand_messages() {
    let mut em = emulator();
    connect(&mut em, "v2");
    let chat = body(&post(
        &mut em,
        &scope_path("/chats"),
        &json!({"conversation_id": "big", "user": {"id": "u", "name": "n"}}),
    ));
    let t = std::time::Instant::now();
    for i in 0..100_000 {
        let h = send(
            &mut em,
            &format!("big-{i}"),
            if i % 2 == 0 { "big" } else { "other" },
            "a message of some length, as clients write them",
        );
        assert_eq!(h.response.status, 200);
    }
    let sending = t.elapsed();
    let t = std::time::Instant::now();
    let chat_id = chat["id"].as_str().unwrap();
    let h = call(
        &mut em,
        "GET",
        &scope_path(&format!("/chats/{chat_id}/history?offset=100&limit=50")),
        b"",
    );
    assert_eq!(body(&h)["messages"].as_array().unwrap().len(), 50);
    let history = t.elapsed();
    let t = std::time::Instant::now();
    let saved = em.save();
    let loaded = Emulator::load(vec![channel()], Options::default(), &saved).unwrap();
    let round_trip = t.elapsed();
    assert_eq!(
        loaded.state_json()["messages"].as_array().unwrap().len(),
        100_000
    );
    eprintln!(
        "100k messages: sent in {sending:?}, a history page in {history:?}, saved ({} MB) and loaded in {round_trip:?}",
        saved.len() / 1_000_000
    );
}
