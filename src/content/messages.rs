//! The texts the bot says that are not answers (`messages.toml`): the
//! disclaimer, the "no answer" and "did you mean" replies, `/help`, the
//! browsing views' labels, the cooldown notice and the replies to
//! moderators; the placeholders each may and must hold, how they are read
//! and checked, and [`fill`], which puts the values in.
//!
//! Every text is a named key, declared once in the table below: the key,
//! where the text shows, and its placeholders. The table makes the file's
//! typed form (unknown keys are refused), the [`Messages`] the replies read,
//! and the checks.

use serde::Deserialize;
use toml::Spanned;

use super::load::trimmed;
use super::toml_file::TomlFile;
use super::{Catalog, Problem};
use crate::reply::{self, DISCORD_MESSAGE_LIMIT};

/// The file of the bot's own texts.
pub const MESSAGES: &str = "messages.toml";

/// Discord's limit on a select menu's placeholder, in characters.
pub const MAX_MENU_PLACEHOLDER: usize = 150;

/// What one text is: its key, where it shows, and its placeholders.
#[derive(Debug)]
struct Spec {
    /// The key in `messages.toml`.
    key: &'static str,
    /// Where the text shows, as a problem names it.
    shows: &'static str,
    /// The placeholders it may use, without braces.
    may: &'static [&'static str],
    /// The placeholders it must use, each with what goes there: the text
    /// would make no sense without them.
    must: &'static [(&'static str, &'static str)],
}

impl Spec {
    /// Every placeholder the text may use, required ones included.
    fn allowed(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.must
            .iter()
            .map(|(p, _)| *p)
            .chain(self.may.iter().copied())
    }
}

