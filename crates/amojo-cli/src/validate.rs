//! `amojo validate` and `amojo endpoints`.

use std::io::Write;

use amojo_kit::{
    Endpoint, Issue, Lang, Report, Severity, ValidateOptions, classify_webhook, validate,
    validate_query, validate_request,
};
use clap::Arg;
use serde_json::{Value, json};

use crate::args::{self, CliError};
use crate::util::{self, Source};

pub const VALIDATE_USAGE: &str = "\
amojo validate: check a request, hook or response body against the documented field rules

usage:
  amojo validate --endpoint E [FILE | - | --data TEXT] [--json] [--lang en|ru]
  amojo validate --method M --path P [FILE | - | --data TEXT] [--json] [--lang en|ru]

With --endpoint the body is checked against that endpoint's rules (`amojo endpoints`
lists them: requests, the webhook_* hooks amoCRM sends, the *_response bodies the API
answers with; `--endpoint webhook` picks the hook from the body). For `--endpoint history` the input
is the query as a JSON object, e.g. {\"limit\": 50, \"offset\": 0}, or give --query.
With --method and --path the endpoint is found from the route (unknown routes and wrong
methods are errors), path and body are checked together (delivery_status msgid), and a
GET history checks the query string of --path. With no FILE, `-` or --data the body is
empty.

options:
  --endpoint E        endpoint name: connect, send_message, history, webhook_message,
                      connect_response, ... or `webhook` (which hook: from the body)
  --method M          with --path: the request's method
  --path P            with --method: the request path or full URL (query included)
  --query Q           with `--endpoint history`: a query string such as `limit=5&offset=0`
  --data TEXT         the body, inline
  --lang L            message language: `en` (default) or `ru`
  --max-issues N      report at most N issues (default: 100; the verdict counts all)
  --max-body-bytes N  larger bodies are one `too_large` error, not parsed (default: 1048576)
  --max-depth N       deeper nesting is one `too_deep` error (default: 32, at most 128)
  --json              print the report: {valid, endpoint, errors, warnings, truncated}
  -h, --help          this help

output: one line per issue (severity, JSON Pointer, code, message), then a summary.
exit: 0 valid (warnings allowed), 1 invalid, 2 usage error.
";

pub const ENDPOINTS_USAGE: &str = "\
amojo endpoints: list the endpoints, hooks and responses the validator knows

usage:
  amojo endpoints [--json]

options:
  --json              print [{name, method, path, webhook, kind, response_to}]
  -h, --help          this help
";

fn specs() -> [Arg; 10] {
    [
        args::value("endpoint"),
        args::value("method"),
        args::value("path"),
        args::value("query"),
        args::value("data"),
        args::value("lang"),
        args::value("max-issues"),
        args::value("max-body-bytes"),
        args::value("max-depth"),
        args::switch("json"),
    ]
}

pub fn run_validate(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("validate", specs(), argv)?;
    if a.help {
        out.write_all(VALIDATE_USAGE.as_bytes())?;
        return Ok(0);
    }
    let lang: Lang = match a.get("lang") {
        None => Lang::En,
        Some(l) => l
            .parse()
            .map_err(|e: amojo_kit::ParseNameError| CliError::usage("validate", e.to_string()))?,
    };
    let mut opts = ValidateOptions {
        lang,
        ..ValidateOptions::default()
    };
    if let Some(n) = a.parsed::<usize>("max-issues", "a number")? {
        opts.max_issues = n;
    }
    if let Some(n) = a.parsed::<usize>("max-body-bytes", "a number")? {
        opts.max_body_bytes = n;
    }
    if let Some(n) = a.parsed::<usize>("max-depth", "a number")? {
        opts.max_depth = n;
    }
    let endpoint: Option<Endpoint> = match a.get("endpoint") {
        None => None,
        // Which hook it is, from the body's envelope.
        Some("webhook") if a.get("method").is_none() && a.get("path").is_none() => {
            let (body, _) = util::read_body(&a)?;
            let ep = classify_webhook(&body).ok_or_else(|| {
                CliError::Data(
                    "the body is not a hook: no `message`, `action.typing` or `action.reaction`, and not a v1 hook (`conversation_id`, `receiver`)".to_owned(),
                )
            })?;
            return finish(&a, &validate(ep, &body, &opts), lang, out);
        }
        Some(e) => {
            Some(e.parse().map_err(|e: amojo_kit::ParseNameError| {
                CliError::usage("validate", e.to_string())
            })?)
        }
    };
    let report = match (endpoint, a.get("method"), a.get("path")) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(CliError::usage(
                "validate",
                "give either `--endpoint` or `--method` with `--path`, not both",
            ));
        }
        (Some(ep), None, None) => {
            if let Some(q) = a.get("query") {
                if ep != Endpoint::History {
                    return Err(CliError::usage(
                        "validate",
                        "`--query` goes with `--endpoint history`",
                    ));
                }
                if !a.positionals().is_empty() || a.has("data") {
                    return Err(CliError::usage(
                        "validate",
                        "give the history query either as `--query` or as a JSON object, not both",
                    ));
                }
                validate_query(q, &opts)
            } else {
                let (body, source) = util::read_body(&a)?;
                if ep == Endpoint::History && source == Source::None {
                    // No query at all: both parameters are optional.
                    validate(ep, b"{}", &opts)
                } else {
                    validate(ep, &body, &opts)
                }
            }
        }
        (None, Some(m), Some(p)) => {
            if a.has("query") {
                return Err(CliError::usage(
                    "validate",
                    "with `--path`, put the query in the path (`...history?limit=5`)",
                ));
            }
            let (body, _) = util::read_body(&a)?;
            validate_request(m, p, &body, &opts)
        }
        (None, Some(_), None) => {
            return Err(CliError::usage("validate", "`--method` needs `--path`"));
        }
        (None, None, Some(_)) => {
            return Err(CliError::usage("validate", "`--path` needs `--method`"));
        }
        (None, None, None) => {
            return Err(CliError::usage(
                "validate",
                "missing `--endpoint` (or `--method` and `--path`)",
            ));
        }
    };
    finish(&a, &report, lang, out)
}

