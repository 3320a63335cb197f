//! The semantic side of matching: every phrasing's vector, the entries a
//! question is semantically nearest to, and the calibrated model that turns
//! semantic and lexical evidence about one entry into the probability that
//! it is the right answer.
//!
//! The semantic layer proposes; the lexical evidence decides. A question the
//! lexical matcher answers is answered as before. For one it does not, the
//! entries nearest in meaning and the best lexical ones are weighed by
//! [`probability`], a logistic model fitted by `docs/tools/calibrate.py` on
//! the tuning sets (docs/QUALITY.md has the method and the figures).

use super::semantic::{self, quantize, Model, DIMS};

/// Catalogs with at most this many phrasings are scanned whole, every
/// phrasing with its own vector: at the shipped size (about 350) a scan
/// costs a few microseconds. Larger ones keep one vector an entry, its
/// question's (80,000 phrasing vectors would take 20 MB and 200 ms of a
/// 10,000-entry reload, past its budget), and a question only compares the
/// entries the lexical matcher gathered for it (those holding one of its
/// words), at most [`MAX_SEMANTIC_ENTRIES`].
pub const FULL_SCAN_PHRASINGS: usize = 4_096;

/// At most this many entries are compared semantically in a catalog too
/// large to scan whole (see [`FULL_SCAN_PHRASINGS`]): a thousand vectors,
/// a few tens of microseconds.
pub const MAX_SEMANTIC_ENTRIES: usize = 1_000;

/// Every phrasing's vector, quantized to int8 (a quarter of the memory of
/// floats: 256 bytes a phrasing), grouped by entry.
pub struct SemanticIndex {
    rows: Vec<i8>,
    scales: Vec<f32>,
    /// The rows of entry `e` are `starts[e]..starts[e + 1]`.
    starts: Vec<u32>,
}

/// A question's vector, quantized like the phrasings'.
pub struct QueryVector {
    row: [i8; DIMS],
    scale: f32,
}

impl SemanticIndex {
    /// The vectors of every entry's question and alternates.
    pub fn build(model: &Model, phrasings: &[Vec<&str>]) -> SemanticIndex {
        let texts = phrasings.iter().flat_map(|p| p.iter().copied());
        let total: usize = phrasings.iter().map(Vec::len).sum();
        let mut rows = Vec::with_capacity(total * DIMS);
        let mut scales = Vec::with_capacity(total);
        // Which rows are real: a phrasing with no known token has none.
        let mut has_row = Vec::with_capacity(total);
        model.embed_each(texts, |v| {
            has_row.push(v.is_some());
            if let Some(v) = v {
                let (row, scale) = quantize(v);
                rows.extend_from_slice(&row);
                scales.push(scale);
            }
        });
        let mut starts = Vec::with_capacity(phrasings.len() + 1);
        starts.push(0u32);
        let mut next = 0u32;
        let mut flags = has_row.into_iter();
        for entry in phrasings {
            next += flags.by_ref().take(entry.len()).filter(|&h| h).count() as u32;
            starts.push(next);
        }
        SemanticIndex {
            rows,
            scales,
            starts,
        }
    }

    /// How many phrasing vectors the index holds.
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    /// Entry `e`'s best cosine with the question, or `None` when it has no
    /// phrasing vector.
    pub fn entry_cosine(&self, q: &QueryVector, e: usize) -> Option<f64> {
        let (start, end) = (
            *self.starts.get(e)? as usize,
            *self.starts.get(e + 1)? as usize,
        );
        (start..end)
            .map(|r| {
                let row = &self.rows[r * DIMS..(r + 1) * DIMS];
                f64::from(dot_i8(&q.row, row)) * f64::from(q.scale) * f64::from(self.scales[r])
            })
            .reduce(f64::max)
    }

