//! Shared pieces: reading the body, secrets, the clock, did-you-mean, redaction.

use std::ffi::OsString;
use std::io::{self, Read};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::args::{Args, CliError};

/// The environment variable that holds a secret when `--secret` is absent.
pub const SECRET_ENV: &str = "AMOJO_SECRET";

/// Where the body came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// No FILE and no `--data`: an empty body.
    None,
    /// `-`.
    Stdin,
    /// A file path.
    File(String),
    /// `--data TEXT`.
    Inline,
}

/// The body: from FILE, `-` (stdin) or `--data`, empty when none is given.
///
/// # Errors
///
/// A usage error for an unreadable file, two sources, or extra arguments.
pub fn read_body(args: &Args) -> Result<(Vec<u8>, Source), CliError> {
    let file = args.one_positional()?;
    let data = args.get("data");
    match (file, data) {
        (Some(_), Some(_)) => Err(CliError::usage(
            args.cmd,
            "give the body either as FILE / `-` or with `--data`, not both",
        )),
        (None, Some(d)) => Ok((d.as_bytes().to_vec(), Source::Inline)),
        (None, None) => Ok((Vec::new(), Source::None)),
        (Some("-"), None) => {
            let mut buf = Vec::new();
            io::stdin().lock().read_to_end(&mut buf).map_err(|e| {
                CliError::usage(args.cmd, format!("cannot read the body from stdin: {e}"))
            })?;
            Ok((buf, Source::Stdin))
        }
        (Some(path), None) => match std::fs::read(path) {
            Ok(b) => Ok((b, Source::File(path.to_owned()))),
            Err(e) => {
                // `sign --now 1639609975`: the time was meant, not a file.
                let hint = if args.has("now")
                    && args.get("now").is_none()
                    && !path.is_empty()
                    && path.bytes().all(|b| b.is_ascii_digit())
                {
                    format!(" (for a fixed time write `--now={path}`)")
                } else {
                    String::new()
                };
                Err(CliError::usage(
                    args.cmd,
                    format!("cannot read `{path}`: {e}{hint}"),
                ))
            }
        },
    }
}

fn os_bytes(s: OsString) -> Option<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(s.into_vec())
    }
    #[cfg(not(unix))]
    {
        s.into_string().ok().map(String::into_bytes)
    }
}

/// The secret from the environment, if set.
pub fn env_secret() -> Option<Vec<u8>> {
    std::env::var_os(SECRET_ENV).and_then(os_bytes)
}

/// All secrets: every `--secret`, else `AMOJO_SECRET`. None may be empty.
///
/// # Errors
///
/// A usage error when there is none or one is empty. Never shows a secret.
pub fn secrets(args: &Args) -> Result<Vec<Vec<u8>>, CliError> {
    let given = args.all("secret");
    if !given.is_empty() {
        if given.iter().any(|s| s.is_empty()) {
            return Err(CliError::usage(args.cmd, "`--secret` is empty"));
        }
        return Ok(given.iter().map(|s| s.as_bytes().to_vec()).collect());
    }
    match env_secret() {
        Some(s) if !s.is_empty() => Ok(vec![s]),
        Some(_) => Err(CliError::usage(
            args.cmd,
            format!("`{SECRET_ENV}` is set but empty"),
        )),
        None => Err(CliError::usage(
            args.cmd,
            format!("missing `--secret` (or set `{SECRET_ENV}` in the environment)"),
        )),
    }
}

/// Exactly one secret (for signing).
///
/// # Errors
///
/// As [`secrets`], and when several are given.
pub fn one_secret(args: &Args) -> Result<Vec<u8>, CliError> {
    let mut all = secrets(args)?;
    if all.len() > 1 {
        return Err(CliError::usage(
            args.cmd,
            "signing takes one `--secret` (several are accepted only when verifying)",
        ));
    }
    Ok(all.pop().unwrap_or_default())
}

/// The system clock in unix seconds.
///
/// # Errors
///
/// A data error when the clock is before 1970.
pub fn system_now() -> Result<i64, CliError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or_else(|| CliError::Data("the system clock is before 1970".to_owned()))
}

/// A time given on the command line: unix seconds, or an RFC 2822 date.
///
/// # Errors
///
/// A usage error naming the flag.
pub fn parse_time(args: &Args, flag: &str, v: &str) -> Result<i64, CliError> {
    if let Ok(n) = v.trim().parse::<i64>() {
        return Ok(n);
    }
    amojo_kit::parse_date(v).map(|p| p.unix).map_err(|_| {
        CliError::usage(
            args.cmd,
            format!(
                "`--{flag}` takes unix seconds or a date such as `Wed, 15 Dec 2021 23:12:55 +0000`, not `{v}`"
            ),
        )
    })
}

/// The candidate closest to a mistyped name (at most two edits away), for a did-you-mean.
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Replaces every occurrence of each secret in `text` (for error messages, which may echo
/// a mistyped argument). Secrets shorter than 4 characters are left alone: they would
/// mangle ordinary words, and any hex output contains them by chance anyway.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut s = text.to_owned();
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| s.chars().count() >= 4).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in sorted {
        s = s.replace(secret.as_str(), "[secret]");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts() {
        let s = vec!["abcd".to_owned(), "abcdefg".to_owned(), "e".to_owned()];
        assert_eq!(redact("x abcdefg abcd e", &s), "x [secret] [secret] e");
    }
}
