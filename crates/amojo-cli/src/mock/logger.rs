//! The request log on stdout: one line per API request, control action and hook delivery.
//!
//! Requests append their line to a shared buffer; one writer thread takes the whole buffer
//! and writes it, at most 10 ms after its first line arrived. So under load one write(2)
//! carries many lines and the writer is woken once per batch, not once per line. A reader
//! that stops reading stdout (a test harness that only wanted the first line, a paused
//! terminal) never stalls the server: past 4 MiB waiting, lines are dropped and counted,
//! and the count is printed once the writer gets going again.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

/// Bytes of lines waiting for the writer at most.
const MAX_WAITING: usize = 4 * 1024 * 1024;
/// Lines reach stdout at most this long after they are logged.
const FLUSH_WITHIN: Duration = Duration::from_millis(10);

/// `--log`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// One thing that happened.
pub enum Event<'a> {
    Request {
        time_ms: i64,
        method: &'a str,
        path: &'a str,
        status: u16,
        endpoint: Option<&'a str>,
        reason: Option<&'a str>,
        /// The first validation error: `{path, code, message}`.
        error: Option<&'a Value>,
        /// Time spent answering, in microseconds.
        micros: u128,
    },
    Hook {
        time_ms: i64,
        endpoint: &'a str,
        url: Option<&'a str>,
        /// The receiver's status; None when it was not reached.
        status: Option<u16>,
        /// Why it was not delivered.
        error: Option<&'a str>,
    },
}

/// What requests hand to the writer.
#[derive(Default)]
struct Waiting {
    text: Vec<u8>,
    dropped: u64,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    waiting: Mutex<Waiting>,
    /// Signalled when the buffer stops being empty, and at close.
    wake: Condvar,
}

pub struct Logger {
    format: Format,
    shared: Arc<Shared>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Logger {
    /// Starts the writer thread on stdout.
    pub fn start(format: Format) -> io::Result<Logger> {
        let shared = Arc::new(Shared::default());
        let s = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("amojo-mock-log".into())
            .spawn(move || write_lines(&s))?;
        Ok(Logger {
            format,
            shared,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Adds the event's line for the writer; drops it when too much is waiting.
    pub fn log(&self, event: &Event<'_>) {
        let line = match self.format {
            Format::Text => text(event),
            Format::Json => json_line(event),
        };
        let mut w = lock(&self.shared.waiting);
        if w.closed {
            return;
        }
        if w.text.len() + line.len() >= MAX_WAITING {
            w.dropped += 1;
            return;
        }
        let was_empty = w.text.is_empty();
        w.text.extend_from_slice(line.as_bytes());
        w.text.push(b'\n');
        if was_empty {
            self.shared.wake.notify_one();
        }
    }

    /// Writes what is waiting and stops the writer (at shutdown).
    pub fn finish(&self) {
        lock(&self.shared.waiting).closed = true;
        self.shared.wake.notify_one();
        if let Some(w) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = w.join();
        }
    }
}

fn lock(m: &Mutex<Waiting>) -> std::sync::MutexGuard<'_, Waiting> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn write_lines(shared: &Shared) {
    let mut out = io::stdout();
    let mut batch = Vec::new();
    loop {
        let (dropped, closed) = {
            let mut w = lock(&shared.waiting);
            while w.text.is_empty() && w.dropped == 0 && !w.closed {
                w = shared.wake.wait(w).unwrap_or_else(|e| e.into_inner());
            }
            if !w.closed {
                // Let the batch fill for a moment: one write for the lines of 10 ms.
                drop(w);
                std::thread::sleep(FLUSH_WITHIN);
                w = lock(&shared.waiting);
            }
            std::mem::swap(&mut batch, &mut w.text);
            (std::mem::take(&mut w.dropped), w.closed)
        };
        let written = (if dropped > 0 {
            writeln!(
                out,
                "amojo mock: {dropped} log lines dropped (stdout was not read fast enough)"
            )
        } else {
            Ok(())
        })
        .and_then(|()| out.write_all(&batch))
        .and_then(|()| out.flush());
        batch.clear();
        // stdout closed (`| head`): stop logging, keep serving.
        if written.is_err() {
            lock(&shared.waiting).closed = true;
            return;
        }
        if closed {
            return;
        }
    }
}

/// `HH:MM:SS.mmm` (UTC) of unix milliseconds.
fn clock(time_ms: i64) -> String {
    let ms = time_ms.rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// One line, no control characters: a path or a message may carry newlines.
fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

fn text(event: &Event<'_>) -> String {
    match *event {
        Event::Request {
            time_ms,
            method,
            path,
            status,
            endpoint,
            reason,
            error,
            micros,
        } => {
            let mut line = format!(
                "{} {} {} {status} {} {:.1}ms",
                clock(time_ms),
                clean(method),
                clean(path),
                endpoint.unwrap_or("-"),
                micros as f64 / 1000.0
            );
            if let Some(r) = reason {
                line.push(' ');
                line.push_str(&clean(r));
            }
            if let Some(e) = error {
                let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
                line.push_str(&clean(&format!(
                    " {} {}: {}",
                    match field("path") {
                        "" => "/",
                        p => p,
                    },
                    field("code"),
                    field("message")
                )));
            }
            line
        }
        Event::Hook {
            time_ms,
            endpoint,
            url,
            status,
            error,
        } => {
            let to = url.map_or(Cow::Borrowed("(no --hook-url)"), clean);
            let outcome = match (status, error) {
                (Some(s), _) => s.to_string(),
                (None, Some(e)) => format!("not delivered: {}", clean(e)),
                (None, None) => "not delivered".to_owned(),
            };
            format!("{} hook {endpoint} -> {to} {outcome}", clock(time_ms))
        }
    }
}

fn json_line(event: &Event<'_>) -> String {
    let v = match *event {
        Event::Request {
            time_ms,
            method,
            path,
            status,
            endpoint,
            reason,
            error,
            micros,
        } => json!({
            "kind": "request",
            "time_ms": time_ms,
            "method": method,
            "path": path,
            "status": status,
            "endpoint": endpoint,
            "reason": reason,
            "error": error,
            "ms": micros as f64 / 1000.0,
        }),
        Event::Hook {
            time_ms,
            endpoint,
            url,
            status,
            error,
        } => json!({
            "kind": "hook",
            "time_ms": time_ms,
            "endpoint": endpoint,
            "url": url,
            "status": status,
            "error": error,
        }),
    };
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let err = json!({"path": "/payload/message/text", "code": "required", "message": "`text` is required"});
        let e = Event::Request {
            time_ms: 1_639_609_975_123,
            method: "POST",
            path: "/v2/origin/custom/x\ny",
            status: 400,
            endpoint: Some("send_message"),
            reason: None,
            error: Some(&err),
            micros: 1500,
        };
        assert_eq!(
            text(&e),
            "23:12:55.123 POST /v2/origin/custom/x\u{fffd}y 400 send_message 1.5ms \
             /payload/message/text required: `text` is required"
        );
        let v: Value = serde_json::from_str(&json_line(&e)).unwrap();
        assert_eq!(v["status"], 400);
        assert_eq!(v["error"]["code"], "required");
        let h = Event::Hook {
            time_ms: 0,
            endpoint: "webhook_message",
            url: Some("http://127.0.0.1:1/h"),
            status: None,
            error: Some("connection refused"),
        };
        assert_eq!(
            text(&h),
            "00:00:00.000 hook webhook_message -> http://127.0.0.1:1/h not delivered: connection refused"
        );
    }
}
