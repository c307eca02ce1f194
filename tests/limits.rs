//! Bounded work on hostile bodies: size, depth and issue limits with safe defaults.

use std::time::{Duration, Instant};

use amojo_kit::{Endpoint, ValidateOptions, validate};

fn codes(r: &amojo_kit::Report) -> Vec<&'static str> {
    r.errors.iter().map(|i| i.code.code()).collect()
}

fn bounded(body: &[u8], opts: &ValidateOptions) -> amojo_kit::Report {
    let t = Instant::now();
    let r = validate(Endpoint::SendMessage, body, opts);
    // A bound, not a benchmark: debug build, shared CI machine.
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    assert!(r.errors.len() + r.warnings.len() <= opts.max_issues);
    assert!(!r.valid);
    r
}

#[test]
fn defaults_are_safe() {
    let d = ValidateOptions::default();
    assert_eq!(
        (d.max_issues, d.max_body_bytes, d.max_depth),
        (100, 1 << 20, 32)
    );
}

#[test]
fn ten_megabytes_of_garbage() {
    let garbage: Vec<u8> = (0..10u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let r = bounded(&garbage, &ValidateOptions::default());
    assert_eq!(codes(&r), ["too_large"]);
    // Even when the size limit is lifted, garbage stops at the first bad byte.
    let lifted = ValidateOptions {
        max_body_bytes: usize::MAX,
        ..Default::default()
    };
    assert_eq!(codes(&bounded(&garbage, &lifted)), ["invalid_json"]);
}

#[test]
fn deep_nesting() {
    let lifted = ValidateOptions {
        max_body_bytes: usize::MAX,
        ..Default::default()
    };
    for depth in [33, 129, 10_000, 5_000_000] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let r = bounded(body.as_bytes(), &lifted);
        assert_eq!(codes(&r), ["too_deep"], "{depth}");
    }
    let objects = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    assert_eq!(codes(&bounded(objects.as_bytes(), &lifted)), ["too_deep"]);
    // Within the limit, the body is validated as usual.
    let ok = format!("{}{}", "[".repeat(32), "]".repeat(32));
    assert_eq!(
        codes(&validate(
            Endpoint::Connect,
            ok.as_bytes(),
            &Default::default()
        )),
        ["type"]
    );
}

#[test]
fn many_unknown_fields_are_capped() {
    // As many look-alike unknown keys as fit in the default 1 MiB: each would get a
    // did-you-mean; past the cap none is computed.
    let mut keys = Vec::new();
    let mut len = 0;
    while len < (1 << 20) - 100 {
        let k = format!("\"conversaton_id{}\":1", keys.len());
        len += k.len() + 1;
        keys.push(k);
    }
    let body = format!(
        "{{\"event_type\":\"new_message\",\"payload\":{{{}}}}}",
        keys.join(",")
    );
    assert!(body.len() <= 1 << 20, "{}", body.len());
    let r = bounded(body.as_bytes(), &ValidateOptions::default());
    assert!(r.truncated);
    assert_eq!(r.errors.len() + r.warnings.len(), 100);
}
