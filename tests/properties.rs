//! Property tests on hostile input: whatever a member types, whatever a
//! moderator saves in the content folder and whatever an operator writes in
//! the config file, nothing panics and the invariants hold.
//!
//! - questions: invalid UTF-8 made lossy, zero-width and bidi marks,
//!   combining marks, emoji, control characters, mentions and 100 kB walls of
//!   text through [`Normalizer::words`], `ask`, `explain` and the rendered
//!   reply;
//! - content: the shipped files with bytes replaced, inserted, removed or cut
//!   off, invalid UTF-8 included, through `content::parse` and `load_with`;
//! - config: arbitrary text and mutations of `config.example.toml` through
//!   `Config::parse`.
//!
//! The exact problem reports for hand-picked broken content are in
//! `tests/loader.rs`; the golden answers in `tests/golden.rs`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;
use proptest::sample::{select, Index};

use backpain_bot::config::Config;
use backpain_bot::content::{self, Problem};
use backpain_bot::matcher::{
    Match, Matcher, Normalizer, Outcome, Thresholds, MAX_QUESTION_CHARS, MAX_SUGGESTIONS,
};
use backpain_bot::reply::{self, AskRecord, DISCORD_MESSAGE_LIMIT};

/// Cases per property on short input: enough to hit every generator branch
/// many times, few enough that the file runs in seconds in a debug build.
const CASES: u32 = 256;

/// Cases per property on questions past the length limit: each is matched
/// and explained twice, its many unknown words typo-corrected.
const LONG_CASES: u32 = 64;

/// Cases per property on 100 kB questions, each of which is folded whole by
/// the normaliser.
const WALL_CASES: u32 = 24;

/// Cases per property that loads the whole content folder (a few
/// milliseconds each in a debug build, more when the index is built).
const CONTENT_CASES: u32 = 96;

/// The size of a pasted wall of text: 25 full Discord messages.
const LONG_QUESTION_BYTES: usize = 100_000;

/// Characters that break naive text handling.
#[rustfmt::skip]
const HOSTILE_CHARS: &[char] = &[
    // Zero-width, byte-order mark, bidi overrides and isolates, replacement.
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{FEFF}', '\u{202E}', '\u{202B}', '\u{2066}', '\u{FFFD}',
    // Combining marks.
    '\u{0301}', '\u{0308}', '\u{0336}', '\u{20DD}', '\u{0345}', '\u{064B}',
    // Right-to-left letters.
    'ש', 'ל', 'ع', 'ا',
    // Emoji, a skin tone, a variation selector.
    '🙂', '🧘', '\u{1F3FD}', '\u{FE0F}',
    // C0 and C1 controls, line separators.
    '\0', '\u{7}', '\u{8}', '\u{1B}', '\r', '\n', '\t', '\u{85}', '\u{2028}', '\u{7F}',
    // Apostrophe look-alikes, Discord markdown and mention syntax.
    '`', '\'', '\u{2019}', '\u{02BC}', '\u{00B4}', '@', '<', '>', '#', '*', '_', '~', '|', '\\',
    // Letters whose case or compatibility forms change length, other digits,
    // other spaces.
    'İ', 'ß', 'ﬁ', 'ǅ', '①', '٣', '\u{3000}', '\u{00A0}',
];

/// How far past 1 a recall or precision may be from float rounding alone:
/// many orders of magnitude above a rounding error, far below any
/// difference that could change an outcome.
const RATIO_ROUNDING: f64 = 1e-9;

/// Mentions a reply must never contain: Discord would ping with them.
const MENTIONS: &[&str] = &["@everyone", "@here", "<@123456789012345678>", "<@&42>"];

/// What no reply may contain, whatever the question held.
const FORBIDDEN_IN_REPLY: &[&str] = &["@everyone", "@here", "<@"];

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig::with_cases(cases)
}

// ------------------------------------------------------------ generators

/// Every question and alternate phrasing of the shipped content: real
/// questions to wrap hostile input around, so matching gets past the
/// no-match path.
fn phrasings() -> Vec<String> {
    common::shipped()
        .catalog()
        .entries
        .iter()
        .flat_map(|e| std::iter::once(&e.question).chain(&e.alternates))
        .cloned()
        .collect()
}

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => select(HOSTILE_CHARS),
        2 => any::<char>(),
        3 => prop::char::range('a', 'z'),
        1 => Just(' '),
    ]
}

