//! The bot as a process: its own async runtime, reloads on SIGHUP, and a
//! shutdown that never waits for a reload stuck in a read (a hung network
//! disk), so SIGTERM always stops it. `src/main.rs` calls [`serve`] with the
//! signals; tests call it with a shutdown of their own.

use std::future::Future;
use std::sync::Arc;

use super::{run, Error};
use crate::config::{Discord as DiscordConfig, Token};
use crate::service::Service;

/// Runs the bot on a runtime of its own until `shutdown()` completes (or
/// the gateway closes for good), reloading the content on every SIGHUP.
/// Blocks; returns without waiting for a reload still in progress.
pub fn serve<F>(
    service: Arc<Service>,
    discord: &DiscordConfig,
    token: &Token,
    shutdown: impl FnOnce() -> F,
) -> Result<(), Error>
where
    F: Future<Output = ()> + Send,
{
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    let result = runtime.block_on(async {
        // Listening starts here, before the bot connects: a SIGHUP that
        // arrives once it is connected always finds the handler.
        let hangups = Hangups::listen();
        tokio::spawn(hangups.reload(Arc::clone(&service)));
        run(service, discord, token, shutdown()).await
    });
    // `run` has let replies finish; a reload stuck in a read is not waited
    // for, or SIGTERM would not stop the bot.
    runtime.shutdown_background();
    result
}

/// SIGHUPs, on Unix; nothing elsewhere.
struct Hangups {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Hangups {
    fn listen() -> Hangups {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let signal = signal(SignalKind::hangup()).ok();
            if signal.is_none() {
                tracing::warn!("cannot listen for SIGHUP; reload with /reload instead");
            }
            Hangups { signal }
        }
        #[cfg(not(unix))]
        Hangups {}
    }

    /// Reloads the content on every SIGHUP, like `/reload`.
    async fn reload(self, service: Arc<Service>) {
        #[cfg(unix)]
        {
            let Some(mut hup) = self.signal else {
                return;
            };
            while hup.recv().await.is_some() {
                tracing::info!("reloading the content on SIGHUP");
                let service = Arc::clone(&service);
                match tokio::task::spawn_blocking(move || service.reload()).await {
                    Ok(Ok(summary)) => tracing::info!(
                        added = summary.added.len(),
                        removed = summary.removed.len(),
                        changed = summary.changed.len(),
                        "content reloaded on SIGHUP"
                    ),
                    Ok(Err(problems)) => {
                        for problem in &problems {
                            tracing::warn!(%problem, "reload refused");
                        }
                    }
                    Err(err) => tracing::error!(cause = %err, "reload task failed"),
                }
            }
        }
        #[cfg(not(unix))]
        drop(service);
    }
}
