//! `amojo mock` as a process: the first line, usage errors, and the server under bad input
//! (big bodies, deep JSON, slow clients, hook receivers that hang or refuse, `kill -9`
//! while the state file is written). Requests go over plain `TcpStream`s, signed by the
//! core's `sign_request` (tests/mock_e2e.py is the independent signer).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use amojo_kit::{DateInput, RequestToSign, sign_request};
use serde_json::{Value, json};

const CHANNEL: &str = "344a5002-f8ca-454d-af3d-396180102ac7";
const SECRET: &str = "mock-test-secret-5a1f";
const ACCOUNT: &str = "52e591f7-c98f-4255-8495-827210138c81";

/// A running `amojo mock`; killed when dropped.
struct Mock {
    child: Child,
    addr: SocketAddr,
    first_line: String,
    /// Everything printed after the first line (stdout), read by a thread.
    log: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn drain(r: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut r = BufReader::new(r);
        let mut line = String::new();
        while matches!(r.read_line(&mut line), Ok(n) if n > 0) {
            into.lock().unwrap().push_str(&line);
            line.clear();
        }
    })
}

fn spawn(extra: &[&str]) -> Mock {
    let channel = format!("{CHANNEL}={SECRET}");
    let mut args = vec!["mock", "--listen", "127.0.0.1:0", "--channel", &channel];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_amojo"))
        .args(&args)
        .env_remove("AMOJO_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn amojo mock");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let stderr = Arc::new(Mutex::new(String::new()));
    let _ = drain(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
    let mut first_line = String::new();
    out.read_line(&mut first_line).expect("first line");
    let addr = first_line
        .trim_end()
        .strip_prefix("amojo mock: listening on http://")
        .unwrap_or_else(|| {
            panic!(
                "unexpected first line {first_line:?}; stderr: {}",
                stderr.lock().unwrap()
            )
        })
        .parse()
        .expect("HOST:PORT on the first line");
    let log = Arc::new(Mutex::new(String::new()));
    let _ = drain(out, Arc::clone(&log));
    Mock {
        child,
        addr,
        first_line,
        log,
        stderr,
    }
}

struct Resp {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Runs a command that should end by itself: (exit code, stdout, stderr); killed and
/// failed after `limit`.
fn output_within(mut c: Command, limit: Duration) -> (i32, String, String) {
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let (out, err) = (
        Arc::new(Mutex::new(String::new())),
        Arc::new(Mutex::new(String::new())),
    );
    let readers = [
        drain(child.stdout.take().unwrap(), Arc::clone(&out)),
        drain(child.stderr.take().unwrap(), Arc::clone(&err)),
    ];
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{c:?} still running after {limit:?}: {}",
                err.lock().unwrap()
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    for r in readers {
        r.join().unwrap();
    }
    let code = status.code().expect("exit code (not a signal)");
    let (o, e) = (out.lock().unwrap().clone(), err.lock().unwrap().clone());
    (code, o, e)
}

/// One request on its own connection (`Connection: close`), answer read to the end.
fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    try_http(addr, method, target, headers, body)
        .unwrap_or_else(|| panic!("no answer to {method} {target}"))
}

/// [`http`], or None when the connection fails or closes without an answer (a killed
/// server).
fn try_http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<Resp> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).ok()?;
    // The server may answer (413) and close before the whole body is sent.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    try_parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Resp {
    try_parse_response(raw)
        .unwrap_or_else(|| panic!("no response in {:?}", String::from_utf8_lossy(raw)))
}

