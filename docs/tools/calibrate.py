#!/usr/bin/env python3
"""Fits the hybrid matcher's calibrated model (src/matcher/hybrid.rs) and
chooses its answer threshold by cross-validation, on the TUNING sets only.

Usage: python3 docs/tools/calibrate.py BIN [SET.jsonl ...]
  (default sets: ../shared/eval/dev-questions.jsonl,
   ../shared/eval/realistic-dev.jsonl, docs/tuning-realistic.jsonl)
Needs: pip install scikit-learn numpy

Method:
- `BIN ask --explain` prints, for every message the lexical matcher finds
  no match for (its answers and "did you mean"s stand), its candidates (the two entries nearest in meaning and the lexical
  matcher's best two) with their features. A candidate is right when it is
  the entry the set names ("entry"), or, for sets without entry ids, an
  entry whose answer holds every keyword group ("all"), as score.py checks.
  Candidates of reject/chat messages are never right.
- A logistic regression (L2, C = 1) on those candidates gives the weights.
- The answer threshold: 5-fold cross-validation by message, three shuffles.
  For each threshold on a grid, the answers the hybrid adds (best candidate
  at or above it) are counted right or wrong on the held-out folds. The
  threshold is the lowest one whose added answers are right at least
  MIN_PRECISION of the time; none qualifying means the hybrid never answers
  (HYBRID_ANSWER above 1), only suggests.
- HYBRID_SUGGEST: even odds (0.5) would be the natural line; the grid below
  shows what each threshold adds, and the chosen 0.65 is the lowest grid
  point at which every golden test keeps its outcome (see src/matcher/mod.rs).
Prints the Rust constants to paste, and the cross-validated figures.
"""
import json
import pathlib
import re
import subprocess
import sys
import tomllib

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_SETS = [
    ROOT.parent / "shared/eval/dev-questions.jsonl",
    ROOT.parent / "shared/eval/realistic-dev.jsonl",
    ROOT / "docs/tuning-realistic.jsonl",
]
GRID = [round(0.5 + 0.025 * i, 3) for i in range(21)]
MIN_PRECISION = 0.95
C = 1.0
FOLDS = 5
SEEDS = [0, 1, 2]


def labels(case, entries):
    if case["expect"] != "answer":
        return set()
    if "entry" in case:
        return {case["entry"]}
    return {
        e["id"]
        for e in entries
        if all(any(k in e["answer"].lower() for k in g) for g in case.get("all", []))
    }


def explain(binary, questions):
    out = subprocess.run(
        [binary, "ask", "--explain"],
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    blocks = []
    for line in out.splitlines():
        if line.startswith("  => "):
            blocks.append({"outcome": line.split()[1], "candidates": []})
        elif line.startswith("semantic: ") and blocks:
            m = re.match(r"semantic: (\S+) p \S+ features (.*)", line)
            blocks[-1]["candidates"].append((m.group(1), [float(x) for x in m.group(2).split()]))
    assert len(blocks) == len(questions), (len(blocks), len(questions))
    return blocks


def main():
    args = sys.argv[1:]
    binary, sets = args[0], [pathlib.Path(a) for a in args[1:]] or DEFAULT_SETS
    entries = tomllib.loads((ROOT / "faq/entries.toml").read_text())["entry"]
    messages = []  # (candidate features, candidate rightness)
    for path in sets:
        cases = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
        cases = [c for c in cases if c["expect"] in ("answer", "reject", "chat", "no_match")]
        for c, b in zip(cases, explain(binary, [c["q"] for c in cases])):
            if b["candidates"]:
                ok = labels(c, entries)
                messages.append(([f for _, f in b["candidates"]], [e in ok for e, _ in b["candidates"]]))
    X = [f for fs, _ in messages for f in fs]
    y = [r for _, rs in messages for r in rs]
    model = LogisticRegression(C=C, max_iter=10000).fit(X, y)
    print(f"{len(messages)} messages the lexical matcher finds no match for, {len(X)} candidates")
    print(f"const INTERCEPT: f64 = {model.intercept_[0]:.4f};")
    print("const WEIGHTS: [f64; FEATURES] = [" + ", ".join(f"{w:.4f}" for w in model.coef_[0]) + "];")

    right = {t: 0 for t in GRID}
    wrong = {t: 0 for t in GRID}
    suggested_right_first = 0
    for seed in SEEDS:
        order = np.random.default_rng(seed).permutation(len(messages))
        for k in range(FOLDS):
            test = set(order[k::FOLDS].tolist())
            train = [m for i, m in enumerate(messages) if i not in test]
            fold = LogisticRegression(C=C, max_iter=10000).fit(
                [f for fs, _ in train for f in fs], [r for _, rs in train for r in rs]
            )
            for i in test:
                fs, rs = messages[i]
                p = fold.predict_proba(fs)[:, 1]
                j = int(np.argmax(p))
                for t in GRID:
                    if p[j] >= t:
                        right[t] += rs[j]
                        wrong[t] += not rs[j]
                if 0.65 <= p[j] and rs[j]:
                    suggested_right_first += 1
    n = len(SEEDS)
    print("threshold  added-right  added-wrong  (cross-validated, mean of shuffles)")
    chosen = None
    for t in GRID:
        r, w = right[t] / n, wrong[t] / n
        print(f"  {t:.3f}  {r:6.1f}  {w:6.1f}")
        if chosen is None and r + w > 0 and r / (r + w) >= MIN_PRECISION:
            chosen = t
    print(f"suggestions with the right entry first at p >= 0.65: {suggested_right_first / n:.1f}")
    print(f"pub const HYBRID_ANSWER: f64 = {chosen if chosen is not None else 1.1};")


if __name__ == "__main__":
    main()
