//! Native benchmarks of the core (criterion), the Rust half of `make bench`.
//!
//!   CARGO_PROFILE_BENCH_PANIC=unwind cargo bench --bench core -- --noplot
//!                                             # measure; writes target/bench/native.json
//!
//! (`panic = "unwind"`: the bench profile inherits the release profile's `abort`, with
//! which cargo builds the library and serde twice, once per strategy, and the `amojo` bin
//! fails to compile.)
//!   cargo test --bench core                   # smoke: every benchmark runs once
//!
//! The inputs are those of scripts/bench.mjs (the npm package and the browser), read from
//! benches/inputs.json; the digests every body must give are asserted before anything is
//! timed, in both modes, so the two halves provably measure the same bytes. After a
//! measuring run, the medians criterion wrote (target/criterion/*/new/estimates.json) are
//! gathered into target/bench/native.json, which scripts/bench.mjs reads to compute the
//! wasm / native ratio of the 1 MiB scenario in the same `make bench` run.

use std::collections::BTreeMap;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use amojo_kit::{
    DateInput, Endpoint, RequestToSign, ValidateOptions, content_md5, sign_request, validate,
};
use criterion::{BenchmarkGroup, Criterion, Throughput, measurement::WallTime};
use serde::Deserialize;

/// benches/inputs.json (shared with scripts/bench.mjs).
#[derive(Deserialize)]
struct Inputs {
    secret: String,
    method: String,
    path: String,
    date_unix: i64,
    sizes: Vec<usize>,
    filler: String,
    template: String,
    tiny_template: String,
    send_message_valid: String,
    send_message_invalid: String,
    expected: Expected,
}

#[derive(Deserialize)]
struct Expected {
    date: String,
    /// Size (as a decimal string) → the signed body.
    sign: BTreeMap<String, Digest>,
    /// Size → the send_message body validated.
    validate: BTreeMap<String, Digest>,
    send_message_valid: Digest,
    send_message_invalid: Digest,
}

#[derive(Deserialize)]
struct Digest {
    bytes: usize,
    content_md5: String,
    #[serde(default)]
    signature: Option<String>,
}

const SLOT: &str = "{TEXT}";

/// `template` with its `{TEXT}` slot filled so that the body is exactly `size` bytes: the
/// filler repeated character by character while the next character fits, then ASCII dots.
/// When that is too small for the template, the smallest body of that shape: the text is
/// the filler's first character (an empty text is an error). Must stay identical to
/// `bodyOfSize` in scripts/bench.mjs.
fn body_of_size(template: &str, filler: &str, size: usize) -> String {
    let base = template.len() - SLOT.len();
    let first = filler.chars().next().map_or(1, char::len_utf8);
    let room = size.saturating_sub(base).max(first);
    let mut text = filler.repeat(room / filler.len());
    for ch in filler.chars() {
        if text.len() + ch.len_utf8() > room {
            break;
        }
        text.push(ch);
    }
    while text.len() < room {
        text.push('.');
    }
    template.replacen(SLOT, &text, 1)
}

/// The body signed at a size: the send_message template, or the tiny one below its size.
fn sign_body(inp: &Inputs, size: usize) -> String {
    let base = inp.template.len() - SLOT.len();
    let template = if size >= base {
        &inp.template
    } else {
        &inp.tiny_template
    };
    body_of_size(template, &inp.filler, size)
}

/// The send_message body validated at a size (never below the template's smallest body).
fn validate_body(inp: &Inputs, size: usize) -> String {
    body_of_size(&inp.template, &inp.filler, size)
}

fn request<'a>(inp: &'a Inputs, body: &'a [u8]) -> RequestToSign<'a> {
    RequestToSign {
        method: &inp.method,
        path: &inp.path,
        body,
        content_type: None,
        date: DateInput::Unix(inp.date_unix),
    }
}

fn sign(inp: &Inputs, body: &[u8]) -> String {
    match sign_request(&request(inp, body), inp.secret.as_bytes()) {
        Ok(s) => s.signature,
        Err(e) => panic!("sign_request failed: {e}"),
    }
}

fn check(what: &str, body: &[u8], want: &Digest, signature: Option<&str>) {
    assert_eq!(
        body.len(),
        want.bytes,
        "{what}: size differs from benches/inputs.json"
    );
    assert_eq!(content_md5(body), want.content_md5, "{what}: Content-MD5");
    if let (Some(got), Some(want)) = (signature, want.signature.as_deref()) {
        assert_eq!(got, want, "{what}: X-Signature");
    }
}

