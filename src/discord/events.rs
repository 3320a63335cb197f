//! Gateway events the bot reacts to outside slash commands: messages that
//! ask a question (in threads of answer channels too), edits that turn a
//! message urgent, and clicks on "did you mean" buttons or topic menus.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::{debug, info};

use super::deliver::{Interaction, DEFER_AFTER};
use super::respond::{self, Answering, Reply};
use super::{Data, Error};
use crate::content::{fill, Messages};
use crate::cooldown::URGENT_REPEAT_WINDOW;
use crate::matcher::{Match, Matcher, Outcome};
use crate::service::{Addressed, Decision};

/// Routes one gateway event.
pub async fn handle(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let data = framework.user_data;
    let ctx = framework.serenity_context;
    match event {
        serenity::FullEvent::Message { new_message } => {
            on_message(ctx, data, framework.bot_id(), new_message).await
        }
        serenity::FullEvent::MessageUpdate { event, .. } => {
            on_edit(ctx, data, framework.bot_id(), event).await
        }
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(click),
        } => on_component(data, click).await,
        _ => Ok(()),
    }
}

/// Where a message was posted and whom it mentions, from a new message or
/// an edit.
struct Posted<'a> {
    guild: Option<serenity::GuildId>,
    channel: serenity::ChannelId,
    mentions: &'a [serenity::User],
}

/// Whether (and how) a message is addressed to the bot; `None` if the bot
/// should leave it alone.
async fn addressed(
    ctx: &serenity::Context,
    data: &Data,
    bot: serenity::UserId,
    posted: &Posted<'_>,
) -> Option<Addressed> {
    let Some(guild) = posted.guild else {
        return Some(Addressed::Directly);
    };
    if posted.mentions.iter().any(|u| u.id == bot) {
        return Some(Addressed::Directly);
    }
    if data.answer_channels.contains(&posted.channel) {
        return Some(Addressed::InAnswerChannel);
    }
    let parent = thread_parent(ctx, guild, posted.channel).await?;
    data.answer_channels
        .contains(&parent)
        .then_some(Addressed::InAnswerChannel)
}

/// The channel a thread belongs to; `None` for a channel that is not a
/// thread (or cannot be looked up). Threads come from the cache (GUILD_CREATE
/// and THREAD_CREATE fill it); one the cache does not know is fetched.
async fn thread_parent(
    ctx: &serenity::Context,
    guild: serenity::GuildId,
    channel: serenity::ChannelId,
) -> Option<serenity::ChannelId> {
    // The cache guard is dropped before any `.await`.
    let cached = ctx.cache.guild(guild).map(|g| {
        if g.channels.contains_key(&channel) {
            Some(None) // an ordinary channel: not a thread
        } else {
            g.threads
                .iter()
                .find(|t| t.id == channel)
                .map(|t| t.parent_id)
        }
    });
    match cached.flatten() {
        Some(parent) => parent,
        None => match ctx.http.get_channel(channel).await {
            Ok(serenity::Channel::Guild(c)) if c.thread_metadata.is_some() => c.parent_id,
            Ok(_) => None,
            Err(e) => {
                debug!(channel = channel.get(), cause = %e, "cannot look up the channel");
                None
            }
        },
    }
}

async fn on_message(
    ctx: &serenity::Context,
    data: &Data,
    bot: serenity::UserId,
    msg: &serenity::Message,
) -> Result<(), Error> {
    // Bots, this one included, are never answered: two bots would loop.
    if msg.author.bot || msg.author.id == bot {
        debug!(question = msg.id.get(), "message from a bot: left alone");
        return Ok(());
    }
    let posted = Posted {
        guild: msg.guild_id,
        channel: msg.channel_id,
        mentions: &msg.mentions,
    };
    let Some(addressed) = addressed(ctx, data, bot, &posted).await else {
        // Logged by id only, so tests (and operators at DEBUG) can tell a
        // message the bot saw and left alone from one it never received.
        debug!(
            question = msg.id.get(),
            "message not addressed to the bot: left alone"
        );
        return Ok(());
    };
    let _busy = data.in_flight.enter(msg.id.get());
    let started = Instant::now();
    let question = crate::addressing::plain_question(&msg.content);
    // One version of the content for the whole reply, even mid-reload.
    let matcher = data.service.current();
    let send = |reply: Reply| {
        let message = respond::to_message(reply, msg.channel_id, msg.id, Answering::Created);
        async move {
            // An undelivered reply is logged by the outbox with the message's id.
            let _ = data
                .outbox
                .channel_message(msg.channel_id, &message, msg.id)
                .await;
        }
    };
    // Triage, the cooldown, then matching only if the cooldown admits it.
    let m = match data.service.decide(
        &*matcher,
        msg.author.id.get(),
        msg.channel_id.get(),
        &question,
        addressed,
        Instant::now(),
    ) {
        Decision::Reply(m) => m,
        Decision::Notify { retry_after } => {
            let notice = cooldown_notice(&matcher.catalog().messages, retry_after.as_secs());
            send(respond::text(notice)).await;
            return Ok(());
        }
        Decision::Silent => {
            // Answer channels see every message: only a clear answer is
            // worth posting there. Logged by id only (see above).
            if addressed == Addressed::InAnswerChannel {
                debug!(
                    question = msg.id.get(),
                    "answer channel: no clear answer (or over the limit), staying silent"
                );
            }
            return Ok(());
        }
        Decision::UrgentRepeat(_) => {
            urgent_repeat_not_posted(msg.channel_id, msg.id);
            return Ok(());
        }
    };
    if m.outcome == Outcome::Urgent {
        // So that an edit of this message does not get a second one.
        data.service.first_urgent_reply(msg.id.get());
    }
    let reply = answer(
        &matcher,
        &question,
        &m,
        started,
        msg.guild_id,
        msg.channel_id,
    );
    send(reply).await;
    Ok(())
}

