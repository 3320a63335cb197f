#!/usr/bin/env python3
"""Triage figures for docs/QUALITY.md: recall per red flag and false alarms
per kind of calm message, from `ask --json`.

Usage: python3 docs/tools/triage_score.py BIN [SET ...] [--show]

A set is either a JSONL file of {"q", "expect": "urgent"|"calm", "flag", "kind"}
(docs/holdout-triage.jsonl) or tests/triage.rs itself, whose vignette table
holds ("question", Some("flag")) and ("question", None) tuples under
`// --- group` comments (the group names the kind). With no set named, both.

Recall counts a message flagged `urgent` at all (what safety needs); "right
flag" counts the record's `flag.id` matching the label. Binaries from before
the `flag` field have only the first.
"""
import json, pathlib, re, subprocess, sys
from collections import defaultdict

root = pathlib.Path(__file__).resolve().parents[2]
args = [a for a in sys.argv[1:] if not a.startswith("--")]
show = "--show" in sys.argv
binary = args[0]
sets = [pathlib.Path(a) for a in args[1:]] or [root / "tests" / "triage.rs", root / "docs" / "holdout-triage.jsonl"]
TUPLE = re.compile(r'^\s*\("((?:[^"\\]|\\.)*)",\s*(?:Some\("([^"]+)"\)|None)\),')


def rust_cases(text):
    kind = "other"
    for line in text.splitlines():
        if line.strip().startswith("// ---"):
            kind = line.strip()[6:].strip()
            continue
        m = TUPLE.match(line)
        if m:
            # Rust escapes in the table: \" and \\ only (text stays UTF-8).
            q = re.sub(r"\\(.)", r"\1", m.group(1))
            flag = m.group(2)
            yield {"q": q, "expect": "urgent" if flag else "calm", "flag": flag, "kind": kind}


def cases_of(path):
    text = path.read_text()
    if path.suffix == ".rs":
        return list(rust_cases(text))
    return [json.loads(l) for l in text.splitlines() if l.strip()]


for path in sets:
    cases = cases_of(path)
    p = subprocess.run([binary, "ask", "--json"], input="".join(c["q"].replace("\n", " ") + "\n" for c in cases),
                       capture_output=True, text=True, check=True, cwd=root)
    rows = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(rows) == len(cases), (len(rows), len(cases))
    recall = defaultdict(lambda: [0, 0, 0])  # flagged, right flag, cases
    alarms = defaultdict(lambda: [0, 0])  # flagged, cases
    for c, r in zip(cases, rows):
        urgent = r["outcome"] == "urgent"
        got = (r.get("flag") or {}).get("id")
        if c["expect"] == "urgent":
            row = recall[c["flag"]]
            row[0] += urgent
            row[1] += got == c["flag"]
            row[2] += 1
            if show and got != c["flag"]:
                print(f"  missed {c['flag']} (got {got or r['outcome']}): {c['q']!r}")
        else:
            row = alarms[c["kind"]]
            row[0] += urgent
            row[1] += 1
            if show and urgent:
                print(f"  alarm {got}: {c['q']!r}")
    print(f"\n{path.name}: {len(cases)} cases")
    print("| flag | flagged urgent | right flag |")
    print("|---|---|---|")
    for flag, (f, right, n) in sorted(recall.items()):
        print(f"| {flag} | {f}/{n} | {right}/{n} |")
    tf = sum(v[0] for v in recall.values())
    tn = sum(v[2] for v in recall.values())
    tr = sum(v[1] for v in recall.values())
    print(f"| **all** | **{tf}/{tn}** | {tr}/{tn} |")
    print("| calm kind | false alarms |")
    print("|---|---|")
    for kind, (f, n) in sorted(alarms.items()):
        print(f"| {kind} | {f}/{n} |")
    fa = sum(v[0] for v in alarms.values())
    na = sum(v[1] for v in alarms.values())
    print(f"| **all** | **{fa}/{na}** |")
