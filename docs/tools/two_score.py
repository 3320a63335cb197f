#!/usr/bin/env python3
"""Scores messages that ask two covered questions: `two_score.py BIN SET.jsonl [--show]`.

Reads the set's `"expect": "answer2"` lines (`"entries": [ID1, ID2]`), runs
`BIN ask --json` once with every message on stdin, and counts per message the
entries the reply answers: the record's `entry` and each of `also`. Prints how
many messages got both entries, one of them, none, and how many got an entry
that is neither (a wrong answer). With --show, prints every message that did not
get both (do not use it on a held-out set).
"""
import json, pathlib, subprocess, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
show = "--show" in sys.argv
binary, path = args[0], pathlib.Path(args[1])
cases = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
cases = [c for c in cases if c["expect"] == "answer2"]
p = subprocess.run([binary, "ask", "--json"], input="\n".join(c["q"] for c in cases) + "\n",
                   capture_output=True, text=True, timeout=120)
rows = [json.loads(l) for l in p.stdout.splitlines() if l.strip().startswith("{")]
if p.returncode != 0 or len(rows) != len(cases):
    sys.exit(f"exit {p.returncode}, {len(rows)} answers for {len(cases)} questions\n{p.stderr[-2000:]}")
both = one = none = wrong = 0
for c, r in zip(cases, rows):
    got = []
    if r.get("outcome") == "answer":
        got = [(r.get("entry") or {}).get("id")] + [a.get("id") for a in r.get("also") or []]
    right = [g for g in got if g in c["entries"]]
    bad = [g for g in got if g not in c["entries"]]
    wrong += bool(bad)
    n = len(set(right))
    both, one, none = both + (n == 2), one + (n == 1), none + (n == 0)
    if show and (n < 2 or bad):
        print(f"{'miss!' if bad else 'miss '} got {got} for {c['entries']}: {c['q']!r}")
print(f"{path.name}: two-question {len(cases)}: both {both}, one {one}, none {none}; wrong answers {wrong}")
