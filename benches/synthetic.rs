//! Deterministic synthetic content for the benchmarks: a catalog of any size
//! written as the same TOML files moderators edit, so that loading,
//! validation and indexing are measured exactly as `/reload` runs them.
//!
//! Words are made from syllables and drawn with a skewed distribution, so a
//! few words are common across entries and most are rare, as in real text;
//! every entry also has a word of its own, so no two entries collide.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A small deterministic generator (SplitMix64): the same seed always gives
/// the same catalog and questions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Skewed towards small indices: the square of a uniform draw.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.below(n * n);
        (u as f64).sqrt() as usize
    }
}

const SYLLABLES: [&str; 32] = [
    "ba", "ko", "ri", "sun", "tel", "mar", "vo", "quen", "li", "dra", "pe", "zo", "nar", "fi",
    "gul", "tam", "ser", "ho", "wen", "cra", "du", "ple", "mo", "sti", "ven", "ro", "ka", "bri",
    "ta", "lo", "nex", "um",
];

const TEMPLATES: [&str; 8] = [
    "what is {a} {b}",
    "how does {a} help {b}",
    "can {a} cause {b} pain",
    "is {a} safe with {b}",
    "{a} {b} benefits",
    "why does {a} affect {b}",
    "{a} and {b} side effects",
    "how long does {a} {b} last",
];

/// A pseudo-word from an index: distinct indices give distinct words.
pub fn word(mut i: usize) -> String {
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
        if i == 0 {
            break;
        }
    }
    w
}

/// The shared vocabulary size; entries draw from it with a skew.
const VOCABULARY: usize = 20_000;

/// The files of a content folder with `entries` entries.
pub fn catalog_files(entries: usize, seed: u64) -> BTreeMap<String, Vec<u8>> {
    let mut rng = Rng::new(seed);
    let topics = (entries / 200).clamp(10, 500);
    let mut article = String::from("Synthetic Article\n\n");
    let mut sources = String::from(
        "[[source]]\nid = \"synthetic\"\ntitle = \"Synthetic Article\"\nfile = \"article.txt\"\n",
    );
    let mut entries_toml = String::new();
    for e in 0..entries {
        // A word no other entry has, and words shared with others.
        let own = word(VOCABULARY + e);
        let shared: Vec<String> = (0..6).map(|_| word(rng.skewed(VOCABULARY))).collect();
        let heading = format!("Part {e}");
        let first = format!("The {own} notes say {} and {}.", shared[0], shared[1]);
        let second = format!("More about {} here.", shared[2]);
        let _ = write!(article, "{heading}\n\n{first} {second}\n\n");
        let _ = write!(sources, "\n[[source.section]]\nheading = \"{heading}\"\n");
        // Every sentence is quoted or skipped, as `check` requires: one
        // section in ten skips its second sentence, the others quote both.
        let quote = if e % 10 == 0 {
            let _ = writeln!(
                sources,
                "skip_sentences = [{{ text = \"{second}\", reason = \"An aside.\" }}]"
            );
            first
        } else {
            format!("{first} {second}")
        };
        let mut phrasings = Vec::new();
        for t in 0..7 {
            let template = TEMPLATES[(e + t) % TEMPLATES.len()];
            let phrase = template
                .replace("{a}", &own)
                .replace("{b}", &shared[t % shared.len()]);
            if !phrasings.contains(&phrase) {
                phrasings.push(phrase);
            }
        }
        let question = format!("{}?", phrasings.remove(0));
        let alternates: Vec<String> = phrasings.iter().map(|p| format!("\"{p}\"")).collect();
        let _ = write!(
            entries_toml,
            "[[entry]]\nid = \"e{e}\"\nquestion = \"{question}\"\nalternates = [{}]\n\
             topics = [\"t{}\"]\nanswer = \"The article says {own} relates to {} and {} and {}.\"\n\n\
             [[entry.source]]\nid = \"synthetic\"\nsection = \"{heading}\"\nquote = \"{quote}\"\n\n",
            alternates.join(", "),
            e % topics,
            shared[0],
            shared[3],
            shared[4],
        );
    }
    let mut topics_toml = String::new();
    for t in 0..topics {
        let _ = write!(
            topics_toml,
            "[[topic]]\nid = \"t{t}\"\nname = \"{} {}\"\nsummary = \"Synthetic topic {t}.\"\n\n",
            word(rng.skewed(VOCABULARY)),
            word(t)
        );
    }
    let synonyms = "[[synonym]]\nwords = [\"pain\", \"hurt\", \"ache\"]\n\n\
                    [[synonym]]\nwords = [\"safe\", \"risky\", \"dangerous\"]\n";
    let red_flags = "message = \"Seek care now: {reason}.\"\n\n[[flag]]\nid = \"chest\"\n\
                     name = \"chest pain\"\nwhen = [[\"chest\", \"pain\"]]\n\n[[flag]]\n\
                     id = \"crisis\"\nkind = \"crisis\"\nname = \"suicide\"\nwhen = [[\"suicide\"]]\n";
    let crisis = "message = \"Talk to someone now: {lines}\"\n\n[[line]]\nregion = \"Anywhere\"\n\
                  contact = \"your local emergency number\"\n";
    BTreeMap::from([
        ("article.txt".to_owned(), article.into_bytes()),
        ("sources.toml".to_owned(), sources.into_bytes()),
        ("topics.toml".to_owned(), topics_toml.into_bytes()),
        ("entries.toml".to_owned(), entries_toml.into_bytes()),
        ("synonyms.toml".to_owned(), synonyms.as_bytes().to_vec()),
        // The shipped texts: they name no entry, topic or article.
        (
            "messages.toml".to_owned(),
            include_bytes!("../faq/messages.toml").to_vec(),
        ),
        ("red-flags.toml".to_owned(), red_flags.as_bytes().to_vec()),
        ("crisis.toml".to_owned(), crisis.as_bytes().to_vec()),
        (
            "red-flag-examples.toml".to_owned(),
            b"[[flag]]\nid = \"chest\"\nlike = [\"my chest feels crushed\"]\n".to_vec(),
        ),
        // No members' messages: a catalog this large matches without the
        // classifier (`classifier::MAX_ENTRIES`).
        ("examples.toml".to_owned(), b"# none\n".to_vec()),
        (
            "smalltalk.toml".to_owned(),
            b"[[talk]]\nid = \"greeting\"\nphrases = [\"hi\", \"hello\"]\nreply = \"Hi!\"\n"
                .to_vec(),
        ),
    ])
}

/// Questions against a synthetic catalog: reworded phrasings, phrasings with
/// a typo, keyword pairs, and off-topic questions, in a fixed mix.
pub fn questions(entries: usize, count: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            let own = word(VOCABULARY + rng.below(entries));
            let other = word(rng.skewed(VOCABULARY));
            match i % 4 {
                0 => format!("could {own} really help with {other}"),
                1 => {
                    // One letter dropped from the entry's own word.
                    let cut = own.len() / 2;
                    format!("what is {}{} {other}", &own[..cut], &own[cut + 1..])
                }
                2 => format!("{own} {other}"),
                _ => format!("how do I repair a {} {}", word(VOCABULARY * 3 + i), other),
            }
        })
        .collect()
}
