//! The safety net's examples (`red-flag-examples.toml`): sentences that
//! describe each red flag, and calm sentences that brush against the same
//! words, which the matcher compares a message with by meaning when no rule
//! of `red-flags.toml` fires. What they are, how they are read and checked.

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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalm {
    like: Vec<Spanned<String>>,
}

/// Reads and checks `red-flag-examples.toml` against the flags of
/// `red-flags.toml` (`None` when that file has problems of its own: then
/// flag ids are not checked, and no example is kept).
pub(super) fn examples(f: &mut TomlFile<'_>, flags: Option<&[RedFlag]>) -> Option<Vec<Example>> {
    let raw: RawExamples = f.table()?;
    // Where each sentence was first given, and as what: one sentence cannot
    // be an example of two things.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut out = Vec::new();
    let mut add = |f: &mut TomlFile<'_>, flag: Option<usize>, what: &str, like: Spanned<String>| {
        let text = trimmed(like.get_ref().clone());
        let chars = text.chars().count();
        if text.is_empty() {
            f.problem_at(&like, format!("an example of {what} is empty"));
            return;
        }
        if chars > MAX_EXAMPLE_CHARS {
            f.problem_at(
                &like,
                format!(
                    "an example of {what} is {chars} characters, more than \
                     {MAX_EXAMPLE_CHARS}: an example is one sentence, so split it or shorten it"
                ),
            );
        }
        let key = text.to_lowercase();
        let line = f.line_of(like.span().start);
        if let Some((first, as_what)) = seen.get(&key) {
            let again = if as_what == what { "again" } else { "also" };
            f.problem_at(
                &like,
                format!(
                    "the example \"{text}\" is given {again} as {what}, but line {first} has it \
                     as {as_what}: keep it once"
                ),
            );
            return;
        }
        seen.insert(key, (line, what.to_owned()));
        out.push(Example { flag, text });
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
            add(f, index, &what, like);
        }
    }
    for like in raw.calm.map(|c| c.like).unwrap_or_default() {
        add(f, None, "a calm message", like);
    }
    // Without valid flags the examples could not be tied to them.
    flags.map(|_| out)
}
