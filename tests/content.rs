//! The shipped `faq/`: it validates, its quotes are in its articles, its
//! shape is what the issue asks for, and every reply it can produce fits in
//! one Discord message and carries the disclaimer.

mod common;

use backpain_bot::content::{normalize_quoted, FlagKind, Status, Totals, MAX_ANSWER_CHARS};
use backpain_bot::matcher::{Match, Outcome, Scored};
use backpain_bot::reply::{self, DISCORD_MESSAGE_LIMIT};

#[test]
fn shipped_content_validates() {
    // `shipped()` panics with every problem if the content does not load.
    let summary = common::shipped().catalog().summary();
    assert!((30..=45).contains(&summary.entries), "{summary}");
    assert!((10..=15).contains(&summary.topics), "{summary}");
    assert_eq!(summary.sources, 2, "{summary}");
}

#[test]
fn every_quote_is_in_its_cited_section() {
    let catalog = common::shipped().catalog();
    for entry in &catalog.entries {
        for cite in &entry.sources {
            let source = catalog.source(&cite.source).expect("cited source exists");
            let section = source
                .sections
                .iter()
                .find(|s| s.heading == cite.section)
                .expect("cited section exists");
            assert!(
                section.skip.is_none(),
                "{}: cites a skipped section",
                entry.id
            );
            assert!(
                section.text.contains(&normalize_quoted(&cite.quote)),
                "{}: quote {:?} not in section {:?}",
                entry.id,
                cite.quote,
                cite.section
            );
        }
    }
}

#[test]
fn entries_have_the_required_shape() {
    let catalog = common::shipped().catalog();
    for entry in &catalog.entries {
        let n = entry.alternates.len();
        assert!((5..=10).contains(&n), "{}: {n} alternates", entry.id);
        assert!(!entry.topics.is_empty(), "{}: no topics", entry.id);
        assert!(!entry.sources.is_empty(), "{}: no sources", entry.id);
        let chars = entry.answer.chars().count();
        assert!(
            chars <= MAX_ANSWER_CHARS,
            "{}: {chars} characters",
            entry.id
        );
    }
    for topic in &catalog.topics {
        assert!(
            catalog.entries_in(&topic.id).next().is_some(),
            "{}: empty",
            topic.id
        );
    }
}

#[test]
fn every_section_is_cited_or_skipped_with_a_reason() {
    let catalog = common::shipped().catalog();
    for source in &catalog.sources {
        for section in &source.sections {
            let cited = catalog
                .entries
                .iter()
                .flat_map(|e| &e.sources)
                .any(|c| c.source == source.id && c.section == section.heading);
            assert!(
                cited || section.skip.is_some(),
                "{}: section {:?} is neither cited nor skipped",
                source.id,
                section.heading
            );
        }
    }
}

/// Sentence coverage is complete: every sentence of every cited section is
/// quoted by an entry or skipped with a reason, and no skipped sentence is
/// also quoted.
#[test]
fn every_sentence_is_quoted_or_skipped_with_a_reason() {
    let catalog = common::shipped().catalog();
    let coverage = catalog.coverage();
    for section in &coverage {
        for piece in &section.pieces {
            let what = format!(
                "{}, section {:?}: {:?}",
                section.source.id, section.section.heading, piece.piece.text
            );
            assert_ne!(
                piece.status(),
                Status::NotCovered,
                "{what} is neither quoted nor skipped"
            );
            assert!(
                piece.quoted_by.is_empty() || piece.skipped.is_none(),
                "{what} is quoted and skipped"
            );
            if let Some(skip) = piece.skipped {
                assert!(
                    !skip.reason.trim().is_empty(),
                    "{what}: skipped with no reason"
                );
            }
        }
    }
    let totals = Totals::of(&coverage);
    assert_eq!(totals.not_covered, 0, "{totals:?}");
    // Most of what the articles say is answered: skips are the exception.
    assert!(totals.quoted > 3 * totals.skipped, "{totals:?}");
}

/// Checks a reply: it fits one Discord message and ends with the disclaimer.
fn check(what: &str, text: &str, disclaimer: &str) {
    let chars = text.chars().count();
    assert!(chars <= DISCORD_MESSAGE_LIMIT, "{what}: {chars} characters");
    assert!(text.ends_with(disclaimer), "{what}: no disclaimer");
}

