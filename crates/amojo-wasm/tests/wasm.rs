//! The wasm exports, run under Node by wasm-bindgen-test (`make test-wasm`): the docs'
//! vectors and corpus cases give through the exports exactly what they give through Rust,
//! and bad input gives a TypeError with a code, never a trap.
#![cfg(target_arch = "wasm32")]

use amojo_wasm::*;
use js_sys::{Array, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// `X-Signature` values as the binding takes them.
fn sigs(values: &[&str]) -> Array {
    values.iter().map(|v| JsValue::from_str(v)).collect()
}

const DOCS: &str = include_str!("../../../tests/vectors/docs_requests.json");
const RFC1321: &str = include_str!("../../../tests/vectors/rfc1321_md5.json");
const CORPUS: &[&str] = &[
    include_str!("../../../tests/corpus/connect.json"),
    include_str!("../../../tests/corpus/send_message.json"),
    include_str!("../../../tests/corpus/delivery_status.json"),
    include_str!("../../../tests/corpus/webhook_message.json"),
];

fn vectors(text: &str) -> Vec<Value> {
    serde_json::from_str(text).expect("vector file is a JSON array")
}

/// The Rust string of an export that returns a JS string.
fn text(v: Result<JsValue, JsValue>) -> Result<String, JsValue> {
    v.map(|s| s.as_string().expect("the export returns a string"))
}

/// A validation report from its JSON text (`""` is "valid, no warnings").
fn report(text: Result<JsValue, JsValue>) -> JsValue {
    let text = text
        .expect("validates")
        .as_string()
        .expect("the report is a string");
    if text.is_empty() {
        return js_sys::JSON::parse(
            r#"{"valid":true,"errors":[],"warnings":[],"truncated":false}"#,
        )
        .expect("JSON");
    }
    js_sys::JSON::parse(&text).expect("report is JSON")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).expect("object")
}

