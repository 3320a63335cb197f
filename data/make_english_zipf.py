#!/usr/bin/env python3
"""Writes data/english-zipf.txt: how common each common English word is, for
the matcher to weigh words the FAQ never uses (src/matcher/english.rs).

Source: the `wordfreq` package (PyPI, version 3.1.1; its data is CC-BY-SA
4.0, by Robyn Speer et al.): its "large" English list, as Zipf values
(log10 of a word's frequency per billion words; "the" is about 7.7, a word
seen once per million is 3.0). Kept: words of ASCII letters only whose Zipf
value is at least MIN_ZIPF, rounded to tenths. Rarer words are not listed:
the matcher weighs an unlisted word as fully informative.

Usage: pip install wordfreq==3.1.1 && python3 data/make_english_zipf.py
The output is deterministic: running it again gives the same bytes.
"""
import pathlib
import re
from importlib.metadata import version

import wordfreq

MIN_ZIPF = 3.0
HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "english-zipf.txt"

assert version("wordfreq") == "3.1.1", version("wordfreq")
words = wordfreq.top_n_list("en", 1_000_000, wordlist="large")
buckets = {}
for w in words:
    if not re.fullmatch(r"[a-z]+", w):
        continue
    z = round(wordfreq.zipf_frequency(w, "en", wordlist="large"), 1)
    if z >= MIN_ZIPF:
        buckets.setdefault(z, []).append(w)
lines = [
    "# Common English words by Zipf value (log10 frequency per billion words),",
    "# from wordfreq 3.1.1's large English list (CC-BY-SA 4.0, Robyn Speer et al.).",
    "# Made by data/make_english_zipf.py; one line per value: the value, then its words.",
]
for z in sorted(buckets, reverse=True):
    lines.append(f"{z:.1f} " + " ".join(sorted(buckets[z])))
OUT.write_text("\n".join(lines) + "\n")
print(f"{OUT}: {sum(len(v) for v in buckets.values())} words, {OUT.stat().st_size} bytes")
