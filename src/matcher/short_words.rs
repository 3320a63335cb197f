//! Typo correction for short words ("sid efects", "mny sessions", "at hom",
//! "wrk"), decided by the words around them: which content words of four
//! or five letters the rest of the message is usually seen with.
//!
//! Long words are corrected by edit distance alone (see
//! [`super::index::Index::nearest`]): "acupresure" can only mean one word.
//! A short one cannot: "sid" is one letter from "side", "said" and "sit",
//! and changing a letter of a four-letter word makes another real word too
//! easily. So a short word is corrected only when one candidate is the
//! clear choice of its neighbours: the content's phrasings and members'
//! examples say "side" goes with "effect" far more often than
//! "sit" does, so "sid efects" reads "side effects".

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

use super::english;
use super::normalize::{Normalizer, Word};

/// The shortest and longest a word may be to be corrected here. Two
/// letters are too few to guess from ("hw" and "u" are in the chat table
/// instead); from five letters the long-word rules apply.
const SHORT_LETTERS: std::ops::RangeInclusive<usize> = 3..=4;

/// The longest a correction may be: a three- or four-letter word with one
/// letter dropped.
const MAX_TARGET_LETTERS: usize = 5;

/// How many words of a message are asked about their neighbours, at most:
/// each costs one lookup per candidate, and a real message has far fewer
/// content words than this.
const MAX_NEIGHBOURS: usize = 64;

/// How often the content uses two stems in one text, for every pair whose
/// one side is a possible correction target (four or five letters).
#[derive(Debug, Default)]
pub(crate) struct Neighbours {
    /// (key of the stem pair, number of texts using both), sorted by key.
    /// A 32-bit key keeps the table at 8 bytes a pair: two pairs of the
    /// hundred thousand or so meet under one key a few times in a catalog,
    /// which at worst lends a candidate the other pair's count.
    pairs: Vec<(u32, u32)>,
}

impl Neighbours {
    /// Counts the stem pairs of `texts` (each pair once per text). Each
    /// distinct word is stemmed once: a large catalog's phrasings repeat
    /// their words many times.
    pub fn build<'t>(normalizer: &Normalizer, texts: impl Iterator<Item = &'t str>) -> Self {
        // Word to (hash of its stem, whether it may be a correction), or
        // `None` for words that are never a neighbour.
        let mut read: FxHashMap<String, Option<(u64, bool)>> = FxHashMap::default();
        let mut keys: Vec<u32> = Vec::new();
        let mut stems: Vec<(u64, bool)> = Vec::new();
        let mut seen: Vec<u32> = Vec::new();
        for text in texts {
            stems.clear();
            normalizer.each_word(text, |w| {
                let known = match read.get(w) {
                    Some(&known) => known,
                    None => {
                        let word = normalizer.word(w);
                        let known = (!word.stop && word.text.chars().all(char::is_alphabetic))
                            .then(|| (stem_hash(&word.stem), is_target(&word.text)));
                        read.insert(w.to_owned(), known);
                        known
                    }
                };
                if let Some((stem, target)) = known {
                    if !stems.iter().any(|&(s, _)| s == stem) {
                        stems.push((stem, target));
                    }
                }
            });
            seen.clear();
            for (i, &(a, a_target)) in stems.iter().enumerate() {
                for &(b, b_target) in &stems[i + 1..] {
                    if a_target || b_target {
                        seen.push(pair_key(a, b));
                    }
                }
            }
            seen.sort_unstable();
            seen.dedup();
            keys.extend_from_slice(&seen);
        }
        keys.sort_unstable();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for key in keys {
            match pairs.last_mut() {
                Some((k, n)) if *k == key => *n += 1,
                _ => pairs.push((key, 1)),
            }
        }
        pairs.shrink_to_fit();
        Neighbours { pairs }
    }

    /// In how many texts the content uses both stems (by [`stem_hash`]).
    fn together(&self, a: u64, b: u64) -> u32 {
        let key = pair_key(a, b);
        self.pairs
            .binary_search_by_key(&key, |&(k, _)| k)
            .map_or(0, |i| self.pairs[i].1)
    }

    /// Of the `candidates` for the word at `at` (vocabulary words, as
    /// typed and as stems), the one the other words of the message go with
    /// most, when exactly one does best.
    pub fn choose<'c>(
        &self,
        words: &[Word],
        at: usize,
        candidates: &[(&'c str, String)],
    ) -> Option<&'c str> {
        // Each context stem hashed once, not once per candidate.
        let context: Vec<u64> = words
            .iter()
            .enumerate()
            .filter(|&(i, w)| i != at && !w.stop)
            .map(|(_, w)| stem_hash(&w.stem))
            .take(MAX_NEIGHBOURS)
            .collect();
        let mut best: Option<(u32, &str)> = None;
        let mut tied = false;
        for (candidate, stem) in candidates {
            let stem = stem_hash(stem);
            let support: u32 = context
                .iter()
                .filter(|&&c| c != stem)
                .map(|&c| self.together(stem, c))
                .sum();
            match best {
                Some((b, _)) if support == b => tied = true,
                Some((b, _)) if support < b => {}
                _ => {
                    best = Some((support, candidate));
                    tied = false;
                }
            }
        }
        match best {
            Some((support, candidate)) if support > 0 && !tied => Some(candidate),
            _ => None,
        }
    }
}

