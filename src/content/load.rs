//! Turning the files of a content folder into a [`Catalog`], or into the
//! full list of problems that stop it from being one.
//!
//! [`parse`] takes a function that reads a file by name, so tests hand it
//! strings; [`load_dir`] is the one-line wrapper that reads from disk,
//! through [`ContentDir`]. Whatever the reader, a name that could leave the
//! folder is refused before it is asked for ([`check_name`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;
use toml::Spanned;

use super::sandbox::{check_name, ContentDir, Refusal};
use super::sentences::{self, ArticleText};
use super::toml_file::{Record, TomlFile};
use super::{
    coverage, member_examples, messages, normalize_quoted, normalized, overlaps, red_flag_examples,
    red_flags, small_talk, Catalog, Citation, Entry, Messages, PieceKind, Problem, Section,
    SkippedSentence, Source, SynonymGroup, Topic, MAX_ANSWER_CHARS,
};
use crate::parallel;
use member_examples::EXAMPLES;
use messages::MESSAGES;
use red_flag_examples::RED_FLAG_EXAMPLES;
use red_flags::{CRISIS, RED_FLAGS};
use small_talk::SMALL_TALK;

/// The file that lists the source articles and their sections.
pub const SOURCES: &str = "sources.toml";
const TOPICS: &str = "topics.toml";
/// The file that holds the FAQ entries.
pub const ENTRIES: &str = "entries.toml";
const SYNONYMS: &str = "synonyms.toml";

/// The TOML files a content folder must hold (article texts are named in
/// `sources.toml`).
pub const FILES: [&str; 10] = [
    SOURCES,
    TOPICS,
    ENTRIES,
    SYNONYMS,
    MESSAGES,
    RED_FLAGS,
    RED_FLAG_EXAMPLES,
    CRISIS,
    SMALL_TALK,
    EXAMPLES,
];

/// Reads the content folder at `dir` from disk, never outside it.
pub fn load_dir(dir: &Path) -> Result<Catalog, Vec<Problem>> {
    let folder = ContentDir::new(dir);
    parse(folder.label(), |name| folder.read(name))
}

/// Builds a catalog from the files `read` returns, named relative to the
/// content folder; `dir_label` prefixes file names in problems.
///
/// Every problem is reported, not just the first: a moderator fixes them all
/// in one pass. Gaps in coverage (see [`parse_with_gaps`]) are reported once
/// there is no other problem.
pub fn parse(
    dir_label: &str,
    read: impl Fn(&str) -> std::io::Result<Vec<u8>> + Sync,
) -> Result<Catalog, Vec<Problem>> {
    let (catalog, gaps) = parse_with_gaps(dir_label, read)?;
    if gaps.is_empty() {
        Ok(catalog)
    } else {
        Err(gaps)
    }
}

