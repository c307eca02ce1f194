//! save() and load(): the whole state round-trips, ids and log sequence numbers continue,
//! and a state that is not this emulator's (or of other channels) is refused.

mod common;

use amojo_mock::{Channel, ConfigError, Emulator, Options};
use common::*;
use serde_json::{Value, json};

fn busy() -> Emulator {
    let mut em = emulator();
    connect(&mut em, "v2");
    post(
        &mut em,
        &scope_path("/chats"),
        &json!({"conversation_id": "conv-1", "source": {"external_id": "s"},
                "user": {"id": "client-1", "name": "C", "avatar": "https://a/b.png", "profile": {"phone": "1", "email": "e@x"}, "profile_link": "https://p"}}),
    );
    let mut m = incoming("m-1", "conv-1", "hello");
    m["payload"]["sender"] = json!({"id": "client-1", "name": "C"});
    m["payload"]["message"] = json!({"type": "location", "location": {"lon": 37.6, "lat": 55.7}});
    post(&mut em, &scope_path(""), &m);
    send(&mut em, "m-2", "conv-2", "second chat");
    post(
        &mut em,
        &scope_path("/m-1/delivery_status"),
        &json!({"status_code": -1, "error_code": 905, "error": "e"}),
    );
    post(
        &mut em,
        &scope_path("/react"),
        &json!({"conversation_id": "conv-1", "msgid": "m-1", "user": {"id": "client-1"}, "type": "react", "emoji": "👍"}),
    );
    post(
        &mut em,
        &scope_path("/typing"),
        &json!({"conversation_id": "conv-1", "sender": {"id": "client-1"}, "duration_ms": 1000}),
    );
    control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "r", "sender": {"id": "mgr-9", "name": "M"}}),
    );
    control(
        &mut em,
        "POST",
        "/_mock/write-first",
        &json!({"scope_id": scope(), "user": {"name": "W", "phone": "2"}, "text": "w"}),
    );
    post(
        &mut em,
        &scope_path(""),
        &json!({"event_type": "edit_message", "payload": {"msgid": "m-2", "conversation_id": "conv-2", "message": {"type": "text", "text": "edited"}}}),
    );
    // A second account, then disconnected.
    post(
        &mut em,
        &format!("/v2/origin/custom/{CHANNEL}/connect"),
        &json!({"account_id": "acc-2", "hook_api_version": "v2", "is_time_window_disabled": true}),
    );
    call(
        &mut em,
        "DELETE",
        &format!("/v2/origin/custom/{CHANNEL}/disconnect"),
        br#"{"account_id":"acc-2"}"#,
    );
    em
}

