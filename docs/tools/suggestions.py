#!/usr/bin/env python3
"""Counts the "did you mean" replies of `BIN ask --json` on question sets:
on in-domain messages, and how many put the right entry first (the set's
"entry", or an entry whose answer holds every "all" keyword group, as
score.py checks); and on uncovered or small-talk messages.

Usage: python3 docs/tools/suggestions.py BIN SET.jsonl [...]
"""
import json, pathlib, subprocess, sys, tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
binary=sys.argv[1]
entries=tomllib.loads((ROOT / "faq/entries.toml").read_text())["entry"]
for path in sys.argv[2:]:
    cases=[json.loads(l) for l in open(path) if l.strip()]
    out=subprocess.run([binary,"ask","--json"],input="\n".join(c["q"] for c in cases)+"\n",capture_output=True,text=True).stdout
    rows=[json.loads(l) for l in out.splitlines() if l.startswith("{")]
    n=s=so=0
    for c,r in zip(cases,rows):
        if r["outcome"]!="suggest": continue
        first=(r["suggestions"] or [{}])[0].get("id")
        if c["expect"]=="answer":
            ok = first==c["entry"] if "entry" in c else any(e["id"]==first and all(any(k in e["answer"].lower() for k in g) for g in c.get("all",[])) for e in entries)
            s+=ok; n+=1
        else: so+=1
    print(f"{path.split('/')[-1]}: suggest on in-domain {n} (right first {s}), suggest on reject/chat/no_match {so}")
