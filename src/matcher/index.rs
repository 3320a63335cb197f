//! The searchable form of a catalog: synonym table, vocabulary with a
//! deletion index for typo correction, IDF weights, and per-entry token sets
//! with postings from each token to the entries that use it.
//!
//! Tokens are interned as small integers, each entry keeps its bag and its
//! phrasings as sorted id lists, and matching only visits the entries that
//! hold one of the question's heavier tokens (see `Matcher::rank`), so the
//! cost of a question grows with the entries it could match, not with the
//! catalog. Built once per catalog, outside any lock, never mutated after.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

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
    /// Its id, when the content uses it.
    pub id: Option<u32>,
    /// Its IDF weight; words the catalog has never seen get the highest
    /// weight of all, since they are what the catalog does not cover.
    pub weight: f64,
    /// 1.0, or [`TYPO_DISCOUNT`] when the word was typo-corrected.
    pub discount: f64,
}

/// A synonym phrase as stems, and the canonical tokens it becomes.
type SynonymPhrase = (Vec<String>, Vec<String>);

/// One phrasing (a question or an alternate) of an entry.
#[derive(Debug, Clone)]
pub(crate) struct Phrasing {
    /// Its token ids, sorted.
    pub tokens: Vec<u32>,
    /// Sum of its tokens' coverage weights.
    pub total: f64,
    /// The phrasing folded to its words, for exact-match detection.
    pub folded: String,
}

/// What the index keeps of one entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryIndex {
    /// Every token of the entry (phrasings, topic names, answer), sorted by
    /// id, with how much it counts: 1.0, or [`ANSWER_FACTOR`] for a token
    /// found only in the answer.
    pub bag: Vec<(u32, f64)>,
    /// Its phrasings.
    pub phrasings: Vec<Phrasing>,
}

impl EntryIndex {
    /// How much token `id` counts in this entry's bag (0 when absent).
    pub fn bag_factor(&self, id: u32) -> f64 {
        self.bag
            .binary_search_by_key(&id, |&(t, _)| t)
            .map_or(0.0, |i| self.bag[i].1)
    }
}

/// The index over one catalog.
pub(crate) struct Index {
    normalizer: Normalizer,
    /// Synonym phrases as stem sequences, by their first stem, longest
    /// first, with the canonical tokens each becomes (the stems of its
    /// group's first word or phrase: "backache" becomes "back" and "pain").
    synonyms: HashMap<String, Vec<SynonymPhrase>>,
    /// Every folded word the content uses, sorted, for typo correction.
    vocabulary: Vec<String>,
    known: HashSet<String>,
    /// Each vocabulary word, and each of its one-letter deletions, to the
    /// words it comes from: a misspelling and its word meet here.
    deletions: HashMap<String, Vec<u32>>,
    /// Token strings to ids, and back.
    ids: HashMap<String, u32>,
    pub names: Vec<String>,
    /// IDF weight by token id.
    weights: Vec<f64>,
    /// Coverage weight by token id (see [`Index::coverage_weight`]).
    coverage: Vec<f64>,
    unknown_idf: f64,
    /// Per entry, in catalog order.
    pub entries: Vec<EntryIndex>,
    /// By token id: the entries whose bag holds it, ascending.
    pub postings: Vec<Vec<u32>>,
}

