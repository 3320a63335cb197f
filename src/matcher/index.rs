//! The searchable form of a catalog: synonym table, vocabulary with a
//! deletion index for typo correction, IDF weights, and per-entry token sets
//! with postings from each token to the entries that use it.
//!
//! Tokens are interned as small integers, each entry keeps its bag and its
//! phrasings as sorted id lists, and matching only visits the entries that
//! hold one of the question's heavier tokens (see `Matcher::rank`), so the
//! cost of a question grows with the entries it could match, not with the
//! catalog. Built once per catalog, outside any lock, never mutated after.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap as HashMap;

use super::english;
use super::normalize::{Normalizer, Word};
use super::short_words::{self, Neighbours};
use crate::content::{Catalog, Entry, SynonymGroup, Topic};
use crate::parallel;

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

/// How many words of one question typo correction looks at, at most; the
/// rest are matched as typed. Each costs up to a few hundred lookups in the
/// deletion index (see [`Index::nearest`]), so this bounds the work of a
/// question made of hundreds of made-up words, while a real question, a
/// sentence or two, never has this many words the content does not use
/// (the development and held-out sets have at most 10; their results are
/// the same with or without the cap). With the word-length bound of
/// [`Index::may_correct`] (17 letters for the shipped content), at most 16 ×
/// 154 lookups a question.
const MAX_TYPO_WORDS: usize = 16;

/// The most entries whose phrasings are read for the short-typo table
/// ([`Neighbours`]): at 10,000 entries reading them adds about 90 ms to a
/// reload already over its 200 ms budget (docs/PERFORMANCE.md), so larger
/// catalogs correct long words only, as they did before. The same line as
/// the classifier's, for the same reason: both learn from how members
/// word their questions, which a catalog that large would not have.
const MAX_NEIGHBOUR_ENTRIES: usize = 1_000;

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

/// Synonym phrases by their first stem, longest first.
type Synonyms = HashMap<String, Vec<SynonymPhrase>>;

/// Synonym phrases as stem sequences, by their first stem, longest first,
/// with the canonical tokens each becomes (the stems of its group's first
/// word or phrase: "backache" becomes "back" and "pain").
fn synonym_table(normalizer: &Normalizer, groups: &[SynonymGroup]) -> Synonyms {
    let mut synonyms = Synonyms::default();
    for group in groups {
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
            let phrase = stems(normalizer, word);
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
    synonyms
}

/// Content text to tokens with the word positions each came from: synonyms
/// applied, stop words dropped. Tokens borrow from the words or the table.
fn tokens_with_origin<'a>(
    synonyms: &'a Synonyms,
    words: &[&'a Word],
) -> Vec<(&'a str, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    'words: while i < words.len() {
        if let Some(phrases) = synonyms.get(&words[i].stem) {
            for (phrase, canonical) in phrases {
                let end = i + phrase.len();
                if end <= words.len() && words[i..end].iter().zip(phrase).all(|(w, p)| &w.stem == p)
                {
                    for token in canonical {
                        out.push((token.as_str(), i..end));
                    }
                    i = end;
                    continue 'words;
                }
            }
        }
        if !words[i].stop {
            out.push((words[i].stem.as_str(), i..i + 1));
        }
        i += 1;
    }
    out
}

/// Build-time word table: each distinct folded word once, with its stem
/// and token, so a catalog's millions of words are stemmed and looked up
/// only as often as it has distinct words.
struct Lexicon<'s> {
    normalizer: &'s Normalizer,
    synonyms: &'s Synonyms,
    ids: HashMap<String, u32>,
    words: Vec<Word>,
    /// Per word, its token when the word stands alone: the provisional id
    /// of its stem, [`Lexicon::STOP`] for a stop word, or
    /// [`Lexicon::PHRASE`] when a synonym phrase may start with it. Most
    /// words stand alone, so most texts need no synonym lookups at all.
    alone: Vec<u32>,
    /// Provisional token ids: every word's stem and every synonym's
    /// canonical tokens, interned up front so reading tokens never adds one.
    tokens: HashMap<String, u32>,
    names: Vec<String>,
    /// Reused between texts.
    buffer: Vec<u32>,
}

