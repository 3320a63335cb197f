//! The loader's problem reports, on small broken variants of one valid
//! fixture held in memory: each case edits the fixture and lists exactly the
//! problems a moderator must see, with file and line.

use std::collections::BTreeMap;
use std::io;

use backpain_bot::content;
use backpain_bot::matcher::Thresholds;

const ARTICLE: &str = "\
An Article Title

First Heading

Acupressure uses finger pressure. Sessions last 30-60 minutes.

Second Heading

Needles are thin.

Skipped Heading
";

const SOURCES: &str = r#"[[source]]
id = "art"
title = "An Article"
file = "article.txt"

[[source.section]]
heading = "First Heading"

[[source.section]]
heading = "Second Heading"

[[source.section]]
heading = "Skipped Heading"
skip = "Nothing follows it."
"#;

const TOPICS: &str = r#"[[topic]]
id = "basics"
name = "Basics"
summary = "The basics."
"#;

const ENTRIES: &str = r#"[[entry]]
id = "what-is-acupressure"
question = "What is acupressure?"
alternates = ["acupressure meaning", "define acupressure"]
topics = ["basics"]
answer = "Acupressure uses finger pressure; sessions last 30-60 minutes."

[[entry.source]]
id = "art"
section = "First Heading"
quote = "Acupressure uses finger pressure. Sessions last 30-60 minutes."

[[entry]]
id = "needles"
question = "Are the needles thick?"
alternates = ["needle size"]
topics = ["basics"]
answer = "The article says they are thin."

[[entry.source]]
id = "art"
section = "Second Heading"
quote = "Needles are thin."
"#;

const SYNONYMS: &str = r#"[[synonym]]
words = ["needle", "needles", "pins"]
"#;

const MESSAGES: &str = r#"disclaimer = "Not medical advice."
no_answer = "No answer in {articles}. Try {topics}."
suggest = "Did you mean:\n{questions}"
answer_source = "Source: {source}"
answer_sources = "Sources:\n{sources}"
citation = "*{title}*, \"{section}\""
topics = "Topics:\n{topics}"
topics_item = "{name} ({count})"
sources = "Articles:\n{sources}"
sources_item = "{title}"
topic_menu = "Open a question"
no_topic = "No such topic."
entry_gone = "That question is gone."
help = "Ask me. Seek care now for:\n{flags}"
unnamed_reason = "a warning sign"
cooldown = "Wait {seconds} seconds."
cooldown_one_second = "Wait 1 second."
cooldown_unknown = "Wait a little."
reload_not_moderator = "Moderators only."
reload_interrupted = "Shutting down."
reload_failed = "The reload failed."
reload_refused = "{count} problems:\n{problems}"
reload_refused_one = "1 problem:\n{problems}"
reload_done = "Reloaded: {entries} entries.\nAdded: {added}"
reload_none = "none"
list_more = "and {count} more"
and = "and"
"#;

const RED_FLAGS: &str = r#"message = "Seek care now: {reason}."

[[flag]]
id = "bladder"
name = "loss of bladder control"
when = [["bladder | bowel", "control | leak"]]

[[flag]]
id = "crisis"
kind = "crisis"
name = "thoughts of suicide"
when = [["suicide | suicidal"]]
"#;

const CRISIS: &str = r#"message = "Please talk to someone now: {lines}"

[[line]]
region = "Anywhere"
contact = "call your local emergency number"
"#;

const EXAMPLES: &str = r#"[[flag]]
id = "bladder"
like = ["i wet myself and never felt it"]

[calm]
like = ["i nearly wet myself laughing"]
"#;

const MEMBER_EXAMPLES: &str = r#"[[entry]]
id = "what-is-acupressure"
messages = ["so what even is acupressure lol"]

[uncovered]
messages = ["can acupressure fix my knee"]
"#;

const SMALL_TALK: &str = r#"filler = ["there"]

[[talk]]
id = "greeting"
phrases = ["hi", "hello"]
reply = "Hi! Ask me about acupressure."

[[talk]]
id = "thanks"
phrases = ["thanks", "thank you"]
reply = "You're welcome."
"#;

