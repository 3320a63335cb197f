//! Turning free text into the word sequence the matcher compares:
//! Unicode and case folding, apostrophes and contractions, tokenisation,
//! stop words and stemming.
//!
//! This module knows nothing about the catalog. Synonyms and typo correction,
//! which need the catalog's vocabulary, live in [`super::index`].

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::english;

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

/// Reusable normaliser (the stemmer and the stop-word set are built once).
pub struct Normalizer {
    stemmer: Stemmer,
    /// [`STOP_WORDS`] as a set: every word of a message, and its stem, is
    /// looked up, and a hash beats a binary search's eight comparisons.
    stop_words: FxHashSet<&'static str>,
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer {
            stemmer: Stemmer::create(Algorithm::English),
            stop_words: STOP_WORDS.iter().copied().collect(),
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
        each_raw(&fold(text, usize::MAX), |raw, _| expand(raw, &mut f));
    }

    /// [`Normalizer::words`] of a text cut to `max_words` characters: the
    /// first `max_words` words, read from at most `MAX_GROWTH` times as
    /// many characters of folded text. A text never makes more words than
    /// it has characters once folded (a token of k characters expands to at
    /// most k words: "im" is "i am"), and folding lengthens a text only by
    /// decomposition, so neither cap changes anything unless decomposition
    /// more than triples the text (one U+FDFA is 18 characters and 4
    /// words): what the caps are for.
    pub fn words_up_to(&self, text: &str, max_words: usize) -> Vec<Word> {
        let mut out = Vec::new();
        let mut seen = Seen::default();
        let folded = fold(text, max_words.saturating_mul(MAX_GROWTH));
        each_raw(&folded, |raw, _| {
            expand(raw, &mut |w: &str| {
                if out.len() < max_words {
                    out.push(seen.word(self, w, &out));
                }
            })
        });
        out
    }

    /// [`Normalizer::words_up_to`], and for each word the punctuation that
    /// comes before it: red-flag triage reads negation and time within a
    /// clause.
    pub fn words_and_breaks(&self, text: &str, max_words: usize) -> (Vec<Word>, Vec<Break>) {
        let (mut words, mut breaks) = (Vec::new(), Vec::new());
        let mut seen = Seen::default();
        let folded = fold(text, max_words.saturating_mul(MAX_GROWTH));
        each_raw(&folded, |raw, mut before| {
            // The break goes with the first word a token expands into.
            expand(raw, &mut |w: &str| {
                if words.len() < max_words {
                    let word = seen.word(self, w, &words);
                    words.push(word);
                    breaks.push(std::mem::take(&mut before));
                }
            });
        });
        (words, breaks)
    }

    /// One folded word with its stem and whether it is a stop word.
    pub fn word(&self, word: &str) -> Word {
        let stem = self.stem(word);
        // "explained" is as empty as "explain".
        let stop = self.stop_words.contains(word) || self.stop_words.contains(stem.as_str());
        Word {
            text: word.to_owned(),
            stem,
            stop,
        }
    }

    /// The stem of one folded word. The English stemmer only rewrites the
    /// letters a to z and apostrophes (every suffix, vowel and exception it
    /// knows is made of them), so a word with none, in another script or of
    /// digits, is its own stem: returned as it is, since stemming it costs
    /// as much as stemming a real word, and a 4000-character message can
    /// hold hundreds.
    pub fn stem(&self, word: &str) -> String {
        if !word.bytes().any(|b| b.is_ascii_lowercase() || b == b'\'') {
            return word.to_owned();
        }
        self.stemmer.stem(word).into_owned()
    }
}

/// The words of one text already read, by folded form: a long message
/// repeats its words, and each is stemmed once.
#[derive(Default)]
struct Seen<'t>(FxHashMap<&'t str, usize>);

impl<'t> Seen<'t> {
    /// `word` read, or copied from where `words` already has it.
    fn word(&mut self, normalizer: &Normalizer, word: &'t str, words: &[Word]) -> Word {
        if let Some(read) = self.0.get(word).and_then(|&i| words.get(i)) {
            return read.clone();
        }
        self.0.insert(word, words.len());
        normalizer.word(word)
    }
}

