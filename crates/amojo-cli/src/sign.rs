//! `amojo sign`: the four headers of a request, as HTTP lines, JSON or a curl command.

use std::io::Write;

use amojo_kit::{
    BodyStyle, CurlBody, DateInput, RequestToSign, SignedRequest, reserialize, sign_request,
};
use base64::prelude::{BASE64_STANDARD, Engine as _};
use clap::Arg;
use serde_json::{Map, Value};

use crate::args::{self, CliError};
use crate::util::{self, Source};

pub const USAGE: &str = "\
amojo sign: sign a request to the amoCRM Chats API (SPEC §1)

usage:
  amojo sign --secret S --method M --path P [--date D | --now[=UNIX]]
             [--content-type T] [--style compact|php] [FILE | - | --data TEXT]
             [--json] [--curl URL_BASE]

The body is read from FILE, from stdin (`-`) or from --data; with none of them it is
empty (a GET). Without --style the bytes are signed exactly as read; with --style the
input is parsed as JSON and re-serialized first (`php` reproduces the docs' bodies
byte for byte: `\\/` and `\\uXXXX`; `compact` is plain compact UTF-8 JSON).

options:
  --secret S          the channel secret (default: $AMOJO_SECRET)
  --method M          HTTP method (upper-cased for signing)
  --path P            request path, or a full URL (scheme, host and query are not signed)
  --date D            the Date header, used exactly as given (it must parse)
  --now[=UNIX]        use the system clock (the default), or a fixed unix time
  --content-type T    Content-Type to send and sign (default: application/json)
  --style S           re-serialize a JSON body: `compact` or `php`
  --data TEXT         the body, inline
  --json              print {date, content_type, content_md5, signature, canonical, body}
                      (body_base64 instead of body when the bytes are not UTF-8)
  --curl URL_BASE     print a ready curl command for URL_BASE + path (+ query);
                      with a full URL in --path, URL_BASE replaces its scheme and host
  -h, --help          this help

output (default): the four headers, one `Name: value` line each.
exit: 0 signed, 1 the body is not JSON (with --style), 2 usage error.

example:
  amojo sign --secret \"$SECRET\" --method POST --style php \\
    --path https://amojo.amocrm.ru/v2/origin/custom/CHANNEL_ID/connect body.json
";

fn specs() -> [Arg; 10] {
    [
        args::many("secret"),
        args::value("method"),
        args::value("path"),
        args::value("date"),
        args::opt("now"),
        args::value("content-type"),
        args::value("style"),
        args::value("data"),
        args::switch("json"),
        args::value("curl"),
    ]
}

pub fn run(argv: &[String], out: &mut Vec<u8>) -> Result<u8, CliError> {
    let a = args::parse("sign", specs(), argv)?;
    if a.help {
        out.write_all(USAGE.as_bytes())?;
        return Ok(0);
    }
    let method = a.required("method")?;
    let path = a.required("path")?;
    a.exclusive("date", "now")?;
    let style: Option<BodyStyle> = match a.get("style") {
        None => None,
        Some(s) => Some(
            s.parse()
                .map_err(|e: amojo_kit::ParseNameError| CliError::usage("sign", e.to_string()))?,
        ),
    };
    let curl_base = a.get("curl");
    if curl_base.is_some_and(str::is_empty) {
        return Err(CliError::usage(
            "sign",
            "`--curl` needs a URL base such as `https://amojo.amocrm.ru`",
        ));
    }
    let secret = util::one_secret(&a)?;
    let unix;
    let date = match (a.get("date"), a.get("now")) {
        (Some(d), _) => DateInput::Text(d),
        (None, Some(n)) => {
            unix = util::parse_time(&a, "now", n)?;
            DateInput::Unix(unix)
        }
        (None, None) => {
            unix = util::system_now()?;
            DateInput::Unix(unix)
        }
    };
    let (raw, source) = util::read_body(&a)?;
    let (body, reserialized) = match style {
        Some(st) if source != Source::None => {
            let text = reserialize(&raw, st).map_err(|e| {
                CliError::Data(format!(
                    "the body is not JSON: {e} (without `--style` the bytes are signed as they are)"
                ))
            })?;
            (text.into_bytes(), true)
        }
        _ => (raw, false),
    };
    let req = RequestToSign {
        method,
        path,
        body: &body,
        content_type: a.get("content-type"),
        date,
    };
    let signed = sign_request(&req, &secret)
        .map_err(|e| CliError::usage("sign", format!("cannot sign: {e}")))?;
    let curl = match curl_base {
        Some(base) => Some(curl_command(
            &signed,
            base,
            path,
            &body,
            (&source, reserialized),
        )?),
        None => None,
    };
    if a.has("json") {
        let mut m = Map::new();
        m.insert("date".into(), Value::from(signed.date.as_str()));
        m.insert(
            "content_type".into(),
            Value::from(signed.content_type.as_str()),
        );
        m.insert(
            "content_md5".into(),
            Value::from(signed.content_md5.as_str()),
        );
        m.insert("signature".into(), Value::from(signed.signature.as_str()));
        m.insert(
            "canonical".into(),
            Value::from(signed.canonical.to_string()),
        );
        match std::str::from_utf8(&body) {
            Ok(t) => {
                m.insert("body".into(), Value::from(t));
            }
            Err(_) => {
                m.insert("body".into(), Value::Null);
                m.insert(
                    "body_base64".into(),
                    Value::from(BASE64_STANDARD.encode(&body)),
                );
            }
        }
        if let Some(c) = &curl {
            m.insert(
                "curl".into(),
                Value::from(String::from_utf8_lossy(c).into_owned()),
            );
        }
        writeln!(out, "{}", Value::Object(m))?;
    } else if let Some(c) = curl {
        out.write_all(&c)?;
        out.write_all(b"\n")?;
    } else {
        for (name, v) in signed.headers() {
            writeln!(out, "{name}: {v}")?;
        }
    }
    Ok(0)
}

fn curl_command(
    s: &SignedRequest,
    base: &str,
    path: &str,
    body: &[u8],
    (source, reserialized): (&Source, bool),
) -> Result<Vec<u8>, CliError> {
    // A shell argument cannot carry a NUL byte: point curl at the file instead.
    let body = match source {
        Source::File(f) if body.contains(&0) && !reserialized => CurlBody::File(f),
        _ => CurlBody::Bytes(body),
    };
    let url = amojo_kit::request_url(base, path);
    amojo_kit::curl_command(&s.canonical.method, &url, &s.headers(), body)
        .map_err(|e| CliError::Data(e.to_string()))
}