/// [`parse`], except that a catalog whose only problems are gaps in
/// coverage is returned with them, so that `check --coverage` can list
/// what is missing. A gap is a section no entry cites, a sentence no entry
/// quotes, neither skipped, or a skipped sentence that an entry quotes
/// (see [`super::Catalog::coverage`]).
pub fn parse_with_gaps(
    dir_label: &str,
    read: impl Fn(&str) -> std::io::Result<Vec<u8>> + Sync,
) -> Result<(Catalog, Vec<Problem>), Vec<Problem>> {
    let dir_label = dir_label.trim_end_matches('/');
    let fresh = || Loader {
        dir_label,
        read: &read,
        problems: Vec::new(),
    };
    // A large entries.toml is parsed while a second thread reads the
    // sources and their articles.
    let mut entries_loader = fresh();
    let entries_text = entries_loader.text(ENTRIES);
    let split = parallel::worth_it(
        entries_text.as_ref().map_or(0, String::len),
        parallel::MIN_BYTES,
    );
    let (entries_file, (sources, sources_problems)) = parallel::join(
        split,
        || entries_text.map(|text| entries_loader.entries_file(text)),
        || {
            let mut loader = fresh();
            (loader.sources(), loader.problems)
        },
    );
    let entries_problems = entries_loader.problems;
    let sources_ok = sources_problems.is_empty();
    // Problems in the order the files are checked, whichever thread found
    // them.
    let mut loader = fresh();
    loader.problems = sources_problems;
    let (topics, broken_topics) = loader.topics();
    let synonyms = loader.synonyms();
    let messages = loader.messages();
    let mut red_flags = loader
        .with_file(RED_FLAGS, |f| red_flags::red_flags(f, messages.as_ref()))
        .flatten();
    let flags_ok = loader.is_clean(RED_FLAGS);
    let examples = loader
        .with_file(RED_FLAG_EXAMPLES, |f| {
            let flags = red_flags.as_ref().filter(|_| flags_ok);
            red_flag_examples::examples(f, flags.map(|r| &r.flags[..]))
        })
        .flatten();
    if let (Some(red_flags), Some(examples)) = (red_flags.as_mut(), examples) {
        red_flags.examples = examples.sentences;
        red_flags.messages = examples.messages;
    }
    let crisis = loader
        .with_file(CRISIS, |f| red_flags::crisis(f, messages.as_ref()))
        .flatten();
    let small_talk = loader
        .with_file(SMALL_TALK, |f| small_talk::small_talk(f, messages.as_ref()))
        .flatten();
    // References into a file that has problems of its own are not checked:
    // the moderator fixes that file first, and one mistake gives one report.
    let topics_ok = loader.is_clean(TOPICS);
    loader.problems.extend(entries_problems);
    let entries = loader.entries(
        entries_file,
        sources_ok.then_some(&sources[..]),
        &topics,
        topics_ok.then_some(&broken_topics[..]),
    );
    let entries_ok = loader.problems.is_empty();
    let examples = loader
        .with_file(EXAMPLES, |f| {
            member_examples::examples(f, entries_ok.then_some(&entries[..]))
        })
        .flatten();
    if !loader.problems.is_empty() {
        return Err(loader.problems);
    }
    match (messages, red_flags, crisis, small_talk, examples) {
        (Some(messages), Some(red_flags), Some(crisis), Some(small_talk), Some(examples)) => {
            let catalog = Catalog {
                sources,
                topics: topics.into_iter().map(|(t, _)| t).collect(),
                entries,
                synonyms,
                messages,
                red_flags,
                crisis,
                small_talk,
                examples,
            };
            // The texts filled with lists from the other files, once they
            // are all known.
            let problems = messages::fits(&catalog, &loader.label(MESSAGES));
            if !problems.is_empty() {
                return Err(problems);
            }
            let gaps = coverage::problems(&catalog.coverage(), &loader.label(SOURCES));
            Ok((catalog, gaps))
        }
        // `messages()`, `red_flags()`, `crisis()`, `small_talk()` and
        // `examples()` record a problem when they return `None` (or follow
        // one in entries.toml).
        _ => Err(loader.problems),
    }
}

