//! The semantic layer: static token vectors distilled from a sentence
//! embedding model (data/make_static_vectors.py), the WordPiece reading that
//! turns text into their rows, and the sentence vectors made from them.
//!
//! A sentence's vector is the mean of its tokens' vectors, as Model2Vec
//! computes it: the text is read as the model's tokenizer reads it
//! (BERT's normalizer and pre-tokenizer, then WordPiece), with no special
//! tokens and unknown tokens left out. `tests/semantic.rs` checks the token
//! ids and cosines against the reference the script wrote with the Hugging
//! Face tokenizer and model2vec.
//!
//! The data is embedded in the binary and read in place: the vectors stay
//! int8 (7.7 MB of the binary's read-only pages, touched only where a
//! question's tokens are), and the model is built once per process.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use unicode_categories::UnicodeCategories;
use unicode_normalization::UnicodeNormalization;

/// The committed vocabulary, one WordPiece token a line in row order.
static VOCAB: &str = include_str!("../../data/static-vocab.txt");
/// The committed vectors: "BPSV", rows, dims, row scales, int8 rows.
static VECTORS: &[u8] = include_bytes!("../../data/static-vectors.bin");

/// Dimensions of a vector (the script's PCA target).
pub const DIMS: usize = 256;

/// Words longer than this are not looked up: WordPiece tries every prefix
/// of a word, so its cost grows with the square of the length (465 lookups
/// at 30 characters, about 20 µs), and hardly an English word is longer
/// ("antidisestablishmentarianism" has 28). A longer word is left out of
/// the sentence's vector, as an unknown token is.
const MAX_WORD_CHARS: usize = 30;

/// How many tokens of a text are read, at most. A question is cut to 500
/// characters before it gets here, a phrasing is a sentence: this only
/// bounds a text made of single characters.
const MAX_TOKENS: usize = 256;

/// The vectors and the tokenizer, built once.
pub struct Model {
    /// Word-initial pieces, and continuing pieces without their `##`,
    /// borrowed from the embedded vocabulary.
    heads: FxHashMap<&'static str, u32>,
    tails: FxHashMap<&'static str, u32>,
    /// The longest piece, in bytes: no longer part of a word can match, so
    /// WordPiece need not try one (the same tokens, a fraction of the
    /// lookups in a long word).
    longest: usize,
    scales: Vec<f32>,
    rows: &'static [u8],
}

/// The model, built on first use; `None` if the embedded data were
/// malformed (a test makes sure they are not), and matching then goes on
/// lexically.
pub fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL.get_or_init(Model::load).as_ref()
}

impl Model {
    fn load() -> Option<Model> {
        let header = VECTORS.get(..12)?;
        if &header[..4] != b"BPSV" {
            return None;
        }
        let rows = u32::from_le_bytes(header[4..8].try_into().ok()?) as usize;
        let dims = u32::from_le_bytes(header[8..12].try_into().ok()?) as usize;
        if dims != DIMS {
            return None;
        }
        let scales_end = 12 + 4 * rows;
        let scales: Vec<f32> = VECTORS
            .get(12..scales_end)?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let data = VECTORS.get(scales_end..scales_end + rows * dims)?;
        let (mut heads, mut tails) = (FxHashMap::default(), FxHashMap::default());
        let mut count = 0usize;
        for (id, token) in VOCAB.lines().enumerate() {
            let id = u32::try_from(id).ok()?;
            match token.strip_prefix("##") {
                Some(tail) if !tail.is_empty() => tails.insert(tail, id),
                _ => heads.insert(token, id),
            };
            count += 1;
        }
        if count != rows {
            return None;
        }
        let longest = heads.keys().chain(tails.keys()).map(|p| p.len()).max()?;
        Some(Model {
            heads,
            tails,
            longest,
            scales,
            rows: data,
        })
    }

