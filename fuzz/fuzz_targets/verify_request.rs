//! Request verification with arbitrary method, path, headers and body: no panic, no leak of
//! the secret, and anything signed verifies while any changed byte does not.
#![no_main]

use amojo_kit::{
    DateInput, Headers, ReceivedRequest, RequestToSign, VerifyOptions, diagnose_request,
    sign_request, verify_request,
};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-secret-7d1e";

#[derive(Arbitrary, Debug)]
struct Input {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    now: i64,
    tolerance: u16,
    date: u32,
    flip: u16,
}

fuzz_target!(|i: Input| {
    let headers: Headers = i.headers.iter().cloned().collect();
    let req = ReceivedRequest {
        method: &i.method,
        path: &i.path,
        headers: &headers,
        body: &i.body,
    };
    let opts = VerifyOptions {
        now: i.now,
        tolerance_secs: u64::from(i.tolerance),
    };
    let _ = verify_request(&req, &[SECRET, b"other"], &opts);
    let d = diagnose_request(&req, &[SECRET], &opts);
    let shown = format!("{d:?}");
    assert!(!shown.contains("fuzz-secret-7d1e"));

    // Sign the same request: it verifies, and a flipped body byte does not.
    let date = i64::from(i.date);
    let Ok(s) = sign_request(
        &RequestToSign {
            method: &i.method,
            path: &i.path,
            body: &i.body,
            content_type: None,
            date: DateInput::Unix(date),
        },
        SECRET,
    ) else {
        return;
    };
    let signed: Headers = s.headers().into_iter().collect();
    let req = ReceivedRequest {
        headers: &signed,
        ..req
    };
    let at = VerifyOptions::at(date);
    assert!(verify_request(&req, &[SECRET], &at).is_ok());
    if !i.body.is_empty() {
        let mut body = i.body.clone();
        let k = usize::from(i.flip) % body.len();
        body[k] ^= 1 << (i.flip % 8);
        let bad = ReceivedRequest { body: &body, ..req };
        assert!(verify_request(&bad, &[SECRET], &at).is_err());
    }
});