/// One edit to the fixture: in `file`, replace `from` with `to` (an empty
/// `from` replaces the whole file; `None` removes the file).
type Edit = (&'static str, &'static str, Option<&'static str>);

fn check(edits: &[Edit], expect: &[&str]) {
    let mut files: BTreeMap<&str, Vec<u8>> = BTreeMap::from([
        ("article.txt", ARTICLE.as_bytes().to_vec()),
        ("sources.toml", SOURCES.as_bytes().to_vec()),
        ("topics.toml", TOPICS.as_bytes().to_vec()),
        ("entries.toml", ENTRIES.as_bytes().to_vec()),
        ("synonyms.toml", SYNONYMS.as_bytes().to_vec()),
        ("messages.toml", MESSAGES.as_bytes().to_vec()),
        ("red-flags.toml", RED_FLAGS.as_bytes().to_vec()),
        ("crisis.toml", CRISIS.as_bytes().to_vec()),
        ("red-flag-examples.toml", EXAMPLES.as_bytes().to_vec()),
        ("smalltalk.toml", SMALL_TALK.as_bytes().to_vec()),
        ("examples.toml", MEMBER_EXAMPLES.as_bytes().to_vec()),
    ]);
    for &(file, from, to) in edits {
        match to {
            None => {
                files.remove(file);
            }
            Some(to) => {
                let text = String::from_utf8(files[file].clone()).expect("fixture is UTF-8");
                assert!(text.contains(from), "edit target {from:?} not in {file}");
                let edited = if from.is_empty() {
                    to.to_owned()
                } else {
                    text.replacen(from, to, 1)
                };
                files.insert(file, edited.into_bytes());
            }
        }
    }
    let read = |name: &str| {
        files
            .get(name)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    };
    // As `check` and `/reload` load: the matcher's own checks included.
    let got: Vec<String> = match backpain_bot::load_with("faq", read, Thresholds::default()) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(got, expect, "edits: {edits:?}");
}

#[test]
fn valid_fixture_loads() {
    check(&[], &[]);
}

#[test]
fn syntax_and_schema_problems() {
    check(
        &[(
            "entries.toml",
            "question = \"What is acupressure?\"",
            Some("question = \"What is acupressure?"),
        )],
        &["faq/entries.toml:3: invalid basic string, expected `\"`"],
    );
    check(
        &[("entries.toml", "answer = \"The article", Some("anwser = \"The article"))],
        &["faq/entries.toml:18: unknown key `anwser`, expected one of `id`, `question`, `alternates`, `answer`, `topics`, `must_mention`, `source` (check its spelling)"],
    );
    check(
        &[(
            "entries.toml",
            "alternates = [\"needle size\"]",
            Some("alternates = \"needle size\""),
        )],
        &["faq/entries.toml:16: wrong kind of value: string \"needle size\", expected a sequence"],
    );
    check(
        &[("topics.toml", "summary", Some("sumary"))],
        &["faq/topics.toml:4: unknown key `sumary`, expected one of `id`, `name`, `summary` (check its spelling)"],
    );
    check(
        &[(
            "messages.toml",
            "",
            Some("disclaimer = \"x\"\nfooter = \"y\"\n"),
        )],
        &["faq/messages.toml:2: unknown key `footer`: this file holds only the texts its comments describe (check its spelling)"],
    );
    check(
        &[("topics.toml", "", Some("[topic]\nid = \"basics\"\n"))],
        &["faq/topics.toml:1: `topic` must be written as [[topic]] sections"],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    check(
        &[
            ("entries.toml", "question = \"What is acupressure?\"", Some("questoin = \"What is acupressure?\"")),
            ("entries.toml", "topics = [\"basics\"]\nanswer = \"The article", Some("topics = [\"basic\"]\nanswer = \"The article")),
            ("sources.toml", "title = \"An Article\"", Some("title = \"\"")),
        ],
        &[
            "faq/sources.toml:3: `title` is empty",
            "faq/entries.toml:3: unknown key `questoin`, expected one of `id`, `question`, `alternates`, `answer`, `topics`, `must_mention`, `source` (check its spelling)",
            "faq/entries.toml:17: entry \"needles\" names unknown topic \"basic\" (see topics.toml)",
        ],
    );
}

#[test]
fn reference_problems() {
    check(
        &[("entries.toml", "id = \"needles\"", Some("id = \"what-is-acupressure\""))],
        &["faq/entries.toml:14: duplicate entry id \"what-is-acupressure\" (first used on line 2)"],
    );
    check(
        &[("entries.toml", "id = \"needles\"", Some("id = \"Needles!\""))],
        &["faq/entries.toml:14: entry id \"Needles!\" must use only lowercase letters, digits and hyphens"],
    );
    check(
        &[("entries.toml", "id = \"art\"\nsection = \"Second", Some("id = \"article\"\nsection = \"Second"))],
        &["faq/entries.toml:21: entry \"needles\" cites unknown source \"article\" (see sources.toml)"],
    );
    check(
        &[("entries.toml", "section = \"Second Heading\"", Some("section = \"Third Heading\""))],
        &["faq/entries.toml:22: entry \"needles\" cites section \"Third Heading\", which is not a section of source \"art\" in sources.toml"],
    );
    check(
        &[("entries.toml", "section = \"Second Heading\"\nquote = \"Needles are thin.\"", Some("section = \"Skipped Heading\"\nquote = \"Skipped Heading\""))],
        &["faq/entries.toml:22: entry \"needles\" cites section \"Skipped Heading\", which sources.toml marks as skipped"],
    );
    check(
        &[("topics.toml", "", Some("[[topic]]\nid = \"basics\"\nname = \"Basics\"\nsummary = \"s\"\n\n[[topic]]\nid = \"lonely\"\nname = \"Lonely\"\nsummary = \"s\"\n"))],
        &["faq/topics.toml:6: topic \"lonely\" has no entries"],
    );
}

#[test]
fn answer_and_phrasing_problems() {
    check(
        &[(
            "entries.toml",
            "answer = \"The article says they are thin.\"",
            Some("answer = \"  \""),
        )],
        &["faq/entries.toml:18: entry \"needles\" has an empty answer"],
    );
    let long = Box::leak(format!("answer = \"{}\"", "word ".repeat(200)).into_boxed_str());
    check(
        &[("entries.toml", "answer = \"The article says they are thin.\"", Some(long))],
        &["faq/entries.toml:18: entry \"needles\": the answer is 999 characters long; the limit is 900 so that it fits one Discord message"],
    );
    check(
        &[("entries.toml", "alternates = [\"needle size\"]", Some("alternates = [\"Define acupressure!\"]"))],
        &["faq/entries.toml:16: entry \"needles\": the phrasing \"Define acupressure!\" is already used by entry \"what-is-acupressure\""],
    );
    check(
        &[("entries.toml", "alternates = [\"needle size\"]", Some("alternates = [\"needle size\", \"Needle size?\"]"))],
        &["faq/entries.toml:16: entry \"needles\": the phrasing \"Needle size?\" is already used by this entry"],
    );
    check(
        &[("entries.toml", "they are thin.\"", Some("they are 2 mm thin.\""))],
        &["faq/entries.toml:18: entry \"needles\": the answer says \"2\", a number that none of its cited sections contains"],
    );
}

#[test]
fn quote_problems() {
    check(
        &[("entries.toml", "quote = \"Needles are thin.\"", Some("quote = \"Needles are very thin.\""))],
        &["faq/entries.toml:23: entry \"needles\": the quote is not found word for word in section \"Second Heading\" of article.txt"],
    );
    check(
        &[("entries.toml", "quote = \"Needles are thin.\"", Some("quote = \"Acupressure uses finger pressure.\""))],
        &["faq/entries.toml:23: entry \"needles\": the quote is not found word for word in section \"Second Heading\" of article.txt (it is in section \"First Heading\")"],
    );
    // Curly quote marks and extra whitespace are not differences.
    check(
        &[
            (
                "article.txt",
                "Needles are thin.",
                Some("Needles aren’t thick."),
            ),
            (
                "entries.toml",
                "quote = \"Needles are thin.\"",
                Some("quote = \"Needles  aren't\\nthick.\""),
            ),
        ],
        &[],
    );
}

#[test]
fn small_talk_problems() {
    check(
        &[(
            "smalltalk.toml",
            "id = \"thanks\"",
            Some("id = \"greeting\""),
        )],
        &["faq/smalltalk.toml:9: duplicate talk id \"greeting\" (first used on line 4)"],
    );
    check(
        &[(
            "smalltalk.toml",
            "phrases = [\"thanks\", \"thank you\"]",
            Some("phrases = []"),
        )],
        &["faq/smalltalk.toml:10: talk \"thanks\" has no phrases: list how members say it"],
    );
    check(
        &[("smalltalk.toml", "\"thank you\"]", Some("\"Hello!\"]"))],
        &["faq/smalltalk.toml:10: talk \"thanks\": the phrase \"Hello!\" is already used by talk \"greeting\" (case and punctuation do not count)"],
    );
    check(
        &[("smalltalk.toml", "\"thank you\"]", Some("\"thank you\", \"Thank you!\"]"))],
        &["faq/smalltalk.toml:10: talk \"thanks\": the phrase \"Thank you!\" is already used by this talk (case and punctuation do not count)"],
    );
    check(
        &[(
            "smalltalk.toml",
            "\"thank you\"]",
            Some("\"thank you\", \"?!\"]"),
        )],
        &["faq/smalltalk.toml:10: talk \"thanks\": a phrase must contain a letter or digit"],
    );
    check(
        &[("smalltalk.toml", "\"thank you\"]", Some("\"thank you for all the answers today\"]"))],
        &["faq/smalltalk.toml:10: talk \"thanks\": the phrase \"thank you for all the answers today\" has 7 words; small talk is at most 6 (a longer one is a question for entries.toml)"],
    );
    check(
        &[(
            "smalltalk.toml",
            "reply = \"You're welcome.\"",
            Some("reply = \" \""),
        )],
        &["faq/smalltalk.toml:11: `reply` is empty"],
    );
    let long = Box::leak(format!("reply = \"{}\"", "welcome ".repeat(250)).into_boxed_str());
    check(
        &[("smalltalk.toml", "reply = \"You're welcome.\"", Some(long))],
        &["faq/smalltalk.toml:11: the reply to talk \"thanks\" would be 2020 characters with the disclaimer, more than the 2000 a Discord message holds: shorten it"],
    );
    check(
        &[("smalltalk.toml", "reply = \"You're welcome.\"", Some("reply = \"You're welcome.\"\nanswer = \"x\""))],
        &["faq/smalltalk.toml:12: unknown key `answer`, expected one of `id`, `phrases`, `reply` (check its spelling)"],
    );
    check(
        &[("smalltalk.toml", "", Some("filler = [\"there\"]\n"))],
        &["faq/smalltalk.toml: there are no [[talk]] sections: greetings and thanks would get \"I don't have an answer for that\""],
    );
    check(
        &[(
            "smalltalk.toml",
            "filler = [\"there\"]",
            Some("filler = [\"--\"]"),
        )],
        &["faq/smalltalk.toml:1: a filler word must contain a letter or digit"],
    );
    // A phrase that is also an FAQ phrasing is fine: the FAQ answer wins.
    check(
        &[(
            "smalltalk.toml",
            "\"thank you\"]",
            Some("\"thank you\", \"needle size\"]"),
        )],
        &[],
    );
    check(
        &[("smalltalk.toml", "", None)],
        &["faq/smalltalk.toml: the file is missing"],
    );
}

#[test]
fn red_flag_example_problems() {
    check(
        &[("red-flag-examples.toml", "id = \"bladder\"", Some("id = \"bladdr\""))],
        &["faq/red-flag-examples.toml:2: red flag \"bladdr\" is not in red-flags.toml: use the id of one of its [[flag]] sections"],
    );
    check(
        &[("red-flag-examples.toml", "[\"i nearly wet myself laughing\"]", Some("[\"I wet myself and never felt it\"]"))],
        &["faq/red-flag-examples.toml:6: the example \"I wet myself and never felt it\" is given also as a calm message, but line 3 has it as red flag \"bladder\": keep it once"],
    );
    check(
        &[(
            "red-flag-examples.toml",
            "[\"i wet myself and never felt it\"]",
            Some("[\"i wet myself\", \" \"]"),
        )],
        &["faq/red-flag-examples.toml:3: an example of red flag \"bladder\" is empty"],
    );
    check(
        &[("red-flag-examples.toml", "[\"i wet myself and never felt it\"]", Some("[]"))],
        &["faq/red-flag-examples.toml:2: red flag \"bladder\" has no examples: add sentences to `like`, or remove the section"],
    );
    let long = format!("[\"{}\"]", "numb ".repeat(61));
    let long: &'static str = Box::leak(long.into_boxed_str());
    check(
        &[("red-flag-examples.toml", "[\"i wet myself and never felt it\"]", Some(long))],
        &["faq/red-flag-examples.toml:3: an example of red flag \"bladder\" is 304 characters, more than 300: an example is one sentence, so split it or shorten it"],
    );
    // Whole messages, for the net's classifier: longer allowed, the same
    // checks otherwise.
    let message = format!("messages = [\"{}\"]\n\n[calm]", "numb ".repeat(161));
    let message: &'static str = Box::leak(message.into_boxed_str());
    check(
        &[("red-flag-examples.toml", "\n[calm]", Some(message))],
        &["faq/red-flag-examples.toml:4: an example message of red flag \"bladder\" is 804 characters, more than 800: shorten it to the part that says what matters"],
    );
    check(
        &[(
            "red-flag-examples.toml",
            "\n[calm]",
            Some("messages = [\"i wet myself, no idea when\"]\n\n[calm]\nmessages = [\"I wet myself, no idea when\"]"),
        )],
        &["faq/red-flag-examples.toml:7: the example message \"I wet myself, no idea when\" is given also as the calm messages, but line 4 has it as red flag \"bladder\": keep it once"],
    );
    check(
        &[(
            "red-flag-examples.toml",
            "\n[calm]",
            Some("messages = [\"i wet myself and never felt it\", \"  \"]\n\n[calm]"),
        )],
        &["faq/red-flag-examples.toml:4: an example message of red flag \"bladder\" is empty"],
    );
    check(
        &[("red-flag-examples.toml", "", None)],
        &["faq/red-flag-examples.toml: the file is missing"],
    );
}

#[test]
fn member_example_problems() {
    check(
        &[("examples.toml", "id = \"what-is-acupressure\"", Some("id = \"what-is-acupresure\""))],
        &["faq/examples.toml:2: entry \"what-is-acupresure\" is not in entries.toml: use the id of one of its [[entry]] sections"],
    );
    check(
        &[("examples.toml", "[\"can acupressure fix my knee\"]", Some("[\"So what even is acupressure lol\"]"))],
        &["faq/examples.toml:6: the message \"So what even is acupressure lol\" is given also for [uncovered], but line 3 has it for entry \"what-is-acupressure\": keep it once"],
    );
    check(
        &[(
            "examples.toml",
            "[\"so what even is acupressure lol\"]",
            Some("[\"ok\", \" ?! \"]"),
        )],
        &["faq/examples.toml:3: a message of entry \"what-is-acupressure\" has no words"],
    );
    check(
        &[("examples.toml", "[\"so what even is acupressure lol\"]", Some("[]"))],
        &["faq/examples.toml:2: entry \"what-is-acupressure\" has no messages: add some, or remove the section"],
    );
    let long = format!("[\"{}\"]", "acupressure ".repeat(28));
    let long: &'static str = Box::leak(long.into_boxed_str());
    check(
        &[("examples.toml", "[\"can acupressure fix my knee\"]", Some(long))],
        &["faq/examples.toml:6: a message of [uncovered] is 335 characters, more than 300: keep the part that asks"],
    );
    check(
        &[("examples.toml", "messages = [\"so", Some("message = [\"so"))],
        &["faq/examples.toml:3: unknown key `message`, expected `id` or `messages` (check its spelling)"],
    );
    check(
        &[("examples.toml", "", None)],
        &["faq/examples.toml: the file is missing"],
    );
}

#[test]
fn red_flag_and_coverage_problems() {
    check(
        &[("red-flags.toml", "when = [[\"bladder | bowel\", \"control | leak\"]]", Some("when = [[\"bladder\", \" | \"]]"))],
        &["faq/red-flags.toml:6: red flag \"bladder\": every rule needs at least one slot, and every slot at least one word"],
    );
    check(
        &[(
            "red-flags.toml",
            "message = \"Seek care now: {reason}.\"",
            Some("message = \"\""),
        )],
        &["faq/red-flags.toml:1: `message` is empty"],
    );
    check(
        &[("red-flags.toml", "kind = \"crisis\"\n", Some("kind = \"crisi\"\n"))],
        &[
            "faq/red-flags.toml:10: red flag \"crisis\": kind \"crisi\" is not known (use \"emergency\" or \"crisis\")",
            "faq/red-flags.toml: no [[flag]] has kind = \"crisis\": messages about suicide or self-harm would get no crisis reply",
        ],
    );
    check(
        &[("red-flags.toml", "", Some("message = \"Seek care: {reason}.\"\n\n[negation]\nwords = [\"no\"]\nreach = 40\n\n[[flag]]\nid = \"crisis\"\nkind = \"crisis\"\nname = \"suicide\"\nwhen = [[\"suicide\"]]\n"))],
        &["faq/red-flags.toml:5: `reach` must be a whole number from 1 to 12 (words)"],
    );
    // An urgent reply must never be cut by Discord's limit.
    let long_name = format!("name = \"{}\"", "a".repeat(2000));
    let long_name: &'static str = Box::leak(long_name.into_boxed_str());
    check(
        &[("red-flags.toml", "name = \"loss of bladder control\"", Some(long_name))],
        &["faq/red-flags.toml:5: the reply to red flag \"bladder\" would be 2037 characters with the disclaimer, more than the 2000 a Discord message holds: shorten it"],
    );
    check(
        &[(
            "crisis.toml",
            "Please talk to someone now: {lines}",
            Some("Please talk to someone now."),
        )],
        &["faq/crisis.toml:1: `message` must contain {lines}, where the crisis lines are listed"],
    );
    check(
        &[("crisis.toml", "", Some("message = \"Talk to someone: {lines}\"\n"))],
        &["faq/crisis.toml: there are no [[line]] sections: the crisis reply needs at least one crisis line (for example your country's suicide and crisis line)"],
    );
    check(
        &[(
            "crisis.toml",
            "contact = \"call your local emergency number\"",
            Some("contact = \" \""),
        )],
        &["faq/crisis.toml:5: `contact` is empty"],
    );
    // A section that no entry cites must be marked as skipped, with a reason.
    check(
        &[("sources.toml", "skip = \"Nothing follows it.\"\n", Some(""))],
        &["faq/sources.toml:13: section \"Skipped Heading\" of source \"art\" is cited by no entry: cite it, or mark it with skip = \"why it is left out\""],
    );
}

/// Every sentence of a cited section must be quoted by an entry or skipped
/// with a reason, and every skip must be a sentence of its section that no
/// entry quotes.
#[test]
fn sentence_coverage_problems() {
    const SECOND: &str = "heading = \"Second Heading\"\n";
    let skip = |text: &str| -> &'static str {
        Box::leak(
            format!("{SECOND}skip_sentences = [{{ text = \"{text}\", reason = \"An aside.\" }}]\n")
                .into_boxed_str(),
        )
    };
    let more = (
        "article.txt",
        "Needles are thin.",
        Some("Needles are thin. They’re steel."),
    );
    // A sentence no entry quotes, at the section's line.
    check(
        &[more],
        &["faq/sources.toml:10: section \"Second Heading\" of source \"art\": no entry quotes the sentence \"They're steel.\": quote it in an entry, or add it to the section's skip_sentences with the reason it is left out"],
    );
    // Skipped with a reason, it is left out on purpose (curly quote marks
    // and spacing do not count); or quoted, it is covered.
    check(
        &[
            more,
            ("sources.toml", SECOND, Some(skip("They're  steel."))),
        ],
        &[],
    );
    check(
        &[
            more,
            (
                "entries.toml",
                "quote = \"Needles are thin.\"",
                Some("quote = \"Needles are thin. They're steel.\""),
            ),
        ],
        &[],
    );
    // A quote that is part of the sentence covers it.
    check(
        &[more, ("entries.toml", "quote = \"Needles are thin.\"", Some("quote = \"Needles are thin.\"\n\n[[entry.source]]\nid = \"art\"\nsection = \"Second Heading\"\nquote = \"steel\""))],
        &[],
    );
    // A section no entry cites is one problem, not one per sentence.
    check(
        &[more, ("entries.toml", "section = \"Second Heading\"\nquote = \"Needles are thin.\"", Some("section = \"First Heading\"\nquote = \"Acupressure uses finger pressure.\""))],
        &["faq/sources.toml:10: section \"Second Heading\" of source \"art\" is cited by no entry: cite it, or mark it with skip = \"why it is left out\""],
    );
    // A skip must be in its section...
    check(
        &[("sources.toml", SECOND, Some(skip("They are steel.")))],
        &["faq/sources.toml:11: this skipped sentence is not in section \"Second Heading\" of article.txt: copy it word for word from the section"],
    );
    check(
        &[("sources.toml", SECOND, Some(skip("Sessions last 30-60 minutes.")))],
        &["faq/sources.toml:11: this skipped sentence is not in section \"Second Heading\" of article.txt: copy it word for word from the section (it is in section \"First Heading\")"],
    );
    // ...quoted by no entry...
    check(
        &[("sources.toml", SECOND, Some(skip("Needles are thin.")))],
        &["faq/sources.toml:11: this skipped sentence of section \"Second Heading\" is quoted by entry \"needles\": take it out of skip_sentences, or the quote out of the entry"],
    );
    // ...a sentence rather than a heading...
    check(
        &[("sources.toml", SECOND, Some(skip("Second Heading")))],
        &["faq/sources.toml:11: this skipped text is not a sentence of section \"Second Heading\": skip whole sentences or part of one (a heading needs no skip; `check --coverage` lists the sentences)"],
    );
    // ...in a section that is not skipped whole, and with a reason.
    check(
        &[("sources.toml", "skip = \"Nothing follows it.\"\n", Some("skip = \"Nothing follows it.\"\nskip_sentences = [{ text = \"Skipped\", reason = \"x\" }]\n"))],
        &["faq/sources.toml:15: section \"Skipped Heading\" is skipped whole (`skip`): its sentences need no skip_sentences"],
    );
    check(
        &[more, ("sources.toml", SECOND, Some("heading = \"Second Heading\"\nskip_sentences = [{ text = \"They're steel.\", reason = \" \" }]\n"))],
        &["faq/sources.toml:11: `reason` is empty"],
    );
    check(
        &[("sources.toml", SECOND, Some("heading = \"Second Heading\"\nskip_sentences = [{ txt = \"Needles\", reason = \"x\" }]\n"))],
        &["faq/sources.toml:11: unknown key `txt`, expected `text` or `reason` (check its spelling)"],
    );
}

/// `must_mention`: words a question must contain one of for the entry to
/// answer it. Every phrasing must hold one, and each must be a word the
/// matcher knows.
#[test]
fn must_mention_problems() {
    const AT: &str = "topics = [\"basics\"]\nanswer = \"The article says they are thin.\"";
    let with = |words: &str| -> &'static str {
        Box::leak(format!("must_mention = [{words}]\n{AT}").into_boxed_str())
    };
    check(&[("entries.toml", AT, Some(with("\"needles\"")))], &[]);
    check(
        &[("entries.toml", AT, Some(with("\"thick\"")))],
        &["faq/entries.toml:13: entry \"needles\": the phrasing \"needle size\" mentions none of the entry's must_mention words (thick), so a question asked that way could never be answered: add one to it"],
    );
    check(
        &[("entries.toml", AT, Some(with("\"needles\", \"the\", \"zzyzx\"")))],
        &[
            "faq/entries.toml:13: entry \"needles\": must_mention \"the\" can never be matched: the matcher ignores words like \"is\" and \"the\", and knows only words the content's phrasings, answers or topics use",
            "faq/entries.toml:13: entry \"needles\": must_mention \"zzyzx\" can never be matched: the matcher ignores words like \"is\" and \"the\", and knows only words the content's phrasings, answers or topics use",
        ],
    );
    check(
        &[("entries.toml", AT, Some(with("\" \"")))],
        &["faq/entries.toml:17: `must_mention` is empty"],
    );
}

