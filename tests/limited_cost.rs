//! A member over the cooldown costs triage and nothing more: the service
//! runs red-flag triage on every message, consults the cooldown, and only
//! then matches against the FAQ. Checked by counting the calls into the
//! matcher through the [`Answerer`] seam, so no clock and no sleeps.

mod common;

use std::cell::Cell;
use std::time::{Duration, Instant};

use backpain_bot::cooldown::Cooldown;
use backpain_bot::matcher::{Match, Matcher, Outcome, Thresholds};
use backpain_bot::service::{Addressed, Answerer, Decision, Service};

/// The shipped matcher, counting each step.
struct Counting<'m> {
    matcher: &'m Matcher,
    triaged: Cell<usize>,
    matched: Cell<usize>,
}

impl Answerer for Counting<'_> {
    fn triage(&self, question: &str) -> Option<Match> {
        self.triaged.set(self.triaged.get() + 1);
        self.matcher.triage(question)
    }

    fn answer(&self, question: &str) -> Match {
        self.matched.set(self.matched.get() + 1);
        self.matcher.answer(question)
    }
}

/// Questions per member per window in these tests.
const LIMIT: usize = 2;

/// The channel every question here is asked in.
const CHANNEL: u64 = 10;

fn service() -> Service {
    let cooldown = Cooldown::new(LIMIT, Duration::from_secs(60));
    match Service::load(&common::shipped_dir(), Thresholds::default(), cooldown) {
        Ok(service) => service,
        Err(problems) => panic!("shipped content: {problems:?}"),
    }
}

#[test]
fn a_limited_member_costs_triage_only() {
    let service = service();
    let counting = Counting {
        matcher: common::shipped(),
        triaged: Cell::new(0),
        matched: Cell::new(0),
    };
    let start = Instant::now();
    let at = |s| start + Duration::from_secs(s);
    let (flooder, other) = (1, 2);
    let ask = |user, question, addressed, now| {
        let before = counting.matched.get();
        let decision = service.decide(&counting, user, CHANNEL, question, addressed, now);
        (decision, counting.matched.get() - before)
    };

    for s in 0..LIMIT as u64 {
        let (decision, matched) = ask(flooder, "what is qi", Addressed::Directly, at(s));
        assert!(
            matches!(&decision, Decision::Reply(m) if m.outcome == Outcome::Answer),
            "{decision:?}"
        );
        assert_eq!(matched, 1);
    }
    // Over the limit: the notice, then silence, and no matching for either,
    // however costly the message.
    let costly = "a".repeat(500);
    let (decision, matched) = ask(flooder, &costly, Addressed::Directly, at(3));
    assert!(matches!(decision, Decision::Notify { .. }), "{decision:?}");
    assert_eq!(matched, 0, "matched a limited member's message");
    for (s, question) in [(4, "what is qi"), (5, costly.as_str())] {
        for addressed in [Addressed::Directly, Addressed::InAnswerChannel] {
            let (decision, matched) = ask(flooder, question, addressed, at(s));
            assert_eq!(decision, Decision::Silent, "{addressed:?}");
            assert_eq!(
                matched, 0,
                "matched a limited member's message ({addressed:?})"
            );
        }
    }
    // An emergency from the flooder is still answered: triage ran on every
    // message.
    let (decision, matched) = ask(
        flooder,
        "my back hurts and I can't control my bladder",
        Addressed::Directly,
        at(6),
    );
    assert!(
        matches!(&decision, Decision::Reply(m) if m.outcome == Outcome::Urgent),
        "{decision:?}"
    );
    assert_eq!(matched, 0);
    assert_eq!(counting.triaged.get(), LIMIT + 6);
    // Another member is matched and answered as usual.
    let (decision, matched) = ask(other, "what is qi", Addressed::Directly, at(6));
    assert!(matches!(decision, Decision::Reply(_)), "{decision:?}");
    assert_eq!(matched, 1);
    // Once the window has passed, the flooder is matched again.
    let (decision, matched) = ask(flooder, "what is qi", Addressed::Directly, at(61));
    assert!(matches!(decision, Decision::Reply(_)), "{decision:?}");
    assert_eq!(matched, 1);
}

#[test]
fn in_an_answer_channel_only_answers_count() {
    let service = service();
    let counting = Counting {
        matcher: common::shipped(),
        triaged: Cell::new(0),
        matched: Cell::new(0),
    };
    let now = Instant::now();
    let decide = |question| {
        service.decide(
            &counting,
            1,
            CHANNEL,
            question,
            Addressed::InAnswerChannel,
            now,
        )
    };
    // Chatter is matched (to see that it is not a question), silent, and
    // not counted: the member still has every question of the window.
    for _ in 0..5 {
        assert_eq!(
            decide("anyone watching the game tonight?"),
            Decision::Silent
        );
    }
    for _ in 0..LIMIT {
        assert!(matches!(decide("is acupressure safe?"), Decision::Reply(_)));
    }
    assert_eq!(counting.matched.get(), 5 + LIMIT);
    // Now over the limit: silence there, without matching.
    assert_eq!(decide("is acupressure safe?"), Decision::Silent);
    assert_eq!(counting.matched.get(), 5 + LIMIT);
    // The notice is kept for when the member addresses the bot.
    let direct = service.decide(
        &counting,
        1,
        CHANNEL,
        "what is qi",
        Addressed::Directly,
        now,
    );
    assert!(matches!(direct, Decision::Notify { .. }), "{direct:?}");
}
