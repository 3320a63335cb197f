//! The classifier: which entry a message's words point to, learnt each time
//! the content loads from the entries' phrasings and the members' messages
//! of `examples.toml` (a multinomial logistic regression over the matcher's
//! tokens and pairs of them, with one more class for the messages no entry
//! answers). The lexical matcher compares a message with a handful of
//! phrasings an entry; members word the same question in many more ways,
//! and the classifier reads all the ways the examples show at once.
//!
//! Besides words, it reads the message's meaning: the static sentence
//! vector of [`super::semantic`] is one more input ([`DENSE_WEIGHT`]), so
//! "is it relaxing? i get anxious easily" counts as near "can acupressure
//! help with stress" although they share no word. Words the entries never
//! use still decide against an answer: the vector only adds evidence.
//!
//! It answers only when it is very sure ([`ANSWER_P`]), offers its entry as
//! a "did you mean" when it is fairly sure ([`SUGGEST_P`]) and nothing else
//! was found, and is asked only when the lexical matcher gives no answer;
//! an entry's `must_mention` words still hold.

use rustc_hash::FxHashMap;

use super::index::QueryToken;
use super::semantic::{self, DIMS};

/// The probability at or above which the classifier's entry answers a
/// message the lexical matcher did not. Chosen by cross-validation
/// (`docs/tools/examples_cv.py`, docs/QUALITY.md): the most messages
/// answered right with at most one added wrong answer per hundred messages
/// over the examples' folds and the tuning sets.
pub const ANSWER_P: f64 = 0.925;

/// The probability at or above which the classifier's entry is offered as a
/// "did you mean" to a message nothing else matched: the lowest line at
/// which the offer is the right entry at least 4 times in 5 in the same
/// cross-validation (84% at 0.8, 79.7% at 0.7), about as often as the
/// lexical matcher's own suggestions are right. Below it: "I don't have an
/// answer".
pub const SUGGEST_P: f64 = 0.8;

/// Passes over the training messages. Ten answer as many messages right
/// per wrong one as twenty or forty did in the cross-validation, at half
/// the reload time of twenty (tens of milliseconds on the shipped content).
const EPOCHS: usize = 10;

/// The first step size, shrinking as 1 / (1 + pass).
const STEP: f32 = 0.5;

/// A class whose share of a training message is off by less than this
/// takes no step on it (a step that small moves nothing a threshold of
/// 0.925 could see).
const SETTLED: f32 = 1e-3;

/// How strongly weights are pulled back to zero on each step they take
/// part in: a little, so that a word seen in one example does not decide
/// alone.
const DECAY: f32 = 1e-4;

/// The fewest messages a feature must appear in to be learnt: one seen
/// once (most pairs of words are) would only learn its one message, and
/// would cost a row of weights each (a third of the memory).
const MIN_DOCS: u32 = 2;

/// How much the message's sentence vector counts beside its words: its
/// entries are scaled by this before they are weighed, so the vector's
/// weights learn faster, as one strong feature should. Chosen with
/// [`ANSWER_P`] by the same cross-validation: at the budget of wrong
/// answers, 2 answered 3019 of 4362 messages right (at 0.9), 3 answered
/// 3102 (at 0.925), 4 answered 3042 (at 0.975).
const DENSE_WEIGHT: f32 = 3.0;

/// The most entries a classifier is trained for: its weights are a row of
/// one number per entry for each distinct word, so a catalog of thousands
/// of entries would cost megabytes and seconds at every reload. Larger
/// catalogs match by words and meaning alone.
pub const MAX_ENTRIES: usize = 1_000;

/// A trained classifier.
pub(crate) struct Classifier {
    /// Feature (token or pair of tokens) to its row.
    features: FxHashMap<String, u32>,
    /// `classes` weights per feature, row after row.
    weights: Vec<f32>,
    /// [`DIMS`] weights per class, class after class: how each class
    /// weighs the sentence vector.
    dense: Vec<f32>,
    bias: Vec<f32>,
    /// The entries, then one class for messages no entry answers.
    classes: usize,
}

/// The training messages' sentence vectors, one row a message, as int8
/// with a scale each (a quarter of the memory of floats, and the vectors
/// come from int8 rows anyway); a message without one has scale 0.
#[derive(Default)]
pub(crate) struct DenseRows {
    rows: Vec<i8>,
    scales: Vec<f32>,
}

impl DenseRows {
    /// Adds the next message's vector (or its absence).
    pub fn push(&mut self, v: Option<&[f32; DIMS]>) {
        let (row, scale) = v.map_or(([0i8; DIMS], 0.0), semantic::quantize);
        self.rows.extend_from_slice(&row);
        self.scales.push(scale);
    }