impl<'s> Lexicon<'s> {
    /// A stop word: no token.
    const STOP: u32 = u32::MAX;
    /// A word a synonym phrase starts with: its tokens depend on what
    /// follows.
    const PHRASE: u32 = u32::MAX - 1;

    fn new(normalizer: &'s Normalizer, synonyms: &'s Synonyms) -> Self {
        let mut lexicon = Lexicon {
            normalizer,
            synonyms,
            ids: HashMap::default(),
            words: Vec::new(),
            alone: Vec::new(),
            tokens: HashMap::default(),
            names: Vec::new(),
            buffer: Vec::new(),
        };
        for (_, canonical) in synonyms.values().flatten() {
            for token in canonical {
                lexicon.intern(token);
            }
        }
        lexicon
    }

    fn intern(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.tokens.get(token) {
            return id;
        }
        let id = self.names.len() as u32;
        self.tokens.insert(token.to_owned(), id);
        self.names.push(token.to_owned());
        id
    }

    /// Reads a text into [`Lexicon::buffer`] as word ids, adding words not
    /// seen before.
    fn read(&mut self, text: &str) {
        let Lexicon {
            normalizer,
            ids,
            words,
            buffer,
            ..
        } = self;
        buffer.clear();
        normalizer.each_word(text, |w| {
            let id = match ids.get(w) {
                Some(&id) => id,
                None => {
                    let id = words.len() as u32;
                    words.push(normalizer.word(w));
                    ids.insert(w.to_owned(), id);
                    id
                }
            };
            buffer.push(id);
        });
        for i in self.alone.len()..self.words.len() {
            let word = &self.words[i];
            let token = if self.synonyms.contains_key(&word.stem) {
                // Its stem may still stand alone when no phrase follows.
                let stem = word.stem.clone();
                self.intern(&stem);
                Self::PHRASE
            } else if word.stop {
                Self::STOP
            } else {
                let stem = word.stem.clone();
                self.intern(&stem)
            };
            self.alone.push(token);
        }
    }

    /// The tokens of the text last read, as provisional ids, appended to
    /// `out`.
    fn tokens(&self, out: &mut Vec<u32>) {
        let alone = |w: &u32| self.alone[*w as usize];
        if self.buffer.iter().all(|w| alone(w) != Self::PHRASE) {
            out.extend(self.buffer.iter().map(alone).filter(|&t| t != Self::STOP));
            return;
        }
        let words: Vec<&Word> = self
            .buffer
            .iter()
            .map(|&w| &self.words[w as usize])
            .collect();
        for (token, _) in tokens_with_origin(self.synonyms, &words) {
            // Every word's stem and every canonical token is interned.
            out.extend(self.tokens.get(token));
        }
    }

    /// The text last read, folded (see [`fold`]).
    fn fold(&self) -> String {
        fold(self.buffer.iter().map(|&w| &self.words[w as usize]))
    }

    /// Marks the non-stop words of the text last read as vocabulary.
    fn note(&self, vocabulary: &mut Vec<bool>) {
        vocabulary.resize(self.words.len(), false);
        for &w in &self.buffer {
            vocabulary[w as usize] |= !self.words[w as usize].stop;
        }
    }
}

/// What reading a run of entries gives, with token ids provisional to its
/// lexicon.
struct Reading<'s> {
    lexicon: Lexicon<'s>,
    /// The words of how entries are asked and answered, stop words aside:
    /// what typo correction aims at. Unsorted, with repeats.
    vocabulary: Vec<String>,
    /// The tokens of every topic name.
    anchors: Vec<u32>,
    /// Per entry: the tokens of how people ask it (phrasings and topic
    /// names), sorted.
    asked: Vec<Vec<u32>>,
    /// Per entry: the tokens only its answer has, sorted.
    answered: Vec<Vec<u32>>,
    /// Per entry: each phrasing's tokens, sorted, and its folded form.
    phrasings: Vec<Vec<(Vec<u32>, String)>>,
}

