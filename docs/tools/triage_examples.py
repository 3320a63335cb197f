#!/usr/bin/env python3
"""Writes faq/red-flag-examples.toml, the safety net's examples, from the
triage vignettes of tests/triage.rs and the matching issue's tuning
messages (docs/tuning-realistic.jsonl, all calm).

Usage: python3 docs/tools/triage_examples.py BIN [--exclude-set N] [--no-realistic] [--out FILE]

For each vignette that expects a red flag, its sentences that fire that flag
under the rules alone become examples of the flag, cut to the clause that
fires where one does (what says the emergency, not the chatter around it).
A vignette none of whose sentences fires alone gives its sentence least
like any calm sentence, of six words or more. Every
sentence of a calm vignette becomes a calm example. BIN is the built binary;
it is run with a copy of faq/ whose examples file is empty, so that only the
rules speak. --exclude-set leaves one tuning set out (cross-validation in
docs/tools/triage_net_cv.py).
"""
import argparse, json, pathlib, re, shutil, subprocess, sys, tempfile

root = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "docs" / "tools"))
TUPLE = re.compile(r'^\s*\("((?:[^"\\]|\\.)*)",\s*(?:Some\("([^"]+)"\)|None)\),')
# Where the net ends a sentence (src/matcher/safety_net.rs): . ; ! ? : and
# line breaks.
SPLIT = re.compile(r"(?<=[.;!?:])\s+|\n+")
MAX_EXAMPLE_CHARS = 300
MAX_MESSAGE_CHARS = 800
# A sentence picked from a long message that no rule reads must say enough
# to stand alone.
MIN_FALLBACK_WORDS = 6

HEADER = '''# Examples for the safety net: sentences that describe each red flag, and
# calm sentences that use the same words harmlessly.
#
# When no rule of red-flags.toml fires on a message, the bot compares each
# sentence of the message by meaning with the sentences below (and with the
# FAQ's own questions and alternates, which count as calm). A sentence that
# is close to an example of a flag, and clearly closer to it than to any calm
# sentence, fires that flag: the member gets the urgent reply, exactly as if
# a rule had fired. `backpain-bot ask --explain "..."` names the example.
#
# When neither a rule nor a sentence below fires, a classifier reads the
# whole message: it is learnt, each time the content loads, from the
# `messages` below (whole members' messages of each flag, and calm ones)
# and from the small-talk phrases and the members' questions of
# examples.toml (calm). It raises the alarm when it is very sure the message is one of
# the flags' kind; `ask --explain` names the words that weighed most.
#
# Neither ever reads a sentence whose red-flag words the rules found
# negated or in the distant past ("no numbness down there", "a fall years
# ago"): negation and time stay the rules' job.
#
# Moderators: when a member describes an emergency in words the bot missed,
# add their sentence (without names or details that identify them) to `like`
# of that flag, or their whole message to `messages`; when a calm message
# raised an alarm, add it to `like` or `messages` of [calm].
# Each example is one sentence of at most 300 characters, each message at
# most 800; one text may not be an example of two things. `backpain-bot
# check` checks this.
#
# This file was written by docs/tools/triage_examples.py from the vignettes
# of tests/triage.rs and the members' questions of docs/tuning-realistic.jsonl
# (the `messages` are those, as written);
# rerun it after adding vignettes, or edit it by hand.
'''


def vignettes():
    kind, group_set = "other", 1
    for line in (root / "tests" / "triage.rs").read_text().splitlines():
        s = line.strip()
        if s.startswith("// ---"):
            kind = s[6:].strip()
            m = re.search(r"\(set (\d+)\)", kind)
            group_set = int(m.group(1)) if m else 1
            continue
        m = TUPLE.match(line)
        if m:
            yield {"q": re.sub(r"\\(.)", r"\1", m.group(1)), "flag": m.group(2), "set": group_set}


def realistic():
    """The matching issue's tuning messages (questions, off-topic chat, small
    talk): none is urgent, so all are calm; the net must not alarm on what
    members ask every day."""
    for line in (root / "docs" / "tuning-realistic.jsonl").read_text().splitlines():
        if line.strip():
            c = json.loads(line)
            if c.get("kind") not in ("urgent",):
                yield {"q": c["q"], "flag": None, "set": "realistic"}


def sentences(q):
    out = [s.strip() for s in SPLIT.split(q) if s and s.strip()]
    return [s for s in out if len(s) <= MAX_EXAMPLE_CHARS] or ([q] if len(q) <= MAX_EXAMPLE_CHARS else [])