    /// The token ids of a text, as model2vec reads it.
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        for_each_word(text, |word| {
            if ids.len() >= MAX_TOKENS {
                return false;
            }
            self.word_ids(word, &mut ids);
            true
        });
        ids.truncate(MAX_TOKENS);
        ids
    }

    /// Appends the ids of one pre-tokenized word: WordPiece, longest piece
    /// first from the left, as the Hugging Face tokenizer does. A word with
    /// a part no piece covers, or longer than [`MAX_WORD_CHARS`], is the
    /// unknown token, which model2vec leaves out: nothing is appended.
    fn word_ids(&self, word: &str, ids: &mut Vec<u32>) {
        if word.chars().count() > MAX_WORD_CHARS {
            return;
        }
        let first = ids.len();
        let mut start = 0;
        while start < word.len() {
            let pieces = if start == 0 { &self.heads } else { &self.tails };
            let mut end = word.len().min(start + self.longest);
            while !word.is_char_boundary(end) {
                end -= 1;
            }
            let found = loop {
                if end <= start {
                    break None;
                }
                if let Some(&id) = word.get(start..end).and_then(|p| pieces.get(p)) {
                    break Some(id);
                }
                end -= word[..end].chars().next_back().map_or(1, char::len_utf8);
            };
            let Some(id) = found else {
                ids.truncate(first);
                return;
            };
            ids.push(id);
            start = end;
        }
    }

    /// The ids of one pre-tokenized word ([`Model::word_ids`]).
    fn ids_of(&self, word: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        self.word_ids(word, &mut ids);
        ids
    }

    /// Adds row `id`'s vector to `sum`.
    fn add_row(&self, id: u32, sum: &mut [f32; DIMS]) {
        let id = id as usize;
        let (Some(&scale), Some(row)) = (
            self.scales.get(id),
            self.rows.get(id * DIMS..(id + 1) * DIMS),
        ) else {
            return;
        };
        for (s, &q) in sum.iter_mut().zip(row) {
            *s += f32::from(q as i8) * scale;
        }
    }

    /// A text's unit vector, or `None` when it has no known token.
    pub fn embed(&self, text: &str) -> Option<Vector> {
        let ids = self.token_ids(text);
        let mut sum = [0f32; DIMS];
        for &id in &ids {
            self.add_row(id, &mut sum);
        }
        Vector::unit(sum)
    }

    /// A text's unit vector, as [`Model::embed`] gives it, with each
    /// distinct word's WordPiece ids kept in `words` for the next text:
    /// what a table of thousands of sentences sharing their words is built
    /// with (ids, not vectors, so the cache stays small).
    pub fn embed_cached(
        &self,
        text: &str,
        words: &mut FxHashMap<String, Vec<u32>>,
    ) -> Option<Vector> {
        let mut sum = [0f32; DIMS];
        let mut count = 0usize;
        for_each_word(text, |word| {
            if count >= MAX_TOKENS {
                return false;
            }
            if !words.contains_key(word) {
                words.insert(word.to_owned(), self.ids_of(word));
            }
            for &id in words.get(word).into_iter().flatten() {
                if count >= MAX_TOKENS {
                    break;
                }
                self.add_row(id, &mut sum);
                count += 1;
            }
            true
        });
        Vector::unit(sum)
    }

    /// The unit vector of each of many texts, passed to `each` in order
    /// (`None` for a text with no known token), reading each distinct word
    /// once and reusing one buffer: a catalog of 10,000 entries has about
    /// 80,000 phrasings but far fewer distinct words, and their vectors
    /// need not all be held at once.
    pub fn embed_each<'t>(
        &self,
        texts: impl IntoIterator<Item = &'t str>,
        mut each: impl FnMut(Option<&[f32; DIMS]>),
    ) {
        let mut cache: FxHashMap<String, ([f32; DIMS], usize)> = FxHashMap::default();
        let mut sum = [0f32; DIMS];
        for text in texts {
            sum.fill(0.0);
            let mut count = 0usize;
            for_each_word(text, |word| {
                if count >= MAX_TOKENS {
                    return false;
                }
                if !cache.contains_key(word) {
                    let ids = self.ids_of(word);
                    let mut s = [0f32; DIMS];
                    for &id in &ids {
                        self.add_row(id, &mut s);
                    }
                    cache.insert(word.to_owned(), (s, ids.len()));
                }
                if let Some((word_sum, n)) = cache.get(word) {
                    for (a, b) in sum.iter_mut().zip(word_sum.iter()) {
                        *a += b;
                    }
                    count += *n;
                }
                true
            });
            each(normalize(&mut sum).then_some(&sum));
        }
    }
}

