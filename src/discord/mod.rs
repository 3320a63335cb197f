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
pub mod gateway_watch;
pub mod process;
pub mod respond;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::sync::{watch, Notify};
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
    /// Turns true when shutdown begins, for work shutdown must not wait for.
    stopping: watch::Receiver<bool>,
}

/// Attempts at registering the slash commands, the first included, with
/// the replies' backoff between them (250 ms doubling: 3.75 s in all).
/// Discord's 5xx are brief; past that an operator is needed, and the bot
/// answers messages meanwhile, so waiting longer gains nothing.
const REGISTER_ATTEMPTS: u32 = 5;

/// The questions (message or interaction ids) whose replies are in
/// progress; wakes shutdown when the last one ends, and names those a
/// shutdown abandons.
#[derive(Default)]
struct InFlight {
    questions: std::sync::Mutex<Vec<u64>>,
    idle: Notify,
}

/// Held while the reply to one question is being produced.
struct InFlightGuard {
    in_flight: Arc<InFlight>,
    question: u64,
}

impl InFlight {
    fn enter(self: &Arc<Self>, question: u64) -> InFlightGuard {
        self.questions().push(question);
        InFlightGuard {
            in_flight: Arc::clone(self),
            question,
        }
    }

    fn questions(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.questions.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.questions().is_empty() {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut questions = self.in_flight.questions();
        if let Some(at) = questions.iter().position(|&q| q == self.question) {
            questions.swap_remove(at);
        }
        if questions.is_empty() {
            self.in_flight.idle.notify_waiters();
        }
    }
}

/// Runs the bot until `shutdown` completes, then closes the gateway and
/// lets replies in progress finish (but never waits for a reload). Ends
/// early with an error of one sentence, saying what to do, when Discord
/// closes the gateway for good (a bad token, a disallowed intent).
pub async fn run(
    service: Arc<Service>,
    discord: &DiscordConfig,
    token: &Token,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), Error> {
    let in_flight = Arc::new(InFlight::default());
    let (stop_work, stopping) = watch::channel(false);
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
        stopping,
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
                // poise holds every event until setup returns, and for ever
                // if it fails: the commands are registered on the side, so
                // messages are answered whatever Discord says to that.
                let commands =
                    poise::builtins::create_application_commands(&framework.options().commands);
                tokio::spawn(register(Arc::clone(&ctx.http), commands, guild_ids));
                info!(user = %ready.user.name, "connected to Discord");
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
        result = client.start() => result.map_err(fatal),
        () = gateway_watch::sharding_required() => Err(gateway_watch::SHARDING_REQUIRED.into()),
        () = shutdown => {
            info!("shutting down");
            Ok(())
        }
    };
    // Work that may never end (a reload stuck in a read) stops waiting now.
    stop_work.send_replace(true);
    shard_manager.shutdown_all().await;
    if tokio::time::timeout(DRAIN_TIMEOUT, in_flight.wait_idle())
        .await
        .is_err()
    {
        // Each by its question's id, like any reply not delivered.
        let abandoned = in_flight.questions().clone();
        error!(questions = ?abandoned, "replies not delivered: still running at shutdown");
    }
    result
}

/// Registers the slash commands globally, or in each of `guilds`, trying
/// each [`REGISTER_ATTEMPTS`] times. If that fails the bot goes on
/// answering messages, and says so at ERROR.
async fn register(
    http: Arc<serenity::Http>,
    commands: Vec<serenity::CreateCommand>,
    guilds: Vec<serenity::GuildId>,
) {
    let targets: Vec<Option<serenity::GuildId>> = if guilds.is_empty() {
        vec![None]
    } else {
        guilds.into_iter().map(Some).collect()
    };
    for target in targets {
        let guild = target.map(|g| g.get());
        for attempt in 1..=REGISTER_ATTEMPTS {
            let result = match target {
                None => serenity::Command::set_global_commands(&http, commands.clone())
                    .await
                    .map(drop),
                Some(g) => g.set_commands(&http, commands.clone()).await.map(drop),
            };
            match result {
                Ok(()) => {
                    info!(
                        guild,
                        commands = commands.len(),
                        "slash commands registered"
                    );
                    break;
                }
                Err(e) if attempt < REGISTER_ATTEMPTS => {
                    let wait = deliver::backoff(attempt);
                    warn!(guild, attempt, cause = %e, retry_in_ms = wait.as_millis() as u64,
                          "could not register the slash commands; retrying");
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    error!(guild, attempts = attempt, cause = %e,
                           "could not register the slash commands; answering messages \
                            without them (restart the bot to try again)");
                }
            }
        }
    }
}

/// The error `run` ends with when the gateway closes for good: one
/// sentence saying what to do, for the close codes that no reconnect can
/// fix and serenity reports (4004, 4013, 4014). Anything else is passed on
/// as it is. (serenity 0.12.5 does not report 4011, sharding required: see
/// [`gateway_watch`].)
fn fatal(err: serenity::Error) -> Error {
    use serenity::GatewayError as G;
    let what = match &err {
        serenity::Error::Gateway(G::InvalidAuthentication) => {
            "Discord refused the bot token (gateway close 4004): set DISCORD_TOKEN to the \
             token on the Bot page of the Discord Developer Portal"
        }
        serenity::Error::Gateway(G::InvalidGatewayIntents) => {
            "Discord refused the bot's gateway intents as invalid (gateway close 4013): this \
             is a bug in the bot, please report it"
        }
        serenity::Error::Gateway(G::DisallowedGatewayIntents) => {
            "Discord refused the Message Content intent (gateway close 4014): enable it under \
             Privileged Gateway Intents on the Bot page of the Discord Developer Portal"
        }
        _ => return Box::new(err),
    };
    what.into()
}

async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    match err {
        poise::FrameworkError::Setup { error, .. } => {
            error!(cause = %error, "start-up failed");
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
