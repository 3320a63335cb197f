//! Red-flag triage: recognising a question that describes a possible
//! emergency, before any FAQ matching, so that it gets urgent-care guidance
//! instead of an answer.
//!
//! Rules come from the content (`faq/red-flags.toml`): a flag fires when the
//! question holds one alternative from every slot of one of its rules, in any
//! order. Words are compared by stem, so endings don't matter, and longer
//! words tolerate one typo. This module only decides; the reply text lives in
//! the content and is rendered by [`crate::reply`].

use super::normalize::{Normalizer, Word};
use crate::content::RedFlags;

/// Words at least this long (in bytes) may differ from a rule's word by one
/// edit past their first letter ("bladdder", "numbnes"); shorter ones must
/// match exactly, because one edit turns them into other words too easily
/// ("fell" / "feel").
const TYPO_MIN_LEN: usize = 5;

/// A phrase of a rule: its words, folded and stemmed.
type Phrase = Vec<Word>;

/// The compiled rules of every flag.
pub(crate) struct Triage {
    /// Per flag, per rule, per slot: the alternative phrases.
    flags: Vec<Vec<Vec<Vec<Phrase>>>>,
}

impl Triage {
    /// Compiles the content's red flags.
    pub fn new(red_flags: &RedFlags, normalizer: &Normalizer) -> Triage {
        let flags = red_flags
            .flags
            .iter()
            .map(|flag| {
                flag.rules
                    .iter()
                    .map(|rule| {
                        rule.iter()
                            .map(|slot| {
                                slot.iter()
                                    .map(|alt| normalizer.words(alt))
                                    .filter(|p| !p.is_empty())
                                    .collect()
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Triage { flags }
    }

    /// The first flag (index into the content's flags) the question fires.
    pub fn check(&self, words: &[Word]) -> Option<usize> {
        self.flags.iter().position(|rules| {
            rules.iter().any(|slots| {
                !slots.is_empty()
                    && slots
                        .iter()
                        .all(|alternatives| alternatives.iter().any(|p| contains(words, p)))
            })
        })
    }
}

/// Whether `phrase` occurs as consecutive words of `words`.
fn contains(words: &[Word], phrase: &[Word]) -> bool {
    phrase.len() <= words.len()
        && words
            .windows(phrase.len())
            .any(|window| window.iter().zip(phrase).all(|(w, p)| same_word(w, p)))
}

fn same_word(word: &Word, wanted: &Word) -> bool {
    if word.stem == wanted.stem || word.text == wanted.text {
        return true;
    }
    // One edit keeps the length within one and, in practice, the first
    // letter: checking that first spares most distance computations.
    let (a, b) = (word.text.len(), wanted.text.len());
    a.abs_diff(b) <= 1
        && a.min(b) >= TYPO_MIN_LEN
        && word.text.as_bytes().first() == wanted.text.as_bytes().first()
        && strsim::damerau_levenshtein(&word.text, &wanted.text) <= 1
}