/// Punctuation that ends a clause: a negation or a time ("years ago") read
/// before it says nothing about the words after it. A comma is weaker (see
/// [`Break::Comma`]).
const CLAUSE_MARKS: &[char] = &['.', ';', ':', '!', '?', '\n', '\r', '\u{2026}'];

/// Brackets set off an aside, which goes on with its sentence: as weak as a
/// comma ("a spinal infection (discitis) years ago" is one thought).
const ASIDE_MARKS: &[char] = &['(', ')', '[', ']'];

/// Dashes that set off an answer, as a colon does ("tingling in the groin
/// — none"); a hyphen counts only with a space before it ("numbness - nope"),
/// since inside a word it joins ("co-codamol").
const ANSWER_DASHES: &[char] = &['\u{2013}', '\u{2014}'];

/// Whether a token changes between digits and letters at `c`: "6kg" and
/// "102f" are a number and a unit, read as two words.
fn digits_meet_letters(prev: char, c: char) -> bool {
    // Digits are rare: only beside one is the (slower) letter test run.
    match (prev.is_ascii_digit(), c.is_ascii_digit()) {
        (true, false) => c.is_alphabetic(),
        (false, true) => prev.is_alphabetic(),
        _ => false,
    }
}

/// Emoji that say a word of small talk on their own: a member who sends
/// "👋" says hi, "🙏" says thanks, "👍" and "👌" say ok. Other emoji are
/// punctuation. The three words are stop words, so a question reads the
/// same with them or without them.
const EMOJI_WORDS: &[(char, &str)] = &[
    ('\u{1F44B}', "hi"),
    ('\u{1F64F}', "thanks"),
    ('\u{1F44D}', "ok"),
    ('\u{1F44C}', "ok"),
];

/// Calls `f` with each raw token of folded text (runs of letters, digits
/// and apostrophes, split where digits meet letters) and the strongest
/// punctuation between it and the token before.
fn each_raw<'t>(folded: &'t str, mut f: impl FnMut(&'t str, Break)) {
    let mut pending = Break::None;
    let mut start: Option<usize> = None;
    let mut alphanumeric = Recent::new(char::is_alphanumeric);
    let mut prev = ' ';
    for (at, c) in folded.char_indices() {
        let before = std::mem::replace(&mut prev, c);
        let in_word = if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '\''
        } else {
            alphanumeric.get(c)
        };
        if in_word {
            if start.is_some() && digits_meet_letters(before, c) {
                if let Some(from) = start.take() {
                    f(&folded[from..at], std::mem::take(&mut pending));
                }
            }
            start.get_or_insert(at);
            continue;
        }
        if let Some(from) = start.take() {
            f(&folded[from..at], std::mem::take(&mut pending));
        }
        if !c.is_ascii() {
            if let Some(&(_, word)) = EMOJI_WORDS.iter().find(|&&(e, _)| e == c) {
                f(word, std::mem::take(&mut pending));
                continue;
            }
        }
        let here = match c {
            ',' => Break::Comma,
            c if ASIDE_MARKS.contains(&c) => Break::Comma,
            '?' | ':' => Break::Question,
            c if ANSWER_DASHES.contains(&c) => Break::Question,
            '-' if before.is_whitespace() => Break::Question,
            c if CLAUSE_MARKS.contains(&c) => Break::Stop,
            _ => Break::None,
        };
        pending = pending.max(here);
    }
    if let Some(from) = start {
        f(&folded[from..], pending);
    }
}

/// How many times longer than its cap a text may grow by folding before the
/// rest is cut ([`Normalizer::words_up_to`]). Folding never lengthens a
/// text but by decomposing compatibility forms, and those a member might
/// type at most triple what they replace ("…" is "...", "½" is "1⁄2", "ﬃ"
/// is "ffi", "é" loses its accent), so only a text made mostly of longer
/// ones is cut: such as U+FDFA, one Arabic ligature of 18 characters, which
/// 4000 times over would be 72,000 characters and 16,000 words to read.
const MAX_GROWTH: usize = 3;

