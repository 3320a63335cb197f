//! Rendering match results and catalog views as the text the bot posts, and
//! as the `ask --json` record.
//!
//! Every reply ends with the catalog's disclaimer. Replies never repeat the
//! asker's words, so nothing a member types can make the bot ping or format
//! anything.

use serde::Serialize;

use crate::content::{fill, Catalog, Entry, FlagKind, Messages, Topic};
use crate::matcher::{Match, Matcher, Outcome};

/// Discord's limit on a message's content, in characters.
pub const DISCORD_MESSAGE_LIMIT: usize = 2000;

/// How many topics a no-match reply points to.
pub const NEAREST_TOPICS: usize = 3;

/// The reply to a matched question, exactly as the bot posts it.
pub fn render(matcher: &Matcher, m: &Match) -> String {
    let catalog = matcher.catalog();
    let messages = &catalog.messages;
    let body = match (m.outcome, m.entry) {
        (Outcome::Urgent, _) => match matcher.red_flag(m) {
            Some(flag) if flag.kind == FlagKind::Crisis => catalog.crisis.text(),
            Some(flag) => catalog.red_flags.emergency_text(&flag.name),
            None => catalog.red_flags.emergency_text(&messages.unnamed_reason),
        },
        (Outcome::Answer, Some(i)) => answers_body(matcher, i, m.also).0,
        (Outcome::Chat, _) => match matcher.talk(m) {
            Some(talk) => talk.reply.clone(),
            // A chat match always names its talk; were it not to, the
            // help text says what the bot can do just as well.
            None => help_body(catalog),
        },
        (Outcome::Suggest, _) => {
            let questions: Vec<&str> = m
                .suggestions
                .iter()
                .map(|s| matcher.entry(s.entry).question.as_str())
                .collect();
            suggest_body(messages, &questions)
        }
        _ => no_answer_body(catalog, &matcher.nearest_topics(m, NEAREST_TOPICS)),
    };
    with_disclaimer(catalog, body)
}

/// The body of a reply answering entry `first`, and `also` under it
/// ([`Match::also`]) when both answers and the disclaimer fit one Discord
/// message; otherwise the first question's answer alone, whole, rather than
/// two cut short. The second entry is returned when it is shown.
fn answers_body(matcher: &Matcher, first: usize, also: Option<usize>) -> (String, Option<usize>) {
    let catalog = matcher.catalog();
    let body = answer_body(catalog, matcher.entry(first));
    if let Some(j) = also {
        let both = format!("{body}\n\n{}", answer_body(catalog, matcher.entry(j)));
        if both.chars().count() <= room(catalog) {
            return (both, Some(j));
        }
    }
    (body, None)
}

/// The second entry a reply to `m` answers and shows (see [`answers_body`]).
fn shown_also(matcher: &Matcher, m: &Match) -> Option<usize> {
    m.entry
        .zip(m.also)
        .and_then(|(i, j)| answers_body(matcher, i, Some(j)).1)
}

/// The "did you mean" reply offering `questions`, without the disclaimer.
pub(crate) fn suggest_body(messages: &Messages, questions: &[&str]) -> String {
    let lines: Vec<String> = questions
        .iter()
        .enumerate()
        .map(|(n, q)| format!("{}. {q}", n + 1))
        .collect();
    fill(&messages.suggest, &[("questions", &lines.join("\n"))])
}

/// The reply to a question the articles do not cover, pointing to
/// `topics`, without the disclaimer.
pub(crate) fn no_answer_body(catalog: &Catalog, topics: &[&Topic]) -> String {
    let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
    fill(
        &catalog.messages.no_answer,
        &[
            ("topics", &names.join(", ")),
            ("articles", &article_titles(catalog)),
            ("article_count", &catalog.sources.len().to_string()),
        ],
    )
}

/// The articles' titles in a sentence: "*A*", "*A* and *B*", "*A*, *B* and
/// *C*" (the word between the last two from `messages.toml`).
fn article_titles(catalog: &Catalog) -> String {
    let titles: Vec<String> = catalog
        .sources
        .iter()
        .map(|s| format!("*{}*", s.title))
        .collect();
    match titles.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), catalog.messages.and),
    }
}

/// An entry shown on its own (a suggestion clicked, `/topic` opened), with
/// its sources and the disclaimer.
pub fn render_entry(catalog: &Catalog, entry: &Entry) -> String {
    with_disclaimer(catalog, answer_body(catalog, entry))
}

/// A topic: its summary and the questions it holds.
pub fn render_topic(catalog: &Catalog, topic: &Topic) -> String {
    let mut text = format!("**{}**\n{}\n", topic.name, topic.summary);
    for entry in catalog.entries_in(&topic.id) {
        text.push_str(&format!("• {}\n", entry.question));
    }
    with_disclaimer(catalog, text.trim_end().to_owned())
}

