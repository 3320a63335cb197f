//! The small-talk content (`smalltalk.toml`): greetings, thanks and
//! questions about the bot itself, the phrases members say them with, and
//! the short reply each gets; what they are, how they are read and checked.

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use toml::Spanned;

use super::load::{fold_phrase, nonempty, trimmed, Ids};
use super::toml_file::TomlFile;
use super::Messages;
use crate::reply::DISCORD_MESSAGE_LIMIT;

/// The file of small talk.
pub const SMALL_TALK: &str = "smalltalk.toml";

/// The most words a small-talk phrase may have. Members greet and thank in
/// a few words ("thank you so much"); a longer phrase is a question, which
/// belongs in entries.toml. The bound also keeps matching a message linear:
/// each word is compared with phrases of at most this many words.
pub const MAX_PHRASE_WORDS: usize = 6;

/// Small talk: what counts as it, and what the bot says back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmallTalk {
    /// The kinds of small talk, in file order (this order breaks ties).
    pub talks: Vec<Talk>,
    /// Words that may go with small talk without changing it ("there",
    /// "guys", "so much"), beside the matcher's own stop words.
    pub filler: Vec<String>,
}

/// One kind of small talk ("thanks") and its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talk {
    /// Stable id.
    pub id: String,
    /// How members say it ("thanks", "thank you", "ty").
    pub phrases: Vec<String>,
    /// The reply, without the disclaimer.
    pub reply: String,
    /// The line of `smalltalk.toml` the talk starts on.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmallTalk {
    #[serde(default)]
    filler: Vec<Spanned<String>>,
    #[serde(default, rename = "talk")]
    talks: Vec<RawTalk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTalk {
    id: Spanned<String>,
    phrases: Spanned<Vec<Spanned<String>>>,
    reply: Spanned<String>,
}

/// Reads and checks `smalltalk.toml`. With the disclaimer known, every reply
/// is checked to fit one Discord message.
pub(super) fn small_talk(f: &mut TomlFile<'_>, messages: Option<&Messages>) -> Option<SmallTalk> {
    let raw: RawSmallTalk = f.table()?;
    let mut seen = Ids::default();
    // Every phrase, folded, and the talk that owns it: the same words must
    // not lead to two different replies.
    let mut owner: HashMap<String, String> = HashMap::default();
    let mut talks = Vec::new();
    for talk in raw.talks {
        let line = f.line_of(talk.id.span().start);
        seen.check(f, "talk", &talk.id);
        let id = talk.id.get_ref().clone();
        if talk.phrases.get_ref().is_empty() {
            f.problem_at(
                &talk.phrases,
                format!("talk \"{id}\" has no phrases: list how members say it"),
            );
        }
        for phrase in talk.phrases.get_ref() {
            let folded = fold_phrase(phrase.get_ref());
            if folded.is_empty() {
                f.problem_at(
                    phrase,
                    format!("talk \"{id}\": a phrase must contain a letter or digit"),
                );
                continue;
            }
            let words = folded.split(' ').count();
            if words > MAX_PHRASE_WORDS {
                f.problem_at(
                    phrase,
                    format!(
                        "talk \"{id}\": the phrase \"{}\" has {words} words; small talk is at \
                         most {MAX_PHRASE_WORDS} (a longer one is a question for entries.toml)",
                        phrase.get_ref()
                    ),
                );
            }
            if let Some(first) = owner.insert(folded, id.clone()) {
                let whose = if first == id {
                    "this talk".to_owned()
                } else {
                    format!("talk \"{first}\"")
                };
                f.problem_at(
                    phrase,
                    format!(
                        "talk \"{id}\": the phrase \"{}\" is already used by {whose} \
                         (case and punctuation do not count)",
                        phrase.get_ref()
                    ),
                );
            }
        }
        nonempty(f, "reply", &talk.reply);
        let reply = trimmed(talk.reply.get_ref().clone());
        if let Some(messages) = messages {
            let chars = messages.wrap(reply.clone()).chars().count();
            if chars > DISCORD_MESSAGE_LIMIT {
                f.problem_at(
                    &talk.reply,
                    format!(
                        "the reply to talk \"{id}\" would be {chars} characters with the \
                         disclaimer, more than the {DISCORD_MESSAGE_LIMIT} a Discord message \
                         holds: shorten it"
                    ),
                );
            }
        }
        talks.push(Talk {
            id,
            phrases: talk
                .phrases
                .into_inner()
                .into_iter()
                .map(|p| trimmed(p.into_inner()))
                .collect(),
            reply,
            line,
        });
    }
    if talks.is_empty() && f.problems.is_empty() {
        f.problem(
            None,
            "there are no [[talk]] sections: greetings and thanks would get \"I don't have an \
             answer for that\"",
        );
    }
    let mut filler = Vec::new();
    for word in raw.filler {
        if fold_phrase(word.get_ref()).is_empty() {
            f.problem_at(&word, "a filler word must contain a letter or digit");
            continue;
        }
        filler.push(trimmed(word.into_inner()));
    }
    Some(SmallTalk { talks, filler })
}
