//! End-to-end tests of the `amojo` binary: real processes, real exit codes, real output.
//!
//! Every run goes through [`run`], which asserts that no test secret appears in stdout or
//! stderr, whatever the command.

use std::io::Write;
use std::process::{Command, Stdio};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha1::Sha1;

const SECRET: &str = "test-secret";
const OLD_SECRET: &str = "previous-channel-secret";
const ENV_SECRET: &str = "secret-from-the-environment";
/// Every secret any test passes; none may ever be printed.
const ALL_SECRETS: &[&str] = &[SECRET, OLD_SECRET, ENV_SECRET, "wrong-secret-value"];

const DATE: &str = "Wed, 15 Dec 2021 23:12:55 +0000";
const DATE_UNIX: &str = "1639609975";
const CONNECT_URL: &str =
    "https://amojo.amocrm.ru/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
const CONNECT_PATH: &str = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/connect";
/// The connect body as chat-step-by-step.md prints it (pretty, with spaces).
const CONNECT_PRETTY: &str = r#"{"account_id": "52e591f7-c98f-4255-8495-827210138c81", "title": "ChatsIntegration", "hook_api_version": "v2"}"#;
const CONNECT_PHP: &str = r#"{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}"#;
const CONNECT_MD5: &str = "2fbcb3c652b61e24e004daddfc73d0ce";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `amojo` with `args`, optional stdin, and extra environment (AMOJO_SECRET is
/// removed unless given). Asserts that no secret leaks and that nothing panicked.
fn run_with(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_amojo"));
    cmd.args(args)
        .env_remove("AMOJO_SECRET")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn amojo");
    if let Some(input) = stdin {
        let mut w = child.stdin.take().expect("stdin");
        // The child may exit before reading (a usage error): a broken pipe is fine.
        if let Err(e) = w.write_all(input) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    let o = child.wait_with_output().expect("wait amojo");
    let out = Out {
        code: o.status.code().expect("exit code (not a signal)"),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    for s in ALL_SECRETS {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "secret `{s}` printed by `amojo {}`:\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
    }
    assert!(
        !out.stderr.contains("panicked"),
        "amojo {} panicked: {}",
        args.join(" "),
        out.stderr
    );
    out
}

fn run(args: &[&str]) -> Out {
    run_with(args, None, &[])
}

fn json(o: &Out) -> Value {
    serde_json::from_str(o.stdout.trim())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} / {:?}", o.stdout, o.stderr))
}

fn hmac_sha1_hex(key: &str, msg: &str) -> String {
    let mut m = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("hmac key");
    m.update(msg.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn tmp_file(name: &str, bytes: &[u8]) -> String {
    // Under target/tmp (CARGO_TARGET_TMPDIR), not the system temp dir: nothing left behind.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("amojo-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write tmp file");
    p.to_string_lossy().into_owned()
}

/// `sign --json` of the docs' connect request (PHP style, fixed date).
fn sign_connect_json() -> Value {
    let o = run_with(
        &[
            "sign",
            "--style",
            "php",
            "--date",
            DATE,
            "--secret",
            SECRET,
            "--method",
            "POST",
            "--path",
            CONNECT_URL,
            "--json",
            "-",
        ],
        Some(CONNECT_PRETTY.as_bytes()),
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    json(&o)
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("`{k}` is not a string in {v}"))
}

// ---------------------------------------------------------------------------------------
// sign

#[test]
fn sign_reproduces_the_docs_connect_example() {
    let file = tmp_file("connect-pretty.json", CONNECT_PRETTY.as_bytes());
    let o = run(&[
        "sign",
        "--style",
        "php",
        "--date",
        DATE,
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_URL,
        &file,
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let canonical = format!("POST\n{CONNECT_MD5}\napplication/json\n{DATE}\n{CONNECT_PATH}");
    let expected_sig = hmac_sha1_hex(SECRET, &canonical);
    assert_eq!(
        o.stdout,
        format!(
            "Date: {DATE}\nContent-Type: application/json\nContent-MD5: {CONNECT_MD5}\nX-Signature: {expected_sig}\n"
        )
    );

    let v = sign_connect_json();
    assert_eq!(s(&v, "date"), DATE);
    assert_eq!(s(&v, "content_type"), "application/json");
    assert_eq!(s(&v, "content_md5"), CONNECT_MD5);
    assert_eq!(s(&v, "canonical"), canonical);
    assert_eq!(s(&v, "signature"), expected_sig);
    assert_eq!(s(&v, "body"), CONNECT_PHP);
    assert!(v.get("body_base64").is_none());
}

#[test]
fn sign_without_style_signs_the_bytes_as_they_are() {
    let o = run(&[
        "sign",
        "--date",
        DATE,
        "--secret",
        SECRET,
        "--method",
        "post",
        "--path",
        CONNECT_PATH,
        "--data",
        CONNECT_PRETTY,
        "--json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = json(&o);
    assert_eq!(s(&v, "body"), CONNECT_PRETTY);
    assert_ne!(s(&v, "content_md5"), CONNECT_MD5);
    // The method is upper-cased in the canonical string.
    assert!(s(&v, "canonical").starts_with("POST\n"));

    // compact style: serde_json compact, `/` and non-ASCII kept.
    let o = run(&[
        "sign",
        "--date",
        DATE,
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_PATH,
        "--style",
        "compact",
        "--data",
        r#"{ "a": "x/й" }"#,
        "--json",
    ]);
    assert_eq!(s(&json(&o), "body"), r#"{"a":"x/й"}"#);
    let o = run(&[
        "sign",
        "--date",
        DATE,
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_PATH,
        "--style",
        "php",
        "--data",
        r#"{ "a": "x/й" }"#,
        "--json",
    ]);
    assert_eq!(s(&json(&o), "body"), r#"{"a":"x\/\u0439"}"#);
}

#[test]
fn sign_get_without_file_has_an_empty_body() {
    let o = run(&[
        "sign",
        "--now=1639609975",
        "--secret",
        SECRET,
        "--method",
        "GET",
        "--path",
        "/v2/origin/custom/scope/chats/conv/history?limit=5",
        "--json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = json(&o);
    assert_eq!(s(&v, "content_md5"), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(s(&v, "body"), "");
    assert_eq!(s(&v, "date"), DATE, "--now=UNIX formats that instant");
    assert!(s(&v, "canonical").ends_with("\n/v2/origin/custom/scope/chats/conv/history"));
}

#[test]
fn sign_now_uses_the_system_clock() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for extra in [&["--now"][..], &[][..]] {
        let mut a = vec![
            "sign", "--secret", SECRET, "--method", "GET", "--path", "/x", "--json",
        ];
        a.extend_from_slice(extra);
        let v = json(&run(&a));
        // Verify the fresh date against the real clock with the default window.
        let o = run(&[
            "verify",
            "--secret",
            SECRET,
            "--method",
            "GET",
            "--path",
            "/x",
            "-H",
            &format!("Date: {}", s(&v, "date")),
            "-H",
            &format!("Content-MD5: {}", s(&v, "content_md5")),
            "-H",
            &format!("X-Signature: {}", s(&v, "signature")),
            "-H",
            "Content-Type: application/json",
        ]);
        assert_eq!(o.stdout, "ok\n", "{}", o.stderr);
        // And the date is now: a 5-minute tolerance around the time read above passes.
        let o = run(&[
            "verify",
            "--secret",
            SECRET,
            "--method",
            "GET",
            "--path",
            "/x",
            "--now",
            &before.to_string(),
            "--tolerance",
            "300",
            "-H",
            &format!("Date: {}", s(&v, "date")),
            "-H",
            &format!("Content-MD5: {}", s(&v, "content_md5")),
            "-H",
            &format!("X-Signature: {}", s(&v, "signature")),
            "-H",
            "Content-Type: application/json",
        ]);
        assert_eq!(o.code, 0, "{}", o.stdout);
    }
}

#[test]
fn sign_non_utf8_body_is_reported_as_base64() {
    let file = tmp_file("binary.bin", &[0xff, 0x00, b'a']);
    let o = run(&[
        "sign", "--date", DATE, "--secret", SECRET, "--method", "POST", "--path", "/x", &file,
        "--json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = json(&o);
    assert!(v["body"].is_null());
    assert_eq!(s(&v, "body_base64"), "/wBh");
}

#[test]
fn sign_curl_command() {
    let o = run_with(
        &[
            "sign",
            "--style",
            "php",
            "--date",
            DATE,
            "--secret",
            SECRET,
            "--method",
            "POST",
            "--path",
            CONNECT_URL,
            "--curl",
            "http://localhost:8080/",
            "-",
        ],
        Some(CONNECT_PRETTY.as_bytes()),
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let sig = hmac_sha1_hex(
        SECRET,
        &format!("POST\n{CONNECT_MD5}\napplication/json\n{DATE}\n{CONNECT_PATH}"),
    );
    assert_eq!(
        o.stdout,
        format!(
            "curl -X POST 'http://localhost:8080{CONNECT_PATH}' -H 'Date: {DATE}' -H 'Content-Type: application/json' -H 'Content-MD5: {CONNECT_MD5}' -H 'X-Signature: {sig}' --data-binary '{CONNECT_PHP}'\n"
        )
    );

    // GET: the query is kept in the URL, there is no --data-binary.
    let o = run(&[
        "sign",
        "--date",
        DATE,
        "--secret",
        SECRET,
        "--method",
        "GET",
        "--path",
        "/v2/origin/custom/s/chats/c/history?limit=5&offset=0",
        "--curl",
        "https://amojo.amocrm.ru",
    ]);
    assert!(
        o.stdout
            .starts_with("curl -X GET 'https://amojo.amocrm.ru/v2/origin/custom/s/chats/c/history?limit=5&offset=0' -H 'Date: "),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("--data-binary"));

    // A quote in the body is POSIX-escaped; the shell gives back the exact bytes.
    let body = r#"{"text":"it's a 'test' $HOME `x`"}"#;
    let o = run(&[
        "sign", "--date", DATE, "--secret", SECRET, "--method", "POST", "--path", "/x", "--data",
        body, "--curl", "http://h",
    ]);
    assert!(
        o.stdout
            .contains(r#"'{"text":"it'\''s a '\''test'\'' $HOME `x`"}'"#)
    );
    let quoted = o
        .stdout
        .trim_end()
        .split_once(" --data-binary ")
        .expect("--data-binary")
        .1;
    let sh = Command::new("sh")
        .arg("-c")
        .arg(format!("printf %s {quoted}"))
        .output()
        .expect("sh");
    assert_eq!(String::from_utf8_lossy(&sh.stdout), body);
}

#[test]
fn sign_curl_special_bodies() {
    // --json with --curl carries the command as a field.
    let o = run(&[
        "sign", "--date", DATE, "--secret", SECRET, "--method", "POST", "--path", "/x", "--data",
        "{}", "--json", "--curl", "http://h",
    ]);
    let v = json(&o);
    assert!(s(&v, "curl").starts_with("curl -X POST 'http://h/x' -H 'Date: "));
    assert!(s(&v, "curl").ends_with(" --data-binary '{}'"));
    // A NUL byte cannot be a shell argument: curl reads the file instead.
    let file = tmp_file("nul.bin", b"a\0b");
    let o = run(&[
        "sign", "--date", DATE, "--secret", SECRET, "--method", "POST", "--path", "/x", &file,
        "--curl", "http://h",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .trim_end()
            .ends_with(&format!(" --data-binary '@{file}'")),
        "{}",
        o.stdout
    );
    // A leading `@` must not make curl read a file.
    let o = run(&[
        "sign", "--date", DATE, "--secret", SECRET, "--method", "POST", "--path", "/x", "--data",
        "@etc", "--curl", "http://h",
    ]);
    assert!(
        o.stdout.trim_end().ends_with(" --data-raw '@etc'"),
        "{}",
        o.stdout
    );
}

// ---------------------------------------------------------------------------------------
// verify

/// Headers of a `sign --json` output as `--header` arguments.
fn header_args(v: &Value) -> Vec<String> {
    vec![
        format!("Date: {}", s(v, "date")),
        format!("Content-Type: {}", s(v, "content_type")),
        format!("Content-MD5: {}", s(v, "content_md5")),
        format!("X-Signature: {}", s(v, "signature")),
    ]
}

/// `verify --json` of the connect request with the given path, headers and body.
fn verify_json(path: &str, headers: &[String], body: &str, extra: &[&str]) -> (i32, Value) {
    let mut a = vec![
        "verify", "--secret", SECRET, "--method", "POST", "--path", path, "--json", "-",
    ];
    if !extra.contains(&"--now") {
        a.extend(["--now", DATE_UNIX]);
    }
    for h in headers {
        a.push("--header");
        a.push(h);
    }
    a.extend_from_slice(extra);
    let o = run_with(&a, Some(body.as_bytes()), &[]);
    (o.code, json(&o))
}

#[test]
fn sign_verify_round_trip_and_every_tampering_is_rejected() {
    let v = sign_connect_json();
    let headers = header_args(&v);
    let body = s(&v, "body").to_owned();
    let sig = s(&v, "signature").to_owned();

    // Human output.
    let mut a = vec![
        "verify",
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_URL,
        "--now",
        DATE_UNIX,
    ];
    for h in &headers {
        a.extend(["--header", h.as_str()]);
    }
    let o = run_with(&a, None, &[]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (
            1,
            "rejected: md5_mismatch: the body's MD5 does not match the `Content-MD5` header\n"
        ),
        "no FILE: an empty body"
    );
    a.push("-");
    let o = run_with(&a, Some(body.as_bytes()), &[]);
    assert_eq!((o.code, o.stdout.as_str()), (0, "ok\n"), "{}", o.stderr);

    // JSON output, with the path, or the full URL with a query (not signed).
    assert_eq!(
        verify_json(CONNECT_PATH, &headers, &body, &[]),
        (0, serde_json::json!({"ok": true, "secret_index": 0}))
    );
    let (code, _) = verify_json(&format!("{CONNECT_URL}?x=1"), &headers, &body, &[]);
    assert_eq!(code, 0);

    let reason = |(code, v): (i32, Value)| {
        assert_eq!(code, 1, "{v}");
        assert_eq!(v["ok"], false);
        assert!(!s(&v, "message").is_empty());
        s(&v, "reason").to_owned()
    };
    // One byte of the body.
    let tampered = body.replacen("ChatsIntegration", "ChatsIntegratioN", 1);
    assert_eq!(
        reason(verify_json(CONNECT_PATH, &headers, &tampered, &[])),
        "md5_mismatch"
    );
    // One byte of the path.
    let path2 = CONNECT_PATH.replacen("/connect", "/connecT", 1);
    assert_eq!(
        reason(verify_json(&path2, &headers, &body, &[])),
        "signature_mismatch"
    );
    // One second of the date.
    let mut h2 = headers.clone();
    h2[0] = "Date: Wed, 15 Dec 2021 23:12:56 +0000".to_owned();
    assert_eq!(
        reason(verify_json(CONNECT_PATH, &h2, &body, &[])),
        "signature_mismatch"
    );
    // One hex digit of the signature.
    let mut h3 = headers.clone();
    let flipped = if sig.starts_with('0') { "1" } else { "0" };
    h3[3] = format!("X-Signature: {flipped}{}", &sig[1..]);
    assert_eq!(
        reason(verify_json(CONNECT_PATH, &h3, &body, &[])),
        "signature_mismatch"
    );
    // A malformed signature and a missing header.
    let mut h4 = headers.clone();
    h4[3] = "X-Signature: nothex".to_owned();
    assert_eq!(
        reason(verify_json(CONNECT_PATH, &h4, &body, &[])),
        "malformed_signature"
    );
    let (code, v) = verify_json(CONNECT_PATH, &headers[..3], &body, &[]);
    assert_eq!(reason((code, v.clone())), "missing_header");
    assert_eq!(v["header"], "X-Signature");
    // The clock: far from the Date in either direction; 0 disables the check.
    let later = (1_639_609_975 + 3600).to_string();
    let earlier = (1_639_609_975 - 3600).to_string();
    let (code, v) = verify_json(CONNECT_PATH, &headers, &body, &["--now", &later]);
    assert_eq!(reason((code, v.clone())), "stale_date");
    assert_eq!(v["skew"], 3600);
    assert_eq!(
        reason(verify_json(
            CONNECT_PATH,
            &headers,
            &body,
            &["--now", &earlier]
        )),
        "future_date"
    );
    assert_eq!(
        verify_json(
            CONNECT_PATH,
            &headers,
            &body,
            &["--now", &later, "--tolerance", "3600"]
        )
        .0,
        0
    );
    assert_eq!(
        verify_json(
            CONNECT_PATH,
            &headers,
            &body,
            &["--now", "0", "--tolerance", "0"]
        )
        .0,
        0
    );
    // A wrong secret.
    let o = run_with(
        &[
            "verify",
            "--secret",
            "wrong-secret-value",
            "--method",
            "POST",
            "--path",
            CONNECT_PATH,
            "--now",
            DATE_UNIX,
            "-H",
            &headers[0],
            "-H",
            &headers[1],
            "-H",
            &headers[2],
            "-H",
            &headers[3],
            "-",
        ],
        Some(body.as_bytes()),
        &[],
    );
    assert_eq!(o.code, 1);
    assert!(o.stdout.starts_with("rejected: signature_mismatch: "));
}

#[test]
fn verify_never_prints_the_expected_signature() {
    let v = sign_connect_json();
    let headers = header_args(&v);
    let body = s(&v, "body");
    // A request to another path: diagnose shows what would have been expected …
    let path2 = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7/disconnect";
    let mut a = vec![
        "diagnose", "--secret", SECRET, "--method", "POST", "--path", path2, "--now", DATE_UNIX,
        "--json", "-",
    ];
    for h in &headers {
        a.extend(["-H", h.as_str()]);
    }
    let d = json(&run_with(&a, Some(body.as_bytes()), &[]));
    let expected = s(&d, "expected_signature").to_owned();
    assert_eq!(expected.len(), 40);
    // … verify, in either output mode, never does.
    a[0] = "verify";
    for json_flag in [true, false] {
        let mut a2 = a.clone();
        if !json_flag {
            a2.retain(|x| *x != "--json");
        }
        let o = run_with(&a2, Some(body.as_bytes()), &[]);
        assert_eq!(o.code, 1);
        assert!(!o.stdout.contains(&expected) && !o.stderr.contains(&expected));
    }
}

#[test]
fn secret_from_the_environment() {
    let env = [("AMOJO_SECRET", ENV_SECRET)];
    let o = run_with(
        &[
            "sign", "--date", DATE, "--method", "POST", "--path", "/x", "--data", "{}", "--json",
        ],
        None,
        &env,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = json(&o);
    assert_eq!(
        s(&v, "signature"),
        hmac_sha1_hex(ENV_SECRET, s(&v, "canonical"))
    );
    let h = header_args(&v);
    let verify = |env: &[(&str, &str)], extra: &[&str]| {
        let mut a = vec![
            "verify", "--method", "POST", "--path", "/x", "--data", "{}", "--now", DATE_UNIX,
        ];
        for x in &h {
            a.extend(["-H", x.as_str()]);
        }
        a.extend_from_slice(extra);
        run_with(&a, None, env)
    };
    assert_eq!(verify(&env, &[]).stdout, "ok\n");
    // --secret wins over the environment.
    let o = verify(&env, &["--secret", SECRET]);
    assert_eq!(
        (o.code, o.stdout.starts_with("rejected: signature_mismatch")),
        (1, true)
    );
    // Neither: a usage error.
    let o = verify(&[], &[]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("AMOJO_SECRET"), "{}", o.stderr);
    // Set but empty: a usage error too.
    assert_eq!(verify(&[("AMOJO_SECRET", "")], &[]).code, 2);

    // Webhooks read it as well.
    let o = run_with(&["webhook", "sign", "--data", "{}"], None, &env);
    assert_eq!(o.stdout.trim(), hmac_sha1_hex(ENV_SECRET, "{}"));
}

#[test]
fn two_secrets_for_rotation() {
    for (signing, index) in [(OLD_SECRET, 1), (SECRET, 0)] {
        let v = json(&run(&[
            "sign", "--date", DATE, "--secret", signing, "--method", "POST", "--path", "/x",
            "--data", "{}", "--json",
        ]));
        let h = header_args(&v);
        let mut a = vec![
            "verify", "--secret", SECRET, "--secret", OLD_SECRET, "--method", "POST", "--path",
            "/x", "--data", "{}", "--now", DATE_UNIX, "--json",
        ];
        for x in &h {
            a.extend(["-H", x.as_str()]);
        }
        let o = run(&a);
        assert_eq!(
            json(&o),
            serde_json::json!({"ok": true, "secret_index": index})
        );
        a.retain(|x| *x != "--json");
        assert_eq!(run(&a).stdout, "ok\n");
        // diagnose names the older secret.
        a[0] = "diagnose";
        let o = run(&a);
        assert_eq!(o.code, 0);
        assert_eq!(
            o.stdout.contains("older_secret"),
            index == 1,
            "{}",
            o.stdout
        );
    }
    // Signing takes one secret.
    let o = run(&[
        "sign", "--secret", SECRET, "--secret", OLD_SECRET, "--method", "GET", "--path", "/x",
    ]);
    assert_eq!(o.code, 2);
}

// ---------------------------------------------------------------------------------------
// diagnose

#[test]
fn diagnose_finds_a_query_signed_with_the_path() {
    // A buggy client signed `/path?limit=5` instead of `/path`.
    let target = "/v2/origin/custom/scope/chats/conv/history?limit=5";
    let md5 = "d41d8cd98f00b204e9800998ecf8427e";
    let bad_sig = hmac_sha1_hex(
        SECRET,
        &format!("GET\n{md5}\napplication/json\n{DATE}\n{target}"),
    );
    let headers = [
        format!("Date: {DATE}"),
        "Content-Type: application/json".to_owned(),
        format!("Content-MD5: {md5}"),
        format!("X-Signature: {bad_sig}"),
    ];
    let mut a = vec![
        "diagnose", "--secret", SECRET, "--method", "GET", "--path", target, "--now", DATE_UNIX,
    ];
    for h in &headers {
        a.extend(["-H", h.as_str()]);
    }
    let o = run(&a);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.starts_with("rejected: signature_mismatch: "),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("\n    path signed_with_query: "),
        "{}",
        o.stdout
    );
    // The canonical string, one component per indented line.
    let good_path = "/v2/origin/custom/scope/chats/conv/history";
    assert!(o.stdout.contains(&format!(
        "\n    GET\n    {md5}\n    application/json\n    {DATE}\n    {good_path}\n"
    )));
    let good_sig = hmac_sha1_hex(
        SECRET,
        &format!("GET\n{md5}\napplication/json\n{DATE}\n{good_path}"),
    );
    assert!(
        o.stdout
            .contains(&format!("expected signature: {good_sig}\n"))
    );
    assert!(o.stdout.contains(&format!("body md5:           {md5}\n")));

    a.push("--json");
    let o = run(&a);
    assert_eq!(o.code, 1);
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(v["reason"], "signature_mismatch");
    assert_eq!(s(&v, "expected_signature"), good_sig);
    assert_eq!(s(&v, "body_md5"), md5);
    assert_eq!(
        s(&v, "expected_canonical"),
        format!("GET\n{md5}\napplication/json\n{DATE}\n{good_path}")
    );
    let findings = v["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["component"] == "path" && f["code"] == "signed_with_query"),
        "{v}"
    );
}

#[test]
fn diagnose_finds_a_rewritten_content_type() {
    let v = sign_connect_json();
    let body = s(&v, "body");
    // Signed with `application/json`; the HTTP client sent it with a charset.
    let headers = [
        format!("Date: {DATE}"),
        "Content-Type: application/json; charset=utf-8".to_owned(),
        format!("Content-MD5: {}", s(&v, "content_md5")),
        format!("X-Signature: {}", s(&v, "signature")),
    ];
    let mut a = vec![
        "diagnose",
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_PATH,
        "--now",
        DATE_UNIX,
        "--json",
        "-",
    ];
    for h in &headers {
        a.extend(["--header", h.as_str()]);
    }
    let o = run_with(&a, Some(body.as_bytes()), &[]);
    assert_eq!(o.code, 1);
    let d = json(&o);
    let codes: Vec<&str> = d["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"content_type_rewritten"), "{d}");
    assert!(codes.contains(&"content_type_not_json"), "{d}");
    // The same request verifies with the header as signed.
    a[0] = "verify";
    let fixed = format!("Content-Type: {}", s(&v, "content_type"));
    let i = a
        .iter()
        .position(|x| x.contains("charset"))
        .expect("ct header");
    a[i] = &fixed;
    assert_eq!(run_with(&a, Some(body.as_bytes()), &[]).code, 0);
}

#[test]
fn diagnose_ok_exits_zero() {
    let v = sign_connect_json();
    let mut a = vec![
        "diagnose",
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_URL,
        "--now",
        DATE_UNIX,
        "-",
    ];
    let h = header_args(&v);
    for x in &h {
        a.extend(["-H", x.as_str()]);
    }
    let o = run_with(&a, Some(s(&v, "body").as_bytes()), &[]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.starts_with("ok\n"));
    assert!(o.stdout.contains("findings: none"));
}

// ---------------------------------------------------------------------------------------
// validate

fn docs_bodies() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/docs_bodies.json"
    ))
    .expect("docs_bodies.json");
    serde_json::from_str::<Value>(&text)
        .expect("vectors are JSON")
        .as_array()
        .expect("an array")
        .clone()
}

#[test]
fn validate_accepts_every_docs_body() {
    let bodies = docs_bodies();
    assert!(bodies.len() >= 20);
    for b in bodies {
        let name = s(&b, "name");
        let endpoint = s(&b, "endpoint");
        let body = b["body"].to_string();
        let o = run_with(
            &["validate", "--endpoint", endpoint, "-"],
            Some(body.as_bytes()),
            &[],
        );
        assert_eq!(o.code, 0, "{name}: {}", o.stdout);
        assert!(
            o.stdout
                .lines()
                .last()
                .unwrap_or("")
                .starts_with(&format!("valid {endpoint}: 0 errors")),
            "{name}: {}",
            o.stdout
        );
        // Route mode, for the vectors that name a real path.
        if let (Some(method), Some(path)) = (b["method"].as_str(), b["path"].as_str()) {
            let o = run_with(
                &[
                    "validate", "--method", method, "--path", path, "--json", "-",
                ],
                Some(body.as_bytes()),
                &[],
            );
            let v = json(&o);
            assert_eq!(
                (o.code, &v["endpoint"]),
                (0, &Value::from(endpoint)),
                "{name}: {v}"
            );
        }
    }
}

#[test]
fn validate_reports_code_and_path() {
    let body = r#"{"event_type":"new_message","payload":{"timestamp":1639660529,"msec_timestamp":1639660529379,"conversation_id":"c","sender":{"id":"u","name":"n"},"message":{"type":"text","text":"hi"},"error_сode":1}}"#;
    let o = run(&[
        "validate",
        "--endpoint",
        "send_message",
        "--json",
        "--data",
        body,
    ]);
    assert_eq!(o.code, 1);
    let v = json(&o);
    assert_eq!(v["valid"], false);
    assert_eq!(v["endpoint"], "send_message");
    assert_eq!(v["truncated"], false);
    assert_eq!(v["errors"][0]["path"], "/payload/msgid");
    assert_eq!(v["errors"][0]["code"], "required");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["warnings"][0]["code"], "unknown_field");
    assert_eq!(v["warnings"][0]["path"], "/payload/error_сode");

    // Human output: aligned columns and a summary.
    let o = run(&["validate", "--endpoint", "send_message", "--data", body]);
    assert_eq!(o.code, 1);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert!(
        lines[0].starts_with("error   /payload/msgid"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("  required  ") && lines[0].ends_with("missing required field `msgid`")
    );
    assert!(
        lines[1].starts_with("warning /payload/error_сode"),
        "{}",
        lines[1]
    );
    let column = |line: &str, word: &str| line.find(word).map(|i| line[..i].chars().count());
    assert_eq!(
        column(lines[0], "required"),
        column(lines[1], "unknown_field")
    );
    assert_eq!(lines[2], "invalid send_message: 1 error, 1 warning");

    // Not JSON at all.
    let o = run(&["validate", "--endpoint", "connect", "--json", "--data", "{"]);
    assert_eq!(o.code, 1);
    assert_eq!(json(&o)["errors"][0]["code"], "invalid_json");

    // Warnings only: still valid, exit 0.
    let o = run(&[
        "validate",
        "--endpoint",
        "connect",
        "--data",
        r#"{"account_id":"a","title":"t"}"#,
    ]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout.starts_with("warning /hook_api_version"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.ends_with("valid connect: 0 errors, 1 warning\n"));
}

#[test]
fn validate_in_russian() {
    let o = run(&[
        "validate",
        "--endpoint",
        "connect",
        "--lang",
        "ru",
        "--json",
        "--data",
        "{}",
    ]);
    assert_eq!(o.code, 1);
    let v = json(&o);
    let msg = s(&v["errors"][0], "message");
    assert!(msg.contains("обязательное поле"), "{msg}");
    let o = run(&[
        "validate",
        "--endpoint",
        "connect",
        "--lang",
        "ru",
        "--data",
        "{}",
    ]);
    assert!(
        o.stdout
            .contains("отсутствует обязательное поле `account_id`"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("некорректно connect")
    );
}

#[test]
fn validate_by_route() {
    let scope = "344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81";
    let ds = |path_msgid: &str| {
        run(&[
            "validate",
            "--method",
            "POST",
            "--path",
            &format!(
                "https://amojo.amocrm.ru/v2/origin/custom/{scope}/{path_msgid}/delivery_status"
            ),
            "--json",
            "--data",
            r#"{"msgid":"m1","delivery_status":1}"#,
        ])
    };
    let o = ds("m1");
    assert_eq!(
        (o.code, json(&o)["endpoint"].clone()),
        (0, Value::from("delivery_status"))
    );
    let o = ds("m2");
    assert_eq!(o.code, 1);
    assert_eq!(json(&o)["errors"][0]["code"], "msgid_mismatch");

    // Unknown route.
    let o = run(&[
        "validate",
        "--method",
        "POST",
        "--path",
        "/v3/nothing",
        "--json",
        "--data",
        "{}",
    ]);
    assert_eq!(o.code, 1);
    let v = json(&o);
    assert_eq!(
        (v["errors"][0]["code"].as_str(), v["endpoint"].is_null()),
        (Some("unknown_route"), true)
    );
    // Method not allowed.
    let o = run(&[
        "validate",
        "--method",
        "GET",
        "--path",
        "/v2/origin/custom/ch/connect",
        "--json",
        "--data",
        r#"{"account_id":"a","title":"t","hook_api_version":"v2"}"#,
    ]);
    assert_eq!(o.code, 1);
    let v = json(&o);
    assert_eq!(v["errors"][0]["code"], "method_not_allowed");
    assert_eq!(v["errors"][0]["allowed"], "POST");
    assert_eq!(v["endpoint"], "connect");
}

#[test]
fn validate_history_query() {
    let path = |q: &str| format!("/v2/origin/custom/scope/chats/conv/history{q}");
    // No FILE: an empty body, as a GET has.
    let o = run(&[
        "validate",
        "--method",
        "GET",
        "--path",
        &path("?limit=5&offset=0"),
    ]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    let o = run(&[
        "validate",
        "--method",
        "GET",
        "--path",
        &path("?limit=500"),
        "--json",
    ]);
    assert_eq!(o.code, 1);
    let v = json(&o);
    assert_eq!(
        (
            v["errors"][0]["path"].as_str(),
            v["errors"][0]["code"].as_str()
        ),
        (Some("/limit"), Some("range"))
    );
    // A body on the GET is an error.
    let o = run(&[
        "validate",
        "--method",
        "GET",
        "--path",
        &path(""),
        "--json",
        "--data",
        "{}",
    ]);
    assert_eq!(json(&o)["errors"][0]["code"], "body_not_empty");

    // --endpoint history: FILE is the query object.
    let ok = tmp_file("history-ok.json", br#"{"limit": 50, "offset": 0}"#);
    let bad = tmp_file("history-bad.json", br#"{"limit": "50"}"#);
    assert_eq!(run(&["validate", "--endpoint", "history", &ok]).code, 0);
    let o = run(&["validate", "--endpoint", "history", &bad, "--json"]);
    assert_eq!(o.code, 1);
    let v = json(&o);
    assert_eq!(v["errors"][0]["code"], "type");
    assert_eq!(v["errors"][0]["expected"], "integer");
    // Or as a query string.
    let o = run(&[
        "validate",
        "--endpoint",
        "history",
        "--query",
        "limit=0",
        "--json",
    ]);
    assert_eq!(
        (o.code, json(&o)["errors"][0]["code"].clone()),
        (1, Value::from("range"))
    );
}

// ---------------------------------------------------------------------------------------
// webhook

#[test]
fn webhook_sign_and_verify() {
    let body = r#"{"account_id":"a","time":1639660529,"message":{}}"#;
    let file = tmp_file("hook.json", body.as_bytes());
    let o = run(&["webhook", "sign", "--secret", SECRET, &file]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let sig = o.stdout.trim().to_owned();
    assert_eq!(sig, hmac_sha1_hex(SECRET, body));
    let o = run_with(
        &["webhook", "sign", "--secret", SECRET, "-", "--json"],
        Some(body.as_bytes()),
        &[],
    );
    assert_eq!(json(&o), serde_json::json!({ "signature": sig }));

    let verify = |body: &str, sig: &str, extra: &[&str]| {
        let mut a = vec![
            "webhook",
            "verify",
            "--secret",
            SECRET,
            "--signature",
            sig,
            "-",
        ];
        a.extend_from_slice(extra);
        run_with(&a, Some(body.as_bytes()), &[])
    };
    let o = verify(body, &sig, &[]);
    assert_eq!((o.code, o.stdout.as_str()), (0, "ok\n"));
    let o = verify(body, &sig, &["--json"]);
    assert_eq!(json(&o), serde_json::json!({"ok": true, "secret_index": 0}));
    // One byte of the raw body (re-serialized bodies do not verify either).
    let o = verify(&body.replace("\"a\"", "\"b\""), &sig, &["--json"]);
    assert_eq!(o.code, 1);
    assert_eq!(json(&o)["reason"], "signature_mismatch");
    let pretty = body.replace(',', ", ");
    let o = verify(&pretty, &sig, &[]);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.starts_with("rejected: signature_mismatch: "),
        "{}",
        o.stdout
    );
    let o = verify(body, "xyz", &["--json"]);
    assert_eq!(
        (o.code, json(&o)["reason"].clone()),
        (1, Value::from("malformed_signature"))
    );
    // Rotation.
    let o = run_with(
        &[
            "webhook",
            "verify",
            "--secret",
            OLD_SECRET,
            "--secret",
            SECRET,
            "--signature",
            &sig,
            "--json",
            "-",
        ],
        Some(body.as_bytes()),
        &[],
    );
    assert_eq!(json(&o)["secret_index"], 1);
    // Missing --signature.
    assert_eq!(
        run(&["webhook", "verify", "--secret", SECRET, &file]).code,
        2
    );
}

// ---------------------------------------------------------------------------------------
// help, usage errors, misc

#[test]
fn every_command_has_help() {
    for cmd in [
        &["sign"][..],
        &["verify"],
        &["diagnose"],
        &["validate"],
        &["webhook"],
        &["webhook", "sign"],
        &["webhook", "verify"],
        &["endpoints"],
        &["send"],
        &["mock"],
    ] {
        for flag in ["--help", "-h"] {
            let mut a = cmd.to_vec();
            a.push(flag);
            let o = run(&a);
            assert_eq!(o.code, 0, "{a:?}: {}", o.stderr);
            assert!(
                o.stdout.starts_with(&format!("amojo {}:", cmd[0])),
                "{a:?}: {}",
                o.stdout
            );
            assert!(o.stdout.contains("usage:"));
            assert!(o.stderr.is_empty());
        }
        // `amojo help CMD` prints the same.
        let o = run(&["help", cmd[0]]);
        assert_eq!(o.code, 0);
        assert!(o.stdout.starts_with(&format!("amojo {}:", cmd[0])));
    }
    // --help wins over other errors on the line.
    assert_eq!(run(&["sign", "--bogus", "--help"]).code, 0);
    for a in [&["help"][..], &["--help"], &["-h"]] {
        let o = run(a);
        assert_eq!(o.code, 0);
        for c in [
            "sign",
            "verify",
            "diagnose",
            "validate",
            "webhook",
            "endpoints",
        ] {
            assert!(o.stdout.contains(&format!("\n  {c} ")), "{c}");
        }
    }
    let o = run(&["--version"]);
    assert_eq!(
        (o.code, o.stdout.trim()),
        (0, concat!("amojo ", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn usage_errors_exit_2_with_a_hint() {
    let missing = std::env::temp_dir().join("amojo-no-such-file.json");
    let missing = missing.to_string_lossy();
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", "--bogus",
        ],
        &["sign", "--secret", SECRET, "--method", "POST", "--path"],
        &["sign", "--secret", SECRET, "--path", "/x"],
        &["sign", "--method", "POST", "--path", "/x"],
        &["sign", "--secret", "", "--method", "POST", "--path", "/x"],
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", "--style", "xml",
        ],
        &[
            "sign",
            "--secret",
            SECRET,
            "--method",
            "POST",
            "--path",
            "/x",
            "--date",
            "yesterday",
        ],
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", "--date", DATE, "--now",
        ],
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "relative",
        ],
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", &missing,
        ],
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", "a", "b",
        ],
        &[
            "sign",
            "--secret",
            SECRET,
            "--method",
            "POST",
            "--path",
            "/x",
            "--json=yes",
        ],
        &[
            "verify", "--secret", SECRET, "--method", "POST", "--path", "/x", "--header",
            "no colon",
        ],
        &[
            "verify",
            "--secret",
            SECRET,
            "--method",
            "POST",
            "--path",
            "/x",
            "--tolerance",
            "-5",
        ],
        &[
            "verify", "--secret", SECRET, "--method", "POST", "--path", "/x", "--now", "soon",
        ],
        &["verify", "--method", "POST", "--path", "/x"],
        &["diagnose", "--secret", SECRET, "--path", "/x"],
        &["validate", "--endpoint", "nope", "--data", "{}"],
        &[
            "validate",
            "--endpoint",
            "connect",
            "--lang",
            "de",
            "--data",
            "{}",
        ],
        &["validate", "--data", "{}"],
        &["validate", "--method", "POST", "--data", "{}"],
        &[
            "validate",
            "--endpoint",
            "connect",
            "--method",
            "POST",
            "--path",
            "/x",
        ],
        &["validate", "--endpoint", "connect", &missing],
        &["webhook"],
        &["webhook", "frob"],
        &["webhook", "sign"],
        &["webhook", "sign", "--secret", SECRET, &missing],
        &["endpoints", "extra"],
        &["help", "nope"],
    ];
    for a in cases {
        let o = run(a);
        assert_eq!(
            o.code, 2,
            "{a:?}: stdout {:?} stderr {:?}",
            o.stdout, o.stderr
        );
        assert!(o.stdout.is_empty(), "{a:?}: {}", o.stdout);
        let last = o.stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("hint: run `amojo"), "{a:?}: {}", o.stderr);
        assert!(o.stderr.contains("error: "), "{a:?}: {}", o.stderr);
    }
    // The message names the problem.
    let o = run(&["sign", "--secrt", SECRET, "--method", "GET", "--path", "/x"]);
    assert!(
        o.stderr
            .contains("unknown option `--secrt` (did you mean `--secret`?)"),
        "{}",
        o.stderr
    );
    let o = run(&[
        "sign", "--secret", SECRET, "--method", "GET", "--path", "/x", &missing,
    ]);
    assert!(o.stderr.contains("cannot read `"), "{}", o.stderr);
}

#[test]
fn mistyped_secrets_are_not_echoed() {
    // The secret typed where a file or a header belongs, or as an unknown option's value.
    for a in [
        &[
            "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", SECRET,
        ][..],
        &[
            "verify", "--secret", SECRET, "--method", "POST", "--path", "/x", "-H", SECRET,
        ],
        &[
            "sign",
            "--secrett=test-secret",
            "--method",
            "POST",
            "--path",
            "/x",
        ],
    ] {
        let o = run(a); // `run` asserts that the secret is not printed
        assert_eq!(o.code, 2, "{}", o.stderr);
    }
    let o = run_with(
        &["sign", "--method", "POST", "--path", "/x", ENV_SECRET],
        None,
        &[("AMOJO_SECRET", ENV_SECRET)],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("[secret]"), "{}", o.stderr);
}

#[test]
fn data_errors_exit_1() {
    let o = run(&[
        "sign", "--secret", SECRET, "--method", "POST", "--path", "/x", "--style", "php", "--data",
        "{nope",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("not JSON"), "{}", o.stderr);
    assert!(o.stdout.is_empty());
}

#[test]
fn stdin_dash_equals_file() {
    let file = tmp_file("connect-stdin.json", CONNECT_PRETTY.as_bytes());
    let base = [
        "sign",
        "--date",
        DATE,
        "--secret",
        SECRET,
        "--method",
        "POST",
        "--path",
        CONNECT_PATH,
    ];
    let mut from_file = base.to_vec();
    from_file.push(&file);
    let mut from_stdin = base.to_vec();
    from_stdin.push("-");
    let a = run(&from_file);
    let b = run_with(&from_stdin, Some(CONNECT_PRETTY.as_bytes()), &[]);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
    // And validate reads stdin too.
    let o = run_with(
        &["validate", "--endpoint", "connect", "-"],
        Some(CONNECT_PRETTY.as_bytes()),
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
}

#[test]
fn endpoints_lists_methods_and_templates() {
    let o = run(&["endpoints"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.lines().any(|l| l.starts_with("connect ")
        && l.contains(" POST ")
        && l.ends_with("/v2/origin/custom/{channel_id}/connect")));
    assert!(o.stdout.lines().any(|l| l.starts_with("history ")
        && l.contains(" GET ")
        && l.ends_with("/v2/origin/custom/{scope_id}/chats/{conversation_id}/history")));
    assert!(o.stdout.contains("webhook_message"));
    let v = json(&run(&["endpoints", "--json"]));
    let list = v.as_array().expect("array");
    assert_eq!(list.len(), 16);
    assert_eq!(
        list[1],
        serde_json::json!({"name": "disconnect", "method": "DELETE", "path": "/v2/origin/custom/{channel_id}/disconnect", "webhook": false, "kind": "request", "response_to": null})
    );
    let by_name = |n: &str| list.iter().find(|e| e["name"] == n).cloned();
    assert_eq!(
        by_name("webhook_message_v1"),
        Some(
            serde_json::json!({"name": "webhook_message_v1", "method": "POST", "path": null, "webhook": true, "kind": "webhook", "response_to": null})
        )
    );
    assert_eq!(
        by_name("history_response"),
        Some(
            serde_json::json!({"name": "history_response", "method": null, "path": null, "webhook": false, "kind": "response", "response_to": "history"})
        )
    );
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("connect_response ") && l.contains("answering `connect`"))
    );
}

#[test]
fn closed_stdout_does_not_panic() {
    // A pipe whose reader is gone: every write fails with EPIPE.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_amojo"))
        .args(["endpoints"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(0), "{stderr}");
}

#[test]
fn validate_webhook_picks_the_hook_from_the_body() {
    // The v1 hook of chat-webhooks.md ("Хук сообщения v1"), lines 572-583.
    let v1 = r#"{"receiver":"b55770b5-974f-4dd6-8dd3-0356c08dc600","conversation_id":"a4a5ab10-ea6f-4af4-8514-a8265e5c71bd","msec_timestamp":1596470952116,"type":"text","text":"Можете уточнить адрес доставки заказа ?","media":"","thumbnail":"","file_name":"","file_size":0}"#;
    let o = run_with(
        &["validate", "--endpoint", "webhook", "--json", "-"],
        Some(v1.as_bytes()),
        &[],
    );
    let v = json(&o);
    assert_eq!(
        (o.code, &v["endpoint"], &v["valid"]),
        (0, &Value::from("webhook_message_v1"), &Value::Bool(true)),
        "{v}"
    );
    let typing = r#"{"account_id":"a","time":1,"action":{"typing":{"conversation":{"id":"c"},"expired_at":"soon"}}}"#;
    let o = run_with(
        &["validate", "--endpoint", "webhook", "--data", typing],
        None,
        &[],
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains("/action/typing/expired_at"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .ends_with("invalid webhook_typing: 1 error, 0 warnings\n"),
        "{}",
        o.stdout
    );
    let o = run_with(
        &[
            "validate",
            "--endpoint",
            "webhook",
            "--data",
            r#"{"status_code":1}"#,
        ],
        None,
        &[],
    );
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("the body is not a hook"), "{}", o.stderr);
}