impl<'s> Reading<'s> {
    fn of(
        normalizer: &'s Normalizer,
        synonyms: &'s Synonyms,
        topics: &[Topic],
        entries: &[Entry],
    ) -> Reading<'s> {
        let mut lexicon = Lexicon::new(normalizer, synonyms);
        let mut in_vocabulary: Vec<bool> = Vec::new();
        let mut topic_tokens: HashMap<&str, (Vec<u32>, &str, bool)> = HashMap::default();
        let mut anchors: Vec<u32> = Vec::new();
        for topic in topics {
            lexicon.read(&topic.name);
            let mut tokens = Vec::new();
            lexicon.tokens(&mut tokens);
            anchors.extend_from_slice(&tokens);
            topic_tokens.insert(topic.id.as_str(), (tokens, topic.name.as_str(), false));
        }
        let mut asked: Vec<Vec<u32>> = Vec::with_capacity(entries.len());
        let mut answered: Vec<Vec<u32>> = Vec::with_capacity(entries.len());
        let mut phrasings: Vec<Vec<(Vec<u32>, String)>> = Vec::with_capacity(entries.len());
        for entry in entries {
            let mut own = Vec::with_capacity(1 + entry.alternates.len());
            let mut bag = Vec::new();
            for phrase in entry.phrasings() {
                lexicon.read(phrase);
                lexicon.note(&mut in_vocabulary);
                let mut ids = Vec::with_capacity(lexicon.buffer.len());
                lexicon.tokens(&mut ids);
                ids.sort_unstable();
                ids.dedup();
                bag.extend_from_slice(&ids);
                own.push((ids, lexicon.fold()));
            }
            for topic in &entry.topics {
                let Some((tokens, name, noted)) = topic_tokens.get_mut(topic.as_str()) else {
                    continue;
                };
                bag.extend_from_slice(tokens);
                if !*noted {
                    // The topic name's words, once, as the entries that
                    // use the topic see them.
                    *noted = true;
                    lexicon.read(name);
                    lexicon.note(&mut in_vocabulary);
                }
            }
            bag.sort_unstable();
            bag.dedup();
            lexicon.read(&entry.answer);
            lexicon.note(&mut in_vocabulary);
            let mut answer_only = Vec::with_capacity(lexicon.buffer.len());
            lexicon.tokens(&mut answer_only);
            answer_only.retain(|t| bag.binary_search(t).is_err());
            answer_only.sort_unstable();
            answer_only.dedup();
            asked.push(bag);
            answered.push(answer_only);
            phrasings.push(own);
        }
        in_vocabulary.resize(lexicon.words.len(), false);
        let vocabulary = lexicon
            .words
            .iter()
            .zip(&in_vocabulary)
            .filter(|&(_, &keep)| keep)
            .map(|(w, _)| w.text.clone())
            .collect();
        Reading {
            lexicon,
            vocabulary,
            anchors,
            asked,
            answered,
            phrasings,
        }
    }

    /// Appends the entries `later` read, which come after this reading's,
    /// mapping its token ids into this lexicon. Anchors are the same in
    /// both (every topic name), so `later`'s are dropped.
    fn merge(&mut self, later: Reading<'_>) {
        let map: Vec<u32> = later
            .lexicon
            .names
            .iter()
            .map(|name| self.lexicon.intern(name))
            .collect();
        let remap = |ids: &mut Vec<u32>| {
            for id in ids.iter_mut() {
                *id = map[*id as usize];
            }
            ids.sort_unstable();
        };
        for mut bag in later.asked {
            remap(&mut bag);
            self.asked.push(bag);
        }
        for mut answer_only in later.answered {
            remap(&mut answer_only);
            self.answered.push(answer_only);
        }
        for mut own in later.phrasings {
            for (ids, _) in &mut own {
                remap(ids);
            }
            self.phrasings.push(own);
        }
        self.vocabulary.extend(later.vocabulary);
    }
}

