//! Reading a message, not a sentence: the parts of a member's message that
//! ask something. Members write a question among chatter ("mine's been bad
//! all week. is acupressure legit?") or two questions in one message ("is
//! it safe and does it hurt?"); the matcher reads the whole message first,
//! and then each asking part on its own (`Matcher::answer`).
//!
//! A message is cut at the end of each sentence (`.`, `!`, `?`, `;`, `:` or
//! a line break), before a question word after a comma ("hey, is it
//! safe"), and at "and", "also" or "plus" when a question word follows ("is
//! it safe and does it hurt"). "or" and "but" never cut: "can i do it
//! myself or do i need someone" is one question. A part asks when it opens
//! with a question word (after any greeting or filler) or ends with a
//! question mark.

use super::normalize::{Break, Word};

/// Words that open a question in English, as the normaliser folds them
/// (apostrophes dropped, "what's" read as "what is").
const OPENERS: &[&str] = &[
    "am", "any", "anyone", "anybody", "are", "can", "could", "did", "do", "does", "has", "have",
    "how", "is", "may", "might", "should", "was", "were", "what", "whats", "when", "where",
    "which", "who", "why", "will", "would",
];

/// Words that join two questions when a question word follows them.
const JOINERS: &[&str] = &["and", "also", "plus"];

/// Words a part may start with before its question word: "so", "ok",
/// "hey", "also", "like"... ("ok so is it safe" asks).
const LEAD_INS: &[&str] = &[
    "also", "and", "anyway", "btw", "but", "hey", "hi", "hello", "like", "lol", "ok", "okay", "so",
    "then", "um", "well", "yo",
];

/// Words by which a part points back at what the message said before it
/// ("acupuncture for fertility, does **it** work?", "i'm on my feet all
/// shift, could **that** be why"): read alone, such a part loses what it
/// asks about.
const BACK_REFERENCES: &[&str] = &["again", "it", "that", "them", "these", "this", "those"];

/// The confidence a part read alone needs to answer: below it, the part's
/// answer is left out. Chosen by cross-validation (`docs/tools/examples_cv.py`,
/// "as the binary decides", docs/QUALITY.md): the lowest line of 0, 0.6, 0.7,
/// 0.75, 0.8, 0.9 at which the parts add at most one wrong answer per hundred
/// messages (24 added in 4,337 at 0.7; 46 at 0.6).
pub const PART_ANSWER: f64 = 0.7;

/// A message the classifier, reading it whole, puts among the questions no
/// entry answers at least this likely (even odds) is not answered by any of
/// its parts: the whole says more than a part read alone.
pub const UNCOVERED_P: f64 = 0.5;

/// The most asking parts read on their own: each costs about one more
/// question's matching, and no input may cost much more than a question.
pub const MAX_ASKING_PARTS: usize = 4;

/// A part of a message: its words `start..end`, and whether it asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub start: usize,
    pub end: usize,
    pub asks: bool,
    /// It comes after another part and points back at it
    /// ([`BACK_REFERENCES`]).
    pub refers_back: bool,
}

/// The parts of a message that are read on their own: its asking parts, the
/// first [`MAX_ASKING_PARTS`] of them, when it has more than one part
/// (`text` is the message, whose last character may be a question mark).
pub fn asking(words: &[Word], breaks: &[Break], text: &str) -> Vec<Part> {
    let parts = parts(words, breaks, text.trim_end().ends_with('?'));
    if parts.len() < 2 {
        return Vec::new();
    }
    parts
        .into_iter()
        .filter(|p| p.asks)
        .take(MAX_ASKING_PARTS)
        .collect()
}

impl Part {
    /// The part's words, as one text.
    pub fn text(&self, words: &[Word]) -> String {
        let words: Vec<&str> = words[self.start..self.end]
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        words.join(" ")
    }
}

/// The parts of a message of `words`, each with the punctuation before it
/// in `breaks` (as `Normalizer::words_and_breaks` gives them);
/// `ends_with_question` says whether the message's last character is a
/// question mark.
pub fn parts(words: &[Word], breaks: &[Break], ends_with_question: bool) -> Vec<Part> {
    let opener = |i: usize| {
        words
            .get(i)
            .is_some_and(|w| OPENERS.contains(&w.text.as_str()))
    };
    let mut cuts: Vec<(usize, usize)> = Vec::new(); // (end of one part, start of the next)
    for (i, word) in words.iter().enumerate().skip(1) {
        let before = breaks.get(i).copied().unwrap_or_default();
        if before >= Break::Stop || (before == Break::Comma && opener(i)) {
            cuts.push((i, i));
        } else if JOINERS.contains(&word.text.as_str()) && opener(i + 1) {
            cuts.push((i, i + 1));
        }
    }
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for (end, next) in cuts.into_iter().chain([(words.len(), words.len())]) {
        if end > start {
            let questioned = match breaks.get(end) {
                Some(&b) => b == Break::Question,
                None => ends_with_question,
            };
            let first = words[start..end]
                .iter()
                .position(|w| !LEAD_INS.contains(&w.text.as_str()))
                .map(|k| start + k);
            let asks = questioned || first.is_some_and(opener);
            let refers_back = start > 0
                && words[start..end]
                    .iter()
                    .any(|w| BACK_REFERENCES.contains(&w.text.as_str()));
            out.push(Part {
                start,
                end,
                asks,
                refers_back,
            });
        }
        start = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Normalizer;

    fn asking(text: &str) -> Vec<String> {
        let n = Normalizer::default();
        let (words, breaks) = n.words_and_breaks(text, 500);
        parts(&words, &breaks, text.trim_end().ends_with('?'))
            .into_iter()
            .filter(|p| p.asks)
            .map(|p| p.text(&words))
            .collect()
    }

    #[test]
    fn it_finds_the_question_among_chatter() {
        assert_eq!(
            asking("mine's been bad all week. is acupressure legit?"),
            ["is acupressure legit"]
        );
        assert_eq!(
            asking("hey, does acupuncture hurt? first appt friday lol"),
            ["does acupuncture hurt"]
        );
        assert_eq!(
            asking("so my coworker swears by it. how is it supposed to work"),
            ["how is it supposed to work"]
        );
    }

    #[test]
    fn it_cuts_two_questions_joined_by_and() {
        assert_eq!(
            asking("what is acupressure and can i do it at home?"),
            ["what is acupressure", "can i do it at home"]
        );
    }

    #[test]
    fn or_and_a_plain_and_do_not_cut() {
        assert_eq!(
            asking("can i do it myself or do i need someone?"),
            ["can i do it myself or do i need someone"]
        );
        assert_eq!(
            asking("is acupuncture safe and effective?"),
            ["is acupuncture safe and effective"]
        );
    }
}