/// entries.toml read and parsed into records, before any check: the
/// slowest step of a load, done while sources.toml is read.
struct EntriesFile {
    text: String,
    /// Where its lines start, found by the parse and kept for the checks.
    line_starts: Arc<[usize]>,
    records: Vec<Record<RawEntry>>,
    /// Problems found so far (syntax, unknown keys, wrong types).
    problems: Vec<Problem>,
    /// Ids of entries that could not be read.
    broken_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    title: Spanned<String>,
    file: Spanned<String>,
    #[serde(default, rename = "section")]
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    heading: Spanned<String>,
    starts_at: Option<Spanned<String>>,
    skip: Option<Spanned<String>>,
    #[serde(default)]
    skip_sentences: Vec<RawSkippedSentence>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSkippedSentence {
    text: Spanned<String>,
    reason: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    name: Spanned<String>,
    summary: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    question: Spanned<String>,
    #[serde(default)]
    alternates: Vec<Spanned<String>>,
    answer: Spanned<String>,
    topics: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    must_mention: Vec<Spanned<String>>,
    #[serde(default, rename = "source")]
    sources: Vec<RawCitation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCitation {
    id: Spanned<String>,
    section: Spanned<String>,
    quote: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonym {
    words: Spanned<Vec<Spanned<String>>>,
}

struct Loader<'r> {
    dir_label: &'r str,
    read: &'r (dyn Fn(&str) -> std::io::Result<Vec<u8>> + Sync),
    problems: Vec<Problem>,
}

impl Loader<'_> {
    fn label(&self, name: &str) -> String {
        format!("{}/{}", self.dir_label, name)
    }

    /// Whether no problem has been found in a file so far.
    fn is_clean(&self, name: &str) -> bool {
        let label = self.label(name);
        !self.problems.iter().any(|p| p.file == label)
    }

    /// Reads a file as UTF-8, or records why it cannot be (at the file).
    fn text(&mut self, name: &str) -> Option<String> {
        self.text_or_refusal(name).unwrap_or_else(|refusal| {
            self.problems.push(Problem {
                file: self.label(name),
                line: None,
                message: refusal.sentence("the file"),
            });
            None
        })
    }

    /// [`Loader::text`], except that a file refused by the sandbox is
    /// returned for the caller to report where the name is written.
    fn text_or_refusal(&mut self, name: &str) -> Result<Option<String>, Refusal> {
        check_name(name)?;
        let label = self.label(name);
        let bytes = match (self.read)(name) {
            Ok(bytes) => bytes,
            Err(err) => {
                if let Some(refusal) = Refusal::of(&err) {
                    return Err(refusal.clone());
                }
                let why = match err.kind() {
                    std::io::ErrorKind::NotFound => "the file is missing".to_owned(),
                    _ => format!("the file cannot be read ({err})"),
                };
                self.problems.push(Problem {
                    file: label,
                    line: None,
                    message: why,
                });
                return Ok(None);
            }
        };
        Ok(match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let line = err.as_bytes()[..valid]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                self.problems.push(Problem {
                    file: label,
                    line: Some(line),
                    message: "the file is not valid UTF-8 text (save it as UTF-8)".to_owned(),
                });
                None
            }
        })
    }

    /// Runs `f` over a TOML file and keeps its problems.
    fn with_file<T>(&mut self, name: &str, f: impl FnOnce(&mut TomlFile<'_>) -> T) -> Option<T> {
        let text = self.text(name)?;
        let label = self.label(name);
        let mut file = TomlFile::new(&label, &text);
        let out = f(&mut file);
        self.problems.append(&mut file.problems);
        Some(out)
    }

    fn sources(&mut self) -> Vec<Source> {
        let Some(text) = self.text(SOURCES) else {
            return Vec::new();
        };
        let label = self.label(SOURCES);
        let mut f = TomlFile::new(&label, &text);
        let records: Vec<Record<RawSource>> = f.records("source");
        let mut seen = Ids::default();
        let mut out = Vec::new();
        for Record { value: raw, .. } in records {
            seen.check(&mut f, "source", &raw.id);
            nonempty(&mut f, "title", &raw.title);
            let file_name = raw.file.get_ref().clone();
            let sections = match self.text_or_refusal(&file_name) {
                Ok(Some(article)) => split_sections(&mut f, &file_name, &article, &raw.sections),
                Ok(None) => Vec::new(),
                Err(refusal) => {
                    let subject = format!("file \"{file_name}\"");
                    f.problem_at(&raw.file, refusal.sentence(&subject));
                    Vec::new()
                }
            };
            out.push(Source {
                id: raw.id.into_inner(),
                title: trimmed(raw.title.into_inner()),
                file: file_name,
                sections,
            });
        }
        // A source that could not be read is there: one mistake, one report.
        if out.is_empty() && f.broken_ids.is_empty() && f.problems.is_empty() {
            f.problem(None, "there are no [[source]] sections");
        }
        self.problems.append(&mut f.problems);
        out
    }

    /// The topics with their lines, and the ids of topics that could not be
    /// read.
    fn topics(&mut self) -> (Vec<(Topic, usize)>, Vec<String>) {
        self.with_file(TOPICS, |f| {
            let records: Vec<Record<RawTopic>> = f.records("topic");
            let mut seen = Ids::default();
            let mut out = Vec::new();
            for Record { line, value: raw } in records {
                seen.check(f, "topic", &raw.id);
                nonempty(f, "name", &raw.name);
                nonempty(f, "summary", &raw.summary);
                let topic = Topic {
                    id: raw.id.into_inner(),
                    name: trimmed(raw.name.into_inner()),
                    summary: trimmed(raw.summary.into_inner()),
                };
                out.push((topic, line));
            }
            if out.is_empty() && f.broken_ids.is_empty() && f.problems.is_empty() {
                f.problem(None, "there are no [[topic]] sections");
            }
            (out, std::mem::take(&mut f.broken_ids))
        })
        .unwrap_or_default()
    }

    fn synonyms(&mut self) -> Vec<SynonymGroup> {
        self.with_file(SYNONYMS, |f| {
            let records: Vec<Record<RawSynonym>> = f.records("synonym");
            let mut owner: BTreeMap<String, usize> = BTreeMap::new();
            let mut out = Vec::new();
            for Record { line, value: raw } in records {
                if raw.words.get_ref().len() < 2 {
                    f.problem_at(&raw.words, "a synonym group needs at least two words");
                }
                for word in raw.words.get_ref() {
                    let folded = fold_phrase(word.get_ref());
                    if folded.is_empty() {
                        f.problem_at(word, "a synonym must contain a letter or digit");
                        continue;
                    }
                    match owner.insert(folded, line) {
                        Some(first) if first == line => f.problem_at(
                            word,
                            format!(
                                "\"{}\" is listed twice in this group \
                                 (case, hyphens and spaces do not count)",
                                word.get_ref()
                            ),
                        ),
                        Some(first) => f.problem_at(
                            word,
                            format!(
                                "\"{}\" is already in the synonym group on line {first}; \
                                 a word may be in only one group",
                                word.get_ref()
                            ),
                        ),
                        None => {}
                    }
                }
                let words = raw.words.into_inner();
                out.push(SynonymGroup {
                    words: words.into_iter().map(Spanned::into_inner).collect(),
                });
            }
            out
        })
        .unwrap_or_default()
    }

    fn messages(&mut self) -> Option<Messages> {
        self.with_file(MESSAGES, messages::messages).flatten()
    }

    /// Parses entries.toml's text into records; its problems come with the
    /// checks.
    fn entries_file(&self, text: String) -> EntriesFile {
        let label = self.label(ENTRIES);
        let mut file = TomlFile::new(&label, &text);
        let records = file.records("entry");
        let problems = std::mem::take(&mut file.problems);
        let broken_ids = std::mem::take(&mut file.broken_ids);
        let line_starts = file.line_starts();
        EntriesFile {
            text,
            line_starts,
            records,
            problems,
            broken_ids,
        }
    }

    fn entries(
        &mut self,
        file: Option<EntriesFile>,
        sources: Option<&[Source]>,
        topics: &[(Topic, usize)],
        broken_topics: Option<&[String]>,
    ) -> Vec<Entry> {
        let topic_ids: HashSet<&str> = topics
            .iter()
            .map(|(t, _)| t.id.as_str())
            .chain(broken_topics.unwrap_or_default().iter().map(String::as_str))
            .collect();
        let check_topics = broken_topics.is_some();
        // Sections by (source id, heading), so each citation is one lookup.
        let sections: HashMap<(&str, &str), &Section> = sources
            .unwrap_or_default()
            .iter()
            .flat_map(|s| {
                s.sections
                    .iter()
                    .map(move |x| ((s.id.as_str(), x.heading.as_str()), x))
            })
            .collect();
        let mut used_topics: HashSet<&str> = HashSet::default();
        // What each entry can be checked for on its own, in two halves on
        // two threads for a large file (see `own_checks`); then, in order,
        // what needs the other entries: ids, phrasings, topics.
        let own = |f: &TomlFile<'_>, records: Vec<Record<RawEntry>>| {
            let mut f = f.fork();
            records
                .into_iter()
                .map(|record| {
                    let checked = own_checks(&mut f, &record.value, sources, &sections);
                    (record, checked)
                })
                .collect::<Vec<_>>()
        };
        let mut check = |f: &mut TomlFile<'_>, mut records: Vec<Record<RawEntry>>| {
            let split = parallel::worth_it(records.len(), parallel::MIN_ENTRIES);
            let second = if split {
                records.split_off(records.len() / 2)
            } else {
                Vec::new()
            };
            let shared: &TomlFile<'_> = f;
            let (mut checked, rest) =
                parallel::join(split, || own(shared, records), || own(shared, second));
            checked.extend(rest);
            let mut seen = Ids::default();
            // Every phrasing (questions and alternates), folded, and the
            // entry that owns it: the same words must not lead to two
            // different answers.
            let mut phrasings: HashMap<String, usize> = HashMap::default();
            let mut out = Vec::new();
            for (Record { line, value: raw }, own) in checked {
                let id = raw.id.get_ref().clone();
                seen.check(f, "entry", &raw.id);
                f.problems.extend(own.before_phrasings);
                let phrases = std::iter::once(&raw.question).chain(raw.alternates.iter());
                for (phrase, folded) in phrases.zip(own.folded) {
                    if folded.is_empty() {
                        continue;
                    }
                    // The owner is the entry's index in `out`, where this
                    // entry is about to go.
                    if let Some(owner) = phrasings.insert(folded, out.len()) {
                        let whose = match out.get(owner) {
                            Some(Entry { id: owner, .. }) if *owner != id => {
                                format!("entry \"{owner}\"")
                            }
                            _ => "this entry".to_owned(),
                        };
                        f.problem_at(
                            phrase,
                            format!(
                                "entry \"{id}\": the phrasing \"{}\" is already used by {whose}",
                                phrase.get_ref()
                            ),
                        );
                    }
                }
                if raw.topics.get_ref().is_empty() {
                    f.problem_at(&raw.topics, format!("entry \"{id}\" has no topics"));
                }
                for topic in raw.topics.get_ref() {
                    if let Some(&known) = topic_ids.get(topic.get_ref().as_str()) {
                        used_topics.insert(known);
                    } else if check_topics {
                        f.problem_at(
                            topic,
                            format!(
                                "entry \"{id}\" names unknown topic \"{}\" (see topics.toml)",
                                topic.get_ref()
                            ),
                        );
                    }
                }
                f.problems.extend(own.after_topics);
                out.push(Entry {
                    id,
                    question: trimmed(raw.question.into_inner()),
                    alternates: raw
                        .alternates
                        .into_iter()
                        .map(|a| trimmed(a.into_inner()))
                        .collect(),
                    answer: trimmed(raw.answer.into_inner()),
                    topics: raw
                        .topics
                        .into_inner()
                        .into_iter()
                        .map(Spanned::into_inner)
                        .collect(),
                    must_mention: raw
                        .must_mention
                        .into_iter()
                        .map(|w| trimmed(w.into_inner()))
                        .collect(),
                    sources: raw
                        .sources
                        .into_iter()
                        .map(|c| Citation {
                            source: c.id.into_inner(),
                            section: c.section.into_inner(),
                            quote: c.quote.into_inner(),
                        })
                        .collect(),
                    line,
                });
            }
            if out.is_empty() && f.broken_ids.is_empty() && f.problems.is_empty() {
                f.problem(None, "there are no [[entry]] sections");
            }
            out
        };
        let entries = match file {
            Some(file) => {
                let label = self.label(ENTRIES);
                let mut f = TomlFile::with_lines(&label, &file.text, file.line_starts);
                f.problems = file.problems;
                f.broken_ids = file.broken_ids;
                let entries = check(&mut f, file.records);
                self.problems.append(&mut f.problems);
                entries
            }
            None => Vec::new(),
        };
        // A topic with no entries is only worth reporting once every entry
        // in entries.toml could be read: a broken entry may be its only one.
        let entries_label = self.label(ENTRIES);
        if !entries.is_empty() && !self.problems.iter().any(|p| p.file == entries_label) {
            for (topic, line) in topics {
                if !used_topics.contains(topic.id.as_str()) {
                    self.problems.push(Problem {
                        file: self.label(TOPICS),
                        line: Some(*line),
                        message: format!("topic \"{}\" has no entries", topic.id),
                    });
                }
            }
        }
        entries
    }
}

