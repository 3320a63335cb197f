//! Matching a question to the catalog: which entry answers it, how sure we
//! are, and what to suggest when we are not.
//!
//! The pipeline is: `normalize` the text into words; in `index`, correct
//! typos against the content's vocabulary, apply synonyms and weigh each
//! token by IDF; gather candidate documents from the postings; score each
//! candidate; decide the [`Outcome`] from named thresholds. A message the
//! FAQ has no answer for may still be small talk (`small_talk`).
//!
//! Matching is deterministic: the same catalog and question always give the
//! same result (ties are broken by catalog order).

mod classifier;
mod clauses;
mod english;
mod hybrid;
mod index;
mod mentions;
mod net_classifier;
mod normalize;
mod safety_net;
pub mod semantic;
mod short_words;
mod small_talk;
mod triage;

use std::sync::Arc;

use rustc_hash::FxHashMap;

pub use normalize::{Break, Normalizer, Word};

use crate::content::{Catalog, Entry, Problem, RedFlag, Talk, Topic};
pub use classifier::ANSWER_P as CLASSIFIER_THRESHOLD;
use classifier::{Classifier, DenseRows, Verdict};
use hybrid::{Evidence, SemanticIndex};
use index::{Index, QueryToken};
use mentions::Mentions;
use net_classifier::{Judged, NetClassifier};
use safety_net::{Caught, Origin, SafetyNet};
use small_talk::SmallTalkIndex;
use triage::Triage;

/// Questions are cut to this many characters before matching. A Discord
/// message can hold 4000; an FAQ question is a sentence or two, and a cap
/// keeps a pasted wall of text from costing more than a question should.
pub const MAX_QUESTION_CHARS: usize = 500;

/// Red-flag triage reads this many characters of a message, more than
/// matching does: an emergency mentioned late in a long message must still
/// be seen. 4000 is the longest message Discord lets anyone send, and
/// triage costs about a microsecond per word, so the longest costs well under
/// a millisecond.
pub const MAX_TRIAGE_CHARS: usize = 4000;

/// How many suggestions a "did you mean" reply offers at most.
pub const MAX_SUGGESTIONS: usize = 3;

/// Confidence at or above which the best entry is given as the answer.
/// Chosen (with [`TIE_MARGIN`]) by a grid on the pooled tuning sets
/// (dev-questions, realistic-dev, tuning-realistic: 282 in-domain
/// messages), right answers minus five per wrong one, every golden case
/// kept: 0.53 with a margin of 0.04 answers 126 with 7 wrong, where the
/// earlier 0.58 and 0.03 (chosen on smaller sets) answered 110 with 8
/// (docs/QUALITY.md has the grid).
pub const ANSWER_THRESHOLD: f64 = 0.53;

/// Confidence at or above which an entry is worth suggesting. Below it the
/// honest reply is "I don't have an answer for that". Results on the tuning
/// sets are best and the same from 0.51 to 0.53; off-topic questions that
/// share a generic word with an entry ("how do I *learn* to code") score up
/// to about 0.51, genuine near-misses from about 0.53.
pub const SUGGEST_THRESHOLD: f64 = 0.52;

/// When the best two entries are closer than this, the question is
/// ambiguous and we ask which one was meant rather than guess. Smaller than
/// the gap `INEXACT_CAP` leaves (0.05), so an exact phrasing always wins;
/// chosen with [`ANSWER_THRESHOLD`].
pub const TIE_MARGIN: f64 = 0.04;

/// How much recall counts against precision when scoring a phrasing
/// (F-beta's β²). Both matter equally: recall (how much of the question the
/// entry explains) tells off-topic questions apart, precision (how much of
/// the phrasing the question covers) tells neighbouring entries apart.
/// β² = 1.5 and 2 scored a few cases worse on the tuning sets
/// (docs/QUALITY.md).
const RECALL_BIAS: f64 = 1.0;

/// Credit for question words that a phrasing lacks but its entry has
/// elsewhere (another phrasing, a topic name, the answer), relative to words
/// the phrasing itself has: one phrasing saying it all is stronger evidence
/// than words scattered over the entry.
const BAG_CREDIT: f64 = 0.5;

/// A match that is not word for word one of the entry's phrasings is never
/// fully certain; this keeps an exact phrasing ahead of a near one by more
/// than [`TIE_MARGIN`].
const INEXACT_CAP: f64 = 0.95;

/// The calibrated probability (see `hybrid::Evidence::probability`) at
/// or above which a question the lexical matcher found no match for is
/// answered by its likeliest candidate: the lowest threshold whose added
/// answers were right at least 19 times in 20 in cross-validation on the
/// tuning sets (`docs/tools/calibrate.py`, docs/QUALITY.md). Few questions
/// get there: the semantic layer mostly asks.
pub const HYBRID_ANSWER: f64 = 0.825;

/// The calibrated probability at or above which a candidate is offered in a
/// "did you mean" instead of "I don't have an answer". Even odds (0.5) is
/// the natural line, but it offers "How much does a session cost?" for
/// "how much does a new car cost" (0.63), an off-topic golden case that
/// must stay unanswered; 0.65 is the lowest point of the calibration grid
/// that keeps every golden case as it was (docs/QUALITY.md).
pub const HYBRID_SUGGEST: f64 = 0.65;

/// How many entries `explain` lists.
const EXPLAIN_RANKED: usize = 5;

/// The thresholds that turn a confidence into an outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// See [`ANSWER_THRESHOLD`].
    pub answer: f64,
    /// See [`SUGGEST_THRESHOLD`].
    pub suggest: f64,
    /// See [`TIE_MARGIN`].
    pub tie_margin: f64,
    /// See [`CLASSIFIER_THRESHOLD`]; 1 turns the classifier off.
    pub classifier: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            answer: ANSWER_THRESHOLD,
            suggest: SUGGEST_THRESHOLD,
            tie_margin: TIE_MARGIN,
            classifier: CLASSIFIER_THRESHOLD,
        }
    }
}

