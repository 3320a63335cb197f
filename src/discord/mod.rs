//! The Discord side of the bot: connecting, registering slash commands, and
//! routing messages and component clicks to the core.
//!
//! This is the only module that knows about serenity, poise or the network.
//! It stays thin: a handler gathers the input, asks [`Service`] and the core
//! for the reply, and sends it (`respond` turns core replies into Discord
//! messages). [`run`] takes its shutdown as a future, so tests start a real
//! bot against a fake Discord and stop it with their own signal.

mod commands;
pub mod deliver;
mod events;
pub mod respond;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::sync::Notify;
use tracing::{error, info, warn};

use crate::config::{Discord as DiscordConfig, Token};
use crate::service::Service;

/// Errors the glue passes around: plumbing failures, logged where they
/// surface; nobody branches on their kind.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The poise context every command receives.
type Context<'a> = poise::Context<'a, Data, Error>;

/// How long shutdown waits for replies already being written, after the
/// gateway is closed. Discord's own interaction deadline is 3 s; a reply
/// still running after this long is stuck, not nearly done.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler can reach.
pub struct Data {
    /// The content and cooldowns.
    pub service: Arc<Service>,
    /// Channels answered without a mention.
    answer_channels: Vec<serenity::ChannelId>,
    /// Roles allowed to `/reload`.
    moderator_roles: Vec<serenity::RoleId>,
    /// Replies being written, so shutdown can let them finish.
    in_flight: Arc<InFlight>,
    /// Where replies are sent from, with retries.
    outbox: deliver::Outbox,
}

/// Counts replies in progress and wakes shutdown when the last one ends.
#[derive(Default)]
struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

/// Held while a reply is being produced.
struct InFlightGuard(Arc<InFlight>);

impl InFlight {
    fn enter(self: &Arc<Self>) -> InFlightGuard {
        self.count.fetch_add(1, Ordering::SeqCst);
        InFlightGuard(Arc::clone(self))
    }

    async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// Runs the bot until `shutdown` completes, then closes the gateway and
/// lets replies in progress finish.
pub async fn run(
    service: Arc<Service>,
    discord: &DiscordConfig,
    token: &Token,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), Error> {
    let in_flight = Arc::new(InFlight::default());
    let outbox = deliver::Outbox::new(discord.api_url.as_deref(), token)?;
    let data = Data {
        service,
        answer_channels: discord
            .answer_channels
            .iter()
            .map(|&id| serenity::ChannelId::new(id))
            .collect(),
        moderator_roles: discord
            .moderator_role_ids
            .iter()
            .map(|&id| serenity::RoleId::new(id))
            .collect(),
        in_flight: Arc::clone(&in_flight),
        outbox,
    };
    let guild_ids: Vec<serenity::GuildId> = discord
        .guild_ids
        .iter()
        .map(|&id| serenity::GuildId::new(id))
        .collect();

    let options = poise::FrameworkOptions {
        commands: commands::all(),
        event_handler: |framework, event| Box::pin(events::handle(framework, event)),
        on_error: |err| Box::pin(on_error(err)),
        allowed_mentions: Some(respond::no_pings()),
        ..Default::default()
    };
    let framework = poise::Framework::builder()
        .options(options)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                if guild_ids.is_empty() {
                    poise::builtins::register_globally(ctx, commands).await?;
                } else {
                    for guild in &guild_ids {
                        poise::builtins::register_in_guild(ctx, commands, *guild).await?;
                    }
                }
                info!(user = %ready.user.name, guilds = guild_ids.len(), "connected to Discord");
                Ok(data)
            })
        })
        .build();

    let mut http = serenity::HttpBuilder::new(token.expose());
    if let Some(url) = &discord.api_url {
        // Behind a REST proxy (or a test's fake Discord) the proxy does the
        // rate limiting; serenity only honours the proxy with its own off.
        http = http
            .proxy(url.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let intents = serenity::GatewayIntents::GUILDS
        | serenity::GatewayIntents::GUILD_MESSAGES
        | serenity::GatewayIntents::DIRECT_MESSAGES
        | serenity::GatewayIntents::MESSAGE_CONTENT;
    let mut client = serenity::ClientBuilder::new_with_http(http.build(), intents)
        .framework(framework)
        .await?;
    let shard_manager = Arc::clone(&client.shard_manager);

    let result = tokio::select! {
        result = client.start() => result.map_err(Error::from),
        () = shutdown => {
            info!("shutting down");
            Ok(())
        }
    };
    shard_manager.shutdown_all().await;
    if tokio::time::timeout(DRAIN_TIMEOUT, in_flight.wait_idle())
        .await
        .is_err()
    {
        warn!(
            in_flight = in_flight.count.load(Ordering::SeqCst),
            "replies still running at shutdown"
        );
    }
    result
}

async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    match err {
        poise::FrameworkError::Setup { error, .. } => {
            error!(cause = %error, "could not register the slash commands");
        }
        poise::FrameworkError::Command { error, ctx, .. } => {
            error!(command = %ctx.command().name, cause = %error, "command failed");
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            error!(event = event.snake_case_name(), cause = %error, "event handler failed");
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                error!(cause = %e, "could not report an error");
            }
        }
    }
}