/// What one entry is checked for on its own, with its problems in the
/// order they are reported around the checks that need other entries.
struct OwnChecks {
    /// Problems with the question and the answer.
    before_phrasings: Vec<Problem>,
    /// The question and each alternate, folded (empty when nothing is left).
    folded: Vec<String>,
    /// Problems with the citations.
    after_topics: Vec<Problem>,
}

/// The checks an entry needs nothing else for: its question and answer, its
/// phrasings folded for the duplicate check, and its citations (quotes and
/// numbers against the cited sections). `f` collects nothing: problems are
/// returned.
fn own_checks(
    f: &mut TomlFile<'_>,
    raw: &RawEntry,
    sources: Option<&[Source]>,
    sections: &HashMap<(&str, &str), &Section>,
) -> OwnChecks {
    let id = raw.id.get_ref();
    nonempty(f, "question", &raw.question);
    for word in &raw.must_mention {
        nonempty(f, "must_mention", word);
    }
    check_answer(f, id, &raw.answer);
    let before_phrasings = std::mem::take(&mut f.problems);
    let folded = std::iter::once(&raw.question)
        .chain(raw.alternates.iter())
        .map(|p| fold_phrase(p.get_ref()))
        .collect();
    if raw.sources.is_empty() {
        f.problem_at(
            &raw.id,
            format!("entry \"{id}\" cites no source: add a [[entry.source]]"),
        );
    }
    if let Some(sources) = sources {
        let cited: Vec<&Section> = raw
            .sources
            .iter()
            .filter_map(|cite| check_citation(f, id, cite, sources, sections))
            .collect();
        if cited.len() == raw.sources.len() {
            check_numbers(f, id, &raw.answer, &cited);
        }
    }
    OwnChecks {
        before_phrasings,
        folded,
        after_topics: std::mem::take(&mut f.problems),
    }
}