/// What the bot does with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// One entry answers it.
    Answer,
    /// Some entries might; ask which.
    Suggest,
    /// Nothing in the catalog answers it.
    NoMatch,
    /// The question describes an emergency (red-flag triage).
    Urgent,
    /// Small talk ("hi", "thanks", "who are you"): nothing the FAQ answers,
    /// but it gets its friendly reply from `smalltalk.toml`.
    Chat,
}

impl Outcome {
    /// The outcome's name in the JSON contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answer => "answer",
            Outcome::Suggest => "suggest",
            Outcome::NoMatch => "no_match",
            Outcome::Urgent => "urgent",
            Outcome::Chat => "chat",
        }
    }
}

/// An entry and how well it matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Index into [`Catalog::entries`].
    pub entry: usize,
    /// Confidence in 0..=1.
    pub confidence: f64,
    /// Share of the question's weight the entry explains (0..=1).
    pub recall: f64,
    /// Share of the best phrasing's weight the question covers (0..=1).
    pub precision: f64,
}

/// The result of matching one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// What to do.
    pub outcome: Outcome,
    /// Confidence of the best entry in 0..=1 (0 when nothing matched).
    pub confidence: f64,
    /// The answering entry, for [`Outcome::Answer`].
    pub entry: Option<usize>,
    /// A second entry answered, for [`Outcome::Answer`], when the message
    /// asks two questions ("is it safe and does it hurt?"), each read on
    /// its own (`clauses`).
    pub also: Option<usize>,
    /// Entries to offer, for [`Outcome::Suggest`] (best first).
    pub suggestions: Vec<Scored>,
    /// The best entries found, whatever the outcome (best first, at most
    /// [`MAX_SUGGESTIONS`]); used to point a no-match at nearby topics.
    pub ranked: Vec<Scored>,
    /// The red flag that made the outcome [`Outcome::Urgent`] (an index into
    /// the catalog's `red_flags.flags`).
    pub flag: Option<usize>,
    /// The small talk that made the outcome [`Outcome::Chat`] (an index
    /// into the catalog's `small_talk.talks`).
    pub talk: Option<usize>,
}

impl Match {
    /// The match for a question that fires red flag `flag` (an index into
    /// the catalog's `red_flags.flags`).
    pub fn urgent(flag: usize) -> Match {
        Match {
            outcome: Outcome::Urgent,
            confidence: 1.0,
            entry: None,
            also: None,
            suggestions: Vec::new(),
            ranked: Vec::new(),
            flag: Some(flag),
            talk: None,
        }
    }
}

/// A catalog together with its index: the unit that `/reload` swaps.
pub struct Matcher {
    catalog: Catalog,
    index: Index,
    triage: Triage,
    small_talk: SmallTalkIndex,
    /// The words some entries must be asked with.
    mentions: Mentions,
    /// The phrasings' vectors; `None` when the semantic layer is off.
    semantic: Option<SemanticIndex>,
    /// Red-flag examples by meaning; `None` when the semantic layer is off.
    net: Option<SafetyNet>,
    /// What the example messages of red flags teach; `None` when the
    /// semantic layer is off or there are none.
    net_classifier: Option<Arc<NetClassifier>>,
    /// What members' messages teach; `None` without examples, or for a
    /// catalog too large to train one for.
    classifier: Option<Classifier>,
    thresholds: Thresholds,
}

impl Matcher {
    /// Indexes a catalog. Costs a few milliseconds; do it outside any lock.
    pub fn new(catalog: Catalog, thresholds: Thresholds) -> Matcher {
        // Parsed here, not by the first question that needs it.
        english::load();
        let index = Index::build(&catalog);
        let triage = Triage::new(&catalog.red_flags, index.normalizer());
        let small_talk = SmallTalkIndex::new(
            &catalog.small_talk,
            &catalog.red_flags.negation,
            index.normalizer(),
        );
        let mentions = Mentions::new(&catalog, &index);
        let semantic = semantic::model().map(|model| {
            // A catalog too large to scan whole keeps one vector an entry,
            // its question's (see `hybrid::FULL_SCAN_PHRASINGS`).
            let all: usize = catalog.entries.iter().map(|e| 1 + e.alternates.len()).sum();
            let whole = all <= hybrid::FULL_SCAN_PHRASINGS;
            let phrasings: Vec<Vec<&str>> = catalog
                .entries
                .iter()
                .map(|e| {
                    let alternates = e.alternates.iter().filter(|_| whole);
                    std::iter::once(e.question.as_str())
                        .chain(alternates.map(String::as_str))
                        .collect()
                })
                .collect();
            SemanticIndex::build(model, &phrasings)
        });
        // One after the other, not on two cores: the two builds' working
        // memory at once would raise the bot's peak by megabytes
        // (docs/PERFORMANCE.md), for tens of milliseconds saved.
        let classifier = train_classifier(&catalog, &index);
        let net =
            semantic::model().map(|model| SafetyNet::build(model, &catalog, index.normalizer()));
        let net_classifier = semantic::model().and_then(|model| {
            NetClassifier::build(model, &catalog, index.normalizer(), &triage, |n, text| {
                n.words_and_breaks(truncate(text, MAX_TRIAGE_CHARS), MAX_TRIAGE_CHARS)
            })
        });
        Matcher {
            catalog,
            index,
            triage,
            small_talk,
            mentions,
            semantic,
            net,
            net_classifier,
            classifier,
            thresholds,
        }
    }