/// Declares the texts: the raw form serde reads (unknown keys refused), the
/// checked [`Messages`], and the [`SPECS`] the checks read, from one list.
macro_rules! texts {
    ($(
        $(#[doc = $doc:literal])*
        $key:ident: $shows:literal,
            may [$($may:literal),*],
            must [$($must:literal => $why:literal),*];
    )*) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawMessages {
            $(
                #[serde(default)]
                $key: Option<Spanned<String>>,
            )*
        }

        impl RawMessages {
            /// The values in [`SPECS`] order.
            fn into_values(self) -> Vec<Option<Spanned<String>>> {
                vec![$(self.$key),*]
            }
        }

        /// The texts the bot says besides answers, from `messages.toml`,
        /// each checked for its placeholders. Fill them with [`fill`].
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Messages {
            $(
                $(#[doc = $doc])*
                pub $key: String,
            )*
            /// The line of `messages.toml` each text starts on, in
            /// [`SPECS`] order, for problems found once all the content is
            /// read.
            lines: Vec<usize>,
        }

        impl Messages {
            /// The texts in [`SPECS`] order, with their lines.
            fn from_values(values: Vec<String>, lines: Vec<usize>) -> Messages {
                let mut values = values.into_iter();
                Messages {
                    $($key: values.next().unwrap_or_default(),)*
                    lines,
                }
            }

            /// The texts in [`SPECS`] order.
            fn values(&self) -> Vec<&str> {
                vec![$(self.$key.as_str()),*]
            }
        }

        /// Every text, in file order.
        const SPECS: &[Spec] = &[$(
            Spec {
                key: stringify!($key),
                shows: $shows,
                may: &[$($may),*],
                must: &[$(($must, $why)),*],
            },
        )*];
    };
}

texts! {
    /// Appended to every reply.
    disclaimer: "the disclaimer under every reply", may [], must [];
    /// The reply to a question the articles do not cover.
    no_answer: "the reply to a question the articles don't cover",
        may ["topics", "articles", "article_count"], must [];
    /// The "did you mean" reply.
    suggest: "the \"did you mean\" reply",
        may [], must ["questions" => "where the questions it might be are listed"];
    /// Under an answer with one source.
    answer_source: "the source line under an answer",
        may [], must ["source" => "where the citation goes"];
    /// Under an answer with several sources.
    answer_sources: "the sources under an answer with several",
        may [], must ["sources" => "where the citations are listed"];
    /// How an answer cites an article's section.
    citation: "how an answer cites a section",
        may [], must [
            "title" => "where the article's title goes",
            "section" => "where the section's heading goes"
        ];
    /// The `/topics` list.
    topics: "the /topics list",
        may [], must ["topics" => "where the topics are listed"];
    /// One topic in the `/topics` list.
    topics_item: "one topic in the /topics list",
        may ["id", "count", "summary"], must ["name" => "where the topic's name goes"];
    /// The `/sources` list.
    sources: "the /sources list",
        may [], must ["sources" => "where the articles are listed"];
    /// One article in the `/sources` list.
    sources_item: "one article in the /sources list",
        may ["sections"], must ["title" => "where the article's title goes"];
    /// The placeholder of the menu under a topic.
    topic_menu: "the menu under a topic", may [], must [];
    /// `/topic` with a name that is no topic.
    no_topic: "the reply to /topic with an unknown name", may [], must [];
    /// A button or menu whose question a reload removed.
    entry_gone: "the reply to a button whose question was removed", may [], must [];
    /// The text of `/help`.
    help: "the text of /help",
        may ["articles", "article_count"],
        must ["flags" => "where the red flags that need medical care now are listed"];
    /// Fills `{reason}` in the emergency reply should a red flag have no
    /// name (a safety net).
    unnamed_reason: "the emergency reply's {reason} when a red flag has no name",
        may [], must [];
    /// The cooldown notice, for a wait of two seconds or more.
    cooldown: "the cooldown notice",
        may [], must ["seconds" => "where the number of seconds to wait goes"];
    /// The cooldown notice for a wait of one second.
    cooldown_one_second: "the cooldown notice for a wait of 1 second",
        may ["seconds"], must [];
    /// The cooldown notice when the wait is not known.
    cooldown_unknown: "the cooldown notice when the wait is not known", may [], must [];
    /// `/reload` by a member who may not reload.
    reload_not_moderator: "the reply to /reload from a member who is not a moderator",
        may [], must [];
    /// `/reload` cut short by the bot shutting down.
    reload_interrupted: "the reply to /reload when the bot shuts down during it",
        may [], must [];
    /// `/reload` that failed for a reason other than the content.
    reload_failed: "the reply to /reload when it fails", may [], must [];
    /// `/reload` refused for problems in the content.
    reload_refused: "the reply to /reload when the content has problems",
        may ["count"], must ["problems" => "where the problems are listed"];
    /// The same, for one problem.
    reload_refused_one: "the reply to /reload when the content has 1 problem",
        may ["count"], must ["problems" => "where the problem is shown"];
    /// `/reload` that worked.
    reload_done: "the reply to a /reload that worked",
        may [
            "entries", "topics", "sources", "alternates", "red_flags", "crisis_lines",
            "small_talk", "added", "removed", "changed"
        ],
        must [];
    /// An empty list in `reload_done`.
    reload_none: "an empty list in the reply to /reload", may [], must [];
    /// The end of a list cut short to fit one Discord message.
    list_more: "the end of a list cut short",
        may [], must ["count" => "where the number of items left out goes"];
    /// The word between the last two titles of `{articles}`.
    and: "the word between the last two titles of {articles}", may [], must [];
}

impl Messages {
    /// A reply's body with the disclaimer under it: how every reply ends.
    pub fn wrap(&self, body: String) -> String {
        let mut text = body;
        text.push_str("\n\n");
        text.push_str(&self.disclaimer);
        text
    }

    /// The line `key`'s text starts on in `messages.toml`.
    fn line(&self, key: &str) -> Option<usize> {
        let at = SPECS.iter().position(|s| s.key == key)?;
        self.lines.get(at).copied()
    }
}

/// `template` with each placeholder `{name}` that `values` names replaced by
/// its value, in one pass: a value is never read for placeholders, and braces
/// that name no value stay as written. The one way texts are filled in.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, name, after)) = next_placeholder(rest) {
        out.push_str(before);
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The first placeholder in `text`: the text before it, its name, and the
/// text after it. A placeholder is a name of ASCII letters, digits and
/// underscores in braces; other braces are text.
fn next_placeholder(text: &str) -> Option<(&str, &str, &str)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        let after_open = &text[open + 1..];
        let len = after_open
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if len > 0 && after_open[len..].starts_with('}') {
            return Some((&text[..open], &after_open[..len], &after_open[len + 1..]));
        }
        from = open + 1;
    }
    None
}

