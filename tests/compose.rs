//! The composed operations: a hook received (signature, JSON, which hook, its rules) and a
//! request built (serialize, route, validate, sign), each check by its outcome.

use amojo_kit::{
    BodyStyle, BuildError, DateInput, Endpoint, HookChecks, HookError, MaxAge, Reason,
    RequestToBuild, SigningKey, ValidateOptions, build_request, receive_webhook, sign_request,
    verify_webhook, webhook_signature,
};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef01234567";
/// The typing hook of chat-webhooks.md ("Хук о печати"), lines 354-371.
const TYPING: &str = r#"{"account_id":"81ede28b-8952-4785-abe2-c8d93f5fcc7d","time":1637087558,"action":{"typing":{"user":{"id":"fb0fb604-9e04-4e1d-bee9-37c71924cdc2"},"conversation":{"id":"f1e4e02c-f502-4165-9377-8575c55c5ebd","client_id":"c7"},"expired_at":1637087563,"post_id":"203055422"}}}"#;

fn sig(body: &str) -> String {
    webhook_signature(SECRET, body.as_bytes()).unwrap()
}

#[test]
fn a_hook_is_verified_parsed_classified_and_validated() {
    let opts = ValidateOptions::default();
    let s = sig(TYPING);
    let validating = HookChecks {
        validation: Some(&opts),
        max_age: None,
    };
    let ok = receive_webhook(TYPING.as_bytes(), &[&s], &[b"old", SECRET], &validating).unwrap();
    assert_eq!(ok.secret_index, 1);
    assert_eq!(ok.endpoint, Some(Endpoint::WebhookTyping));
    assert!(ok.report.is_some_and(|r| r.valid));
    // Without validation: classified, not validated.
    let ok = receive_webhook(TYPING.as_bytes(), &[&s], &[SECRET], &HookChecks::default()).unwrap();
    assert_eq!(
        (ok.endpoint, ok.report),
        (Some(Endpoint::WebhookTyping), None)
    );

    let err = |body: &str, sigs: &[&str], validate: bool| {
        let checks = HookChecks {
            validation: validate.then_some(&opts),
            max_age: None,
        };
        receive_webhook(body.as_bytes(), sigs, &[SECRET], &checks).unwrap_err()
    };
    assert_eq!(
        err(TYPING, &[], true),
        HookError::Rejected(Reason::MissingHeader("X-Signature"))
    );
    assert_eq!(
        err(TYPING, &[&s, &s], true),
        HookError::Rejected(Reason::DuplicateHeader("X-Signature"))
    );
    assert_eq!(
        err(TYPING, &[&s.to_uppercase()], true),
        HookError::Rejected(Reason::MalformedSignature)
    );
    let other = format!("{TYPING} ");
    assert_eq!(
        err(&other, &[&s], true),
        HookError::Rejected(Reason::SignatureMismatch)
    );
    let not_json = "{\"a\":";
    let e = err(not_json, &[&sig(not_json)], false);
    assert!(matches!(e, HookError::NotJson(_)), "{e:?}");
    assert_eq!(e.code(), "invalid_json");
    assert!(
        e.to_string().starts_with("the hook body is not JSON: "),
        "{e}"
    );
    let plain = r#"{"status_code":1}"#;
    assert!(
        receive_webhook(
            plain.as_bytes(),
            &[&sig(plain)],
            &[SECRET],
            &HookChecks::default()
        )
        .is_ok()
    );
    assert_eq!(err(plain, &[&sig(plain)], true), HookError::NotAHook);
    let broken = TYPING.replace("1637087563", "\"soon\"");
    let e = err(&broken, &[&sig(&broken)], true);
    assert_eq!(e.code(), "invalid_body");
    assert_eq!(
        e.to_string(),
        "the webhook_typing hook is invalid: /action/typing/expired_at: `expired_at` must be an integer, not string"
    );
    let HookError::Invalid { endpoint, report } = e else {
        panic!("{e:?}")
    };
    assert_eq!((endpoint, report.valid), (Endpoint::WebhookTyping, false));
    // The same verdict as the stages one by one.
    assert_eq!(
        verify_webhook(TYPING.as_bytes(), &s, &[SECRET]).map(|v| v.secret_index),
        Ok(0)
    );
}

const SCOPE_PATH: &str =
    "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81";

