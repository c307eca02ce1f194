//! Every rejection reason of `verify_request`, and the findings of `diagnose_request` for
//! the mistakes integrators actually make.

use amojo_kit::{
    DateInput, Headers, Reason, ReceivedRequest, RequestToSign, SigningKey, VerifyOptions,
    diagnose_request, sign_request, verify_request, verify_webhook, webhook_signature,
};

const SECRET: &[u8] = b"s3cr3t-channel-key";
const PATH: &str = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
const BODY: &[u8] = br#"{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}"#;
const NOW: i64 = 1_639_609_975; // Wed, 15 Dec 2021 23:12:55 +0000

fn signed_headers(method: &str, path: &str, ct: Option<&str>, date: DateInput<'_>) -> Headers {
    let s = sign_request(
        &RequestToSign {
            method,
            path,
            body: BODY,
            content_type: ct,
            date,
        },
        SECRET,
    )
    .expect("signs");
    s.headers().into_iter().collect()
}

fn good() -> Headers {
    signed_headers("POST", PATH, None, DateInput::Unix(NOW))
}

fn with(h: &Headers, name: &str, value: Option<&str>) -> Headers {
    let mut out: Headers = h
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    if let Some(v) = value {
        out.append(name, v);
    }
    out
}

fn verify(method: &str, path: &str, h: &Headers, body: &[u8]) -> Result<usize, Reason> {
    verify_request(
        &ReceivedRequest {
            method,
            path,
            headers: h,
            body,
        },
        &[SECRET],
        &VerifyOptions::at(NOW),
    )
    .map(|v| v.secret_index)
}

fn header(h: &Headers, name: &str) -> String {
    let mut it = h.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    match (it.next(), it.next()) {
        (Some((_, v)), None) => v.to_owned(),
        _ => panic!("{name}: not exactly one"),
    }
}

#[test]
fn accepts_and_header_names_are_case_insensitive() {
    assert_eq!(verify("POST", PATH, &good(), BODY), Ok(0));
    let lower: Headers = good()
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    assert_eq!(verify("post", PATH, &lower, BODY), Ok(0));
    // The query string is not signed.
    assert_eq!(verify("POST", &format!("{PATH}?x=1"), &good(), BODY), Ok(0));
}

