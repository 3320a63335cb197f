//! The safety net: red-flag triage by meaning, for the messages no rule of
//! `red-flags.toml` fires on. Each sentence of the message is compared with
//! the example sentences of `red-flag-examples.toml` (and with the FAQ's
//! own phrasings and the small-talk phrases, which are calm); a sentence much more like an example of a
//! flag than like any calm sentence fires that flag.
//!
//! Rules name the words a moderator thought of; members find others ("my
//! legs belong to someone else", "I know which bridge"). The net catches
//! wording near an example, and every alarm it raises is explained by the
//! example it is near (`ask --explain`), so a moderator can read why, and
//! add an example when it misses. It never overrides the rules' negation
//! and time: a sentence holding red-flag words the rules found denied ("no
//! numbness down there", "a fall years ago") is not read.

use rustc_hash::FxHashMap;

use super::english;
use super::normalize::{Break, Normalizer, Word};
use super::semantic::{self, Model, DIMS};
use crate::content::Catalog;

/// The cosine at or above which a sentence is like an example. Chosen with
/// [`MARGIN`] and the classifier's line
/// ([`super::net_classifier::ALARM_P`]) by leave-one-set-out
/// cross-validation on the triage tuning sets and the matching issue's
/// tuning messages (`docs/tools/triage_net_cv.py`): the most emergencies
/// the rules missed, with at most one added alarm per hundred calm messages
/// and per two hundred everyday ones (docs/QUALITY.md). With the classifier
/// beside it, the margin does most of the work.
pub const LIKE: f64 = 0.65;

/// How much more like a flag's example than like any calm sentence a
/// sentence must be. The static vectors are a bag of words and cannot see
/// that "numbness down there? nope" is a denial; a calm sentence with the
/// same words is then as near, and the margin keeps the alarm off.
pub const MARGIN: f64 = 0.13;

/// The most sentences of a message the net reads: an emergency is said in
/// a sentence or two, and each sentence costs one scan of the examples.
const MAX_SENTENCES: usize = 24;

/// Sentences longer than this many words are read in pieces of this many:
/// a run-on message with no full stop would otherwise blur into one vector
/// near everything.
const MAX_SENTENCE_WORDS: usize = 40;

/// The dimensions the first, coarse scan reads: a quarter of the work of
/// a whole cosine. The static vectors are in PCA order, so the first
/// dimensions carry most of the variance.
const COARSE_DIMS: usize = 64;

/// How many rows of each kind (flag examples, calm) the coarse scan keeps
/// for the whole cosine. `tests/triage.rs` and the cross-validation are
/// measured with it; checked against a full scan in this file's tests.
const SHORTLIST: usize = 48;

/// The most FAQ phrasings the net keeps as calm rows. The shipped FAQ has
/// 329; a catalog of thousands of entries keeps only the examples' calm
/// sentences, so that its reload and its memory do not grow with the FAQ
/// (each row is 256 bytes, and every alarm-like sentence scans them all).
const MAX_CALM_PHRASINGS: usize = 4_096;

/// A word of a sentence less common in English than this Zipf value (a
/// few times in every hundred thousand words: "legs", "bladder", "bridge",
/// "anymore", but not "feel", "need" or "back") is an anchor. A sentence is
/// compared only with the flag examples it shares an anchor with (by stem):
/// static vectors are a bag of words, and without a shared meaningful word
/// "how many times do i need to go before my back feels better" was as
/// near a crisis example as a paraphrase is. Chosen by the
/// cross-validation with [`LIKE`] and [`MARGIN`] (docs/QUALITY.md).
const ANCHOR_ZIPF: f64 = 5.5;

/// What a row of the table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An example of the content (an index into `red_flags.examples`).
    Example(usize),
    /// An FAQ entry's phrasing, in [`crate::content::Entry::phrasings`]
    /// order (its question first). Calm.
    Phrasing(usize, usize),
    /// A small-talk phrase (talk, phrase). Calm.
    Talk(usize, usize),
}

