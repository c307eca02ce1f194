//! The ceiling for `make bench-mock`: the same HTTP stack as `amojo mock` (hyper 1, HTTP/1.1,
//! tokio's multi-threaded runtime, one task per connection) reading each request's body and
//! answering `200 {}`, with no signature check, no validation and no state. What a server on
//! this machine can do at all; `amojo mock`'s throughput is reported against it.
//!
//! ```text
//! cargo run --release -p amojo-cli --example ceiling [ADDR]   (default 127.0.0.1:0)
//! ```
//!
//! The first line on stdout is `ceiling: listening on http://HOST:PORT`.

use std::convert::Infallible;
use std::io::Write;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

async fn answer(
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    // Read the body like the mock does (bounded), then drop it.
    let _ = Limited::new(req.into_body(), 1 << 20).collect().await;
    let mut r = hyper::Response::new(Full::new(Bytes::from_static(b"{}")));
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(r)
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = TcpListener::bind(&addr).await?;
            {
                let mut out = std::io::stdout().lock();
                writeln!(
                    out,
                    "ceiling: listening on http://{}",
                    listener.local_addr()?
                )?;
                out.flush()?;
            }
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(std::time::Duration::from_secs(10));
            loop {
                let (stream, _) = match listener.accept().await {
                    Ok(s) => s,
                    Err(_) => continue,
                };
                let _ = stream.set_nodelay(true);
                let conn = http.serve_connection(TokioIo::new(stream), service_fn(answer));
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        })
}
