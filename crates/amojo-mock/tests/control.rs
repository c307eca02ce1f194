//! The control API: manager actions make hooks that an independent HMAC verifies and the
//! core validates as the hook they are; refusals are `{error, message}`.

mod common;

use amojo_kit::{Endpoint, ValidateOptions, classify_webhook, validate};
use amojo_mock::{Control, Hook};
use common::*;
use serde_json::{Value, json};

/// The hook is signed over its exact bytes with the channel secret (checked with `hmac`,
/// not the core), is the endpoint it says, validates without errors, and is what the
/// answer shows.
fn check_hook(c: &Control, endpoint: Endpoint) -> Value {
    assert_eq!(c.status, 200, "{}", c.body);
    let hook: &Hook = c.hook.as_ref().expect("a hook");
    assert_eq!(hook.signature, hmac_hex(SECRET, &hook.body));
    assert_eq!(hook.endpoint, endpoint.as_str());
    assert_eq!(classify_webhook(&hook.body), Some(endpoint));
    let report = validate(endpoint, &hook.body, &ValidateOptions::default());
    assert!(report.valid, "{}", report.to_json());
    assert!(report.warnings.is_empty(), "{}", report.to_json());
    assert_eq!(hook.scope_id, scope());
    assert_eq!(
        hook.url.as_deref(),
        Some(format!("http://127.0.0.1:9/hooks/{}?x=1", scope()).as_str())
    );
    let parsed: Value = serde_json::from_slice(&hook.body).unwrap();
    assert_eq!(c.body["hook"]["body"], parsed);
    assert_eq!(c.body["hook"]["signature"], hook.signature.as_str());
    assert_eq!(c.body["hook"]["endpoint"], endpoint.as_str());
    assert_eq!(c.body["hook"]["url"], hook.url.as_deref().unwrap());
    parsed
}

fn setup() -> (amojo_mock::Emulator, Value) {
    let mut em = emulator();
    connect(&mut em, "v2");
    let chat = body(&post(
        &mut em,
        &scope_path("/chats"),
        &json!({"conversation_id": "conv-1", "source": {"external_id": "src-1"},
                "user": {"id": "client-1", "name": "Client", "profile": {"phone": "79151112233"}}}),
    ));
    let mut m = incoming("m-1", "conv-1", "hello");
    m["payload"]["sender"] = json!({"id": "client-1", "name": "Client"});
    assert_eq!(post(&mut em, &scope_path(""), &m).response.status, 200);
    (em, chat)
}

#[test]
fn a_reply_makes_a_signed_v2_message_hook_and_is_stored() {
    let (mut em, chat) = setup();
    let c = control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "Да, конечно"}),
    );
    let hook = check_hook(&c, Endpoint::WebhookMessage);
    let state = em.state_json();
    let manager = state["scopes"][0]["manager_id"].as_str().unwrap();
    let m = &hook["message"];
    assert_eq!(hook["account_id"], ACCOUNT);
    assert_eq!(hook["time"], NOW_MS / 1000);
    assert_eq!(m["receiver"]["id"], chat["user"]["id"]);
    assert_eq!(m["receiver"]["client_id"], "client-1");
    assert_eq!(m["receiver"]["phone"], "79151112233");
    assert_eq!(m["receiver"]["email"], "");
    assert_eq!(m["sender"]["id"], manager);
    assert_eq!(
        m["conversation"],
        json!({"id": chat["id"], "client_id": "conv-1"})
    );
    assert_eq!(m["source"], json!({"external_id": "src-1"}));
    assert_eq!(m["msec_timestamp"], NOW_MS);
    assert_eq!(m["message"]["type"], "text");
    assert_eq!(m["message"]["text"], "Да, конечно");
    assert_eq!(m["message"]["id"], c.body["msgid"]);
    assert_eq!(c.body["chat_id"], chat["id"]);
    for k in ["tag", "media", "thumbnail", "file_name"] {
        assert_eq!(m["message"][k], "", "{k}");
    }
    assert_eq!(m["message"]["file_size"], 0);

    // History shows it, newest first, from the manager to the client.
    let chat_id = chat["id"].as_str().unwrap();
    let h = call(
        &mut em,
        "GET",
        &scope_path(&format!("/chats/{chat_id}/history")),
        b"",
    );
    let hist = body(&h);
    assert_eq!(hist["messages"][0]["message"]["text"], "Да, конечно");
    assert_eq!(hist["messages"][0]["sender"]["id"], manager);
    assert_eq!(hist["messages"][0]["receiver"]["client_id"], "client-1");

    // The integration reports its delivery by the hook's message id.
    let id = m["message"]["id"].as_str().unwrap();
    let h = post(
        &mut em,
        &scope_path(&format!("/{id}/delivery_status")),
        &json!({"status_code": 1}),
    );
    assert_eq!(h.response.status, 200);
}