/// The examples' vectors, as int8 rows with one scale each.
pub(crate) struct SafetyNet {
    /// Per row: the flag it is an example of (`None`: calm), and where it
    /// comes from.
    rows: Vec<(Option<usize>, Origin)>,
    /// How many rows, from the first, are flag examples; the calm rows
    /// follow.
    flagged: usize,
    /// The flag examples by their anchor words (see [`ANCHOR_ZIPF`]): a
    /// sentence is compared only with the examples it shares one with.
    by_anchor: FxHashMap<String, Vec<u32>>,
    /// The calm rows by their anchor words: the ones a sentence is read
    /// against first, since a calm sentence near enough to keep an alarm
    /// off nearly always shares a word with it (all calm rows are read
    /// before an alarm is raised).
    calm_by_anchor: FxHashMap<String, Vec<u32>>,
    data: Vec<i8>,
    scales: Vec<f32>,
}

/// A sentence the net found like a red flag.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Caught {
    /// The flag (an index into the content's flags).
    pub flag: usize,
    /// The sentence, as read (folded words).
    pub sentence: String,
    /// The example it is like, and how much.
    pub example: Origin,
    pub like: f64,
    /// The calm sentence it is most like, and how much.
    pub calm: Option<Origin>,
    pub calm_like: f64,
}

impl SafetyNet {
    /// The table of a catalog's examples and phrasings.
    pub fn build(model: &Model, catalog: &Catalog, normalizer: &Normalizer) -> SafetyNet {
        // Flag examples first, then calm rows, so that each kind is one
        // block; a flag example carries its anchors.
        let mut flagged: Vec<(usize, Origin, String, Vec<String>)> = Vec::new();
        let mut calm: Vec<(Origin, String, Vec<String>)> = Vec::new();
        for (i, example) in catalog.red_flags.examples.iter().enumerate() {
            let (text, anchors) = read(normalizer, &example.text);
            match example.flag {
                Some(flag) => flagged.push((flag, Origin::Example(i), text, anchors)),
                None => calm.push((Origin::Example(i), text, anchors)),
            }
        }
        // The FAQ's phrasings as calm rows, unless there are too many to
        // hold and scan (a catalog of 10,000 entries has 80,000).
        let phrasings: usize = catalog.entries.iter().map(|e| 1 + e.alternates.len()).sum();
        let entries = if phrasings <= MAX_CALM_PHRASINGS {
            &catalog.entries[..]
        } else {
            &[]
        };
        for (e, entry) in entries.iter().enumerate() {
            for (k, phrasing) in entry.phrasings().enumerate() {
                let (text, anchors) = read(normalizer, phrasing);
                calm.push((Origin::Phrasing(e, k), text, anchors));
            }
        }
        for (t, talk) in catalog.small_talk.talks.iter().enumerate() {
            for (k, phrase) in talk.phrases.iter().enumerate() {
                let (text, anchors) = read(normalizer, phrase);
                calm.push((Origin::Talk(t, k), text, anchors));
            }
        }
        let rows = flagged.len() + calm.len();
        let mut net = SafetyNet {
            flagged: 0,
            by_anchor: FxHashMap::default(),
            calm_by_anchor: FxHashMap::default(),
            rows: Vec::with_capacity(rows),
            data: Vec::with_capacity(rows * DIMS),
            scales: Vec::with_capacity(rows),
        };
        // One text at a time, keeping each word's WordPiece ids (not its
        // vector, which for thousands of distinct words would weigh
        // megabytes): the examples share most of their words.
        let mut words = FxHashMap::default();
        let mut add = |net: &mut SafetyNet, flag: Option<usize>, origin: Origin, text: &str| {
            let v = model.embed_cached(text, &mut words)?;
            let row = net.rows.len() as u32;
            net.scales.push(quantize(&v.0, &mut net.data));
            net.rows.push((flag, origin));
            Some(row)
        };
        for (flag, origin, text, anchors) in flagged {
            if let Some(row) = add(&mut net, Some(flag), origin, &text) {
                for a in anchors {
                    net.by_anchor.entry(a).or_default().push(row);
                }
                net.flagged += 1;
            }
        }
        for (origin, text, anchors) in calm {
            if let Some(row) = add(&mut net, None, origin, &text) {
                for a in anchors {
                    net.calm_by_anchor.entry(a).or_default().push(row);
                }
            }
        }
        net
    }

