//! The triage content: red flags and their negation and time rules
//! (`red-flags.toml`), and the crisis reply with its crisis lines
//! (`crisis.toml`): what they are, how they are read and checked, and the
//! urgent texts they make.

use serde::Deserialize;
use toml::Spanned;

use super::load::{nonempty, trimmed, Ids};
use super::red_flag_examples::Example;
use super::toml_file::TomlFile;
use super::Messages;
use crate::reply::DISCORD_MESSAGE_LIMIT;

/// The file of red flags, with the emergency reply and the negation and
/// time rules.
pub const RED_FLAGS: &str = "red-flags.toml";
/// The file of the crisis reply and the crisis lines.
pub const CRISIS: &str = "crisis.toml";

/// Stands for the flag's name in the emergency reply.
pub const REASON: &str = "{reason}";
/// Stands for the list of crisis lines in the crisis reply.
pub const LINES: &str = "{lines}";
/// Stands for a year (1900 to 2099) in a phrase: "back in {year}".
pub const YEAR: &str = "{year}";
/// Stands for a number written in digits in a phrase: "when I was {number}".
pub const NUMBER: &str = "{number}";

/// The most words a negation may govern. Negated red-flag words sit within
/// a few words of the negation ("I haven't had any fever"); past a dozen the
/// words belong to another thought, and a long reach could hide an
/// emergency.
const MAX_REACH: usize = 12;

/// The red-flag rules, with the emergency reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedFlags {
    /// The emergency reply; `{reason}` stands for the flag's name.
    pub message: String,
    /// The flags; crisis flags are checked before the others, then each
    /// kind in file order.
    pub flags: Vec<RedFlag>,
    /// Words that make the red-flag words after them not count.
    pub negation: Negation,
    /// Phrases that place a red flag in the distant past.
    pub past: Past,
    /// Words of their own that are never read as a typo of a rule's word
    /// ("chilli" is not "chills").
    pub not_typos: Vec<String>,
    /// Sentences like each flag, and calm ones, for the safety net that
    /// reads a message by meaning when no rule fires
    /// (`red-flag-examples.toml`).
    pub examples: Vec<Example>,
    /// Whole members' messages of each flag, and calm ones, for the safety
    /// net's classifier (`messages` in `red-flag-examples.toml`).
    pub messages: Vec<Example>,
}

/// What a flag's reply is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FlagKind {
    /// A medical emergency: the emergency reply, naming the flag.
    #[default]
    Emergency,
    /// Suicidal thoughts or self-harm: the crisis reply with crisis lines.
    Crisis,
}

/// One red flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedFlag {
    /// Stable id.
    pub id: String,
    /// What was noticed, as shown in the emergency reply ("loss of bladder
    /// control").
    pub name: String,
    /// Which reply it gets.
    pub kind: FlagKind,
    /// Rules: each a list of slots, each slot a list of alternative phrases.
    pub rules: Vec<Vec<Vec<String>>>,
    /// Phrases whose words never count for this flag ("fell asleep").
    pub unless: Vec<String>,
    /// Whether the flag counts even in the distant past (a history of
    /// cancer is a red flag however long ago).
    pub past_counts: bool,
}

/// How negation is recognised ("no fever", "I don't have numbness").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negation {
    /// Words and phrases that negate what follows ("no", "not", "without").
    pub words: Vec<String>,
    /// A negation right after one of these is not one: "can't control" is
    /// the symptom itself.
    pub not_after: Vec<String>,
    /// A negation right before one of these is not one: "no longer",
    /// "not sure".
    pub not_before: Vec<String>,
    /// How many words after it a negation governs.
    pub reach: usize,
    /// Words that end a negation's reach early ("but", "and", "my").
    pub ends: Vec<String>,
    /// An ending word right after one of these does not end it ("of my
    /// bladder", "think I").
    pub ties: Vec<String>,
    /// Words that join a list, across whose commas a negation reaches ("no
    /// fever, chills or numbness").
    pub lists: Vec<String>,
    /// Phrases that deny what came before them in their sentence ("saddle
    /// numbness or bladder trouble, I have none of that"), or the question
    /// they answer.
    pub after: Vec<String>,
    /// Words that deny a question when they answer it: opening the sentence
    /// right after a `?` ("numbness down there? nope"), or after a sentence
    /// that reports a question (`asks`).
    pub answers: Vec<String>,
    /// Phrases that report a question about a symptom ("the GP asked about
    /// numbness"): what follows them is not the member's own until an
    /// answer says so.
    pub asks: Vec<String>,
}

