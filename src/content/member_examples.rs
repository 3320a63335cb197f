//! Members' messages as examples for the FAQ (`examples.toml`): messages
//! as members type them that an entry answers, and on-topic messages no
//! entry answers. The matcher learns from them which words point to which
//! entry (see `matcher::classifier`). What they are, how they are read and
//! checked.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::load::trimmed;
use super::toml_file::TomlFile;
use super::Entry;

/// The file of members' messages.
pub const EXAMPLES: &str = "examples.toml";

/// The longest example message, in characters: what a member types in one
/// go, not a paragraph (the matcher reads the first 500 characters of a
/// question, and a long example teaches its chatter as much as its
/// question).
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Members' messages the FAQ does or does not answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberExamples {
    /// (entry index, message): messages that entry's answer answers.
    pub answered: Vec<(usize, String)>,
    /// On-topic messages no entry answers: what the bot must not answer
    /// with the nearest entry.
    pub uncovered: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    #[serde(default, rename = "entry")]
    entries: Vec<RawEntryExamples>,
    #[serde(default)]
    uncovered: Option<RawUncovered>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntryExamples {
    id: Spanned<String>,
    messages: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUncovered {
    messages: Vec<Spanned<String>>,
}

/// Reads and checks `examples.toml` against the entries (`None` when
/// entries.toml has problems of its own: then ids are not checked, and no
/// example is kept).
pub(super) fn examples(f: &mut TomlFile<'_>, entries: Option<&[Entry]>) -> Option<MemberExamples> {
    let raw: RawExamples = f.table()?;
    // Where each message was first given, and as what: one message cannot
    // be answered by two entries, or be both answered and not.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut out = MemberExamples::default();
    let mut check =
        |f: &mut TomlFile<'_>, what: &str, message: &Spanned<String>| -> Option<String> {
            let text = trimmed(message.get_ref().clone());
            if !text.chars().any(char::is_alphanumeric) {
                f.problem_at(message, format!("a message of {what} has no words"));
                return None;
            }
            let chars = text.chars().count();
            if chars > MAX_MESSAGE_CHARS {
                f.problem_at(
                    message,
                    format!(
                    "a message of {what} is {chars} characters, more than {MAX_MESSAGE_CHARS}: \
                     keep the part that asks"
                ),
                );
                return None;
            }
            let key = text.to_lowercase();
            let line = f.line_of(message.span().start);
            if let Some((first, as_what)) = seen.get(&key) {
                let again = if as_what == what { "again" } else { "also" };
                f.problem_at(
                    message,
                    format!(
                    "the message \"{text}\" is given {again} for {what}, but line {first} has it \
                     for {as_what}: keep it once"
                ),
                );
                return None;
            }
            seen.insert(key, (line, what.to_owned()));
            Some(text)
        };
    for group in raw.entries {
        let id = group.id.get_ref();
        let Ok(index) = f.position_of(
            entries,
            &group.id,
            |e, id| e.id == id,
            |id| {
                format!(
                    "entry \"{id}\" is not in entries.toml: use the id of one of its [[entry]] \
                     sections"
                )
            },
        ) else {
            continue;
        };
        if group.messages.is_empty() {
            f.problem_at(
                &group.id,
                format!("entry \"{id}\" has no messages: add some, or remove the section"),
            );
        }
        let what = format!("entry \"{id}\"");
        for message in &group.messages {
            if let (Some(text), Some(i)) = (check(f, &what, message), index) {
                out.answered.push((i, text));
            }
        }
    }
    for message in raw.uncovered.map(|u| u.messages).unwrap_or_default() {
        if let Some(text) = check(f, "[uncovered]", &message) {
            out.uncovered.push(text);
        }
    }
    entries.map(|_| out)
}