    /// Message `d`'s vector, times [`DENSE_WEIGHT`], into `out`; `false`
    /// when it has none.
    fn read(&self, d: usize, out: &mut [f32; DIMS]) -> bool {
        let (Some(&scale), Some(row)) =
            (self.scales.get(d), self.rows.get(d * DIMS..(d + 1) * DIMS))
        else {
            return false;
        };
        if scale == 0.0 {
            return false;
        }
        let scale = scale * DENSE_WEIGHT;
        for (o, &q) in out.iter_mut().zip(row) {
            *o = f32::from(q) * scale;
        }
        true
    }
}

/// What the classifier thinks of a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Verdict {
    /// The entry it points to, or `None` for "no entry answers it".
    pub entry: Option<usize>,
    pub p: f64,
}

impl Classifier {
    /// Trains on `docs`: each message's features ([`features`]) and its
    /// entry (`None`: no entry answers it), with its sentence vector in
    /// `vectors` (same order; none at all turns the vector off), for a
    /// catalog of `entries` entries.
    pub fn train(
        docs: &[(Vec<String>, Option<usize>)],
        vectors: &DenseRows,
        entries: usize,
    ) -> Classifier {
        let classes = entries + 1;
        let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
        for (names, _) in docs {
            for name in names {
                *seen.entry(name).or_default() += 1;
            }
        }
        let mut features: FxHashMap<String, u32> = FxHashMap::default();
        let rows: Vec<(Vec<u32>, usize)> = docs
            .iter()
            .map(|(names, entry)| {
                let ids = names
                    .iter()
                    .filter(|name| seen.get(name.as_str()).is_some_and(|&n| n >= MIN_DOCS))
                    .map(|name| {
                        let next = features.len() as u32;
                        *features.entry(name.clone()).or_insert(next)
                    })
                    .collect();
                (ids, entry.unwrap_or(entries))
            })
            .collect();
        let mut c = Classifier {
            weights: vec![0.0; features.len() * classes],
            dense: vec![0.0; classes * DIMS],
            bias: vec![0.0; classes],
            features,
            classes,
        };
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut p = vec![0f32; classes];
        let mut x = [0f32; DIMS];
        for pass in 0..EPOCHS {
            shuffle(&mut order, &mut seed);
            let step = STEP / (1.0 + pass as f32);
            for &d in &order {
                let (ids, class) = &rows[d];
                let dense = vectors.read(d, &mut x);
                c.probabilities(ids, dense.then_some(&x), &mut p);
                p[*class] -= 1.0;
                for (b, g) in c.bias.iter_mut().zip(&p) {
                    *b -= step * g;
                }
                // Most classes' share is already near zero for a message
                // after the first passes: their weights are left as they
                // are, which is most of the work saved.
                let moving: Vec<(usize, f32)> = p
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.abs() > SETTLED)
                    .map(|(k, &g)| (k, g))
                    .collect();
                for &f in ids {
                    let row = &mut c.weights[f as usize * classes..(f as usize + 1) * classes];
                    for &(k, g) in &moving {
                        row[k] -= step * (g + DECAY * row[k]);
                    }
                }
                if dense {
                    for &(k, g) in &moving {
                        let row = &mut c.dense[k * DIMS..(k + 1) * DIMS];
                        for (w, &xi) in row.iter_mut().zip(&x) {
                            *w -= step * (g * xi + DECAY * *w);
                        }
                    }
                }
            }
        }
        c
    }

    /// The most likely class of a message, from its tokens and its
    /// sentence vector (unit length, as [`semantic::Model::embed`] gives
    /// it), and its probability.
    pub fn classify(&self, tokens: &[QueryToken], vector: Option<&[f32; DIMS]>) -> Verdict {
        let p = self.shares(&features(tokens), vector);
        let (best, &pb) = p
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((self.classes - 1, &0.0));
        Verdict {
            entry: (best + 1 < self.classes).then_some(best),
            p: f64::from(pb),
        }
    }

    /// Each class's share of a message given by its features' names (as
    /// [`features_of`] gives them) and its sentence vector.
    pub fn shares(&self, names: &[String], vector: Option<&[f32; DIMS]>) -> Vec<f32> {
        let ids: Vec<u32> = names
            .iter()
            .filter_map(|name| self.features.get(name).copied())
            .collect();
        let x = vector.map(|v| {
            let mut x = *v;
            x.iter_mut().for_each(|xi| *xi *= DENSE_WEIGHT);
            x
        });
        let mut p = vec![0f32; self.classes];
        self.probabilities(&ids, x.as_ref(), &mut p);
        p
    }

    /// What weighs most for class `class` against the last class (the
    /// "none of them" one) in a message: its features' names, and `None`
    /// standing for the sentence vector, with how much each adds, largest
    /// first, those that add something only.
    pub fn leaning(
        &self,
        names: &[String],
        vector: Option<&[f32; DIMS]>,
        class: usize,
    ) -> Vec<(Option<String>, f32)> {
        let (k, none) = (class, self.classes - 1);
        let mut out: Vec<(Option<String>, f32)> = names
            .iter()
            .filter_map(|name| {
                let f = *self.features.get(name)? as usize;
                let row = self.weights.get(f * self.classes..(f + 1) * self.classes)?;
                Some((
                    Some(name.replace('\u{1}', " ")),
                    row.get(k)? - row.get(none)?,
                ))
            })
            .collect();
        if let (Some(v), Some(a), Some(b)) = (
            vector,
            self.dense.get(k * DIMS..(k + 1) * DIMS),
            self.dense.get(none * DIMS..(none + 1) * DIMS),
        ) {
            let lean: f32 = a.iter().zip(b).zip(v).map(|((a, b), x)| (a - b) * x).sum();
            out.push((None, lean * DENSE_WEIGHT));
        }
        out.retain(|(_, w)| *w > 0.0);
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// The softmax of the scores of a message with features `ids` and
    /// scaled sentence vector `x`, into `p`.
    fn probabilities(&self, ids: &[u32], x: Option<&[f32; DIMS]>, p: &mut [f32]) {
        p.copy_from_slice(&self.bias);
        if let Some(x) = x {
            for (s, row) in p.iter_mut().zip(self.dense.chunks_exact(DIMS)) {
                if let Ok(row) = <&[f32; DIMS]>::try_from(row) {
                    *s += semantic::dot(row, x);
                }
            }
        }
        for &f in ids {
            let row = &self.weights[f as usize * self.classes..(f as usize + 1) * self.classes];
            for (s, w) in p.iter_mut().zip(row) {
                *s += w;
            }
        }
        let max = p.iter().copied().fold(f32::MIN, f32::max);
        let mut sum = 0.0;
        for s in p.iter_mut() {
            *s = (*s - max).exp();
            sum += *s;
        }
        for s in p.iter_mut() {
            *s /= sum;
        }
    }
}

