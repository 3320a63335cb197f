//! Which entries cite each section of the articles and quote each of its
//! sentences, and what is left out on purpose: what `check --coverage`
//! lists, and the gaps `check` refuses.
//!
//! A sentence is quoted by an entry when one of the entry's quotes for that
//! section holds the sentence or lies within it (both normalised as quotes
//! are checked, see [`super::normalize_quoted`]); a `skip_sentences` item skips it
//! the same way. Headings count for neither.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use super::{
    normalized, overlaps, Entry, Piece, PieceKind, Problem, Section, SkippedSentence, Source,
};

/// One section, the entries citing it, and how each of its pieces is
/// covered.
#[derive(Debug, Clone)]
pub struct SectionCoverage<'c> {
    /// The article.
    pub source: &'c Source,
    /// The section.
    pub section: &'c Section,
    /// Ids of the entries that cite the section, in catalog order.
    pub cited_by: Vec<&'c str>,
    /// The section's headings and sentences, in order; none when the whole
    /// section is skipped.
    pub pieces: Vec<PieceCoverage<'c>>,
}

/// A heading or sentence and what covers it.
#[derive(Debug, Clone)]
pub struct PieceCoverage<'c> {
    /// The heading or sentence.
    pub piece: &'c Piece,
    /// Ids of the entries whose quotes hold it or lie within it.
    pub quoted_by: Vec<&'c str>,
    /// The first `skip_sentences` item that skips it, if any.
    pub skipped: Option<&'c SkippedSentence>,
}

/// How a piece is covered, as `check --coverage` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<'p> {
    /// A heading: nothing to quote or skip.
    Heading,
    /// Quoted by these entries (and skipped too, when `skipped` is set:
    /// a problem).
    Quoted(&'p [&'p str]),
    /// Left out on purpose, for this reason.
    Skipped(&'p str),
    /// Neither quoted nor skipped: a problem.
    NotCovered,
}

impl PieceCoverage<'_> {
    /// How the piece is covered.
    pub fn status(&self) -> Status<'_> {
        match (self.piece.kind, self.quoted_by.is_empty(), self.skipped) {
            (PieceKind::Heading, _, _) => Status::Heading,
            (PieceKind::Sentence, false, _) => Status::Quoted(&self.quoted_by),
            (PieceKind::Sentence, true, Some(skip)) => Status::Skipped(&skip.reason),
            (PieceKind::Sentence, true, None) => Status::NotCovered,
        }
    }
}

/// How many pieces of the articles are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sentences an entry quotes.
    pub quoted: usize,
    /// Sentences skipped with a reason (and quoted by none).
    pub skipped: usize,
    /// Sentences neither quoted nor skipped.
    pub not_covered: usize,
    /// Headings.
    pub headings: usize,
}