#[test]
fn a_request_is_serialized_routed_validated_and_signed() {
    let key = SigningKey::new(SECRET).unwrap();
    let opts = ValidateOptions::default();
    // The connect request of chat-step-by-step.md, as printed (PHP bytes).
    let connect = RequestToBuild {
        method: None,
        path: "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect",
        payload: Some(br#"{"account_id": "52e591f7-c98f-4255-8495-827210138c81", "title": "ChatsIntegration", "hook_api_version": "v2"}"#),
        style: BodyStyle::Php,
        base_url: None,
        date: DateInput::Text("Wed, 15 Dec 2021 23:12:55 +0000"),
    };
    let built = build_request(&connect, &key, &opts).unwrap();
    assert_eq!(built.method, "POST");
    assert_eq!(
        built.url,
        "https://amojo.amocrm.ru/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect"
    );
    assert_eq!(built.signed.content_md5, "2fbcb3c652b61e24e004daddfc73d0ce");
    assert!(built.report.valid && built.report.warnings.is_empty());
    let direct = sign_request(
        &amojo_kit::RequestToSign {
            method: "POST",
            path: connect.path,
            body: built.body.as_bytes(),
            content_type: None,
            date: connect.date,
        },
        SECRET,
    )
    .unwrap();
    assert_eq!(built.signed, direct);

    // A GET history: no body, the method from the route, the URL's own origin and query.
    let history = RequestToBuild {
        method: None,
        path: "https://amojo.kommo.com/v2/origin/custom/s/chats/c/history?limit=5#top",
        payload: None,
        style: BodyStyle::Compact,
        base_url: None,
        date: DateInput::Unix(1_639_609_975),
    };
    let built = build_request(&history, &key, &opts).unwrap();
    assert_eq!((built.method.as_str(), built.body.as_str()), ("GET", ""));
    assert_eq!(
        built.url,
        "https://amojo.kommo.com/v2/origin/custom/s/chats/c/history?limit=5"
    );
    let built = build_request(
        &RequestToBuild {
            base_url: Some("http://127.0.0.1:9/"),
            ..history
        },
        &key,
        &opts,
    )
    .unwrap();
    assert_eq!(
        built.url,
        "http://127.0.0.1:9/v2/origin/custom/s/chats/c/history?limit=5"
    );

    // Refused as the API would refuse it: no route, a wrong method, a body that breaks a rule.
    let refused = |req: RequestToBuild<'_>| match build_request(&req, &key, &opts) {
        Err(BuildError::Invalid(r)) => r
            .errors
            .iter()
            .map(|i| format!("{} {}", i.path, i.code.code()))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refused(RequestToBuild {
            path: "/v2/nope",
            ..connect
        }),
        [" unknown_route"]
    );
    assert_eq!(
        refused(RequestToBuild {
            method: Some("GET"),
            ..connect
        }),
        [" method_not_allowed"]
    );
    assert_eq!(
        refused(RequestToBuild {
            path: SCOPE_PATH,
            payload: Some(br#"{"event_type":"new_message","payload":{}}"#),
            ..connect
        }),
        [
            "/payload/sender required",
            "/payload/msgid required",
            "/payload/message required",
            "/payload required_one_of"
        ]
    );
    assert!(matches!(
        build_request(
            &RequestToBuild {
                payload: Some(b"{"),
                ..connect
            },
            &key,
            &opts
        ),
        Err(BuildError::NotJson(_))
    ));
    assert!(matches!(
        build_request(
            &RequestToBuild {
                date: DateInput::Text("yesterday"),
                ..connect
            },
            &key,
            &opts
        ),
        Err(BuildError::Sign(_))
    ));
}

/// A captured hook verifies forever; its signed `time` does not: with a max age, a hook
/// older (or further ahead) than the window is refused after its signature is checked.
#[test]
fn the_replay_window_is_checked_against_the_signed_time() {
    let s = sig(TYPING);
    let sent = 1_637_087_558;
    let at = |now: i64, secs: u64| {
        receive_webhook(
            TYPING.as_bytes(),
            &[&s],
            &[SECRET],
            &HookChecks {
                validation: None,
                max_age: Some(MaxAge { now, secs }),
            },
        )
    };
    assert_eq!(at(sent + 300, 300).map(|h| h.time), Ok(Some(sent)));
    assert_eq!(at(sent - 300, 300).map(|h| h.time), Ok(Some(sent)));
    let stale = at(sent + 301, 300).unwrap_err();
    assert_eq!(
        stale,
        HookError::Expired {
            age: 301,
            max_age: 300
        }
    );
    assert_eq!(stale.code(), "stale_hook");
    assert_eq!(
        stale.to_string(),
        "the hook was sent 301 s ago, more than the 300 s allowed: a replayed hook, or a clock that is off"
    );
    assert_eq!(at(sent - 301, 300).unwrap_err().code(), "future_hook");
    // A forged time does not help: the signature is checked first.
    let forged = TYPING.replace("1637087558", "1900000000");
    let e = receive_webhook(
        forged.as_bytes(),
        &[&s],
        &[SECRET],
        &HookChecks {
            validation: None,
            max_age: Some(MaxAge {
                now: 1_900_000_000,
                secs: 300,
            }),
        },
    )
    .unwrap_err();
    assert_eq!(e, HookError::Rejected(Reason::SignatureMismatch));
    // No time: refused with a max age, accepted without; v1 hooks carry `timestamp`.
    let timeless = r#"{"account_id":"a","action":{"typing":{}}}"#;
    let checks = HookChecks {
        validation: None,
        max_age: Some(MaxAge {
            now: sent,
            secs: 300,
        }),
    };
    let e = receive_webhook(timeless.as_bytes(), &[&sig(timeless)], &[SECRET], &checks);
    assert_eq!(e.map_err(|e| e.code()), Err("no_hook_time"));
    let v1 = r#"{"receiver":"c1","conversation_id":"c","msec_timestamp":1637087558123,"type":"text","text":"hi"}"#;
    let ok = receive_webhook(v1.as_bytes(), &[&sig(v1)], &[SECRET], &checks).unwrap();
    assert_eq!(
        (ok.endpoint, ok.time),
        (Some(Endpoint::WebhookMessageV1), Some(sent))
    );
    // Extreme clocks do not overflow.
    assert_eq!(at(i64::MIN, u64::MAX).map(|h| h.time), Ok(Some(sent)));
    assert_eq!(at(i64::MAX, 0).unwrap_err().code(), "stale_hook");
}
