//! The content model: the articles, topics, FAQ entries, synonyms and
//! the bot's own texts that moderators edit in `faq/`, and the problems found in them.
//!
//! This module owns what a valid catalog *is*. Reading the TOML files and
//! checking them lives in `load`; matching questions against a catalog lives
//! in [`crate::matcher`]. Nothing here performs I/O except [`ContentDir`]
//! (`sandbox`), which reads a content folder from disk and never outside it,
//! and the one-line [`load_dir`] wrapper over it.

mod coverage;
mod load;
mod member_examples;
mod messages;
mod red_flag_examples;
mod red_flags;
mod sandbox;
mod sentences;
mod small_talk;
pub(crate) mod toml_file;

use std::fmt;

pub use coverage::{PieceCoverage, SectionCoverage, Status, Totals};
pub use load::{load_dir, parse, parse_with_gaps, ENTRIES, FILES, SOURCES};
pub use member_examples::{MemberExamples, EXAMPLES, MAX_MESSAGE_CHARS};
pub use messages::{fill, Messages, MAX_MENU_PLACEHOLDER, MESSAGES};
pub use red_flag_examples::{Example, MAX_EXAMPLE_CHARS, RED_FLAG_EXAMPLES};
pub use red_flags::{
    Crisis, CrisisLine, FlagKind, Negation, Past, RedFlag, RedFlags, CRISIS, LINES, NUMBER, REASON,
    RED_FLAGS, YEAR,
};
pub use sandbox::{
    check_name, ContentDir, Refusal, Resolved, MAX_ARTICLE_BYTES, MAX_ENTRIES_BYTES, MAX_TOML_BYTES,
};
pub use sentences::{overlaps, split, Piece, PieceKind};
pub use small_talk::{SmallTalk, Talk, MAX_PHRASE_WORDS, SMALL_TALK};

/// The longest answer a moderator may write. Discord allows 2000 characters
/// in a message; 900 leaves room for the question, the citations and the
/// disclaimer in the same message.
pub const MAX_ANSWER_CHARS: usize = 900;

/// A complete, validated FAQ: everything the matcher and the replies need.
///
/// A `Catalog` only exists once every check in `load` has passed, so code
/// that holds one may rely on every reference in it resolving.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The articles answers are drawn from, in file order.
    pub sources: Vec<Source>,
    /// Topics for browsing, in file order.
    pub topics: Vec<Topic>,
    /// FAQ entries, in file order (this order breaks ties in matching).
    pub entries: Vec<Entry>,
    /// Groups of words the matcher treats as one.
    pub synonyms: Vec<SynonymGroup>,
    /// The texts the bot says besides answers: the disclaimer, `/help`,
    /// the "no answer" reply, notices.
    pub messages: Messages,
    /// Emergency and crisis red flags, checked before any matching.
    pub red_flags: RedFlags,
    /// The reply to a crisis message, with its crisis lines.
    pub crisis: Crisis,
    /// Greetings, thanks and questions about the bot, with their replies.
    pub small_talk: SmallTalk,
    /// Members' messages the entries answer, and ones no entry answers.
    pub examples: MemberExamples,
}

/// One source article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Stable id that entries cite.
    pub id: String,
    /// The article's title, shown in citations.
    pub title: String,
    /// The article's text file, relative to the content folder.
    pub file: String,
    /// The article's sections in order, with their text.
    pub sections: Vec<Section>,
}

/// A section of an article: a heading and the text up to the next section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading shown in citations.
    pub heading: String,
    /// Why the section is deliberately not answered from, if it is not.
    pub skip: Option<String>,
    /// The section's text with whitespace and quote marks normalised (see
    /// [`normalize_quoted`]), heading included.
    pub text: String,
    /// The section's headings and sentences, in order (see [`split`]).
    pub sentences: Vec<Piece>,
    /// Sentences left out of coverage on purpose, each with its reason.
    pub skip_sentences: Vec<SkippedSentence>,
    /// The line of `sources.toml` that lists the section.
    pub line: usize,
}

/// A sentence of a section that no entry needs to quote, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedSentence {
    /// The sentence, or part of it, normalised like quotes.
    pub text: String,
    /// Why it is left out.
    pub reason: String,
    /// The line of `sources.toml` that lists it.
    pub line: usize,
}

/// A topic that groups entries for browsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Stable id that entries name.
    pub id: String,
    /// Short display name.
    pub name: String,
    /// One-line summary.
    pub summary: String,
}

/// One FAQ entry: a question, its answer and where the answer comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable id (lowercase letters, digits and hyphens).
    pub id: String,
    /// The canonical question, shown above the answer.
    pub question: String,
    /// Other ways people ask the same thing.
    pub alternates: Vec<String>,
    /// The answer text, at most [`MAX_ANSWER_CHARS`] characters.
    pub answer: String,
    /// Ids of the topics this entry belongs to (at least one).
    pub topics: Vec<String>,
    /// Words a question must mention one of for this entry to answer it
    /// or be suggested; empty for most entries (see `must_mention` in
    /// `entries.toml`).
    pub must_mention: Vec<String>,
    /// Where the answer comes from (at least one).
    pub sources: Vec<Citation>,
    /// The line of `entries.toml` the entry starts on, for problems found
    /// after loading (such as two entries the matcher cannot tell apart).
    pub line: usize,
}

impl Entry {
    /// Its question, then its alternates: every way the FAQ words it.
    pub fn phrasings(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.question).chain(&self.alternates)
    }
}