fn try_parse_response(raw: &[u8]) -> Option<Resp> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok())?;
    Some(Resp {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A request signed with `SECRET` at `unix` (the core's signer).
fn signed_at(addr: SocketAddr, method: &str, path: &str, body: &[u8], unix: i64) -> Resp {
    try_signed_at(addr, method, path, body, unix)
        .unwrap_or_else(|| panic!("no answer to {method} {path}"))
}

fn try_signed_at(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
    unix: i64,
) -> Option<Resp> {
    let s = sign_request(
        &RequestToSign {
            method,
            path,
            body,
            content_type: None,
            date: DateInput::Unix(unix),
        },
        SECRET.as_bytes(),
    )
    .expect("sign");
    try_http(
        addr,
        method,
        path,
        &[
            ("Date", &s.date),
            ("Content-Type", &s.content_type),
            ("Content-MD5", &s.content_md5),
            ("X-Signature", &s.signature),
        ],
        body,
    )
}

fn signed(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Resp {
    signed_at(addr, method, path, body, unix_now())
}

fn scope() -> String {
    format!("{CHANNEL}_{ACCOUNT}")
}

fn connect(addr: SocketAddr) -> Resp {
    let body = json!({"account_id": ACCOUNT, "title": "Mock tests", "hook_api_version": "v2"});
    signed(
        addr,
        "POST",
        &format!("/v2/origin/custom/{CHANNEL}/connect"),
        body.to_string().as_bytes(),
    )
}

fn message_body(msgid: &str, conversation: &str, text: &str) -> Vec<u8> {
    let now = unix_now();
    json!({
        "event_type": "new_message",
        "payload": {
            "timestamp": now,
            "msec_timestamp": now * 1000,
            "msgid": msgid,
            "conversation_id": conversation,
            "sender": {"id": format!("client-{conversation}"), "name": "Client"},
            "message": {"type": "text", "text": text},
            "silent": false
        }
    })
    .to_string()
    .into_bytes()
}

fn send(addr: SocketAddr, msgid: &str, conversation: &str) -> Resp {
    signed(
        addr,
        "POST",
        &format!("/v2/origin/custom/{}", scope()),
        &message_body(msgid, conversation, "hello"),
    )
}

fn tmp_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("amojo-mock-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

/// The log once `pred` holds for it (lines are flushed within 10 ms), or after 5 s.
fn log_when(m: &Mock, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let log = m.log.lock().unwrap().clone();
        if pred(&log) || Instant::now() > deadline {
            return log;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The server still answers: the inbox page, quickly.
fn assert_alive(m: &Mock) {
    let t = Instant::now();
    let r = http(m.addr, "GET", "/", &[], b"");
    assert_eq!(r.status, 200, "GET / after the abuse");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "GET / took {:?}",
        t.elapsed()
    );
}

// ---------------------------------------------------------------------------------------

#[test]
fn first_line_is_exact_and_port_0_picks_a_free_port() {
    let m = spawn(&[]);
    assert_eq!(
        m.first_line,
        format!("amojo mock: listening on http://{}\n", m.addr)
    );
    assert_ne!(m.addr.port(), 0);
    assert!(m.addr.ip().is_loopback());
    let r = http(m.addr, "GET", "/", &[], b"");
    assert_eq!(r.status, 200);
    let page = String::from_utf8_lossy(&r.body);
    assert!(
        page.contains("<html") || page.contains("<!doctype"),
        "{page}"
    );
    assert!(
        r.head
            .to_ascii_lowercase()
            .contains("content-type: text/html")
    );
    // Two at once on port 0: two different ports.
    let other = spawn(&[]);
    assert_ne!(other.addr, m.addr);
}

#[test]
fn help_and_usage_errors_exit_2_without_echoing_the_secret() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_amojo"));
        c.arg("mock").args(args).env_remove("AMOJO_SECRET");
        for (k, v) in env {
            c.env(k, v);
        }
        output_within(c, Duration::from_secs(10))
    };
    let (code, out, _) = run(&["--help"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("--channel ID=SECRET") && out.contains("--fail-rate"));

    let ch = format!("{CHANNEL}={SECRET}");
    let ch_eq = format!("--channel={CHANNEL}={SECRET}");
    let ch_empty = format!("{CHANNEL}=");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], "missing `--channel"),
        (vec!["--channel", SECRET], "takes CHANNEL_ID=SECRET"),
        (
            vec!["--channel", &ch, "--bogus"],
            "unknown option `--bogus`",
        ),
        (vec![&ch_eq, "--chanel=x"], "did you mean `--channel`"),
        (vec!["--channel", &ch, "--fail-rate", "2"], "`--fail-rate`"),
        (
            vec!["--channel", &ch, "--fail-rate", "lots"],
            "`--fail-rate`",
        ),
        (vec!["--channel", &ch, "--latency", "-5"], "`--latency`"),
        (
            vec!["--channel", &ch, "--clock-skew", "1.5"],
            "`--clock-skew`",
        ),
        (vec!["--channel", &ch, "--log", "xml"], "`--log`"),
        (vec!["--channel", &ch, "--listen", "nowhere"], "`--listen`"),
        (
            vec!["--channel", &ch, "--hook-url", "https://example.com/h"],
            "http://",
        ),
        (
            vec!["--channel", &ch, "--hook-url", "relative/path"],
            "`--hook-url`",
        ),
        (vec!["--channel", &ch_empty], "empty secret"),
        (vec!["--channel", &ch, "--channel", &ch], "twice"),
        (vec!["--channel", &ch, SECRET], "unexpected argument"),
        (
            vec!["--channel", &ch, "--secret", SECRET],
            "`--channel ID=SECRET`",
        ),
        (
            vec!["--channel", &ch, "--listen"],
            "`--listen` needs a value",
        ),
    ];
    for (args, expected) in cases {
        let (code, out, err) = run(&args, &[]);
        assert_eq!(code, 2, "amojo mock {args:?}: {err}");
        assert!(out.is_empty(), "amojo mock {args:?} printed {out}");
        assert!(err.contains(expected), "amojo mock {args:?}: {err}");
        assert!(err.contains("hint: run `amojo mock --help`"), "{err}");
        assert!(
            !err.contains(SECRET),
            "amojo mock {args:?} echoed the secret: {err}"
        );
    }
    // `--channel ID` takes the secret from AMOJO_SECRET; an empty one is refused.
    let (code, _, err) = run(&["--channel", CHANNEL], &[("AMOJO_SECRET", "")]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn address_in_use_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut c = Command::new(env!("CARGO_BIN_EXE_amojo"));
    c.args([
        "mock",
        "--listen",
        &addr,
        "--channel",
        &format!("{CHANNEL}={SECRET}"),
    ]);
    let (code, _, err) = output_within(c, Duration::from_secs(10));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot listen on"), "{err}");
    assert!(!err.contains(SECRET));
}

#[test]
fn a_body_over_the_limit_is_413_declared_or_chunked() {
    let m = spawn(&[]);
    let path = format!("/v2/origin/custom/{}", scope());
    // Declared: refused from the header, the body is never read.
    let big = vec![b' '; 3 * 1024 * 1024];
    let r = http(m.addr, "POST", &path, &[], &big);
    assert_eq!(r.status, 413);
    // Chunked, with no length: refused once the limit is passed.
    let mut s = TcpStream::connect(m.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..40 {
        if write!(s, "{:x}\r\n", chunk.len()).is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert_eq!(parse_response(&raw).status, 413);
    assert_alive(&m);
    let log = log_when(&m, |l| l.contains("too_large"));
    assert!(log.contains(" 413 ") && log.contains("too_large"), "{log}");
}

#[test]
fn a_10k_deep_json_body_is_400_and_the_server_goes_on() {
    let m = spawn(&[]);
    assert_eq!(connect(m.addr).status, 200);
    let path = format!("/v2/origin/custom/{}", scope());
    for deep in [
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)),
        "[".repeat(100_000),
    ] {
        let r = signed(m.addr, "POST", &path, deep.as_bytes());
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
    }
    // Garbage too.
    let r = signed(m.addr, "POST", &path, b"\xff\xfe not json at all \x00");
    assert_eq!(r.status, 400);
    assert_eq!(send(m.addr, "after-deep", "conv-deep").status, 200);
    assert_alive(&m);
}

#[test]
fn slow_clients_do_not_block_others() {
    let m = spawn(&[]);
    // Half a head, half a body, and a trickle: none of them blocks anyone else.
    let mut slow = Vec::new();
    for i in 0..50 {
        let mut s = TcpStream::connect(m.addr).unwrap();
        let part: &[u8] = match i % 3 {
            0 => b"POST /v2/origin/custom/x HTTP/1.1\r\nHost: x\r\nContent-Len",
            1 => b"POST /v2/origin/custom/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"half\":",
            _ => b"G",
        };
        s.write_all(part).unwrap();
        slow.push(s);
    }
    let t = Instant::now();
    for _ in 0..20 {
        let r = http(m.addr, "GET", "/", &[], b"");
        assert_eq!(r.status, 200);
    }
    assert_eq!(connect(m.addr).status, 200);
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "others waited {:?}",
        t.elapsed()
    );
    drop(slow);
    assert_alive(&m);
}

/// A hook receiver that accepts connections and never answers.
fn hanging_receiver() -> (SocketAddr, Arc<Mutex<Vec<TcpStream>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let h = Arc::clone(&held);
    thread::spawn(move || {
        for s in l.incoming().flatten() {
            h.lock().unwrap().push(s);
        }
    });
    (addr, held)
}

/// A port nothing listens on.
fn refused_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

fn reply(m: &Mock, conversation: &str, text: &str) -> Resp {
    let body = json!({"scope_id": scope(), "conversation_id": conversation, "text": text});
    http(
        m.addr,
        "POST",
        "/_mock/reply",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

#[test]
fn a_hook_url_that_hangs_or_refuses_does_not_block_other_requests() {
    let (hang, _held) = hanging_receiver();
    let refused = refused_port();
    for (url, expect_wait) in [
        (format!("http://{hang}/hook/:scope_id"), true),
        (format!("http://{refused}/hook/:scope_id"), false),
    ] {
        let m = Arc::new(spawn(&["--hook-url", &url]));
        assert_eq!(connect(m.addr).status, 200);
        assert_eq!(send(m.addr, "m-1", "conv-hook").status, 200);
        let started = Instant::now();
        let mm = Arc::clone(&m);
        let replies: Vec<_> = (0..4)
            .map(|i| {
                let mm = Arc::clone(&mm);
                thread::spawn(move || reply(&mm, "conv-hook", &format!("reply {i}")))
            })
            .collect();
        // Meanwhile, the API and the page answer at once.
        thread::sleep(Duration::from_millis(200));
        let t = Instant::now();
        for i in 0..10 {
            assert_eq!(send(m.addr, &format!("m-2-{i}"), "conv-hook").status, 200);
        }
        assert_alive(&m);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        for r in replies {
            let r = r.join().unwrap();
            assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
            let v = r.json();
            assert_eq!(v["hook_status"], Value::Null, "{v}");
            assert_eq!(v["hook"]["endpoint"], "webhook_message", "{v}");
        }
        let waited = started.elapsed();
        if expect_wait {
            // amoCRM's 5 s, not more: the four replies waited side by side.
            assert!(
                waited >= Duration::from_millis(4900) && waited < Duration::from_secs(9),
                "{waited:?}"
            );
        } else {
            assert!(waited < Duration::from_secs(3), "{waited:?}");
        }
        let log = log_when(&m, |l| l.contains("not delivered"));
        assert!(log.contains("hook webhook_message -> http://"), "{log}");
        assert!(log.contains("not delivered"), "{log}");
    }
}

#[test]
fn the_state_file_survives_kill_9_mid_write() {
    let dir = tmp_dir("kill9");
    let file = dir.join("state.json");
    let file_arg = file.to_string_lossy().into_owned();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut mid_write = 0;
    for round in 0..10 {
        let m = spawn(&["--state", &file_arg]);
        if round == 0 {
            assert_eq!(connect(m.addr).status, 200);
        }
        // Four writers side by side until the kill.
        let stop = Instant::now() + Duration::from_millis(150 + 70 * round);
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let addr = m.addr;
                thread::spawn(move || {
                    let mut ok = Vec::new();
                    let mut i = 0;
                    while Instant::now() < stop {
                        let id = format!("r{round}-w{w}-{i}");
                        // Answers cut by the kill do not count.
                        let r = try_signed_at(
                            addr,
                            "POST",
                            &format!("/v2/origin/custom/{}", scope()),
                            &message_body(&id, &format!("conv-{w}"), "hello"),
                            unix_now(),
                        );
                        if r.is_some_and(|r| r.status == 200) {
                            ok.push(id);
                        }
                        i += 1;
                    }
                    ok
                })
            })
            .collect();
        thread::sleep(stop - Instant::now());
        let mut m = m;
        m.child.kill().expect("kill -9"); // SIGKILL on unix
        let _ = m.child.wait();
        for w in writers {
            acknowledged.extend(w.join().unwrap());
        }
        // A temporary file left behind: the kill came in the middle of a write.
        if dir.join("state.json.amojo-tmp").exists() {
            mid_write += 1;
        }
        let bytes = std::fs::read(&file).expect("the state file exists");
        let parsed: Result<Value, _> = serde_json::from_slice(&bytes);
        assert!(
            parsed.is_ok(),
            "round {round}: a torn state file ({} bytes)",
            bytes.len()
        );
    }
    assert!(
        acknowledged.len() > 20,
        "only {} messages sent",
        acknowledged.len()
    );
    eprintln!(
        "{} messages acknowledged; {mid_write} of 10 kills came in the middle of a write",
        acknowledged.len()
    );
    // Restarted on the file: every acknowledged message is there.
    let m = spawn(&["--state", &file_arg]);
    let state = http(m.addr, "GET", "/_mock/state", &[], b"");
    assert_eq!(state.status, 200);
    let text = String::from_utf8_lossy(&state.body);
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !text.contains(&format!("\"{id}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged messages lost: {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert!(
        !std::fs::read_dir(&dir)
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().contains("tmp") })
    );
    drop(m);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_state_file_of_other_channels_or_not_json_is_refused() {
    let dir = tmp_dir("badstate");
    let file = dir.join("state.json");
    std::fs::write(&file, b"{ torn").unwrap();
    let run = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_amojo"));
        c.args([
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--channel",
            &format!("{CHANNEL}={SECRET}"),
            "--state",
            &file.to_string_lossy(),
        ]);
        output_within(c, Duration::from_secs(10))
    };
    let (code, out, err) = run();
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("state"), "{err}");
    assert!(!err.contains(SECRET));
    // A state of another channel.
    std::fs::write(
        &file,
        br#"{"format":"amojo-mock-state","version":1,"next_id":1,"log_seq":0,
            "channels":[{"id":"another-channel","hook_url":null,"bot_id":null}],
            "scopes":[],"users":[],"chats":[],"messages":[]}"#,
    )
    .unwrap();
    let (code, _, err) = run();
    assert_eq!(code, 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fail_rate_latency_and_clock_skew() {
    let m = spawn(&["--fail-rate", "0.5", "--latency", "200"]);
    let t = Instant::now();
    let statuses: Vec<u16> = (0..4)
        .map(|i| send(m.addr, &format!("f{i}"), "conv-f").status)
        .collect();
    assert!(
        t.elapsed() >= Duration::from_millis(800),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 503).count(),
        2,
        "{statuses:?}"
    );
    // Control and the page are neither delayed nor failed.
    let t = Instant::now();
    assert_eq!(http(m.addr, "GET", "/_mock/state", &[], b"").status, 200);
    assert!(t.elapsed() < Duration::from_millis(150));

    // An hour ahead: a request dated now is outside the 15-minute window; one dated an
    // hour ahead is fine.
    let m = spawn(&["--clock-skew", "3600"]);
    let body = json!({"account_id": ACCOUNT, "title": "t", "hook_api_version": "v2"}).to_string();
    let path = format!("/v2/origin/custom/{CHANNEL}/connect");
    let r = signed_at(m.addr, "POST", &path, body.as_bytes(), unix_now());
    assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
    let r = signed_at(m.addr, "POST", &path, body.as_bytes(), unix_now() + 3600);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // The answer's Date is the mock's clock: an hour ahead.
    let date = r
        .head
        .lines()
        .find_map(|l| l.strip_prefix("date: "))
        .expect("a Date header");
    let shown = amojo_kit::parse_date(date).expect("an HTTP date").unix;
    assert!((shown - (unix_now() + 3600)).abs() <= 2, "{date}");
}

#[test]
fn json_log_lines_and_a_graceful_sigterm() {
    let m = spawn(&["--log", "json"]);
    assert_eq!(connect(m.addr).status, 200);
    let r = signed(
        m.addr,
        "POST",
        &format!("/v2/origin/custom/{}", scope()),
        b"{}",
    );
    assert_eq!(r.status, 400);
    let bad = http(
        m.addr,
        "POST",
        &format!("/v2/origin/custom/{}", scope()),
        &[],
        b"{}",
    );
    assert_eq!(bad.status, 403);
    let status = Command::new("kill")
        .args(["-TERM", &m.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut m = m;
    let code = m.child.wait().unwrap();
    assert_eq!(code.code(), Some(0), "{}", m.stderr.lock().unwrap());
    let log = log_when(&m, |l| l.lines().count() >= 3);
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["endpoint"], "connect");
    assert_eq!(lines[1]["status"], 400);
    assert!(lines[1]["error"]["code"].is_string(), "{}", lines[1]);
    assert_eq!(lines[2]["status"], 403);
    assert!(lines[2]["reason"].is_string(), "{}", lines[2]);
    assert!(m.stderr.lock().unwrap().contains("amojo mock: stopped"));
}