/// The bot's own texts: every key there, none empty, placeholders the
/// ones each text can use and must use, and every reply within one Discord
/// message once the lists from the other files are filled in.
#[test]
fn message_problems() {
    check(
        &[("messages.toml", "cooldown = ", Some("cooldwn = "))],
        &["faq/messages.toml:16: unknown key `cooldwn` (check its spelling: `cooldown`?)"],
    );
    check(
        &[(
            "messages.toml",
            "help = \"Ask me. Seek care now for:\\n{flags}\"\n",
            Some(""),
        )],
        &["faq/messages.toml: missing key `help` (the text of /help): add it"],
    );
    check(
        &[
            ("messages.toml", "topic_menu = \"Open a question\"\n", Some("")),
            ("messages.toml", "and = \"and\"\n", Some("")),
        ],
        &[
            "faq/messages.toml: missing key `topic_menu` (the menu under a topic): add it",
            "faq/messages.toml: missing key `and` (the word between the last two titles of {articles}): add it",
        ],
    );
    check(
        &[("messages.toml", "Wait {seconds} seconds.", Some("Wait {secnds} seconds."))],
        &["faq/messages.toml:16: `cooldown`: \"{secnds}\" is not one of the placeholders this text can use: {seconds}"],
    );
    check(
        &[("messages.toml", "{name} ({count})", Some("{name} ({count}) {title}"))],
        &["faq/messages.toml:8: `topics_item`: \"{title}\" is not one of the placeholders this text can use: {name}, {id}, {count}, {summary}"],
    );
    check(
        &[("messages.toml", "No such topic.", Some("No such {topic}."))],
        &["faq/messages.toml:12: `no_topic`: \"{topic}\" is not a placeholder this text can use (it takes none)"],
    );
    check(
        &[("messages.toml", "Wait {seconds} seconds.", Some("Wait a few seconds."))],
        &["faq/messages.toml:16: `cooldown` must contain {seconds}, where the number of seconds to wait goes"],
    );
    check(
        &[("messages.toml", "\"*{title}*, \\\"{section}\\\"\"", Some("\"*{title}*\""))],
        &["faq/messages.toml:6: `citation` must contain {section}, where the section's heading goes"],
    );
    check(
        &[("messages.toml", "Did you mean:\\n{questions}", Some("Did you mean one of these?"))],
        &["faq/messages.toml:3: `suggest` must contain {questions}, where the questions it might be are listed"],
    );
    check(
        &[("messages.toml", "Ask me. Seek care now for:\\n{flags}", Some("Ask me."))],
        &["faq/messages.toml:14: `help` must contain {flags}, where the red flags that need medical care now are listed"],
    );
    check(
        &[(
            "messages.toml",
            "topic_menu = \"Open a question\"",
            Some("topic_menu = \"  \""),
        )],
        &["faq/messages.toml:11: `topic_menu` is empty"],
    );
    check(
        &[("messages.toml", "and = \"and\"", Some("and = 3"))],
        &["faq/messages.toml:27: wrong kind of value: integer `3`, expected a string"],
    );
    let long =
        Box::leak(format!("Wait {{seconds}} seconds.{}", " Please.".repeat(250)).into_boxed_str());
    check(
        &[("messages.toml", "Wait {seconds} seconds.", Some(long))],
        &["faq/messages.toml:16: `cooldown` is 2023 characters; with the disclaimer that is more than the 2000 a Discord message holds: shorten it"],
    );
    let menu = Box::leak(format!("topic_menu = \"{}\"", "a".repeat(151)).into_boxed_str());
    check(
        &[("messages.toml", "topic_menu = \"Open a question\"", Some(menu))],
        &["faq/messages.toml:11: `topic_menu` is 151 characters; Discord shows at most 150 in a menu: shorten it"],
    );
    // The lists come from the other files: a long topic name, red flag or
    // question makes a reply too long, reported where its text is.
    let name = Box::leak(format!("name = \"{}\"", "Basic ".repeat(330)).into_boxed_str());
    check(
        &[("topics.toml", "name = \"Basics\"", Some(name))],
        &["faq/messages.toml:2: `no_answer` would be 2032 characters with the longest topic names filled in and the disclaimer, more than the 2000 a Discord message holds: shorten it"],
    );
    let flag = Box::leak(format!("name = \"{}\"", "bladder ".repeat(125)).into_boxed_str());
    check(
        &[
            ("messages.toml", "Ask me. Seek care now for:\\n{flags}", Some("Seek care now for:\\n{flags}\\nThat is:\\n{flags}")),
            ("red-flags.toml", "name = \"loss of bladder control\"", Some(flag)),
        ],
        &["faq/messages.toml:14: `help` would be 2052 characters with every red flag and article filled in and the disclaimer, more than the 2000 a Discord message holds: shorten it"],
    );
    let question = Box::leak(
        format!("question = \"{}?\"", "Are the needles thick ".repeat(90)).into_boxed_str(),
    );
    check(
        &[("entries.toml", "question = \"Are the needles thick?\"", Some(question))],
        &["faq/messages.toml:3: `suggest` would be 2043 characters with the longest questions filled in and the disclaimer, more than the 2000 a Discord message holds: shorten it"],
    );
}

