//! Property tests: sign → verify round trips, every single-byte mutation rejected, secret
//! rotation, and no entry point panics on arbitrary bytes or arbitrary JSON.
#![cfg(not(target_arch = "wasm32"))]

use amojo_kit::{
    BodyStyle, DateInput, Endpoint, Headers, Lang, Reason, ReceivedRequest, RequestToSign,
    ValidateOptions, VerifyOptions, diagnose_request, format_rfc2822, match_route, parse_date,
    parse_json, reserialize, serialize_body, sign_request, validate, validate_query,
    validate_request, validate_value, verify_request, verify_webhook, webhook_signature,
};
use proptest::prelude::*;
use serde_json::Value;

const NOW: i64 = 1_639_609_975;

fn method() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["GET", "POST", "DELETE", "post", "Put"]).prop_map(str::to_owned)
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9_.~%-]{1,12}", 1..6).prop_map(|s| format!("/{}", s.join("/")))
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..80)
}

struct Signed {
    method: String,
    path: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

fn sign(method: &str, path: &str, body: &[u8], t: i64, key: &[u8]) -> Signed {
    let s = sign_request(
        &RequestToSign {
            method,
            path,
            body,
            content_type: None,
            date: DateInput::Unix(t),
        },
        key,
    )
    .expect("valid inputs sign");
    Signed {
        method: method.to_owned(),
        path: path.to_owned(),
        body: body.to_vec(),
        headers: s
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
}

fn check(s: &Signed, secrets: &[&[u8]], now: i64) -> Result<usize, Reason> {
    let headers: Headers = s.headers.iter().cloned().collect();
    verify_request(
        &ReceivedRequest {
            method: &s.method,
            path: &s.path,
            headers: &headers,
            body: &s.body,
        },
        secrets,
        &VerifyOptions::at(now),
    )
    .map(|v| v.secret_index)
}

fn flip(s: &str, i: usize) -> Option<String> {
    let mut b = s.as_bytes().to_vec();
    let i = i % b.len().max(1);
    *b.get_mut(i)? ^= 1;
    String::from_utf8(b).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify(m in method(), p in path(), body in prop::collection::vec(any::<u8>(), 0..300),
                        dt in -900i64..=900, key in secret()) {
        let s = sign(&m, &p, &body, NOW + dt, &key);
        prop_assert_eq!(check(&s, &[&key], NOW), Ok(0));
        // With a query string or as a full URL the path signed is the same.
        let s2 = Signed { path: format!("https://amojo.amocrm.ru{}?limit=1", s.path), ..s };
        prop_assert_eq!(check(&s2, &[&key], NOW), Ok(0));
    }

    /// Signing and verification share src/hash.rs (a keyed `Hmac<Sha1>` cloned per message):
    /// hold the headers to the RustCrypto trait implementations, computed independently
    /// (a fresh key per message, the canonical string from its `Display`).
    #[test]
    fn headers_match_the_rustcrypto_hashes(m in method(), p in path(), key in secret(),
                                           body in prop::collection::vec(any::<u8>(), 0..300),
                                           ct in prop::option::of("[a-z]{1,12}/[a-z0-9.+-]{1,20}(;[ -~]{0,40})?"), t in 0i64..=NOW) {
        use hmac::{Hmac, KeyInit, Mac};
        use md5::Digest;
        let signed = sign_request(
            &RequestToSign { method: &m, path: &p, body: &body, content_type: ct.as_deref(), date: DateInput::Unix(t) },
            &key,
        )
        .expect("valid inputs sign");
        prop_assert_eq!(&signed.content_md5, &hex::encode(md5::Md5::digest(&body)));
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
        mac.update(signed.canonical.to_string().as_bytes());
        prop_assert_eq!(&signed.signature, &hex::encode(mac.finalize().into_bytes()));
        prop_assert_eq!(webhook_signature(&key, &body).expect("a key"), {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
            mac.update(&body);
            hex::encode(mac.finalize().into_bytes())
        });
    }

    #[test]
    fn any_single_byte_change_is_rejected(m in method(), p in path(),
                                          body in prop::collection::vec(any::<u8>(), 1..200),
                                          key in secret(), at in any::<usize>()) {
        let s = sign(&m, &p, &body, NOW, &key);
        // method
        if let Some(m2) = flip(&s.method, at) {
            let bad = Signed { method: m2, ..clone(&s) };
            prop_assert!(check(&bad, &[&key], NOW).is_err(), "method");
        }
        // path
        if let Some(p2) = flip(&s.path, at) {
            let bad = Signed { path: p2, ..clone(&s) };
            prop_assert!(check(&bad, &[&key], NOW).is_err(), "path");
        }
        // body
        let mut b2 = s.body.clone();
        let i = at % b2.len();
        b2[i] ^= 1;
        let bad = Signed { body: b2, ..clone(&s) };
        prop_assert_eq!(check(&bad, &[&key], NOW), Err(Reason::Md5Mismatch));
        // every header
        for h in 0..s.headers.len() {
            if let Some(v2) = flip(&s.headers[h].1, at) {
                let mut bad = clone(&s);
                bad.headers[h].1 = v2;
                let r = check(&bad, &[&key], NOW);
                prop_assert!(r.is_err(), "header {} accepted", s.headers[h].0);
            }
        }
    }

    #[test]
    fn rotation_accepts_exactly_the_given_secrets(keys in prop::collection::vec(secret(), 1..4),
                                                  pick in any::<prop::sample::Index>(),
                                                  other in secret()) {
        let i = pick.index(keys.len());
        let s = sign("POST", "/v2/origin/custom/x", b"{}", NOW, &keys[i]);
        let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        let got = check(&s, &refs, NOW);
        prop_assert!(got.is_ok());
        prop_assert_eq!(&keys[got.unwrap_or(usize::MAX)], &keys[i]);
        if !keys.contains(&other) {
            prop_assert_eq!(check(&s, &[&other], NOW), Err(Reason::SignatureMismatch));
            let sig = webhook_signature(&keys[i], b"body").expect("non-empty key");
            prop_assert!(verify_webhook(b"body", &sig, &refs).is_ok());
            prop_assert_eq!(verify_webhook(b"body", &sig, &[&other]), Err(Reason::SignatureMismatch));
        }
    }

    #[test]
    fn clock_window_is_two_sided(skew in -5000i64..5000) {
        let s = sign("POST", "/p", b"x", NOW + skew, b"k");
        let r = check(&s, &[b"k"], NOW);
        match r {
            Ok(_) => prop_assert!(skew.abs() <= 900),
            Err(Reason::StaleDate { skew: d }) => prop_assert!(skew < -900 && d == -skew),
            Err(Reason::FutureDate { skew: d }) => prop_assert!(skew > 900 && d == skew),
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }

    #[test]
    fn date_format_parse_round_trip(t in 0i64..=253_402_300_799) {
        let text = format_rfc2822(t).expect("in range");
        prop_assert_eq!(parse_date(&text).map(|p| p.unix), Ok(t));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400),
                                   text in ".{0,80}", m in ".{0,8}") {
        let opts = ValidateOptions { lang: Lang::Ru, max_issues: 5, ..ValidateOptions::default() };
        for e in Endpoint::ALL {
            let r = validate(e, &bytes, &opts);
            prop_assert!(r.errors.len() + r.warnings.len() <= 5);
        }
        let _ = validate_request(&m, &text, &bytes, &opts);
        let _ = validate_query(&text, &opts);
        let _ = parse_date(&text);
        let _ = match_route(&m, &text);
        let _ = parse_json(&bytes);
        let _ = reserialize(&bytes, BodyStyle::Php);
        let mut h = Headers::new();
        let _ = h.parse_line(&text);
        h.append("Date", text.clone());
        h.append("content-md5", String::from_utf8_lossy(&bytes).into_owned());
        h.append("X-Signature", m.clone());
        let req = ReceivedRequest { method: &m, path: &text, headers: &h, body: &bytes };
        let _ = verify_request(&req, &[b"k"], &VerifyOptions::at(NOW));
        let _ = verify_request(&req, &[] as &[&[u8]], &VerifyOptions { now: i64::MIN, tolerance_secs: u64::MAX });
        let d = diagnose_request(&req, &[&b"secret-xyz-1234"[..], b""], &VerifyOptions { now: i64::MAX, tolerance_secs: 1 });
        let shown = format!("{:?}", d);
        prop_assert!(!shown.contains("secret-xyz-1234"));
        let _ = verify_webhook(&bytes, &m, &[b"k"]);
        let _ = sign_request(&RequestToSign { method: &m, path: &text, body: &bytes,
            content_type: Some(&text), date: DateInput::Text(&text) }, b"k");
        let _ = sign_request(&RequestToSign { method: "POST", path: "/p", body: &bytes,
            content_type: None, date: DateInput::Unix(i64::from(bytes.len() as u32) * -1_000_000_007) }, b"k");
    }

    #[test]
    fn arbitrary_json_never_panics_and_php_round_trips(v in json_value()) {
        let opts = ValidateOptions::default();
        for e in Endpoint::ALL {
            let r = validate_value(e, &v, &opts);
            if !r.errors.is_empty() {
                prop_assert!(!r.valid);
            } else if !r.truncated {
                prop_assert!(r.valid);
            }
            let r2 = validate(e, v.to_string().as_bytes(), &opts);
            prop_assert_eq!(r.valid, r2.valid);
            prop_assert_eq!(r2.to_json(), serde_json::to_string(&r2).unwrap_or_default());
        }
        // The compact writer is byte-identical to serde_json's.
        prop_assert_eq!(serialize_body(&v, BodyStyle::Compact), v.to_string());
        // parse(serialize(x)) == x for both styles, and the PHP bytes are pure ASCII.
        for style in [BodyStyle::Compact, BodyStyle::Php] {
            let text = serialize_body(&v, style);
            let back = parse_json(text.as_bytes()).map(|p| p.value);
            prop_assert!(back.as_ref().is_ok_and(|b| same(b, &v)), "{} -> {:?}", text, back);
            if style == BodyStyle::Php {
                prop_assert!(text.is_ascii());
            }
        }
    }
}

/// Equality with numbers compared by value: PHP prints the float 1.0 as `1`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a == b,
    }
}

fn clone(s: &Signed) -> Signed {
    Signed {
        method: s.method.clone(),
        path: s.path.clone(),
        body: s.body.clone(),
        headers: s.headers.clone(),
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    // The tables' own field names, and the enum values that switch rules on.
    let mut words = amojo_kit::field_names();
    words.extend([
        "new_message",
        "edit_message",
        "text",
        "picture",
        "sticker",
        "react",
        "post",
    ]);
    let known = prop::sample::select(words).prop_map(str::to_owned);
    let key = prop_oneof![3 => known.clone(), 1 => ".{0,6}"];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        known.prop_map(Value::String),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}
