//! Cutting an article section into the sentences, bullet lines and headings
//! that sentence coverage counts.
//!
//! The text is read line by line: a blank line ends a paragraph, a line that
//! starts with a bullet (`•`, `-`, `*`, `1.`, `a)`...) is an item of its own,
//! and any other line continues the paragraph or item above it. Each
//! paragraph and item is then cut after `.`, `!`, `?` or `…` (with any
//! closing quote or bracket) where a space and a word that is not lowercase
//! follow, except after an abbreviation ("e.g.", "Dr.", "vs."), an initial
//! ("J. Smith") or a word with dots inside ("U.S."). A decimal ("2.5") has
//! no space after its dot, so it is never cut. A paragraph that is one
//! sentence not ending in `.`, `!`, `:`, `;` or `…` is a heading ("How
//! Acupuncture Works", "What causes back pain?"); a bullet never is. What
//! holds no letter at all (the "1." a numbered list leaves behind) is not a
//! sentence and is dropped.
//!
//! Every piece is normalised as quotes are ([`normalize_quoted`](super::normalize_quoted)), so that
//! a quote and a sentence compare as they are written.

use std::borrow::Cow;

use super::normalized;

/// What a piece of a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// A heading or sub-heading: shown, but nothing to quote or skip.
    Heading,
    /// A sentence, or a bullet line's sentence: an entry should quote it,
    /// or the section should skip it with a reason.
    Sentence,
}

/// A sentence or heading of a section, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Whether it is a heading or a sentence.
    pub kind: PieceKind,
    /// Its text, normalised like quotes.
    pub text: String,
}

/// Abbreviations whose dot does not end a sentence (lowercase, without
/// their last dot).
const ABBREVIATIONS: [&str; 16] = [
    "e.g", "i.e", "cf", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "approx", "fig",
    "incl", "esp",
];

/// Characters that end a sentence.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Characters that may follow a sentence's end and belong to it.
fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']')
}

/// Cuts a section's text into its headings and sentences, in order.
pub fn split(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for block in blocks(text) {
        let text = normalized(&block.text);
        let sentences = sentences(&text);
        let heading = !block.bullet
            && sentences.len() == 1
            && sentences.first().is_some_and(|s| !ends_like_a_sentence(s));
        for sentence in sentences {
            if !sentence.chars().any(char::is_alphabetic) {
                continue;
            }
            pieces.push(Piece {
                kind: if heading {
                    PieceKind::Heading
                } else {
                    PieceKind::Sentence
                },
                text: sentence.to_owned(),
            });
        }
    }
    pieces
}

/// A paragraph or a bullet item, its lines joined.
struct Block<'t> {
    text: Cow<'t, str>,
    bullet: bool,
}

/// The paragraphs and bullet items of a text, bullet markers removed.
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::new();
    // Whether the line above belongs to the last block (it was not blank).
    let mut open = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some(item) = after_bullet(line) {
            out.push(Block {
                text: Cow::Borrowed(item),
                bullet: true,
            });
        } else if let (true, Some(last)) = (open, out.last_mut()) {
            let text = last.text.to_mut();
            text.push(' ');
            text.push_str(line);
        } else {
            out.push(Block {
                text: Cow::Borrowed(line),
                bullet: false,
            });
        }
        open = true;
    }
    out
}

/// A line's text after its bullet or list number, if it starts with one.
fn after_bullet(line: &str) -> Option<&str> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    let rest = match first {
        '•' | '·' | '◦' | '▪' | '‣' | '○' | '●' => &line[first.len_utf8()..],
        '-' | '*' | '–' | '—' | '+' => {
            let rest = &line[first.len_utf8()..];
            if !rest.starts_with(char::is_whitespace) {
                return None;
            }
            rest
        }
        // "1." or "12)" or "a)", then a space.
        _ => {
            let marker_end = line
                .find(|c: char| !c.is_ascii_alphanumeric())
                .filter(|&end| end > 0 && end <= 3)?;
            let word = &line[..marker_end];
            let numbered = word.bytes().all(|b| b.is_ascii_digit());
            let lettered = word.len() == 1 && word.bytes().all(|b| b.is_ascii_lowercase());
            let rest = &line[marker_end..];
            let rest = if numbered {
                rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?
            } else if lettered {
                rest.strip_prefix(')')?
            } else {
                return None;
            };
            if !rest.starts_with(char::is_whitespace) {
                return None;
            }
            rest
        }
    };
    Some(rest.trim_start())
}

