//! Everything a test binary logs, captured: one global subscriber at TRACE
//! (serenity's own logs included) that every test in the binary writes to,
//! and a wait for a line, woken by each write rather than by polling.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::Notify;

use super::bot::TIMEOUT;

/// Everything logged in this test binary.
pub struct Logs {
    text: Mutex<Vec<u8>>,
    written: Notify,
}

impl Logs {
    /// The captured logs; the first call installs the subscriber.
    pub fn get() -> &'static Arc<Logs> {
        static LOGS: OnceLock<Arc<Logs>> = OnceLock::new();
        LOGS.get_or_init(|| {
            let logs = Arc::new(Logs {
                text: Mutex::new(Vec::new()),
                written: Notify::new(),
            });
            let writer = Arc::clone(&logs);
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(move || LogWriter(Arc::clone(&writer)))
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("the only subscriber in this binary");
            logs
        })
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        let text = self.text.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&text).into_owned()
    }

    /// Waits (up to [`TIMEOUT`]) until a logged line satisfies `found`.
    pub async fn wait_for(&self, found: impl Fn(&str) -> bool) -> Option<String> {
        let wait = async {
            loop {
                let written = self.written.notified();
                if let Some(line) = self.text().lines().find(|l| found(l)) {
                    return line.to_owned();
                }
                written.await;
            }
        };
        tokio::time::timeout(TIMEOUT, wait).await.ok()
    }
}

struct LogWriter(Arc<Logs>);

impl Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .text
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        self.0.written.notify_waiters();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
