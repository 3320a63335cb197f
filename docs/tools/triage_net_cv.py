#!/usr/bin/env python3
"""Leave-one-set-out cross-validation of the safety net's thresholds (LIKE
and MARGIN in src/matcher/safety_net.rs, ALARM_P in
src/matcher/net_classifier.rs), as docs/QUALITY.md reports.

Usage: python3 docs/tools/triage_net_cv.py BIN [--dump FILE]

For each tuning set N of tests/triage.rs (2 to 13), the examples are written
from every other set (triage_examples.py --exclude-set N) and set N is read
with the red-flag rules as they were when set N arrived (its first run, from
git history): the messages those rules missed are the wording no rule knew,
which is what the net is for. `ask --explain` prints every sentence the net
reads with its nearest flag example and nearest calm sentence, and what the
classifier makes of the message; the grid is scored from those lines. The
first table is the example sentences alone; the second, all three
thresholds together (the one in force). Needs git, and `pip install tokenizers numpy`.
"""
import collections, json, pathlib, re, shutil, subprocess, sys, tempfile

root = pathlib.Path(__file__).resolve().parents[2]
binary = sys.argv[1]
# The commit whose rules each set met first (docs/QUALITY.md's first runs).
FIRST_RULES = {2: "304ef44", 3: "1b0f9dc", 4: "7f1b6c0", 5: "7f1b6c0", 6: "7f1b6c0",
               7: "acd726a", 8: "acd726a", 9: "617897a", 10: "617897a", 11: "4055c6c", 12: "f8b8061",
               13: "b51a7e3"}
NET = re.compile(r'^\s*net: (\S+) ([0-9.]+) calm ([0-9.]+) ')
CLASSIFIER = re.compile(r'^\s*net classifier: (\S+) ([0-9.]+) ')
sys.path.insert(0, str(root / "docs" / "tools"))
from triage_examples import vignettes

cases = list(vignettes())


def read(content, fold):
    """Each message of `fold` read with the content folder `content`: whether
    a rule fired, and every (flag, like, calm) line of the net."""
    p = subprocess.run([binary, "ask", "--explain", "--content", str(content)],
                       input="".join(c["q"].replace("\n", " ") + "\n" for c in fold), capture_output=True, text=True, check=True)
    blocks, cur = [], None
    for line in p.stdout.splitlines():
        if line.startswith("  => "):
            cur = {"rule": False, "net": [], "p": 0.0}
            blocks.append(cur)
        elif cur is not None and "red flag:" in line and ", rule " in line:
            cur["rule"] = True
        elif cur is not None and (m := NET.match(line)):
            cur["net"].append((m.group(1), float(m.group(2)), float(m.group(3))))
        elif cur is not None and (m := CLASSIFIER.match(line)):
            cur["p"] = float(m.group(2))
    assert len(blocks) == len(fold), (len(blocks), len(fold))
    return [(c, b["rule"], b["net"], b["p"]) for c, b in zip(fold, blocks)]


def examples(out, *args):
    subprocess.run([sys.executable, str(root / "docs/tools/triage_examples.py"), binary, *args, "--out", str(out)],
                   check=True, capture_output=True)


reads = []  # (case, rule fired, [(flag, like, calm)])
with tempfile.TemporaryDirectory() as tmp:
    for k, commit in FIRST_RULES.items():
        content = pathlib.Path(tmp) / f"fold-{k}"
        shutil.copytree(root / "faq", content)
        for f in ["red-flags.toml", "crisis.toml"]:
            text = subprocess.run(["git", "show", f"{commit}:faq/{f}"], cwd=root, capture_output=True, text=True, check=True).stdout
            (content / f).write_text(text)
        examples(content / "red-flag-examples.toml", "--exclude-set", str(k))
        reads += read(content, [c for c in cases if c["set"] == k])
    # One more fold: members' everyday questions and chat, all calm, read
    # with examples written without them.
    from triage_examples import realistic
    content = pathlib.Path(tmp) / "fold-realistic"
    shutil.copytree(root / "faq", content)
    examples(content / "red-flag-examples.toml", "--no-realistic")
    reads += read(content, list(realistic()))