/// The placeholders in `text`, in order.
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((_, name, after)) = next_placeholder(rest) {
        out.push(name);
        rest = after;
    }
    out
}

/// `{a}, {b}` for the problems' lists of placeholders.
fn braced(names: impl Iterator<Item = &'static str>) -> String {
    names
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads and checks `messages.toml`: every key present and not empty, its
/// placeholders the ones it may use and the ones it must, and each text short
/// enough to share a Discord message with the disclaimer.
pub(super) fn messages(f: &mut TomlFile<'_>) -> Option<Messages> {
    let Some(raw) = f.table::<RawMessages>() else {
        for problem in &mut f.problems {
            if let Some(message) = unknown_key(&problem.message) {
                problem.message = message;
            }
        }
        return None;
    };
    let mut values = Vec::with_capacity(SPECS.len());
    let mut lines = Vec::with_capacity(SPECS.len());
    for (spec, value) in SPECS.iter().zip(raw.into_values()) {
        let Some(value) = value else {
            f.problem(
                None,
                format!("missing key `{}` ({}): add it", spec.key, spec.shows),
            );
            values.push(String::new());
            lines.push(0);
            continue;
        };
        lines.push(f.line_of(value.span().start));
        check_text(f, spec, &value);
        values.push(trimmed(value.into_inner()));
    }
    if !f.problems.is_empty() {
        return None;
    }
    let messages = Messages::from_values(values, lines);
    // The disclaimer goes under every reply: it may take at most half of one.
    let disclaimer = messages.disclaimer.chars().count();
    let half = (DISCORD_MESSAGE_LIMIT - 2) / 2;
    if disclaimer > half {
        f.problem_on_line(
            messages.line("disclaimer"),
            format!(
                "`disclaimer` is {disclaimer} characters; it goes under every reply, so it may \
                 be at most {half}: shorten it"
            ),
        );
        return None;
    }
    let room = DISCORD_MESSAGE_LIMIT - 2 - disclaimer;
    let others = SPECS
        .iter()
        .zip(messages.values())
        .filter(|(s, _)| s.key != "disclaimer");
    for (spec, text) in others {
        let chars = text.chars().count();
        if chars > room {
            f.problem_on_line(
                messages.line(spec.key),
                format!(
                    "`{}` is {chars} characters; with the disclaimer that is more than the \
                     {DISCORD_MESSAGE_LIMIT} a Discord message holds: shorten it",
                    spec.key
                ),
            );
        }
    }
    let menu = messages.topic_menu.chars().count();
    if menu > MAX_MENU_PLACEHOLDER {
        f.problem_on_line(
            messages.line("topic_menu"),
            format!(
                "`topic_menu` is {menu} characters; Discord shows at most \
                 {MAX_MENU_PLACEHOLDER} in a menu: shorten it"
            ),
        );
    }
    f.problems.is_empty().then_some(messages)
}

/// The parser's "unknown key `x`, expected one of" (every key, a long
/// list) as a sentence that names the key meant, when one is close.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown key `")?;
    let key = &rest[..rest.find("`, expected")?];
    let nearest = SPECS
        .iter()
        .map(|s| (distance(key, s.key), s.key))
        .min()
        .filter(|(d, _)| *d <= 2);
    Some(match nearest {
        Some((_, meant)) => format!("unknown key `{key}` (check its spelling: `{meant}`?)"),
        None => format!(
            "unknown key `{key}`: this file holds only the texts its comments describe (check \
             its spelling)"
        ),
    })
}