/// The byte offset of the `at`th character boundary of `text`.
fn boundary(text: &str, at: Index) -> usize {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    bounds[at.index(bounds.len())]
}

/// Text a member might send, or an attacker: hostile characters, lossy
/// decodings of arbitrary bytes, and real questions with hostile characters
/// slipped in.
fn hostile_text() -> BoxedStrategy<String> {
    prop_oneof![
        prop::collection::vec(hostile_char(), 0..80).prop_map(String::from_iter),
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        (
            select(phrasings()),
            prop::collection::vec((any::<Index>(), hostile_char()), 0..8)
        )
            .prop_map(|(mut question, inserts)| {
                for (at, c) in inserts {
                    let at = boundary(&question, at);
                    question.insert(at, c);
                }
                question
            }),
    ]
    .boxed()
}

/// Hostile text with a mention slipped in somewhere.
fn text_with_mention() -> impl Strategy<Value = String> {
    (hostile_text(), any::<Index>(), select(MENTIONS)).prop_map(|(mut text, at, mention)| {
        let at = boundary(&text, at);
        text.insert_str(at, mention);
        text
    })
}

/// A real question followed by hostile padding up to 100 kB.
fn wall_of_text() -> impl Strategy<Value = String> {
    (select(phrasings()), hostile_text()).prop_map(|(question, unit)| {
        let unit = if unit.is_empty() {
            " x".to_owned()
        } else {
            unit
        };
        let copies = LONG_QUESTION_BYTES / unit.len() + 1;
        format!("{question} {}", unit.repeat(copies))
    })
}

// ------------------------------------------------------------ checks

/// The first `max` characters of `text`.
fn first_chars(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(at, _)| &text[..at])
}

/// A match is well formed: confidences in range, the outcome's fields set
/// and pointing into the catalog.
fn check_match(matcher: &Matcher, m: &Match) -> Result<(), TestCaseError> {
    let catalog = matcher.catalog();
    let in_range = |x: f64| (0.0..=1.0).contains(&x);
    // Recall and precision are ratios of float sums added up in different
    // orders, so they may pass 1 by a rounding error (precision is
    // 1.0000000000000002 for "mental stress causing back pain Can
    // acupuncture help with back pain?"); confidence is clamped and exact.
    let ratio_in_range = |x: f64| (0.0..=1.0 + RATIO_ROUNDING).contains(&x);
    prop_assert!(in_range(m.confidence), "confidence {}", m.confidence);
    prop_assert!(m.ranked.len() <= MAX_SUGGESTIONS);
    prop_assert!(m.suggestions.len() <= MAX_SUGGESTIONS);
    for s in m.ranked.iter().chain(&m.suggestions) {
        prop_assert!(s.entry < catalog.entries.len());
        prop_assert!(
            in_range(s.confidence) && ratio_in_range(s.recall) && ratio_in_range(s.precision),
            "{s:?}"
        );
    }
    prop_assert!(m
        .ranked
        .windows(2)
        .all(|w| w[0].confidence >= w[1].confidence));
    match m.outcome {
        Outcome::Answer => {
            prop_assert!(m.entry.is_some_and(|e| e < catalog.entries.len()));
            prop_assert!(m.confidence >= matcher.thresholds().answer);
        }
        Outcome::Suggest => {
            prop_assert!(m.entry.is_none() && !m.suggestions.is_empty());
            prop_assert!(m.confidence >= matcher.thresholds().suggest);
        }
        Outcome::NoMatch => {
            prop_assert!(m.entry.is_none() && m.suggestions.is_empty());
            prop_assert!(m.confidence < matcher.thresholds().suggest);
        }
        Outcome::Urgent => {
            prop_assert!(m.flag.is_some_and(|f| f < catalog.red_flags.flags.len()));
        }
        Outcome::Chat => {
            prop_assert!(m.entry.is_none() && m.suggestions.is_empty());
            prop_assert!(m.talk.is_some_and(|t| t < catalog.small_talk.talks.len()));
        }
    }
    Ok(())
}

