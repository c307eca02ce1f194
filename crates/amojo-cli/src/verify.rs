//! `amojo verify`, `amojo diagnose`, `amojo webhook sign|verify`.

use std::io::Write;

use amojo_kit::{
    DEFAULT_TOLERANCE_SECS, Headers, Reason, ReceivedRequest, Verified, VerifyOptions,
    VerifyOutcome, diagnose_request, verify_request, verify_webhook, webhook_signature,
};
use clap::Arg;
use serde_json::json;

use crate::args::{self, Args, CliError};
use crate::util;

pub const VERIFY_USAGE: &str = "\
amojo verify: check a signed request as the amojo server would (SPEC §1)

usage:
  amojo verify --secret S... --method M --path P --header 'Name: value'...
               [--now UNIX] [--tolerance SECS] [FILE | - | --data TEXT] [--json]

Checks that Date, Content-MD5 and X-Signature are present and single, that Date lies
within the window around now, that Content-MD5 is the MD5 of the body bytes, and that
X-Signature matches (constant-time) under one of the secrets. Never prints the expected
signature: use `amojo diagnose` for that. The body is FILE, stdin (`-`) or --data;
with none of them it is empty (a GET).

options:
  --secret S          a channel secret; repeat for rotation (default: $AMOJO_SECRET)
  --method M          the request's method
  --path P            the request target (a path, query allowed, or a full URL)
  -H, --header H      a received header, `Name: value`; repeat for each
  --now UNIX          the current time, unix seconds or a date (default: the system clock)
  --tolerance SECS    allowed Date skew both ways (default: 900; 0 disables the check)
  --data TEXT         the body, inline
  --json              print {\"ok\":true,\"secret_index\":N} or {\"ok\":false,\"reason\",\"message\"}
  -h, --help          this help

output: `ok`, or `rejected: <code>: <message>`.
exit: 0 ok, 1 rejected, 2 usage error.
";

pub const DIAGNOSE_USAGE: &str = "\
amojo diagnose: explain why a signed request does (not) verify

usage:
  amojo diagnose --secret S... --method M --path P --header 'Name: value'...
                 [--now UNIX] [--tolerance SECS] [FILE | - | --data TEXT] [--json]

Same arguments as `amojo verify`. Prints the outcome, the canonical string the server
signs, the body's MD5, the expected X-Signature (derived from the first secret: show it
only to the secret's owner) and each finding as `component code: message` (for example
`path signed_with_query` or `content_type content_type_rewritten`).

options: see `amojo verify --help`; --json prints
  {ok, reason, message, expected_canonical, expected_signature, body_md5,
   findings: [{component, code, message}]}
exit: 0 the request verifies, 1 it does not, 2 usage error.
";

pub const WEBHOOK_USAGE: &str = "\
amojo webhook: sign or verify a hook that amoCRM posts to your hook URL (SPEC §2)

usage:
  amojo webhook sign --secret S [FILE | - | --data TEXT] [--json]
  amojo webhook verify --secret S... --signature X [FILE | - | --data TEXT] [--json]

X-Signature of a hook is hex(HMAC-SHA1(secret, raw body)): verify the raw bytes, never a
re-serialized object. With no FILE, `-` or --data the body is empty.

