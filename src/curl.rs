//! A signed request as a curl command line: what the CLI, the demo and the playground print
//! (one writer, so that their quoting cannot differ).

use std::fmt;

#[cfg(doc)]
use crate::sign::SignedRequest;

/// The body of a [`curl_command`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurlBody<'a> {
    /// The bytes, quoted on the command line (`--data-binary`, or `--data-raw` when they
    /// start with `@`, which curl would read as a file name).
    Bytes(&'a [u8]),
    /// A file curl reads the body from (`--data-binary @FILE`): for a body a shell argument
    /// cannot carry.
    File(&'a str),
}

/// Why a request cannot be written as a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CurlError {
    /// The body holds NUL bytes, which a shell argument cannot carry.
    NulInBody,
    /// The method is not an HTTP method (it would stand unquoted on the command line).
    InvalidMethod,
    /// The URL is not an `http://` or `https://` URL free of spaces and control characters.
    InvalidUrl,
}

impl CurlError {
    /// Stable code: `invalid_body`, `invalid_method` or `invalid_url`.
    pub fn code(&self) -> &'static str {
        match self {
            CurlError::NulInBody => "invalid_body",
            CurlError::InvalidMethod => "invalid_method",
            CurlError::InvalidUrl => "invalid_url",
        }
    }
}

impl fmt::Display for CurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CurlError::NulInBody => "the body holds NUL bytes, which a shell argument cannot carry; save it to a file and pass that instead",
            CurlError::InvalidMethod => "the method must be an HTTP method such as `POST`",
            CurlError::InvalidUrl => "the URL must start with `http://` or `https://` and hold no spaces or control characters",
        })
    }
}

impl std::error::Error for CurlError {}

/// `'…'` for a POSIX shell: the bytes as they are, each `'` as `'\''`.
fn shell_quote(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'\'');
    for &b in bytes {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
}

/// The curl command that sends a request exactly: its method, URL, headers in order, and
/// the body bytes as they were hashed (for a signed request: [`SignedRequest::headers`] and
/// [`crate::request_url`]). As bytes: the body is sent as it is, UTF-8 or not.
///
/// # Errors
///
/// [`CurlError`] for a method that is not an HTTP method, a URL that is not http(s), or a
/// body with a NUL byte given as [`CurlBody::Bytes`].
pub fn curl_command(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: CurlBody<'_>,
) -> Result<Vec<u8>, CurlError> {
    let method = crate::http::method_token(method).ok_or(CurlError::InvalidMethod)?;
    let scheme = ["http://", "https://"].iter().any(|p| {
        url.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    });
    if !scheme || url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(CurlError::InvalidUrl);
    }
    let mut c = Vec::new();
    c.extend_from_slice(b"curl -X ");
    c.extend_from_slice(method.as_bytes());
    c.push(b' ');
    shell_quote(url.as_bytes(), &mut c);
    for (name, value) in headers {
        c.extend_from_slice(b" -H ");
        shell_quote(format!("{name}: {value}").as_bytes(), &mut c);
    }
    match body {
        CurlBody::Bytes([]) => {}
        CurlBody::Bytes(b) if b.contains(&0) => return Err(CurlError::NulInBody),
        CurlBody::Bytes(b) => {
            c.extend_from_slice(if b.starts_with(b"@") {
                b" --data-raw "
            } else {
                b" --data-binary "
            });
            shell_quote(b, &mut c);
        }
        CurlBody::File(f) => {
            c.extend_from_slice(b" --data-binary ");
            shell_quote(format!("@{f}").as_bytes(), &mut c);
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DateInput, RequestToSign, SignedRequest, request_url, sign_request};

    fn signed(method: &str) -> SignedRequest {
        sign_request(
            &RequestToSign {
                method,
                path: "/v2/origin/custom/s",
                body: b"{}",
                content_type: None,
                date: DateInput::Unix(1_639_609_975),
            },
            b"k",
        )
        .unwrap()
    }

    #[test]
    fn quotes_for_a_shell() {
        let s = signed("post");
        let url = request_url(
            "https://amojo.amocrm.ru/",
            "https://x.example/v2/origin/custom/s?a=1#f",
        );
        let h = s.headers();
        let c = curl_command(
            &s.canonical.method,
            &url,
            &h,
            CurlBody::Bytes(b"{\"it's\":1}"),
        )
        .unwrap();
        let text = String::from_utf8(c).unwrap();
        assert!(
            text.starts_with("curl -X POST 'https://amojo.amocrm.ru/v2/origin/custom/s?a=1' -H 'Date: Wed, 15 Dec 2021 23:12:55 +0000' -H 'Content-Type: application/json' -H 'Content-MD5: 99914b932bd37a50b983c5e7c90ae93b' -H 'X-Signature: "),
            "{text}"
        );
        assert!(
            text.ends_with(" --data-binary '{\"it'\\''s\":1}'"),
            "{text}"
        );
        let u = "https://h/p";
        let at = curl_command("POST", u, &h, CurlBody::Bytes(b"@etc/passwd")).unwrap();
        assert!(at.ends_with(b" --data-raw '@etc/passwd'"));
        let none = curl_command("POST", u, &h, CurlBody::Bytes(b"")).unwrap();
        assert!(none.ends_with(b"'"));
        assert!(!String::from_utf8(none).unwrap().contains("--data"));
        assert_eq!(
            curl_command("POST", u, &h, CurlBody::Bytes(b"a\0b")),
            Err(CurlError::NulInBody)
        );
        let file = curl_command("POST", u, &h, CurlBody::File("it's.json")).unwrap();
        assert!(file.ends_with(b" --data-binary '@it'\\''s.json'"));
    }

    /// The method stands unquoted on the command line: only an HTTP method may stand there.
    /// The URL must be one: a value in the wrong place (a secret) is not printed.
    #[test]
    fn refuses_what_a_shell_would_run_or_what_is_no_url() {
        let h = [("Date", "x")];
        let none = CurlBody::Bytes(b"");
        let u = "https://h/p";
        for m in ["POST; rm -rf ~", "$(id)", "PO ST", ""] {
            assert_eq!(
                curl_command(m, u, &h, none),
                Err(CurlError::InvalidMethod),
                "{m}"
            );
        }
        for url in [
            "h/p",
            "4b6a8e0c2f1d3a5b7c9e0f1a2b3c4d5e",
            "https://h/a b",
            "ftp://h/",
            "https://h/\n",
        ] {
            assert_eq!(
                curl_command("POST", url, &h, none),
                Err(CurlError::InvalidUrl),
                "{url}"
            );
        }
        assert!(
            curl_command("post", "HTTP://h/p", &h, none)
                .unwrap()
                .starts_with(b"curl -X POST 'HTTP://h/p'")
        );
    }
}
