//! `amojo`: sign, verify, diagnose, validate and send amoCRM Chats API requests from the shell.
//!
//! Exit codes: 0 success (signed, verified, valid), 1 negative answer (rejected, invalid,
//! unusable input data), 2 usage error. Output is built in memory and written once, so a
//! closed stdout (`| head`) ends the process quietly instead of panicking.

mod args;
mod mock;
mod send;
mod sign;
mod util;
mod validate;
mod verify;

use std::io::{self, Write};
use std::process::ExitCode;

use args::CliError;

const USAGE: &str = "\
amojo: sign, verify and validate requests to the amoCRM Chats API (amojo)

usage:
  amojo <command> [options]

commands:
  sign          sign a request: Date, Content-Type, Content-MD5, X-Signature (or a curl command)
  verify        check a signed request as the server would: `ok` or `rejected: <code>`
  diagnose      explain a failed verification (shows the expected signature)
  validate      check a body (or method + path + body) against the documented rules
  webhook       sign | verify a hook body (X-Signature = HMAC-SHA1 of the raw body)
  endpoints     list the endpoints with method and path template
  send          validate, sign and send a request; explain a 403 (or print it as curl)
  mock          run a local Chats API (and its inbox page) to test an integration against
  help [CMD]    this help, or a command's help (same as `amojo CMD --help`)

options:
  -h, --help    this help
  -V, --version print the version

Secrets: --secret S, or the AMOJO_SECRET environment variable when --secret is absent
(keeps it out of shell history). A secret is never printed.
Exit codes: 0 success, 1 rejected / invalid, 2 usage error.
";

const COMMANDS: &[&str] = &[
    "sign",
    "verify",
    "diagnose",
    "validate",
    "webhook",
    "endpoints",
    "send",
    "mock",
    "help",
    "version",
];

fn help_of(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "sign" => sign::USAGE,
        "verify" => verify::VERIFY_USAGE,
        "diagnose" => verify::DIAGNOSE_USAGE,
        "validate" => validate::VALIDATE_USAGE,
        "webhook" => verify::WEBHOOK_USAGE,
        "endpoints" => validate::ENDPOINTS_USAGE,
        "send" => send::USAGE,
        "mock" => mock::USAGE,
        "help" | "version" => USAGE,
        _ => return None,
    })
}

fn unknown_command(cmd: &str) -> CliError {
    let hint = util::suggest(cmd, COMMANDS)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    let shown = if cmd.starts_with('-') {
        format!("unknown option `{}`", cmd.split('=').next().unwrap_or(cmd))
    } else {
        format!("unknown command `{cmd}`")
    };
    CliError::usage("", format!("{shown}{hint}"))
}

fn version(out: &mut Vec<u8>) -> Result<u8, CliError> {
    writeln!(out, "amojo {}", env!("CARGO_PKG_VERSION"))?;
    Ok(0)
}

fn run(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let Some((cmd, rest)) = argv.split_first() else {
        return Err(CliError::usage("", "missing command"));
    };
    match cmd.as_str() {
        "sign" => sign::run(rest, out),
        "verify" => verify::run_verify(rest, out),
        "diagnose" => verify::run_diagnose(rest, out),
        "validate" => validate::run_validate(rest, out),
        "webhook" => verify::run_webhook(rest, out),
        "endpoints" => validate::run_endpoints(rest, out),
        "send" => send::run(rest, out),
        "mock" => mock::run(rest, out),
        "-V" | "--version" | "version" => version(out),
        "-h" | "--help" => {
            out.write_all(USAGE.as_bytes())?;
            Ok(0)
        }
        "help" => match rest.first() {
            None => {
                out.write_all(USAGE.as_bytes())?;
                Ok(0)
            }
            Some(c) => match help_of(c) {
                Some(h) => {
                    out.write_all(h.as_bytes())?;
                    Ok(0)
                }
                None => Err(unknown_command(c)),
            },
        },
        other => Err(unknown_command(other)),
    }
}

/// Every secret that could appear in a message: `--secret` values, the SECRET of
/// `amojo mock --channel ID=SECRET`, and `AMOJO_SECRET`.
fn known_secrets(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = argv.iter();
    let channel_secret = |v: &str| v.split_once('=').map(|(_, s)| s.to_owned());
    while let Some(a) = it.next() {
        if a == "--secret" {
            if let Some(v) = it.next() {
                out.push(v.clone());
            }
        } else if let Some(v) = a.strip_prefix("--secret=") {
            out.push(v.to_owned());
        } else if a == "--channel" {
            if let Some(v) = it.next() {
                out.extend(channel_secret(v));
            }
        } else if let Some(v) = a.strip_prefix("--channel=") {
            out.extend(channel_secret(v));
        }
    }
    if let Some(s) = util::env_secret() {
        out.push(String::from_utf8_lossy(&s).into_owned());
    }
    out
}

fn main() -> ExitCode {
    let mut argv = Vec::new();
    for a in std::env::args_os().skip(1) {
        match a.into_string() {
            Ok(s) => argv.push(s),
            Err(_) => {
                let _ = writeln!(
                    io::stderr(),
                    "amojo: error: an argument is not valid UTF-8\nhint: run `amojo --help` for usage"
                );
                return ExitCode::from(2);
            }
        }
    }
    let mut out = Vec::new();
    let code = match run(&argv, &mut out) {
        Ok(code) => code,
        Err(e) => {
            if let CliError::Usage { cmd: "", .. } = &e
                && argv.is_empty()
            {
                let _ = io::stderr().write_all(USAGE.as_bytes());
            }
            let msg = util::redact(&e.to_string(), &known_secrets(&argv));
            let _ = writeln!(io::stderr(), "{msg}");
            e.exit_code()
        }
    };
    let mut stdout = io::stdout().lock();
    match stdout.write_all(&out).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::from(code),
        // The reader went away (`| head`): nothing more to say.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(io::stderr(), "amojo: error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}
