//! Adversarial messages, shared by the `adversarial/*` benchmarks
//! (`benches/matching.rs`) and the memory test
//! (`tests/adversarial_memory.rs`): inputs built to cost the most per
//! message, each at most 4000 characters, the longest message Discord
//! allows. Deterministic: the same strings on every run.

/// The longest message Discord allows, in characters.
const DISCORD_MAX_CHARS: usize = 4000;

/// A normal question, the yardstick the adversarial ones are measured
/// against.
pub const NORMAL: &str = "is acupuncture painful";

/// A 32-bit linear congruential generator (Numerical Recipes' constants).
struct Lcg(u32);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (self.0 >> 8) as usize % n
    }
}

/// Pieces from `piece` until one more would pass `max` characters.
fn fill(max: usize, mut piece: impl FnMut() -> String) -> String {
    let (mut out, mut chars) = (String::new(), 0);
    loop {
        let p = piece();
        let n = p.chars().count();
        if chars + n > max {
            return out;
        }
        out.push_str(&p);
        chars += n;
    }
}

/// Letters `a` to `z`.
fn letter(rng: &mut Lcg) -> char {
    char::from(b'a' + rng.below(26) as u8)
}

/// Every adversarial input, by benchmark name.
pub fn inputs() -> Vec<(&'static str, String)> {
    let mut rng = Lcg(7);
    let rng = &mut rng;
    let emoji = [
        "\u{1F600}",
        "\u{1F4A9}",
        "\u{2764}",
        "\u{1F9E0}",
        "\u{1F44D}",
    ];
    let scripts = [
        "\u{0431}\u{043e}\u{043b}\u{044c}",
        "\u{03c0}\u{03cc}\u{03bd}\u{03bf}\u{03c2}",
        "\u{8170}\u{75db}",
        "\u{0623}\u{0644}\u{0645}",
        "\u{0926}\u{0930}\u{094d}\u{0926}",
        "acupuncture",
        "\u{05db}\u{05d0}\u{05d1}",
    ];
    let misspelt = [
        "bladdex",
        "numbnesz",
        "acupunctur",
        "incontinense",
        "paralysys",
        "feverr",
    ];
    vec![
        // The input: one word of 500 letters.
        ("long-word-500", "a".repeat(500)),
        // Words of 8 to 24 random letters: each short enough to be
        // typo-corrected, two edits allowed, none a word the content uses.
        (
            "long-words",
            fill(DISCORD_MAX_CHARS, || {
                let len = 8 + rng.below(17);
                let mut w: String = (0..len).map(|_| letter(rng)).collect();
                w.push(' ');
                w
            }),
        ),
        ("one-letter-4000", "a".repeat(DISCORD_MAX_CHARS)),
        (
            "emoji-4000",
            fill(DISCORD_MAX_CHARS, || {
                emoji[rng.below(emoji.len())].to_owned()
            }),
        ),
        (
            "mixed-scripts",
            fill(DISCORD_MAX_CHARS, || {
                format!("{} ", scripts[rng.below(scripts.len())])
            }),
        ),
        // A question with a zero-width space between every letter, then a
        // run of them.
        (
            "zero-width",
            fill(DISCORD_MAX_CHARS, || {
                if rng.below(2) == 0 {
                    "is acupuncture painful "
                        .chars()
                        .flat_map(|c| [c, '\u{200B}'])
                        .collect()
                } else {
                    "\u{200D}\u{2060}\u{FEFF}".to_owned()
                }
            }),
        ),
        // Letters under piles of combining marks, and marks alone.
        (
            "combining-marks",
            fill(DISCORD_MAX_CHARS, || {
                let mut s = String::from(letter(rng));
                for _ in 0..1 + rng.below(30) {
                    s.push(char::from_u32(0x300 + rng.below(0x70) as u32).unwrap_or('\u{301}'));
                }
                s
            }),
        ),
        // One character that decomposes into 18 (four words).
        ("decomposing-4000", "\u{FDFA}".repeat(DISCORD_MAX_CHARS)),
        // Misspelt red-flag and FAQ words: typo tolerance in triage and
        // matching for every word.
        (
            "misspelt-words",
            fill(DISCORD_MAX_CHARS, || {
                let w = misspelt[rng.below(misspelt.len())];
                format!("{w}{} ", letter(rng))
            }),
        ),
    ]
}