    /// The flag the message's sentences are most like, if one is near
    /// enough; `denied` marks the words the rules found denied (empty when
    /// the message holds no red-flag word).
    pub fn check(
        &self,
        model: &Model,
        words: &[Word],
        breaks: &[Break],
        denied: &[bool],
    ) -> Option<Caught> {
        let mut best: Option<Caught> = None;
        for c in self.sentences_read(model, words, breaks, denied, false) {
            if c.like < LIKE || c.like - c.calm_like < MARGIN {
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|b| c.like - c.calm_like > b.like - b.calm_like)
            {
                best = Some(c);
            }
        }
        best
    }

    /// Each sentence the net reads, with the example of a flag it is most
    /// like and the calm sentence it is most like, whether near enough or
    /// not (for `ask --explain`). Sentences with denied words are not read.
    pub fn read<'a>(
        &'a self,
        model: &'a Model,
        words: &'a [Word],
        breaks: &'a [Break],
        denied: &'a [bool],
    ) -> impl Iterator<Item = Caught> + 'a {
        self.sentences_read(model, words, breaks, denied, true)
    }

    fn sentences_read<'a>(
        &'a self,
        model: &'a Model,
        words: &'a [Word],
        breaks: &'a [Break],
        denied: &'a [bool],
        full: bool,
    ) -> impl Iterator<Item = Caught> + 'a {
        let any_flag = self.flagged > 0;
        let mut query = Vec::with_capacity(DIMS);
        sentences(words, breaks)
            .take(if any_flag { MAX_SENTENCES } else { 0 })
            .filter(|range| {
                !denied
                    .get(range.clone())
                    .is_some_and(|d| d.iter().any(|&d| d))
            })
            .filter_map(move |range| {
                let sentence = &words[range];
                let mut candidates: Vec<usize> = anchors(sentence)
                    .filter_map(|a| self.by_anchor.get(a))
                    .flatten()
                    .map(|&r| r as usize)
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                candidates.sort_unstable();
                candidates.dedup();
                let text = join(sentence);
                let v = model.embed(&text)?;
                query.clear();
                let q_scale = quantize(&v.0, &mut query);
                let calm_first = anchors(sentence)
                    .filter_map(|a| self.calm_by_anchor.get(a))
                    .flatten()
                    .map(|&r| r as usize);
                self.nearest(&query, q_scale, text, &candidates, calm_first, full)
            })
    }

    /// The nearest of `examples` (flag rows) and the nearest calm sentence
    /// (by the whole cosine, over every calm row). With `full` false, the
    /// reading stops as soon as the sentence cannot fire: its nearest flag
    /// example is below [`LIKE`], or a calm row is within [`MARGIN`] of it
    /// (the rows sharing an anchor with the sentence, `calm_first`, are
    /// read first, so that most sentences stop after a few).
    fn nearest(
        &self,
        query: &[i8],
        q_scale: f32,
        sentence: String,
        examples: &[usize],
        calm_first: impl Iterator<Item = usize>,
        full: bool,
    ) -> Option<Caught> {
        let (i, like) = self.best_in(examples.iter().copied(), query, q_scale)?;
        if !full && f64::from(like) < LIKE {
            return None;
        }
        let enough = (!full).then_some(like - MARGIN as f32);
        let calm_rows = calm_first.chain(self.flagged..self.rows.len());
        let calm = self.nearest_calm(calm_rows, query, q_scale, enough)?;
        let (flag, example) = self.rows[i];
        Some(Caught {
            flag: flag?,
            sentence,
            example,
            like: f64::from(like),
            calm: calm.map(|(j, _)| self.rows[j].1),
            calm_like: calm.map_or(0.0, |(_, c)| f64::from(c)),
        })
    }

    /// The calm row nearest the query, by the whole cosine, with its
    /// cosine; `None` as soon as one reaches `enough`, when given.
    fn nearest_calm(
        &self,
        rows: impl Iterator<Item = usize>,
        query: &[i8],
        q_scale: f32,
        enough: Option<f32>,
    ) -> Option<Option<(usize, f32)>> {
        let mut best: Option<(usize, f32)> = None;
        for i in rows {
            let row = &self.data[i * DIMS..(i + 1) * DIMS];
            let c = dot_i8(query, row) as f32 * self.scales[i] * q_scale;
            if enough.is_some_and(|e| c >= e) {
                return None;
            }
            if best.is_none_or(|(_, b)| c > b) {
                best = Some((i, c));
            }
        }
        Some(best)
    }

    /// The row of `rows` nearest the query, with its cosine, in two steps:
    /// a scan of every row on its first [`COARSE_DIMS`] dimensions (the
    /// vectors are in PCA order, so those carry most of a cosine), then the
    /// whole cosine for the best [`SHORTLIST`].
    fn best_in(
        &self,
        rows: impl Iterator<Item = usize>,
        query: &[i8],
        q_scale: f32,
    ) -> Option<(usize, f32)> {
        let coarse_query = &query[..COARSE_DIMS];
        let mut candidates: Vec<(f32, usize)> = rows
            .map(|i| {
                let row = &self.data[i * DIMS..i * DIMS + COARSE_DIMS];
                (dot_i8(coarse_query, row) as f32 * self.scales[i], i)
            })
            .collect();
        if candidates.len() > SHORTLIST {
            candidates.select_nth_unstable_by(SHORTLIST, |a, b| b.0.total_cmp(&a.0));
            candidates.truncate(SHORTLIST);
        }
        candidates
            .iter()
            .map(|&(_, i)| {
                let row = &self.data[i * DIMS..(i + 1) * DIMS];
                (i, dot_i8(query, row) as f32 * self.scales[i] * q_scale)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// The sentences of a message as word ranges: a full stop (not a decimal
/// point), `;`, `!`, `?`, `:` or a line break ends one, and a long one is
/// cut in pieces.
pub(super) fn sentences<'a>(
    words: &'a [Word],
    breaks: &'a [Break],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let n = words.len();
    // "36.7" is one number, not two sentences.
    let digits = |w: &Word| !w.text.is_empty() && w.text.bytes().all(|b| b.is_ascii_digit());
    let ends_at = move |i: usize| {
        matches!(breaks.get(i), Some(Break::Stop | Break::Question))
            && !(digits(&words[i - 1]) && digits(&words[i]))
    };
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= n {
            return None;
        }
        let mut end = start + 1;
        while end < n && end - start < MAX_SENTENCE_WORDS && !ends_at(end) {
            end += 1;
        }
        let range = start..end;
        start = end;
        Some(range)
    })
}