/// Whether a vocabulary word could be what a short typo meant.
fn is_target(word: &str) -> bool {
    let len = word.chars().count();
    len > *SHORT_LETTERS.start() && len <= MAX_TARGET_LETTERS
}

/// Whether a word of a message may be a short typo: three or four
/// letters, not a stop word, and less common in English than
/// [`english::MEANT_ZIPF`] ("sid" 3.3, "hom" 2.6, "mny" 1.5, unlisted
/// words; "sit" is meant). The caller checks that the content does not
/// use it.
pub(crate) fn may_be_typo(word: &Word) -> bool {
    SHORT_LETTERS.contains(&word.text.chars().count())
        && !word.stop
        && word.text.chars().all(|c| c.is_ascii_lowercase())
        && english::zipf(&word.text).is_none_or(|z| z < english::MEANT_ZIPF)
}

/// Whether `target` is one edit from the short `word`: a letter dropped
/// ("hom" for "home"), or for four letters also one changed or two swapped
/// ("sied" for "side").
pub(crate) fn one_edit(word: &str, target: &str) -> bool {
    let (len, tlen) = (word.chars().count(), target.chars().count());
    if tlen > MAX_TARGET_LETTERS || strsim::damerau_levenshtein(word, target) != 1 {
        return false;
    }
    tlen == len + 1 || (len == 4 && tlen == 4)
}

/// A stem's hash, what pairs are keyed by.
fn stem_hash(stem: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    stem.hash(&mut hasher);
    hasher.finish()
}

/// The key a pair of stem hashes is counted under, the same in either
/// order.
fn pair_key(a: u64, b: u64) -> u32 {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let mut hasher = rustc_hash::FxHasher::default();
    a.hash(&mut hasher);
    b.hash(&mut hasher);
    let h = hasher.finish();
    (h ^ (h >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_pick_the_word_the_context_goes_with() {
        let n = Normalizer::default();
        let texts = [
            "what are the side effects",
            "side effects of acupuncture",
            "can I sit during a session",
        ];
        let neighbours = Neighbours::build(&n, texts.into_iter());
        let words = n.words("sid effects");
        let candidates = [("side", n.stem("side")), ("said", n.stem("said"))];
        assert_eq!(neighbours.choose(&words, 0, &candidates), Some("side"));
        // Without context, no guess.
        let alone = n.words("sid");
        assert_eq!(neighbours.choose(&alone, 0, &candidates), None);
    }

    #[test]
    fn only_rare_short_words_are_typos() {
        let n = Normalizer::default();
        for typo in ["sid", "hom", "mny", "wrk"] {
            assert!(may_be_typo(&n.word(typo)), "{typo}");
        }
        for meant in ["sit", "hug", "the", "acupressure", "it's", "ab"] {
            assert!(!may_be_typo(&n.word(meant)), "{meant}");
        }
        assert!(one_edit("hom", "home"));
        assert!(one_edit("sied", "side"));
        assert!(one_edit("mnay", "many"));
        assert!(!one_edit("sid", "sit"), "a changed letter in three letters");
        assert!(!one_edit("hom", "homes"));
    }
}