fn label(size: usize) -> String {
    match size {
        s if s >= 1 << 20 && s % (1 << 20) == 0 => format!("{}MiB", s >> 20),
        s if s >= 1 << 10 && s % (1 << 10) == 0 => format!("{}KiB", s >> 10),
        s => format!("{s}B"),
    }
}

/// What one benchmark measured, for native.json.
struct Entry {
    id: String,
    bytes: usize,
    content_md5: String,
}

fn group<'a>(c: &'a mut Criterion, name: &str, bytes: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    if bytes >= 100 * 1024 {
        // ~1-3 ms per call natively: fewer samples, same wall time.
        g.sample_size(20);
    }
    g
}

fn main() {
    let inp: Inputs = match serde_json::from_str(include_str!("inputs.json")) {
        Ok(v) => v,
        Err(e) => panic!("benches/inputs.json: {e}"),
    };
    let started = SystemTime::now();
    let mut entries: Vec<Entry> = Vec::new();

    // ---- inputs, checked against the digests scripts/bench.mjs checks too ----------------
    let signed = match sign_request(&request(&inp, b""), inp.secret.as_bytes()) {
        Ok(s) => s,
        Err(e) => panic!("sign_request failed: {e}"),
    };
    assert_eq!(signed.date, inp.expected.date, "formatted Date");
    let sign_bodies: Vec<(usize, String)> =
        inp.sizes.iter().map(|&n| (n, sign_body(&inp, n))).collect();
    let validate_bodies: Vec<(usize, String)> = inp
        .sizes
        .iter()
        .map(|&n| (n, validate_body(&inp, n)))
        .collect();
    for (n, body) in &sign_bodies {
        let want = &inp.expected.sign[&n.to_string()];
        check(
            &format!("sign body {n}"),
            body.as_bytes(),
            want,
            Some(&sign(&inp, body.as_bytes())),
        );
    }
    let opts = ValidateOptions::default();
    for (n, body) in &validate_bodies {
        check(
            &format!("validate body {n}"),
            body.as_bytes(),
            &inp.expected.validate[&n.to_string()],
            None,
        );
        let report = validate(Endpoint::SendMessage, body.as_bytes(), &opts);
        assert!(
            report.valid && report.warnings.is_empty(),
            "validate body {n}: {report:?}"
        );
    }
    let valid = inp.send_message_valid.as_bytes();
    let invalid = inp.send_message_invalid.as_bytes();
    check(
        "send_message_valid",
        valid,
        &inp.expected.send_message_valid,
        None,
    );
    check(
        "send_message_invalid",
        invalid,
        &inp.expected.send_message_invalid,
        None,
    );
    assert!(validate(Endpoint::SendMessage, valid, &opts).valid);
    let bad = validate(Endpoint::SendMessage, invalid, &opts);
    assert!(
        !bad.valid && bad.errors.len() == 4,
        "send_message_invalid: {:?}",
        bad.errors
    );

    let one_kib = &sign_bodies
        .iter()
        .find(|(n, _)| *n == 1024)
        .expect("1024 in sizes")
        .1;
    let one_mib = &sign_bodies
        .iter()
        .find(|(n, _)| *n == 1 << 20)
        .expect("1 MiB in sizes")
        .1;

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();

    // ---- 1. sign a 1 KiB JSON body ---------------------------------------------------------
    {
        let mut g = group(&mut c, "sign", 1024);
        g.throughput(Throughput::Bytes(one_kib.len() as u64));
        g.bench_function("1KiB", |b| {
            b.iter(|| {
                sign_request(
                    &request(&inp, black_box(one_kib.as_bytes())),
                    inp.secret.as_bytes(),
                )
            });
        });
        g.finish();
        entries.push(Entry {
            id: "sign/1KiB".into(),
            bytes: one_kib.len(),
            content_md5: content_md5(one_kib.as_bytes()),
        });
    }

    // ---- 2. validate a ~700 B send_message body, valid and invalid -----------------------
    {
        let mut g = group(&mut c, "validate_send_message", valid.len());
        for (name, body) in [("valid", valid), ("invalid", invalid)] {
            g.throughput(Throughput::Bytes(body.len() as u64));
            g.bench_function(name, |b| {
                b.iter(|| validate(Endpoint::SendMessage, black_box(body), &opts));
            });
            entries.push(Entry {
                id: format!("validate_send_message/{name}"),
                bytes: body.len(),
                content_md5: content_md5(body),
            });
        }
        g.finish();
    }

    // ---- 3. 1 MiB: MD5 alone, and the whole signature (MD5 + HMAC-SHA1) -----------------
    {
        let body = one_mib.as_bytes();
        let mut g = group(&mut c, "hash_1MiB", body.len());
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function("content_md5", |b| b.iter(|| content_md5(black_box(body))));
        g.bench_function("sign_request", |b| {
            b.iter(|| sign_request(&request(&inp, black_box(body)), inp.secret.as_bytes()));
        });
        g.finish();
        for name in ["content_md5", "sign_request"] {
            entries.push(Entry {
                id: format!("hash_1MiB/{name}"),
                bytes: body.len(),
                content_md5: content_md5(body),
            });
        }
    }

    // ---- 6. scaling: sign and validate at every size --------------------------------------
    for (name, bodies) in [
        ("scaling_sign", &sign_bodies),
        ("scaling_validate", &validate_bodies),
    ] {
        for (n, body) in bodies {
            let body = body.as_bytes();
            let mut g = group(&mut c, name, body.len());
            g.throughput(Throughput::Bytes(body.len() as u64));
            let id = label(*n);
            if name == "scaling_sign" {
                g.bench_function(&id, |b| {
                    b.iter(|| sign_request(&request(&inp, black_box(body)), inp.secret.as_bytes()));
                });
            } else {
                g.bench_function(&id, |b| {
                    b.iter(|| validate(Endpoint::SendMessage, black_box(body), &opts))
                });
            }
            g.finish();
            entries.push(Entry {
                id: format!("{name}/{id}"),
                bytes: body.len(),
                content_md5: content_md5(body),
            });
        }
    }

    c.final_summary();

    let measuring =
        std::env::args().any(|a| a == "--bench") && !std::env::args().any(|a| a == "--test");
    if measuring {
        write_native_json(&entries, started);
    }
}

