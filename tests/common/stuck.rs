//! Content whose reads a test can block: a reload stuck in a read, as a
//! hung network disk would make one, without a FIFO (the sandbox refuses
//! those).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backpain_bot::cooldown::Cooldown;
use backpain_bot::matcher::Thresholds;
use backpain_bot::service::Service;

/// Content read from `dir` that, once `stuck` is set, blocks in its read
/// of entries.toml: it says so on `entered`, then waits until `release`
/// sends or is dropped. (The sandbox refuses FIFOs and devices, so no
/// content folder can make a reload hang; a slow or hung disk still could.)
pub struct StuckReads {
    /// Set it to make the next read of entries.toml block.
    pub stuck: Arc<AtomicBool>,
    /// Receives once a read is blocked.
    pub entered: std::sync::mpsc::Receiver<()>,
    /// Send to it, or drop it, to let the read go on.
    pub release: std::sync::mpsc::Sender<()>,
}

/// The reader of `dir`, and its controls.
pub fn reads(dir: &Path) -> (backpain_bot::service::Reader, StuckReads) {
    let stuck = Arc::new(AtomicBool::new(false));
    let (entered_tx, entered) = std::sync::mpsc::channel::<()>();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    let (root, blocking) = (dir.to_owned(), Arc::clone(&stuck));
    let read: backpain_bot::service::Reader = Arc::new(move |name: &str| {
        if name == "entries.toml" && blocking.load(Ordering::SeqCst) {
            let _ = entered_tx
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .send(());
            let _ = release_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        }
        std::fs::read(root.join(name))
    });
    let control = StuckReads {
        stuck,
        entered,
        release,
    };
    (read, control)
}

/// A service serving `dir` through [`reads`] (no cooldown), and the
/// controls of its reads.
pub fn service(dir: &Path) -> (Service, StuckReads) {
    let (read, control) = reads(dir);
    let service = Service::from_reader(
        "faq",
        read,
        Thresholds::default(),
        Cooldown::new(0, Duration::from_secs(60)),
    )
    .unwrap_or_else(|problems| panic!("content does not load: {problems:?}"));
    (service, control)
}