#[test]
fn each_reason_has_its_code() {
    let h = good();
    let cases: Vec<(&str, Result<usize, Reason>)> = vec![
        (
            "missing_header",
            verify("POST", PATH, &with(&h, "Date", None), BODY),
        ),
        (
            "missing_header",
            verify("POST", PATH, &with(&h, "Content-MD5", None), BODY),
        ),
        (
            "missing_header",
            verify("POST", PATH, &with(&h, "X-Signature", None), BODY),
        ),
        ("duplicate_header", {
            let mut d = h.clone();
            d.append("date", "Wed, 15 Dec 2021 23:12:56 +0000");
            verify("POST", PATH, &d, BODY)
        }),
        ("bad_method", verify("PO ST", PATH, &h, BODY)),
        ("bad_path", verify("POST", "v2/x", &h, BODY)),
        (
            "bad_date",
            verify("POST", PATH, &with(&h, "Date", Some("yesterday")), BODY),
        ),
        (
            "malformed_md5",
            verify("POST", PATH, &with(&h, "Content-MD5", Some("abc")), BODY),
        ),
        ("md5_mismatch", verify("POST", PATH, &h, b"{}")),
        ("malformed_signature", {
            let upper = header(&h, "X-Signature").to_ascii_uppercase();
            verify("POST", PATH, &with(&h, "X-Signature", Some(&upper)), BODY)
        }),
        (
            "malformed_signature",
            verify("POST", PATH, &with(&h, "X-Signature", Some("zz")), BODY),
        ),
        (
            "signature_mismatch",
            verify("POST", &format!("{PATH}x"), &h, BODY),
        ),
        ("signature_mismatch", verify("DELETE", PATH, &h, BODY)),
        (
            "signature_mismatch",
            verify("POST", PATH, &with(&h, "Content-Type", None), BODY),
        ),
    ];
    for (want, got) in cases {
        assert_eq!(got.map_err(|r| r.code()), Err(want));
    }
    let stale = signed_headers("POST", PATH, None, DateInput::Unix(NOW - 901));
    assert_eq!(
        verify("POST", PATH, &stale, BODY),
        Err(Reason::StaleDate { skew: 901 })
    );
    let future = signed_headers("POST", PATH, None, DateInput::Unix(NOW + 901));
    assert_eq!(
        verify("POST", PATH, &future, BODY),
        Err(Reason::FutureDate { skew: 901 })
    );
    let edge = signed_headers("POST", PATH, None, DateInput::Unix(NOW - 900));
    assert_eq!(verify("POST", PATH, &edge, BODY), Ok(0));
    // Tolerance 0 disables the clock check; extreme clocks do not overflow.
    let req = ReceivedRequest {
        method: "POST",
        path: PATH,
        headers: &stale,
        body: BODY,
    };
    let off = VerifyOptions {
        now: i64::MIN,
        tolerance_secs: 0,
    };
    assert!(verify_request(&req, &[SECRET], &off).is_ok());
    for now in [i64::MIN, i64::MAX] {
        let r = verify_request(
            &req,
            &[SECRET],
            &VerifyOptions {
                now,
                tolerance_secs: u64::MAX,
            },
        );
        assert!(r.is_ok());
        let r = verify_request(
            &req,
            &[SECRET],
            &VerifyOptions {
                now,
                tolerance_secs: 1,
            },
        );
        assert!(matches!(
            r,
            Err(Reason::StaleDate { .. } | Reason::FutureDate { .. })
        ));
        let _ = diagnose_request(
            &req,
            &[SECRET],
            &VerifyOptions {
                now,
                tolerance_secs: 1,
            },
        );
    }
    assert_eq!(
        verify_request(&req, &[] as &[&[u8]], &off),
        Err(Reason::NoSecret)
    );
    assert_eq!(verify_request(&req, &[b""], &off), Err(Reason::NoSecret));
}

#[test]
fn gmt_and_wrong_weekday_dates_verify() {
    for date in [
        "Wed, 15 Dec 2021 23:12:55 GMT",
        "Mon, 15 Dec 2021 23:12:55 +0000",
    ] {
        let h = signed_headers("POST", PATH, None, DateInput::Text(date));
        assert_eq!(verify("POST", PATH, &h, BODY), Ok(0), "{date}");
    }
}

#[test]
fn rotation_reports_which_secret() {
    let h = good();
    let req = ReceivedRequest {
        method: "POST",
        path: PATH,
        headers: &h,
        body: BODY,
    };
    let r = verify_request(&req, &[b"new-key", SECRET], &VerifyOptions::at(NOW));
    assert_eq!(r.map(|v| v.secret_index), Ok(1));
    let r = verify_request(&req, &[b"new-key", b"old-key"], &VerifyOptions::at(NOW));
    assert_eq!(r, Err(Reason::SignatureMismatch));
}

#[test]
fn webhook_and_legacy() {
    let sig = webhook_signature(SECRET, BODY).unwrap();
    assert_eq!(
        verify_webhook(BODY, &sig, &[SECRET]).map(|v| v.secret_index),
        Ok(0)
    );
    assert_eq!(
        verify_webhook(b"{} ", &sig, &[SECRET]),
        Err(Reason::SignatureMismatch)
    );
    assert_eq!(
        verify_webhook(BODY, &sig.to_ascii_uppercase(), &[SECRET]),
        Err(Reason::MalformedSignature)
    );
    assert_eq!(
        verify_webhook(BODY, &sig[..39], &[SECRET]),
        Err(Reason::MalformedSignature)
    );
    assert_eq!(
        verify_webhook(BODY, &sig, &[] as &[&[u8]]),
        Err(Reason::NoSecret)
    );
    // The legacy request scheme is the hook's: HMAC-SHA1 of the body.
    let legacy = webhook_signature(SECRET, BODY).unwrap();
    assert!(verify_webhook(BODY, &legacy, &[b"x", SECRET]).is_ok());
    assert!(webhook_signature(b"", BODY).is_err());
}