/// The per-token and per-entry tables of an index, with final token ids.
struct Tables {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    weights: Vec<f64>,
    coverage: Vec<f64>,
    unknown_idf: f64,
    entries: Vec<EntryIndex>,
    postings: Vec<Vec<u32>>,
}

impl Tables {
    /// From provisional token ids (`provisional` names them) per entry:
    /// `anchors` are the topic-name tokens, `asked`, `answered` and
    /// `phrasings` as in [`Reading`].
    fn new(
        provisional: &[String],
        anchors: &[u32],
        asked: Vec<Vec<u32>>,
        answered: Vec<Vec<u32>>,
        phrasings: Vec<Vec<(Vec<u32>, String)>>,
    ) -> Tables {
        // IDF over how entries are asked, BM25 style: a token in every
        // entry's phrasings weighs almost nothing, one in a single entry's
        // weighs most. Answers are left out: they repeat "acupressure" and
        // "back pain" in nearly every entry, which says nothing about which
        // entry a question is after.
        let n = asked.len() as f64;
        let mut df = vec![0usize; provisional.len()];
        for &t in asked.iter().flatten() {
            df[t as usize] += 1;
        }
        let mut is_anchor = vec![false; provisional.len()];
        for &t in anchors {
            is_anchor[t as usize] = true;
        }
        let idf = |df: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();

        // Final ids in order of first use, each entry's new tokens in
        // alphabetical order: only tokens some entry holds get one, so a
        // word the content never uses keeps the unknown-word weight.
        let mut final_id = vec![u32::MAX; provisional.len()];
        let mut ids: HashMap<String, u32> = HashMap::default();
        let mut names: Vec<String> = Vec::new();
        let mut weights: Vec<f64> = Vec::new();
        let mut coverage: Vec<f64> = Vec::new();
        let mut fresh: Vec<u32> = Vec::new();
        for group in asked.iter().zip(&answered).flat_map(|(a, b)| [a, b]) {
            fresh.clear();
            fresh.extend(group.iter().filter(|&&t| final_id[t as usize] == u32::MAX));
            fresh.sort_unstable_by_key(|&t| &provisional[t as usize]);
            for &t in &fresh {
                let id = names.len() as u32;
                final_id[t as usize] = id;
                let name = provisional[t as usize].clone();
                let weight = idf(df[t as usize] as f64);
                ids.insert(name.clone(), id);
                names.push(name);
                weights.push(weight);
                coverage.push(if is_anchor[t as usize] {
                    weight.max(ANCHOR_WEIGHT)
                } else {
                    weight
                });
            }
        }

        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
        let mut entries = Vec::with_capacity(asked.len());
        for (e, ((bag, answer_only), own)) in asked.iter().zip(&answered).zip(phrasings).enumerate()
        {
            let mut entry = EntryIndex::default();
            entry
                .bag
                .extend(bag.iter().map(|&t| (final_id[t as usize], 1.0)));
            entry.bag.extend(
                answer_only
                    .iter()
                    .map(|&t| (final_id[t as usize], ANSWER_FACTOR)),
            );
            entry.bag.sort_by_key(|&(id, _)| id);
            for &(id, _) in &entry.bag {
                postings[id as usize].push(e as u32);
            }
            for (tokens, folded) in own {
                let mut ids: Vec<u32> = tokens.iter().map(|&t| final_id[t as usize]).collect();
                ids.sort_unstable();
                let total = ids.iter().map(|&id| coverage[id as usize]).sum();
                entry.phrasings.push(Phrasing {
                    tokens: ids,
                    total,
                    folded,
                });
            }
            entries.push(entry);
        }

        Tables {
            ids,
            names,
            weights,
            coverage,
            unknown_idf: UNKNOWN_BOOST * idf(0.0),
            entries,
            postings,
        }
    }
}