/// The sentences of one normalised paragraph (single spaces, no line
/// breaks), each with its closing punctuation.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_terminal(c) {
            continue;
        }
        // The end: the run of terminal and closing characters after it.
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if is_terminal(next) || is_closing(next) {
                end = j + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let Some(after) = rest.strip_prefix(' ') else {
            continue;
        };
        let starts_lowercase = after.chars().next().is_some_and(char::is_lowercase);
        if starts_lowercase || (c == '.' && abbreviation_before(&text[start..i])) {
            continue;
        }
        out.push(text[start..end].trim());
        start = end + 1;
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// Whether the word just before a dot is an abbreviation, an initial or a
/// word with dots inside, whose dot does not end the sentence.
fn abbreviation_before(text: &str) -> bool {
    let word = text
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\'')
        .next()
        .unwrap_or_default();
    if word.contains('.') {
        return true;
    }
    let mut letters = word.chars();
    if let (Some(c), None) = (letters.next(), letters.next()) {
        return c.is_uppercase();
    }
    ABBREVIATIONS
        .iter()
        .any(|a| word.len() == a.len() && word.eq_ignore_ascii_case(a))
}

/// Whether a sentence ends as prose does (a heading ends otherwise, or
/// with a question mark).
fn ends_like_a_sentence(sentence: &str) -> bool {
    sentence
        .trim_end_matches(is_closing)
        .ends_with(['.', '!', ':', ';', '…'])
}

/// Whether two normalised texts overlap as a quote and a sentence must: one
/// holds the other.
pub fn overlaps(quote: &str, sentence: &str) -> bool {
    // Only the shorter can lie within the longer: one search, not two, and
    // none when it is where it usually is, at the start or the end.
    let holds = |long: &str, short: &str| {
        long.starts_with(short) || long.ends_with(short) || long.contains(short)
    };
    match quote.len().cmp(&sentence.len()) {
        _ if quote.is_empty() => false,
        std::cmp::Ordering::Less => holds(sentence, quote),
        std::cmp::Ordering::Equal => quote == sentence,
        std::cmp::Ordering::Greater => holds(quote, sentence),
    }
}

/// An article's text normalised two ways: as quotes are compared with it,
/// on one line ([`normalize_quoted`](super::normalize_quoted)), and with its lines and paragraphs
/// kept, for [`split`]. The two differ only where a line break was: a space
/// in the first, `\n` (or `\n\n` between paragraphs) in the second.
pub struct ArticleText {
    /// The text as [`normalize_quoted`](super::normalize_quoted) makes it.
    pub text: String,
    /// The same with its line breaks, blank lines kept as one.
    lines: String,
    /// Offsets in `text` of the spaces that were blank lines, in order.
    paragraphs: Vec<usize>,
}

impl ArticleText {
    /// Normalises an article.
    pub fn new(article: &str) -> ArticleText {
        let mut lines = String::with_capacity(article.len());
        let mut blank = false;
        for line in article.lines() {
            let line = normalized(line.trim());
            if line.is_empty() {
                blank = true;
                continue;
            }
            if !lines.is_empty() {
                lines.push_str(if blank { "\n\n" } else { "\n" });
            }
            lines.push_str(&line);
            blank = false;
        }
        let mut text = String::with_capacity(lines.len());
        let mut paragraphs = Vec::new();
        let mut after_break = false;
        for c in lines.chars() {
            if c != '\n' {
                text.push(c);
                after_break = false;
            } else if after_break {
                // The second `\n` of a blank line: the space is there.
                if let Some(last) = text.len().checked_sub(1) {
                    paragraphs.push(last);
                }
            } else {
                text.push(' ');
                after_break = true;
            }
        }
        ArticleText {
            text,
            lines,
            paragraphs,
        }
    }