    /// The catalog being matched against.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The thresholds in force.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// The entry at an index from a [`Match`].
    pub fn entry(&self, index: usize) -> &Entry {
        &self.catalog.entries[index]
    }

    /// The red flag an urgent match fired.
    pub fn red_flag(&self, m: &Match) -> Option<&RedFlag> {
        m.flag.and_then(|i| self.catalog.red_flags.flags.get(i))
    }

    /// The small talk a chat match is.
    pub fn talk(&self, m: &Match) -> Option<&Talk> {
        m.talk.and_then(|i| self.catalog.small_talk.talks.get(i))
    }

    /// The words red-flag triage reads: the message's first
    /// [`MAX_TRIAGE_CHARS`] characters, with the punctuation between them.
    fn triage_words(&self, question: &str) -> (Vec<Word>, Vec<Break>) {
        self.index
            .normalizer()
            .words_and_breaks(truncate(question, MAX_TRIAGE_CHARS), MAX_TRIAGE_CHARS)
    }

    /// The words FAQ matching reads: the first [`MAX_QUESTION_CHARS`]
    /// characters, with the punctuation between them (where the message's
    /// parts begin, `clauses`).
    fn question_words(&self, question: &str) -> (Vec<Word>, Vec<Break>) {
        self.index
            .normalizer()
            .words_and_breaks(truncate(question, MAX_QUESTION_CHARS), MAX_QUESTION_CHARS)
    }

    /// Matches a question against the catalog. Red flags are checked first
    /// and always win: a question that describes an emergency is `Urgent`,
    /// whatever FAQ entry it might also resemble. [`Matcher::triage`] then
    /// [`Matcher::answer`], reading the words once.
    pub fn ask(&self, question: &str) -> Match {
        let (words, breaks) = self.triage_words(question);
        if let Some(flag) = self.urgent(&words, &breaks) {
            return Match::urgent(flag);
        }
        // Most questions are shorter than both caps and plain ASCII, which
        // folding neither lengthens nor cuts: read once.
        let (words, breaks) = if question.len() <= MAX_QUESTION_CHARS && question.is_ascii() {
            // What `words_and_breaks` would give: the first words.
            let (mut words, mut breaks) = (words, breaks);
            words.truncate(MAX_QUESTION_CHARS);
            breaks.truncate(MAX_QUESTION_CHARS);
            (words, breaks)
        } else {
            self.question_words(question)
        };
        self.match_message(words, &breaks, truncate(question, MAX_QUESTION_CHARS))
    }

    /// Red-flag triage alone: the urgent match when the message (its first
    /// [`MAX_TRIAGE_CHARS`] characters) describes an emergency. Cheap, and
    /// run for every message, a flooder's included: an emergency is always
    /// answered.
    pub fn triage(&self, question: &str) -> Option<Match> {
        let (words, breaks) = self.triage_words(question);
        self.urgent(&words, &breaks).map(Match::urgent)
    }

    /// The red flag a message fires: by a rule, or else by the safety net.
    fn urgent(&self, words: &[Word], breaks: &[Break]) -> Option<usize> {
        match self.triage.assess(words, breaks) {
            Ok(fired) => Some(fired.flag),
            Err(denied) => self
                .caught(words, breaks, &denied)
                .map(|c| c.flag)
                .or_else(|| self.judged(words, breaks, &denied).map(|j| j.flag)),
        }
    }

    /// The alarm the safety net's classifier raises on a message no rule
    /// and no example sentence fired on.
    fn judged(&self, words: &[Word], breaks: &[Break], denied: &[bool]) -> Option<Judged> {
        let (c, model) = (self.net_classifier.as_ref()?, semantic::model()?);
        c.check(model, words, breaks, denied)
    }

    /// What the safety net finds in a message no rule fired on.
    fn caught(&self, words: &[Word], breaks: &[Break], denied: &[bool]) -> Option<Caught> {
        let (net, model) = (self.net.as_ref()?, semantic::model()?);
        net.check(model, words, breaks, denied)
    }

    /// An example or phrasing of the safety net, as text.
    fn origin_text(&self, origin: Origin) -> &str {
        match origin {
            Origin::Example(i) => self
                .catalog
                .red_flags
                .examples
                .get(i)
                .map_or("", |e| e.text.as_str()),
            Origin::Phrasing(e, k) => self
                .catalog
                .entries
                .get(e)
                .and_then(|e| e.phrasings().nth(k))
                .map_or("", String::as_str),
            Origin::Talk(t, k) => self
                .catalog
                .small_talk
                .talks
                .get(t)
                .and_then(|t| t.phrases.get(k))
                .map_or("", String::as_str),
        }
    }

    /// FAQ matching alone, for a message [`Matcher::triage`] let through:
    /// its first [`MAX_QUESTION_CHARS`] characters against the catalog.
    /// Never `Urgent`; `Chat` when the FAQ has no answer and the message is
    /// small talk.
    pub fn answer(&self, question: &str) -> Match {
        let (words, breaks) = self.question_words(question);
        self.match_message(words, &breaks, truncate(question, MAX_QUESTION_CHARS))
    }