/// A message's features, each once: each token, and each pair of
/// neighbouring tokens ("side effect" says more than "side" and "effect").
pub(crate) fn features(tokens: &[QueryToken]) -> Vec<String> {
    let tokens: Vec<&str> = tokens.iter().map(|t| t.token.as_str()).collect();
    features_of(&tokens)
}

/// [`features`] of any sequence of words.
pub(crate) fn features_of(tokens: &[&str]) -> Vec<String> {
    let singles = tokens.iter().map(|&t| t.to_owned());
    let pairs = tokens.windows(2).map(|w| format!("{}\u{1}{}", w[0], w[1]));
    let mut names: Vec<String> = singles.chain(pairs).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A Fisher-Yates shuffle by a fixed xorshift sequence: training gives the
/// same weights on every machine and every load.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<QueryToken> {
        text.split_whitespace()
            .map(|t| QueryToken {
                token: t.to_owned(),
                id: None,
                weight: 1.0,
                discount: 1.0,
            })
            .collect()
    }

    /// The sentence vector is evidence of its own: a message that shares
    /// no word with the training messages goes where its vector points.
    #[test]
    fn the_sentence_vector_carries_meaning_the_words_do_not() {
        let axis = |i: usize| {
            let mut v = [0f32; DIMS];
            v[i] = 1.0;
            v
        };
        let docs: Vec<(Vec<String>, Option<usize>)> = [
            ("needl hurt", Some(0)),
            ("needl sting", Some(0)),
            ("outfit wear", Some(1)),
            ("wear cloth", Some(1)),
        ]
        .iter()
        .map(|(t, e)| (features(&tokens(t)), *e))
        .collect();
        let mut vectors = DenseRows::default();
        for (_, e) in &docs {
            vectors.push(Some(&axis(e.unwrap_or(2))));
        }
        let c = Classifier::train(&docs, &vectors, 2);
        for class in [0, 1] {
            let v = c.classify(&tokens("unseen words"), Some(&axis(class)));
            assert_eq!(v.entry, Some(class), "{v:?}");
        }
        // Without its vector the same message points nowhere in particular.
        let blind = c.classify(&tokens("unseen words"), None);
        assert!(blind.p < 0.9, "{blind:?}");
    }

    #[test]
    fn it_learns_which_words_point_to_which_entry_and_what_no_entry_answers() {
        let docs: Vec<(Vec<String>, Option<usize>)> = [
            ("needl hurt", Some(0)),
            ("needl sting", Some(0)),
            ("sting hurt", Some(0)),
            ("outfit wear", Some(1)),
            ("wear cloth", Some(1)),
            ("outfit cloth", Some(1)),
            ("kid neck", None),
            ("neck kid", None),
        ]
        .iter()
        .map(|(t, e)| (features(&tokens(t)), *e))
        .collect();
        let c = Classifier::train(&docs, &DenseRows::default(), 2);
        assert_eq!(c.classify(&tokens("needl sting bad"), None).entry, Some(0));
        assert_eq!(c.classify(&tokens("outfit"), None).entry, Some(1));
        assert_eq!(c.classify(&tokens("kid"), None).entry, None);
        let v = c.classify(&tokens("unseen words only"), None);
        assert!(v.p < 0.9, "{v:?}");
    }
}