/// The reply the bot posts for `question`, and its `ask --json` record:
/// the disclaimer last, one Discord message long, no mention, the JSON
/// carrying the same reply.
fn check_reply(matcher: &Matcher, question: &str, m: &Match) -> Result<(), TestCaseError> {
    let text = reply::render(matcher, m);
    let disclaimer = &matcher.catalog().messages.disclaimer;
    prop_assert!(text.ends_with(disclaimer.as_str()), "{text}");
    let chars = text.chars().count();
    prop_assert!(chars <= DISCORD_MESSAGE_LIMIT, "{chars} characters");
    for forbidden in FORBIDDEN_IN_REPLY {
        prop_assert!(!text.contains(forbidden), "reply holds {forbidden}: {text}");
    }
    let record = AskRecord::new(matcher, question, m);
    prop_assert_eq!(&record.reply, &text);
    let json = serde_json::to_string(&record).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(back["question"].as_str(), Some(question));
    Ok(())
}

/// `ask` and `explain` on a question: well formed, the same as triage then
/// matching apart (what the bot does, with the cooldown between them), and
/// the same as on the question cut to [`MAX_QUESTION_CHARS`].
fn check_question(question: &str) -> Result<(), TestCaseError> {
    let matcher = common::shipped();
    let m = matcher.ask(question);
    let apart = matcher
        .triage(question)
        .unwrap_or_else(|| matcher.answer(question));
    prop_assert_eq!(&apart, &m);
    check_match(matcher, &m)?;
    check_reply(matcher, question, &m)?;
    let cut = first_chars(question, MAX_QUESTION_CHARS);
    // Matching reads the first MAX_QUESTION_CHARS characters; triage reads
    // further on purpose (an emergency late in a long message must be
    // seen), so a red flag past the cut may fire on the whole message only.
    prop_assert_eq!(matcher.answer(cut), matcher.answer(question));
    let explained = matcher.explain(question);
    // After the red flag and the small talk found, if any.
    prop_assert!(explained.lines().any(|l| l.starts_with("tokens:")));
    if matcher.triage(question) == matcher.triage(cut) {
        prop_assert_eq!(&matcher.ask(cut), &m);
        // The matching part of the explanation; the triage part above it
        // (the safety net's sentences) reads past the cut on purpose.
        let matching = |e: &str| e.split_once("tokens:").map(|(_, m)| m.to_owned());
        prop_assert_eq!(matching(&matcher.explain(cut)), matching(&explained));
    }
    Ok(())
}

// ------------------------------------------------------------ questions

proptest! {
    #![proptest_config(config(CASES))]

    /// Words are made of letters and digits only, whatever surrounded them.
    #[test]
    fn words_hold_only_letters_and_digits(text in hostile_text()) {
        for word in Normalizer::default().words(&text) {
            prop_assert!(word.text.chars().all(char::is_alphanumeric), "{word:?}");
            prop_assert!(!word.stem.chars().any(char::is_whitespace), "{word:?}");
        }
    }

    /// Case does not matter: ASCII upper and lower case read the same.
    #[test]
    fn words_ignore_ascii_case(text in hostile_text()) {
        let n = Normalizer::default();
        prop_assert_eq!(
            n.words(&text.to_ascii_uppercase()),
            n.words(&text.to_ascii_lowercase())
        );
    }

    /// A space separates words: two texts read apart or joined by a space
    /// give the same words, so nothing leaks from one word into the next.
    #[test]
    fn words_split_at_a_space(a in hostile_text(), b in hostile_text()) {
        let n = Normalizer::default();
        let mut apart = n.words(&a);
        apart.extend(n.words(&b));
        prop_assert_eq!(n.words(&format!("{a} {b}")), apart);
    }

    /// Any question gives a well-formed match and a postable reply, the same
    /// as the question cut to the length limit.
    #[test]
    fn any_question_gets_a_postable_reply(question in hostile_text()) {
        check_question(&question)?;
    }

    /// The bot never repeats a mention from the question.
    #[test]
    fn mentions_are_never_echoed(question in text_with_mention()) {
        let matcher = common::shipped();
        check_reply(matcher, &question, &matcher.ask(&question))?;
    }
}

proptest! {
    #![proptest_config(config(LONG_CASES))]

    /// Several hostile texts in a row: many pass the length limit, where the
    /// cut falls anywhere, mid-word included.
    #[test]
    fn long_questions_match_their_first_characters(
        parts in prop::collection::vec(hostile_text(), 1..16),
    ) {
        check_question(&parts.join(" "))?;
    }
}