/// How many distinct non-ASCII characters [`Recent`] remembers: more than
/// an alphabet and a handful of emoji (their modifiers and joiners
/// included), in a few kilobytes.
const RECENT_CHARS: usize = 256;

/// A character property (lowercase form, letter or not) remembered for the
/// last non-ASCII characters seen, in a small table indexed by code point.
/// Std's Unicode tables cost tens of nanoseconds a lookup, most of the time
/// spent on a message in another script or of emoji, while such a message
/// repeats a few distinct characters thousands of times. The answers are
/// the function's own, so nothing changes but the time.
struct Recent<T: Copy, F: Fn(char) -> T> {
    slots: [Option<(char, T)>; RECENT_CHARS],
    look_up: F,
}

impl<T: Copy, F: Fn(char) -> T> Recent<T, F> {
    fn new(look_up: F) -> Self {
        Recent {
            slots: [None; RECENT_CHARS],
            look_up,
        }
    }

    fn get(&mut self, c: char) -> T {
        // Fibonacci hashing: neighbouring and far-apart code points alike
        // spread over the slots.
        let at = (c as u32).wrapping_mul(0x9E37_79B9) as usize % RECENT_CHARS;
        let slot = &mut self.slots[at];
        match *slot {
            Some((seen, value)) if seen == c => value,
            _ => {
                let value = (self.look_up)(c);
                *slot = Some((c, value));
                value
            }
        }
    }
}

/// Case, accents and compatibility forms folded away; every apostrophe-like
/// mark made a plain apostrophe; a letter typed three or more times in a
/// row kept twice ([`squeeze`]). At most `max_chars` characters.
fn fold(text: &str, max_chars: usize) -> String {
    squeeze(fold_case(text, max_chars))
}

/// `text` with every run of three or more of the same letter cut to two:
/// "heyyyy" is "heyy", "sooo" is "soo", "painnnn" is "painn" (and
/// [`undoubled`] then reads them "hey", "so", "pain"). No English word has
/// a letter three times in a row; digits are left as they are ("1000").
fn squeeze(text: String) -> String {
    let mut run = (' ', 0usize);
    let tripled = text.chars().any(|c| {
        run = if c == run.0 { (c, run.1 + 1) } else { (c, 1) };
        run.1 == 3 && c.is_alphabetic()
    });
    if !tripled {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut run = (' ', 0usize);
    for c in text.chars() {
        run = if c == run.0 { (c, run.1 + 1) } else { (c, 1) };
        if run.1 <= 2 || !c.is_alphabetic() {
            out.push(c);
        }
    }
    out
}

/// [`fold`] before [`squeeze`].
fn fold_case(text: &str, max_chars: usize) -> String {
    if text.is_ascii() {
        // What the general path does to ASCII, without decomposing: ASCII
        // has no compatibility forms or combining marks.
        let mut out = text[..text.len().min(max_chars)].to_ascii_lowercase();
        if out.contains('`') {
            out = out.replace('`', "'");
        }
        return out;
    }
    let mut lowercase = Recent::new(single_lowercase);
    let mut out = String::with_capacity(text.len());
    let mut chars = 0;
    let decomposed = text.nfkd().filter(|c| !is_combining_mark(*c));
    for c in decomposed.map(|c| match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
        c => c,
    }) {
        let single = if c.is_ascii() {
            Some(c.to_ascii_lowercase())
        } else {
            lowercase.get(c)
        };
        let mut push = |l: char| {
            if chars < max_chars {
                out.push(l);
                chars += 1;
            }
        };
        match single {
            Some(l) => push(l),
            None => c.to_lowercase().for_each(push),
        }
        if chars >= max_chars {
            break;
        }
    }
    out
}

/// The lowercase form of a character when it is one character (most are),
/// for [`Recent`]; `None` for the few with longer ones ("İ").
fn single_lowercase(c: char) -> Option<char> {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => None,
    }
}