/// Each vocabulary word (from [`MIN_TYPO_LEN`] letters), and each of its
/// one-letter deletions, as a [`variant_key`] beside the word's index,
/// sorted by key.
fn deletion_index(vocabulary: &[String]) -> Vec<(u64, u32)> {
    let mut deletions: Vec<(u64, u32)> = Vec::new();
    let mut buffer = String::new();
    for (i, word) in vocabulary.iter().enumerate() {
        if word.chars().count() < MIN_TYPO_LEN {
            continue;
        }
        deletions.push((variant_key(word), i as u32));
        deletion_keys(word, &mut buffer, |key| deletions.push((key, i as u32)));
    }
    deletions.sort_unstable();
    deletions.dedup();
    deletions
}

/// Calls `f` with the [`variant_key`] of each one-letter deletion of
/// `word`, built in `buffer`.
fn deletion_keys(word: &str, buffer: &mut String, mut f: impl FnMut(u64)) {
    for (at, c) in word.char_indices() {
        buffer.clear();
        buffer.push_str(&word[..at]);
        buffer.push_str(&word[at + c.len_utf8()..]);
        f(variant_key(buffer));
    }
}

/// The key a word or deletion variant is filed under in the deletion
/// index: a 64-bit hash, so equal strings meet and different ones almost
/// never do (a stray candidate would still have to pass [`closest`]).
fn variant_key(variant: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    variant.hash(&mut hasher);
    hasher.finish()
}

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
    /// The length in characters of the longest word in [`Index::deletions`]:
    /// a word more than [`max_edits`] longer cannot be typo-corrected.
    longest_typo_target: usize,
    /// Each vocabulary word, and each of its one-letter deletions, as a
    /// [`variant_key`] beside the word it comes from, sorted by key: a
    /// misspelling and its word meet here. Keys rather than strings keep
    /// the build to one allocation for the whole table.
    deletions: Vec<(u64, u32)>,
    /// Which short content words the content uses with which others: what
    /// decides a short typo ([`Index::short_fix`]).
    neighbours: Neighbours,
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
        let synonyms = synonym_table(&normalizer, &catalog.synonyms);

        // A large catalog's entries are read in two halves on two threads;
        // the second half's token ids are then mapped into the first's.
        let split = parallel::worth_it(catalog.entries.len(), parallel::MIN_ENTRIES);
        let half = if split {
            catalog.entries.len() / 2
        } else {
            catalog.entries.len()
        };
        let (first, second) = catalog.entries.split_at(half);
        let read = |entries| Reading::of(&normalizer, &synonyms, &catalog.topics, entries);
        let (mut reading, rest) = parallel::join(
            split,
            || read(first),
            || (!second.is_empty()).then(|| read(second)),
        );
        if let Some(rest) = rest {
            reading.merge(rest);
        }
        let Reading {
            lexicon,
            mut vocabulary,
            anchors,
            asked,
            answered,
            phrasings,
        } = reading;
        // Every synonym is vocabulary, stop words included.
        for word in catalog.synonyms.iter().flat_map(|g| &g.words) {
            normalizer.each_word(word, |w| vocabulary.push(w.to_owned()));
        }

        vocabulary.sort_unstable();
        vocabulary.dedup();
        // The deletion index needs only the vocabulary: for a large catalog
        // it is built on a second thread while this one weighs tokens and
        // files postings.
        let (tables, (deletions, neighbours)) = parallel::join(
            split,
            || Tables::new(&lexicon.names, &anchors, asked, answered, phrasings),
            || {
                let neighbours = if catalog.entries.len() <= MAX_NEIGHBOUR_ENTRIES {
                    let texts = catalog
                        .entries
                        .iter()
                        .flat_map(Entry::phrasings)
                        .chain(catalog.examples.answered.iter().map(|(_, m)| m))
                        .map(String::as_str);
                    Neighbours::build(&normalizer, texts)
                } else {
                    Neighbours::default()
                };
                (deletion_index(&vocabulary), neighbours)
            },
        );
        let longest_typo_target = vocabulary
            .iter()
            .map(|w| w.chars().count())
            .filter(|&len| len >= MIN_TYPO_LEN)
            .max()
            .unwrap_or(0);
        Index {
            normalizer,
            synonyms,
            vocabulary,
            longest_typo_target,
            deletions,
            neighbours,
            ids: tables.ids,
            names: tables.names,
            weights: tables.weights,
            coverage: tables.coverage,
            unknown_idf: tables.unknown_idf,
            entries: tables.entries,
            postings: tables.postings,
        }
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

    /// A question's words as weighted tokens: typo correction against the
    /// vocabulary (for the first [`MAX_TYPO_WORDS`] words it could change),
    /// synonyms, stop words dropped, duplicates merged. Also returns the
    /// question folded to its words.
    pub fn query_words(&self, words: Vec<Word>) -> (Vec<QueryToken>, String) {
        self.query_words_with(words, |word| self.nearest(word))
    }

    /// [`Index::query_words`], with typo correction by `nearest`: what
    /// reads thousands of messages at once passes one that remembers the
    /// words it has corrected.
    pub fn query_words_with(
        &self,
        mut words: Vec<Word>,
        mut nearest: impl FnMut(&Word) -> Option<String>,
    ) -> (Vec<QueryToken>, String) {
        let folded = fold(&words);
        let mut corrected = vec![false; words.len()];
        let mut tried = 0;
        for (i, word) in words.iter_mut().enumerate() {
            if !self.may_correct(word) {
                continue;
            }
            if tried == MAX_TYPO_WORDS {
                break;
            }
            tried += 1;
            if let Some(fix) = nearest(word) {
                word.stem = self.normalizer.stem(&fix);
                word.text = fix;
                corrected[i] = true;
            }
        }
        // Short words next, once the long ones around them read right
        // ("sid efects": "efects" is "effects" before "sid" is decided).
        for i in 0..words.len() {
            if tried == MAX_TYPO_WORDS {
                break;
            }
            if corrected[i] || !short_words::may_be_typo(&words[i]) || self.knows(&words[i].text) {
                continue;
            }
            tried += 1;
            if let Some(fix) = self.short_fix(&words, i) {
                words[i].stem = self.normalizer.stem(&fix);
                words[i].text = fix;
                corrected[i] = true;
            }
        }
        let mut out: Vec<QueryToken> = Vec::new();
        let words: Vec<&Word> = words.iter().collect();
        for (token, from) in tokens_with_origin(&self.synonyms, &words) {
            if out.iter().any(|q| q.token == token) {
                continue;
            }
            let discount = if corrected[from.clone()].iter().any(|&c| c) {
                TYPO_DISCOUNT
            } else {
                1.0
            };
            let id = self.ids.get(token).copied();
            let weight = match id {
                Some(id) => self.weight(id),
                // A word the content never uses weighs by how rare it is
                // in English (a synonym phrase is always the content's).
                None => {
                    let surface = words.get(from.start).filter(|_| from.len() == 1);
                    self.unknown_idf * surface.map_or(1.0, |w| english::rarity(&w.text))
                }
            };
            out.push(QueryToken {
                token: token.to_owned(),
                id,
                weight,
                discount,
            });
        }
        (out, folded)
    }

    /// What a rare word the content never uses weighs (common ones weigh
    /// a share of it, see [`english::rarity`]).
    pub fn unknown_weight(&self) -> f64 {
        self.unknown_idf
    }

    /// The normaliser the index reads text with.
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// The vocabulary word a misspelt word most likely meant, if any: what
    /// [`Index::query_words`] does for each word, cap aside.
    #[cfg(test)]
    fn correct(&self, word: &Word) -> Option<String> {
        if self.may_correct(word) {
            self.nearest(word)
        } else {
            None
        }
    }

    /// Whether typo correction could change a word: a word that is not a
    /// stop word, long enough, all letters, and not in the vocabulary. A
    /// word of length L can only be corrected to a vocabulary word of length
    /// L ± [`max_edits`] ([`closest`] refuses the rest), so one longer than
    /// the longest vocabulary word by more than that is left alone before
    /// any variant is made: that skips nothing that could match, and keeps
    /// a 4000-letter word from costing millions of variants.
    fn may_correct(&self, word: &Word) -> bool {
        let len = word.text.chars().count();
        !word.stop
            && len >= MIN_TYPO_LEN
            && len <= self.longest_typo_target + max_edits(len)
            && word.text.chars().all(char::is_alphabetic)
            && !self.knows(&word.text)
    }

    /// The vocabulary word a word [`Index::may_correct`] accepts most
    /// likely meant, if any: the closest by Damerau-Levenshtein distance,
    /// the first alphabetically among equals. Candidates come from the
    /// deletion index (a word and its misspelling share a one-letter
    /// deletion, or one is the other's), so the vocabulary is never scanned.
    /// The word itself, its one-letter deletions and, from [`TWO_EDIT_LEN`],
    /// its two-letter deletions (each pair of positions once) are looked up
    /// by key, built in one reused buffer: at most 1 + L + L(L − 1)/2
    /// lookups for a word of L letters, and no string per variant.
    pub fn nearest(&self, word: &Word) -> Option<String> {
        let text = word.text.as_str();
        let chars: Vec<(usize, usize)> = text
            .char_indices()
            .map(|(at, c)| (at, c.len_utf8()))
            .collect();
        let two = chars.len() >= TWO_EDIT_LEN;
        let mut keys: Vec<u64> = Vec::with_capacity(if two {
            1 + chars.len() * (chars.len() + 1) / 2
        } else {
            1 + chars.len()
        });
        keys.push(variant_key(text));
        let mut buffer = String::with_capacity(text.len());
        for (i, &(at, len)) in chars.iter().enumerate() {
            buffer.clear();
            buffer.push_str(&text[..at]);
            buffer.push_str(&text[at + len..]);
            keys.push(variant_key(&buffer));
            if !two {
                continue;
            }
            for &(at2, len2) in &chars[i + 1..] {
                buffer.clear();
                buffer.push_str(&text[..at]);
                buffer.push_str(&text[at + len..at2]);
                buffer.push_str(&text[at2 + len2..]);
                keys.push(variant_key(&buffer));
            }
        }
        // A word with repeated letters has repeated variants.
        keys.sort_unstable();
        keys.dedup();
        let candidates = self.filed(&keys);
        let candidates = candidates
            .iter()
            .map(|&i| self.vocabulary[i as usize].as_str());
        closest(text, candidates)
    }

    /// The vocabulary words (by index, ascending, each once) filed in the
    /// deletion index under any of `keys`.
    fn filed(&self, keys: &[u64]) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        for &key in keys {
            let from = self.deletions.partition_point(|&(k, _)| k < key);
            let filed = self.deletions[from..]
                .iter()
                .take_while(|&&(k, _)| k == key);
            found.extend(filed.map(|&(_, w)| w));
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The content word a short word of `words` (one
    /// [`short_words::may_be_typo`] accepts) most likely meant: of the
    /// vocabulary words one edit away, the one the rest of the message
    /// goes with best ([`Neighbours::choose`]). Candidates come from the
    /// deletion index: the word itself (a letter was dropped) and, for
    /// four letters, its one-letter deletions (a letter changed or
    /// swapped); at most five lookups.
    fn short_fix(&self, words: &[Word], at: usize) -> Option<String> {
        let text = words[at].text.as_str();
        let mut keys = vec![variant_key(text)];
        if text.chars().count() == 4 {
            let mut buffer = String::with_capacity(text.len());
            deletion_keys(text, &mut buffer, |key| keys.push(key));
        }
        let candidates: Vec<(&str, String)> = self
            .filed(&keys)
            .iter()
            .map(|&i| self.vocabulary[i as usize].as_str())
            .filter(|c| short_words::one_edit(text, c))
            .map(|c| (c, self.normalizer.stem(c)))
            .collect();
        self.neighbours
            .choose(words, at, &candidates)
            .map(str::to_owned)
    }

    /// Whether the content uses this folded word.
    fn knows(&self, word: &str) -> bool {
        self.vocabulary
            .binary_search_by(|w| w.as_str().cmp(word))
            .is_ok()
    }
}

/// The candidate nearest to a misspelt `word` that the typo rules accept
/// (first in iteration order among equals; callers pass sorted candidates).
fn closest<'v>(word: &str, candidates: impl Iterator<Item = &'v str>) -> Option<String> {
    let len = word.chars().count();
    let max_edits = max_edits(len);
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

/// How many edits a misspelt word of `len` letters may be from the word it
/// is corrected to.
fn max_edits(len: usize) -> usize {
    if len >= TWO_EDIT_LEN {
        2
    } else {
        1
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
fn fold<'w>(words: impl IntoIterator<Item = &'w Word>) -> String {
    let mut out = String::new();
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&word.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index of the shipped `faq/`.
    fn shipped_index() -> Index {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        match crate::content::load_dir(&dir) {
            Ok(catalog) => Index::build(&catalog),
            Err(problems) => panic!("shipped content: {problems:?}"),
        }
    }

    /// The deletion index finds exactly what a scan of the whole vocabulary
    /// finds, for every kind of single typo in words the content uses.
    #[test]
    fn typo_candidates_match_a_full_scan() {
        let index = shipped_index();
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
                if index.knows(&w.text) || w.stop {
                    continue;
                }
                assert_eq!(index.correct(&w), scan(&w), "typo {typo:?} of {word:?}");
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} typos checked");
    }

    /// Words too long to be typo-corrected are skipped before any variant
    /// is made, and a scan of the whole vocabulary corrects none of them
    /// either; the longest that may be corrected still is.
    #[test]
    fn the_length_bound_skips_only_what_no_scan_would_correct() {
        let index = shipped_index();
        let scan = |word: &Word| closest(&word.text, index.vocabulary.iter().map(String::as_str));
        let longest = index
            .vocabulary
            .iter()
            .filter(|w| w.chars().count() == index.longest_typo_target)
            .find(|w| w.chars().all(char::is_alphabetic));
        let Some(longest) = longest else {
            panic!("no longest word");
        };
        assert!(index.longest_typo_target >= TWO_EDIT_LEN);
        for extra in 1..=6 {
            let text = format!("{longest}{}", "x".repeat(extra));
            let word = index.normalizer.word(&text);
            let len = text.chars().count();
            let fits = len <= index.longest_typo_target + max_edits(len);
            assert_eq!(index.may_correct(&word), fits && !word.stop, "{text}");
            assert_eq!(index.correct(&word), scan(&word), "{text}");
            assert_eq!(scan(&word).is_some(), extra <= 2, "{text}");
        }
        // Far past the bound, and through a whole question.
        let word = index.normalizer.word(&"a".repeat(500));
        assert!(!index.may_correct(&word));
        assert_eq!(scan(&word), None);
    }

    /// A short misspelt word is read as the content word its neighbours
    /// go with; alone, it is left as typed.
    #[test]
    fn short_typos_are_corrected_by_their_neighbours() {
        let index = shipped_index();
        let tokens = |text: &str| -> Vec<String> {
            let words = index.normalizer.words(text);
            index
                .query_words(words)
                .0
                .into_iter()
                .map(|t| t.token)
                .collect()
        };
        let has = |text: &str, token: &str| tokens(text).iter().any(|t| t == token);
        assert!(
            has("sid effects of acupuncture", "side"),
            "{:?}",
            tokens("sid effects of acupuncture")
        );
        // "at home" is then a synonym phrase, read as "diy".
        assert!(
            has("acupressure at hom", "diy"),
            "{:?}",
            tokens("acupressure at hom")
        );
        assert!(
            has("how mny sessions", "mani"),
            "{:?}",
            tokens("how mny sessions")
        );
        assert!(!has("sid", "side"), "no context, no guess");
    }
}