/// How the distant past is recognised ("ten years ago", "back in 2015").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Past {
    /// Phrases that place their clause in the distant past.
    pub phrases: Vec<String>,
    /// Phrases that bring a clause back to the present ("yesterday").
    pub recent: Vec<String>,
    /// Words that end a clause, as punctuation does ("but", "now").
    pub ends: Vec<String>,
}

/// The crisis reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crisis {
    /// The reply; `{lines}` stands for the crisis lines.
    pub message: String,
    /// The crisis lines, in file order.
    pub lines: Vec<CrisisLine>,
}

/// One crisis line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrisisLine {
    /// Where it serves ("United States").
    pub region: String,
    /// How to reach it ("call or text 988").
    pub contact: String,
}

impl RedFlags {
    /// The emergency reply naming `reason` (a flag's name), without the
    /// disclaimer.
    pub fn emergency_text(&self, reason: &str) -> String {
        emergency_text(&self.message, reason)
    }
}

/// The emergency reply `message` naming `reason`: what the bot sends, and
/// what the load checks measure.
fn emergency_text(message: &str, reason: &str) -> String {
    message.replace(REASON, reason)
}

impl Crisis {
    /// The crisis reply, without the disclaimer.
    pub fn text(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("• **{}**: {}", l.region, l.contact))
            .collect();
        self.message.replace(LINES, &lines.join("\n"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedFlags {
    message: Spanned<String>,
    #[serde(default)]
    negation: Option<RawNegation>,
    #[serde(default)]
    past: Option<RawPast>,
    #[serde(default, rename = "flag")]
    flags: Vec<RawRedFlag>,
    #[serde(default)]
    not_typos: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedFlag {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    when: Spanned<Vec<Vec<String>>>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    past_counts: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNegation {
    words: Vec<String>,
    #[serde(default)]
    not_after: Vec<String>,
    #[serde(default)]
    not_before: Vec<String>,
    reach: Spanned<i64>,
    #[serde(default)]
    ends: Vec<String>,
    #[serde(default)]
    ties: Vec<String>,
    #[serde(default)]
    lists: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    #[serde(default)]
    answers: Vec<String>,
    #[serde(default)]
    asks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPast {
    phrases: Vec<String>,
    #[serde(default)]
    recent: Vec<String>,
    #[serde(default)]
    ends: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrisis {
    message: Spanned<String>,
    #[serde(default, rename = "line")]
    lines: Vec<RawCrisisLine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrisisLine {
    region: Spanned<String>,
    contact: Spanned<String>,
}

/// Reads and checks `red-flags.toml`. With the disclaimer known, every
/// emergency reply is checked to fit one Discord message.
pub(super) fn red_flags(f: &mut TomlFile<'_>, messages: Option<&Messages>) -> Option<RedFlags> {
    let raw: RawRedFlags = f.table()?;
    nonempty(f, "message", &raw.message);
    let message = trimmed(raw.message.get_ref().clone());
    let mut seen = Ids::default();
    let mut flags = Vec::new();
    for flag in raw.flags {
        seen.check(f, "red flag", &flag.id);
        nonempty(f, "name", &flag.name);
        let kind = match flag.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None | Some("emergency") => FlagKind::Emergency,
            Some("crisis") => FlagKind::Crisis,
            Some(other) => {
                if let Some(at) = &flag.kind {
                    f.problem_at(
                        at,
                        format!(
                            "red flag \"{}\": kind \"{other}\" is not known (use \"emergency\" \
                             or \"crisis\")",
                            flag.id.get_ref()
                        ),
                    );
                }
                FlagKind::Emergency
            }
        };
        let rules = split_rules(flag.when.get_ref());
        let empty_slot = rules
            .iter()
            .any(|rule| rule.is_empty() || rule.iter().any(Vec::is_empty));
        if rules.is_empty() || empty_slot {
            f.problem_at(
                &flag.when,
                format!(
                    "red flag \"{}\": every rule needs at least one slot, and every slot at \
                     least one word",
                    flag.id.get_ref()
                ),
            );
        }
        let name = trimmed(flag.name.get_ref().clone());
        if let (FlagKind::Emergency, Some(messages)) = (kind, messages) {
            let text = messages.wrap(emergency_text(&message, &name));
            too_long(
                f,
                &flag.name,
                &format!("the reply to red flag \"{}\"", flag.id.get_ref()),
                &text,
            );
        }
        flags.push(RedFlag {
            id: flag.id.into_inner(),
            name,
            kind,
            rules,
            unless: phrases(flag.unless),
            past_counts: flag.past_counts,
        });
    }
    if !flags.iter().any(|f| f.kind == FlagKind::Crisis) {
        f.problem(
            None,
            "no [[flag]] has kind = \"crisis\": messages about suicide or self-harm would get no \
             crisis reply",
        );
    }
    let negation = raw.negation.map(|n| negation(f, n)).unwrap_or_default();
    let past = raw
        .past
        .map(|p| Past {
            phrases: phrases(p.phrases),
            recent: phrases(p.recent),
            ends: phrases(p.ends),
        })
        .unwrap_or_default();
    Some(RedFlags {
        message,
        flags,
        negation,
        past,
        not_typos: phrases(raw.not_typos),
        examples: Vec::new(),
        messages: Vec::new(),
    })
}

fn negation(f: &mut TomlFile<'_>, raw: RawNegation) -> Negation {
    let reach = *raw.reach.get_ref();
    if !(1..=MAX_REACH as i64).contains(&reach) {
        f.problem_at(
            &raw.reach,
            format!("`reach` must be a whole number from 1 to {MAX_REACH} (words)"),
        );
    }
    Negation {
        words: phrases(raw.words),
        not_after: phrases(raw.not_after),
        not_before: phrases(raw.not_before),
        reach: reach.clamp(1, MAX_REACH as i64) as usize,
        ends: phrases(raw.ends),
        ties: phrases(raw.ties),
        lists: phrases(raw.lists),
        after: phrases(raw.after),
        answers: phrases(raw.answers),
        asks: phrases(raw.asks),
    }
}

/// Reads and checks `crisis.toml`: the reply must name where the lines go,
/// there must be lines, and the whole reply must fit one Discord message.
pub(super) fn crisis(f: &mut TomlFile<'_>, messages: Option<&Messages>) -> Option<Crisis> {
    let raw: RawCrisis = f.table()?;
    nonempty(f, "message", &raw.message);
    if !raw.message.get_ref().contains(LINES) {
        f.problem_at(
            &raw.message,
            format!("`message` must contain {LINES}, where the crisis lines are listed"),
        );
    }
    if raw.lines.is_empty() {
        f.problem(
            None,
            "there are no [[line]] sections: the crisis reply needs at least one crisis line \
             (for example your country's suicide and crisis line)",
        );
    }
    let mut lines = Vec::new();
    for line in raw.lines {
        nonempty(f, "region", &line.region);
        nonempty(f, "contact", &line.contact);
        lines.push(CrisisLine {
            region: trimmed(line.region.into_inner()),
            contact: trimmed(line.contact.into_inner()),
        });
    }
    let crisis = Crisis {
        message: trimmed(raw.message.get_ref().clone()),
        lines,
    };
    if let Some(messages) = messages {
        too_long(
            f,
            &raw.message,
            "the crisis reply",
            &messages.wrap(crisis.text()),
        );
    }
    Some(crisis)
}

/// Records a problem at `at` when `text`, a whole reply, would not fit one
/// Discord message: an urgent reply must never be cut.
fn too_long<T>(f: &mut TomlFile<'_>, at: &Spanned<T>, what: &str, text: &str) {
    let chars = text.chars().count();
    if chars > DISCORD_MESSAGE_LIMIT {
        f.problem_at(
            at,
            format!(
                "{what} would be {chars} characters with the disclaimer, more than the \
                 {DISCORD_MESSAGE_LIMIT} a Discord message holds: shorten it"
            ),
        );
    }
}

/// A rule's slots split into their "|" alternatives.
fn split_rules(when: &[Vec<String>]) -> Vec<Vec<Vec<String>>> {
    when.iter()
        .map(|rule| rule.iter().map(|slot| phrases(slot.split('|'))).collect())
        .collect()
}

/// Phrases trimmed, empty ones left out.
fn phrases<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items
        .into_iter()
        .map(|p| p.as_ref().trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}