/// Scales `v` to length 1; `false` (and `v` unchanged) when it is zero.
fn normalize(v: &mut [f32; DIMS]) -> bool {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm <= f32::EPSILON {
        return false;
    }
    for x in v.iter_mut() {
        *x /= norm;
    }
    true
}

/// A unit vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector(pub Box<[f32; DIMS]>);

impl Vector {
    /// `sum` scaled to length 1 (the mean's direction is the sum's), or
    /// `None` when it is zero.
    fn unit(mut sum: [f32; DIMS]) -> Option<Vector> {
        normalize(&mut sum).then(|| Vector(Box::new(sum)))
    }

    /// The cosine of two unit vectors.
    pub fn cosine(&self, other: &Vector) -> f64 {
        f64::from(dot(&self.0, &other.0))
    }
}

/// Max-abs quantization to int8: value j is `row[j] * scale`. The
/// phrasings' and questions' vectors of the semantic layer, the safety
/// net's rows and the classifier's training vectors are all kept this way.
pub(crate) fn quantize(v: &[f32; DIMS]) -> ([i8; DIMS], f32) {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let mut row = [0i8; DIMS];
    for (q, x) in row.iter_mut().zip(v) {
        *q = (x / scale).round().clamp(-127.0, 127.0) as i8;
    }
    (row, scale)
}

/// The dot product, in eight lanes so the compiler vectorizes it.
pub fn dot(a: &[f32; DIMS], b: &[f32; DIMS]) -> f32 {
    let mut lanes = [0f32; 8];
    for (ca, cb) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for i in 0..8 {
            lanes[i] += ca[i] * cb[i];
        }
    }
    lanes.iter().sum()
}

/// Calls `f` with each word of `text` as BERT's normalizer and
/// pre-tokenizer produce them: control characters dropped, CJK characters
/// on their own, accents stripped, lowercase, split at whitespace, every
/// punctuation character a word of its own. Stops when `f` says `false`.
fn for_each_word(text: &str, mut f: impl FnMut(&str) -> bool) {
    let mut word = String::new();
    let flush = |word: &mut String, f: &mut dyn FnMut(&str) -> bool| -> bool {
        let go_on = word.is_empty() || f(word);
        word.clear();
        go_on
    };
    for c in text.chars() {
        // Most text is ASCII: its classes need no Unicode table.
        if c.is_ascii() {
            if c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r') {
                // BERT drops control characters (joining what is around
                // them), keeping tab and newlines as whitespace.
            } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !flush(&mut word, &mut f) {
                    return;
                }
            } else if c.is_ascii_punctuation() {
                if !flush(&mut word, &mut f) {
                    return;
                }
                word.push(c);
                if !flush(&mut word, &mut f) {
                    return;
                }
            } else {
                word.push(c.to_ascii_lowercase());
            }
            continue;
        }
        if c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if c.is_whitespace() {
            if !flush(&mut word, &mut f) {
                return;
            }
            continue;
        }
        if is_chinese(c) || c.is_ascii_punctuation() || c.is_punctuation() {
            if !flush(&mut word, &mut f) {
                return;
            }
            word.push(c);
            if !flush(&mut word, &mut f) {
                return;
            }
            continue;
        }
        // Strip accents (decompose, drop nonspacing marks), then lowercase.
        for d in c.nfd().filter(|d| !d.is_mark_nonspacing()) {
            word.extend(d.to_lowercase());
        }
    }
    flush(&mut word, &mut f);
}

/// BERT's control characters: Unicode's "other" categories, but not the
/// whitespace controls.
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// The CJK ideographs BERT sets apart as words of their own.
fn is_chinese(c: char) -> bool {
    matches!(
        c as u32,
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}
