//! Turning the core's replies into Discord messages: the text, the "did you
//! mean" buttons, the topic's question menu, and allowed mentions that ping
//! nobody. Everything here is a pure function of core values, so the limits
//! Discord imposes are checked in one place and tested without a network.

use poise::serenity_prelude as serenity;

use crate::content::{Catalog, Entry, Topic, MAX_MENU_PLACEHOLDER};
use crate::matcher::{Match, Matcher, Outcome};
use crate::reply;

/// Discord's limit on a button's label, in characters.
pub const MAX_BUTTON_LABEL: usize = 80;

/// Discord's limit on the options of one select menu.
pub const MAX_SELECT_OPTIONS: usize = 25;

/// Discord's limit on a select option's label, in characters.
pub const MAX_SELECT_LABEL: usize = 100;

/// Discord's limit on a component's custom id, in characters.
pub const MAX_CUSTOM_ID: usize = 100;

/// Custom id prefix of a button or menu value that opens an entry.
pub const ENTRY_PREFIX: &str = "faq:entry:";

/// Custom id of the select menu under a topic.
pub const TOPIC_MENU_ID: &str = "faq:topic-menu";

/// A reply ready to send: its text and its components.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The message content (at most 2000 characters: the core guarantees it
    /// and `tests/content.rs` checks it for all shipped content).
    pub content: String,
    /// Buttons or a select menu, if any.
    pub components: Vec<serenity::CreateActionRow>,
}

/// Allowed mentions that allow nothing: no @everyone, @here, roles or users,
/// and no ping for the member being replied to.
pub fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
        .everyone(false)
        .all_users(false)
        .all_roles(false)
        .replied_user(false)
}

/// The reply to a matched question, with a button per suggestion.
pub fn for_match(matcher: &Matcher, m: &Match) -> Reply {
    let content = reply::render(matcher, m);
    let components = if m.outcome == Outcome::Suggest {
        let buttons = m
            .suggestions
            .iter()
            .map(|s| entry_button(matcher.entry(s.entry)))
            .collect();
        vec![serenity::CreateActionRow::Buttons(buttons)]
    } else {
        Vec::new()
    };
    Reply {
        content,
        components,
    }
}

/// One entry shown on its own.
pub fn for_entry(catalog: &Catalog, entry: &Entry) -> Reply {
    Reply {
        content: reply::render_entry(catalog, entry),
        components: Vec::new(),
    }
}

/// A topic, with a menu that opens any of its questions.
pub fn for_topic(catalog: &Catalog, topic: &Topic) -> Reply {
    let options: Vec<serenity::CreateSelectMenuOption> = catalog
        .entries_in(&topic.id)
        .take(MAX_SELECT_OPTIONS)
        .map(|e| {
            serenity::CreateSelectMenuOption::new(
                clip(&e.question, MAX_SELECT_LABEL),
                entry_custom_id(e),
            )
        })
        .collect();
    let menu = serenity::CreateSelectMenu::new(
        TOPIC_MENU_ID,
        serenity::CreateSelectMenuKind::String { options },
    )
    .placeholder(clip(&catalog.messages.topic_menu, MAX_MENU_PLACEHOLDER));
    Reply {
        content: reply::render_topic(catalog, topic),
        components: vec![serenity::CreateActionRow::SelectMenu(menu)],
    }
}

/// A plain text reply (lists, notices): the text as given, no components.
pub fn text(content: String) -> Reply {
    Reply {
        content,
        components: Vec::new(),
    }
}

/// The entry a button's custom id or a menu value names.
pub fn entry_from_custom_id<'c>(catalog: &'c Catalog, custom_id: &str) -> Option<&'c Entry> {
    custom_id
        .strip_prefix(ENTRY_PREFIX)
        .and_then(|id| catalog.entry(id))
}

/// Discord's limit on a message nonce given as a string, in characters.
pub const MAX_NONCE: usize = 25;

/// Which event of a member's message a channel message answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// The message as posted.
    Created,
    /// The message after an edit made it urgent.
    Edited,
}

/// The nonce of the reply to message `question`: the same for every
/// attempt at that reply (so Discord deduplicates a retry), different for
/// every question and for the urgent reply to an edit of a message already
/// answered. At most 21 characters (a letter and a 64-bit id).
pub fn nonce(answering: Answering, question: serenity::MessageId) -> String {
    let kind = match answering {
        Answering::Created => 'q',
        Answering::Edited => 'e',
    };
    format!("{kind}{question}")
}