fn diagnose(method: &str, path: &str, h: &Headers, body: &[u8]) -> Vec<&'static str> {
    let d = diagnose_request(
        &ReceivedRequest {
            method,
            path,
            headers: h,
            body,
        },
        &[SECRET],
        &VerifyOptions::at(NOW),
    );
    // The diagnosis never carries the secret.
    assert!(!format!("{d:?}").contains("s3cr3t"));
    d.findings.iter().map(|f| f.code).collect()
}

#[test]
fn diagnosis_names_the_component() {
    // Signed with the query string in the path.
    let h = {
        let c = amojo_kit::CanonicalString {
            method: "GET".into(),
            content_md5: amojo_kit::EMPTY_BODY_MD5.into(),
            content_type: "application/json".into(),
            date: "Wed, 15 Dec 2021 23:12:55 +0000".into(),
            path: "/v2/origin/custom/s/chats/c/history?limit=5".into(),
        };
        let sig = SigningKey::new(SECRET).unwrap().signature(&c);
        let mut h = Headers::new();
        h.append("Date", c.date.clone());
        h.append("Content-Type", c.content_type.clone());
        h.append("Content-MD5", c.content_md5.clone());
        h.append("X-Signature", sig);
        h
    };
    let f = diagnose(
        "GET",
        "/v2/origin/custom/s/chats/c/history?limit=5",
        &h,
        b"",
    );
    assert!(f.contains(&"signed_with_query"), "{f:?}");

    // The client added a charset after signing.
    let h = with(
        &good(),
        "Content-Type",
        Some("application/json; charset=utf-8"),
    );
    let f = diagnose("POST", PATH, &h, BODY);
    assert!(f.contains(&"content_type_rewritten"), "{f:?}");

    // The body was re-serialized after signing.
    let f = diagnose("POST", PATH, &good(), b"{\"account_id\": \"x\"}\n");
    assert!(f.contains(&"body_md5_mismatch"), "{f:?}");

    // Lower-case method signed.
    let c = amojo_kit::canonical_request(&RequestToSign {
        method: "POST",
        path: PATH,
        body: BODY,
        content_type: None,
        date: DateInput::Unix(NOW),
    })
    .unwrap();
    let lower = amojo_kit::CanonicalString {
        method: "post".into(),
        ..c.clone()
    };
    let h = with(
        &good(),
        "X-Signature",
        Some(&SigningKey::new(SECRET).unwrap().signature(&lower)),
    );
    assert!(diagnose("POST", PATH, &h, BODY).contains(&"method_case"));

    // Full URL signed.
    let url = amojo_kit::CanonicalString {
        path: format!("https://amojo.amocrm.ru{PATH}"),
        ..c.clone()
    };
    let h = with(
        &good(),
        "X-Signature",
        Some(&SigningKey::new(SECRET).unwrap().signature(&url)),
    );
    assert!(diagnose("POST", PATH, &h, BODY).contains(&"signed_full_url"));

    // Date produced twice, a second apart.
    let h = with(&good(), "Date", Some("Wed, 15 Dec 2021 23:12:56 +0000"));
    assert!(diagnose("POST", PATH, &h, BODY).contains(&"date_differs"));

    // Legacy scheme.
    let h = with(
        &good(),
        "X-Signature",
        Some(&webhook_signature(SECRET, BODY).unwrap()),
    );
    assert!(diagnose("POST", PATH, &h, BODY).contains(&"legacy_scheme"));

    // Wrong secret: nothing single matches.
    let other = sign_request(
        &RequestToSign {
            method: "POST",
            path: PATH,
            body: BODY,
            content_type: None,
            date: DateInput::Unix(NOW),
        },
        b"another",
    )
    .unwrap();
    let h: Headers = other.headers().into_iter().collect();
    assert_eq!(diagnose("POST", PATH, &h, BODY), vec!["no_variant_matches"]);

    // A good request: no findings, and the expected signature is the one sent.
    let d = diagnose_request(
        &ReceivedRequest {
            method: "POST",
            path: PATH,
            headers: &good(),
            body: BODY,
        },
        &[SECRET],
        &VerifyOptions::at(NOW),
    );
    assert!(d.outcome.is_ok() && d.findings.is_empty(), "{d:?}");
    assert_eq!(d.expected_signature, Some(header(&good(), "X-Signature")));
    assert_eq!(d.expected_canonical, c.to_string());
}

