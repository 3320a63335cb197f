//! The slash commands. Each gathers its input, asks the core, and sends the
//! result; none holds a lock across an `.await`.

use std::future::{ready, Future};
use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::{error, info, warn};

use super::deliver::{self, DEFER_AFTER};
use super::respond::{self, Reply};
use super::{events, Context, Data, Error};
use crate::content::Problem;
use crate::matcher::topic_choices;
use crate::reply::{self, DISCORD_MESSAGE_LIMIT};
use crate::service::{Addressed, Decision};

/// Discord's limit on autocomplete choices.
const MAX_AUTOCOMPLETE_CHOICES: usize = 25;

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![ask(), topic(), topics(), sources(), help(), reload()]
}

/// Ask a question about back pain, acupressure or acupuncture.
#[poise::command(slash_command)]
async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, in your own words"]
    #[max_length = 500]
    question: String,
) -> Result<(), Error> {
    let _busy = ctx.data().in_flight.enter();
    let started = Instant::now();
    let data = ctx.data();
    // One version of the content for the whole reply, even mid-reload.
    let matcher = data.service.current();
    let question = events::plain_question(&question);
    let decision = data.service.decide(
        &*matcher,
        ctx.author().id.get(),
        &question,
        Addressed::Directly,
        Instant::now(),
    );
    let m = match decision {
        Decision::Reply(m) => m,
        limited => {
            // A command always gets a response, but only its author sees it.
            let wait = match limited {
                Decision::Notify { retry_after } => retry_after.as_secs(),
                _ => 0,
            };
            let notice = events::cooldown_notice(wait);
            return send(ctx, true, ready(respond::text(notice))).await;
        }
    };
    let reply = events::answer(
        &matcher,
        &question,
        &m,
        started,
        ctx.guild_id(),
        ctx.channel_id(),
    );
    send(ctx, false, ready(reply)).await
}

async fn autocomplete_topic(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let matcher = ctx.data().service.current();
    let choices = topic_choices(matcher.catalog(), partial, MAX_AUTOCOMPLETE_CHOICES)
        .into_iter()
        .map(|t| serenity::AutocompleteChoice::new(t.name.clone(), t.id.clone()))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Browse one topic and open its questions.
#[poise::command(slash_command)]
async fn topic(
    ctx: Context<'_>,
    #[description = "The topic"]
    #[autocomplete = "autocomplete_topic"]
    name: String,
) -> Result<(), Error> {
    let matcher = ctx.data().service.current();
    let catalog = matcher.catalog();
    // The autocomplete sends the id; a member may also type a name.
    let found = catalog
        .topic(&name)
        .or_else(|| topic_choices(catalog, &name, 1).into_iter().next());
    let reply = match found {
        Some(topic) => respond::for_topic(catalog, topic),
        None => respond::text(format!(
            "I have no topic by that name. Use `/topics` to see them all.\n\n{}",
            catalog.messages.disclaimer
        )),
    };
    send(ctx, false, ready(reply)).await
}

/// List the topics I can answer questions about.
#[poise::command(slash_command)]
async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    let matcher = ctx.data().service.current();
    let text = reply::render_topics(matcher.catalog());
    send(ctx, false, ready(respond::text(text))).await
}

/// The articles my answers come from.
#[poise::command(slash_command)]
async fn sources(ctx: Context<'_>) -> Result<(), Error> {
    let matcher = ctx.data().service.current();
    let text = reply::render_sources(matcher.catalog());
    send(ctx, false, ready(respond::text(text))).await
}

/// How to use this bot.
#[poise::command(slash_command)]
async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let matcher = ctx.data().service.current();
    let text = reply::render_help(matcher.catalog());
    send(ctx, true, ready(respond::text(text))).await
}

/// Reload the FAQ from its files (moderators only).
#[poise::command(slash_command, default_member_permissions = "MANAGE_GUILD")]
async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    let _busy = ctx.data().in_flight.enter();
    let user = ctx.author().id;
    if !is_moderator(ctx) {
        // The permission default only hides the command in clients; a
        // crafted interaction reaches us anyway, so check again here.
        warn!(user = %user, guild = ?ctx.guild_id(), "refused /reload: not a moderator");
        let text = "Only members with the Manage Server permission or a moderator role can \
                    reload the FAQ."
            .to_owned();
        return send(ctx, true, ready(respond::text(text))).await;
    }
    let service = Arc::clone(&ctx.data().service);
    // Reading a large content folder can outlast Discord's deadline: the
    // reply is deferred if so.
    let work = async move {
        let text = match tokio::task::spawn_blocking(move || service.reload()).await {
            Ok(Ok(summary)) => {
                info!(user = %user, added = summary.added.len(),
                      removed = summary.removed.len(), changed = summary.changed.len(),
                      "content reloaded");
                summary.to_string()
            }
            Ok(Err(problems)) => {
                warn!(user = %user, problems = problems.len(),
                      "reload refused: content has problems");
                problems_text(&problems)
            }
            Err(e) => {
                error!(user = %user, cause = %e, "reload failed");
                "The reload failed; the old content is still being served.".to_owned()
            }
        };
        respond::text(text)
    };
    send(ctx, true, work).await
}

/// Sends a command's reply (the one `work` produces) through the outbox,
/// deferring the interaction if the reply takes long. A reply that cannot
/// be delivered has been logged there with the interaction's id.
async fn send(
    ctx: Context<'_>,
    ephemeral: bool,
    work: impl Future<Output = Reply>,
) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Err("the bot only has slash commands".into());
    };
    let to = deliver::Interaction {
        id: app.interaction.id,
        token: app.interaction.token.clone(),
        application_id: app.interaction.application_id,
    };
    let outbox = &ctx.data().outbox;
    // Undelivered replies are logged by the outbox; nothing else to do.
    let _ = outbox
        .respond_in_time(&to, ephemeral, DEFER_AFTER, work)
        .await;
    Ok(())
}

/// Whether the member who invoked a command may reload: Manage Server or
/// Administrator in this guild, or one of the configured moderator roles.
fn is_moderator(ctx: Context<'_>) -> bool {
    let poise::Context::Application(app) = ctx else {
        return false;
    };
    let Some(member) = app.interaction.member.as_deref() else {
        return false; // A DM: there is no server to moderate.
    };
    let permitted = member.permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::MANAGE_GUILD)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    });
    permitted
        || member
            .roles
            .iter()
            .any(|r| ctx.data().moderator_roles.contains(r))
}

/// The problems that stopped a reload, as many as fit one message.
fn problems_text(problems: &[Problem]) -> String {
    let mut text = format!(
        "The content has {} problem{}; nothing was changed and the old content is still \
         being served.\n",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for (shown, problem) in problems.iter().enumerate() {
        let line = format!("• {problem}\n");
        // Leave room for the "and N more" line.
        if text.chars().count() + line.chars().count() > DISCORD_MESSAGE_LIMIT - 40 {
            text.push_str(&format!("…and {} more.", problems.len() - shown));
            break;
        }
        text.push_str(&line);
    }
    text
}