/// How many letters must be added, removed or changed to make `a` into
/// `b` (Levenshtein distance).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// One text's own checks: not empty, no placeholder it cannot use, and
/// every placeholder it must use.
fn check_text(f: &mut TomlFile<'_>, spec: &Spec, value: &Spanned<String>) {
    let text = value.get_ref();
    if text.trim().is_empty() {
        f.problem_at(value, format!("`{}` is empty", spec.key));
        return;
    }
    let used = placeholders(text);
    let mut unknown = false;
    for name in &used {
        if spec.allowed().any(|a| a == *name) {
            continue;
        }
        unknown = true;
        let message = if spec.allowed().next().is_none() {
            format!(
                "`{}`: \"{{{name}}}\" is not a placeholder this text can use (it takes none)",
                spec.key
            )
        } else {
            format!(
                "`{}`: \"{{{name}}}\" is not one of the placeholders this text can use: {}",
                spec.key,
                braced(spec.allowed())
            )
        };
        f.problem_at(value, message);
    }
    // A misspelt placeholder is one mistake: reported once, above.
    if unknown {
        return;
    }
    for (name, why) in spec.must {
        if !used.contains(name) {
            f.problem_at(
                value,
                format!("`{}` must contain {{{name}}}, {why}", spec.key),
            );
        }
    }
}

/// The checks that need the whole catalog: the replies whose lists come
/// from other files must fit one Discord message, filled with the longest
/// the content can put in them. `label` names `messages.toml`. (Measured
/// before the cut that [`reply`] makes to any reply still too long.)
pub(super) fn fits(catalog: &Catalog, label: &str) -> Vec<Problem> {
    let messages = &catalog.messages;
    let mut problems = Vec::new();
    let mut too_long = |key: &str, with: &str, text: String| {
        let chars = text.chars().count();
        if chars > DISCORD_MESSAGE_LIMIT {
            problems.push(Problem {
                file: label.to_owned(),
                line: messages.line(key),
                message: format!(
                    "`{key}` would be {chars} characters with {with} filled in and the disclaimer, \
                     more than the {DISCORD_MESSAGE_LIMIT} a Discord message holds: shorten it"
                ),
            });
        }
    };
    too_long(
        "help",
        "every red flag and article",
        messages.wrap(reply::help_body(catalog)),
    );
    let mut topics: Vec<_> = catalog.topics.iter().collect();
    topics.sort_by_key(|t| std::cmp::Reverse(t.name.chars().count()));
    topics.truncate(reply::NEAREST_TOPICS);
    too_long(
        "no_answer",
        "the longest topic names",
        messages.wrap(reply::no_answer_body(catalog, &topics)),
    );
    let mut questions: Vec<&str> = catalog
        .entries
        .iter()
        .map(|e| e.question.as_str())
        .collect();
    if questions.len() > crate::matcher::MAX_SUGGESTIONS {
        questions.select_nth_unstable_by_key(crate::matcher::MAX_SUGGESTIONS, |q| {
            std::cmp::Reverse(q.chars().count())
        });
        questions.truncate(crate::matcher::MAX_SUGGESTIONS);
    }
    too_long(
        "suggest",
        "the longest questions",
        messages.wrap(reply::suggest_body(messages, &questions)),
    );
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_placeholders_once() {
        for (template, expect) in [
            ("wait {seconds} s", "wait 5 s"),
            ("{seconds}{seconds}", "55"),
            ("{topics}: {seconds}", "{seconds} and {x}: 5"),
            (
                "{other} stays, { spaced } and {} too",
                "{other} stays, { spaced } and {} too",
            ),
            ("{unclosed {seconds}", "{unclosed 5"),
            ("é{seconds}背", "é5背"),
            ("", ""),
            ("{", "{"),
        ] {
            let got = fill(
                template,
                &[("topics", "{seconds} and {x}"), ("seconds", "5")],
            );
            assert_eq!(got, expect, "{template:?}");
        }
    }

    #[test]
    fn placeholders_are_found_in_order() {
        assert_eq!(
            placeholders("{a} {b_2} {a} {no space} {}"),
            ["a", "b_2", "a"]
        );
    }

    /// A required placeholder is also one the text may use, and no key is
    /// declared twice.
    #[test]
    fn specs_are_consistent() {
        let mut keys: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SPECS.len());
        for spec in SPECS {
            for (name, _) in spec.must {
                assert!(!spec.may.contains(name), "{}: {name}", spec.key);
            }
        }
    }
}
