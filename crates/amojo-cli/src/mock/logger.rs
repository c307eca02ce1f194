//! The request log on stdout: one line per API request, control action and hook delivery.
//!
//! Lines go through a bounded queue to one writer thread, so a reader that stops reading
//! stdout (a test harness that only wanted the first line, a paused terminal) never stalls
//! the server: when the queue is full lines are dropped and counted, and the count is
//! printed once the writer gets going again.

use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::{Value, json};

/// Lines waiting for the writer at most.
const QUEUE: usize = 16 * 1024;

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

pub struct Logger {
    format: Format,
    tx: Mutex<Option<SyncSender<String>>>,
    dropped: Arc<AtomicU64>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Logger {
    /// Starts the writer thread on stdout.
    pub fn start(format: Format) -> io::Result<Logger> {
        let (tx, rx) = sync_channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let d = Arc::clone(&dropped);
        let writer = std::thread::Builder::new()
            .name("amojo-mock-log".into())
            .spawn(move || write_lines(&rx, &d))?;
        Ok(Logger {
            format,
            tx: Mutex::new(Some(tx)),
            dropped,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Queues the event's line; drops it when the queue is full.
    pub fn log(&self, event: &Event<'_>) {
        let line = match self.format {
            Format::Text => text(event),
            Format::Json => json_line(event),
        };
        let tx = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = tx.as_ref() {
            match tx.try_send(line) {
                Ok(()) | Err(TrySendError::Disconnected(_)) => {}
                Err(TrySendError::Full(_)) => {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Writes what is queued and stops the writer (at shutdown).
    pub fn finish(&self) {
        self.tx.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(w) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = w.join();
        }
    }
}

fn write_lines(rx: &Receiver<String>, dropped: &AtomicU64) {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let write = |out: &mut BufWriter<_>, line: &str| -> io::Result<()> {
        let n = dropped.swap(0, Ordering::Relaxed);
        if n > 0 {
            writeln!(
                out,
                "amojo mock: {n} log lines dropped (stdout was not read fast enough)"
            )?;
        }
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")
    };
    loop {
        // Flush only when the queue is empty: one write(2) per burst, not per line.
        let line = match rx.try_recv() {
            Ok(l) => l,
            Err(TryRecvError::Empty) => {
                if out.flush().is_err() {
                    return;
                }
                match rx.recv() {
                    Ok(l) => l,
                    Err(_) => return,
                }
            }
            Err(TryRecvError::Disconnected) => {
                let _ = out.flush();
                return;
            }
        };
        // stdout closed (`| head`): stop logging, keep serving.
        if write(&mut out, &line).is_err() {
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
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
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
            let to = url.map_or_else(|| "(no --hook-url)".to_owned(), clean);
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