/// Splits an article into the sections `sources.toml` lists, in order, and
/// each section into its sentences; checks the sentences it skips.
fn split_sections(
    f: &mut TomlFile<'_>,
    file_name: &str,
    article: &str,
    raws: &[RawSection],
) -> Vec<Section> {
    let article = ArticleText::new(article);
    let text = &article.text;
    let mut starts = Vec::new();
    let mut cursor = 0;
    for raw in raws {
        let marker = normalize_quoted(raw.starts_at.as_ref().unwrap_or(&raw.heading).get_ref());
        if marker.is_empty() {
            f.problem_at(&raw.heading, "a section heading cannot be empty");
            continue;
        }
        match text[cursor..].find(&marker) {
            Some(at) => {
                starts.push(cursor + at);
                cursor += at + marker.len();
            }
            None => {
                let what = if raw.starts_at.is_some() {
                    "the text of `starts_at`"
                } else {
                    "the heading"
                };
                let at = raw.starts_at.as_ref().unwrap_or(&raw.heading);
                f.problem_at(
                    at,
                    format!(
                        "section \"{}\": {what} is not found in {file_name} \
                         (after the previous section; sections must be listed in article order)",
                        raw.heading.get_ref()
                    ),
                );
                starts.push(usize::MAX);
            }
        }
    }
    let mut seen = HashSet::default();
    let mut sections = Vec::new();
    for (i, raw) in raws.iter().enumerate() {
        let Some(&start) = starts.get(i) else { break };
        if !seen.insert(raw.heading.get_ref().as_str()) {
            f.problem_at(
                &raw.heading,
                format!("section \"{}\" is listed twice", raw.heading.get_ref()),
            );
        }
        if let Some(skip) = &raw.skip {
            nonempty(f, "skip", skip);
        }
        let end = starts[i + 1..]
            .iter()
            .copied()
            .find(|&s| s != usize::MAX)
            .unwrap_or(text.len());
        let (body, pieces) = if start == usize::MAX || end < start {
            (String::new(), Vec::new())
        } else {
            let pieces = sentences::split(article.lines(start, end));
            (text[start..end].to_owned(), pieces)
        };
        let skip_sentences = raw
            .skip_sentences
            .iter()
            .map(|s| {
                nonempty(f, "text", &s.text);
                nonempty(f, "reason", &s.reason);
                SkippedSentence {
                    text: normalize_quoted(s.text.get_ref()),
                    reason: trimmed(s.reason.get_ref().clone()),
                    line: f.line_of(s.text.span().start),
                }
            })
            .collect();
        sections.push(Section {
            heading: raw.heading.get_ref().clone(),
            skip: raw.skip.as_ref().map(|s| s.get_ref().clone()),
            text: body,
            sentences: pieces,
            skip_sentences,
            line: f.line_of(raw.heading.span().start),
        });
    }
    for (raw, section) in raws.iter().zip(&sections) {
        if section.text.is_empty() {
            continue;
        }
        for (raw_skip, skip) in raw.skip_sentences.iter().zip(&section.skip_sentences) {
            if let Some(why) = skip_problem(skip, section, &sections, file_name) {
                f.problem_at(&raw_skip.text, why);
            }
        }
    }
    sections
}