    /// The number of entries.
    pub fn entries(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
}

/// How many characters of a question the semantic layer reads. A
/// sentence vector is a mean, so in a long message the part that asks is
/// diluted by the rest anyway; the tuning sets' longest message has 110
/// characters; and reading 300 of hostile text, not 500, keeps the
/// 100,000-line hostile run near its budget (docs/PERFORMANCE.md).
pub const MAX_SEMANTIC_CHARS: usize = 300;

/// A question's quantized vector (of its first [`MAX_SEMANTIC_CHARS`]
/// characters), or `None` when it has no known token.
pub fn query(text: &str) -> Option<QueryVector> {
    let v = semantic::model()?.embed(super::truncate(text, MAX_SEMANTIC_CHARS))?;
    let (row, scale) = quantize(&v.0);
    Some(QueryVector { row, scale })
}

/// The int8 dot product, in sixteen lanes so the compiler vectorizes it.
fn dot_i8(a: &[i8; DIMS], b: &[i8]) -> i32 {
    let mut lanes = [0i32; 16];
    for (ca, cb) in a.chunks_exact(16).zip(b.chunks_exact(16)) {
        for i in 0..16 {
            lanes[i] += i32::from(ca[i]) * i32::from(cb[i]);
        }
    }
    lanes.iter().sum()
}

/// What is known about one candidate entry for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// The entry's best cosine with the question.
    pub cosine: f64,
    /// How far below the best cosine of any entry it is (0 for the best).
    pub cosine_gap: f64,
    /// The lexical confidence of the entry (0 when it shares no word).
    pub lexical: f64,
    /// Its lexical recall and precision.
    pub recall: f64,
    pub precision: f64,
    /// Whether it is the semantically nearest entry.
    pub nearest: bool,
    /// Whether it is the lexical matcher's best entry.
    pub lexical_best: bool,
    /// The share of the question's weight in words the content never uses.
    pub unknown_share: f64,
    /// How rare the rarest of those words is: its weight relative to a
    /// word English never uses (0 when the content knows every word).
    pub strongest_unknown: f64,
    /// How many words the content never uses, up to five, over five.
    pub unknown_words: f64,
}

/// The logistic model's intercept and weights, in the order of
/// [`Evidence::features`]: fitted by `docs/tools/calibrate.py` (L2, C = 1,
/// on the tuning sets' messages the lexical matcher does not answer).
const INTERCEPT: f64 = -5.9267;
const WEIGHTS: [f64; FEATURES] = [
    1.9490, -0.7205, 2.3977, 0.7862, 2.6226, 1.0010, 0.8172, -0.0279, -0.1915, 0.8822,
];

/// How many features [`Evidence::features`] gives.
const FEATURES: usize = 10;

impl Evidence {
    /// The features the calibrated model weighs.
    pub fn features(&self) -> [f64; FEATURES] {
        [
            self.cosine,
            self.cosine_gap,
            self.lexical,
            self.recall,
            self.precision,
            f64::from(u8::from(self.nearest)),
            f64::from(u8::from(self.lexical_best)),
            self.unknown_share,
            self.strongest_unknown,
            self.unknown_words,
        ]
    }

    /// The calibrated probability that this entry answers the question.
    pub fn probability(&self) -> f64 {
        let z: f64 = INTERCEPT
            + self
                .features()
                .iter()
                .zip(WEIGHTS)
                .map(|(x, w)| x * w)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Matcher::weigh` skips questions with no word the content uses: with
    /// no lexical evidence, even a perfect cosine and every other feature
    /// at its most favourable stays below a "did you mean".
    #[test]
    fn no_lexical_evidence_never_reaches_a_suggestion() {
        let mut best = 0f64;
        for nearest in [false, true] {
            for unknown_share in [0.0, 1.0] {
                for strongest_unknown in [0.0, 1.0] {
                    for unknown_words in [0.0, 1.0] {
                        let e = Evidence {
                            cosine: 1.0,
                            cosine_gap: 0.0,
                            lexical: 0.0,
                            recall: 0.0,
                            precision: 0.0,
                            nearest,
                            lexical_best: false,
                            unknown_share,
                            strongest_unknown,
                            unknown_words,
                        };
                        best = best.max(e.probability());
                    }
                }
            }
        }
        assert!(best < crate::matcher::HYBRID_SUGGEST, "{best}");
    }
}