    /// The outcome for a whole message: [`Matcher::match_words`] of all its
    /// words, then of each part that asks (`clauses`), when it has several.
    /// An asking part answered on its own answers a message the whole of
    /// which got no answer ("been bad all week. is acupressure legit?");
    /// a second entry so answered is [`Match::also`] ("is it safe and does
    /// it hurt?"). Small talk and urgent messages stay as they are.
    fn match_message(&self, words: Vec<Word>, breaks: &[Break], text: &str) -> Match {
        let asking: Vec<(bool, String, Vec<Word>)> = clauses::asking(&words, breaks, text)
            .iter()
            .map(|p| {
                (
                    p.refers_back,
                    p.text(&words),
                    words[p.start..p.end].to_vec(),
                )
            })
            .collect();
        let (mut m, asked) = self.match_steps(words, text);
        let open = matches!(m.outcome, Outcome::NoMatch | Outcome::Suggest);
        if asking.is_empty() || !(open || m.outcome == Outcome::Answer) {
            return m;
        }
        // What the whole message says outweighs what a part says alone:
        // "what is dry needling and is it the same as acupuncture?" asks
        // about something no entry covers.
        if open && asked.is_some_and(|(v, _)| v.entry.is_none() && v.p >= clauses::UNCOVERED_P) {
            return m;
        }
        // (entry, confidence, whether its part points back at the rest)
        let mut answered: Vec<(usize, f64, bool)> = Vec::new();
        for (refers_back, text, part) in asking {
            let pm = self.match_words(part, &text);
            if let (Outcome::Answer, Some(e)) = (pm.outcome, pm.entry) {
                if pm.confidence >= clauses::PART_ANSWER && !answered.iter().any(|a| a.0 == e) {
                    answered.push((e, pm.confidence, refers_back));
                }
            }
        }
        if open {
            // A part that points back ("does it work?") answers only next
            // to another answer: alone, it has lost what it asks about.
            let Some(&(first, confidence, _)) = answered.iter().find(|a| !a.2) else {
                return m;
            };
            m.outcome = Outcome::Answer;
            m.entry = Some(first);
            m.confidence = confidence;
            m.suggestions.clear();
        }
        m.also = answered.iter().map(|a| a.0).find(|&e| Some(e) != m.entry);
        // Both answers in the order the message asks them.
        let at = |e: Option<usize>| answered.iter().position(|a| Some(a.0) == e);
        if let (Some(a), Some(b)) = (at(m.entry), at(m.also)) {
            if b < a {
                std::mem::swap(&mut m.entry, &mut m.also);
            }
        }
        m
    }

    /// The FAQ's outcome for `words`, or small talk when every word is
    /// small talk (see [`SmallTalkIndex::check`]). A greeting never hides an
    /// answer: "hey, is acupuncture safe?" has words no small-talk phrase
    /// covers, so it is not small talk. But a message that is small talk
    /// through and through is, even when one of its words resembles an
    /// entry ("who are you" is not "Who performs acupuncture?", "thanks so
    /// much" is not "How much does a session cost?"), unless it is word for
    /// word one of the entry's phrasings: a moderator who wrote it in
    /// entries.toml meant it to be answered.
    fn match_words(&self, words: Vec<Word>, text: &str) -> Match {
        self.match_steps(words, text).0
    }

    /// [`Matcher::match_words`], with what the classifier thought and the
    /// outcome before it was asked, when it was (for `ask --explain`).
    fn match_steps(&self, words: Vec<Word>, text: &str) -> (Match, Option<(Verdict, Outcome)>) {
        // Checked first, since matching consumes the words: it stops at the
        // first word that is neither a phrase nor filler, so a question
        // costs a word or two here.
        let chat = self.small_talk.check(&words);
        let (tokens, folded) = self.index.query_words(words);
        let ranked = self.rank(&tokens, &folded, self.thresholds.suggest);
        let mut m = self.decide(ranked);
        if m.outcome == Outcome::NoMatch {
            let weighed = self.weigh(text, &tokens, &folded, &m);
            self.hybrid_decide(&mut m, &weighed);
        }
        let mut asked = None;
        if let (Outcome::NoMatch | Outcome::Suggest, None, Some(classifier)) =
            (m.outcome, &chat, &self.classifier)
        {
            let vector = semantic::model().and_then(|model| model.embed(text));
            let v = classifier.classify(&tokens, vector.as_ref().map(|v| &*v.0));
            asked = Some((v, m.outcome));
            // One must_mention check serves both lines; a message below
            // both (or with the classifier off) needs none.
            let t = self.thresholds.classifier;
            let admitted = v.entry.filter(|&e| {
                t < 1.0
                    && v.p >= t.min(classifier::SUGGEST_P)
                    && self.mentions.admits(e, &known_tokens(&tokens))
            });
            // Two entries the words rate alike make the question ambiguous
            // ("side effects": of acupuncture, or of acupressure?): the
            // classifier does not break the tie, and the "did you mean"
            // offers both.
            let tied = m.outcome == Outcome::Suggest
                && matches!(m.suggestions.as_slice(),
                    [a, b, ..] if a.confidence - b.confidence < self.thresholds.tie_margin);
            match admitted {
                Some(e) if v.p >= t && !tied => {
                    m.outcome = Outcome::Answer;
                    m.entry = Some(e);
                    m.confidence = v.p;
                    m.suggestions.clear();
                }
                // A "did you mean" only where nothing else was found: a
                // lexical suggestion stands.
                Some(e) if m.outcome == Outcome::NoMatch && v.p >= classifier::SUGGEST_P => {
                    m.outcome = Outcome::Suggest;
                    m.confidence = v.p;
                    m.suggestions = vec![Scored {
                        entry: e,
                        confidence: v.p,
                        recall: 0.0,
                        precision: 0.0,
                    }];
                }
                _ => {}
            }
        }
        let exact = m.outcome == Outcome::Answer && m.confidence > INEXACT_CAP;
        if let (false, Some(chat)) = (exact, chat) {
            m.outcome = Outcome::Chat;
            m.entry = None;
            m.suggestions.clear();
            m.talk = Some(chat.talk);
        }
        (m, asked)
    }