impl Totals {
    /// Counts the pieces of every section.
    pub fn of(coverage: &[SectionCoverage<'_>]) -> Totals {
        let mut totals = Totals::default();
        for piece in coverage.iter().flat_map(|s| &s.pieces) {
            match piece.status() {
                Status::Heading => totals.headings += 1,
                Status::Quoted(_) => totals.quoted += 1,
                Status::Skipped(_) => totals.skipped += 1,
                Status::NotCovered => totals.not_covered += 1,
            }
        }
        totals
    }
}

/// The coverage of every section of `sources` by `entries`, in article
/// order.
pub fn of<'c>(sources: &'c [Source], entries: &'c [Entry]) -> Vec<SectionCoverage<'c>> {
    let sections: Vec<(&Source, &Section)> = sources
        .iter()
        .flat_map(|source| source.sections.iter().map(move |s| (source, s)))
        .collect();
    // Each section's place; a heading listed twice (a problem of its own)
    // gets its citations at its first place.
    let mut place: HashMap<(&str, &str), usize> =
        HashMap::with_capacity_and_hasher(sections.len(), Default::default());
    for (i, (source, section)) in sections.iter().enumerate() {
        place
            .entry((source.id.as_str(), section.heading.as_str()))
            .or_insert(i);
    }
    // Every citation with its section's place and the entry's id, in section
    // order and, within a section, in catalog order (the sort is stable):
    // one small vector rather than a map of vectors, for large catalogs.
    let mut cites: Vec<(usize, &str, Cow<'c, str>)> = entries
        .iter()
        .flat_map(|e| e.sources.iter().map(move |c| (e, c)))
        .filter_map(|(e, c)| {
            let &at = place.get(&(c.source.as_str(), c.section.as_str()))?;
            Some((at, e.id.as_str(), normalized(&c.quote)))
        })
        .collect();
    cites.sort_by_key(|&(at, _, _)| at);
    let mut cites = cites.as_slice();
    let mut out = Vec::with_capacity(sections.len());
    for (i, (source, section)) in sections.into_iter().enumerate() {
        let n = cites.iter().take_while(|&&(at, _, _)| at == i).count();
        let (here, rest) = cites.split_at(n);
        cites = rest;
        let mut cited_by: Vec<&str> = Vec::new();
        for &(_, id, _) in here {
            // An entry's citations come together, so a repeat is the last.
            if cited_by.last() != Some(&id) {
                cited_by.push(id);
            }
        }
        let pieces = match section.skip {
            Some(_) => Vec::new(),
            None => section
                .sentences
                .iter()
                .map(|piece| cover(piece, here, &section.skip_sentences))
                .collect(),
        };
        out.push(SectionCoverage {
            source,
            section,
            cited_by,
            pieces,
        });
    }
    out
}

/// What quotes and skips cover one piece.
fn cover<'c>(
    piece: &'c Piece,
    quotes: &[(usize, &'c str, Cow<'c, str>)],
    skips: &'c [SkippedSentence],
) -> PieceCoverage<'c> {
    if piece.kind == PieceKind::Heading {
        return PieceCoverage {
            piece,
            quoted_by: Vec::new(),
            skipped: None,
        };
    }
    let mut quoted_by: Vec<&str> = Vec::new();
    for (_, id, quote) in quotes {
        if overlaps(quote, &piece.text) && quoted_by.last() != Some(id) {
            quoted_by.push(id);
        }
    }
    PieceCoverage {
        piece,
        quoted_by,
        skipped: skips.iter().find(|s| overlaps(&s.text, &piece.text)),
    }
}

/// The gaps in coverage, as problems in `sources.toml` (labelled
/// `sources_label`): a section neither cited nor skipped, a sentence
/// neither quoted nor skipped, and a skipped sentence that an entry quotes.
/// A section cited by no entry is one problem, not one per sentence.
pub fn problems(coverage: &[SectionCoverage<'_>], sources_label: &str) -> Vec<Problem> {
    let problem = |line: usize, message: String| Problem {
        file: sources_label.to_owned(),
        line: Some(line),
        message,
    };
    let mut out = Vec::new();
    for SectionCoverage {
        source,
        section,
        cited_by,
        pieces,
    } in coverage
    {
        if section.skip.is_some() {
            continue;
        }
        let heading = &section.heading;
        if cited_by.is_empty() {
            out.push(problem(
                section.line,
                format!(
                    "section \"{heading}\" of source \"{}\" is cited by no entry: cite it, \
                     or mark it with skip = \"why it is left out\"",
                    source.id
                ),
            ));
            continue;
        }
        for piece in pieces {
            match (piece.status(), piece.skipped) {
                (Status::Quoted(ids), Some(skip)) => out.push(problem(
                    skip.line,
                    format!(
                        "this skipped sentence of section \"{heading}\" is quoted by {}: \
                         take it out of skip_sentences, or the quote out of the entry",
                        entries_named(ids)
                    ),
                )),
                (Status::NotCovered, _) => out.push(problem(
                    section.line,
                    format!(
                        "section \"{heading}\" of source \"{}\": no entry quotes the sentence \
                         \"{}\": quote it in an entry, or add it to the section's \
                         skip_sentences with the reason it is left out",
                        source.id, piece.piece.text
                    ),
                )),
                _ => {}
            }
        }
    }
    out
}

/// `entry "a"`, or `entries "a", "b"`.
fn entries_named(ids: &[&str]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    match quoted.len() {
        1 => format!("entry {}", quoted.join("")),
        _ => format!("entries {}", quoted.join(", ")),
    }
}