/// The stems of a sentence's anchor words (see [`ANCHOR_ZIPF`]): words
/// not in the English table at all count as rare.
fn anchors(words: &[Word]) -> impl Iterator<Item = &str> {
    words
        .iter()
        .filter(|w| {
            // "feels" is rarer than "feel": a word counts as common as its
            // commonest form.
            let z = [w.text.as_str(), w.stem.as_str()]
                .iter()
                .filter_map(|f| english::zipf(f))
                .fold(f64::MIN, f64::max);
            !w.stop && z < ANCHOR_ZIPF
        })
        .map(|w| w.stem.as_str())
}

/// A sentence of the content as the net reads it: its folded words, one
/// space apart, and its anchors, each once.
fn read(normalizer: &Normalizer, text: &str) -> (String, Vec<String>) {
    let (words, _) = normalizer.words_and_breaks(text, MAX_SENTENCE_WORDS * 2);
    let mut a: Vec<String> = anchors(&words).map(str::to_owned).collect();
    a.sort();
    a.dedup();
    (join(&words), a)
}

pub(super) fn join(words: &[Word]) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    out
}

/// Appends a unit vector as int8 to `out`, returning the scale that turns
/// it back (`value = q * scale`).
fn quantize(v: &[f32; DIMS], out: &mut Vec<i8>) -> f32 {
    let (row, scale) = semantic::quantize(v);
    out.extend_from_slice(&row);
    scale
}