/// Expands one raw token (which may hold apostrophes) into words, passed to
/// `emit`: `can't` → `can not`, `what's` → `what is`, `back's` → `back`.
fn expand<'t>(raw: &'t str, emit: &mut impl FnMut(&'t str)) {
    let raw = raw.trim_matches('\'');
    if raw.is_empty() {
        return;
    }
    if let Some(full) = contraction(raw) {
        full.split(' ').for_each(emit);
        return;
    }
    if let Some(word) = undoubled(raw) {
        word.split(' ').for_each(emit);
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

/// Below this Zipf value (once per million words) a word with a doubled
/// letter may be a common word typed with one letter too many: "heyy",
/// "thankss", "pleasee", "soo". At or above it, the word is one people
/// write ("ill", "bee", "teeth").
const DOUBLED_ZIPF: f64 = 3.0;

/// The word a rarely written word with a doubled letter stands for, when
/// dropping one letter of a double makes a common English word (at least
/// [`english::MEANT_ZIPF`]) or a chat spelling (given as its expansion):
/// "heyy" is "hey", "byee" is "bye", "thxx" is "thanks". Borrowed from the
/// embedded word list, so nothing is allocated; `None` for anything else,
/// which is most words (they have no double, or are common, or no
/// undoubling is a common word: "acupressure").
fn undoubled(raw: &str) -> Option<&'static str> {
    let bytes = raw.as_bytes();
    if !raw.bytes().all(|b| b.is_ascii_lowercase()) || !bytes.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    if english::zipf(raw).is_some_and(|z| z >= DOUBLED_ZIPF) {
        return None;
    }
    let mut buffer = String::with_capacity(raw.len());
    let mut best: Option<(f64, &'static str)> = None;
    for at in 1..bytes.len() {
        if bytes[at] != bytes[at - 1] {
            continue;
        }
        buffer.clear();
        buffer.push_str(&raw[..at]);
        buffer.push_str(&raw[at + 1..]);
        // A chat spelling counts as common: "thxx" is "thx", thanks.
        if let Some(full) = contraction(&buffer) {
            return Some(full);
        }
        if let Some((word, z)) = english::listed(&buffer) {
            if z >= english::MEANT_ZIPF && best.is_none_or(|(b, _)| z > b) {
                best = Some((z, word));
            }
        }
    }
    best.map(|(_, word)| word)
}

/// The expansion of a contraction whose expansion is irregular or which
/// people type without the apostrophe in chat, or of a common chat
/// abbreviation. A `match` compares lengths before bytes, which matters:
/// every word of every text comes through here.
fn contraction(raw: &str) -> Option<&'static str> {
    Some(match raw {
        "abt" => "about",
        "appt" => "appointment",
        "arent" => "are not",
        "b4" => "before",
        "bc" => "because",
        "can't" => "can not",
        "cannot" => "can not",
        "cant" => "can not",
        "couldnt" => "could not",
        "cuz" => "because",
        "didnt" => "did not",
        "diff" => "difference",
        "doc" => "doctor",
        "doesnt" => "does not",
        "dont" => "do not",
        "gonna" => "going to",
        "gud" => "good",
        "hadnt" => "had not",
        "hasnt" => "has not",
        "havent" => "have not",
        "hows" => "how is",
        "hw" => "how",
        "idk" => "i do not know",
        "im" => "i am",
        "isnt" => "is not",
        "ive" => "i have",
        "mins" => "minutes",
        "ppl" => "people",
        "r" => "are",
        "smth" => "something",
        "soo" => "so",
        "thru" => "through",
        "thx" => "thanks",
        "tmr" => "tomorrow",
        "tmrw" => "tomorrow",
        "tysmm" => "tysm",
        "tyy" => "ty",
        "u" => "you",
        "ur" => "your",
        "urself" => "yourself",
        "wanna" => "want to",
        "wasnt" => "was not",
        "wat" => "what",
        "werent" => "were not",
        "whats" => "what is",
        "wht" => "what",
        "won't" => "will not",
        "wont" => "will not",
        "wouldnt" => "would not",
        "wrk" => "work",
        "wut" => "what",
        "y" => "why",
        "ya" => "you",
        "yoo" => "yo",
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
    "bot", "briefly", "bring", "btw", "but", "by", "can", "could", "count", "counts", "curious",
    "deal", "dealing", "did", "do", "does", "doing", "done", "else", "even", "ever", "everyone",
    "exactly", "explain", "for", "from", "generally", "get", "gets", "getting", "give", "gives",
    "giving", "go", "going", "got", "guess", "guys", "had", "has", "have", "having", "he", "hello",
    "hey", "hi", "hiya", "honestly", "i", "if", "imo", "in", "into", "is", "it", "its", "just",
    "keep", "kinda", "know", "leave", "leaves", "let", "like", "literally", "lmao", "lol", "lot",
    "lots", "make", "makes", "making", "maybe", "me", "mention", "mentions", "might", "mine",
    "must", "my", "need", "needed", "needs", "ngl", "no", "not", "of", "ofc", "ok", "okay", "on",
    "one", "or", "our", "please", "pls", "plz", "put", "question", "quick", "really", "rn", "said",
    "say", "says", "see", "seeing", "seem", "seems", "she", "should", "simply", "since", "so",
    "some", "someone", "something", "still", "stuff", "suffer", "suffering", "suffers", "take",
    "takes", "taking", "talk", "talking", "tbh", "tell", "thank", "thanks", "that", "the", "their",
    "them", "then", "there", "these", "they", "thing", "things", "think", "thinking", "this", "tho",
    "those", "though", "thought", "to", "tried", "try", "trying", "typically", "u", "uh", "um",
    "up", "ur", "us", "usually", "very", "want", "was", "wat", "we", "were", "which", "will",
    "with", "wonder", "wondering", "would", "yes", "yo", "you", "your", "yours",
];

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
    fn stop_words_are_sorted_and_distinct() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    /// Words without a to z or an apostrophe skip the stemmer: it would
    /// have left them as they are.
    #[test]
    fn words_of_other_scripts_and_digits_are_their_own_stems() {
        let n = Normalizer::default();
        let words = [
            "боль",
            "спина",
            "болит",
            "πόνος",
            "πλάτη",
            "腰痛",
            "腰痛です",
            "ألم",
            "الظهر",
            "दर्द",
            "כאב",
            "한국어",
            "12345",
            "2024",
            "ｓｓ",
            "ßß",
            "ÿ",
            "1st2nd",
            "øøøs",
            "ies",
        ];
        for word in words {
            let slow = n.stemmer.stem(word).into_owned();
            assert_eq!(n.stem(word), slow, "{word}");
        }
    }

    #[test]
    fn punctuation_breaks_clauses() {
        let n = Normalizer::default();
        let text = "no fever, can't walk. 38.5 ok?! nope";
        let (words, breaks) = n.words_and_breaks(text, usize::MAX);
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
        assert_eq!(words, n.words(text));
        // A cap at or above the text's length changes nothing...
        let (capped, _) = n.words_and_breaks(text, text.len());
        assert_eq!(capped, words);
        assert_eq!(n.words_up_to(text, text.len()), words);
        // ...and holds where contractions make more words than characters
        // would suggest (12 characters cut to 8, "im im im", then 4 words).
        let texts = |w: Vec<Word>| w.into_iter().map(|w| w.text).collect::<Vec<_>>();
        assert_eq!(
            texts(n.words_up_to("im im im im", 4)),
            ["i", "am", "i", "am"]
        );
        // Dashes that set off an answer, and units after numbers.
        let (words, breaks) =
            n.words_and_breaks("numbness - nope, co-codamol 6kg 102F — none", 100);
        let marked: Vec<String> = words
            .iter()
            .zip(&breaks)
            .map(|(w, &b)| match b {
                Break::Question => format!("?{}", w.text),
                Break::Comma => format!(",{}", w.text),
                _ => w.text.clone(),
            })
            .collect();
        assert_eq!(
            marked.join(" "),
            "numbness ?nope ,co codamol 6 kg 102 f ?none"
        );
    }

    /// No more words than characters, whatever the text, unless
    /// decomposition lengthens it: what lets the word caps equal the
    /// character caps.
    #[test]
    fn a_text_makes_no_more_words_than_characters() {
        let n = Normalizer::default();
        for text in [
            "im im im",
            "y r u",
            "i'm can't won't y'all d'd'd'd",
            "a b c d e f g",
            "1 2 3 4",
            "gonna wanna cant",
        ] {
            let words = n.words(text).len();
            assert!(
                words <= fold(text, usize::MAX).chars().count(),
                "{text:?}: {words}"
            );
        }
        // Where decomposition lengthens the text, the cap is what holds.
        let expanding = "\u{FDFA}".repeat(10);
        assert!(n.words(&expanding).len() > 10);
        assert!(n.words_up_to(&expanding, 10).len() <= 10);
        // And the folded text is cut: 4000 of them read as at most 12,000
        // characters, not 72,000.
        let long = "\u{FDFA}".repeat(4000);
        assert_eq!(fold(&long, 12_000).chars().count(), 12_000);
        let (words, _) = n.words_and_breaks(&long, 4000);
        assert!(words.len() <= 4000);
        let cut: usize = words.iter().map(|w| w.text.chars().count() + 1).sum();
        assert!(cut <= 12_000 + 1, "{cut}");
    }

    /// The remembered lookups change nothing: folding agrees with the
    /// plain chain of std and unicode-normalization calls, on every script
    /// and on characters whose lowercase is longer.
    #[test]
    fn folding_is_the_plain_unicode_chain() {
        let plain = |text: &str| -> String {
            text.nfkd()
                .filter(|c| !is_combining_mark(*c))
                .map(|c| match c {
                    '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
                    c => c,
                })
                .flat_map(char::to_lowercase)
                .collect()
        };
        // Every character up to U+3400, and a sample above, in runs long
        // enough that the table's slots are reused.
        let mut text: String = (0u32..0x3400).filter_map(char::from_u32).collect();
        text.extend(
            (0x3400u32..0x11_0000)
                .step_by(97)
                .filter_map(char::from_u32),
        );
        text.push_str("İSTANBUL ǅ ẞ Ω ΣΑΣ ﬃ ½ … 한국어 \u{FDFA}");
        // Marks in every order after plain letters, decomposing ones and
        // other marks, and at the start.
        text.push_str("\u{0316}a\u{0301}\u{0316}e\u{0328}\u{0301}\u{1E0B}\u{0323}");
        text.push_str("\u{0958}\u{093C}\u{0301}x\u{0345}\u{0300}\u{1F80}\u{0301}");
        assert_eq!(fold_case(&text, usize::MAX), plain(&text));
        let cut: String = plain(&text).chars().take(1000).collect();
        assert_eq!(fold_case(&text, 1000), cut);
        let mut alphanumeric = Recent::new(char::is_alphanumeric);
        for c in text.chars().chain(text.chars().rev()) {
            assert_eq!(alphanumeric.get(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// Letters typed over and over, emoji that say a word, chat spellings.
    #[test]
    fn reads_words_as_members_type_them() {
        check("heyyyy thxxx!!! byeeee", "(hey) (thank) bye");
        check("sooooo painnnn", "(so) pain");
        check("pleasee helpp 🙏", "(pleas) help (thank)");
        check("👋 wat can u do 👍", "(hi) what (can) (you) (do) (ok)");
        check("1000 acupressure", "1000 acupressur");
        check("ur smth", "(your) (someth)");
        assert_eq!(squeeze("aaa bbbb cc 111".to_owned()), "aa bb cc 111");
        assert_eq!(undoubled("heyy"), Some("hey"));
        assert_eq!(undoubled("acupressure"), None);
        assert_eq!(undoubled("teeth"), None);
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