#[test]
fn file_problems() {
    check(
        &[("messages.toml", "", None)],
        &["faq/messages.toml: the file is missing"],
    );
    check(
        &[(
            "sources.toml",
            "file = \"article.txt\"",
            Some("file = \"articel.txt\""),
        )],
        &["faq/articel.txt: the file is missing"],
    );
    check(
        &[("sources.toml", "heading = \"Second Heading\"", Some("heading = \"Secnd Heading\""))],
        &["faq/sources.toml:10: section \"Secnd Heading\": the heading is not found in article.txt (after the previous section; sections must be listed in article order)"],
    );
    check(
        &[("synonyms.toml", "", Some("[[synonym]]\nwords = [\"pins\", \"needles\"]\n\n[[synonym]]\nwords = [\"needles\", \"spikes\"]\n"))],
        &["faq/synonyms.toml:5: \"needles\" is already in the synonym group on line 1; a word may be in only one group"],
    );
}

/// A `file` that could leave the content folder is refused before any
/// reader is asked for it, at the line that names it. (The refusals that
/// need a disk, links, FIFOs and sizes, are in `tests/sandbox.rs`.)
#[test]
fn file_names_that_leave_the_folder_are_refused() {
    const EXAMPLE: &str = "(for example \"articles/my-article.txt\")";
    let absolute = |name: &str| {
        format!(
            "faq/sources.toml:4: file \"{name}\" is an absolute path: the bot reads only files \
             inside the content folder, named relative to it {EXAMPLE}"
        )
    };
    for (file, expect) in [
        ("file = \"/etc/passwd\"", absolute("/etc/passwd")),
        ("file = \"/etc/shadow\"", absolute("/etc/shadow")),
        (
            "file = \"/proc/self/environ\"",
            absolute("/proc/self/environ"),
        ),
        (
            "file = \"../article.txt\"",
            "faq/sources.toml:4: file \"../article.txt\" goes up out of the content folder \
             with \"..\": the bot reads only files inside the content folder"
                .to_owned(),
        ),
        (
            "file = \"articles/../../../etc/passwd\"",
            "faq/sources.toml:4: file \"articles/../../../etc/passwd\" goes up out of the \
             content folder with \"..\": the bot reads only files inside the content folder"
                .to_owned(),
        ),
        (
            "file = \"\"",
            format!(
                "faq/sources.toml:4: `file` is empty: name the article's text file, relative \
                 to the content folder {EXAMPLE}"
            ),
        ),
        (
            "file = \"C:\\\\Windows\\\\win.ini\"",
            format!(
                "faq/sources.toml:4: file \"C:\\Windows\\win.ini\" is a Windows path: name \
                 the file relative to the content folder, with forward slashes {EXAMPLE}"
            ),
        ),
        (
            "file = \"article\\u0000.txt\"",
            "faq/sources.toml:4: file \"article\\u{0}.txt\" contains a NUL character, which no \
             file name can"
                .to_owned(),
        ),
    ] {
        let file: &'static str = Box::leak(file.to_owned().into_boxed_str());
        check(
            &[("sources.toml", "file = \"article.txt\"", Some(file))],
            &[expect.as_str()],
        );
    }
}

