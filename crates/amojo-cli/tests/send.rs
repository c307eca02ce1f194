//! `amojo send` against `amojo mock`, both as processes: the whole flow of an integration
//! (connect, create a chat, send, history, delivery status), a request refused before it is
//! sent, a 403 explained locally, a skewed clock, retries, a timeout, `--dry-run`, and the
//! usage errors. What reached the mock is read back from `GET /_mock/requests`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

const CHANNEL: &str = "344a5002-f8ca-454d-af3d-396180102ac7";
const SECRET: &str = "send-test-secret-7c2e";
const WRONG_SECRET: &str = "send-test-wrong-secret-91d4";
const ACCOUNT: &str = "52e591f7-c98f-4255-8495-827210138c81";

/// A running `amojo mock`; killed when dropped.
struct Mock {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Mock {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `GET /_mock/requests`: what the mock was sent, oldest first.
    fn requests(&self) -> Vec<Value> {
        let mut s = TcpStream::connect(self.addr).expect("connect to the mock");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET /_mock/requests HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let v: Value = serde_json::from_slice(&raw[split + 4..]).expect("JSON");
        v["requests"].as_array().cloned().expect("requests")
    }
}

fn spawn_mock(extra: &[&str]) -> Mock {
    let channel = format!("{CHANNEL}={SECRET}");
    let mut args = vec!["mock", "--listen", "127.0.0.1:0", "--channel", &channel];
    args.extend_from_slice(extra);
    spawn_mock_with(&args)
}

/// `amojo ARGS`, a mock whose first line tells its address.
fn spawn_mock_with(args: &[&str]) -> Mock {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amojo"))
        .args(args)
        .env_remove("AMOJO_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn amojo mock");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("first line");
    let addr = first
        .trim_end()
        .strip_prefix("amojo mock: listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .expect("HOST:PORT");
    // Keep reading the log, so the mock never blocks on a full pipe.
    thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = out.read_to_end(&mut sink);
    });
    Mock { child, addr }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {:?}; stderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `amojo ARGS` with AMOJO_SECRET / AMOJO_CHANNEL_ID only as given in `env`, `stdin`
/// fed; checks that no secret is printed and nothing panicked.
fn amojo(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_amojo"));
    cmd.args(args)
        .env_remove("AMOJO_SECRET")
        .env_remove("AMOJO_CHANNEL_ID")
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
    for s in [SECRET, WRONG_SECRET] {
        assert!(
            !out.stdout.contains(s) && !out.stderr.contains(s),
            "secret printed by `amojo {}`:\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
    }
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// `amojo send --channel-id CHANNEL --base-url MOCK ARGS`, the secret from the environment.
fn send(m: &Mock, args: &[&str], stdin: Option<&[u8]>) -> Out {
    let url = m.url();
    let mut all = vec!["send", "--channel-id", CHANNEL, "--base-url", &url];
    all.extend_from_slice(args);
    amojo(&all, stdin, &[("AMOJO_SECRET", SECRET)])
}

fn scope() -> String {
    format!("{CHANNEL}_{ACCOUNT}")
}

fn connect_body() -> String {
    json!({"account_id": ACCOUNT, "title": "Send tests", "hook_api_version": "v2"}).to_string()
}

fn connect(m: &Mock) -> Out {
    let o = send(
        m,
        &["--endpoint", "connect", "--data", &connect_body()],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    o
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn message_body(msgid: &str, conversation: &str, text: &str) -> String {
    let now = unix_now();
    json!({
        "event_type": "new_message",
        "payload": {
            "timestamp": now,
            "msec_timestamp": now * 1000,
            "msgid": msgid,
            "conversation_id": conversation,
            "sender": {"id": "client-1", "name": "Client / One"},
            "message": {"type": "text", "text": text}
        }
    })
    .to_string()
}

fn tmp_file(name: &str, text: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("amojo-send-{}-{name}", std::process::id()));
    std::fs::write(&p, text).expect("write tmp file");
    p.to_string_lossy().into_owned()
}

#[test]
fn connect_chat_send_history_and_status_end_to_end() {
    let m = spawn_mock(&[]);
    // connect: the path from --channel-id, the body from a FILE.
    let file = tmp_file("connect.json", &connect_body());
    let o = send(&m, &["--endpoint", "connect", &file], None);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.json()["scope_id"], scope().as_str());
    assert!(
        o.stderr.starts_with("amojo send: connect: 200 OK"),
        "{}",
        o.stderr
    );

    // create_chat: the chat's amoCRM id.
    let chat =
        json!({"conversation_id": "chat-1", "user": {"id": "client-1", "name": "Client / One"}});
    let o = send(
        &m,
        &[
            "--endpoint",
            "create_chat",
            "--scope-id",
            &scope(),
            "--data",
            &chat.to_string(),
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let chat_id = o.json()["id"].as_str().expect("chat id").to_owned();

    // send_message: the body from stdin, as the docs' PHP would serialize it.
    let o = send(
        &m,
        &[
            "--endpoint",
            "send_message",
            "--scope-id",
            &scope(),
            "--style",
            "php",
            "-",
        ],
        Some(message_body("msg-1", "chat-1", "Hello / привет").as_bytes()),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let sent = o.json();
    assert_eq!(sent["new_message"]["ref_id"], "msg-1");
    assert!(o.stderr.contains("send_message: 200 OK"), "{}", o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
    let amo_msgid = sent["new_message"]["msgid"].as_str().unwrap().to_owned();

    // The same request by --path, a full URL: sent to its origin.
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--path",
            &format!("{}/v2/origin/custom/{}", m.url(), scope()),
            "--data",
            &message_body("msg-2", "chat-1", "again"),
        ],
        None,
        &[("AMOJO_SECRET", SECRET)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.json()["new_message"]["ref_id"], "msg-2");

    // history: GET with the query from --offset / --limit.
    let o = send(
        &m,
        &[
            "--endpoint",
            "history",
            "--scope-id",
            &scope(),
            "--conversation-id",
            &chat_id,
            "--offset",
            "0",
            "--limit",
            "1",
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let messages = o.json()["messages"].as_array().cloned().expect("messages");
    assert_eq!(messages.len(), 1, "{}", o.stdout);
    assert_eq!(messages[0]["message"]["text"], "again");

    // delivery_status: the message id in the path from --msgid (the body's must match).
    let status = json!({"msgid": amo_msgid, "delivery_status": 1}).to_string();
    let o = send(
        &m,
        &[
            "--endpoint",
            "delivery_status",
            "--scope-id",
            &scope(),
            "--msgid",
            &amo_msgid,
            "--data",
            &status,
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("delivery_status: 200 OK, no body"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stdout, "");

    let log = m.requests();
    let seen: Vec<(&str, &str, u64)> = log
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap(),
                r["endpoint"].as_str().unwrap_or(""),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", "connect", 200),
            ("POST", "create_chat", 200),
            ("POST", "send_message", 200),
            ("POST", "send_message", 200),
            ("GET", "history", 200),
            ("POST", "delivery_status", 200),
        ]
    );
    assert!(
        log[4]["path"]
            .as_str()
            .unwrap()
            .ends_with("/history?offset=0&limit=1"),
        "{}",
        log[4]
    );
}

#[test]
fn an_invalid_body_is_refused_and_nothing_is_sent() {
    let m = spawn_mock(&[]);
    connect(&m);
    let before = m.requests().len();
    let o = send(
        &m,
        &[
            "--endpoint",
            "send_message",
            "--scope-id",
            &scope(),
            "--data",
            r#"{"event_type": "new_message", "payload": {"msgid": "m-1"}}"#,
        ],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.stdout, "");
    // The issues, with their codes and JSON Pointers, then why nothing was sent.
    assert!(
        o.stderr.contains("/payload/sender") && o.stderr.contains("required"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("invalid send_message"), "{}", o.stderr);
    assert!(o.stderr.contains("nothing sent"), "{}", o.stderr);
    // Not JSON: refused too.
    let o = send(&m, &["--endpoint", "connect", "--data", "{not json"], None);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("not JSON"), "{}", o.stderr);
    // Nor is a --dry-run of an invalid body printed.
    let o = send(
        &m,
        &["--endpoint", "connect", "--data", "{}", "--dry-run"],
        None,
    );
    assert_eq!((o.code, o.stdout.as_str()), (1, ""), "{}", o.stderr);
    assert_eq!(m.requests().len(), before, "the mock was sent something");
}

#[test]
fn a_wrong_secret_is_explained_and_never_printed() {
    let m = spawn_mock(&[]);
    connect(&m);
    let url = m.url();
    let body = message_body("msg-1", "chat-1", "hi");
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--secret",
            WRONG_SECRET,
            "--base-url",
            &url,
            "--endpoint",
            "send_message",
            "--scope-id",
            &scope(),
            "--data",
            &body,
        ],
        None,
        &[],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    // stdout: the API's answer as received.
    assert_eq!(o.json()["error"], "signature_mismatch");
    assert!(
        o.stderr.contains("send_message: 403 Forbidden"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("the API's reason: signature_mismatch"),
        "{}",
        o.stderr
    );
    // The local self-check: the request verifies with the secret used, and the mock
    // received what was signed: so its secret is another one.
    assert!(
        o.stderr
            .contains("self-check: the request as sent verifies here"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("cause: the secret"), "{}", o.stderr);
    assert!(o.stderr.contains(CHANNEL), "{}", o.stderr);
    assert!(!o.stderr.contains("clock:"), "{}", o.stderr);
    // The wrong secret from the environment: the same.
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--base-url",
            &url,
            "--endpoint",
            "send_message",
            "--scope-id",
            &scope(),
            "--data",
            &body,
        ],
        None,
        &[("AMOJO_SECRET", WRONG_SECRET)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("cause: the secret"), "{}", o.stderr);
}

#[test]
fn a_skewed_clock_is_reported_from_the_answers_date() {
    // An hour: every request is refused, and the clock is the cause.
    let m = spawn_mock(&["--clock-skew", "3600"]);
    let o = send(
        &m,
        &["--endpoint", "connect", "--data", &connect_body()],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("connect: 403 Forbidden"), "{}", o.stderr);
    assert!(o.stderr.contains("cause: the clock"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("this machine's clock is 1 h behind the API's"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("every request fails"), "{}", o.stderr);
    drop(m);
    // Two minutes behind the mock's: accepted, and still said.
    let m = spawn_mock(&["--clock-skew", "120"]);
    let o = send(
        &m,
        &["--endpoint", "connect", "--data", &connect_body()],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("connect: 200 OK"), "{}", o.stderr);
    assert!(o.stderr.contains("clock is 2 min behind"), "{}", o.stderr);
    assert!(o.stderr.contains("within the API's 15 min"), "{}", o.stderr);
    // Ahead of it.
    drop(m);
    let m = spawn_mock(&["--clock-skew", "-90"]);
    let o = send(
        &m,
        &["--endpoint", "connect", "--data", &connect_body()],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("clock is 1 min 30 s ahead of"),
        "{}",
        o.stderr
    );
    // No skew, no note.
    drop(m);
    let m = spawn_mock(&[]);
    let o = send(
        &m,
        &["--endpoint", "connect", "--data", &connect_body()],
        None,
    );
    assert!(!o.stderr.contains("clock"), "{}", o.stderr);
}

#[test]
fn dry_run_prints_a_curl_command_and_sends_nothing() {
    let m = spawn_mock(&[]);
    let o = send(
        &m,
        &[
            "--endpoint",
            "connect",
            "--style",
            "php",
            "--dry-run",
            "--data",
            r#"{"account_id": "a/1", "title": "Тест", "hook_api_version": "v2"}"#,
        ],
        None,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = o.stdout.trim_end();
    assert!(!line.contains('\n'), "{line}");
    assert!(
        line.starts_with(&format!(
            "curl -X POST '{}/v2/origin/custom/{CHANNEL}/connect'",
            m.url()
        )),
        "{line}"
    );
    for h in [
        "Date: ",
        "Content-Type: application/json",
        "Content-MD5: ",
        "X-Signature: ",
    ] {
        assert!(line.contains(&format!("-H '{h}")), "{h}: {line}");
    }
    // The body as --style php serializes it.
    assert!(line.contains(r#"--data-binary '{"account_id":"a\/1","title":"\u0422\u0435\u0441\u0442","hook_api_version":"v2"}'"#), "{line}");
    // The default base URL.
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--endpoint",
            "history",
            "--scope-id",
            "s 1",
            "--conversation-id",
            "c/1",
            "--limit",
            "5",
            "--dry-run",
        ],
        None,
        &[("AMOJO_SECRET", SECRET)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("curl -X GET 'https://amojo.amocrm.ru/v2/origin/custom/s%201/chats/c%2F1/history?limit=5'"),
        "{}",
        o.stdout
    );
    assert!(m.requests().is_empty(), "the mock was sent something");
}

#[test]
fn retries_after_503_and_a_timeout() {
    // Every 2nd API request fails (the 2nd, the 4th, ...): connect passes, create_chat
    // fails once and its retry passes; without retries the next one fails.
    let m = spawn_mock(&["--fail-rate", "0.5"]);
    connect(&m);
    let chat =
        json!({"conversation_id": "chat-1", "user": {"id": "client-1", "name": "C"}}).to_string();
    let args = [
        "--endpoint",
        "create_chat",
        "--scope-id",
        &scope(),
        "--data",
        &chat,
    ];
    let mut with_retries = args.to_vec();
    with_retries.extend(["--retries", "2"]);
    let o = send(&m, &with_retries, None);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("create_chat: 503 Service Unavailable; trying again in"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("create_chat: 200 OK"), "{}", o.stderr);
    assert!(o.json()["id"].is_string(), "{}", o.stdout);
    let o = send(&m, &args, None);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("create_chat: 503 Service Unavailable"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("trying again"), "{}", o.stderr);
    // The injected 503s are the host's, outside the emulator's log: it holds the two
    // requests the emulator answered.
    let log = m.requests();
    let answered: Vec<(&str, u64)> = log
        .iter()
        .map(|r| {
            (
                r["endpoint"].as_str().unwrap(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(answered, [("connect", 200), ("create_chat", 200)]);
    drop(m);

    let m = spawn_mock(&["--latency", "3000"]);
    let o = send(
        &m,
        &[
            "--endpoint",
            "connect",
            "--data",
            &connect_body(),
            "--timeout",
            "0.3",
        ],
        None,
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("connect: no answer within 0.3 s"),
        "{}",
        o.stderr
    );
}

#[test]
fn network_and_tls_errors_exit_1() {
    // Nothing listens: a connection error, named.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--endpoint",
            "connect",
            "--data",
            &connect_body(),
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ],
        None,
        &[("AMOJO_SECRET", SECRET)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("the request to http://127.0.0.1:"),
        "{}",
        o.stderr
    );
    // https to a plain-HTTP server: rustls runs, and the handshake fails cleanly.
    let m = spawn_mock(&[]);
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--endpoint",
            "connect",
            "--data",
            &connect_body(),
            "--base-url",
            &format!("https://{}", m.addr),
        ],
        None,
        &[("AMOJO_SECRET", SECRET)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("the request to https://"), "{}", o.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let body = connect_body();
    let ok = ["--channel-id", CHANNEL, "--secret", SECRET];
    let cases: &[(&[&str], &str)] = &[
        (&["--endpoint", "connect"], "missing `--channel-id`"),
        (
            &[
                "--channel-id",
                CHANNEL,
                "--endpoint",
                "connect",
                "--data",
                &body,
            ],
            "missing `--secret`",
        ),
        (&[], "missing `--path` or `--endpoint`"),
        (
            &["--path", "/v2/origin/custom/x", "--endpoint", "connect"],
            "cannot be used together",
        ),
        (&["--endpoint", "send_mesage"], "send_message"),
        (&["--endpoint", "webhook_message"], "a hook amoCRM sends"),
        (&["--endpoint", "connect_response"], "not a request"),
        (&["--endpoint", "send_message"], "needs `--scope-id`"),
        (
            &["--endpoint", "delivery_status", "--scope-id", "s"],
            "needs `--msgid`",
        ),
        (
            &["--endpoint", "typing", "--scope-id", "s", "--msgid", "m"],
            "`--msgid` is not part of `typing`",
        ),
        (
            &["--endpoint", "connect", "--limit", "5"],
            "`--limit` is not part of `connect`",
        ),
        (
            &[
                "--endpoint",
                "history",
                "--scope-id",
                "s",
                "--conversation-id",
                "c",
                "--limit",
                "x",
            ],
            "`--limit` takes a whole number",
        ),
        (
            &[
                "--endpoint",
                "history",
                "--scope-id",
                "s",
                "--conversation-id",
                "c",
                "--data",
                "{}",
            ],
            "has no body",
        ),
        (
            &["--path", "/v2/origin/custom/s", "--scope-id", "s"],
            "goes with `--endpoint`",
        ),
        (
            &["--path", "/v2/origin/custom/other-channel/connect"],
            "names channel `other-channel`",
        ),
        (
            &["--endpoint", "connect", "--style", "pretty"],
            "body style",
        ),
        (
            &["--endpoint", "connect", "--base-url", "amojo.amocrm.ru"],
            "`--base-url` must be an origin",
        ),
        (&["--endpoint", "connect", "--timeout", "0"], "`--timeout`"),
        (
            &["--endpoint", "connect", "--retries", "-1"],
            "`--retries` takes a whole number",
        ),
        (
            &["--endpoint", "connect", "--method", "GET"],
            "the method is the route's",
        ),
        (
            &["--endpoint", "connect", "--bogus"],
            "unknown option `--bogus`",
        ),
        (
            &["--endpoint", "connect", "--dry-run=1"],
            "`--dry-run` takes no value",
        ),
        (
            &["--endpoint", "connect", "a.json", "b.json"],
            "unexpected argument",
        ),
        (
            &["--endpoint", "connect", "/no/such/file.json"],
            "cannot read",
        ),
    ];
    for (i, (extra, expected)) in cases.iter().enumerate() {
        let mut args = vec!["send"];
        // The first two cases leave out the channel id or the secret on purpose.
        if i >= 2 {
            args.extend(ok);
        }
        args.extend_from_slice(extra);
        let o = amojo(&args, None, &[]);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(expected), "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("hint: run `amojo send --help`"),
            "{args:?}: {}",
            o.stderr
        );
        assert_eq!(o.stdout, "", "{args:?}");
    }
    // The channel id may come from the environment, as the secret does.
    let o = amojo(
        &[
            "send",
            "--endpoint",
            "connect",
            "--data",
            &body,
            "--dry-run",
        ],
        None,
        &[("AMOJO_SECRET", SECRET), ("AMOJO_CHANNEL_ID", CHANNEL)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains(&format!("/v2/origin/custom/{CHANNEL}/connect'")),
        "{}",
        o.stdout
    );
    // --help, and `amojo help send`.
    for args in [
        &["send", "--help"][..],
        &["help", "send"],
        &["send", "--bogus", "-h"],
    ] {
        let o = amojo(args, None, &[]);
        assert_eq!(o.code, 0);
        assert!(o.stdout.starts_with("amojo send:"), "{}", o.stdout);
        assert!(o.stdout.contains("--conversation-id"));
    }
    assert!(amojo(&["--help"], None, &[]).stdout.contains("\n  send "));
}

/// A hook receiver: answers every request 200 and keeps the request lines.
fn hook_receiver() -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&seen);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut r = BufReader::new(&stream);
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            // The headers, up to the blank line; the body is not needed.
            let mut h = String::new();
            while matches!(r.read_line(&mut h), Ok(n) if n > 2) {
                h.clear();
            }
            into.lock().unwrap().push(line.trim_end().to_owned());
            let _ = (&stream)
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (addr, seen)
}

/// The root README's "Test your integration" block, as written: its `amojo mock` line (on
/// free ports), then the rest with `sh` (curl included, when there is one).
#[test]
fn the_readme_test_your_integration_block_runs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let at = readme
        .find("### Test your integration")
        .expect("the section");
    let start = at + readme[at..].find("```sh\n").expect("its sh block") + 6;
    let block = &readme[start..start + readme[start..].find("```").expect("its end")];
    let (mock_line, rest) = block
        .split_once("\n\n")
        .expect("the mock command, a blank line, the rest");
    let mock_cmd: String = mock_line
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\\n", " ");
    let (receiver, hooks) = hook_receiver();
    let words: Vec<String> = mock_cmd
        .split_whitespace()
        .map(|w| {
            w.replace("127.0.0.1:8080", "127.0.0.1:0")
                .replace("127.0.0.1:3000", &receiver.to_string())
        })
        .collect();
    assert_eq!(words[0], "amojo", "{mock_cmd}");
    let words: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let m = spawn_mock_with(&words);
    let has_curl = Command::new("sh")
        .args(["-c", "command -v curl"])
        .output()
        .is_ok_and(|o| o.status.success());
    let mut script = rest.replace("127.0.0.1:8080", &m.addr.to_string());
    if !has_curl {
        script = script.replace("curl ", ": curl ");
    }
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_amojo"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("sh")
        .args(["-e", "-c", &script])
        .env("PATH", path)
        .env_remove("AMOJO_SECRET")
        .env_remove("AMOJO_CHANNEL_ID")
        .stdin(Stdio::null())
        .output()
        .expect("sh");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        o.status.success(),
        "{script}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stderr.contains("amojo send: connect: 200 OK"), "{stderr}");
    assert!(
        stderr.contains("amojo send: send_message: 200 OK"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    let log = m.requests();
    assert!(log.len() >= 2, "{log:?}");
    assert!(log.iter().all(|r| r["status"] == 200), "{log:?}");
    if has_curl {
        assert!(stdout.contains("\"hook_status\":200"), "{stdout}");
        assert_eq!(*hooks.lock().unwrap(), ["POST /amojo/hook HTTP/1.1"]);
    }
}

/// A proxy to `target` that rewrites the request's `Content-Type` to `content_type`, as a
/// misconfigured gateway or HTTP library may (one request per connection).
fn rewriting_proxy(target: SocketAddr, content_type: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let _ = client.set_read_timeout(Some(Duration::from_secs(5)));
            let mut r = BufReader::new(&client);
            let mut head = Vec::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if !matches!(r.read_line(&mut line), Ok(n) if n > 0) {
                    return;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("connection:") {
                    continue;
                }
                if line == "\r\n" {
                    head.push("connection: close\r\n".to_owned());
                    head.push(line);
                    break;
                }
                if lower.starts_with("content-type:") {
                    line = format!("content-type: {content_type}\r\n");
                }
                head.push(line);
            }
            let mut body = vec![0; length];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            let Ok(mut upstream) = TcpStream::connect(target) else {
                return;
            };
            let _ = upstream.write_all(head.concat().as_bytes());
            let _ = upstream.write_all(&body);
            let mut answer = Vec::new();
            let _ = upstream.read_to_end(&mut answer);
            let _ = (&client).write_all(&answer);
        }
    });
    addr
}

#[test]
fn a_rewrite_on_the_way_is_told_from_a_wrong_secret() {
    let m = spawn_mock(&[]);
    let proxy = rewriting_proxy(m.addr, "application/json; charset=utf-8");
    let o = amojo(
        &[
            "send",
            "--channel-id",
            CHANNEL,
            "--base-url",
            &format!("http://{proxy}"),
            "--endpoint",
            "connect",
            "--data",
            &connect_body(),
        ],
        None,
        &[("AMOJO_SECRET", SECRET)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("connect: 403 Forbidden"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("self-check: the request as sent verifies here"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("cause: a rewrite"), "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "Content-Type: signed `application/json`, received `application/json; charset=utf-8`"
        ),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("cause: the secret"), "{}", o.stderr);
}