    /// Phrasings of different entries that the matcher reads as the same
    /// words: a question worded like either can only get a "did you mean";
    /// and `must_mention` words the matcher cannot use or a phrasing lacks
    /// (see `mentions`). `entries_label` names `entries.toml` in the
    /// problems.
    pub fn problems(&self, entries_label: &str) -> Vec<Problem> {
        let mut owner: FxHashMap<&[u32], (usize, &index::Phrasing)> = FxHashMap::default();
        let mut out = Vec::new();
        for (e, entry_index) in self.index.entries.iter().enumerate() {
            for phrasing in &entry_index.phrasings {
                let entry = self.entry(e);
                if phrasing.tokens.is_empty() {
                    out.push(Problem {
                        file: entries_label.to_owned(),
                        line: Some(entry.line),
                        message: format!(
                            "entry \"{}\": the phrasing \"{}\" has no words the matcher can use \
                             (only words like \"is\", \"the\", \"how\")",
                            entry.id, phrasing.folded
                        ),
                    });
                    continue;
                }
                match owner.get(phrasing.tokens.as_slice()) {
                    Some(&(first_entry, first)) if first_entry != e => {
                        let a = self.entry(first_entry);
                        let words: Vec<&str> = phrasing
                            .tokens
                            .iter()
                            .map(|&id| self.index.names[id as usize].as_str())
                            .collect();
                        out.push(Problem {
                            file: entries_label.to_owned(),
                            line: Some(entry.line),
                            message: format!(
                                "entry \"{}\": the phrasing \"{}\" reads the same to the matcher \
                                 as \"{}\" of entry \"{}\" (both come down to: {}); reword one \
                                 of them",
                                entry.id,
                                phrasing.folded,
                                first.folded,
                                a.id,
                                words.join(" ")
                            ),
                        });
                    }
                    Some(_) => {}
                    None => {
                        owner.insert(&phrasing.tokens, (e, phrasing));
                    }
                }
            }
        }
        out.extend(
            self.mentions
                .problems(&self.catalog, &self.index, entries_label),
        );
        out
    }

    /// Small-talk phrases of different talks that the matcher reads as the
    /// same words: only the first talk's reply could ever be given.
    /// `label` names `smalltalk.toml` in the problems.
    pub fn small_talk_problems(&self, label: &str) -> Vec<Problem> {
        let talks = &self.catalog.small_talk.talks;
        self.small_talk
            .collisions
            .iter()
            .filter_map(|c| {
                let (talk, owner) = (talks.get(c.talk)?, talks.get(c.owner)?);
                Some(Problem {
                    file: label.to_owned(),
                    line: Some(talk.line),
                    message: format!(
                        "talk \"{}\": the phrase \"{}\" reads the same to the matcher as \
                         \"{}\" of talk \"{}\" (word endings do not count), so it would get \
                         that talk's reply; reword or remove one of them",
                        talk.id, c.phrase, c.owner_phrase, owner.id
                    ),
                })
            })
            .collect()
    }

    /// Why a question matched as it did: its tokens with their weights, and
    /// the best-scoring entries. For moderators tuning phrasings
    /// (`backpain-bot ask --explain`).
    pub fn explain(&self, question: &str) -> String {
        let (words, breaks) = self.triage_words(question);
        let mut out = String::new();
        let flag_id = |i: usize| {
            self.catalog
                .red_flags
                .flags
                .get(i)
                .map_or("", |f| f.id.as_str())
        };
        match self.triage.assess(&words, &breaks) {
            Ok(fired) => out.push_str(&format!(
                "red flag: {}, rule {} of red-flags.toml, on \"{}\"\n",
                flag_id(fired.flag),
                fired.rule + 1,
                fired.matched.join("\" + \"")
            )),
            Err(denied) => {
                if let Some(c) = self.caught(&words, &breaks, &denied) {
                    let calm = c.calm.map_or("", |o| self.origin_text(o));
                    out.push_str(&format!(
                        "red flag: {}, by the safety net: \"{}\" is like the example \"{}\" \
                         of red-flag-examples.toml ({:.2}; the nearest calm sentence, \"{}\", \
                         {:.2})\n",
                        flag_id(c.flag),
                        c.sentence,
                        self.origin_text(c.example),
                        c.like,
                        calm,
                        c.calm_like
                    ));
                }
                let judged = (self.net_classifier.as_ref())
                    .zip(semantic::model())
                    .and_then(|(c, model)| c.judge(model, &words, &breaks, &denied));
                if let Some(j) = judged.as_ref().filter(|j| j.p >= net_classifier::ALARM_P) {
                    let caught = self.caught(&words, &breaks, &denied).is_some();
                    if !caught {
                        out.push_str(&format!(
                            "red flag: {}, by the safety net's classifier (learnt from the \
                             messages of red-flag-examples.toml; {:.2} sure), weighing most: {}\n",
                            flag_id(j.flag),
                            j.p,
                            explained(&j.why)
                        ));
                    }
                }
                if let Some(j) = &judged {
                    out.push_str(&format!(
                        "  net classifier: {} {:.3} on {}\n",
                        flag_id(j.flag),
                        j.p,
                        explained(&j.why)
                    ));
                }
                if let (Some(net), Some(model)) = (&self.net, semantic::model()) {
                    for c in net.read(model, &words, &breaks, &denied) {
                        out.push_str(&format!(
                            "  net: {} {:.3} calm {:.3} \"{}\"\n",
                            flag_id(c.flag),
                            c.like,
                            c.calm_like,
                            c.sentence
                        ));
                    }
                }
            }
        }
        // Read once: the words are consumed by each step below.
        let (question_words, question_breaks) = self.question_words(question);
        let words = question_words.clone();
        if let Some(chat) = self.small_talk.check(&words) {
            let id = self
                .catalog
                .small_talk
                .talks
                .get(chat.talk)
                .map_or("", |t| t.id.as_str());
            out.push_str(&format!(
                "small talk: {id}, phrase \"{}\" of smalltalk.toml (its reply, unless the \
                 message is word for word an entry's phrasing)\n",
                chat.phrase
            ));
        }
        let (tokens, folded) = self.index.query_words(words);
        out.push_str("tokens:");
        for t in &tokens {
            let known = if t.id.is_some() { "" } else { " unknown" };
            let typo = if t.discount < 1.0 {
                " typo-corrected"
            } else {
                ""
            };
            out.push_str(&format!(" [{} {:.2}{known}{typo}]", t.token, t.weight));
        }
        let lexical = self.decide(self.rank(&tokens, &folded, self.thresholds.suggest));
        if lexical.outcome == Outcome::NoMatch {
            let text = truncate(question, MAX_QUESTION_CHARS);
            for (s, e) in self.weigh(text, &tokens, &folded, &lexical) {
                let features: Vec<String> =
                    e.features().iter().map(|x| format!("{x:.4}")).collect();
                out.push_str(&format!(
                    "\nsemantic: {} p {:.3} features {}",
                    self.entry(s.entry).id,
                    s.confidence,
                    features.join(" ")
                ));
            }
        }
        let text = truncate(question, MAX_QUESTION_CHARS);
        if let (_, Some((v, before))) = self.match_steps(question_words.clone(), text) {
            let class = v.entry.map_or("[uncovered]", |e| self.entry(e).id.as_str());
            out.push_str(&format!(
                "\nclassifier: {class} p {:.3} (answers at {:.2}; before it: {})",
                v.p,
                self.thresholds.classifier,
                before.as_str()
            ));
        }
        for p in clauses::asking(&question_words, &question_breaks, text) {
            let back = if p.refers_back { ", points back" } else { "" };
            out.push_str(&format!(
                "\nasking part: \"{}\"{back}",
                p.text(&question_words)
            ));
        }
        for s in self.rank(&tokens, &folded, 0.0).iter().take(EXPLAIN_RANKED) {
            out.push_str(&format!(
                "\n  {:.3} {} (recall {:.3}, precision {:.3})",
                s.confidence,
                self.entry(s.entry).id,
                s.recall,
                s.precision
            ));
        }
        out
    }