impl Index {
    pub fn build(catalog: &Catalog) -> Index {
        let normalizer = Normalizer::default();
        let mut synonyms: HashMap<String, Vec<SynonymPhrase>> = HashMap::default();
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
                if let Some(head) = phrase.first() {
                    synonyms
                        .entry(head.clone())
                        .or_default()
                        .push((phrase, canonical.clone()));
                }
            }
        }
        // Longest phrases first, so "health plan" wins over "plan".
        for phrases in synonyms.values_mut() {
            phrases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }

        let mut index = Index {
            normalizer,
            synonyms,
            vocabulary: Vec::new(),
            known: HashSet::default(),
            deletions: HashMap::default(),
            ids: HashMap::default(),
            names: Vec::new(),
            weights: Vec::new(),
            coverage: Vec::new(),
            unknown_idf: 0.0,
            entries: Vec::new(),
            postings: Vec::new(),
        };

        let mut anchors: HashSet<String> = HashSet::default();
        for topic in &catalog.topics {
            let words = index.normalizer.words(&topic.name);
            anchors.extend(index.tokens_of(&words));
        }
        let mut vocabulary: HashSet<String> = HashSet::default();
        let note = |vocabulary: &mut HashSet<String>, words: &[Word]| {
            for w in words.iter().filter(|w| !w.stop) {
                if !vocabulary.contains(&w.text) {
                    vocabulary.insert(w.text.clone());
                }
            }
        };
        // Per entry: tokens of how people ask (phrasings and topic names),
        // tokens found only in the answer, and the phrasings themselves.
        let mut asked: Vec<BTreeSet<String>> = Vec::new();
        let mut answered: Vec<BTreeSet<String>> = Vec::new();
        let mut phrasings: Vec<Vec<(BTreeSet<String>, String)>> = Vec::new();
        let topic_names: HashMap<&str, &str> = catalog
            .topics
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect();
        for entry in &catalog.entries {
            let mut bag = BTreeSet::new();
            let mut own = Vec::new();
            for phrase in std::iter::once(&entry.question).chain(&entry.alternates) {
                let words = index.normalizer.words(phrase);
                note(&mut vocabulary, &words);
                let tokens: BTreeSet<String> = index.tokens_of(&words).into_iter().collect();
                bag.extend(tokens.iter().cloned());
                own.push((tokens, fold(&words)));
            }
            for name in entry
                .topics
                .iter()
                .filter_map(|t| topic_names.get(t.as_str()))
            {
                let words = index.normalizer.words(name);
                note(&mut vocabulary, &words);
                bag.extend(index.tokens_of(&words));
            }
            let words = index.normalizer.words(&entry.answer);
            note(&mut vocabulary, &words);
            let answer_only = index
                .tokens_of(&words)
                .into_iter()
                .filter(|t| !bag.contains(t))
                .collect();
            asked.push(bag);
            answered.push(answer_only);
            phrasings.push(own);
        }
        for group in &catalog.synonyms {
            for word in &group.words {
                let words = index.normalizer.words(word);
                vocabulary.extend(words.into_iter().map(|w| w.text));
            }
        }
        let mut vocabulary: Vec<String> = vocabulary.into_iter().collect();
        vocabulary.sort_unstable();

        // IDF over how entries are asked, BM25 style: a token in every
        // entry's phrasings weighs almost nothing, one in a single entry's
        // weighs most. Answers are left out: they repeat "acupressure" and
        // "back pain" in nearly every entry, which says nothing about which
        // entry a question is after.
        let n = asked.len() as f64;
        let mut df: HashMap<&str, usize> = HashMap::default();
        for bag in &asked {
            for token in bag {
                *df.entry(token).or_default() += 1;
            }
        }
        let idf = |df: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        index.unknown_idf = UNKNOWN_BOOST * idf(0.0);
        let intern = |index: &mut Index, token: &str| -> u32 {
            if let Some(&id) = index.ids.get(token) {
                return id;
            }
            let id = index.names.len() as u32;
            let weight = idf(df.get(token).copied().unwrap_or(0) as f64);
            index.ids.insert(token.to_owned(), id);
            index.names.push(token.to_owned());
            index.weights.push(weight);
            index.coverage.push(if anchors.contains(token) {
                weight.max(ANCHOR_WEIGHT)
            } else {
                weight
            });
            index.postings.push(Vec::new());
            id
        };

        for (e, ((bag, answer_only), own)) in asked.iter().zip(&answered).zip(phrasings).enumerate()
        {
            let mut entry = EntryIndex::default();
            for token in bag {
                let id = intern(&mut index, token);
                entry.bag.push((id, 1.0));
            }
            for token in answer_only {
                let id = intern(&mut index, token);
                entry.bag.push((id, ANSWER_FACTOR));
            }
            entry.bag.sort_by_key(|&(id, _)| id);
            for &(id, _) in &entry.bag {
                index.postings[id as usize].push(e as u32);
            }
            for (tokens, folded) in own {
                let mut ids: Vec<u32> = tokens.iter().map(|t| intern(&mut index, t)).collect();
                ids.sort_unstable();
                let total = ids.iter().map(|&id| index.coverage[id as usize]).sum();
                entry.phrasings.push(Phrasing {
                    tokens: ids,
                    total,
                    folded,
                });
            }
            index.entries.push(entry);
        }

        for (i, word) in vocabulary.iter().enumerate() {
            if word.chars().count() < MIN_TYPO_LEN {
                continue;
            }
            for variant in std::iter::once(word.clone()).chain(deletions_of(word)) {
                index.deletions.entry(variant).or_default().push(i as u32);
            }
        }
        index.known = vocabulary.iter().cloned().collect();
        index.vocabulary = vocabulary;
        index
    }

    /// A token's IDF weight, by id.
    pub fn weight(&self, id: u32) -> f64 {
        self.weights[id as usize]
    }

    /// A token's weight when measuring how much of a phrasing a question
    /// covers: its IDF, but never less than [`ANCHOR_WEIGHT`] for the words
    /// topics are named with. "Acupuncture" is in so many phrasings that its
    /// IDF is tiny, yet a question about acupuncture does not match "bruising
    /// from acupressure" nearly as well as "bruising after acupuncture".
    pub fn coverage_weight(&self, id: u32) -> f64 {
        self.coverage[id as usize]
    }

    /// Normalises a question into weighted tokens: typo correction against
    /// the vocabulary, synonyms, stop words dropped, duplicates merged.
    /// Also returns the question folded to its words.
    pub fn query(&self, question: &str) -> (Vec<QueryToken>, String) {
        self.query_words(self.normalizer.words(question))
    }

    /// [`Index::query`] from words already split.
    pub fn query_words(&self, mut words: Vec<Word>) -> (Vec<QueryToken>, String) {
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
            let discount = if corrected[from].iter().any(|&c| c) {
                TYPO_DISCOUNT
            } else {
                1.0
            };
            let id = self.ids.get(&token).copied();
            let weight = id.map_or(self.unknown_idf, |id| self.weight(id));
            out.push(QueryToken {
                token,
                id,
                weight,
                discount,
            });
        }
        (out, folded)
    }

    /// The normaliser the index reads text with.
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// The vocabulary word a misspelt word most likely meant, if any: the
    /// closest by Damerau-Levenshtein distance, the first alphabetically
    /// among equals. Candidates come from the deletion index (a word and its
    /// misspelling share a one-letter deletion, or one is the other's), so
    /// the vocabulary is never scanned.
    fn correct(&self, word: &Word) -> Option<String> {
        let len = word.text.chars().count();
        if word.stop
            || len < MIN_TYPO_LEN
            || self.known.contains(&word.text)
            || !word.text.chars().all(char::is_alphabetic)
        {
            return None;
        }
        let mut variants: Vec<String> = std::iter::once(word.text.clone())
            .chain(deletions_of(&word.text))
            .collect();
        if len >= TWO_EDIT_LEN {
            let second: Vec<String> = variants[1..].iter().flat_map(|v| deletions_of(v)).collect();
            variants.extend(second);
        }
        let mut candidates: Vec<u32> = variants
            .iter()
            .filter_map(|v| self.deletions.get(v))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let candidates = candidates
            .iter()
            .map(|&i| self.vocabulary[i as usize].as_str());
        closest(&word.text, candidates)
    }

    /// Content text to tokens: synonyms applied, stop words dropped.
    fn tokens_of(&self, words: &[Word]) -> Vec<String> {
        self.tokens_with_origin(words)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    /// Tokens with the word positions each came from.
    fn tokens_with_origin(&self, words: &[Word]) -> Vec<(String, std::ops::Range<usize>)> {
        let mut out = Vec::new();
        let mut i = 0;
        'words: while i < words.len() {
            if let Some(phrases) = self.synonyms.get(&words[i].stem) {
                for (phrase, canonical) in phrases {
                    let end = i + phrase.len();
                    if end <= words.len()
                        && words[i..end].iter().zip(phrase).all(|(w, p)| &w.stem == p)
                    {
                        for token in canonical {
                            out.push((token.clone(), i..end));
                        }
                        i = end;
                        continue 'words;
                    }
                }
            }
            if !words[i].stop {
                out.push((words[i].stem.clone(), i..i + 1));
            }
            i += 1;
        }
        out
    }
}

