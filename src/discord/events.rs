//! Gateway events the bot reacts to outside slash commands: messages that
//! ask a question, and clicks on "did you mean" buttons or topic menus.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::{debug, info};

use super::deliver::{Interaction, DEFER_AFTER};
use super::respond::{self, Reply};
use super::{Data, Error};
use crate::matcher::{Match, Matcher, Outcome};
use crate::service::{Addressed, Decision};

/// Routes one gateway event.
pub async fn handle(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let data = framework.user_data;
    match event {
        serenity::FullEvent::Message { new_message } => {
            on_message(data, framework.bot_id(), new_message).await
        }
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(click),
        } => on_component(data, click).await,
        _ => Ok(()),
    }
}

async fn on_message(
    data: &Data,
    bot: serenity::UserId,
    msg: &serenity::Message,
) -> Result<(), Error> {
    // Bots, this one included, are never answered: two bots would loop.
    if msg.author.bot || msg.author.id == bot {
        return Ok(());
    }
    let addressed = if msg.guild_id.is_none() || msg.mentions.iter().any(|u| u.id == bot) {
        Addressed::Directly
    } else if data.answer_channels.contains(&msg.channel_id) {
        Addressed::InAnswerChannel
    } else {
        return Ok(());
    };
    let _busy = data.in_flight.enter();
    let started = Instant::now();
    let question = plain_question(&msg.content);
    // One version of the content for the whole reply, even mid-reload.
    let matcher = data.service.current();
    // Triage, the cooldown, then matching only if the cooldown admits it.
    let m = match data.service.decide(
        &*matcher,
        msg.author.id.get(),
        &question,
        addressed,
        Instant::now(),
    ) {
        Decision::Reply(m) => m,
        Decision::Notify { retry_after } => {
            let notice = respond::text(cooldown_notice(retry_after.as_secs()));
            let _ = data
                .outbox
                .channel_message(msg.channel_id, &respond::to_message(notice, msg), msg.id)
                .await;
            return Ok(());
        }
        Decision::Silent => return Ok(()),
    };
    let reply = answer(
        &matcher,
        &question,
        &m,
        started,
        msg.guild_id,
        msg.channel_id,
    );
    // An undelivered reply is logged by the outbox with the message's id.
    let _ = data
        .outbox
        .channel_message(msg.channel_id, &respond::to_message(reply, msg), msg.id)
        .await;
    Ok(())
}

async fn on_component(data: &Data, click: &serenity::ComponentInteraction) -> Result<(), Error> {
    let _busy = data.in_flight.enter();
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
            info!(user = %click.user.id, entry = %entry.id, "entry opened from a component");
            respond::for_entry(catalog, entry)
        }
        // An old button whose entry a reload removed.
        None => respond::text(format!(
            "That question is no longer in the FAQ. Use `/topics` to browse what is.\n\n{}",
            catalog.messages.disclaimer
        )),
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
/// (`retry_after_secs` 0 when unknown).
pub fn cooldown_notice(retry_after_secs: u64) -> String {
    match retry_after_secs {
        0 => {
            "You're asking questions quickly; please wait a little before the next one.".to_owned()
        }
        1 => {
            "You're asking questions quickly; please wait 1 second before the next one.".to_owned()
        }
        n => {
            format!("You're asking questions quickly; please wait {n} seconds before the next one.")
        }
    }
}

/// The question in a message or `/ask`: mentions of anyone (users
/// `<@id>` and `<@!id>`, roles `<@&id>`, channels `<#id>`) and `@everyone`
/// and `@here` taken out. They address people rather than ask anything, and
/// as words the content never uses they would count against every answer.
pub fn plain_question(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find(['<', '@']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match mention_len(tail) {
            Some(len) => {
                out.push(' ');
                rest = &tail[len..];
            }
            None => {
                // '<' and '@' are one byte each.
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_owned()
}

/// The length of the mention `text` starts with, if it starts with one.
fn mention_len(text: &str) -> Option<usize> {
    if let Some(word) = ["@everyone", "@here"]
        .into_iter()
        .find(|w| text.starts_with(w))
    {
        return Some(word.len());
    }
    let body = ["<@!", "<@&", "<@", "<#"]
        .into_iter()
        .find_map(|prefix| text.strip_prefix(prefix))?;
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && body[digits..].starts_with('>')).then(|| text.len() - body.len() + digits + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_taken_out_of_questions() {
        for (content, expect) in [
            ("<@222> is acupuncture safe?", "is acupuncture safe?"),
            ("is it safe <@!222>", "is it safe"),
            ("<@333> hello", "hello"),
            ("<@222>", ""),
            (
                "@everyone is acupuncture painful?",
                "is acupuncture painful?",
            ),
            ("@here<@&123456789012345678>what is qi", "what is qi"),
            ("see <#444> for acupressure", "see   for acupressure"),
            // Not mentions: kept as written.
            ("email me@example.com", "email me@example.com"),
            ("a <b> c <@x> d <@12 e <@>", "a <b> c <@x> d <@12 e <@>"),
            ("@everyon", "@everyon"),
            ("ümlaut <@1>é", "ümlaut  é"),
            ("<", "<"),
            ("", ""),
        ] {
            assert_eq!(plain_question(content), expect, "{content:?}");
        }
    }
}
