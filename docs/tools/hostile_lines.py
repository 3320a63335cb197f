#!/usr/bin/env python3
"""Hostile input for `backpain-bot ask --json`, one message a line, for the
cost figures in docs/PERFORMANCE.md ("Adversarial inputs").

Usage: python3 docs/tools/hostile_lines.py [LINES] > hostile.txt
       time target/release/backpain-bot ask --json < hostile.txt > /dev/null

LINES defaults to 100,000. The output is the same on every run and every
Python (a fixed linear congruential generator, not `random`). Lines cycle
through twelve kinds: normal questions (two of the twelve), one long word of
one letter, one long word of random letters, 4000 characters of one letter,
4000 emoji, words of mixed scripts, zero-width characters between letters,
combining marks (on letters, and alone), mentions, many distinct words just
short enough to be typo-corrected, misspelt red-flag and FAQ words, and
direction overrides with control characters and digit strings. Every line
is at most 4000 characters, the longest message Discord allows.
"""
import sys

MAX_CHARS = 4000


class Lcg:
    """Numerical Recipes' 32-bit LCG: deterministic everywhere."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1664525 * self.state + 1013904223) & 0xFFFFFFFF
        return self.state

    def below(self, n):
        return (self.next() >> 8) % n

    def pick(self, items):
        return items[self.below(len(items))]

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)


QUESTIONS = [
    "is acupuncture painful",
    "what is acupressure",
    "how many sessions do I need",
    "will my insurance cover acupuncture",
    "side efects of acupuncture",
    "wat is acupressur",
    "hey bot does acupuncture hurt lol",
    "how do I bake bread",
    "my back hurts and I can't control my bladder",
    "no fever, no numbness, just a stiff lower back. what causes that?",
]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
EMOJI = ["\U0001F600", "\U0001F4A9", "\u2764\ufe0f", "\U0001F469\u200d\U0001F4BB",
         "\U0001F1FA\U0001F1F8", "\U0001F44D\U0001F3FD", "\u263a", "\U0001F9E0"]
SCRIPTS = ["\u0431\u043e\u043b\u044c", "\u03c0\u03cc\u03bd\u03bf\u03c2", "\u8170\u75db",
           "\u0623\u0644\u0645", "\u0926\u0930\u094d\u0926", "\u8170\u75db\u3067\u3059",
           "\ud55c\uad6d\uc5b4", "acupuncture", "\u0440\u0430\u0441", "\u05db\u05d0\u05d1"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]
COMBINING = [chr(c) for c in range(0x300, 0x370)]
WORDS = ["acupunture", "bladdder", "numbnes", "acupresure", "insurence", "sesions",
         "incontinense", "paralysys", "sciatika", "injury", "fever", "weightloss"]


def fill(rng, piece):
    """Pieces from `piece(rng)` until the line is (about) MAX_CHARS long."""
    out, n = [], 0
    while True:
        p = piece(rng)
        if n + len(p) > MAX_CHARS:
            return "".join(out)
        out.append(p)
        n += len(p)


def line(i, rng):
    kind = i % 12
    if kind in (0, 6):
        return rng.pick(QUESTIONS)
    if kind == 1:
        return rng.pick(LETTERS) * rng.between(100, MAX_CHARS)
    if kind == 2:
        return "".join(rng.pick(LETTERS) for _ in range(rng.between(30, MAX_CHARS)))
    if kind == 3:
        return rng.pick(LETTERS) * MAX_CHARS
    if kind == 4:
        return fill(rng, lambda r: r.pick(EMOJI))
    if kind == 5:
        return fill(rng, lambda r: r.pick(SCRIPTS) + r.pick([" ", "", "-"]))
    if kind == 7:
        if rng.below(2):
            return "".join(rng.pick(COMBINING) for _ in range(MAX_CHARS))
        return fill(rng, lambda r: r.pick(LETTERS)
                    + "".join(r.pick(COMBINING) for _ in range(r.between(1, 30))))
    if kind == 8:
        q = rng.pick(QUESTIONS)
        zw = rng.pick(ZERO_WIDTH)
        if rng.below(2):
            return zw.join(q)
        return (zw * rng.between(100, MAX_CHARS - len(q) - 1)) + q
    if kind == 9:
        return fill(rng, lambda r: r.pick([f"<@{r.next()}{r.next()}> ", "@everyone ",
                                           "@here ", f"<#{r.next()}> ", "<@&1> "]))
    if kind == 10:
        # Distinct words of 8 to 24 letters: two-edit typo correction for
        # every one that is short enough.
        return fill(rng, lambda r: "".join(r.pick(LETTERS) for _ in range(r.between(8, 24))) + " ")
    # kind 11: misspelt red-flag and FAQ words, direction overrides, control
    # characters and long digit strings.
    return fill(rng, lambda r: r.pick([r.pick(WORDS), "\u202e", "\u0007", "\t",
                                       str(r.next()) * 3, r.pick(QUESTIONS)]) + " ")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = Lcg(11)
    out = sys.stdout
    for i in range(n):
        text = line(i, rng)
        # One message a line: `ask` reads lines.
        out.write(text.replace("\n", " ").replace("\r", " ") + "\n")


if __name__ == "__main__":
    main()