/// The candidate nearest to a misspelt `word` that the typo rules accept
/// (first in iteration order among equals; callers pass sorted candidates).
fn closest<'v>(word: &str, candidates: impl Iterator<Item = &'v str>) -> Option<String> {
    let len = word.chars().count();
    let max_edits = if len >= TWO_EDIT_LEN { 2 } else { 1 };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let clen = candidate.chars().count();
        if clen.abs_diff(len) > max_edits || clen < MIN_TYPO_LEN {
            continue;
        }
        if len < SWAP_ONLY_BELOW && !same_letters(word, candidate) {
            continue;
        }
        let d = strsim::damerau_levenshtein(word, candidate);
        if d <= max_edits && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, w)| w.to_owned())
}

/// A word with each one of its letters left out in turn.
fn deletions_of(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(at, c)| {
        let mut out = String::with_capacity(word.len());
        out.push_str(&word[..at]);
        out.push_str(&word[at + c.len_utf8()..]);
        out
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The deletion index finds exactly what a scan of the whole vocabulary
    /// finds, for every kind of single typo in words the content uses.
    #[test]
    fn typo_candidates_match_a_full_scan() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        let catalog = match crate::content::load_dir(&dir) {
            Ok(catalog) => catalog,
            Err(problems) => panic!("shipped content: {problems:?}"),
        };
        let index = Index::build(&catalog);
        // The reference: the same rules over the whole vocabulary.
        let scan = |word: &Word| closest(&word.text, index.vocabulary.iter().map(String::as_str));
        let mut checked = 0;
        for word in index.vocabulary.iter().filter(|w| w.len() >= 6).step_by(7) {
            let bytes = word.as_bytes();
            let mid = bytes.len() / 2;
            let mut typos = vec![
                format!("{}{}", &word[..mid], &word[mid + 1..]),
                format!("{}x{}", &word[..mid], &word[mid..]),
                format!("{}q{}", &word[..mid], &word[mid + 1..]),
            ];
            if bytes.is_ascii() {
                let mut swapped = bytes.to_vec();
                swapped.swap(mid - 1, mid);
                typos.push(String::from_utf8_lossy(&swapped).into_owned());
            }
            for typo in typos {
                let Some(w) = index.normalizer.words(&typo).into_iter().next() else {
                    continue;
                };
                if index.known.contains(&w.text) || w.stop {
                    continue;
                }
                assert_eq!(index.correct(&w), scan(&w), "typo {typo:?} of {word:?}");
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} typos checked");
    }
}