/// A citation: an article section and a verbatim quote from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The cited [`Source`]'s id.
    pub source: String,
    /// The cited section's heading.
    pub section: String,
    /// Words copied from that section.
    pub quote: String,
}

/// Words or phrases that mean the same thing to the matcher; the first one
/// is the one the others become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    /// The group's words, canonical one first.
    pub words: Vec<String>,
}

/// Counts shown by `backpain-bot check` and `/reload`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Number of entries.
    pub entries: usize,
    /// Number of topics.
    pub topics: usize,
    /// Number of source articles.
    pub sources: usize,
    /// Number of alternate phrasings over all entries.
    pub alternates: usize,
    /// Number of red flags, crisis flags included.
    pub red_flags: usize,
    /// Number of crisis lines in the crisis reply.
    pub crisis_lines: usize,
    /// Number of kinds of small talk.
    pub small_talk: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} entries, {} topics, {} sources, {} alternate phrasings, {} red flags, {} \
             crisis lines, {} small-talk replies",
            self.entries,
            self.topics,
            self.sources,
            self.alternates,
            self.red_flags,
            self.crisis_lines,
            self.small_talk
        )
    }
}

impl Catalog {
    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The topic with this id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The entries in a topic, in catalog order.
    pub fn entries_in<'a>(&'a self, topic_id: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.topics.iter().any(|t| t == topic_id))
    }

    /// Every section of every article, in article order, with the entries
    /// that cite it and each of its sentences with the entries that quote
    /// it or the reason it is skipped.
    pub fn coverage(&self) -> Vec<SectionCoverage<'_>> {
        coverage::of(&self.sources, &self.entries)
    }

    /// Counts of what the catalog holds.
    pub fn summary(&self) -> Summary {
        Summary {
            entries: self.entries.len(),
            topics: self.topics.len(),
            sources: self.sources.len(),
            alternates: self.entries.iter().map(|e| e.alternates.len()).sum(),
            red_flags: self.red_flags.flags.len(),
            crisis_lines: self.crisis.lines.len(),
            small_talk: self.small_talk.talks.len(),
        }
    }
}

/// A problem in the content, reported to the moderator who wrote it.
///
/// Displays as `faq/entries.toml:42: entry "x" cites unknown source "y"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the moderator knows it (`faq/entries.toml`).
    pub file: String,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, as a sentence a moderator understands.
    pub message: String,
}

/// One line per problem, whatever the message quotes from the file: line
/// breaks, other control characters and direction overrides in it are
/// written as escapes (see `one_line`).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = one_line(&self.message);
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, message),
            None => write!(f, "{}: {}", self.file, message),
        }
    }
}

/// `text` with line breaks, other control characters and bidirectional
/// overrides written as escapes (`\n`, `\u{202e}`), so a message quoting a
/// file's keys or values is one line that reads as its characters are
/// stored, and cannot rewrite a terminal.
fn one_line(text: &str) -> String {
    let escaped = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Folds the differences a copy-and-paste introduces, so that a quote can be
/// compared with its article: curly quote marks become straight ones, dashes
/// and non-breaking spaces become plain, and runs of whitespace become one
/// space.
pub fn normalize_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// [`normalize_quoted`], without a copy when the text is already so (as
/// most quotes and article lines are).
pub(crate) fn normalized(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        // Only spaces matter: every character it folds is beyond ASCII.
        let bytes = text.as_bytes();
        let clean = bytes.first() != Some(&b' ')
            && bytes.last() != Some(&b' ')
            && !bytes
                .iter()
                .any(|&b| (b.is_ascii_whitespace() && b != b' ') || b == 0x0B)
            && !text.contains("  ");
        return if clean {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(normalize_quoted(text))
        };
    }
    let mut space_before = true;
    let clean = text.chars().all(|c| {
        let ok = match c {
            ' ' => !space_before,
            '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{2032}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{201F}'
            | '\u{2033}'
            | '\u{2010}'..='\u{2013}' => false,
            c => !c.is_whitespace(),
        };
        space_before = c == ' ';
        ok
    }) && !space_before;
    if clean {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(normalize_quoted(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The copy-free path gives what [`normalize_quoted`] gives.
    #[test]
    fn normalized_is_normalize_quoted() {
        for text in [
            "",
            " ",
            "plain text.",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "it’s",
            "“quoted”",
            "a–b",
            "line\nbreak",
            "\u{a0}nbsp",
            "é 背痛",
            "vt\u{b}ff\u{c}cr\r",
            "é  two",
            " é",
            "é\u{2028}",
        ] {
            let fast = normalized(text);
            assert_eq!(fast, normalize_quoted(text), "{text:?}");
            let borrowed = matches!(fast, std::borrow::Cow::Borrowed(_));
            assert_eq!(borrowed, fast == text, "{text:?}");
        }
    }

    /// A problem is one line, whatever the file made its message quote.
    #[test]
    fn problems_print_on_one_line() {
        for (message, shown) in [
            ("plain", "faq/topics.toml:3: plain"),
            (
                "unknown key `x\ny`",
                "faq/topics.toml:3: unknown key `x\\ny`",
            ),
            (
                "`a\u{1b}[2J\u{202e}b` \u{2028}",
                "faq/topics.toml:3: `a\\u{1b}[2J\\u{202e}b` \\u{2028}",
            ),
            (
                "accents stay: é, 背痛",
                "faq/topics.toml:3: accents stay: é, 背痛",
            ),
        ] {
            let problem = Problem {
                file: "faq/topics.toml".to_owned(),
                line: Some(3),
                message: message.to_owned(),
            };
            assert_eq!(problem.to_string(), shown);
        }
    }
}