/// The list of all topics.
pub fn render_topics(catalog: &Catalog) -> String {
    let messages = &catalog.messages;
    let lines: Vec<String> = catalog
        .topics
        .iter()
        .map(|topic| {
            let count = catalog.entries_in(&topic.id).count().to_string();
            fill(
                &messages.topics_item,
                &[
                    ("name", &topic.name),
                    ("id", &topic.id),
                    ("count", &count),
                    ("summary", &topic.summary),
                ],
            )
        })
        .collect();
    let text = fill(&messages.topics, &[("topics", &lines.join("\n"))]);
    with_disclaimer(catalog, text)
}

/// The source articles.
pub fn render_sources(catalog: &Catalog) -> String {
    let messages = &catalog.messages;
    let lines: Vec<String> = catalog
        .sources
        .iter()
        .map(|source| {
            let sections = source.sections.iter().filter(|s| s.skip.is_none()).count();
            fill(
                &messages.sources_item,
                &[
                    ("title", &source.title),
                    ("sections", &sections.to_string()),
                ],
            )
        })
        .collect();
    let text = fill(&messages.sources, &[("sources", &lines.join("\n"))]);
    with_disclaimer(catalog, text)
}

/// How to use the bot.
pub fn render_help(catalog: &Catalog) -> String {
    with_disclaimer(catalog, help_body(catalog))
}

/// The text of `/help`, without the disclaimer: the red flags it lists are
/// the emergency flags of `red-flags.toml`, by name.
pub(crate) fn help_body(catalog: &Catalog) -> String {
    let flags: Vec<String> = catalog
        .red_flags
        .flags
        .iter()
        .filter(|f| f.kind == FlagKind::Emergency)
        .map(|f| format!("• {}", f.name))
        .collect();
    fill(
        &catalog.messages.help,
        &[
            ("flags", &flags.join("\n")),
            ("articles", &article_titles(catalog)),
            ("article_count", &catalog.sources.len().to_string()),
        ],
    )
}

fn answer_body(catalog: &Catalog, entry: &Entry) -> String {
    let messages = &catalog.messages;
    let mut text = format!("**{}**\n{}\n\n", entry.question, entry.answer);
    // Two quotes from one section are one source to the reader.
    let mut citations: Vec<String> = Vec::new();
    for c in &entry.sources {
        let title = catalog.source(&c.source).map_or("", |s| s.title.as_str());
        let citation = fill(
            &messages.citation,
            &[("title", title), ("section", &c.section)],
        );
        if !citations.contains(&citation) {
            citations.push(citation);
        }
    }
    if let [one] = citations.as_slice() {
        text.push_str(&fill(&messages.answer_source, &[("source", one)]));
    } else {
        let lines: Vec<String> = citations.iter().map(|c| format!("• {c}")).collect();
        text.push_str(&fill(
            &messages.answer_sources,
            &[("sources", &lines.join("\n"))],
        ));
    }
    text
}

/// `body` with the disclaimer under it, cut (with "…") if the two would
/// not fit one Discord message. The load checks keep every reply they can
/// foresee within the limit; this keeps the rest, so the disclaimer is
/// never lost to Discord refusing a long message.
fn with_disclaimer(catalog: &Catalog, body: String) -> String {
    let messages = &catalog.messages;
    let room = room(catalog);
    if body.chars().count() <= room {
        return messages.wrap(body);
    }
    let mut cut: String = body.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    messages.wrap(cut)
}

/// The characters a reply's body may take beside the disclaimer.
fn room(catalog: &Catalog) -> usize {
    DISCORD_MESSAGE_LIMIT.saturating_sub(catalog.messages.disclaimer.chars().count() + 2)
}

/// One line of `backpain-bot ask --json`: the contract scripts rely on.
#[derive(Debug, Serialize)]
pub struct AskRecord<'a> {
    /// The question as asked.
    pub question: &'a str,
    /// `answer`, `suggest`, `no_match`, `urgent` or `chat` (small talk).
    pub outcome: &'static str,
    /// Confidence of the best entry, 0..=1, rounded to three decimals.
    pub confidence: f64,
    /// The answering entry, for `answer`.
    pub entry: Option<EntryRecord<'a>>,
    /// Further entries the reply answers, for a message that asks two
    /// questions (`[]` otherwise).
    pub also: Vec<EntryRecord<'a>>,
    /// The entries offered, for `suggest`.
    pub suggestions: Vec<SuggestionRecord<'a>>,
    /// The red flag that made the outcome `urgent`; `null` otherwise.
    pub flag: Option<FlagRecord<'a>>,
    /// The exact text the bot would post.
    pub reply: String,
}

/// An entry in the JSON contract.
#[derive(Debug, Serialize)]
pub struct EntryRecord<'a> {
    /// The entry's stable id.
    pub id: &'a str,
    /// Its canonical question.
    pub question: &'a str,
    /// Its answer text.
    pub answer: &'a str,
    /// Ids of its topics.
    pub topics: &'a [String],
    /// The sections it cites.
    pub sources: Vec<SourceRecord<'a>>,
}

