//! The safety net's classifier: which red flag a whole message describes,
//! learnt each time the content loads from the members' messages of
//! `red-flag-examples.toml` (`messages` of each flag and of `[calm]`), with
//! the small-talk phrases and the members' questions of `examples.toml` as
//! calm ones. It is the third reader of a message, for
//! those no rule and no example sentence fired on.
//!
//! The example sentences are compared one at a time, by a cosine; the
//! classifier reads every word of the message at once and has learnt which
//! words and pairs of words say an emergency ("which bridge", "goodbye
//! letters", "cant feel the seat") and which say nothing of the kind, from
//! thousands of messages of both kinds. It is the same multinomial logistic
//! regression as the FAQ's classifier ([`super::classifier`]), one class a
//! flag and one for calm messages, over the words' stems, pairs of them and
//! the sentence vector.
//!
//! It keeps the rules' negation and time: the sentences holding red-flag
//! words the rules found negated, in the past or in an `unless` phrase are
//! left out of what it reads, in training and in use. Every alarm it raises
//! is explained by the words that weighed most (`ask --explain`).

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHasher};

use super::classifier::{self, Classifier, DenseRows};
use super::normalize::{Break, Normalizer, Word};
use super::safety_net::{join, sentences};
use super::semantic::{Model, DIMS};
use super::triage::Triage;
use crate::content::Catalog;

/// The share of the message's probability that must go to the red flags
/// (all but the calm class) for the classifier to raise an alarm. Chosen
/// with the example sentences' two lines by leave-one-set-out
/// cross-validation on the triage tuning sets
/// (`docs/tools/triage_net_cv.py`, docs/QUALITY.md): the most emergencies
/// the rules missed (414 of 519; 165 without the classifier), with at most
/// one added alarm per hundred calm vignettes (17 of 1,790) and per two
/// hundred everyday messages (1 of 360).
pub const ALARM_P: f64 = 0.96;

/// How many of the words that weighed most an explanation names.
const EXPLAINED_WORDS: usize = 4;

/// The last classifier trained, by a hash of what it learnt from: training
/// is a pure function of the content (a second of work on the shipped
/// content), and most loads (a `/reload` after editing an entry's answer,
/// every test that loads the shipped content) bring the same examples and
/// rules again. One slot, so it holds at most one classifier beside the one
/// in use; the lock is never held while training.
static LAST: Mutex<Option<(u64, Arc<NetClassifier>)>> = Mutex::new(None);

/// A trained classifier of messages into red flags and calm.
pub(crate) struct NetClassifier {
    classifier: Classifier,
    /// How many flags (the classes before the calm one).
    flags: usize,
}

/// What the classifier makes of a message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Judged {
    /// The flag it leans to most (an index into the content's flags).
    pub flag: usize,
    /// The share of all the flags together: an alarm at [`ALARM_P`].
    pub p: f64,
    /// What weighed most for the flag: words (pairs joined by a space), and
    /// `None` for the message's meaning (its sentence vector).
    pub why: Vec<Option<String>>,
}

/// The words of a message the classifier reads, by stem, and its sentence
/// vector: the sentences without a denied word (all of them when `denied`
/// is empty).
fn readable(
    model: &Model,
    words: &[Word],
    breaks: &[Break],
    denied: &[bool],
    cache: Option<&mut FxHashMap<String, Vec<u32>>>,
) -> Option<(Vec<String>, Option<[f32; DIMS]>)> {
    let kept: Vec<Word> = sentences(words, breaks)
        .filter(|range| {
            !denied
                .get(range.clone())
                .is_some_and(|d| d.iter().any(|&d| d))
        })
        .flat_map(|range| words[range].iter().cloned())
        .collect();
    if kept.is_empty() {
        return None;
    }
    let stems: Vec<&str> = kept.iter().map(|w| w.stem.as_str()).collect();
    let text = join(&kept);
    let vector = match cache {
        Some(cache) => model.embed_cached(&text, cache),
        None => model.embed(&text),
    };
    Some((classifier::features_of(&stems), vector.map(|v| *v.0)))
}

/// The calm texts the classifier learns from besides the calm example
/// messages: the small-talk phrases and the members' questions of
/// `examples.toml` (thousands of everyday messages). Not the FAQ's own
/// phrasings: those are a few hundred among them, and without them the
/// classifier depends on nothing a moderator edits in the FAQ, so an edited
/// answer or question reloads without training it again.
fn calm_texts(catalog: &Catalog) -> impl Iterator<Item = &str> {
    let talks = catalog.small_talk.talks.iter();
    talks
        .flat_map(|t| t.phrases.iter().map(String::as_str))
        .chain(catalog.examples.answered.iter().map(|(_, m)| m.as_str()))
        .chain(catalog.examples.uncovered.iter().map(String::as_str))
}

