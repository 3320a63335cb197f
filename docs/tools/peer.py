#!/usr/bin/env python3
"""The peer row of docs/QUALITY.md: a plain embedding retriever over the
same faq/, with the committed static vectors alone (data/static-*), scored
like score.py at its best threshold chosen with hindsight per set.

Usage: python3 docs/tools/peer.py SET.jsonl [...]
Needs: pip install numpy tokenizers

Each message goes to the entry whose question or alternate has the highest
cosine with it; it is answered when that cosine reaches the threshold. For
each set the threshold that answers most in-domain messages correctly with
at most as many wrong answers as the limit (`--max-wrong`, default: no
limit, then the threshold with the most right answers) is reported, with
the figures at a few fixed thresholds.
"""
import argparse
import json
import pathlib
import struct
import tomllib

import numpy as np
from tokenizers import BertWordPieceTokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_vectors():
    data = (ROOT / "data/static-vectors.bin").read_bytes()
    rows, dims = struct.unpack("<II", data[4:12])
    scale = np.frombuffer(data, dtype="<f4", count=rows, offset=12)
    q = np.frombuffer(data, dtype=np.int8, count=rows * dims, offset=12 + 4 * rows)
    return q.reshape(rows, dims).astype(np.float32) * scale[:, None]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--max-wrong", type=int, default=None)
    args = parser.parse_args()
    vectors = load_vectors()
    # The distilled vocabulary keeps [UNK] and [PAD] only; the special tokens
    # a BERT tokenizer wants are never added here (add_special_tokens=False).
    tok = BertWordPieceTokenizer(
        str(ROOT / "data/static-vocab.txt"), lowercase=True,
        sep_token="[UNK]", cls_token="[UNK]", mask_token="[UNK]",
    )
    unk = tok.token_to_id("[UNK]")

    def embed(texts):
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        for i, enc in enumerate(tok.encode_batch(texts, add_special_tokens=False)):
            ids = [t for t in enc.ids if t != unk]
            if ids:
                v = vectors[ids].mean(0)
                out[i] = v / (np.linalg.norm(v) + 1e-12)
        return out

    entries = tomllib.loads((ROOT / "faq/entries.toml").read_text())["entry"]
    texts, owner = [], []
    for i, e in enumerate(entries):
        for t in [e["question"]] + e["alternates"]:
            texts.append(t)
            owner.append(i)
    owner = np.array(owner)
    E = embed(texts)
    for path in args.sets:
        cases = [json.loads(l) for l in pathlib.Path(path).read_text().splitlines() if l.strip()]
        Q = embed([c["q"] for c in cases])
        S = Q @ E.T
        best = []
        for c, s in zip(cases, S):
            per = np.full(len(entries), -1.0)
            np.maximum.at(per, owner, s)
            e = int(per.argmax())
            answer = entries[e]["answer"].lower()
            keys = all(any(k in answer for k in g) for g in c.get("all", []))
            best.append((float(per[e]), c["expect"], keys))
        n = sum(1 for _, x, _ in best if x == "answer")
        table = []
        for t in np.arange(0.30, 0.96, 0.01):
            right = sum(1 for s, x, k in best if s >= t and x == "answer" and k)
            wrong = sum(
                1 for s, x, k in best
                if s >= t and (x in ("reject", "no_match", "chat") or (x == "answer" and not k))
            )
            table.append((round(float(t), 2), right, wrong))
        allowed = [r for r in table if args.max_wrong is None or r[2] <= args.max_wrong]
        t, right, wrong = max(allowed, key=lambda r: (r[1], -r[2])) if allowed else (None, 0, 0)
        name = pathlib.Path(path).name
        print(f"{name}: best threshold {t}: answer {right}/{n}, wrong answers {wrong}")
        for row in table:
            if row[0] in (0.5, 0.6, 0.7, 0.8, 0.9):
                print(f"  at {row[0]:.2f}: answer {row[1]}/{n}, wrong {row[2]}")


if __name__ == "__main__":
    main()
