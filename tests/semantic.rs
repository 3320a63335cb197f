//! The semantic layer reads text as the model's own tokenizer does and
//! gives the cosines model2vec gives: checked against the reference that
//! data/make_static_vectors.py wrote with the Hugging Face tokenizer.

use backpain_bot::matcher::semantic;

/// Sentences with their token ids, and pairs of sentence numbers with
/// their cosine.
type Reference = (Vec<(String, Vec<u32>)>, Vec<(usize, usize, f64)>);

fn reference() -> Reference {
    let text = include_str!("../data/static-reference.txt");
    let (mut ids, mut cosines) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["ids", sentence, list] => ids.push((
                sentence.to_string(),
                list.split_whitespace()
                    .map(|n| n.parse().expect("a token id"))
                    .collect(),
            )),
            ["cos", a, b, c] => cosines.push((
                a.parse().expect("a sentence number"),
                b.parse().expect("a sentence number"),
                c.parse().expect("a cosine"),
            )),
            _ => {}
        }
    }
    (ids, cosines)
}

#[test]
fn token_ids_are_the_hugging_face_tokenizers() {
    let model = semantic::model().expect("the embedded vectors load");
    let (ids, _) = reference();
    assert!(ids.len() >= 10);
    for (sentence, expected) in ids {
        assert_eq!(model.token_ids(&sentence), expected, "{sentence:?}");
    }
}

/// Quantization to int8 moves a cosine by far less than this.
const COSINE_TOLERANCE: f64 = 0.01;

#[test]
fn cosines_are_model2vecs() {
    let model = semantic::model().expect("the embedded vectors load");
    let (ids, cosines) = reference();
    for (a, b, expected) in cosines {
        let (x, y) = (model.embed(&ids[a].0), model.embed(&ids[b].0));
        let got = match (x, y) {
            (Some(x), Some(y)) => x.cosine(&y),
            _ => panic!("no vector for {:?} or {:?}", ids[a].0, ids[b].0),
        };
        assert!(
            (got - expected).abs() <= COSINE_TOLERANCE,
            "{:?} vs {:?}: {got:.4}, model2vec {expected:.4}",
            ids[a].0,
            ids[b].0
        );
    }
}

#[test]
fn embedding_many_texts_at_once_gives_the_same_vectors() {
    let model = semantic::model().expect("the embedded vectors load");
    let texts = [
        "is acupuncture safe",
        "hw does acupresure wrk",
        "",
        "???",
        "page\u{c}break tab\there",
    ];
    let mut together: Vec<Option<Vec<f32>>> = Vec::new();
    model.embed_each(texts, |v| together.push(v.map(|v| v.to_vec())));
    assert_eq!(together.len(), texts.len());
    for (text, v) in texts.iter().zip(together) {
        let alone = model.embed(text);
        match (alone, v) {
            (Some(a), Some(b)) => {
                let cos: f32 = a.0.iter().zip(&b).map(|(x, y)| x * y).sum();
                assert!((cos - 1.0).abs() < 1e-5, "{text:?}");
            }
            (None, None) => {}
            (a, b) => panic!("{text:?}: {a:?} vs {b:?}"),
        }
    }
}
