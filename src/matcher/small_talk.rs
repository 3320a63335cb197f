//! Recognising small talk ("hi", "thanks so much!!", "who are u?"): a
//! message whose every word is part of a small-talk phrase or filler.
//!
//! The matcher asks only about a message the FAQ has no answer for (and
//! that no red flag fired on), so small talk never hides an answer or an
//! emergency. The phrases and filler come from `smalltalk.toml`.

use rustc_hash::{FxHashMap, FxHashSet};

use super::normalize::{Normalizer, Word};
use crate::content::{Negation, SmallTalk};

/// One small-talk phrase, as the matcher compares it.
#[derive(Debug)]
struct Phrase {
    /// The stems of its words, in order.
    stems: Vec<String>,
    /// The talk it belongs to (an index into `SmallTalk::talks`).
    talk: usize,
    /// The phrase as written, for `ask --explain`.
    text: String,
}

/// Which talk a message is, and the phrase that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    /// An index into the catalog's `small_talk.talks`.
    pub talk: usize,
    /// The phrase of that talk found in the message, as written in
    /// `smalltalk.toml`.
    pub phrase: String,
}

/// Two phrases of different talks that the matcher reads the same
/// ("helpful" and "help" are both `help`): the first listed owns them, and
/// the other is never found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The talk of the phrase that is never found.
    pub talk: usize,
    /// That phrase, as written.
    pub phrase: String,
    /// The talk that owns the words.
    pub owner: usize,
    /// Its phrase, as written.
    pub owner_phrase: String,
}

/// The small-talk phrases by their first stem, and the filler words.
#[derive(Debug, Default)]
pub struct SmallTalkIndex {
    /// Phrases by the stem of their first word, longest first, then in file
    /// order: at each word of a message only the phrases starting with it
    /// are tried, so a message costs its length times a few phrases.
    by_first: FxHashMap<String, Vec<Phrase>>,
    /// Stems of the filler words of `smalltalk.toml`.
    filler: FxHashSet<String>,
    /// Stems of the one-word negations of `red-flags.toml` ("no", "not"):
    /// never filler, since "not helpful" is no thanks.
    negations: FxHashSet<String>,
    /// Phrases of different talks that read the same, for `check`.
    pub collisions: Vec<Collision>,
}

impl SmallTalkIndex {
    /// Indexes the small talk, its phrases read as messages are.
    pub fn new(small_talk: &SmallTalk, negation: &Negation, normalizer: &Normalizer) -> Self {
        let stems = |text: &str| -> Vec<String> {
            normalizer.words(text).into_iter().map(|w| w.stem).collect()
        };
        let mut by_first: FxHashMap<String, Vec<Phrase>> = FxHashMap::default();
        // Each phrase's stems and where it is listed (talk, phrase).
        let mut known: FxHashMap<Vec<String>, (usize, usize)> = FxHashMap::default();
        let mut collisions = Vec::new();
        for (talk, t) in small_talk.talks.iter().enumerate() {
            for (p, text) in t.phrases.iter().enumerate() {
                let stems = stems(text);
                // Two phrases that read alike ("hows it going", "how is it
                // going"): the first one listed owns them.
                let Some(first) = stems.first().cloned() else {
                    continue;
                };
                if let Some(&(owner, q)) = known.get(&stems) {
                    if owner != talk {
                        collisions.push(Collision {
                            talk,
                            phrase: text.clone(),
                            owner,
                            owner_phrase: small_talk.talks[owner].phrases[q].clone(),
                        });
                    }
                    continue;
                }
                known.insert(stems.clone(), (talk, p));
                by_first.entry(first).or_default().push(Phrase {
                    stems,
                    talk,
                    text: text.clone(),
                });
            }
        }
        for phrases in by_first.values_mut() {
            // Stable: file order among phrases of one length.
            phrases.sort_by_key(|p| std::cmp::Reverse(p.stems.len()));
        }
        let filler = small_talk.filler.iter().flat_map(|f| stems(f)).collect();
        let negations = negation
            .words
            .iter()
            .map(|w| stems(w))
            .filter(|s| s.len() == 1)
            .flatten()
            .collect();
        SmallTalkIndex {
            by_first,
            filler,
            negations,
            collisions,
        }
    }

    /// The talk `words` are, when every word is covered by a small-talk
    /// phrase (the longest one starting at it) or is filler (a stop word,
    /// a filler word) and at least one phrase was found. The phrase with
    /// the most words decides the talk; on a tie, the first found. Each
    /// word is compared with the phrases starting with it, each at most
    /// [`crate::content::MAX_PHRASE_WORDS`] words long: linear in the
    /// message.
    pub fn check(&self, words: &[Word]) -> Option<Chat> {
        let mut best: Option<&Phrase> = None;
        let mut at = 0;
        while let Some(word) = words.get(at) {
            let found = self.by_first.get(&word.stem).and_then(|phrases| {
                phrases.iter().find(|p| {
                    words.get(at..at + p.stems.len()).is_some_and(|run| {
                        run.iter().zip(&p.stems).all(|(w, stem)| w.stem == *stem)
                    })
                })
            });
            if let Some(phrase) = found {
                if best.is_none_or(|b| phrase.stems.len() > b.stems.len()) {
                    best = Some(phrase);
                }
                at += phrase.stems.len();
                continue;
            }
            let filler = (word.stop || self.filler.contains(&word.stem))
                && !self.negations.contains(&word.stem);
            if !filler {
                return None;
            }
            at += 1;
        }
        best.map(|p| Chat {
            talk: p.talk,
            phrase: p.text.clone(),
        })
    }
}