/// An edited message is checked again for red flags only: "edit: now I
/// can't feel my legs" gets the urgent reply, but an edit never gets an
/// FAQ answer (the member already had one, or chose not to ask), and a
/// message gets at most one urgent reply however often it is edited.
async fn on_edit(
    ctx: &serenity::Context,
    data: &Data,
    bot: serenity::UserId,
    edit: &serenity::MessageUpdateEvent,
) -> Result<(), Error> {
    // Only an edit of the text matters (embeds being resolved also come as
    // updates, without content or author).
    let (Some(author), Some(content)) = (&edit.author, &edit.content) else {
        return Ok(());
    };
    if author.bot || author.id == bot {
        return Ok(());
    }
    let posted = Posted {
        guild: edit.guild_id,
        channel: edit.channel_id,
        mentions: edit.mentions.as_deref().unwrap_or_default(),
    };
    if addressed(ctx, data, bot, &posted).await.is_none() {
        return Ok(());
    }
    let _busy = data.in_flight.enter(edit.id.get());
    let started = Instant::now();
    let question = crate::addressing::plain_question(content);
    let matcher = data.service.current();
    // Red flags only: an edit never gets an FAQ answer.
    let Some(m) = matcher.triage(&question) else {
        debug!(
            question = edit.id.get(),
            "edit not urgent: edits get no FAQ answer"
        );
        return Ok(());
    };
    if !data.service.first_urgent_reply(edit.id.get()) {
        debug!(
            question = edit.id.get(),
            "edit urgent again: the message already got its urgent reply"
        );
        return Ok(());
    }
    let posted_now = data.service.admit_urgent(
        &*matcher,
        author.id.get(),
        edit.channel_id.get(),
        &m,
        Instant::now(),
    );
    if !posted_now {
        urgent_repeat_not_posted(edit.channel_id, edit.id);
        return Ok(());
    }
    let reply = answer(
        &matcher,
        &question,
        &m,
        started,
        edit.guild_id,
        edit.channel_id,
    );
    let message = respond::to_message(reply, edit.channel_id, edit.id, Answering::Edited);
    let _ = data
        .outbox
        .channel_message(edit.channel_id, &message, edit.id)
        .await;
    Ok(())
}

/// Logs the deliberate silence after [`Decision::UrgentRepeat`] (never the
/// message's words).
fn urgent_repeat_not_posted(channel: serenity::ChannelId, message: serenity::MessageId) {
    info!(
        channel = channel.get(),
        message = message.get(),
        within_secs = URGENT_REPEAT_WINDOW.as_secs(),
        "urgent reply not repeated: this member got it in this channel recently"
    );
}

async fn on_component(data: &Data, click: &serenity::ComponentInteraction) -> Result<(), Error> {
    let _busy = data.in_flight.enter(click.id.get());
    let matcher = data.service.current();
    let catalog = matcher.catalog();
    let custom_id = match &click.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => {
            values.first().cloned().unwrap_or_default()
        }
        _ => click.data.custom_id.clone(),
    };
    let reply = match respond::entry_from_custom_id(catalog, &custom_id) {
        Some(entry) => {
            // Which entry, never who: a member tied to a health topic is
            // health data.
            info!(entry = %entry.id, "entry opened from a component");
            respond::for_entry(catalog, entry)
        }
        // An old button whose entry a reload removed.
        None => respond::text(catalog.messages.wrap(catalog.messages.entry_gone.clone())),
    };
    let to = Interaction {
        id: click.id,
        token: click.token.clone(),
        application_id: click.application_id,
    };
    let _ = data
        .outbox
        .respond_in_time(&to, false, DEFER_AFTER, std::future::ready(reply))
        .await;
    Ok(())
}

/// Builds the reply to a matched question, logging one structured line.
pub fn answer(
    matcher: &Matcher,
    question: &str,
    m: &Match,
    started: Instant,
    guild: Option<serenity::GuildId>,
    channel: serenity::ChannelId,
) -> Reply {
    let reply = respond::for_match(matcher, m);
    let entry = m.entry.map(|i| matcher.entry(i).id.as_str()).unwrap_or("");
    info!(
        guild = guild.map(|g| g.get()),
        channel = channel.get(),
        outcome = m.outcome.as_str(),
        entry,
        confidence = m.confidence,
        latency_us = started.elapsed().as_micros() as u64,
        "question"
    );
    // The words of an urgent message are the most sensitive health data a
    // member gives: they are never logged, at any level.
    if m.outcome != Outcome::Urgent {
        debug!(question, "question text");
    }
    reply
}

/// The notice for a member who is asking faster than the cooldown allows
/// (`retry_after_secs` 0 when unknown), in the words of `messages.toml`.
pub fn cooldown_notice(messages: &Messages, retry_after_secs: u64) -> String {
    let template = match retry_after_secs {
        0 => &messages.cooldown_unknown,
        1 => &messages.cooldown_one_second,
        _ => &messages.cooldown,
    };
    fill(template, &[("seconds", &retry_after_secs.to_string())])
}
