#!/usr/bin/env python3
"""Cross-validation of the classifier's answer threshold (ANSWER_P in
src/matcher/classifier.rs), as docs/QUALITY.md reports.

Usage: python3 docs/tools/examples_cv.py BIN [TUNING.jsonl ...]

The members' messages of faq/examples.toml are cut into five folds. For each
fold, the bot is run (`ask --explain --content DIR`) with a copy of faq/
whose examples.toml lacks that fold, on the fold's messages: an answered
message must get its entry, an [uncovered] one no answer. The tuning sets
named (score.py's format) are read with the whole file. `--explain` prints
the classifier's class and probability and the outcome before it was asked,
so every threshold is scored from one run. The chosen threshold is the one
that answers the most messages right while adding at most one wrong answer
per hundred messages, over the folds and the tuning sets together.
"""
import json, pathlib, random, re, shutil, subprocess, sys, tempfile, tomllib

root = pathlib.Path(__file__).resolve().parents[2]
binary, sets = sys.argv[1], [pathlib.Path(a) for a in sys.argv[2:]]
FOLDS = 5
entries = tomllib.loads((root / "faq/entries.toml").read_text())["entry"]
answers = {e["id"]: e["answer"].lower() for e in entries}
examples = tomllib.loads((root / "faq/examples.toml").read_text())
OUTCOME = re.compile(r"^  => (\S+)")
CLASSIFIER = re.compile(r"^classifier: (\S+) p ([0-9.]+) \(answers at [0-9.]+; before it: (\S+)\)")


def toml_list(name, messages):
    return f"{name} = [\n" + "".join(f"  {json.dumps(m, ensure_ascii=False)},\n" for m in messages) + "]\n"


def write_examples(path, keep):
    out = []
    for group in examples.get("entry", []):
        msgs = [m for m in group["messages"] if keep(m)]
        if msgs:
            out.append(f'[[entry]]\nid = "{group["id"]}"\n' + toml_list("messages", msgs))
    out.append("[uncovered]\n" + toml_list("messages", [m for m in examples.get("uncovered", {}).get("messages", []) if keep(m)]))
    path.write_text("\n".join(out))


def run(content, cases):
    """Per case: (final outcome, final entry, classifier class, p, outcome before it)."""
    text = "".join(c["q"].replace("\n", " ") + "\n" for c in cases)
    ex = subprocess.run([binary, "ask", "--explain", "--content", str(content)], input=text,
                        capture_output=True, text=True, check=True).stdout
    js = subprocess.run([binary, "ask", "--json", "--content", str(content)], input=text,
                        capture_output=True, text=True, check=True).stdout
    records = [json.loads(l) for l in js.splitlines() if l.startswith("{")]
    blocks, cur = [], None
    for line in ex.splitlines():
        if m := OUTCOME.match(line):
            cur = {"outcome": m.group(1), "cls": None}
            blocks.append(cur)
        elif cur is not None and (m := CLASSIFIER.match(line)):
            cur["cls"] = (m.group(1), float(m.group(2)), m.group(3))
    assert len(blocks) == len(cases) == len(records), (len(blocks), len(cases), len(records))
    return [(r["outcome"], (r.get("entry") or {}).get("id"), b["cls"]) for r, b in zip(records, blocks)]


def right(case, entry):
    if case["expect"] != "answer" or entry is None:
        return False
    if "entry" in case:
        return case["entry"] == entry
    return all(any(k.lower() in answers[entry] for k in g) for g in case.get("all", []))


cases = []
rng = random.Random(12)
fold_of = {}
for group in examples.get("entry", []):
    for m in group["messages"]:
        fold_of[m] = rng.randrange(FOLDS)
        cases.append({"q": m, "expect": "answer", "entry": group["id"], "fold": fold_of[m]})
for m in examples.get("uncovered", {}).get("messages", []):
    fold_of[m] = rng.randrange(FOLDS)
    cases.append({"q": m, "expect": "reject", "fold": fold_of[m]})
