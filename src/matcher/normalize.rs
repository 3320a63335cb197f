//! Turning free text into the word sequence the matcher compares:
//! Unicode and case folding, apostrophes and contractions, tokenisation,
//! stop words and stemming.
//!
//! This module knows nothing about the catalog. Synonyms and typo correction,
//! which need the catalog's vocabulary, live in [`super::index`].

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The punctuation between a word and the one before it, strongest first
/// when there are several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    /// None: the words run on.
    #[default]
    None,
    /// A comma: it may end a clause, or go on with a list.
    Comma,
    /// A full stop, `;`, `!` or a line break.
    Stop,
    /// A question mark or a colon: a sentence ends, and the next may answer
    /// it ("numbness? none"; "bladder trouble: none of that").
    Question,
}

/// A word of the input after folding, with its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The folded surface form (`sessions`).
    pub text: String,
    /// The English stem (`session`); what the index compares.
    pub stem: String,
    /// Whether the word carries no meaning on its own (`the`, `how`, `lol`).
    pub stop: bool,
}

/// Reusable normaliser (the stemmer is built once).
pub struct Normalizer {
    stemmer: Stemmer,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Normalizer {
    /// Splits text into folded, stemmed words, stop words included (and
    /// marked) so that phrases such as "on my own" can still be recognised.
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        self.each_word(text, |word| out.push(self.word(word)));
        out
    }

    /// Calls `f` with each folded word of `text` in order, unstemmed: what
    /// [`Normalizer::words`] is made of, for callers that stem each distinct
    /// word once (the index build reads millions of words, few distinct).
    pub fn each_word(&self, text: &str, mut f: impl FnMut(&str)) {
        each_raw(&fold(text), |raw, _| expand(raw, &mut f));
    }

    /// [`Normalizer::words`], and for each word the punctuation that comes
    /// before it: red-flag triage reads negation and time within a clause.
    pub fn words_and_breaks(&self, text: &str) -> (Vec<Word>, Vec<Break>) {
        let (mut words, mut breaks) = (Vec::new(), Vec::new());
        each_raw(&fold(text), |raw, mut before| {
            // The break goes with the first word a token expands into.
            expand(raw, &mut |w: &str| {
                words.push(self.word(w));
                breaks.push(std::mem::take(&mut before));
            });
        });
        (words, breaks)
    }

    /// One folded word with its stem and whether it is a stop word.
    pub fn word(&self, word: &str) -> Word {
        let stem = self.stem(word);
        // "explained" is as empty as "explain".
        let stop = is_stop_word(word) || is_stop_word(&stem);
        Word {
            text: word.to_owned(),
            stem,
            stop,
        }
    }

    /// The stem of one folded word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }
}

/// Punctuation that ends a clause: a negation or a time ("years ago") read
/// before it says nothing about the words after it. A comma is weaker (see
/// [`Break::Comma`]).
const CLAUSE_MARKS: &[char] = &['.', ';', ':', '!', '?', '\n', '\r', '\u{2026}'];

/// Brackets set off an aside, which goes on with its sentence: as weak as a
/// comma ("a spinal infection (discitis) years ago" is one thought).
const ASIDE_MARKS: &[char] = &['(', ')', '[', ']'];

/// Calls `f` with each raw token of folded text (runs of letters, digits
/// and apostrophes) and the strongest punctuation between it and the token
/// before.
fn each_raw(folded: &str, mut f: impl FnMut(&str, Break)) {
    let mut pending = Break::None;
    let mut start: Option<usize> = None;
    for (at, c) in folded.char_indices() {
        if c.is_alphanumeric() || c == '\'' {
            start.get_or_insert(at);
            continue;
        }
        if let Some(from) = start.take() {
            f(&folded[from..at], std::mem::take(&mut pending));
        }
        let here = match c {
            ',' => Break::Comma,
            c if ASIDE_MARKS.contains(&c) => Break::Comma,
            '?' | ':' => Break::Question,
            c if CLAUSE_MARKS.contains(&c) => Break::Stop,
            _ => Break::None,
        };
        pending = pending.max(here);
    }
    if let Some(from) = start {
        f(&folded[from..], pending);
    }
}

/// Case, accents and compatibility forms folded away; every apostrophe-like
/// mark made a plain apostrophe.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        // What the general path does to ASCII, without decomposing: ASCII
        // has no compatibility forms or combining marks.
        let mut out = text.to_ascii_lowercase();
        if out.contains('`') {
            out = out.replace('`', "'");
        }
        return out;
    }
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Expands one raw token (which may hold apostrophes) into words, passed to
/// `emit`: `can't` → `can not`, `what's` → `what is`, `back's` → `back`.
fn expand(raw: &str, emit: &mut impl FnMut(&str)) {
    let raw = raw.trim_matches('\'');
    if raw.is_empty() {
        return;
    }
    if let Some(full) = contraction(raw) {
        full.split(' ').for_each(emit);
        return;
    }
    let Some((head, tail)) = raw.split_once('\'') else {
        emit(raw);
        return;
    };
    let second = match tail {
        "t" if head.ends_with('n') => {
            emit(&head[..head.len() - 1]);
            "not"
        }
        "s" | "d" => {
            emit(head);
            return;
        }
        "re" => {
            emit(head);
            "are"
        }
        "m" => {
            emit(head);
            "am"
        }
        "ll" => {
            emit(head);
            "will"
        }
        "ve" => {
            emit(head);
            "have"
        }
        _ => {
            raw.split('\'').filter(|w| !w.is_empty()).for_each(emit);
            return;
        }
    };
    emit(second);
}