/// A citation in the JSON contract.
#[derive(Debug, PartialEq, Serialize)]
pub struct SourceRecord<'a> {
    /// The article's id.
    pub id: &'a str,
    /// The article's title.
    pub title: &'a str,
    /// The cited section's heading.
    pub section: &'a str,
}

/// A red flag in the JSON contract.
#[derive(Debug, Serialize)]
pub struct FlagRecord<'a> {
    /// The flag's stable id (`crisis`, `bladder-bowel`...).
    pub id: &'a str,
    /// What was noticed, as the reply names it.
    pub name: &'a str,
}

/// A suggestion in the JSON contract.
#[derive(Debug, Serialize)]
pub struct SuggestionRecord<'a> {
    /// The entry's stable id.
    pub id: &'a str,
    /// Its canonical question.
    pub question: &'a str,
    /// How well it matched, 0..=1.
    pub confidence: f64,
}

impl<'a> AskRecord<'a> {
    /// Builds the record for a question and its match.
    pub fn new(matcher: &'a Matcher, question: &'a str, m: &Match) -> AskRecord<'a> {
        let catalog = matcher.catalog();
        let record = |i: usize| {
            let e = matcher.entry(i);
            EntryRecord {
                id: &e.id,
                question: &e.question,
                answer: &e.answer,
                topics: &e.topics,
                sources: e.sources.iter().fold(Vec::new(), |mut records, c| {
                    let record = SourceRecord {
                        id: &c.source,
                        title: catalog.source(&c.source).map_or("", |s| s.title.as_str()),
                        section: &c.section,
                    };
                    // One record per section, however many quotes it gave.
                    if !records.contains(&record) {
                        records.push(record);
                    }
                    records
                }),
            }
        };
        let entry = m.entry.map(record);
        let also = shown_also(matcher, m).into_iter().map(record).collect();
        AskRecord {
            question,
            outcome: m.outcome.as_str(),
            confidence: round3(m.confidence),
            entry,
            also,
            suggestions: m
                .suggestions
                .iter()
                .map(|s| {
                    let e = matcher.entry(s.entry);
                    SuggestionRecord {
                        id: &e.id,
                        question: &e.question,
                        confidence: round3(s.confidence),
                    }
                })
                .collect(),
            flag: matcher.red_flag(m).map(|f| FlagRecord {
                id: &f.id,
                name: &f.name,
            }),
            reply: render(matcher, m),
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply the load checks could not foresee (here a question made too
    /// long by hand) is cut to one Discord message and keeps its
    /// disclaimer.
    #[test]
    fn a_reply_too_long_is_cut_and_keeps_the_disclaimer() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        let mut catalog = match crate::content::load_dir(&dir) {
            Ok(catalog) => catalog,
            Err(problems) => panic!("shipped content: {problems:?}"),
        };
        let mut entry = catalog.entries[0].clone();
        entry.question = "why ".repeat(600);
        catalog.entries[0] = entry.clone();
        let text = render_entry(&catalog, &entry);
        assert_eq!(text.chars().count(), DISCORD_MESSAGE_LIMIT);
        assert!(text.ends_with(&format!("…\n\n{}", catalog.messages.disclaimer)));
        // One that fits is untouched.
        let short = render_entry(&catalog, &catalog.entries[1]);
        assert!(!short.contains('…') || catalog.entries[1].answer.contains('…'));
    }

    /// A message asking two questions gets both answers in one reply, but
    /// only when both fit one Discord message with the disclaimer: two
    /// answers made too long by hand give the first alone, whole (and the
    /// JSON record says so), never two cut short.
    #[test]
    fn two_answers_share_a_reply_only_when_both_fit() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        let catalog = match crate::content::load_dir(&dir) {
            Ok(catalog) => catalog,
            Err(problems) => panic!("shipped content: {problems:?}"),
        };
        let two = |catalog: Catalog| {
            let matcher = Matcher::new(catalog, crate::matcher::Thresholds::default());
            let mut m = Match::urgent(0);
            (m.outcome, m.flag, m.entry, m.also) = (Outcome::Answer, None, Some(0), Some(1));
            let (first, second) = (
                matcher.entry(0).question.clone(),
                matcher.entry(1).question.clone(),
            );
            let text = render(&matcher, &m);
            let record = AskRecord::new(&matcher, "", &m);
            let also: Vec<String> = record.also.iter().map(|e| e.id.to_owned()).collect();
            (
                text.contains(&first),
                text.contains(&second),
                also,
                text.chars().count(),
            )
        };
        let second_id = catalog.entries[1].id.clone();
        let (first, second, also, _) = two(catalog.clone());
        assert!(first && second, "both answers are shown");
        assert_eq!(also, [second_id]);
        let mut long = catalog;
        for e in &mut long.entries[..2] {
            e.answer = "word ".repeat(180);
        }
        let (first, second, also, chars) = two(long);
        assert!(first && !second, "only the first answer is shown");
        assert!(also.is_empty());
        assert!(chars <= DISCORD_MESSAGE_LIMIT);
    }
}