fn get_str(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn code_of(e: &JsValue) -> String {
    assert!(
        e.is_instance_of::<js_sys::TypeError>(),
        "not a TypeError: {e:?}"
    );
    get_str(e, "code")
}

fn secrets(list: &[&str]) -> Array {
    list.iter().map(|s| JsValue::from(*s)).collect()
}

#[wasm_bindgen_test]
fn md5_vectors() {
    for v in vectors(RFC1321) {
        let input = v["input"].as_str().unwrap_or_default();
        assert_eq!(
            raw_md5(input.as_bytes()).as_string(),
            v["md5"].as_str().map(str::to_owned),
            "{}",
            v["name"]
        );
        assert_eq!(
            raw_md5(input.as_bytes()).as_string(),
            v["md5"].as_str().map(str::to_owned),
            "{}",
            v["name"]
        );
    }
}

#[wasm_bindgen_test]
fn docs_vectors_through_the_exports() {
    for v in vectors(DOCS)
        .iter()
        .filter(|v| v["md5_reproducible"] == true)
    {
        let name = &v["name"];
        let body = match v["body"].as_str() {
            Some(b) if !b.is_empty() => text(raw_reserialize(b, "php")).expect("php"),
            _ => String::new(),
        };
        assert_eq!(
            Some(body.as_str()),
            v["php_json"].as_str().or(Some("")),
            "{name}"
        );
        let date = v["date"].as_str().map(str::to_owned);
        let method = v["method"].as_str().unwrap_or_default();
        let url = v["url"].as_str().unwrap_or_default();
        let joined = text(raw_sign_bytes(
            b"k3y",
            method,
            url,
            body.as_bytes(),
            None,
            date.clone(),
            0.0,
        ))
        .expect("signs");
        // METHOD \n Content-MD5 \n Content-Type \n Date \n PATH \n X-Signature
        let (canonical, signature) = joined.rsplit_once('\n').expect("joined parts");
        assert_eq!(canonical, v["canonical"], "{name}");
        let parts: Vec<&str> = canonical.split('\n').collect();
        assert_eq!(parts[1], v["content_md5"], "{name}");
        let flat: Array = [
            ("Date", parts[3]),
            ("Content-Type", parts[2]),
            ("Content-MD5", parts[1]),
            ("X-Signature", signature),
        ]
        .iter()
        .flat_map(|(h, v)| [JsValue::from(*h), JsValue::from(*v)])
        .collect();
        let now = amojo_kit::parse_date(date.as_deref().unwrap_or_default())
            .expect("date")
            .unix as f64;
        let check = |diagnose: bool, keys: &[&str], body: &[u8]| {
            raw_check_request(
                diagnose,
                &secrets(keys),
                method,
                url,
                &flat,
                body,
                now,
                900.0,
            )
            .expect("answers")
        };
        let ok = check(false, &["x", "k3y"], body.as_bytes());
        assert_eq!(get(&ok, "ok"), JsValue::TRUE, "{name}");
        assert_eq!(get(&ok, "secretIndex").as_f64(), Some(1.0));
        let mut tampered = body.clone().into_bytes();
        tampered.push(b' ');
        let bad = check(false, &["k3y"], &tampered);
        assert_eq!(get_str(&bad, "reason"), "md5_mismatch", "{name}");
        // verify never returns the expected signature; diagnose does, and not the secret.
        assert!(get(&bad, "expectedSignature").is_undefined());
        let d = check(true, &["k3y"], &tampered);
        assert_eq!(get_str(&d, "expectedCanonical").len(), canonical.len());
        let text = js_sys::JSON::stringify(&d)
            .map(String::from)
            .unwrap_or_default();
        assert!(!text.contains("k3y"));
    }
}

#[wasm_bindgen_test]
fn corpus_verdicts_match() {
    let mut n = 0;
    for file in CORPUS {
        for case in vectors(file) {
            let endpoint = case["name"]
                .as_str()
                .and_then(|n| n.split('/').next())
                .unwrap_or_default()
                .to_owned();
            let body = match (&case["body_text"], &case["body"]) {
                (Value::String(t), _) => t.clone(),
                (_, b) => b.to_string(),
            };
            let r = report(raw_validate(
                &endpoint,
                body.as_bytes(),
                "en",
                None,
                None,
                None,
            ));
            assert_eq!(
                get(&r, "valid").as_bool(),
                case["valid"].as_bool(),
                "{}",
                case["name"]
            );
            let errors: Array = get(&r, "errors").unchecked_into();
            let want = case["errors"].as_array().map_or(0, Vec::len);
            assert_eq!(errors.length() as usize, want, "{}", case["name"]);
            n += 1;
        }
    }
    assert!(n > 200, "{n} cases");
}

#[wasm_bindgen_test]
fn bad_input_throws_typed_errors_and_the_module_keeps_working() {
    let e = raw_sign_bytes(b"", "POST", "/p", b"", None, None, 0.0).unwrap_err();
    assert_eq!(code_of(&e), "empty_secret");
    let e = raw_sign_bytes(b"k", "POST", "no-slash", b"", None, None, 0.0).unwrap_err();
    assert_eq!(code_of(&e), "invalid_path");
    let e = raw_sign_bytes(b"k", "POST", "/p", b"", None, None, f64::NAN).unwrap_err();
    assert_eq!(code_of(&e), "invalid_time");
    let e = raw_sign_bytes(b"k", "POST", "/p", b"", None, Some("soon".into()), 0.0).unwrap_err();
    assert_eq!(code_of(&e), "invalid_date");
    for t in [1e300, 1e17, -1.0, f64::NAN] {
        assert_eq!(code_of(&raw_format_date(t).unwrap_err()), "invalid_date");
    }
    assert!(raw_route("/nope").is_null());
    let r = raw_route("https://amojo.amocrm.ru/v2/origin/custom/s/chats/c/history?limit=1");
    assert_eq!(
        (get_str(&r, "endpoint"), get_str(&r, "method")),
        ("history".into(), "GET".into())
    );
    assert_eq!(get_str(&get(&r, "params"), "conversation_id"), "c");
    let e = raw_reserialize("{", "php").unwrap_err();
    assert_eq!(code_of(&e), "invalid_json");
    assert_eq!(get(&e, "line").as_f64(), Some(1.0));
    let e = raw_reserialize("{}", "pretty").unwrap_err();
    assert_eq!(code_of(&e), "invalid_style");
    let e = raw_validate("nope", b"{}", "en", None, None, None).unwrap_err();
    assert_eq!(code_of(&e), "unknown_endpoint");
    let e = raw_validate("connect", b"{}", "de", None, None, None).unwrap_err();
    assert_eq!(code_of(&e), "invalid_lang");
    let odd: Array = [JsValue::from("Date")].into_iter().collect();
    let e = raw_check_request(false, &secrets(&["k"]), "POST", "/p", &odd, b"", 0.0, 900.0)
        .unwrap_err();
    assert_eq!(code_of(&e), "invalid_headers");
    let mixed: Array = [JsValue::from(1.5)].into_iter().collect();
    let e = raw_verify_webhook(&mixed, b"", &sigs(&["00"])).unwrap_err();
    assert_eq!(code_of(&e), "invalid_secret");
    let e = raw_check_request(
        false,
        &secrets(&["k"]),
        "POST",
        "/p",
        &Array::new(),
        b"",
        0.0,
        -1.0,
    )
    .unwrap_err();
    assert_eq!(code_of(&e), "invalid_time");
    // Still working, with Uint8Array secrets too.
    let key: Uint8Array = Uint8Array::from(&b"k"[..]);
    let sig = text(raw_sign_webhook(b"k", b"body")).expect("signs");
    let list: Array = [JsValue::from(key)].into_iter().collect();
    let r = raw_verify_webhook(&list, b"body", &sigs(&[&sig])).expect("verifies");
    assert_eq!(get(&r, "ok"), JsValue::TRUE);
    let r = raw_verify_webhook(&list, b"body", &sigs(&[&sig.to_uppercase()])).expect("answers");
    assert_eq!(get_str(&r, "reason"), "malformed_signature");
    // The header absent or repeated: the core's reasons, naming the header.
    for (given, reason) in [
        (&[][..], "missing_header"),
        (&[&sig[..], &sig[..]][..], "duplicate_header"),
    ] {
        let r = raw_verify_webhook(&list, b"body", &sigs(given)).expect("answers");
        assert_eq!(get_str(&r, "reason"), reason);
        assert_eq!(get_str(&r, "header"), "X-Signature");
    }
    assert_eq!(
        raw_endpoints().unchecked_into::<Array>().length() as usize,
        amojo_kit::Endpoint::ALL.len()
    );
    assert_eq!(
        raw_classify_webhook(br#"{"conversation_id":"c","receiver":"r"}"#),
        JsValue::from_str("webhook_message_v1")
    );
    assert_eq!(raw_classify_webhook(b"[1]"), JsValue::NULL);
    let r = report(raw_validate_request(
        "GET",
        "/v2/origin/custom/s/chats/c/history?limit=51",
        b"",
        "ru",
        None,
        None,
        None,
    ));
    assert_eq!(get(&r, "valid"), JsValue::FALSE);
    assert_eq!(get_str(&r, "endpoint"), "history");
    // Limits: a large body is one error, deep nesting another, issues are capped.
    let big = vec![b' '; 2048];
    let r = report(raw_validate("connect", &big, "en", None, Some(1024), None));
    let errors: Array = get(&r, "errors").unchecked_into();
    assert_eq!(get_str(&errors.get(0), "code"), "too_large");
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    let r = report(raw_validate(
        "connect",
        deep.as_bytes(),
        "en",
        None,
        None,
        None,
    ));
    let errors: Array = get(&r, "errors").unchecked_into();
    assert_eq!(get_str(&errors.get(0), "code"), "too_deep");
    let r = report(raw_validate(
        "connect",
        b"{\"a\":1,\"b\":2,\"c\":3}",
        "en",
        Some(2),
        None,
        None,
    ));
    assert_eq!(get(&r, "truncated"), JsValue::TRUE);
}

const DATE_TEXT: &str = "Wed, 15 Dec 2021 23:12:55 +0000";

/// Writes `parts` back to back at the start of the scratch (as the JS layer does) and signs
/// them with rawSignScratch; returns the X-Signature and the canonical string it wrote after
/// them, joined as rawSignBytes joins them.
fn sign_in_scratch(
    parts: [&[u8]; 6],
    content_type: bool,
    date_text: bool,
    date_seconds: f64,
) -> Result<String, JsValue> {
    let input = parts.concat();
    let ptr = raw_scratch(input.len() + 1024) as u32;
    let memory: js_sys::WebAssembly::Memory = raw_memory().unchecked_into();
    Uint8Array::new(&memory.buffer()).set(&Uint8Array::from(&input[..]), ptr);
    let len = |i: usize| parts[i].len();
    let n = raw_sign_scratch(
        len(0),
        len(1),
        len(2),
        content_type.then(|| len(3) as u32),
        date_text.then(|| len(4) as u32),
        len(5),
        date_seconds,
    )?;
    let at = ptr + input.len() as u32;
    let out = Uint8Array::new(&memory.buffer())
        .subarray(at, at + 40 + n as u32)
        .to_vec();
    let (signature, canonical) = out.split_at(40);
    Ok(format!(
        "{}\n{}",
        String::from_utf8(canonical.to_vec()).expect("UTF-8"),
        String::from_utf8(signature.to_vec()).expect("ASCII")
    ))
}

#[wasm_bindgen_test]
fn the_scratch_lane_signs_what_the_string_exports_sign() {
    let body = "{\"text\":\"Привет\"}".as_bytes();
    for (method, path, ct, date) in [
        ("POST", "/v2/x", None, None),
        (
            "post",
            "https://h.example/v2/путь?q=1#f",
            Some("text/plain; charset=\"utf-8\""),
            None,
        ),
        ("GET", "/h", Some("application/json"), Some(DATE_TEXT)),
    ] {
        let got = sign_in_scratch(
            [
                b"k3y",
                method.as_bytes(),
                path.as_bytes(),
                ct.unwrap_or("").as_bytes(),
                date.unwrap_or("").as_bytes(),
                body,
            ],
            ct.is_some(),
            date.is_some(),
            1_639_609_975.0,
        );
        let want = text(raw_sign_bytes(
            b"k3y",
            method,
            path,
            body,
            ct.map(str::to_owned),
            date.map(str::to_owned),
            1_639_609_975.0,
        ));
        assert_eq!(got, want, "{method} {path}");
    }
    // The same typed errors, in the same order of checks.
    let e = |parts, seconds| code_of(&sign_in_scratch(parts, false, false, seconds).unwrap_err());
    assert_eq!(e([b"", b"POST", b"/p", b"", b"", b""], 0.0), "empty_secret");
    assert_eq!(
        e([b"k", b"PO ST", b"/p", b"", b"", b""], 0.0),
        "invalid_method"
    );
    assert_eq!(e([b"k", b"POST", b"p", b"", b"", b""], 0.0), "invalid_path");
    assert_eq!(
        e([b"k", b"POST", b"/p", b"", b"", b""], f64::NAN),
        "invalid_time"
    );
    assert_eq!(
        e([b"k", b"POST", b"/p", b"", b"", b""], -1.0),
        "invalid_date"
    );
    let ct = |c: &[u8]| {
        code_of(
            &sign_in_scratch(
                [b"0123456789", b"POST", b"/p", c, b"", b""],
                true,
                false,
                0.0,
            )
            .unwrap_err(),
        )
    };
    assert_eq!(ct("текст/plain".as_bytes()), "invalid_content_type");
    assert_eq!(ct(b"text/0123456789"), "secret_in_request");
    // Lengths the scratch does not hold, and text that is not UTF-8: an error, not a trap.
    assert_eq!(
        e([b"k", b"\xff", b"/p", b"", b"", b""], 0.0),
        "invalid_argument"
    );
    let beyond = raw_sign_scratch(1, 4, 2, None, None, 1 << 30, 0.0).unwrap_err();
    assert_eq!(code_of(&beyond), "invalid_argument");
    let overflow = raw_sign_scratch(usize::MAX, 4, 2, Some(1), Some(1), 1, 0.0).unwrap_err();
    assert_eq!(code_of(&overflow), "invalid_argument");
    assert!(sign_in_scratch([b"k", b"POST", b"/p", b"", b"", b"{}"], false, false, 0.0).is_ok());
}