/// The expansion of a contraction whose expansion is irregular or which
/// people type without the apostrophe in chat, or of a common chat
/// abbreviation. A `match` compares lengths before bytes, which matters:
/// every word of every text comes through here.
fn contraction(raw: &str) -> Option<&'static str> {
    Some(match raw {
        "abt" => "about",
        "arent" => "are not",
        "bc" => "because",
        "can't" => "can not",
        "cannot" => "can not",
        "cant" => "can not",
        "couldnt" => "could not",
        "cuz" => "because",
        "didnt" => "did not",
        "hadnt" => "had not",
        "hasnt" => "has not",
        "havent" => "have not",
        "doesnt" => "does not",
        "dont" => "do not",
        "gonna" => "going to",
        "hows" => "how is",
        "im" => "i am",
        "isnt" => "is not",
        "ive" => "i have",
        "ppl" => "people",
        "r" => "are",
        "thx" => "thanks",
        "wanna" => "want to",
        "wasnt" => "was not",
        "werent" => "were not",
        "whats" => "what is",
        "wht" => "what",
        "won't" => "will not",
        "wont" => "will not",
        "wouldnt" => "would not",
        "y" => "why",
        _ => return None,
    })
}

/// Words that carry no meaning for matching on their own: function words,
/// chat filler and all-purpose verbs ("give", "take", "try"). Domain words are never here, and neither are words that
/// tell questions apart: question words ("who" performs it, "why" it hurts),
/// "after", "long", "many", "much", "work", "help", "feel".
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "actually", "again", "all", "also", "am", "an", "and", "any", "anyone",
    "anything", "anyway", "are", "as", "at", "basically", "be", "because", "been", "being", "bit",
    "bot", "briefly", "bring", "but", "by", "can", "could", "count", "counts", "curious", "deal",
    "dealing", "did", "do", "does", "doing", "done", "else", "even", "ever", "exactly", "explain",
    "for", "from", "generally", "get", "gets", "getting", "give", "gives", "giving", "go", "going",
    "got", "guess", "had", "has", "have", "having", "he", "hello", "hey", "hi", "honestly", "i",
    "if", "in", "into", "is", "it", "its", "just", "keep", "kinda", "know", "leave",
    "leaves", "let", "like", "literally", "lol", "lot", "lots", "make", "makes", "making", "maybe",
    "me", "mention", "mentions", "might", "mine", "must", "my", "need", "needed", "needs", "no",
    "not", "of", "ok", "okay", "on", "one", "or", "our", "please", "pls", "plz", "put", "question",
    "quick", "really", "said", "say", "says", "see", "seeing", "seem", "seems", "she", "should",
    "simply", "since", "so", "some", "someone", "something", "still", "stuff", "suffer",
    "suffering", "suffers", "take", "takes", "taking", "talk", "talking", "tell", "thank",
    "thanks", "that", "the", "their", "them", "then", "there", "these", "they", "thing", "things",
    "think", "thinking", "this", "those", "thought", "to", "tried", "try", "trying", "typically",
    "u", "uh", "um", "up", "ur", "us", "usually", "very", "want", "was", "wat", "we", "were",
    "which", "will", "with", "wonder", "wondering", "would", "yes", "you", "your", "yours",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let n = Normalizer::default();
        let got: Vec<String> = n
            .words(input)
            .into_iter()
            .map(|w| {
                if w.stop {
                    format!("({})", w.stem)
                } else {
                    w.stem
                }
            })
            .collect();
        assert_eq!(got.join(" "), expect, "input: {input:?}");
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn punctuation_breaks_clauses() {
        let n = Normalizer::default();
        let (words, breaks) = n.words_and_breaks("no fever, can't walk. 38.5 ok?! nope");
        let marked: Vec<String> = words
            .iter()
            .zip(&breaks)
            .map(|(w, &b)| match b {
                Break::None => w.text.clone(),
                Break::Comma => format!(",{}", w.text),
                Break::Stop => format!("|{}", w.text),
                Break::Question => format!("?{}", w.text),
            })
            .collect();
        assert_eq!(marked.join(" "), "no fever ,can not walk |38 |5 ok ?nope");
        assert_eq!(words, n.words("no fever, can't walk. 38.5 ok?! nope"));
    }

    #[test]
    fn normalises() {
        check("What's ACUPRESSURE?", "what acupressur");
        check(
            "Can’t sleep, my back’s sore!!",
            "(can) (not) sleep (my) back sore",
        );
        check("Is acupuncture painful", "(is) acupunctur pain");
        check("Qì flow — café", "qi flow cafe");
        check(
            "cant dont im wht ppl",
            "(can) (not) (do) (not) (i) (am) what peopl",
        );
        check("   ", "");
        check("havent couldnt", "(have) (not) (could) (not)");
        check("30-60 minutes", "30 60 minut");
        check("'quoted' words", "quot word");
        check(
            "you'll they've we're",
            "(you) (will) (they) (have) (we) (are)",
        );
    }
}
