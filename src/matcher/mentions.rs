//! Entries that answer only questions mentioning certain words: an entry
//! with `must_mention` is neither the answer nor a "did you mean" for a
//! question that contains none of them.
//!
//! It is for answers that make a claim about a condition: "Can acupressure
//! help with depression?" must not answer a member who only says "i feel
//! depressed". The words are read as questions are (word endings,
//! synonyms and typo correction count), and every phrasing of the entry
//! must contain one of them, so the check changes nothing for questions
//! asked the way the entry is.

use crate::content::{Catalog, Problem};

use super::index::Index;

/// Per entry, the words a question must mention one of, as token ids.
#[derive(Debug, Default)]
pub(crate) struct Mentions {
    /// By entry: empty when the entry has no `must_mention`; otherwise
    /// each word (or phrase) as its token ids, all of which a question
    /// must hold, `None` when the content never uses one of them.
    by_entry: Vec<Vec<Option<Vec<u32>>>>,
}

impl Mentions {
    /// Reads every entry's `must_mention` through the index.
    pub fn new(catalog: &Catalog, index: &Index) -> Mentions {
        let normalizer = index.normalizer();
        let by_entry = catalog
            .entries
            .iter()
            .map(|entry| {
                entry
                    .must_mention
                    .iter()
                    .map(|word| {
                        let (tokens, _) = index.query_words(normalizer.words(word));
                        tokens.iter().map(|t| t.id).collect::<Option<Vec<u32>>>()
                    })
                    .collect()
            })
            .collect();
        Mentions { by_entry }
    }

    /// Whether a question with these known token ids (sorted or not) may be
    /// matched to entry `e`.
    pub fn admits(&self, e: usize, known: &[(u32, f64)]) -> bool {
        let Some(words) = self.by_entry.get(e) else {
            return true;
        };
        words.is_empty() || mentions_one(words, |id| known.iter().any(|&(k, _)| k == id))
    }

    /// Problems for the moderator: a `must_mention` word the matcher cannot
    /// use, and a phrasing that mentions none of them (a question asked that
    /// way could never be answered).
    pub fn problems(&self, catalog: &Catalog, index: &Index, label: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        for (e, words) in self.by_entry.iter().enumerate() {
            let (Some(entry), Some(indexed)) = (catalog.entries.get(e), index.entries.get(e))
            else {
                continue;
            };
            if words.is_empty() {
                continue;
            }
            let problem = |message: String| Problem {
                file: label.to_owned(),
                line: Some(entry.line),
                message,
            };
            for (word, ids) in entry.must_mention.iter().zip(words) {
                match ids {
                    Some(ids) if !ids.is_empty() => {}
                    _ => out.push(problem(format!(
                        "entry \"{}\": must_mention \"{word}\" can never be matched: the \
                         matcher ignores words like \"is\" and \"the\", and knows only words \
                         the content's phrasings, answers or topics use",
                        entry.id
                    ))),
                }
            }
            for (phrase, phrasing) in entry.phrasings().zip(&indexed.phrasings) {
                if !mentions_one(words, |id| phrasing.tokens.contains(&id)) {
                    out.push(problem(format!(
                        "entry \"{}\": the phrasing \"{phrase}\" mentions none of the entry's \
                         must_mention words ({}), so a question asked that way could never be \
                         answered: add one to it",
                        entry.id,
                        entry.must_mention.join(", ")
                    )));
                }
            }
        }
        out
    }
}

/// Whether a text whose tokens `has` tells holds one of the words: all of
/// that word's tokens (a word the matcher cannot use never counts).
fn mentions_one(words: &[Option<Vec<u32>>], has: impl Fn(u32) -> bool) -> bool {
    words
        .iter()
        .flatten()
        .any(|ids| !ids.is_empty() && ids.iter().all(|&id| has(id)))
}
