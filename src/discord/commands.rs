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
use crate::content::{fill, Messages, Problem};
use crate::matcher::topic_choices;
use crate::reply::{self, DISCORD_MESSAGE_LIMIT};
use crate::service::{Addressed, Decision, ReloadSummary};

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
    let _busy = ctx.data().in_flight.enter(ctx.id());
    let started = Instant::now();
    let data = ctx.data();
    // One version of the content for the whole reply, even mid-reload.
    let matcher = data.service.current();
    let question = crate::addressing::plain_question(&question);
    let decision = data.service.decide(
        &*matcher,
        ctx.author().id.get(),
        ctx.channel_id().get(),
        &question,
        Addressed::Directly,
        Instant::now(),
    );
    // Only the member sees a repeated urgent reply: the same guidance
    // again, without flooding the channel.
    let (m, private) = match decision {
        Decision::Reply(m) => (m, false),
        Decision::UrgentRepeat(m) => {
            info!(
                channel = ctx.channel_id().get(),
                "urgent reply sent privately: this member got it in this channel recently"
            );
            (m, true)
        }
        limited => {
            // A command always gets a response, but only its author sees it.
            let wait = match limited {
                Decision::Notify { retry_after } => retry_after.as_secs(),
                _ => 0,
            };
            let notice = events::cooldown_notice(&matcher.catalog().messages, wait);
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
    send(ctx, private, ready(reply)).await
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
        None => respond::text(catalog.messages.wrap(catalog.messages.no_topic.clone())),
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
    // Counted for shutdown, which lets replies finish; shutdown never waits
    // for the reload itself (see below).
    let _busy = ctx.data().in_flight.enter(ctx.id());
    let user = ctx.author().id;
    // The replies are in the words of the content being served: that of a
    // reload that failed is not used.
    let messages = ctx.data().service.current().catalog().messages.clone();
    if !is_moderator(ctx) {
        // The permission default only hides the command in clients; a
        // crafted interaction reaches us anyway, so check again here.
        warn!(user = %user, guild = ?ctx.guild_id(), "refused /reload: not a moderator");
        let text = messages.reload_not_moderator.clone();
        return send(ctx, true, ready(respond::text(text))).await;
    }
    let service = Arc::clone(&ctx.data().service);
    let mut stopping = ctx.data().stopping.clone();
    // Reading a large content folder can outlast Discord's deadline: the
    // reply is deferred if so.
    let work = async move {
        let build = tokio::task::spawn_blocking(move || service.reload());
        // A reload stuck in a read (a hung network disk) must not hold up
        // shutdown: the build is left to the blocking pool, which the
        // process does not wait for, and the moderator is told.
        let built = tokio::select! {
            built = build => built,
            _ = stopping.wait_for(|stop| *stop) => {
                warn!(user = %user, "shutting down during a reload; not waiting for it");
                return respond::text(messages.reload_interrupted.clone());
            }
        };
        let text = match built {
            Ok(Ok(summary)) => {
                info!(user = %user, added = summary.added.len(),
                      removed = summary.removed.len(), changed = summary.changed.len(),
                      "content reloaded");
                summary_text(&messages, &summary)
            }
            Ok(Err(problems)) => {
                warn!(user = %user, problems = problems.len(),
                      "reload refused: content has problems");
                problems_text(&messages, &problems)
            }
            Err(e) => {
                error!(user = %user, cause = %e, "reload failed");
                messages.reload_failed.clone()
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

/// `items` with `sep` between them, in at most `room` characters: the
/// items that do not fit are counted in a last `list_more` ("…and N more.")
/// instead. The one place long lists are cut to fit a Discord message.
fn clipped<T: std::fmt::Display>(
    messages: &Messages,
    items: &[T],
    sep: &str,
    room: usize,
) -> String {
    let more = |left: usize| fill(&messages.list_more, &[("count", &left.to_string())]);
    // Room kept for the note, measured with the longest count it can show.
    let more_room = sep.chars().count() + more(items.len()).chars().count();
    let mut text = String::new();
    let mut len = 0;
    for (shown, item) in items.iter().enumerate() {
        let piece = if shown == 0 {
            item.to_string()
        } else {
            format!("{sep}{item}")
        };
        let piece_len = piece.chars().count();
        let last = shown + 1 == items.len();
        let keep = if last { 0 } else { more_room };
        if len + piece_len + keep > room {
            if shown > 0 {
                text.push_str(sep);
            }
            text.push_str(&more(items.len() - shown));
            return text;
        }
        text.push_str(&piece);
        len += piece_len;
    }
    text
}

/// The problems that stopped a reload, as many as fit one message.
fn problems_text(messages: &Messages, problems: &[Problem]) -> String {
    let template = if problems.len() == 1 {
        &messages.reload_refused_one
    } else {
        &messages.reload_refused
    };
    let count = problems.len().to_string();
    let around = fill(template, &[("count", &count), ("problems", "")]);
    let room = DISCORD_MESSAGE_LIMIT.saturating_sub(around.chars().count());
    let lines: Vec<String> = problems.iter().map(|p| format!("• {p}")).collect();
    let list = clipped(messages, &lines, "\n", room);
    within_limit(fill(template, &[("count", &count), ("problems", &list)]))
}

/// What a reload changed, as [`ReloadSummary`] prints it but in the words of
/// `messages.toml` and cut to one message: a reload that adds 1,000 entries
/// still gets its reply. The three lists share the room, so a long one
/// cannot crowd out the others.
fn summary_text(messages: &Messages, summary: &ReloadSummary) -> String {
    let now = &summary.now;
    let mut values: Vec<(&str, String)> = [
        ("entries", now.entries),
        ("topics", now.topics),
        ("sources", now.sources),
        ("alternates", now.alternates),
        ("red_flags", now.red_flags),
        ("crisis_lines", now.crisis_lines),
        ("small_talk", now.small_talk),
    ]
    .into_iter()
    .map(|(name, n)| (name, n.to_string()))
    .collect();
    let lists = [
        ("added", &summary.added),
        ("removed", &summary.removed),
        ("changed", &summary.changed),
    ];
    let filled = |values: &[(&str, String)]| {
        let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        fill(&messages.reload_done, &pairs)
    };
    // The text around the lists, with the lists empty.
    let mut around = values.clone();
    around.extend(lists.iter().map(|(name, _)| (*name, String::new())));
    let mut room = DISCORD_MESSAGE_LIMIT.saturating_sub(filled(&around).chars().count());
    for (n, (name, ids)) in lists.iter().enumerate() {
        let list = if ids.is_empty() {
            messages.reload_none.clone()
        } else {
            clipped(messages, ids, ", ", room / (lists.len() - n))
        };
        room = room.saturating_sub(list.chars().count());
        values.push((name, list));
    }
    within_limit(filled(&values))
}

/// `text` cut to one Discord message, should a moderator's wording (a list
/// placeholder written twice) have made it longer.
fn within_limit(text: String) -> String {
    if text.chars().count() <= DISCORD_MESSAGE_LIMIT {
        return text;
    }
    let mut cut: String = text.chars().take(DISCORD_MESSAGE_LIMIT - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped texts.
    fn messages() -> Messages {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        match crate::content::load_dir(&dir) {
            Ok(catalog) => catalog.messages,
            Err(problems) => panic!("shipped content: {problems:?}"),
        }
    }

    fn summary(added: usize, removed: usize, changed: usize) -> ReloadSummary {
        let ids = |prefix: &str, n: usize| -> Vec<String> {
            (0..n).map(|i| format!("{prefix}-entry-{i:04}")).collect()
        };
        ReloadSummary {
            added: ids("added", added),
            removed: ids("removed", removed),
            changed: ids("changed", changed),
            now: crate::content::Summary {
                entries: 1000,
                topics: 5,
                sources: 4,
                alternates: 2000,
                red_flags: 30,
                crisis_lines: 3,
                small_talk: 5,
            },
        }
    }

    #[test]
    fn short_summaries_are_printed_whole() {
        for s in [summary(0, 0, 0), summary(3, 1, 2), summary(20, 0, 0)] {
            assert_eq!(summary_text(&messages(), &s), s.to_string());
        }
    }

    #[test]
    fn long_summaries_fit_one_message() {
        for (a, r, c) in [(1000, 0, 0), (1000, 1000, 1000), (0, 0, 5000), (1, 1000, 1)] {
            let s = summary(a, r, c);
            let text = summary_text(&messages(), &s);
            assert!(text.chars().count() <= DISCORD_MESSAGE_LIMIT, "{a} {r} {c}");
            for label in ["Added: ", "Removed: ", "Changed: "] {
                assert!(text.contains(label), "{label} in {text}");
            }
            assert!(text.contains("more."), "{text}");
        }
        // Nothing is lost silently: shown plus "more" is the whole list.
        let text = summary_text(&messages(), &summary(1000, 0, 0));
        let shown = text.matches("added-entry-").count();
        let more: usize = text
            .split("…and ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert_eq!(shown + more, 1000);
    }

    #[test]
    fn problem_lists_fit_one_message() {
        let problems: Vec<Problem> = (0..500)
            .map(|i| Problem {
                file: "faq/entries.toml".to_owned(),
                line: Some(i + 1),
                message: "something is wrong here".to_owned(),
            })
            .collect();
        let text = problems_text(&messages(), &problems);
        assert!(text.chars().count() <= DISCORD_MESSAGE_LIMIT);
        assert!(text.ends_with("more."), "{text}");
        assert_eq!(
            problems_text(&messages(), &problems[..2])
                .matches('•')
                .count(),
            2
        );
    }
}
