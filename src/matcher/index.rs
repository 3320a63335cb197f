//! The searchable form of a catalog: synonym table, vocabulary for typo
//! correction, IDF weights, and postings from each token to the documents
//! (phrasings and entry bags) that contain it.
//!
//! Built once per catalog, outside any lock, and never mutated afterwards.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::normalize::{Normalizer, Word};
use crate::content::Catalog;

/// Words shorter than this are never typo-corrected: one edit turns a short
/// word into a different real word too easily ("bad" → "back").
const MIN_TYPO_LEN: usize = 4;

/// Below this length the only correction allowed is two swapped letters
/// ("pian" → "pain"): one changed letter turns a short word into another
/// real word too easily ("cake" → "came", "most" → "cost").
const SWAP_ONLY_BELOW: usize = 5;

/// From this length a word may be two edits away from the vocabulary word it
/// is corrected to ("acupunture" → "acupuncture" is one; "acupucture" with a
/// swapped letter is one for Damerau–Levenshtein; "accupresure" is two).
const TWO_EDIT_LEN: usize = 8;

/// How much more a word the content never uses weighs than the rarest word
/// it does use. Unknown words are what the catalog does not cover: "is
/// coffee bad for you" shares "bad" with "bad posture", but "coffee" says
/// the question is about something else.
const UNKNOWN_BOOST: f64 = 1.5;

/// The least a topic-name word weighs in coverage (see
/// [`Index::coverage_weight`]); about the IDF of a word found in a quarter
/// of the entries. Tuned with the thresholds (docs/QUALITY.md).
const ANCHOR_WEIGHT: f64 = 2.0;

/// How much a word found only in an entry's answer counts towards matching
/// that entry, relative to a word in its phrasings: answers explain, they are
/// not how people ask, and they mention many things in passing.
const ANSWER_FACTOR: f64 = 0.5;

/// How much a typo-corrected word counts, relative to one typed correctly:
/// the correction is a guess, so it should not be as convincing.
pub(crate) const TYPO_DISCOUNT: f64 = 0.85;

/// One token of a question, ready for scoring.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryToken {
    /// The token (a stem, or a synonym group's canonical stem).
    pub token: String,
    /// Its IDF weight; words the catalog has never seen get the highest
    /// weight of all, since they are what the catalog does not cover.
    pub weight: f64,
    /// 1.0, or [`TYPO_DISCOUNT`] when the word was typo-corrected.
    pub discount: f64,
}

/// Whether a document is one phrasing or the whole entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocKind {
    /// A question or alternate: scored on how well the two texts cover each
    /// other.
    Phrasing,
    /// All of an entry's words (phrasings, answer, topic names): scored only on
    /// how much of the question it explains, at a discount.
    Bag,
}

/// A scored unit of text belonging to an entry.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub entry: usize,
    pub kind: DocKind,
    /// Sum of the IDF weights of the document's tokens.
    pub total: f64,
    /// The phrasing folded to its words, for exact-match detection.
    pub folded: String,
    /// The phrasing's tokens, sorted (empty for bags).
    pub tokens: Vec<String>,
}

/// The index over one catalog.
pub(crate) struct Index {
    normalizer: Normalizer,
    /// Synonym phrases as stem sequences, longest first, and the canonical
    /// tokens each becomes (the stems of its group's first word or phrase:
    /// "backache" becomes "back" and "pain").
    synonyms: Vec<(Vec<String>, Vec<String>)>,
    /// Every folded word the content uses, for typo correction.
    vocabulary: Vec<String>,
    known: HashSet<String>,
    /// Tokens of topic names: what questions are about.
    anchors: HashSet<String>,
    idf: HashMap<String, f64>,
    unknown_idf: f64,
    pub docs: Vec<Doc>,
    pub postings: HashMap<String, Vec<Posting>>,
}

/// A document that holds a token, and how much the token counts there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    pub doc: usize,
    /// 1.0, or [`ANSWER_FACTOR`] for a word found only in an entry's answer.
    pub factor: f64,
}