/// Where criterion writes (mirrors its own lookup) and where native.json goes.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

fn criterion_dir() -> PathBuf {
    match std::env::var_os("CRITERION_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => target_dir().join("criterion"),
    }
}

fn millis(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// The median (ns per iteration) of one benchmark from its estimates.json, when that file
/// was written by this run (a filtered run leaves the others out).
fn median_ns(id: &str, started: SystemTime) -> Option<(f64, f64, f64)> {
    let path = criterion_dir().join(id).join("new").join("estimates.json");
    let fresh = fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|m| m >= started);
    if !fresh {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).ok()?).ok()?;
    let median = &v["median"];
    Some((
        median["point_estimate"].as_f64()?,
        median["confidence_interval"]["lower_bound"].as_f64()?,
        median["confidence_interval"]["upper_bound"].as_f64()?,
    ))
}

fn write_native_json(entries: &[Entry], started: SystemTime) {
    let mut results = serde_json::Map::new();
    for e in entries {
        let Some((ns, low, high)) = median_ns(&e.id, started) else {
            eprintln!(
                "bench: no fresh criterion estimate for {} (filtered out?)",
                e.id
            );
            continue;
        };
        results.insert(
            e.id.clone(),
            serde_json::json!({
                "ns_per_op": ns,
                "ns_per_op_ci95": [low, high],
                "ops_per_sec": 1e9 / ns,
                "ns_per_byte": ns / e.bytes as f64,
                "bytes": e.bytes,
                "content_md5": e.content_md5,
            }),
        );
    }
    let out = serde_json::json!({
        "tool": "criterion 0.5 (median of the samples)",
        "profile": "bench (= release: opt-level z, hash crates at 3, LTO; panic=unwind)",
        "arch": std::env::consts::ARCH,
        "os": std::env::consts::OS,
        "started_at_ms": millis(started) as u64,
        "finished_at_ms": millis(SystemTime::now()) as u64,
        "results": results,
    });
    let dir = target_dir().join("bench");
    let path = dir.join("native.json");
    let text = match serde_json::to_string_pretty(&out) {
        Ok(t) => t,
        Err(e) => panic!("native.json: {e}"),
    };
    if let Err(e) = fs::create_dir_all(&dir).and_then(|()| fs::write(&path, text + "\n")) {
        panic!("cannot write {}: {e}", path.display());
    }
    println!(
        "bench: wrote {} ({} results)",
        path.display(),
        entries.len()
    );
}