#[test]
fn replies_with_media_a_named_manager_a_quote_and_a_comment_post() {
    let (mut em, _) = setup();
    let c = control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({
            "scope_id": scope(), "conversation_id": "conv-1",
            "message": {"type": "picture", "text": "see", "media": "https://example.com/i.jpg",
                        "file_name": "i.jpg", "file_size": 10,
                        "markup": {"mode": "inline", "buttons": [[{"text": "OK"}]]}},
            "sender": {"id": "mgr-2", "name": "Менеджер Василий"},
            "reply_to": "m-1",
            "post_id": "post-7"
        }),
    );
    let hook = check_hook(&c, Endpoint::WebhookMessage);
    let m = &hook["message"];
    assert_eq!(
        m["sender"],
        json!({"id": "mgr-2", "name": "Менеджер Василий"})
    );
    assert_eq!(m["message"]["type"], "picture");
    assert_eq!(m["message"]["media"], "https://example.com/i.jpg");
    assert_eq!(m["message"]["file_size"], 10);
    assert_eq!(m["message"]["markup"]["mode"], "inline");
    assert_eq!(m["message"]["post"], json!({"id": "post-7"}));
    let quoted = &m["message"]["reply_to"]["message"];
    assert_eq!(quoted["msgid"], "m-1");
    assert_eq!(quoted["text"], "hello");
    assert_eq!(quoted["sender"]["client_id"], "client-1");
    // The same manager by name later.
    let c = control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "again", "sender": {"name": "Менеджер Василий"}}),
    );
    assert_eq!(c.body["hook"]["body"]["message"]["sender"]["id"], "mgr-2");
    // A client is not a manager.
    let client = em.state_json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["client_id"] == "client-1")
        .unwrap()["id"]
        .clone();
    let c = control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "x", "sender": {"id": client}}),
    );
    assert_eq!(c.status, 400);
    assert!(c.hook.is_none());
}

#[test]
fn write_first_makes_a_hook_without_the_integrations_chat_id() {
    let (mut em, _) = setup();
    let c = control(
        &mut em,
        "POST",
        "/_mock/write-first",
        &json!({"scope_id": scope(), "user": {"name": "Новый клиент", "phone": "+79990001122"},
                "text": "Здравствуйте!", "source_external_id": "src-2"}),
    );
    let hook = check_hook(&c, Endpoint::WebhookMessage);
    let m = &hook["message"];
    assert_eq!(m["conversation"], json!({"id": c.body["chat_id"]}));
    assert_eq!(m["receiver"]["id"], c.body["user_id"]);
    assert!(m["receiver"].get("client_id").is_none());
    assert_eq!(m["receiver"]["phone"], "+79990001122");
    assert_eq!(m["source"]["external_id"], "src-2");
}

#[test]
fn typing_and_reactions_make_their_hooks() {
    let (mut em, chat) = setup();
    let c = control(
        &mut em,
        "POST",
        "/_mock/typing",
        &json!({"scope_id": scope(), "conversation_id": "conv-1"}),
    );
    let hook = check_hook(&c, Endpoint::WebhookTyping);
    let t = &hook["action"]["typing"];
    assert_eq!(
        t["conversation"],
        json!({"id": chat["id"], "client_id": "conv-1"})
    );
    assert_eq!(t["expired_at"], NOW_MS / 1000 + 5);
    assert_eq!(t["user"]["id"], em.state_json()["scopes"][0]["manager_id"]);
    let c = control(
        &mut em,
        "POST",
        "/_mock/typing",
        &json!({"scope_id": scope(), "conversation_id": chat["id"], "post_id": "p1", "user": {"id": "mgr-3"}}),
    );
    let hook = check_hook(&c, Endpoint::WebhookTyping);
    assert_eq!(hook["action"]["typing"]["post_id"], "p1");
    assert_eq!(hook["action"]["typing"]["user"]["id"], "mgr-3");

    let c = control(
        &mut em,
        "POST",
        "/_mock/react",
        &json!({"scope_id": scope(), "ref_id": "m-1", "emoji": "😍"}),
    );
    let hook = check_hook(&c, Endpoint::WebhookReaction);
    let r = &hook["action"]["reaction"];
    assert_eq!(r["type"], "react");
    assert_eq!(r["emoji"], "😍");
    assert_eq!(r["msgid"], "m-1");
    assert_eq!(r["message"]["client_id"], "m-1");
    assert_eq!(r["conversation"]["client_id"], "conv-1");
    let msg_id = r["message"]["id"].as_str().unwrap().to_owned();
    let state = em.state_json();
    assert_eq!(state["messages"][0]["reactions"][0]["emoji"], "😍");
    // Unreact by amoCRM's id: no emoji in the hook, the reaction is gone.
    let c = control(
        &mut em,
        "POST",
        "/_mock/react",
        &json!({"scope_id": scope(), "msgid": msg_id, "type": "unreact"}),
    );
    let hook = check_hook(&c, Endpoint::WebhookReaction);
    assert!(hook["action"]["reaction"].get("emoji").is_none());
    assert!(em.state_json()["messages"][0].get("reactions").is_none());
}

