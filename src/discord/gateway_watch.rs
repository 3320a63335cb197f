//! The gateway close serenity retries for ever although no retry can fix
//! it: 4011, sharding required. serenity 0.12.5 does not report it to the
//! bot; it logs it at ERROR and identifies again every few seconds, so the
//! bot would stay connected to nothing. This module reads that log line
//! ([`layer`], installed by the command line's log subscriber) and lets
//! [`super::run`] end with one sentence instead.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, Layer};

/// Where serenity logs a close code it handles (its gateway modules).
const SERENITY_GATEWAY: &str = "serenity::gateway";

/// What serenity 0.12.5 logs, at ERROR, when Discord closes the gateway
/// with 4011 (`src/gateway/shard.rs`). `tests/discord_reliability.rs`
/// runs the bot against a fake Discord that sends 4011, so an upgrade of
/// serenity that words it differently fails there.
const SHARDING_REQUIRED_LOG: &str = "Shard has too many guilds";

/// The sentence `run` ends with after a 4011 close.
pub const SHARDING_REQUIRED: &str = "Discord requires sharding for this bot (gateway close \
    4011): it is in more servers than one connection may serve (2,500); remove it from servers \
    it does not serve, since backpain-bot runs one shard";

/// Whether a 4011 close has been seen, and the wake-up for `run`. One per
/// process: a log subscriber is too.
struct Seen {
    closed: AtomicBool,
    wake: Notify,
}

fn seen() -> &'static Seen {
    static SEEN: OnceLock<Seen> = OnceLock::new();
    SEEN.get_or_init(|| Seen {
        closed: AtomicBool::new(false),
        wake: Notify::new(),
    })
}

/// Completes once Discord has closed the gateway with 4011 (never, if the
/// process's log subscriber has no [`layer`]).
pub async fn sharding_required() {
    let seen = seen();
    loop {
        let woken = seen.wake.notified();
        if seen.closed.load(Ordering::SeqCst) {
            return;
        }
        woken.await;
    }
}

/// The log layer that notices a 4011 close; it sees only serenity's gateway
/// errors, whatever the rest of the subscriber filters.
pub fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    Watch.with_filter(Targets::new().with_target(SERENITY_GATEWAY, Level::ERROR))
}

struct Watch;

impl<S: Subscriber> Layer<S> for Watch {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut message = Message(false);
        event.record(&mut message);
        if message.0 {
            let seen = seen();
            seen.closed.store(true, Ordering::SeqCst);
            seen.wake.notify_waiters();
        }
    }
}

/// Whether an event's message is serenity's 4011 line.
struct Message(bool);

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" && value.contains(SHARDING_REQUIRED_LOG) {
            self.0 = true;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" && format!("{value:?}").contains(SHARDING_REQUIRED_LOG) {
            self.0 = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::prelude::*;

    #[test]
    fn serenitys_4011_line_is_noticed_and_nothing_else() {
        let subscriber = tracing_subscriber::registry().with(layer());
        tracing::subscriber::with_default(subscriber, || {
            tracing::error!(target: "serenity::gateway::shard", "[ShardInfo] Shard is fine.");
            tracing::warn!(target: "serenity::gateway::shard", "Shard has too many guilds.");
            tracing::error!(target: "backpain_bot", "Shard has too many guilds.");
            assert!(!seen().closed.load(Ordering::SeqCst));
            tracing::error!(
                target: "serenity::gateway::shard",
                "[{:?}] Shard has too many guilds.",
                (0, 1)
            );
        });
        assert!(seen().closed.load(Ordering::SeqCst));
    }
}
