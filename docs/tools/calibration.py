#!/usr/bin/env python3
"""Reliability table for docs/QUALITY.md: how often the best entry is right,
by confidence band, over the golden cases in tests/golden.rs.

Usage: python3 docs/tools/calibration.py target/release/backpain-bot
"""
import json, pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parents[2]
src = (root / "tests" / "golden.rs").read_text()
cases = re.findall(r'\(\s*"((?:[^"\\]|\\.)*)",\s*(Answer|Suggest|SuggestAny|NoMatch)(?:\("([^"]+)"\))?,?\s*\)', src)
out = subprocess.run([sys.argv[1], "ask", "--json"], input="".join(q + "\n" for q, _, _ in cases),
                     capture_output=True, text=True, check=True, cwd=root).stdout.splitlines()
bands = [(0.9, 1.01), (0.8, 0.9), (0.7, 0.8), (0.6, 0.7), (0.52, 0.6), (0.0, 0.52)]
rows = {b: [0, 0, 0, 0] for b in bands}  # answerable, best entry right, ambiguous, off-topic
for (q, kind, want), line in zip(cases, out):
    r = json.loads(line)
    best = (r["entry"] or {}).get("id") or (r["suggestions"][0]["id"] if r["suggestions"] else None)
    band = next(b for b in bands if b[0] <= r["confidence"] < b[1])
    if kind == "Answer":
        rows[band][0] += 1
        rows[band][1] += best == want
    else:
        rows[band][2 if kind.startswith("Suggest") else 3] += 1
print("| confidence | answerable cases | best entry right | ambiguous cases | off-topic cases |")
print("|---|---|---|---|---|")
for (lo, hi), (n, right, amb, off) in rows.items():
    print(f"| {lo:.2f}–{min(hi, 1.0):.2f} | {n} | {right} | {amb} | {off} |")