    /// The entries that could reach `min_confidence`, best first.
    ///
    /// Only entries holding one of the question's heavier tokens are
    /// visited: tokens are taken heaviest first until the ones left could
    /// not, even all matched, give an entry enough recall to reach
    /// `min_confidence`. An entry holding none of the taken tokens is thus
    /// never a match worth reporting, and skipping it changes no outcome.
    fn rank(&self, tokens: &[QueryToken], folded: &str, min_confidence: f64) -> Vec<Scored> {
        let query_total: f64 = tokens.iter().map(|t| t.weight).sum();
        if tokens.is_empty() || query_total <= 0.0 {
            return Vec::new();
        }
        let known = known_tokens(tokens);
        let mut by_weight = known.clone();
        by_weight.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let min_recall = min_recall_for(min_confidence);
        let mut remaining: f64 = by_weight.iter().map(|&(_, w)| w).sum();
        let mut candidates: Vec<u32> = Vec::new();
        for &(id, weight) in &by_weight {
            if remaining / query_total < min_recall {
                break;
            }
            candidates.extend(&self.index.postings[id as usize]);
            remaining -= weight;
        }
        candidates.sort_unstable();
        candidates.dedup();

        let mut ranked: Vec<Scored> = candidates
            .iter()
            .filter_map(|&e| self.score_entry(&known, query_total, folded, e as usize))
            .collect();
        ranked.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.entry.cmp(&b.entry))
        });
        ranked
    }

    /// How well entry `e` matches a question's known tokens (`known`: id and
    /// discounted weight; `query_total`: the weight of all its tokens), by
    /// its best phrasing; `None` when it shares no token with the question.
    fn score_entry(
        &self,
        known: &[(u32, f64)],
        query_total: f64,
        folded: &str,
        e: usize,
    ) -> Option<Scored> {
        if !self.mentions.admits(e, known) {
            return None;
        }
        let entry = self.index.entries.get(e)?;
        // How much of the question the entry's words explain anywhere:
        // credit for question words a phrasing lacks.
        let bag: f64 = known.iter().map(|&(id, w)| w * entry.bag_factor(id)).sum();
        let mut best: Option<Scored> = None;
        for phrasing in &entry.phrasings {
            let (mut matched_q, mut matched_d) = (0.0, 0.0);
            for &(id, w) in known {
                if phrasing.tokens.binary_search(&id).is_ok() {
                    matched_q += w;
                    matched_d += self.index.coverage_weight(id);
                }
            }
            if matched_q <= 0.0 || phrasing.total <= 0.0 {
                continue;
            }
            let elsewhere = (bag - matched_q).max(0.0);
            let recall = ((matched_q + BAG_CREDIT * elsewhere) / query_total).min(1.0);
            // At most 1: the sums can differ in their last bit.
            let precision = (matched_d / phrasing.total).min(1.0);
            let f = f_beta(precision, recall);
            let confidence = if phrasing.folded == folded {
                f
            } else {
                f.min(INEXACT_CAP)
            };
            if best.is_none_or(|b| confidence > b.confidence) {
                best = Some(Scored {
                    entry: e,
                    confidence: confidence.clamp(0.0, 1.0),
                    recall,
                    precision,
                });
            }
        }
        best
    }

    /// The candidates for a question the lexical matcher did not answer,
    /// with their evidence and calibrated probability, likeliest first: the
    /// two entries nearest in meaning and the lexical matcher's best two
    /// (see [`hybrid`]). Empty when the semantic layer is off or the
    /// question has no word it knows.
    fn weigh(
        &self,
        text: &str,
        tokens: &[QueryToken],
        folded: &str,
        lexical: &Match,
    ) -> Vec<(Scored, Evidence)> {
        let query_total: f64 = tokens.iter().map(|t| t.weight).sum();
        let known = known_tokens(tokens);
        // Without a word the content uses there is no lexical evidence, and
        // no candidate can reach a "did you mean" (`hybrid::tests`): a
        // message of made-up or off-topic words is not embedded at all.
        if known.is_empty() {
            return Vec::new();
        }
        let (Some(index), Some(q)) = (&self.semantic, hybrid::query(text)) else {
            return Vec::new();
        };
        let mut compared: Vec<usize> = if index.len() <= hybrid::FULL_SCAN_PHRASINGS {
            (0..index.entries()).collect()
        } else {
            self.gather(&known, hybrid::MAX_SEMANTIC_ENTRIES)
        };
        compared.retain(|&e| self.mentions.admits(e, &known));
        let mut cosines: Vec<(usize, f64)> = compared
            .iter()
            .filter_map(|&e| index.entry_cosine(&q, e).map(|c| (e, c)))
            .collect();
        cosines.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let Some(&(nearest, top)) = cosines.first() else {
            return Vec::new();
        };
        let unknowns: Vec<f64> = tokens
            .iter()
            .filter(|t| t.id.is_none())
            .map(|t| t.weight)
            .collect();
        let strongest_unknown =
            unknowns.iter().copied().fold(0.0, f64::max) / self.index.unknown_weight().max(1e-9);
        let unknown_words = unknowns.len().min(5) as f64 / 5.0;
        let unknown: f64 = unknowns.iter().sum();
        let unknown_share = if query_total > 0.0 {
            unknown / query_total
        } else {
            0.0
        };
        let lexical_best = lexical.ranked.first().map(|s| s.entry);
        let mut candidates: Vec<usize> = cosines.iter().take(2).map(|&(e, _)| e).collect();
        candidates.extend(lexical.ranked.iter().take(2).map(|s| s.entry));
        let mut out: Vec<(Scored, Evidence)> = Vec::new();
        for e in candidates {
            if out.iter().any(|(s, _)| s.entry == e) {
                continue;
            }
            let cosine = index.entry_cosine(&q, e).unwrap_or(0.0);
            let lex = if query_total > 0.0 {
                self.score_entry(&known, query_total, folded, e)
            } else {
                None
            };
            let evidence = Evidence {
                cosine,
                cosine_gap: top - cosine,
                lexical: lex.map_or(0.0, |s| s.confidence),
                recall: lex.map_or(0.0, |s| s.recall),
                precision: lex.map_or(0.0, |s| s.precision),
                nearest: e == nearest,
                lexical_best: Some(e) == lexical_best,
                unknown_share,
                strongest_unknown,
                unknown_words,
            };
            let scored = Scored {
                entry: e,
                confidence: evidence.probability(),
                recall: evidence.recall,
                precision: evidence.precision,
            };
            out.push((scored, evidence));
        }
        out.sort_by(|a, b| {
            b.0.confidence
                .total_cmp(&a.0.confidence)
                .then(a.0.entry.cmp(&b.0.entry))
        });
        out
    }

    /// Entries holding one of the known tokens, heaviest tokens first, at
    /// most `limit`.
    fn gather(&self, known: &[(u32, f64)], limit: usize) -> Vec<usize> {
        let mut by_weight = known.to_vec();
        by_weight.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out: Vec<usize> = Vec::new();
        for &(id, _) in &by_weight {
            let Some(postings) = self.index.postings.get(id as usize) else {
                continue;
            };
            out.extend(postings.iter().map(|&e| e as usize));
            out.sort_unstable();
            out.dedup();
            if out.len() >= limit {
                out.truncate(limit);
                break;
            }
        }
        out
    }

    /// The outcome when the calibrated probability says more than the
    /// lexical matcher: an answer when the best candidate is at least
    /// [`HYBRID_ANSWER`] likely, a "did you mean" with the candidates at
    /// least [`HYBRID_SUGGEST`] likely; otherwise the lexical outcome stands.
    fn hybrid_decide(&self, m: &mut Match, weighed: &[(Scored, Evidence)]) {
        let Some((best, _)) = weighed.first() else {
            return;
        };
        let second = weighed.get(1).map_or(0.0, |(s, _)| s.confidence);
        if best.confidence >= HYBRID_ANSWER
            && best.confidence - second >= self.thresholds.tie_margin
        {
            m.outcome = Outcome::Answer;
            m.entry = Some(best.entry);
            m.confidence = best.confidence;
            m.suggestions.clear();
        } else if best.confidence >= HYBRID_SUGGEST {
            m.outcome = Outcome::Suggest;
            m.entry = None;
            m.confidence = best.confidence;
            m.suggestions = weighed
                .iter()
                .map(|(s, _)| *s)
                .filter(|s| s.confidence >= HYBRID_SUGGEST)
                .take(MAX_SUGGESTIONS)
                .collect();
        }
    }

    fn decide(&self, mut ranked: Vec<Scored>) -> Match {
        let t = self.thresholds;
        let top = ranked.first().map_or(0.0, |s| s.confidence);
        let second = ranked.get(1).map_or(0.0, |s| s.confidence);
        ranked.truncate(MAX_SUGGESTIONS);
        let (outcome, entry) = if top >= t.answer && top - second >= t.tie_margin {
            (Outcome::Answer, ranked.first().map(|s| s.entry))
        } else if top >= t.suggest {
            (Outcome::Suggest, None)
        } else {
            (Outcome::NoMatch, None)
        };
        let suggestions = if outcome == Outcome::Suggest {
            ranked
                .iter()
                .copied()
                .filter(|s| s.confidence >= t.suggest)
                .collect()
        } else {
            Vec::new()
        };
        Match {
            outcome,
            confidence: top,
            entry,
            also: None,
            suggestions,
            ranked,
            flag: None,
            talk: None,
        }
    }

    /// The topics nearest to a match, best first: those of its ranked
    /// entries, then the catalog's others in order, `n` at most.
    pub fn nearest_topics(&self, m: &Match, n: usize) -> Vec<&Topic> {
        let mut out: Vec<&Topic> = Vec::new();
        let from_ranked = m
            .ranked
            .iter()
            .flat_map(|s| self.entry(s.entry).topics.iter())
            .filter_map(|id| self.catalog.topic(id));
        for topic in from_ranked.chain(self.catalog.topics.iter()) {
            if out.len() == n {
                break;
            }
            if !out.iter().any(|t| t.id == topic.id) {
                out.push(topic);
            }
        }
        out
    }
}

