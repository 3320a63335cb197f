//! How common English words are: the weight the matcher gives a word the
//! FAQ never uses. A common word the content happens not to use ("her",
//! "supposed", "week") says nothing about whether the FAQ covers a
//! question; a rare one ("reflexology", "tylenol") says it does not.
//!
//! The table is `data/english-zipf.txt`, made from the `wordfreq` package
//! (CC-BY-SA 4.0) by `data/make_english_zipf.py` and embedded in the binary.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// The embedded table: lines of a Zipf value and the words that have it.
static TABLE: &str = include_str!("../../data/english-zipf.txt");

/// At or below this Zipf value (once per million words, and every word the
/// table leaves out: "reflexology", "tylenol") a word the content never
/// uses keeps its whole weight: rare words are what mark a question as one
/// the FAQ does not cover.
///
/// This and the two below were chosen by a grid (2.5 to 3.5, 4.0 to 7.0,
/// 0 to 0.75) on the tuning sets: dev-questions and realistic-dev, scored
/// as correct outcomes minus five per wrong answer, and the golden tests,
/// minus five per failure; the middle of the best plateau. Frequency alone
/// cannot tell "her" from "car" (both common), so common words keep most
/// of their weight: lower, "how much does a new car cost" gets the answer
/// about cost. docs/QUALITY.md has the figures.
pub(crate) const RARE_ZIPF: f64 = 3.0;

/// At or above this Zipf value (once per thousand words: "know", "her",
/// "all") a word the content never uses weighs [`COMMON_WEIGHT`] of its
/// weight; between the two, in proportion ("supposed", 4.9: 78%).
pub(crate) const COMMON_ZIPF: f64 = 6.0;

/// The share of its weight the commonest words keep.
pub(crate) const COMMON_WEIGHT: f64 = 0.75;

/// At or above this Zipf value (ten times per million words: "sit", "hug",
/// "hey", "bye") a word is one people write on purpose: a short word this
/// common is not taken for a typo (`short_words`), and a rare spelling
/// with a doubled letter is read as the word this common it becomes
/// without one ("heyy" is "hey", `normalize`).
pub(crate) const MEANT_ZIPF: f64 = 4.0;

fn zipf_table() -> &'static FxHashMap<&'static str, f32> {
    static PARSED: OnceLock<FxHashMap<&'static str, f32>> = OnceLock::new();
    PARSED.get_or_init(|| {
        // Sized once: growing by rehashing would double the peak.
        let words = TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split(' ').count().saturating_sub(1))
            .sum();
        let mut table = FxHashMap::with_capacity_and_hasher(words, Default::default());
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split(' ');
            let Some(zipf) = parts.next().and_then(|z| z.parse::<f32>().ok()) else {
                continue;
            };
            for word in parts {
                table.insert(word, zipf);
            }
        }
        table
    })
}

/// Parses the table now rather than at the first question that needs it,
/// so loading content pays for it once and no question does.
pub(crate) fn load() {
    zipf_table();
}

/// The Zipf value of a (folded, lower-case) word, if it is common enough to
/// be listed.
pub(crate) fn zipf(word: &str) -> Option<f64> {
    listed(word).map(|(_, z)| z)
}

/// The listed form of a word and its Zipf value, borrowed from the
/// embedded table: what lets a caller swap a typed word for a listed one
/// without allocating.
pub(crate) fn listed(word: &str) -> Option<(&'static str, f64)> {
    zipf_table()
        .get_key_value(word)
        .map(|(&w, &z)| (w, f64::from(z)))
}

/// The share of the unknown-word weight `word` keeps: 1 for a rare word,
/// [`COMMON_WEIGHT`] for a common one.
pub(crate) fn rarity(word: &str) -> f64 {
    let Some(z) = zipf(word) else {
        return 1.0;
    };
    let t = ((COMMON_ZIPF - z) / (COMMON_ZIPF - RARE_ZIPF)).clamp(0.0, 1.0);
    COMMON_WEIGHT + (1.0 - COMMON_WEIGHT) * t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_weigh_little_and_rare_ones_all() {
        assert!(zipf("the").is_some_and(|z| (z - 7.7).abs() < 1e-6));
        assert!(rarity("her") <= COMMON_WEIGHT + 1e-9);
        let supposed = rarity("supposed");
        assert!(
            rarity("her") < supposed && supposed < rarity("coworker"),
            "{supposed}"
        );
        for rare in ["reflexology", "moxibustion", "tylenol", "xqzv"] {
            assert_eq!(rarity(rare), 1.0, "{rare}");
        }
        let middle = rarity("coworker");
        assert!(COMMON_WEIGHT < middle && middle < 1.0, "{middle}");
    }
}