    /// The part of the text between two offsets of `text`, with its line
    /// breaks.
    pub fn lines(&self, start: usize, end: usize) -> &str {
        let at = |offset: usize| offset + self.paragraphs.partition_point(|&p| p < offset);
        self.lines.get(at(start)..at(end)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::normalize_quoted;

    /// The sentences and headings of a text, as (heading?, text) pairs.
    fn pieces(text: &str) -> Vec<(bool, String)> {
        split(text)
            .into_iter()
            .map(|p| (p.kind == PieceKind::Heading, p.text))
            .collect()
    }

    /// Checks the pieces of a text: `true` marks a heading.
    fn assert_pieces(text: &str, expected: &[(bool, &str)]) {
        let expected: Vec<(bool, String)> =
            expected.iter().map(|&(h, t)| (h, t.to_owned())).collect();
        assert_eq!(pieces(text), expected, "{text:?}");
    }

    fn sentences_of(text: &str) -> Vec<String> {
        pieces(text).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn sentences_are_cut_after_their_end() {
        assert_eq!(
            sentences_of("When your back hurts, it's no fun. It can leave you cranky! So what can you do? Fortunately, there are steps."),
            [
                "When your back hurts, it's no fun.",
                "It can leave you cranky!",
                "So what can you do?",
                "Fortunately, there are steps.",
            ]
        );
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_end_a_sentence() {
        assert_eq!(
            sentences_of(
                "Ask a doctor, e.g. Dr. Smith or J. Jones in the U.S. first. Acupuncture vs. \
                 acupressure. Needles are 0.25 mm thick. Sessions last 30-60 minutes."
            ),
            [
                "Ask a doctor, e.g. Dr. Smith or J. Jones in the U.S. first.",
                "Acupuncture vs. acupressure.",
                "Needles are 0.25 mm thick.",
                "Sessions last 30-60 minutes.",
            ]
        );
        // A dot before a lowercase word is not an end either.
        assert_eq!(
            sentences_of("It costs approx. ten pounds."),
            ["It costs approx. ten pounds."]
        );
        assert_eq!(sentences_of("See fig. Two below."), ["See fig. Two below."]);
    }

    #[test]
    fn curly_quotes_and_apostrophes_are_normalised_and_closing_quotes_kept() {
        assert_eq!(
            sentences_of(
                "It’s “often” caused by strain. He said “rest.” Then he left… Later, ‘tis done."
            ),
            [
                "It's \"often\" caused by strain.",
                "He said \"rest.\"",
                "Then he left…",
                "Later, 'tis done.",
            ]
        );
    }

    #[test]
    fn bullets_are_items_of_their_own_without_their_marker() {
        let text = "Back pain can result from:\n\n  • Muscle Strain: Overexertion.\n  • Stress: \
                    Emotional stress. It can manifest\n    physically.\n- Dash item\n1. Numbered \
                    item\nb) Lettered item\n-5 degrees is cold.";
        assert_pieces(
            text,
            &[
                (false, "Back pain can result from:"),
                (false, "Muscle Strain: Overexertion."),
                (false, "Stress: Emotional stress."),
                (false, "It can manifest physically."),
                (false, "Dash item"),
                (false, "Numbered item"),
                (false, "Lettered item -5 degrees is cold."),
            ],
        );
    }

    #[test]
    fn headings_are_one_line_paragraphs_that_do_not_end_like_prose() {
        let text = "How Acupuncture Works\n\nAcupuncture may seem mysterious.\n\nWhat causes \
                    back pain?\n\nCurious about it? Let us find out.\n\nAcupuncture vs. \
                    Acupressure\n\nBack pain can result from:\n\n  • What is it?";
        assert_pieces(
            text,
            &[
                (true, "How Acupuncture Works"),
                (false, "Acupuncture may seem mysterious."),
                (true, "What causes back pain?"),
                (false, "Curious about it?"),
                (false, "Let us find out."),
                (true, "Acupuncture vs. Acupressure"),
                (false, "Back pain can result from:"),
                (false, "What is it?"),
            ],
        );
    }

    #[test]
    fn lines_continue_their_paragraph_and_leftover_numbers_are_dropped() {
        assert_pieces("quality of life.\n\n  1.", &[(false, "quality of life.")]);
        assert_pieces(
            "A sentence that wraps\nonto the next line. And another.",
            &[
                (false, "A sentence that wraps onto the next line."),
                (false, "And another."),
            ],
        );
    }

    #[test]
    fn overlap_is_either_text_holding_the_other() {
        assert!(overlaps("Needles are thin.", "Needles are thin."));
        assert!(overlaps("are thin", "Needles are thin."));
        assert!(overlaps(
            "Needles are thin. They hurt.",
            "Needles are thin."
        ));
        assert!(!overlaps("thin. They", "Needles are thin."));
        assert!(!overlaps("", "Needles are thin."));
    }

    #[test]
    fn article_text_is_the_quote_normalisation_with_lines_kept() {
        for article in [
            "Title\n\nFirst  para’s line.\nSame para.\n\n\n  • Bullet – dash\r\n\u{a0}\nEnd.  ",
            "\n\n  lead\tin  \n",
            "",
            "one line",
        ] {
            let normalized = ArticleText::new(article);
            assert_eq!(normalized.text, normalize_quoted(article), "{article:?}");
            assert_eq!(
                normalized
                    .lines(0, normalized.text.len())
                    .replace("\n\n", " ")
                    .replace('\n', " "),
                normalized.text,
                "{article:?}"
            );
        }
        let normalized = ArticleText::new("Title\n\nFirst para.\nSame para.\n\n  • Bullet\n");
        let start = normalized.text.find("First").unwrap_or_default();
        let end = normalized.text.find("Bullet").unwrap_or_default();
        assert_eq!(
            normalized.lines(start, end),
            "First para.\nSame para.\n\n• "
        );
        assert_eq!(normalized.lines(0, start), "Title\n\n");
    }
}