#[test]
fn a_v1_account_gets_no_message_hook() {
    let mut em = emulator();
    connect(&mut em, "v1");
    send(&mut em, "m-1", "conv-1", "x");
    let c = control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "r"}),
    );
    assert_eq!(c.status, 200);
    assert!(c.hook.is_none());
    assert_eq!(c.body["hook"], Value::Null);
    assert!(c.body["warning"].as_str().unwrap().contains("v1"));
    // Stored all the same.
    assert_eq!(em.state_json()["messages"].as_array().unwrap().len(), 2);
}

#[test]
fn control_refusals() {
    let (mut em, _) = setup();
    let bytes = |em: &mut amojo_mock::Emulator, m: &str, p: &str, b: &[u8]| {
        em.control(m, p, b, NOW_MS).unwrap()
    };
    assert!(
        em.control("GET", "/v2/origin/custom/x", b"", NOW_MS)
            .is_none()
    );
    assert!(em.control("GET", "/", b"", NOW_MS).is_none());
    let cases: Vec<(Control, u16, &str)> = vec![
        (
            bytes(&mut em, "POST", "/_mock/reply", b"{oops"),
            400,
            "invalid_json",
        ),
        (
            bytes(&mut em, "POST", "/_mock/reply", b"[1]"),
            400,
            "bad_request",
        ),
        (
            bytes(&mut em, "POST", "/_mock/reply", &[0xff, 0xfe]),
            400,
            "invalid_json",
        ),
        (
            bytes(&mut em, "GET", "/_mock/reply", b""),
            405,
            "method_not_allowed",
        ),
        (
            bytes(&mut em, "POST", "/_mock/state", b""),
            405,
            "method_not_allowed",
        ),
        (
            bytes(&mut em, "GET", "/_mock/nope", b""),
            404,
            "unknown_control",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"conversation_id": "conv-1", "text": "x"}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": 5, "conversation_id": "conv-1", "text": "x"}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": "nope", "conversation_id": "conv-1", "text": "x"}),
            ),
            404,
            "scope_not_found",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": scope(), "conversation_id": "nope", "text": "x"}),
            ),
            404,
            "chat_not_found",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": scope(), "conversation_id": "conv-1"}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": ""}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": scope(), "conversation_id": "conv-1", "message": {"type": "location"}}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": scope(), "conversation_id": "conv-1", "message": {"type": "text", "text": "x", "oops": 1}}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/reply",
                &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "x", "reply_to": "nope"}),
            ),
            404,
            "message_not_found",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/react",
                &json!({"scope_id": scope(), "ref_id": "nope", "emoji": "x"}),
            ),
            404,
            "message_not_found",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/react",
                &json!({"scope_id": scope(), "ref_id": "m-1"}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/react",
                &json!({"scope_id": scope(), "ref_id": "m-1", "emoji": "x", "type": "like"}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/write-first",
                &json!({"scope_id": scope(), "text": "x"}),
            ),
            400,
            "bad_request",
        ),
        (
            control(
                &mut em,
                "POST",
                "/_mock/typing",
                &json!({"scope_id": scope(), "conversation_id": "nope"}),
            ),
            404,
            "chat_not_found",
        ),
    ];
    for (i, (c, status, code)) in cases.into_iter().enumerate() {
        assert_eq!(
            (c.status, c.body["error"].as_str()),
            (status, Some(code)),
            "case {i}: {}",
            c.body
        );
        assert!(
            c.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "case {i}"
        );
        assert!(c.hook.is_none());
    }
    // A disconnected scope: 404 too.
    call(
        &mut em,
        "DELETE",
        &format!("/v2/origin/custom/{CHANNEL}/disconnect"),
        json!({"account_id": ACCOUNT}).to_string().as_bytes(),
    );
    let c = control(
        &mut em,
        "POST",
        "/_mock/reply",
        &json!({"scope_id": scope(), "conversation_id": "conv-1", "text": "x"}),
    );
    assert_eq!(
        (c.status, c.body["error"].as_str()),
        (404, Some("scope_not_found"))
    );
    // Nothing of the refused actions was stored.
    assert_eq!(em.state_json()["messages"].as_array().unwrap().len(), 1);
}

#[test]
fn state_has_no_secret_and_reset_keeps_channels() {
    let (mut em, _) = setup();
    let c = control(&mut em, "GET", "/_mock/state", &Value::Null);
    assert_eq!(c.status, 200);
    assert_eq!(c.body["format"], "amojo-mock-state");
    assert_eq!(
        c.body["channels"],
        json!([{"id": CHANNEL, "hook_url": "http://127.0.0.1:9/hooks/:scope_id?x=1", "bot_id": BOT}])
    );
    assert!(!c.body.to_string().contains("mock-test-secret"));
    assert_eq!(c.body["scopes"][0]["scope_id"], scope());
    let c = control(&mut em, "POST", "/_mock/reset", &Value::Null);
    assert_eq!((c.status, &c.body), (200, &json!({"ok": true})));
    let s = em.state_json();
    assert_eq!(s["scopes"], json!([]));
    assert_eq!(s["messages"], json!([]));
    assert_eq!(s["channels"][0]["id"], CHANNEL);
    // The channel still works.
    assert_eq!(connect(&mut em, "v2").response.status, 200);
    assert!(!format!("{em:?}").contains("mock-test-secret"));
}