impl NetClassifier {
    /// Trains on a catalog's example messages (or takes the last one
    /// trained on the same); `None` when it has no message of any flag.
    /// `read` gives a text's words and breaks as triage reads them.
    pub fn build(
        model: &Model,
        catalog: &Catalog,
        normalizer: &Normalizer,
        triage: &Triage,
        read: impl Fn(&Normalizer, &str) -> (Vec<Word>, Vec<Break>),
    ) -> Option<Arc<NetClassifier>> {
        if !catalog.red_flags.messages.iter().any(|m| m.flag.is_some()) {
            return None;
        }
        // The rules decide what is denied, so they are part of the key.
        let mut h = FxHasher::default();
        format!("{:?}", catalog.red_flags).hash(&mut h);
        for text in calm_texts(catalog) {
            text.hash(&mut h);
        }
        let key = h.finish();
        let last = LAST.lock().ok().and_then(|l| l.clone());
        if let Some((k, c)) = last {
            if k == key {
                return Some(c);
            }
        }
        let trained = Arc::new(Self::train(model, catalog, normalizer, triage, read));
        if let Ok(mut l) = LAST.lock() {
            *l = Some((key, Arc::clone(&trained)));
        }
        Some(trained)
    }

    fn train(
        model: &Model,
        catalog: &Catalog,
        normalizer: &Normalizer,
        triage: &Triage,
        read: impl Fn(&Normalizer, &str) -> (Vec<Word>, Vec<Break>),
    ) -> NetClassifier {
        let red_flags = &catalog.red_flags;
        let calm = calm_texts(catalog).map(|text| (text, None));
        let examples = red_flags.messages.iter().map(|m| (m.text.as_str(), m.flag));
        let mut cache = FxHashMap::default();
        let mut vectors = DenseRows::default();
        let mut docs = Vec::new();
        for (text, flag) in examples.chain(calm) {
            let (words, breaks) = read(normalizer, text);
            // What use will read of it: a message a rule fires on whole,
            // else without the sentences the rules denied.
            let denied = triage.assess(&words, &breaks).err().unwrap_or_default();
            if let Some((names, vector)) =
                readable(model, &words, &breaks, &denied, Some(&mut cache))
            {
                vectors.push(vector.as_ref());
                docs.push((names, flag));
            }
        }
        let flags = red_flags.flags.len();
        NetClassifier {
            classifier: Classifier::train(&docs, &vectors, flags),
            flags,
        }
    }

    /// The flag the message leans to and how much, whether an alarm or
    /// not (`None` when nothing of it is left to read).
    pub fn judge(
        &self,
        model: &Model,
        words: &[Word],
        breaks: &[Break],
        denied: &[bool],
    ) -> Option<Judged> {
        let (names, vector) = readable(model, words, breaks, denied, None)?;
        let shares = self.classifier.shares(&names, vector.as_ref());
        let (flag, _) = shares[..self.flags]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))?;
        let calm = shares.get(self.flags).copied().unwrap_or(1.0);
        // Words that carry no meaning alone ("not", "been") weigh too, but
        // name nothing a moderator could act on.
        let stop: Vec<&str> = words
            .iter()
            .filter(|w| w.stop)
            .map(|w| w.stem.as_str())
            .collect();
        let meaningful = |name: &Option<String>| {
            name.as_ref()
                .is_none_or(|n| n.split(' ').any(|t| !stop.contains(&t)))
        };
        let why = self
            .classifier
            .leaning(&names, vector.as_ref(), flag)
            .into_iter()
            .map(|(name, _)| name)
            .filter(meaningful)
            .take(EXPLAINED_WORDS)
            .collect();
        Some(Judged {
            flag,
            p: f64::from(1.0 - calm),
            why,
        })
    }

    /// The alarm the message raises, if it does.
    pub fn check(
        &self,
        model: &Model,
        words: &[Word],
        breaks: &[Break],
        denied: &[bool],
    ) -> Option<Judged> {
        self.judge(model, words, breaks, denied)
            .filter(|j| j.p >= ALARM_P)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::semantic;

    /// What the classifier reads leaves out each sentence holding a word
    /// the rules denied, and only those.
    #[test]
    fn the_sentences_with_denied_words_are_not_read() {
        let model = semantic::model().expect("the static vectors are in the binary");
        let n = Normalizer::default();
        let (words, breaks) = n.words_and_breaks("no numbness at all. my legs gave way today", 100);
        let read = |denied: &[bool]| {
            readable(model, &words, &breaks, denied, None).map(|(names, _)| names)
        };
        let all = read(&[]).unwrap_or_default();
        assert!(all.iter().any(|f| f.starts_with("numb")), "{all:?}");
        let mut denied = vec![false; words.len()];
        denied[1] = true;
        let kept = read(&denied).unwrap_or_default();
        assert!(!kept.iter().any(|f| f.contains("numb")), "{kept:?}");
        assert!(kept.iter().any(|f| f == "leg"), "{kept:?}");
        // Nothing left to read: no verdict at all.
        let denied = vec![true; words.len()];
        assert_eq!(read(&denied), None);
    }
}