def score(like, margin):
    t = collections.Counter()
    for c, rule, net, _ in reads:
        caught = any(l >= like and l - cm >= margin for _, l, cm in net)
        if c["flag"]:
            t["urgent"] += 1
            t["missed by rules"] += not rule
            t["caught"] += (not rule) and caught
        else:
            t["calm"] += 1
            t["rule alarms"] += rule
            t["added alarms"] += (not rule) and caught
            if c["set"] == "realistic":
                t["everyday"] += 1
                t["everyday alarms"] += (not rule) and caught
    return t


grid = [(l / 100, m / 100) for l in range(50, 91, 5) for m in range(0, 21, 1)]
rows = [(l, m, score(l, m)) for l, m in grid]
calm = rows[0][2]["calm"]
# The budget: at most one added alarm per hundred calm vignettes, and at
# most one in two hundred of members' everyday messages, which are most of
# what the bot reads.
budget = calm // 100
everyday = rows[0][2]["everyday"]
everyday_budget = everyday // 200
print(f"{len(reads)} messages; rules missed {rows[0][2]['missed by rules']} of {rows[0][2]['urgent']} emergencies; "
      f"{calm} calm, rule alarms {rows[0][2]['rule alarms']}; budget {budget} added alarms")
print("| like | margin | misses caught | added alarms | of them on everyday messages |")
print("|---|---|---|---|---|")
for l, m, t in rows:
    if m in (0.0, 0.03, 0.05, 0.08, 0.1, 0.11, 0.12):
        print(f"| {l:.2f} | {m:.2f} | {t['caught']}/{t['missed by rules']} | {t['added alarms']}/{t['calm']} | {t['everyday alarms']}/{everyday} |")
within = [r for r in rows if r[2]["added alarms"] <= budget and r[2]["everyday alarms"] <= everyday_budget]
best = max(within, key=lambda r: (r[2]["caught"], -r[2]["added alarms"], r[1]))
print(f"chosen: like {best[0]:.2f}, margin {best[1]:.2f}: caught {best[2]['caught']}/{best[2]['missed by rules']}, "
      f"added alarms {best[2]['added alarms']}/{calm}, {best[2]['everyday alarms']}/{everyday} on everyday messages")

# The net's classifier (ALARM_P in src/matcher/net_classifier.rs) is read
# when neither a rule nor an example sentence fired: the three thresholds
# are chosen together, under the same budget for everything the net adds.
if "--dump" in sys.argv:
    json.dump([[c, rule, net, p] for c, rule, net, p in reads], open(sys.argv[sys.argv.index("--dump") + 1], "w"))


def score_all(like, margin, alarm_p):
    t = collections.Counter()
    for c, rule, net, p in reads:
        by_net = any(l >= like and l - cm >= margin for _, l, cm in net)
        added = (not rule) and (by_net or p >= alarm_p)
        if c["flag"]:
            t["missed by rules"] += not rule
            t["caught"] += added
        else:
            t["calm"] += 1
            t["added alarms"] += added
            if c["set"] == "realistic":
                t["everyday"] += 1
                t["everyday alarms"] += added
    return t


alarms = [0.5, 0.7, 0.8, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1.01]
rows = [(l, m, a, score_all(l, m, a)) for l, m in grid for a in alarms]
within = [r for r in rows if r[3]["added alarms"] <= budget and r[3]["everyday alarms"] <= everyday_budget]
print("\nwith the classifier (alarm at 1.01: without it); the best point within the budget for each alarm line:")
print("| alarm at | like | margin | misses caught | added alarms | of them on everyday messages |")
print("|---|---|---|---|---|---|")
for a in alarms:
    at = [r for r in within if r[2] == a]
    if at:
        l, m, _, t = max(at, key=lambda r: (r[3]["caught"], -r[3]["added alarms"], r[0], r[1]))
        print(f"| {a} | {l:.2f} | {m:.2f} | {t['caught']}/{t['missed by rules']} | {t['added alarms']}/{t['calm']} | {t['everyday alarms']}/{t['everyday']} |")
# Ties go to fewer alarms, then fewer on everyday messages, then the
# stricter lines.
l, m, a, t = max(within, key=lambda r: (r[3]["caught"], -r[3]["added alarms"], -r[3]["everyday alarms"], r[2], r[0], r[1]))
print(f"chosen: like {l:.2f}, margin {m:.2f}, alarm at {a}: caught {t['caught']}/{t['missed by rules']}, "
      f"added alarms {t['added alarms']}/{t['calm']}, {t['everyday alarms']}/{t['everyday']} on everyday messages")