#[test]
fn save_and_load_round_trip() {
    let em = busy();
    let saved = em.save();
    let text = String::from_utf8(saved.clone()).unwrap();
    assert!(!text.contains("mock-test-secret"));
    let mut loaded = Emulator::load(vec![channel()], Options::default(), &saved).unwrap();
    assert_eq!(loaded.save(), saved);
    assert_eq!(loaded.state_json(), em.state_json());
    let v: Value = serde_json::from_slice(&saved).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["scopes"].as_array().unwrap().len(), 2);
    assert_eq!(v["scopes"][1]["connected"], false);

    // It carries on: the same chats, the stored messages answer, new ids are new, the log
    // numbers continue.
    let h = send(&mut loaded, "m-1", "conv-1", "again");
    assert_eq!(body(&h)["new_message"]["msgid"], v["messages"][0]["id"]);
    let h = send(&mut loaded, "m-3", "conv-1", "new");
    assert_eq!(h.response.status, 200);
    let id = body(&h)["new_message"]["msgid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!text.contains(&id));
    assert!(h.log.seq > v["log_seq"].as_u64().unwrap());
    let chat_id = v["chats"][0]["id"].as_str().unwrap();
    let hist = body(&call(
        &mut loaded,
        "GET",
        &scope_path(&format!("/chats/{chat_id}/history")),
        b"",
    ));
    let texts: Vec<&str> = hist["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["new", "r", ""]);
    assert_eq!(
        hist["messages"][2]["message"]["location"],
        json!({"lon": 37.6, "lat": 55.7})
    );
    // The write-first chat links after the load too.
    let wf = v["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c.get("conversation_id").is_none())
        .unwrap();
    let mut m = incoming("wf-1", "conv-wf", "hi");
    m["payload"]["conversation_ref_id"] = wf["id"].clone();
    assert_eq!(post(&mut loaded, &scope_path(""), &m).response.status, 200);
    // Replies still make hooks (the scope's manager and bot came back).
    let c = control(
        &mut loaded,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-wf", "text": "x"}),
    );
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!(
        c.body["hook"]["body"]["message"]["sender"]["id"],
        v["scopes"][0]["manager_id"]
    );
    // The disconnected scope stays disconnected.
    let h = post(
        &mut loaded,
        &format!("/v2/origin/custom/{CHANNEL}_acc-2/typing"),
        &json!({"conversation_id": "c", "sender": {"id": "s"}}),
    );
    assert_eq!(h.response.status, 404);
}

#[test]
fn load_refuses_what_is_not_this_emulators_state() {
    let saved = busy().save();
    let v: Value = serde_json::from_slice(&saved).unwrap();
    let load =
        |bytes: &[u8], channels: Vec<Channel>| Emulator::load(channels, Options::default(), bytes);
    let bad = |r: Result<Emulator, ConfigError>| match r {
        Err(ConfigError::BadState(why)) => why,
        other => panic!("{other:?}"),
    };
    // Another channel configured.
    let mut other = channel();
    other.id = "another".to_owned();
    let why = bad(load(&saved, vec![other.clone()]));
    assert!(why.contains(CHANNEL), "{why}");
    // More channels configured than saved: fine.
    assert!(load(&saved, vec![other, channel()]).is_ok());
    // Not JSON, another format or version, missing or dangling references.
    bad(load(b"{ torn", vec![channel()]));
    bad(load(b"", vec![channel()]));
    bad(load(b"[]", vec![channel()]));
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut w = v.clone();
        f(&mut w);
        serde_json::to_vec(&w).unwrap()
    };
    for (name, bytes) in [
        ("version", edit(&|w| w["version"] = json!(2))),
        ("format", edit(&|w| w["format"] = json!("x"))),
        (
            "no messages",
            edit(&|w| {
                w.as_object_mut().unwrap().remove("messages");
            }),
        ),
        (
            "message chat",
            edit(&|w| w["messages"][0]["chat_id"] = json!("00000000-0000-4000-8000-000000000000")),
        ),
        (
            "message sender",
            edit(&|w| w["messages"][0]["sender"] = json!("nobody")),
        ),
        (
            "message type",
            edit(&|w| w["messages"][0]["type"] = json!("hologram")),
        ),
        ("message id", edit(&|w| w["messages"][0]["id"] = json!("m"))),
        (
            "twice",
            edit(&|w| {
                let m = w["messages"][0].clone();
                w["messages"].as_array_mut().unwrap().push(m);
            }),
        ),
        (
            "chat client",
            edit(&|w| w["chats"][0]["client"] = json!("nobody")),
        ),
        (
            "user scope",
            edit(&|w| w["users"][0]["scope_id"] = json!("nope")),
        ),
        (
            "scope id",
            edit(&|w| w["scopes"][0]["scope_id"] = json!("x_y")),
        ),
        (
            "manager",
            edit(&|w| w["scopes"][0]["manager_id"] = json!("nobody")),
        ),
    ] {
        let why = bad(load(&bytes, vec![channel()]));
        assert!(!why.is_empty(), "{name}");
    }
    // The configuration is checked as by new().
    assert_eq!(load(&saved, vec![]).unwrap_err(), ConfigError::NoChannel);
}

#[test]
fn configuration_errors() {
    let new = |c: Vec<Channel>| {
        Emulator::new(c, Options::default())
            .map(|_| ())
            .unwrap_err()
    };
    assert_eq!(new(vec![]), ConfigError::NoChannel);
    let mut c = channel();
    c.id.clear();
    assert_eq!(new(vec![c]), ConfigError::EmptyChannelId);
    let mut c = channel();
    c.secret.clear();
    assert_eq!(new(vec![c]), ConfigError::EmptySecret(CHANNEL.to_owned()));
    assert_eq!(
        new(vec![channel(), channel()]),
        ConfigError::DuplicateChannel(CHANNEL.to_owned())
    );
    assert!(!format!("{:?}", channel()).contains("mock-test-secret"));
}

#[test]
fn a_channel_without_a_bot_id_gets_a_derived_one() {
    let mut c = channel();
    c.bot_id = None;
    let mut em = Emulator::new(vec![c], Options::default()).unwrap();
    connect(&mut em, "v2");
    let state = em.state_json();
    let bot = state["channels"][0]["bot_id"].as_str().unwrap().to_owned();
    assert_eq!(bot.len(), 36);
    assert_eq!(state["scopes"][0]["bot_id"], bot.as_str());
    // It sends as the bot.
    let mut m = incoming("b-1", "conv-b", "x");
    m["payload"]["sender"] = json!({"ref_id": bot, "name": "Bot"});
    m["payload"]["receiver"] = json!({"id": "client-b", "name": "C"});
    let h = post(&mut em, &scope_path(""), &m);
    assert_eq!(h.response.status, 200, "{}", body(&h));
}

/// Hosts keep the emulator behind a lock shared by threads.
#[test]
fn the_emulator_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Emulator>();
    send_sync::<amojo_mock::Handled>();
    send_sync::<amojo_mock::Control>();
}