impl Index {
    pub fn build(catalog: &Catalog) -> Index {
        let normalizer = Normalizer::default();
        let mut synonyms = Vec::new();
        for group in &catalog.synonyms {
            let Some(first) = group.words.first() else {
                continue;
            };
            let canonical: Vec<String> = normalizer
                .words(first)
                .into_iter()
                .filter(|w| !w.stop)
                .map(|w| w.stem)
                .collect();
            if canonical.is_empty() {
                continue;
            }
            for word in &group.words {
                let phrase = stems(&normalizer, word);
                if !phrase.is_empty() {
                    synonyms.push((phrase, canonical.clone()));
                }
            }
        }
        // Longest phrases first, so "health plan" wins over "plan".
        synonyms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));

        let mut index = Index {
            normalizer,
            synonyms,
            vocabulary: Vec::new(),
            known: HashSet::new(),
            anchors: HashSet::new(),
            idf: HashMap::new(),
            unknown_idf: 0.0,
            docs: Vec::new(),
            postings: HashMap::new(),
        };

        for topic in &catalog.topics {
            let words = index.normalizer.words(&topic.name);
            index.anchors.extend(index.tokens_of(&words));
        }
        let mut vocabulary = BTreeSet::new();
        // Per entry: tokens of how people ask (phrasings and topic names),
        // and tokens found only in the answer.
        let mut asked: Vec<BTreeSet<String>> = Vec::new();
        let mut answered: Vec<BTreeSet<String>> = Vec::new();
        let mut phrasings: Vec<(usize, BTreeSet<String>, String)> = Vec::new();
        for (e, entry) in catalog.entries.iter().enumerate() {
            let mut bag = BTreeSet::new();
            let topic_names = entry
                .topics
                .iter()
                .filter_map(|t| catalog.topic(t))
                .map(|t| t.name.as_str());
            for phrase in std::iter::once(&entry.question).chain(&entry.alternates) {
                let words = index.normalizer.words(phrase);
                vocabulary.extend(words.iter().filter(|w| !w.stop).map(|w| w.text.clone()));
                let tokens: BTreeSet<String> = index.tokens_of(&words).into_iter().collect();
                bag.extend(tokens.iter().cloned());
                phrasings.push((e, tokens, fold(&words)));
            }
            for name in topic_names {
                let words = index.normalizer.words(name);
                vocabulary.extend(words.iter().filter(|w| !w.stop).map(|w| w.text.clone()));
                bag.extend(index.tokens_of(&words));
            }
            let words = index.normalizer.words(&entry.answer);
            vocabulary.extend(words.iter().filter(|w| !w.stop).map(|w| w.text.clone()));
            let answer_only = index
                .tokens_of(&words)
                .into_iter()
                .filter(|t| !bag.contains(t))
                .collect();
            asked.push(bag);
            answered.push(answer_only);
        }
        for group in &catalog.synonyms {
            for word in &group.words {
                let words = index.normalizer.words(word);
                vocabulary.extend(words.into_iter().map(|w| w.text));
            }
        }

        // IDF over how entries are asked, BM25 style: a token in every
        // entry's phrasings weighs almost nothing, one in a single entry's
        // weighs most. Answers are left out: they repeat "acupressure" and
        // "back pain" in nearly every entry, which says nothing about which
        // entry a question is after.
        let n = asked.len() as f64;
        let mut df: HashMap<&str, usize> = HashMap::new();
        for bag in &asked {
            for token in bag {
                *df.entry(token).or_default() += 1;
            }
        }
        let idf = |df: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        index.idf = df
            .iter()
            .map(|(t, &d)| ((*t).to_owned(), idf(d as f64)))
            .collect();
        index.unknown_idf = UNKNOWN_BOOST * idf(0.0);

        for (e, (bag, answer_only)) in asked.iter().zip(&answered).enumerate() {
            let tokens = bag
                .iter()
                .map(|t| (t, 1.0))
                .chain(answer_only.iter().map(|t| (t, ANSWER_FACTOR)));
            index.push_doc(e, DocKind::Bag, tokens, String::new());
        }
        for (e, tokens, folded) in phrasings {
            index.push_doc(
                e,
                DocKind::Phrasing,
                tokens.iter().map(|t| (t, 1.0)),
                folded,
            );
        }
        index.known = vocabulary.iter().cloned().collect();
        index.vocabulary = vocabulary.into_iter().collect();
        index
    }

    fn push_doc<'t>(
        &mut self,
        entry: usize,
        kind: DocKind,
        tokens: impl Iterator<Item = (&'t String, f64)>,
        folded: String,
    ) {
        let id = self.docs.len();
        let mut total = 0.0;
        let mut listed = Vec::new();
        for (token, factor) in tokens {
            if kind == DocKind::Phrasing {
                listed.push(token.clone());
            }
            total += self.coverage_weight(token) * factor;
            self.postings
                .entry(token.clone())
                .or_default()
                .push(Posting { doc: id, factor });
        }
        self.docs.push(Doc {
            entry,
            kind,
            total,
            folded,
            tokens: listed,
        });
    }

    /// A token's IDF weight.
    pub fn weight(&self, token: &str) -> f64 {
        self.idf.get(token).copied().unwrap_or(self.unknown_idf)
    }

    /// A token's weight when measuring how much of a phrasing a question
    /// covers: its IDF, but never less than [`ANCHOR_WEIGHT`] for the words
    /// topics are named with. "Acupuncture" is in so many phrasings that its
    /// IDF is tiny, yet a question about acupuncture does not match "bruising
    /// from acupressure" nearly as well as "bruising after acupuncture".
    pub fn coverage_weight(&self, token: &str) -> f64 {
        let weight = self.weight(token);
        if self.anchors.contains(token) {
            weight.max(ANCHOR_WEIGHT)
        } else {
            weight
        }
    }

    /// Normalises a question into weighted tokens: typo correction against
    /// the vocabulary, synonyms, stop words dropped, duplicates merged.
    pub fn query(&self, question: &str) -> (Vec<QueryToken>, String) {
        let mut words = self.normalizer.words(question);
        let folded = fold(&words);
        let mut corrected = vec![false; words.len()];
        for (i, word) in words.iter_mut().enumerate() {
            if let Some(fix) = self.correct(word) {
                word.stem = self.normalizer.stem(&fix);
                word.text = fix;
                corrected[i] = true;
            }
        }
        let mut out: Vec<QueryToken> = Vec::new();
        for (token, from) in self.tokens_with_origin(&words) {
            if out.iter().any(|q| q.token == token) {
                continue;
            }
            let discount = if from.iter().any(|&i| corrected[i]) {
                TYPO_DISCOUNT
            } else {
                1.0
            };
            let weight = self.weight(&token);
            out.push(QueryToken {
                token,
                weight,
                discount,
            });
        }
        (out, folded)
    }

    /// The vocabulary word a misspelt word most likely meant, if any.
    fn correct(&self, word: &Word) -> Option<String> {
        let len = word.text.chars().count();
        if word.stop
            || len < MIN_TYPO_LEN
            || self.known.contains(&word.text)
            || !word.text.chars().all(char::is_alphabetic)
        {
            return None;
        }
        let max_edits = if len >= TWO_EDIT_LEN { 2 } else { 1 };
        let mut best: Option<(usize, &str)> = None;
        for candidate in &self.vocabulary {
            let clen = candidate.chars().count();
            if clen.abs_diff(len) > max_edits || clen < MIN_TYPO_LEN {
                continue;
            }
            if len < SWAP_ONLY_BELOW && !same_letters(&word.text, candidate) {
                continue;
            }
            let d = strsim::damerau_levenshtein(&word.text, candidate);
            if d <= max_edits && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, candidate));
            }
        }
        best.map(|(_, w)| w.to_owned())
    }

    /// Content text to tokens: synonyms applied, stop words dropped.
    fn tokens_of(&self, words: &[Word]) -> Vec<String> {
        self.tokens_with_origin(words)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    /// Tokens with the word positions each came from.
    fn tokens_with_origin(&self, words: &[Word]) -> Vec<(String, Vec<usize>)> {
        let mut out = Vec::new();
        let mut i = 0;
        'words: while i < words.len() {
            for (phrase, canonical) in &self.synonyms {
                let end = i + phrase.len();
                if end <= words.len() && words[i..end].iter().zip(phrase).all(|(w, p)| &w.stem == p)
                {
                    for token in canonical {
                        out.push((token.clone(), (i..end).collect()));
                    }
                    i = end;
                    continue 'words;
                }
            }
            if !words[i].stop {
                out.push((words[i].stem.clone(), vec![i]));
            }
            i += 1;
        }
        out
    }
}

/// Whether two words use the same letters, in any order.
fn same_letters(a: &str, b: &str) -> bool {
    let mut a: Vec<char> = a.chars().collect();
    let mut b: Vec<char> = b.chars().collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

fn stems(normalizer: &Normalizer, phrase: &str) -> Vec<String> {
    normalizer
        .words(phrase)
        .into_iter()
        .map(|w| w.stem)
        .collect()
}

/// The words of a text joined by spaces: two texts that fold alike are the
/// same phrasing.
fn fold(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