/// What is wrong with a skipped sentence of `section`, if anything: it must
/// be in the section, and be a sentence (or part of one) there, in a
/// section that is not skipped whole.
fn skip_problem(
    skip: &SkippedSentence,
    section: &Section,
    sections: &[Section],
    file_name: &str,
) -> Option<String> {
    let heading = &section.heading;
    if section.skip.is_some() {
        return Some(format!(
            "section \"{heading}\" is skipped whole (`skip`): its sentences need no \
             skip_sentences"
        ));
    }
    if skip.text.is_empty() {
        return None;
    }
    if !section.text.contains(&skip.text) {
        let elsewhere = sections
            .iter()
            .find(|s| s.text.contains(&skip.text))
            .map(|s| format!(" (it is in section \"{}\")", s.heading))
            .unwrap_or_default();
        return Some(format!(
            "this skipped sentence is not in section \"{heading}\" of {file_name}: copy it \
             word for word from the section{elsewhere}"
        ));
    }
    let a_sentence = section
        .sentences
        .iter()
        .any(|p| p.kind == PieceKind::Sentence && overlaps(&skip.text, &p.text));
    (!a_sentence).then(|| {
        format!(
            "this skipped text is not a sentence of section \"{heading}\": skip whole \
             sentences or part of one (a heading needs no skip; `check --coverage` lists \
             the sentences)"
        )
    })
}

