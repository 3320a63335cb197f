//! Fuzzes matching and replying on the shipped content: any bytes (read as
//! lossy UTF-8) as a question to `ask` and `explain` never panic, match the
//! same as the question cut to `MAX_QUESTION_CHARS`, and give a reply that
//! ends with the disclaimer, fits one Discord message and holds no mention.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use backpain_bot::matcher::{Matcher, Thresholds, MAX_QUESTION_CHARS};
use backpain_bot::reply::{self, DISCORD_MESSAGE_LIMIT};
use libfuzzer_sys::fuzz_target;

/// What no reply may contain, whatever the question held.
const FORBIDDEN_IN_REPLY: &[&str] = &["@everyone", "@here", "<@"];

fn shipped() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../faq");
        match backpain_bot::load(&dir, Thresholds::default()) {
            Ok(matcher) => matcher,
            Err(problems) => panic!("the shipped content has problems: {problems:#?}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let matcher = shipped();
    let question = String::from_utf8_lossy(data);
    let m = matcher.ask(&question);
    assert!(
        (0.0..=1.0).contains(&m.confidence),
        "confidence {}",
        m.confidence
    );
    let cut = match question.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((at, _)) => &question[..at],
        None => &question[..],
    };
    assert_eq!(matcher.ask(cut), m, "the cut question matched differently");
    assert_eq!(matcher.explain(cut), matcher.explain(&question));
    let text = reply::render(matcher, &m);
    assert!(text.ends_with(matcher.catalog().messages.disclaimer.as_str()));
    assert!(
        text.chars().count() <= DISCORD_MESSAGE_LIMIT,
        "reply too long"
    );
    for forbidden in FORBIDDEN_IN_REPLY {
        assert!(!text.contains(forbidden), "the reply holds {forbidden}");
    }
});
