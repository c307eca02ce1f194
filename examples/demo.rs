//! The main job, end to end: take the sample requests printed in the docs
//! (chat-step-by-step.md), validate each body, serialize it the way the docs' PHP did,
//! check that the Content-MD5 matches the one the docs print, sign it, verify the result as
//! a receiver would, and print the headers and a ready curl command.
//!
//! Run: `make demo` (or `cargo run --example demo`). The docs never publish their channel
//! secret, so the signatures here use `AMOJO_SECRET` or the placeholder `demo-secret`.

use std::process::ExitCode;

use amojo_kit::{
    BodyStyle, DateInput, Headers, ReceivedRequest, RequestToSign, ValidateOptions, VerifyOptions,
    parse_date, reserialize, sign_request, validate_request, verify_request,
};
use serde_json::Value;

const BASE: &str = "https://amojo.amocrm.ru";

fn main() -> ExitCode {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/docs_requests.json"
    );
    let vectors: Vec<Value> = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("demo: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let secret = std::env::var("AMOJO_SECRET").unwrap_or_else(|_| "demo-secret".to_owned());
    let mut failures = 0;
    for v in vectors.iter().filter(|v| v["md5_reproducible"] == true) {
        let field = |k: &str| v[k].as_str().unwrap_or_default();
        let (name, method, url, date) =
            (field("name"), field("method"), field("url"), field("date"));
        println!("── {name}  ({})", field("source"));
        let body = match v["body"].as_str().filter(|b| !b.is_empty()) {
            Some(b) => match reserialize(b.as_bytes(), BodyStyle::Php) {
                Ok(s) => s,
                Err(e) => {
                    println!("   body does not parse: {e}");
                    failures += 1;
                    continue;
                }
            },
            None => String::new(),
        };
        let report = validate_request(method, url, body.as_bytes(), &ValidateOptions::default());
        let endpoint = report.endpoint.map_or("?", |e| e.as_str());
        println!(
            "   validate: {endpoint}: {} ({} errors, {} warnings)",
            if report.valid { "valid" } else { "INVALID" },
            report.errors.len(),
            report.warnings.len()
        );
        for i in report.errors.iter().chain(&report.warnings) {
            println!("     {} {} {}", i.path, i.code.code(), i.message);
        }
        let signed = match sign_request(
            &RequestToSign {
                method,
                path: url,
                body: body.as_bytes(),
                content_type: None,
                date: DateInput::Text(date),
            },
            secret.as_bytes(),
        ) {
            Ok(s) => s,
            Err(e) => {
                println!("   sign: {e}");
                failures += 1;
                continue;
            }
        };
        let md5_ok = signed.content_md5 == field("content_md5");
        println!(
            "   Content-MD5 {} the docs' {}",
            if md5_ok { "matches" } else { "DIFFERS FROM" },
            field("content_md5")
        );
        let headers: Headers = signed.headers().into_iter().collect();
        let now = parse_date(date).map(|p| p.unix).unwrap_or_default();
        let verified = verify_request(
            &ReceivedRequest {
                method,
                path: url,
                headers: &headers,
                body: body.as_bytes(),
            },
            &[secret.as_bytes()],
            &VerifyOptions::at(now),
        );
        println!(
            "   verify (as the server would, at the Date): {}",
            match &verified {
                Ok(_) => "ok".to_owned(),
                Err(r) => format!("rejected: {} ({r})", r.code()),
            }
        );
        if !md5_ok || verified.is_err() || !report.valid {
            failures += 1;
        }
        println!();
        println!("{method} {url}");
        for (n, val) in signed.headers() {
            println!("{n}: {val}");
        }
        println!();
        let curl = amojo_kit::curl_command(
            &signed.canonical.method,
            &amojo_kit::request_url(BASE, url),
            &signed.headers(),
            amojo_kit::CurlBody::Bytes(body.as_bytes()),
        )
        .map(|c| String::from_utf8_lossy(&c).into_owned())
        .unwrap_or_default();
        println!("{curl}\n");
    }
    if failures > 0 {
        eprintln!("demo: {failures} sample(s) failed");
        return ExitCode::FAILURE;
    }
    println!("all docs samples validated, matched the docs' Content-MD5, signed and verified");
    ExitCode::SUCCESS
}
