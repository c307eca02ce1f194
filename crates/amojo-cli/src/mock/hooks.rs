//! Delivering the emulator's signed hooks: POST the raw body with `Content-Type:
//! application/json` and `X-Signature`, once, never retried, and give up after 5 s (as
//! amoCRM does). Each delivery runs on its own task: a receiver that hangs or refuses
//! delays nobody else.

use std::time::Duration;

use amojo_mock::Hook;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

/// How long amoCRM waits for the hook receiver's answer.
pub const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Deliverer {
    client: Client<HttpConnector, Full<Bytes>>,
}

/// What became of one hook.
pub struct Outcome {
    /// The receiver's HTTP status; None when it could not be reached in time.
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Deliverer {
    pub fn new() -> Deliverer {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(TIMEOUT));
        http.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(http);
        Deliverer { client }
    }

    /// Posts `hook` to its URL. A hook without a URL (no `--hook-url`) is not sent.
    pub async fn deliver(&self, hook: &Hook) -> Outcome {
        let Some(url) = hook.url.as_deref() else {
            return Outcome {
                status: None,
                error: Some("no --hook-url".to_owned()),
            };
        };
        let request = Request::post(url)
            .header("content-type", "application/json")
            .header("x-signature", &hook.signature)
            .header("user-agent", "amojo-mock")
            .body(Full::new(Bytes::copy_from_slice(&hook.body)));
        let request = match request {
            Ok(r) => r,
            Err(e) => {
                return Outcome {
                    status: None,
                    error: Some(format!("bad hook URL: {e}")),
                };
            }
        };
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status().as_u16();
            // Read (and drop) the answer so the connection can be reused.
            let _ = response.into_body().collect().await;
            Ok::<u16, hyper_util::client::legacy::Error>(status)
        };
        match tokio::time::timeout(TIMEOUT, exchange).await {
            Ok(Ok(status)) => Outcome {
                status: Some(status),
                error: None,
            },
            Ok(Err(e)) => Outcome {
                status: None,
                error: Some(describe(&e)),
            },
            Err(_) => Outcome {
                status: None,
                error: Some(format!("no answer within {} s", TIMEOUT.as_secs())),
            },
        }
    }
}

/// The innermost cause ("connection refused"), not hyper's "client error (Connect)".
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// The hook as the control API shows it: url, scope_id, endpoint, the body as JSON (the
/// raw text when it is not JSON) and the signature.
pub fn to_json(hook: &Hook) -> Value {
    let body = serde_json::from_slice::<Value>(&hook.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&hook.body).into_owned()));
    json!({
        "url": hook.url,
        "scope_id": hook.scope_id,
        "endpoint": hook.endpoint,
        "body": body,
        "signature": hook.signature,
    })
}

/// Checks a `--hook-url` (with `:scope_id` as a placeholder): an absolute `http://` URL.
///
/// # Errors
///
/// What is wrong, without echoing the URL (it may carry a token).
pub fn check_url(url: &str) -> Result<(), String> {
    let probe = url.replace(":scope_id", "scope");
    let uri: hyper::Uri = probe
        .parse()
        .map_err(|_| "`--hook-url` is not a valid URL".to_owned())?;
    match uri.scheme_str() {
        Some("http") if uri.host().is_some() => Ok(()),
        Some("https") => Err(
            "`--hook-url` must be an http:// URL: the mock delivers hooks \
                              over plain HTTP to a local receiver"
                .to_owned(),
        ),
        _ => Err("`--hook-url` must be an absolute http:// URL such as \
                  `http://127.0.0.1:3000/amojo/:scope_id`"
            .to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("http://127.0.0.1:3000/hook/:scope_id").is_ok());
        assert!(check_url("http://localhost/h").is_ok());
        assert!(check_url("https://example.com/h").is_err());
        assert!(check_url("/relative").is_err());
        assert!(check_url("not a url").is_err());
    }
}