proptest! {
    #![proptest_config(config(WALL_CASES))]

    /// A real question followed by 100 kB of anything is matched as its
    /// first characters, and normalising it all does not fail.
    #[test]
    fn walls_of_text_match_their_first_characters(question in wall_of_text()) {
        prop_assert!(question.len() >= LONG_QUESTION_BYTES);
        check_question(&question)?;
        let words = Normalizer::default().words(&question);
        prop_assert!(words.iter().all(|w| w.text.chars().all(char::is_alphanumeric)));
    }
}

// ------------------------------------------------------------ content

/// How the content folder is named in problems.
const DIR: &str = "faq";

/// The shipped content folder, every file by its name in the folder.
fn shipped_files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = common::shipped_dir();
        let mut files = BTreeMap::new();
        for sub in ["", "articles"] {
            for item in std::fs::read_dir(dir.join(sub)).expect("readable content folder") {
                let path = item.expect("dir entry").path();
                if path.is_file() {
                    let name = path
                        .strip_prefix(&dir)
                        .expect("inside the folder")
                        .to_string_lossy()
                        .into_owned();
                    files.insert(name, std::fs::read(&path).expect("readable file"));
                }
            }
        }
        files
    })
}

/// Bytes that go wrong as UTF-8: a byte never used, a lone lead byte, an
/// encoded surrogate, a cut-off emoji, a stray continuation byte, an overlong
/// slash.
const INVALID_UTF8: &[&[u8]] = &[
    b"\xFF",
    b"\xC3",
    b"\xED\xA0\x80",
    b"\xF0\x9F",
    b"\x80",
    b"\xC0\xAF",
];

/// Fragments that mean something to TOML, so mutations reach past the
/// syntax checks: quotes, brackets, table headers, keys of the wrong type
/// or unknown, duplicate ids, huge numbers, line endings.
const TOML_FRAGMENTS: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "=",
    "[",
    "]]",
    "{",
    ",",
    "#",
    "\\",
    "\n",
    "\r\n",
    "\0",
    "[[entry]]\n",
    "[[entry.source]]\n",
    "[[source.section]]\nheading = \"x\"\n",
    "[[topic]]\nid = \"pain\"\nname = \"n\"\nsummary = \"s\"\n",
    "id = \"what-is-qi\"\n",
    "topics = []\n",
    "answer = 3\n",
    "unknown = 1\n",
    "1e400",
    "é",
    "\u{202E}",
];

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Bytes written over those at a position.
    Replace(Index, Vec<u8>),
    /// Bytes inserted at a position.
    Insert(Index, Vec<u8>),
    /// A run of bytes taken out.
    Remove(Index, usize),
    /// The file cut off at a position.
    Truncate(Index),
}

/// Longest run of bytes a [`Mutation::Remove`] takes out.
const MAX_REMOVED: usize = 64;