#[test]
fn every_reply_fits_and_carries_the_disclaimer() {
    let matcher = common::shipped();
    let catalog = matcher.catalog();
    let disclaimer = catalog.messages.disclaimer.as_str();
    for (i, entry) in catalog.entries.iter().enumerate() {
        check(&entry.id, &reply::render_entry(catalog, entry), disclaimer);
        let answer = Match {
            outcome: Outcome::Answer,
            confidence: 1.0,
            entry: Some(i),
            also: None,
            suggestions: Vec::new(),
            ranked: Vec::new(),
            flag: None,
            talk: None,
        };
        check(&entry.id, &reply::render(matcher, &answer), disclaimer);
    }
    for topic in &catalog.topics {
        check(&topic.id, &reply::render_topic(catalog, topic), disclaimer);
    }
    check("topics", &reply::render_topics(catalog), disclaimer);

    // The longest possible "did you mean": the three longest questions.
    let mut by_length: Vec<usize> = (0..catalog.entries.len()).collect();
    by_length.sort_by_key(|&i| std::cmp::Reverse(catalog.entries[i].question.len()));
    let suggestions: Vec<Scored> = by_length
        .iter()
        .take(3)
        .map(|&entry| Scored {
            entry,
            confidence: 0.5,
            recall: 0.5,
            precision: 0.5,
        })
        .collect();
    for outcome in [Outcome::Suggest, Outcome::NoMatch] {
        let m = Match {
            outcome,
            confidence: 0.5,
            entry: None,
            also: None,
            suggestions: suggestions.clone(),
            ranked: suggestions.clone(),
            flag: None,
            talk: None,
        };
        check(outcome.as_str(), &reply::render(matcher, &m), disclaimer);
    }
    for talk in 0..catalog.small_talk.talks.len() {
        let m = Match {
            outcome: Outcome::Chat,
            confidence: 0.0,
            entry: None,
            also: None,
            suggestions: Vec::new(),
            ranked: Vec::new(),
            flag: None,
            talk: Some(talk),
        };
        check(
            &catalog.small_talk.talks[talk].id,
            &reply::render(matcher, &m),
            disclaimer,
        );
    }
    for flag in 0..catalog.red_flags.flags.len() {
        let m = backpain_bot::matcher::Match::urgent(flag);
        check("urgent", &reply::render(matcher, &m), disclaimer);
    }
    check("sources", &reply::render_sources(catalog), disclaimer);
    check("help", &reply::render_help(catalog), disclaimer);
}

/// `/help` lists the red flags of red-flags.toml by name (every emergency
/// flag; the crisis reply is not medical care) and the articles of
/// sources.toml by title, under the wording of messages.toml.
#[test]
fn help_lists_the_red_flags_and_articles_from_the_content() {
    let catalog = common::shipped().catalog();
    let help = reply::render_help(catalog);
    let intro = catalog.messages.help.split('{').next().unwrap_or_default();
    assert!(!intro.is_empty() && help.starts_with(intro), "{help}");
    for flag in &catalog.red_flags.flags {
        let line = format!("\n• {}", flag.name);
        match flag.kind {
            FlagKind::Emergency => assert!(help.contains(&line), "{}: {help}", flag.id),
            FlagKind::Crisis => assert!(!help.contains(&flag.name), "{}: {help}", flag.id),
        }
    }
    for source in &catalog.sources {
        assert!(help.contains(&format!("*{}*", source.title)), "{help}");
    }
}

#[test]
fn no_two_entries_read_the_same_to_the_matcher() {
    let problems = common::shipped().problems("faq/entries.toml");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn matching_is_deterministic() {
    let dir = common::shipped_dir();
    let other = backpain_bot::load(&dir, Default::default()).expect("loads");
    for question in [
        "is acupuncture safe",
        "side effects",
        "how do I bake bread",
        "acupresure",
    ] {
        assert_eq!(
            common::shipped().ask(question),
            other.ask(question),
            "{question}"
        );
    }
}