/// Prints the report; the exit code.
fn finish(a: &args::Args, report: &Report, lang: Lang, out: &mut Vec<u8>) -> Result<u8, CliError> {
    let code = if report.valid { 0 } else { 1 };
    if a.has("json") {
        let v = serde_json::to_value(report)
            .map_err(|e| CliError::Data(format!("cannot serialize the report: {e}")))?;
        writeln!(out, "{v}")?;
    } else {
        print_human(out, report, lang)?;
    }
    Ok(code)
}

fn shown_path(i: &Issue) -> &str {
    if i.path.is_empty() { "(body)" } else { &i.path }
}

pub(crate) fn print_human(out: &mut Vec<u8>, r: &Report, lang: Lang) -> Result<(), CliError> {
    let all: Vec<&Issue> = r.errors.iter().chain(r.warnings.iter()).collect();
    let pw = all
        .iter()
        .map(|i| shown_path(i).chars().count())
        .max()
        .unwrap_or(0);
    let cw = all.iter().map(|i| i.code.code().len()).max().unwrap_or(0);
    for i in &all {
        let sev = match i.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let p = shown_path(i);
        let pad = pw.saturating_sub(p.chars().count());
        writeln!(
            out,
            "{sev:<7} {p}{:pad$}  {:<cw$}  {}",
            "",
            i.code.code(),
            i.message
        )?;
    }
    let (ne, nw) = (r.errors.len(), r.warnings.len());
    let ep = r.endpoint.map_or("request", |e| e.as_str());
    let summary = match lang {
        Lang::En => format!(
            "{} {ep}: {ne} error{}, {nw} warning{}",
            if r.valid { "valid" } else { "invalid" },
            if ne == 1 { "" } else { "s" },
            if nw == 1 { "" } else { "s" },
        ),
        Lang::Ru => format!(
            "{} {ep}: ошибок: {ne}, предупреждений: {nw}",
            if r.valid {
                "корректно"
            } else {
                "некорректно"
            },
        ),
    };
    let more = match (r.truncated, lang) {
        (false, _) => "",
        (true, Lang::En) => " (more issues left out: raise --max-issues)",
        (true, Lang::Ru) => " (остальные замечания не показаны: увеличьте --max-issues)",
    };
    writeln!(out, "{summary}{more}")?;
    Ok(())
}

pub fn run_endpoints(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("endpoints", [args::switch("json")], argv)?;
    if a.help {
        out.write_all(ENDPOINTS_USAGE.as_bytes())?;
        return Ok(0);
    }
    if let Some(p) = a.positionals().first() {
        return Err(CliError::usage(
            "endpoints",
            format!("unexpected argument `{p}`"),
        ));
    }
    if a.has("json") {
        let list: Vec<Value> = Endpoint::ALL
            .iter()
            .map(|e| {
                let kind = if e.is_webhook() {
                    "webhook"
                } else if e.response_to().is_some() {
                    "response"
                } else {
                    "request"
                };
                let (method, path) = e.route().unzip();
                json!({
                    "name": e.as_str(),
                    "method": method.or(e.is_webhook().then_some("POST")),
                    "path": path,
                    "webhook": e.is_webhook(),
                    "kind": kind,
                    "response_to": e.response_to().map(Endpoint::as_str),
                })
            })
            .collect();
        writeln!(out, "{}", Value::Array(list))?;
        return Ok(0);
    }
    let w = Endpoint::ALL
        .iter()
        .map(|e| e.as_str().len())
        .max()
        .unwrap_or(0);
    for e in Endpoint::ALL {
        match (e.route(), e.response_to()) {
            (Some((m, p)), _) => writeln!(out, "{:<w$}  {m:<6}  {p}", e.as_str())?,
            (None, Some(r)) => writeln!(
                out,
                "{:<w$}  {:<6}  (the 200 body answering `{}`)",
                e.as_str(),
                "",
                r.as_str()
            )?,
            (None, None) => writeln!(
                out,
                "{:<w$}  {:<6}  (amoCRM → your hook URL)",
                e.as_str(),
                "POST"
            )?,
        }
    }
    Ok(0)
}
