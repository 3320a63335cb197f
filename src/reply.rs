//! Rendering match results and catalog views as the text the bot posts, and
//! as the `ask --json` record.
//!
//! Every reply ends with the catalog's disclaimer. Replies never repeat the
//! asker's words, so nothing a member types can make the bot ping or format
//! anything.

use serde::Serialize;

use crate::content::{Catalog, Entry, FlagKind, Topic};
use crate::matcher::{Match, Matcher, Outcome};

/// Discord's limit on a message's content, in characters.
pub const DISCORD_MESSAGE_LIMIT: usize = 2000;

/// How many topics a no-match reply points to.
pub const NEAREST_TOPICS: usize = 3;

/// The reply to a matched question, exactly as the bot posts it.
pub fn render(matcher: &Matcher, m: &Match) -> String {
    let catalog = matcher.catalog();
    let body = match (m.outcome, m.entry) {
        (Outcome::Urgent, _) => match matcher.red_flag(m) {
            Some(flag) if flag.kind == FlagKind::Crisis => catalog.crisis.text(),
            Some(flag) => catalog.red_flags.emergency_text(&flag.name),
            None => catalog.red_flags.emergency_text("a warning sign"),
        },
        (Outcome::Answer, Some(i)) => answer_body(catalog, matcher.entry(i)),
        (Outcome::Chat, _) => match matcher.talk(m) {
            Some(talk) => talk.reply.clone(),
            // A chat match always names its talk; were it not to, the
            // help text says what the bot can do just as well.
            None => help_body().to_owned(),
        },
        (Outcome::Suggest, _) => {
            let mut text = String::from("I'm not sure which question you mean. Did you mean:\n");
            for (n, s) in m.suggestions.iter().enumerate() {
                text.push_str(&format!("{}. {}\n", n + 1, matcher.entry(s.entry).question));
            }
            text.push_str("Ask again with the one you mean, or browse with `/topics`.");
            text
        }
        _ => {
            let topics: Vec<&str> = matcher
                .nearest_topics(m, NEAREST_TOPICS)
                .into_iter()
                .map(|t| t.name.as_str())
                .collect();
            format!(
                "I don't have an answer for that. I only answer from two articles about \
                 acupressure and acupuncture for back pain, and they don't cover it.\n\
                 Nearest topics I do cover: {}. Browse them all with `/topics`.",
                topics.join(", ")
            )
        }
    };
    with_disclaimer(catalog, body)
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
    let mut text = String::from("**Topics I can answer questions about**\n");
    for topic in &catalog.topics {
        let count = catalog.entries_in(&topic.id).count();
        text.push_str(&format!(
            "• **{}** (`{}`, {count} questions): {}\n",
            topic.name, topic.id, topic.summary
        ));
    }
    with_disclaimer(catalog, text.trim_end().to_owned())
}

/// The source articles.
pub fn render_sources(catalog: &Catalog) -> String {
    let mut text = String::from("**My answers come only from these articles**\n");
    for source in &catalog.sources {
        let sections = source.sections.iter().filter(|s| s.skip.is_none()).count();
        text.push_str(&format!(
            "• *{}* ({sections} sections used)\n",
            source.title
        ));
    }
    with_disclaimer(catalog, text.trim_end().to_owned())
}

/// How to use the bot.
pub fn render_help(catalog: &Catalog) -> String {
    with_disclaimer(catalog, help_body().to_owned())
}

/// The text of `/help`, without the disclaimer.
fn help_body() -> &'static str {
    "**Ask me about back pain, acupressure and acupuncture**\n\
        • Mention me with your question, send me a DM, or use `/ask`.\n\
        • `/topics` lists what I can answer; `/topic` opens one topic.\n\
        • `/sources` shows the articles my answers come from.\n\
        I answer only from those articles and say so when they don't cover \
        something. If your back pain came with numbness, loss of bladder or \
        bowel control, a fall or an accident, fever, or chest pain, seek \
        medical care now."
}

fn answer_body(catalog: &Catalog, entry: &Entry) -> String {
    let mut text = format!("**{}**\n{}\n\n", entry.question, entry.answer);
    // Two quotes from one section are one source to the reader.
    let mut citations: Vec<String> = Vec::new();
    for c in &entry.sources {
        let title = catalog.source(&c.source).map_or("", |s| s.title.as_str());
        let citation = format!("*{title}*, section \"{}\"", c.section);
        if !citations.contains(&citation) {
            citations.push(citation);
        }
    }
    if let [one] = citations.as_slice() {
        text.push_str(&format!("Source: {one}"));
    } else {
        text.push_str("Sources:");
        for c in &citations {
            text.push_str(&format!("\n• {c}"));
        }
    }
    text
}

fn with_disclaimer(catalog: &Catalog, body: String) -> String {
    catalog.messages.wrap(body)
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
        let entry = m.entry.map(|i| {
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
        });
        AskRecord {
            question,
            outcome: m.outcome.as_str(),
            confidence: round3(m.confidence),
            entry,
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
