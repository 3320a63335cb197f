//! The safety net's examples (`red-flag-examples.toml`): sentences that
//! describe each red flag, and calm sentences that brush against the same
//! words, which the matcher compares a message with by meaning when no rule
//! of `red-flags.toml` fires; and whole members' messages of each kind, which
//! its classifier learns from. What they are, how they are read and checked.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::load::trimmed;
use super::red_flags::RedFlag;
use super::toml_file::TomlFile;

/// The file of examples.
pub const RED_FLAG_EXAMPLES: &str = "red-flag-examples.toml";

/// The longest example, in characters. An example is one sentence of a
/// member's message ("my legs keep giving way on the stairs"); the matcher
/// compares sentences, and a paragraph would be near everything and
/// nothing.
pub const MAX_EXAMPLE_CHARS: usize = 300;

/// The longest example message, in characters: as long as the longest
/// message of the vignettes it was written from (515), with room to spare,
/// and far under what triage reads of a message.
pub const MAX_EXAMPLE_MESSAGE_CHARS: usize = 800;

/// A flag's or the calm examples, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Examples {
    /// Sentences (`like`).
    pub sentences: Vec<Example>,
    /// Whole messages (`messages`).
    pub messages: Vec<Example>,
}

/// One example sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The red flag it describes (an index into the content's flags), or
    /// `None` for a calm example.
    pub flag: Option<usize>,
    /// The sentence.
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    #[serde(default, rename = "flag")]
    flags: Vec<RawFlagExamples>,
    #[serde(default)]
    calm: Option<RawCalm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlagExamples {
    id: Spanned<String>,
    like: Vec<Spanned<String>>,
    #[serde(default)]
    messages: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalm {
    #[serde(default)]
    like: Vec<Spanned<String>>,
    #[serde(default)]
    messages: Vec<Spanned<String>>,
}

/// Sentences or messages: how long one may be, and what a problem calls it.
#[derive(Clone, Copy)]
enum Unit {
    Sentence,
    Message,
}

impl Unit {
    fn max_chars(self) -> usize {
        match self {
            Unit::Sentence => MAX_EXAMPLE_CHARS,
            Unit::Message => MAX_EXAMPLE_MESSAGE_CHARS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Sentence => "an example",
            Unit::Message => "an example message",
        }
    }

    fn too_long(self) -> &'static str {
        match self {
            Unit::Sentence => "an example is one sentence, so split it or shorten it",
            Unit::Message => "shorten it to the part that says what matters",
        }
    }
}

/// Reads and checks `red-flag-examples.toml` against the flags of
/// `red-flags.toml` (`None` when that file has problems of its own: then
/// flag ids are not checked, and no example is kept).
pub(super) fn examples(f: &mut TomlFile<'_>, flags: Option<&[RedFlag]>) -> Option<Examples> {
    let raw: RawExamples = f.table()?;
    // Where each sentence (and each message) was first given, and as
    // what: one text cannot be an example of two things.
    let mut seen: [HashMap<String, (usize, String)>; 2] = Default::default();
    let mut out = Examples::default();
    let mut add = |f: &mut TomlFile<'_>,
                   unit: Unit,
                   flag: Option<usize>,
                   what: &str,
                   like: Spanned<String>| {
        let text = trimmed(like.get_ref().clone());
        let chars = text.chars().count();
        let (name, max) = (unit.name(), unit.max_chars());
        if text.is_empty() {
            f.problem_at(&like, format!("{name} of {what} is empty"));
            return;
        }
        if chars > max {
            f.problem_at(
                &like,
                format!(
                    "{name} of {what} is {chars} characters, more than {max}: {}",
                    unit.too_long()
                ),
            );
        }
        let key = text.to_lowercase();
        let line = f.line_of(like.span().start);
        let (seen, list) = match unit {
            Unit::Sentence => (&mut seen[0], &mut out.sentences),
            Unit::Message => (&mut seen[1], &mut out.messages),
        };
        if let Some((first, as_what)) = seen.get(&key) {
            let again = if as_what == what { "again" } else { "also" };
            let kind = match unit {
                Unit::Sentence => "example",
                Unit::Message => "example message",
            };
            f.problem_at(
                &like,
                format!(
                    "the {kind} \"{text}\" is given {again} as {what}, but line {first} has it \
                     as {as_what}: keep it once"
                ),
            );
            return;
        }
        seen.insert(key, (line, what.to_owned()));
        list.push(Example { flag, text });
    };
    for group in raw.flags {
        let id = group.id.get_ref();
        let Ok(index) = f.position_of(
            flags,
            &group.id,
            |fl, id| fl.id == id,
            |id| {
                format!(
                    "red flag \"{id}\" is not in red-flags.toml: use the id of one of its \
                     [[flag]] sections"
                )
            },
        ) else {
            continue;
        };
        if group.like.is_empty() {
            f.problem_at(
                &group.id,
                format!("red flag \"{id}\" has no examples: add sentences to `like`, or remove the section"),
            );
        }
        let what = format!("red flag \"{id}\"");
        for like in group.like {
            add(f, Unit::Sentence, index, &what, like);
        }
        for message in group.messages {
            add(f, Unit::Message, index, &what, message);
        }
    }
    let calm = raw.calm.unwrap_or(RawCalm {
        like: Vec::new(),
        messages: Vec::new(),
    });
    for like in calm.like {
        add(f, Unit::Sentence, None, "a calm message", like);
    }
    for message in calm.messages {
        add(f, Unit::Message, None, "the calm messages", message);
    }
    // Without valid flags the examples could not be tied to them.
    flags.map(|_| out)
}