/// How similar a typed fragment must be to a topic's name (Jaro-Winkler,
/// 0..1) to be offered when it is not a plain substring: high enough that
/// "acupresure" offers "Acupressure" and "xyz" offers nothing.
const TOPIC_SIMILARITY: f64 = 0.8;

/// Topics for an autocomplete: those whose name or id contains what was
/// typed, then those whose name is similar to it, best first; every topic
/// when nothing was typed. At most `max`.
pub fn topic_choices<'c>(catalog: &'c Catalog, partial: &str, max: usize) -> Vec<&'c Topic> {
    let typed = partial.trim().to_lowercase();
    if typed.is_empty() {
        return catalog.topics.iter().take(max).collect();
    }
    let mut scored: Vec<(f64, usize, &Topic)> = catalog
        .topics
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let name = t.name.to_lowercase();
            let score = if name.contains(&typed) || t.id.contains(&typed) {
                2.0
            } else {
                strsim::jaro_winkler(&typed, &name).max(
                    name.split(' ')
                        .map(|w| strsim::jaro_winkler(&typed, w))
                        .fold(0.0, f64::max),
                )
            };
            (score >= TOPIC_SIMILARITY).then_some((score, i, t))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(max).map(|(_, _, t)| t).collect()
}

/// The least recall an entry needs to reach `confidence`: with precision at
/// its best (1), F-beta is (1 + β²)·R / (β² + R), so R must be at least
/// β²·c / (1 + β² − c).
fn min_recall_for(confidence: f64) -> f64 {
    if confidence <= 0.0 {
        return 0.0;
    }
    RECALL_BIAS * confidence / (1.0 + RECALL_BIAS - confidence)
}