options:
  --secret S          the channel secret (default: $AMOJO_SECRET); repeat for rotation
                      when verifying
  --signature X       the X-Signature header received (verify)
  --data TEXT         the body, inline
  --json              sign: {\"signature\"}; verify: {\"ok\",\"secret_index\"} or
                      {\"ok\":false,\"reason\",\"message\"}
  -h, --help          this help

exit: 0 signed / ok, 1 rejected, 2 usage error.
";

fn request_specs() -> [Arg; 8] {
    [
        args::many("secret"),
        args::value("method"),
        args::value("path"),
        args::many("header").short('H'),
        args::value("now"),
        args::value("tolerance"),
        args::value("data"),
        args::switch("json"),
    ]
}

struct Request {
    method: String,
    path: String,
    headers: Headers,
    body: Vec<u8>,
    secrets: Vec<Vec<u8>>,
    opts: VerifyOptions,
}

impl Request {
    /// The request as the core reads it.
    fn received(&self) -> ReceivedRequest<'_> {
        ReceivedRequest {
            method: &self.method,
            path: &self.path,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

fn request(a: &Args) -> Result<Request, CliError> {
    let method = a.required("method")?.to_owned();
    let path = a.required("path")?.to_owned();
    let mut headers = Headers::new();
    for h in a.all("header") {
        headers.parse_line(h).map_err(|_| {
            CliError::usage(a.cmd, format!("`{h}` is not a `Name: value` header line"))
        })?;
    }
    let now = match a.get("now") {
        Some(v) => util::parse_time(a, "now", v)?,
        None => util::system_now()?,
    };
    let tolerance_secs = a
        .parsed::<u64>("tolerance", "a number of seconds")?
        .unwrap_or(DEFAULT_TOLERANCE_SECS);
    let secrets = util::secrets(a)?;
    let (body, _) = util::read_body(a)?;
    Ok(Request {
        method,
        path,
        headers,
        body,
        secrets,
        opts: VerifyOptions {
            now,
            tolerance_secs,
        },
    })
}

fn print_outcome(
    out: &mut Vec<u8>,
    outcome: &Result<Verified, Reason>,
    json: bool,
) -> Result<u8, CliError> {
    match outcome {
        _ if json => writeln!(out, "{}", json_of(&VerifyOutcome::from(outcome))?)?,
        Ok(_) => writeln!(out, "ok")?,
        Err(r) => writeln!(out, "rejected: {}: {r}", r.code())?,
    }
    Ok(if outcome.is_ok() { 0 } else { 1 })
}

/// One line of JSON: the core's own serialisation of an outcome or a diagnosis.
fn json_of<T: serde::Serialize>(v: &T) -> Result<String, CliError> {
    serde_json::to_string(v).map_err(|e| CliError::Data(format!("cannot serialize: {e}")))
}

pub fn run_verify(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("verify", request_specs(), argv)?;
    if a.help {
        out.write_all(VERIFY_USAGE.as_bytes())?;
        return Ok(0);
    }
    let outcome = {
        let r = request(&a)?;
        verify_request(&r.received(), &r.secrets, &r.opts)
    };
    print_outcome(out, &outcome, a.has("json"))
}

pub fn run_diagnose(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("diagnose", request_specs(), argv)?;
    if a.help {
        out.write_all(DIAGNOSE_USAGE.as_bytes())?;
        return Ok(0);
    }
    let d = {
        let r = request(&a)?;
        diagnose_request(&r.received(), &r.secrets, &r.opts)
    };
    let code = if d.outcome.is_ok() { 0 } else { 1 };
    if a.has("json") {
        writeln!(out, "{}", json_of(&d)?)?;
        return Ok(code);
    }
    match &d.outcome {
        Ok(v) if v.secret_index > 0 => {
            writeln!(out, "ok (secret #{} of those given)", v.secret_index + 1)?
        }
        Ok(_) => writeln!(out, "ok")?,
        Err(reason) => writeln!(out, "rejected: {}: {reason}", reason.code())?,
    }
    if d.expected_canonical.is_empty() {
        writeln!(
            out,
            "expected canonical string: (unavailable: fix the method, path or headers first)"
        )?;
    } else {
        writeln!(out, "expected canonical string (lines joined with \\n):")?;
        for line in d.expected_canonical.split('\n') {
            writeln!(out, "    {line}")?;
        }
    }
    writeln!(out, "body md5:           {}", d.body_md5)?;
    writeln!(
        out,
        "expected signature: {}",
        d.expected_signature.as_deref().unwrap_or("(unavailable)")
    )?;
    if d.findings.is_empty() {
        writeln!(out, "findings: none")?;
    } else {
        writeln!(out, "findings:")?;
        for f in &d.findings {
            writeln!(out, "    {} {}: {}", f.component.code(), f.code, f.message)?;
        }
    }
    Ok(code)
}

fn webhook_sign_specs() -> [Arg; 3] {
    [
        args::many("secret"),
        args::value("data"),
        args::switch("json"),
    ]
}

fn webhook_verify_specs() -> [Arg; 4] {
    [
        args::many("secret"),
        args::value("signature"),
        args::value("data"),
        args::switch("json"),
    ]
}

pub fn run_webhook(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let (sub, rest) = match argv.split_first() {
        Some((s, rest)) => (s.as_str(), rest),
        None => {
            return Err(CliError::usage(
                "webhook",
                "missing subcommand: `sign` or `verify`",
            ));
        }
    };
    match sub {
        "-h" | "--help" | "help" => {
            out.write_all(WEBHOOK_USAGE.as_bytes())?;
            Ok(0)
        }
        "sign" => {
            let a = args::parse("webhook sign", webhook_sign_specs(), rest)?;
            if a.help {
                out.write_all(WEBHOOK_USAGE.as_bytes())?;
                return Ok(0);
            }
            let secret = util::one_secret(&a)?;
            let (body, _) = util::read_body(&a)?;
            let sig = webhook_signature(&secret, &body)
                .map_err(|e| CliError::usage("webhook sign", e.to_string()))?;
            if a.has("json") {
                writeln!(out, "{}", json!({ "signature": sig }))?;
            } else {
                writeln!(out, "{sig}")?;
            }
            Ok(0)
        }
        "verify" => {
            let a = args::parse("webhook verify", webhook_verify_specs(), rest)?;
            if a.help {
                out.write_all(WEBHOOK_USAGE.as_bytes())?;
                return Ok(0);
            }
            let sig = a.required("signature")?;
            let secrets = util::secrets(&a)?;
            let (body, _) = util::read_body(&a)?;
            let refs: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
            let outcome = verify_webhook(&body, sig.trim(), &refs);
            print_outcome(out, &outcome, a.has("json"))
        }
        other => {
            let hint = crate::util::suggest(other, &["sign", "verify"])
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(CliError::usage(
                "webhook",
                format!("unknown subcommand `{other}`{hint}; expected `sign` or `verify`"),
            ))
        }
    }
}