fn check_answer(f: &mut TomlFile<'_>, id: &str, answer: &Spanned<String>) {
    let chars = answer.get_ref().trim().chars().count();
    if chars == 0 {
        f.problem_at(answer, format!("entry \"{id}\" has an empty answer"));
    } else if chars > MAX_ANSWER_CHARS {
        f.problem_at(
            answer,
            format!(
                "entry \"{id}\": the answer is {chars} characters long; \
                 the limit is {MAX_ANSWER_CHARS} so that it fits one Discord message"
            ),
        );
    }
}

/// Checks one citation and returns the cited section when the quote is in it.
fn check_citation<'s>(
    f: &mut TomlFile<'_>,
    id: &str,
    cite: &RawCitation,
    sources: &'s [Source],
    sections: &HashMap<(&str, &str), &'s Section>,
) -> Option<&'s Section> {
    let source_id = cite.id.get_ref();
    let Some(source) = sources.iter().find(|s| &s.id == source_id) else {
        f.problem_at(
            &cite.id,
            format!("entry \"{id}\" cites unknown source \"{source_id}\" (see sources.toml)"),
        );
        return None;
    };
    let heading = cite.section.get_ref();
    let Some(&section) = sections.get(&(source_id.as_str(), heading.as_str())) else {
        f.problem_at(
            &cite.section,
            format!(
                "entry \"{id}\" cites section \"{heading}\", which is not a section of \
                 source \"{source_id}\" in sources.toml"
            ),
        );
        return None;
    };
    if section.skip.is_some() {
        f.problem_at(
            &cite.section,
            format!(
                "entry \"{id}\" cites section \"{heading}\", which sources.toml marks as skipped"
            ),
        );
    }
    let quote = normalized(cite.quote.get_ref());
    if quote.is_empty() {
        f.problem_at(&cite.quote, format!("entry \"{id}\" has an empty quote"));
        return None;
    }
    if !section.text.contains(&*quote) {
        let elsewhere = source
            .sections
            .iter()
            .find(|s| s.text.contains(&*quote))
            .map(|s| format!(" (it is in section \"{}\")", s.heading))
            .unwrap_or_default();
        f.problem_at(
            &cite.quote,
            format!(
                "entry \"{id}\": the quote is not found word for word in section \"{heading}\" \
                 of {}{elsewhere}",
                source.file
            ),
        );
        return None;
    }
    (section.skip.is_none()).then_some(section)
}