def clauses(sentence):
    """A sentence's parts between commas and dashes (and before "but")."""
    parts = [p.strip() for p in re.split(r",|\s[-–—]\s|\sbut\s", sentence)]
    return [p for p in parts if p] if len(parts) > 1 else []


def rule_flags(binary, content, texts):
    p = subprocess.run([binary, "ask", "--json", "--content", content],
                       input="".join(t.replace("\n", " ") + "\n" for t in texts),
                       capture_output=True, text=True, check=True)
    rows = [json.loads(l) for l in p.stdout.splitlines()]
    return {t: (r.get("flag") or {}).get("id") if r["outcome"] == "urgent" else None for t, r in zip(texts, rows)}


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--exclude-set", type=int, action="append", default=[])
    ap.add_argument("--out", default=str(root / "faq" / "red-flag-examples.toml"))
    ap.add_argument("--no-realistic", action="store_true", help="leave out docs/tuning-realistic.jsonl")
    a = ap.parse_args()
    cases = [v for v in vignettes() if v["set"] not in a.exclude_set]
    if not a.no_realistic:
        cases += list(realistic())
    with tempfile.TemporaryDirectory() as tmp:
        content = pathlib.Path(tmp) / "faq"
        shutil.copytree(root / "faq", content)
        (content / "red-flag-examples.toml").write_text("")
        all_sentences = sorted({p for c in cases for s in sentences(c["q"]) for p in [s, *clauses(s)]})
        verdict = rule_flags(a.binary, str(content), all_sentences)
    calm, flagged, unsplit = [], {}, []
    for c in cases:
        ss = sentences(c["q"])
        if not c["flag"]:
            calm.extend(ss)
            continue
        # The clause that fires, where one does alone: "i wet myself this
        # morning" rather than the ", my back has been bad all week" after
        # it, which members say of everything.
        firing = []
        for s in ss:
            if verdict.get(s) != c["flag"]:
                continue
            parts = [p for p in clauses(s) if verdict.get(p) == c["flag"]]
            firing.extend(parts or [s])
        if firing:
            flagged.setdefault(c["flag"], []).extend(firing)
        elif ss:
            unsplit.append((c["flag"], c["q"], ss))
    # A vignette no sentence of which fires alone: its sentence least like
    # the calm ones, by the model's own vectors (semantic_rows.py), among
    # those long enough to mean something alone ("mostly." does not).
    if unsplit:
        from semantic_rows import Embedder
        emb = Embedder(root)
        calm_vecs = emb.matrix(calm)
        for flag, q, ss in unsplit:
            long_enough = [s for s in ss if len(s.split()) >= MIN_FALLBACK_WORDS]
            if long_enough:
                best = min(long_enough, key=lambda s: emb.max_cosine(s, calm_vecs))
                flagged.setdefault(flag, []).append(best)
    seen = set()
    def fresh(items):
        out = []
        for s in items:
            k = s.lower()
            if k not in seen:
                seen.add(k)
                out.append(s)
        return out
    # Whole messages for the net's classifier: every vignette (and every
    # everyday message) as written, once each, under its flag or as calm.
    messages, seen_messages = {}, set()
    for c in cases:
        q = " ".join(c["q"].split())
        if q.lower() in seen_messages or len(q) > MAX_MESSAGE_CHARS:
            continue
        seen_messages.add(q.lower())
        messages.setdefault(c["flag"], []).append(q)
    def message_lines(flag):
        items = messages.get(flag, [])
        return "messages = [\n" + "".join(f"  {toml_string(s)},\n" for s in items) + "]\n" if items else ""
    order = ["crisis", "bladder-bowel", "saddle-numbness", "leg-weakness", "trauma",
             "fever-infection", "weight-loss", "cancer-history", "chest-breathing"]
    lines = [HEADER]
    for flag in sorted(flagged, key=lambda f: order.index(f) if f in order else 99):
        items = fresh(flagged[flag])
        lines.append(f'\n[[flag]]\nid = "{flag}"\nlike = [\n' + "".join(f"  {toml_string(s)},\n" for s in items) + "]\n" + message_lines(flag))
    items = fresh(calm)
    lines.append("\n[calm]\nlike = [\n" + "".join(f"  {toml_string(s)},\n" for s in items) + "]\n" + message_lines(None))
    pathlib.Path(a.out).write_text("".join(lines))
    print(f"{a.out}: {sum(len(v) for v in flagged.values())} flag examples, {len(items)} calm, "
          f"{sum(len(v) for v in messages.values())} messages", file=sys.stderr)


if __name__ == "__main__":
    main()