#[test]
fn header_lines_parse_as_a_raw_request_prints_them() {
    let h = Headers::parse("Date: Wed, 15 Dec 2021 23:12:55 +0000\r\n\r\nContent-Type:application/json \nX-Signature: a:b\n").unwrap();
    assert_eq!(
        h.iter().collect::<Vec<_>>(),
        [
            ("Date", "Wed, 15 Dec 2021 23:12:55 +0000"),
            ("Content-Type", "application/json"),
            ("X-Signature", "a:b")
        ]
    );
    for (text, line) in [
        ("no colon", 1),
        ("A: 1\n\n: empty name", 3),
        ("A: 1\nContent Type: x", 2),
    ] {
        let e = Headers::parse(text).unwrap_err();
        assert_eq!(e.line, line, "{text:?}");
        assert_eq!(
            e.to_string(),
            format!("line {line} is not a `Name: value` header line")
        );
    }
}

/// A secret passed where the signature, a header or the path goes is never shown back: the
/// texts say `[secret]`, whatever its case, and a finding says the secret was sent.
#[test]
fn diagnosis_never_shows_the_secret() {
    let secret = std::str::from_utf8(SECRET).unwrap();
    let upper = secret.to_ascii_uppercase();
    let cases = [
        (
            "POST",
            PATH.to_owned(),
            with(&good(), "X-Signature", Some(secret)),
        ),
        (
            "POST",
            PATH.to_owned(),
            with(&good(), "Content-Type", Some(secret)),
        ),
        ("POST", PATH.to_owned(), with(&good(), "Date", Some(&upper))),
        (
            "POST",
            PATH.to_owned(),
            with(&good(), "Content-MD5", Some(secret)),
        ),
        (
            "POST",
            format!("/v2/origin/custom/{secret}/connect"),
            good(),
        ),
        (upper.as_str(), PATH.to_owned(), good()),
    ];
    for (method, path, h) in &cases {
        let req = ReceivedRequest {
            method,
            path,
            headers: h,
            body: BODY,
        };
        let d = diagnose_request(&req, &[SECRET], &VerifyOptions::at(NOW));
        let text = serde_json::to_string(&d).unwrap();
        assert!(!text.to_ascii_lowercase().contains(secret), "{text}");
        let quoted = text.contains("[secret]");
        assert_eq!(
            d.findings.iter().any(|f| f.code == "secret_in_request"),
            quoted,
            "{text}"
        );
        // Only a text that quotes the request shows it; each case quotes it somewhere.
        assert!(
            quoted || d.expected_canonical.is_empty(),
            "{method} {path}: {text}"
        );
    }
    // Short secrets are not looked for (a path may hold a few bytes by chance).
    let req = ReceivedRequest {
        method: "POST",
        path: "/v2/origin/custom/abc/connect",
        headers: &good(),
        body: BODY,
    };
    let d = diagnose_request(&req, &[b"abc"], &VerifyOptions::at(NOW));
    assert!(d.expected_canonical.contains("/abc/"));
    assert!(d.findings.iter().all(|f| f.code != "secret_in_request"));
}
