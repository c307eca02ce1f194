//! `--state FILE`: the emulator's state on disk, replaced atomically, written off the
//! request path by one thread.
//!
//! A request that changed the state gets a generation number (under the emulator's lock)
//! and waits until that generation is on disk before it is answered: an answered change
//! survives `kill -9`. The writer thread takes the newest state each time it writes, so a
//! burst of changes costs one write, not one each (group commit): `save()` is called once
//! per write, under the lock, and the file I/O happens outside it.
//!
//! Each write goes to a temporary file in the same directory, is fsynced, renamed over the
//! file and the directory is fsynced: a reader (or a restart after `kill -9`) sees the old
//! file or the new one, never a torn one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::watch;

use super::StateLock;

/// The writer's side: what is wanted on disk, and what is.
pub struct Persist {
    path: PathBuf,
    /// The newest generation asked for, and whether the writer should stop.
    wanted: Mutex<(u64, bool)>,
    wake: Condvar,
    /// The newest generation on disk (or given up on after a write error).
    durable: watch::Sender<u64>,
}

impl Persist {
    /// Starts the writer thread for `path`, over the emulator in `state`.
    pub fn start(path: PathBuf, state: Arc<StateLock>) -> io::Result<Arc<Persist>> {
        let (durable, _) = watch::channel(0);
        let p = Arc::new(Persist {
            path,
            wanted: Mutex::new((0, false)),
            wake: Condvar::new(),
            durable,
        });
        let writer = Arc::clone(&p);
        std::thread::Builder::new()
            .name("amojo-mock-state".into())
            .spawn(move || writer.run(&state))?;
        Ok(p)
    }

    /// Waits until generation `generation` (or a newer one) is on disk.
    pub async fn saved(&self, generation: u64) {
        {
            let mut w = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
            if w.0 < generation {
                w.0 = generation;
                self.wake.notify_one();
            }
        }
        let mut rx = self.durable.subscribe();
        // The sender lives as long as `self`: the wait ends when the generation is written.
        let _ = rx.wait_for(|d| *d >= generation).await;
    }

    /// Writes what is pending, then stops the writer (at shutdown).
    pub async fn finish(&self, generation: u64) {
        self.saved(generation).await;
        let mut w = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        w.1 = true;
        self.wake.notify_one();
    }

    fn run(&self, state: &StateLock) {
        let mut written = 0u64;
        let mut last_error: Option<String> = None;
        loop {
            {
                let mut w = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
                while w.0 <= written && !w.1 {
                    w = self.wake.wait(w).unwrap_or_else(|e| e.into_inner());
                }
                if w.0 <= written {
                    return;
                }
            }
            let (bytes, generation) = {
                // A thread of its own, outside the runtime: it may block on the lock.
                let s = state.blocking_lock();
                (s.emulator.save(), s.generation)
            };
            match write_atomically(&self.path, &bytes) {
                Ok(()) => {
                    if last_error.take().is_some() {
                        eprintln!(
                            "amojo mock: the state is saved to {} again",
                            self.path.display()
                        );
                    }
                }
                Err(e) => {
                    // Said once per kind of failure, not once per request.
                    let msg = e.to_string();
                    if last_error.as_deref() != Some(msg.as_str()) {
                        eprintln!(
                            "amojo mock: error: cannot save the state to {}: {msg}",
                            self.path.display()
                        );
                        last_error = Some(msg);
                    }
                }
            }
            written = generation;
            // A failed write is not retried for this generation: requests are answered
            // (the error was told on stderr), the next change tries again.
            self.durable.send_replace(generation);
        }
    }
}

/// The temporary file beside `path`: same directory, so the rename is atomic.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".amojo-tmp");
    path.with_file_name(name)
}

/// Replaces `path` with `bytes`: write a temporary file, fsync it, rename it over `path`,
/// fsync the directory.
///
/// # Errors
///
/// Any I/O error; `path` is then unchanged.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// The saved state at `path`: None when there is no file (a fresh start). A temporary
/// file left by a write that `kill -9` interrupted is removed: it was never the state.
///
/// # Errors
///
/// The file exists but cannot be read.
pub fn read(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let _ = fs::remove_file(temp_path(path));
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("amojo-persist-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("state.json");
        assert_eq!(read(&p).unwrap(), None);
        write_atomically(&p, b"{\"a\":1}").unwrap();
        write_atomically(&p, b"{\"a\":2}").unwrap();
        assert_eq!(read(&p).unwrap().unwrap(), b"{\"a\":2}");
        assert!(!temp_path(&p).exists());
        fs::write(temp_path(&p), b"{\"torn").unwrap();
        assert_eq!(read(&p).unwrap().unwrap(), b"{\"a\":2}");
        assert!(!temp_path(&p).exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