/// The dot product of two int8 vectors, in lanes the compiler vectorizes.
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut lanes = [0i32; 16];
    for (ca, cb) in a.chunks_exact(16).zip(b.chunks_exact(16)) {
        for k in 0..16 {
            lanes[k] += i32::from(ca[k]) * i32::from(cb[k]);
        }
    }
    lanes.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Word {
        Word {
            text: text.to_owned(),
            stem: text.to_owned(),
            stop: false,
        }
    }

    #[test]
    fn sentences_end_at_stops_and_questions_and_long_ones_are_cut() {
        let words: Vec<Word> = (0..100).map(|_| word("back")).collect();
        let mut breaks = vec![Break::None; 100];
        breaks[3] = Break::Stop;
        breaks[5] = Break::Comma;
        breaks[7] = Break::Question;
        let got: Vec<_> = sentences(&words, &breaks).collect();
        assert_eq!(got[..3], [0..3, 3..7, 7..47]);
        assert_eq!(got[3..], [47..87, 87..100]);
        assert_eq!(sentences(&[], &[]).count(), 0);
    }

    #[test]
    fn anchors_are_the_uncommon_words_by_stem() {
        english::load();
        let n = Normalizer::default();
        let anchors_of = |text: &str| -> Vec<String> {
            let (words, _) = n.words_and_breaks(text, 50);
            anchors(&words).map(str::to_owned).collect()
        };
        let none: [&str; 0] = [];
        assert_eq!(
            anchors_of("how many times do i need to go before my back feels better"),
            none
        );
        assert_eq!(anchors_of("my legs keep giving way"), ["leg"]);
        assert_eq!(anchors_of("bladder"), ["bladder"]);
    }

    #[test]
    fn a_decimal_point_does_not_end_a_sentence() {
        let words: Vec<Word> = ["it", "reads", "36", "7", "now"].map(word).into();
        let breaks = [
            Break::None,
            Break::None,
            Break::None,
            Break::Stop,
            Break::Stop,
        ];
        let got: Vec<_> = sentences(&words, &breaks).collect();
        assert_eq!(got, [0..4, 4..5]);
    }

    #[test]
    fn int8_cosines_are_within_a_hundredth_of_float_ones() {
        let mut a = [0f32; DIMS];
        let mut b = [0f32; DIMS];
        for i in 0..DIMS {
            a[i] = ((i * 7 % 13) as f32 - 6.0) / 6.0;
            b[i] = ((i * 5 % 11) as f32 - 5.0) / 5.0 + a[i] * 0.5;
        }
        let unit = |v: &mut [f32; DIMS]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter_mut().for_each(|x| *x /= n);
        };
        unit(&mut a);
        unit(&mut b);
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let (mut qa, mut qb) = (Vec::new(), Vec::new());
        let (sa, sb) = (quantize(&a, &mut qa), quantize(&b, &mut qb));
        let approx = dot_i8(&qa, &qb) as f32 * sa * sb;
        assert!((exact - approx).abs() < 0.01, "{exact} vs {approx}");
    }
}