reads = []
with tempfile.TemporaryDirectory() as tmp:
    content = pathlib.Path(tmp) / "faq"
    shutil.copytree(root / "faq", content)
    for k in range(FOLDS):
        write_examples(content / "examples.toml", lambda m: fold_of[m] != k)
        fold = [c for c in cases if c["fold"] == k]
        reads += list(zip(fold, run(content, fold)))
    shutil.copy(root / "faq/examples.toml", content / "examples.toml")
    for s in sets:
        tuning = [json.loads(l) for l in s.read_text().splitlines() if l.strip()]
        tuning = [c for c in tuning if c["expect"] in ("answer", "reject", "no_match", "chat")]
        reads += list(zip(tuning, run(content, tuning)))


def as_shipped():
    """(right answers, wrong answers) as the binary decided, every step
    included (the classifier at its own threshold, the asking parts)."""
    good = bad = 0
    for c, (outcome, entry, _) in reads:
        ok = outcome == "answer" and right(c, entry)
        good += ok
        bad += outcome == "answer" and not ok
    return good, bad


def score(t):
    """(right answers, wrong answers, wrong answers the classifier added)."""
    good = bad = added = 0
    for c, (outcome, entry, cls) in reads:
        if cls is not None and outcome == "answer" and cls[2] != "answer":
            # The binary's own threshold answered it; re-decide at t.
            outcome, entry = (("answer", cls[0]) if cls[1] >= t else (cls[2], None))
        elif cls is not None and outcome != "answer" and cls[0] != "[uncovered]" and cls[1] >= t and outcome not in ("chat", "urgent"):
            outcome, entry = "answer", cls[0]
        ok = right(c, entry) if outcome == "answer" else False
        wrong = outcome == "answer" and not ok
        good += ok
        bad += wrong
        added += wrong and cls is not None and cls[2] != "answer"
    return good, bad, added


n = len(reads)
indomain = sum(c["expect"] == "answer" for c, _ in reads)
print(f"{n} messages ({indomain} answerable): {len(cases)} examples in {FOLDS} folds, {n - len(cases)} from the tuning sets")
print("| answer at p | answered right | wrong answers | of them added by the classifier |")
print("|---|---|---|---|")
best = None
for t in [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.94, 0.95, 0.96, 0.97, 0.975, 0.98, 0.99, 0.995, 0.998, 1.01]:
    good, bad, added = score(t)
    print(f"| {t:.3f} | {good}/{indomain} | {bad}/{n} | {added} |")
    if added <= n / 100 and (best is None or good > best[1]):
        best = (t, good, bad, added)
print(f"chosen: {best[0]:.3f}: {best[1]}/{indomain} right, {best[2]} wrong ({best[3]} added) in {n}")

# The "did you mean" line: a message the classifier does not answer (below
# the chosen threshold) and the earlier steps found nothing for (no_match)
# gets the classifier's entry as a suggestion when its p is at least s. The
# line is the lowest s at which the suggestion is the right entry at least
# SUGGEST_PRECISION of the times it is offered (uncovered and off-topic
# messages offered an entry count against it), as often as the lexical
# matcher's own suggestions are right on the tuning sets (8 in 9).
SUGGEST_PRECISION = 0.8


def offers(s, t):
    """(suggestions offered, of them the right entry) at line s under threshold t."""
    offered = good = 0
    for c, (outcome, entry, cls) in reads:
        if cls is None or cls[2] != "no_match" or cls[0] == "[uncovered]" or not s <= cls[1] < t:
            continue
        if c["expect"] == "chat":
            continue  # small talk is decided before the classifier is asked
        offered += 1
        good += right(c, cls[0])
    return offered, good


print()
print("| suggest at p | suggestions offered | right entry |")
print("|---|---|---|")
line = None
for s in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]:
    offered, good = offers(s, best[0])
    print(f"| {s:.2f} | {offered} | {good} ({good / max(offered, 1):.0%}) |")
    if line is None and good >= SUGGEST_PRECISION * offered:
        line = s
print(f"suggest line: {line}")
good, bad = as_shipped()
print(f"as the binary decides: {good}/{indomain} right, {bad} wrong in {n}")
