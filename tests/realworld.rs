//! Real-world bodies and signatures from public client libraries (`tests/realworld/`, with
//! their sources in `cases.json` and `signatures.json`; SPEC §5). Each `valid` case must
//! validate with no errors, each `invalid` case must have one; `either` cases are run (no
//! panic, a report) but their verdict is not asserted.

use std::path::{Path, PathBuf};

use amojo_kit::{
    DateInput, Endpoint, Headers, Reason, ReceivedRequest, RequestToSign, ValidateOptions,
    Verified, VerifyOptions, parse_date, sign_request, validate, verify_request, verify_webhook,
    webhook_signature,
};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

#[test]
fn every_real_world_body_gets_its_verdict() {
    let cases = load("cases.json");
    let cases = cases["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in cases {
        let file = s(c, "file");
        let endpoint: Endpoint = s(c, "endpoint").parse().expect("endpoint name");
        // The bytes as published (several are the exact bytes a client sent).
        let body = std::fs::read(dir().join(file)).expect("body file");
        let report = validate(endpoint, &body, &ValidateOptions::default());
        let ok = match s(c, "expected") {
            "valid" => report.valid && report.errors.is_empty(),
            "invalid" => !report.valid,
            "either" => true,
            other => panic!("{file}: unknown expectation {other}"),
        };
        if !ok {
            failures.push(format!(
                "{file} ({}, expected {}; source {}):\n    errors {:?}",
                endpoint,
                s(c, "expected"),
                s(c, "source"),
                report
                    .errors
                    .iter()
                    .map(|i| (&i.path, i.code.code()))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn headers(v: &Value) -> Headers {
    let mut h = Headers::new();
    for (k, val) in v.as_object().expect("headers") {
        h.append(k.as_str(), val.as_str().expect("header value"));
    }
    h
}

/// Verifies a peer library's empty-body request (method, path and secret from the vector).
fn verify_empty_body(v: &Value, received: &Headers, now: i64) -> Result<Verified, Reason> {
    verify_request(
        &ReceivedRequest {
            method: s(v, "method"),
            path: s(v, "path"),
            headers: received,
            body: b"",
        },
        &[s(v, "secret").as_bytes()],
        &VerifyOptions::at(now),
    )
}

#[test]
fn signature_vectors_of_peer_libraries() {
    let all = load("signatures.json");
    let by_name = |n: &str| {
        all["vectors"]
            .as_array()
            .expect("vectors")
            .iter()
            .find(|v| v["name"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("no vector {n}"))
    };

    // fcritic: POST, empty body, a GMT Date naming the wrong weekday.
    let v = by_name("fcritic-post-empty-body-gmt-date");
    let h = &v["headers"];
    let signed = sign_request(
        &RequestToSign {
            method: s(&v, "method"),
            path: s(&v, "path"),
            body: b"",
            content_type: Some(s(h, "Content-Type")),
            date: DateInput::Text(s(h, "Date")),
        },
        s(&v, "secret").as_bytes(),
    )
    .expect("sign");
    assert_eq!(signed.content_md5, s(h, "Content-MD5"));
    assert_eq!(signed.signature, s(&v, "expected_signature"));
    let mut received = headers(h);
    received.append("X-Signature", s(&v, "expected_signature"));
    let now = parse_date(s(h, "Date")).expect("date").unix;
    let ok = verify_empty_body(&v, &received, now + 60);
    assert_eq!(ok.map(|v| v.secret_index), Ok(0));

    // fcritic signs absent headers as empty strings; the docs require all four.
    let v = by_name("fcritic-get-missing-headers");
    let mut received = headers(&v["headers"]);
    received.append("X-Signature", s(&v, "expected_signature"));
    let now = parse_date(s(&v["headers"], "Date")).expect("date").unix;
    let r = verify_empty_body(&v, &received, now);
    assert_eq!(r, Err(Reason::MissingHeader("Content-MD5")));
    assert_eq!(
        r.map_err(|e| e.code()),
        Err(s(&v["amojo_verify"], "reason"))
    );

    // fcritic's webhook test: HMAC of the raw body; their trimming is not what amoCRM signs.
    let v = by_name("fcritic-webhook");
    let secret = s(&v, "secret").as_bytes();
    let sig = s(&v, "expected_signature");
    assert_eq!(
        webhook_signature(secret, s(&v, "body").as_bytes()).as_deref(),
        Ok(sig)
    );
    assert_eq!(
        verify_webhook(s(&v, "body").as_bytes(), sig, &[secret]).map(|v| v.secret_index),
        Ok(0)
    );
    let trimmed = s(&v["trimmed_variant"], "body").as_bytes();
    assert_eq!(
        verify_webhook(trimmed, sig, &[secret]),
        Err(Reason::SignatureMismatch)
    );

    // amotop: the logged body of a real send, signed with a made-up secret and
    // `new Date().toUTCString()` (GMT); reference values computed by an independent HMAC.
    let v = by_name("amotop-gmt-date-logged-body");
    let body = std::fs::read(dir().join(s(&v, "body_file"))).expect("body");
    let signed = sign_request(
        &RequestToSign {
            method: s(&v, "method"),
            path: s(&v, "path"),
            body: &body,
            content_type: None,
            date: DateInput::Text(s(&v, "date")),
        },
        s(&v, "secret").as_bytes(),
    )
    .expect("sign");
    assert_eq!(signed.content_md5, s(&v, "reference_md5"));
    assert_eq!(signed.signature, s(&v, "reference_signature"));
}