/// F-beta of precision and recall, weighted by [`RECALL_BIAS`].
fn f_beta(precision: f64, recall: f64) -> f64 {
    let denominator = RECALL_BIAS * precision + recall;
    if denominator <= 0.0 {
        0.0
    } else {
        (1.0 + RECALL_BIAS) * precision * recall / denominator
    }
}

/// The tokens the content uses, with their discounted weights: what an
/// entry can match.
fn known_tokens(tokens: &[QueryToken]) -> Vec<(u32, f64)> {
    tokens
        .iter()
        .filter_map(|t| t.id.map(|id| (id, t.weight * t.discount)))
        .collect()
}

/// The first `max` characters of a string.
/// The words the net's classifier weighed most, for `ask --explain`.
fn explained(why: &[Option<String>]) -> String {
    let named: Vec<String> = why
        .iter()
        .map(|w| match w {
            Some(w) => format!("\"{w}\""),
            None => "the message's meaning".to_owned(),
        })
        .collect();
    if named.is_empty() {
        "nothing in particular".to_owned()
    } else {
        named.join(", ")
    }
}

pub(crate) fn truncate(text: &str, max: usize) -> &str {
    // No more characters than bytes.
    if text.len() <= max {
        return text;
    }
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The classifier of a catalog with members' examples and at most
/// [`classifier::MAX_ENTRIES`] entries, trained on every phrasing and
/// example as the matcher reads a question.
fn train_classifier(catalog: &Catalog, index: &Index) -> Option<Classifier> {
    let examples = &catalog.examples;
    if examples.answered.is_empty() || catalog.entries.len() > classifier::MAX_ENTRIES {
        return None;
    }
    // The examples share most of their words, misspellings included: each
    // is corrected once.
    let mut corrected: FxHashMap<String, Option<String>> = FxHashMap::default();
    let mut read = |text: &str| {
        let words = index
            .normalizer()
            .words_up_to(truncate(text, MAX_QUESTION_CHARS), MAX_QUESTION_CHARS);
        let tokens = index.query_words_with(words, |word| {
            corrected
                .entry(word.text.clone())
                .or_insert_with(|| index.nearest(word))
                .clone()
        });
        classifier::features(&tokens.0)
    };
    let phrasings = catalog
        .entries
        .iter()
        .enumerate()
        .flat_map(|(e, entry)| entry.phrasings().map(move |p| (p.as_str(), Some(e))));
    let answered = examples
        .answered
        .iter()
        .map(|(e, m)| (m.as_str(), Some(*e)));
    let uncovered = examples.uncovered.iter().map(|m| (m.as_str(), None));
    // Each message's sentence vector too, each distinct word tokenized
    // once.
    let model = semantic::model();
    let mut pieces: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut vectors = DenseRows::default();
    let docs: Vec<_> = phrasings
        .chain(answered)
        .chain(uncovered)
        .map(|(text, entry)| {
            if let Some(model) = model {
                let v = model.embed_cached(truncate(text, MAX_QUESTION_CHARS), &mut pieces);
                vectors.push(v.as_ref().map(|v| &*v.0));
            }
            (read(text), entry)
        })
        .collect();
    Some(Classifier::train(&docs, &vectors, catalog.entries.len()))
}