/// As a channel message replying to message `to` in `channel`, with the
/// nonce that makes its retries safe.
pub fn to_message(
    reply: Reply,
    channel: serenity::ChannelId,
    to: serenity::MessageId,
    answering: Answering,
) -> serenity::CreateMessage {
    serenity::CreateMessage::new()
        .content(reply.content)
        .components(reply.components)
        .reference_message((channel, to))
        .allowed_mentions(no_pings())
        .nonce(serenity::Nonce::String(nonce(answering, to)))
        .enforce_nonce(true)
}

/// As an interaction response message.
pub fn to_interaction(reply: Reply) -> serenity::CreateInteractionResponseMessage {
    serenity::CreateInteractionResponseMessage::new()
        .content(reply.content)
        .components(reply.components)
        .allowed_mentions(no_pings())
}

/// As a follow-up to an interaction already acknowledged.
pub fn to_follow_up(reply: Reply, ephemeral: bool) -> serenity::CreateInteractionResponseFollowup {
    serenity::CreateInteractionResponseFollowup::new()
        .content(reply.content)
        .components(reply.components)
        .allowed_mentions(no_pings())
        .ephemeral(ephemeral)
}

fn entry_custom_id(entry: &Entry) -> String {
    clip(&format!("{ENTRY_PREFIX}{}", entry.id), MAX_CUSTOM_ID)
}

fn entry_button(entry: &Entry) -> serenity::CreateButton {
    serenity::CreateButton::new(entry_custom_id(entry))
        .label(clip(&entry.question, MAX_BUTTON_LABEL))
        .style(serenity::ButtonStyle::Secondary)
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_respects_the_limit() {
        for (text, max, expect) in [
            ("short", 10, "short"),
            ("exactly10!", 10, "exactly10!"),
            ("a bit too long", 10, "a bit too…"),
            ("ééééé", 3, "éé…"),
        ] {
            assert_eq!(clip(text, max), expect);
            assert!(clip(text, max).chars().count() <= max);
        }
    }

    /// Every reply the shipped content can produce stays within Discord's
    /// limits: content, buttons, menus, labels and custom ids.
    #[test]
    fn shipped_content_fits_discords_limits() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        let matcher = match crate::load(&dir, crate::matcher::Thresholds::default()) {
            Ok(matcher) => matcher,
            Err(problems) => panic!("shipped content: {problems:?}"),
        };
        let catalog = matcher.catalog();
        let check = |reply: &Reply| {
            assert!(reply.content.chars().count() <= reply::DISCORD_MESSAGE_LIMIT);
            let json = serde_json::to_value(&reply.components).unwrap_or_default();
            for row in json.as_array().into_iter().flatten() {
                let components = row["components"].as_array().cloned().unwrap_or_default();
                assert!(components.len() <= 5, "at most 5 buttons or 1 menu per row");
                for c in &components {
                    let id = c["custom_id"].as_str().unwrap_or_default();
                    assert!(id.chars().count() <= MAX_CUSTOM_ID, "{id}");
                    if let Some(label) = c["label"].as_str() {
                        assert!(label.chars().count() <= MAX_BUTTON_LABEL, "{label}");
                    }
                    let options = c["options"].as_array().cloned().unwrap_or_default();
                    assert!(options.len() <= MAX_SELECT_OPTIONS);
                    for o in &options {
                        let label = o["label"].as_str().unwrap_or_default();
                        assert!(label.chars().count() <= MAX_SELECT_LABEL, "{label}");
                        let value = o["value"].as_str().unwrap_or_default();
                        assert!(entry_from_custom_id(catalog, value).is_some(), "{value}");
                    }
                }
            }
        };
        for entry in &catalog.entries {
            check(&for_entry(catalog, entry));
        }
        for topic in &catalog.topics {
            check(&for_topic(catalog, topic));
        }
        for question in [
            "side effects",
            "session",
            "acupuncture",
            "how do I bake bread",
        ] {
            let reply = for_match(&matcher, &matcher.ask(question));
            check(&reply);
        }
    }

    #[test]
    fn nonces_fit_and_tell_replies_apart() {
        let ids = [1, 1_234_567_890_123_456_789, u64::MAX];
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            for answering in [Answering::Created, Answering::Edited] {
                let n = nonce(answering, serenity::MessageId::new(id));
                assert!(n.chars().count() <= MAX_NONCE, "{n}");
                assert_eq!(n, nonce(answering, serenity::MessageId::new(id)));
                assert!(seen.insert(n));
            }
        }
    }

    #[test]
    fn allowed_mentions_allow_nothing() {
        let json = serde_json::to_value(no_pings()).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"parse": [], "users": [], "roles": [], "replied_user": false})
        );
    }
}