fn mutation_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        select(INVALID_UTF8).prop_map(<[u8]>::to_vec),
        select(TOML_FRAGMENTS).prop_map(|s| s.as_bytes().to_vec()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), mutation_bytes()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        3 => (any::<Index>(), mutation_bytes()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        2 => (any::<Index>(), 1..MAX_REMOVED).prop_map(|(at, n)| Mutation::Remove(at, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |i: &Index| i.index(bytes.len() + 1);
    match mutation {
        Mutation::Replace(i, new) => {
            let start = at(i);
            let end = (start + new.len()).min(bytes.len());
            bytes.splice(start..end, new.iter().copied());
        }
        Mutation::Insert(i, new) => {
            let start = at(i);
            bytes.splice(start..start, new.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let start = at(i);
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Truncate(i) => {
            let end = at(i);
            bytes.truncate(end);
        }
    }
}

/// Which shipped file to change, and up to three changes to it (kept apart
/// from the files themselves, so a failure prints only the changes).
fn file_mutations() -> impl Strategy<Value = (String, Vec<Mutation>)> {
    let names: Vec<String> = shipped_files().keys().cloned().collect();
    (select(names), prop::collection::vec(mutation(), 1..4))
}

/// The shipped content with `mutations` applied to file `name`.
fn mutated(name: &str, mutations: &[Mutation]) -> BTreeMap<String, Vec<u8>> {
    let mut files = shipped_files().clone();
    if let Some(bytes) = files.get_mut(name) {
        for m in mutations {
            apply(bytes, m);
        }
    }
    files
}

/// Lines as an editor counts them: a last line without its newline counts.
fn line_count(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// Serves `files` to the loader and remembers which names it asked for.
struct Folder<'f> {
    files: &'f BTreeMap<String, Vec<u8>>,
    asked: Mutex<BTreeSet<String>>,
}

impl<'f> Folder<'f> {
    fn new(files: &'f BTreeMap<String, Vec<u8>>) -> Self {
        Folder {
            files,
            asked: Mutex::new(BTreeSet::new()),
        }
    }

    fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        self.asked
            .lock()
            .expect("no reader panicked")
            .insert(name.to_owned());
        self.files
            .get(name)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    /// A failed load lists at least one problem, each naming a file the
    /// loader read, with a line inside that file when it has one.
    fn check_problems(&self, problems: &[Problem]) -> Result<(), TestCaseError> {
        prop_assert!(!problems.is_empty(), "a failed load says why");
        let asked = self.asked.lock().expect("no reader panicked");
        for p in problems {
            let name = p.file.strip_prefix(&format!("{DIR}/"));
            prop_assert!(
                name.is_some_and(|n| asked.contains(n)),
                "problem names a file never read: {p}"
            );
            prop_assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
            prop_assert!(p.to_string().starts_with(&p.file));
            if let Some(line) = p.line {
                let bytes = name.and_then(|n| self.files.get(n));
                prop_assert!(bytes.is_some(), "a line in a missing file: {p}");
                let lines = line_count(bytes.map_or(&[][..], Vec::as_slice));
                prop_assert!((1..=lines + 1).contains(&line), "{lines} lines: {p}");
            }
        }
        Ok(())
    }
}

#[test]
fn the_shipped_files_load_from_memory() {
    let folder = Folder::new(shipped_files());
    let loaded = backpain_bot::load_with(DIR, |n| folder.read(n), Thresholds::default());
    assert!(loaded.is_ok(), "{:#?}", loaded.err());
    assert!(folder
        .asked
        .lock()
        .expect("no reader panicked")
        .iter()
        .any(|n| n.starts_with("articles/")));
}

proptest! {
    #![proptest_config(config(CONTENT_CASES))]

    /// Broken content is reported, never a panic: parsing gives a catalog
    /// or problems with files and lines that exist.
    #[test]
    fn mutated_content_parses_or_says_where((name, mutations) in file_mutations()) {
        let files = mutated(&name, &mutations);
        let folder = Folder::new(&files);
        if let Err(problems) = content::parse(DIR, |n| folder.read(n)) {
            folder.check_problems(&problems)?;
        }
    }

    /// The same through `load_with`, which also indexes the catalog and
    /// checks phrasings the matcher cannot tell apart; a folder that loads
    /// answers questions.
    #[test]
    fn mutated_content_loads_or_says_where((name, mutations) in file_mutations()) {
        let files = mutated(&name, &mutations);
        let folder = Folder::new(&files);
        match backpain_bot::load_with(DIR, |n| folder.read(n), Thresholds::default()) {
            Ok(matcher) => {
                for question in ["what is qi", "is acupuncture painful", "\u{202E}🙂"] {
                    let m = matcher.ask(question);
                    check_match(&matcher, &m)?;
                    check_reply(&matcher, question, &m)?;
                }
            }
            Err(problems) => folder.check_problems(&problems)?,
        }
    }

    /// Invalid UTF-8 anywhere in any file is refused with the line where it
    /// starts.
    #[test]
    fn invalid_utf8_is_reported_on_its_line(
        name in select(shipped_files().keys().cloned().collect::<Vec<_>>()),
        at in any::<Index>(),
        bad in select(INVALID_UTF8),
    ) {
        let mut files = shipped_files().clone();
        let bytes = files.get_mut(&name).expect("a shipped file");
        let at = at.index(bytes.len() + 1);
        bytes.splice(at..at, bad.iter().copied());
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let folder = Folder::new(&files);
        let problems = content::parse(DIR, |n| folder.read(n)).err().unwrap_or_default();
        folder.check_problems(&problems)?;
        let expected = Problem {
            file: format!("{DIR}/{name}"),
            line: Some(line),
            message: "the file is not valid UTF-8 text (save it as UTF-8)".to_owned(),
        };
        prop_assert!(problems.contains(&expected), "{problems:#?}");
    }
}

// ------------------------------------------------------------ config

/// How the config file is named in problems.
const CONFIG_LABEL: &str = "bot.toml";

const CONFIG_EXAMPLE: &str = include_str!("../config.example.toml");

/// Fragments that mean something in the config file.
const CONFIG_FRAGMENTS: &[&str] = &[
    "[matching]\n",
    "[discord]\n",
    "[cooldown]\n",
    "[[matching]]\n",
    "answer_threshold = ",
    "guild_ids = [",
    "questions = -1",
    "per_seconds = 1e400",
    "content_dir = ",
    "\"a\\nb\" = 1\n",
    "\"\\u001b[2J\\r\" = 1\n",
    "[matching]\n\"x\\ny\" = 0.5\n",
    "'''\n",
    "\"\"\"\n",
    "0.5",
    "NaN",
    "inf",
    "18446744073709551616",
    "=",
    "\n",
    "\r",
    "[",
    "]",
    "\"",
];

fn config_text() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_text(),
        prop::collection::vec(
            prop_oneof![
                select(CONFIG_FRAGMENTS).prop_map(str::to_owned),
                hostile_text()
            ],
            0..12
        )
        .prop_map(|parts| parts.concat()),
        prop::collection::vec(mutation(), 1..4).prop_map(|mutations| {
            let mut bytes = CONFIG_EXAMPLE.as_bytes().to_vec();
            for m in &mutations {
                apply(&mut bytes, m);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }),
    ]
}

/// Config problems are one line each, name the file, and sit on a line of
/// it.
fn check_config_problems(text: &str, problems: &[Problem]) -> Result<(), TestCaseError> {
    prop_assert!(!problems.is_empty(), "a refused config says why");
    let lines = line_count(text.as_bytes());
    for p in problems {
        prop_assert_eq!(&p.file, CONFIG_LABEL);
        let shown = p.to_string();
        prop_assert!(
            !shown.contains(['\n', '\r']),
            "a problem spans several lines: {shown:?}"
        );
        prop_assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
        if let Some(line) = p.line {
            prop_assert!((1..=lines + 1).contains(&line), "{lines} lines: {shown}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    /// Any text is a config or a list of one-line problems.
    #[test]
    fn any_config_text_parses_or_says_where(text in config_text()) {
        if let Err(problems) = Config::parse(CONFIG_LABEL, &text) {
            check_config_problems(&text, &problems)?;
        }
    }

    /// Thresholds are accepted exactly when each is between 0 and 1 and
    /// suggesting needs no more than answering, and are read back as written.
    #[test]
    fn thresholds_are_checked_and_read_back(
        answer in -0.5f64..1.5,
        suggest in -0.5f64..1.5,
        tie_margin in -0.5f64..1.5,
        classifier in -0.5f64..1.5,
    ) {
        let text = format!(
            "[matching]\nanswer_threshold = {answer:?}\nsuggest_threshold = {suggest:?}\n\
             tie_margin = {tie_margin:?}\nclassifier_threshold = {classifier:?}\n"
        );
        let valid = [answer, suggest, tie_margin, classifier]
            .iter()
            .all(|x| (0.0..=1.0).contains(x))
            && suggest <= answer;
        match Config::parse(CONFIG_LABEL, &text) {
            Ok(config) => {
                prop_assert!(valid, "accepted: {text}");
                let expected = Thresholds { answer, suggest, tie_margin, classifier };
                prop_assert_eq!(config.matching.thresholds(), expected);
            }
            Err(problems) => {
                prop_assert!(!valid, "refused: {text}\n{problems:?}");
                check_config_problems(&text, &problems)?;
            }
        }
    }

    /// A token written into the config file is refused on its line, pointing
    /// to DISCORD_TOKEN, and never repeated.
    #[test]
    fn a_token_in_the_config_is_refused_and_not_echoed(
        at in any::<Index>(),
        key in select(&["token", "TOKEN", "\"token\"", "discord_token", "  token"][..]),
        secret in "[A-Za-z0-9._-]{24,72}",
    ) {
        let mut lines: Vec<&str> = CONFIG_EXAMPLE.lines().collect();
        let line = at.index(lines.len() + 1);
        let assignment = format!("{key} = \"{secret}\"");
        lines.insert(line, &assignment);
        let text = lines.join("\n");
        let problems = Config::parse(CONFIG_LABEL, &text).err().unwrap_or_default();
        check_config_problems(&text, &problems)?;
        prop_assert_eq!(problems.len(), 1);
        prop_assert_eq!(problems[0].line, Some(line + 1));
        prop_assert!(problems[0].message.contains("DISCORD_TOKEN"));
        prop_assert!(!problems[0].to_string().contains(&secret));
    }
}