/// A reader's refusal is reported where the file is named: an article at
/// its `file` line in sources.toml, a fixed TOML file at the file itself;
/// and never with anything the refused file holds.
#[test]
fn refusals_are_reported_where_the_file_is_named() {
    let read = |name: &str| -> io::Result<Vec<u8>> {
        match name {
            "article.txt" => Err(content::Refusal::Outside.into()),
            "entries.toml" => Err(content::Refusal::TooLarge {
                size: Some(40_500_000),
                cap: content::MAX_ENTRIES_BYTES,
                what: "entries.toml",
            }
            .into()),
            "crisis.toml" => Err(content::Refusal::NotAFile("a named pipe (FIFO)").into()),
            "sources.toml" => Ok(SOURCES.as_bytes().to_vec()),
            "topics.toml" => Ok(TOPICS.as_bytes().to_vec()),
            "synonyms.toml" => Ok(SYNONYMS.as_bytes().to_vec()),
            "messages.toml" => Ok(MESSAGES.as_bytes().to_vec()),
            "red-flags.toml" => Ok(RED_FLAGS.as_bytes().to_vec()),
            "red-flag-examples.toml" => Ok(EXAMPLES.as_bytes().to_vec()),
            "smalltalk.toml" => Ok(SMALL_TALK.as_bytes().to_vec()),
            "examples.toml" => Ok(MEMBER_EXAMPLES.as_bytes().to_vec()),
            _ => Err(io::ErrorKind::NotFound.into()),
        }
    };
    let problems = content::parse("faq", read).err().unwrap_or_default();
    let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "faq/sources.toml:4: file \"article.txt\" is a link that does not lead to a file \
             inside the content folder: the bot reads only files inside it (copy the file in \
             instead of linking to it)",
            "faq/crisis.toml: the file is a named pipe (FIFO), not a regular file: the bot \
             reads only regular files",
            "faq/entries.toml: the file is 40.5 MB; entries.toml may be at most 32 MB. Is this \
             the right file?",
        ]
    );
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let mut bytes = TOPICS.as_bytes().to_vec();
    bytes.splice(bytes.len() - 3..bytes.len() - 3, [0xff, 0xfe]);
    let read = |name: &str| -> io::Result<Vec<u8>> {
        match name {
            "topics.toml" => Ok(bytes.clone()),
            "article.txt" => Ok(ARTICLE.as_bytes().to_vec()),
            "sources.toml" => Ok(SOURCES.as_bytes().to_vec()),
            "entries.toml" => Ok(ENTRIES.as_bytes().to_vec()),
            "synonyms.toml" => Ok(SYNONYMS.as_bytes().to_vec()),
            "messages.toml" => Ok(MESSAGES.as_bytes().to_vec()),
            "red-flags.toml" => Ok(RED_FLAGS.as_bytes().to_vec()),
            "crisis.toml" => Ok(CRISIS.as_bytes().to_vec()),
            "red-flag-examples.toml" => Ok(EXAMPLES.as_bytes().to_vec()),
            "smalltalk.toml" => Ok(SMALL_TALK.as_bytes().to_vec()),
            "examples.toml" => Ok(MEMBER_EXAMPLES.as_bytes().to_vec()),
            _ => Err(io::ErrorKind::NotFound.into()),
        }
    };
    let problems = content::parse("faq", read).err().unwrap_or_default();
    let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        ["faq/topics.toml:4: the file is not valid UTF-8 text (save it as UTF-8)"]
    );
}