/// Every number in an answer must appear in one of the sections it cites: a
/// wrong figure in a health answer is worse than none.
fn check_numbers(f: &mut TomlFile<'_>, id: &str, answer: &Spanned<String>, cited: &[&Section]) {
    let in_sections: BTreeSet<&str> = cited.iter().flat_map(|s| numbers_in(&s.text)).collect();
    for number in numbers_in(answer.get_ref()) {
        if !in_sections.contains(number) {
            f.problem_at(
                answer,
                format!(
                    "entry \"{id}\": the answer says \"{number}\", a number that none of its \
                     cited sections contains"
                ),
            );
        }
    }
}

/// The numbers (runs of digits) in a text.
fn numbers_in(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
}

/// Lowercases a phrase and keeps only its letters and digits, one space
/// between words: two phrasings that fold alike are the same phrasing.
pub(crate) fn fold_phrase(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len());
    for word in phrase
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// A string without its surrounding whitespace, copied only when it has
/// some (it rarely does).
pub(super) fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_owned()
    }
}

pub(super) fn nonempty(f: &mut TomlFile<'_>, key: &str, value: &Spanned<String>) {
    if value.get_ref().trim().is_empty() {
        f.problem_at(value, format!("`{key}` is empty"));
    }
}

/// Checks that ids are well formed and unique within a file.
#[derive(Default)]
pub(super) struct Ids {
    seen: HashMap<String, usize>,
}

impl Ids {
    pub(super) fn check(&mut self, f: &mut TomlFile<'_>, kind: &str, id: &Spanned<String>) {
        let value = id.get_ref();
        let well_formed = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            f.problem_at(
                id,
                format!(
                    "{kind} id \"{value}\" must use only lowercase letters, digits and hyphens"
                ),
            );
        }
        let line = f.line_of(id.span().start);
        if let Some(first) = self.seen.insert(value.clone(), line) {
            f.problem_at(
                id,
                format!("duplicate {kind} id \"{value}\" (first used on line {first})"),
            );
        }
    }
}
