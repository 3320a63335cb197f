//! `/reload` under load, end to end through the fake Discord: 200
//! questions in flight while moderators reload 20 times, alternating valid
//! and broken content. Every question is answered exactly once, each reply
//! comes whole from one version of the content, and a broken reload never
//! changes an answer.

mod common;

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Value};

use backpain_bot::discord::respond;
use backpain_bot::matcher::{Matcher, Thresholds};
use common::bot::*;
use common::fake_discord::*;

/// Questions in flight in all.
const QUESTIONS: usize = 200;

/// Reloads in all, alternating valid and broken content.
const RELOADS: usize = 20;

/// Members asking, so no one member's questions queue behind each other.
const MEMBERS: usize = 20;

/// Questions asked in turn: two whose answers differ between the versions,
/// one that is the same in both, and one off-topic.
const ASKED: [&str; 4] = [
    "is acupuncture painful",
    "what is acupressure",
    "how many sessions will I need",
    "how do I bake sourdough bread",
];

/// Edits turning version A of entries.toml (the shipped one) into B.
const B_EDITS: [(&str, &str); 2] = [
    (
        "most people feel a mild sensation or no discomfort at all during the session.",
        "most people feel only a mild sensation, or nothing at all, during a session.",
    ),
    (
        "Acupressure is a technique that uses finger pressure",
        "Acupressure is a technique using finger pressure",
    ),
];

/// A broken entries.toml: version A with an entry missing its answer.
fn broken(a: &str) -> String {
    format!(
        "{a}\n[[entry]]\nid = \"half-written\"\nquestion = \"Is this finished?\"\n\
         topics = [\"acupressure\"]\n"
    )
}

fn load(dir: &Path) -> Matcher {
    match backpain_bot::load(dir, Thresholds::default()) {
        Ok(matcher) => matcher,
        Err(problems) => panic!("content does not load: {problems:?}"),
    }
}

/// What the bot replies to `question` from `matcher`'s content.
fn reply_from(matcher: &Matcher, question: &str) -> String {
    respond::for_match(matcher, &matcher.ask(question)).content
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_during_reloads_are_answered_once_from_one_version() {
    let content = scratch_content();
    let entries = content.path().join("entries.toml");
    let a = std::fs::read_to_string(&entries).expect("readable");
    let b = B_EDITS.iter().fold(a.clone(), |text, (from, to)| {
        assert!(text.contains(from), "{from:?} is in entries.toml");
        text.replacen(from, to, 1)
    });
    // The replies each version gives, computed here from the same files.
    let version_a = load(content.path());
    std::fs::write(&entries, &b).expect("writable");
    let version_b = load(content.path());
    std::fs::write(&entries, &a).expect("writable");
    let expected: HashMap<&str, [String; 2]> = ASKED
        .iter()
        .map(|q| (*q, [reply_from(&version_a, q), reply_from(&version_b, q)]))
        .collect();
    assert_ne!(
        expected[ASKED[0]][0], expected[ASKED[0]][1],
        "the versions differ"
    );
    assert_eq!(expected[ASKED[2]][0], expected[ASKED[2]][1]);

    let bot = Running::start(content.path(), 0).await;
    let members: Vec<FakeUser> = (0..MEMBERS)
        .map(|i| FakeUser::new(&format!("member-{i}")))
        .collect();
    let moderator = FakeUser::new("moderator");
    let moderator = Origin::guild(&moderator).with_permissions(1 << 5);
    let mut sent: Vec<(Value, &str)> = Vec::new();
    // The version the last valid reload installed: 0 is A, 1 is B.
    let mut serving = 0;
    for reload in 0..RELOADS {
        // A share of the questions goes out before each reload, unanswered
        // yet when it runs.
        for i in 0..QUESTIONS / RELOADS {
            let n = sent.len();
            let question = ASKED[n % ASKED.len()];
            let origin = Origin::dm(&members[(n + i) % MEMBERS]);
            let message = message_create(&origin, question);
            bot.fake.dispatch("MESSAGE_CREATE", message.clone());
            sent.push((message, question));
        }
        let valid = reload % 2 == 0;
        let next = if valid { 1 - serving } else { serving };
        let text = if !valid {
            broken(&a)
        } else if next == 1 {
            b.clone()
        } else {
            a.clone()
        };
        std::fs::write(&entries, text).expect("writable");
        let response = bot
            .interact(interaction_command(&moderator, "reload", json!([])))
            .await;
        let said = response.body["data"]["content"]
            .as_str()
            .unwrap_or_default();
        if valid {
            let changed = "Changed: what-is-acupressure, is-acupuncture-painful";
            assert!(said.contains(changed), "reload {reload}: {said}");
        } else {
            assert!(
                said.contains("nothing was changed"),
                "reload {reload}: {said}"
            );
            assert!(
                said.contains("missing key `answer`"),
                "reload {reload}: {said}"
            );
        }
        serving = next;
        // What the bot serves now is the last valid version, broken reload
        // or not.
        let probe = bot.say(&Origin::dm(&members[0]), ASKED[0]).await;
        let probed = probe.content().unwrap_or_default();
        assert_eq!(probed, expected[ASKED[0]][serving], "after reload {reload}");
    }

    let mut from = [0usize; 2];
    for (message, question) in &sent {
        let reply = bot
            .fake
            .next_request(replies_to(message), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no reply to {question:?}"));
        let content = reply.content().unwrap_or_default();
        let version = expected[question]
            .iter()
            .position(|want| want == content)
            .unwrap_or_else(|| panic!("{question:?} got a reply from neither version: {content}"));
        from[version] += 1;
    }
    // Exactly once: no second reply to any question, counted once the bot
    // has stopped (which waits for every reply in progress), so a late
    // duplicate is counted too.
    let fake = bot.stop().await;
    let requests = fake.requests();
    for (message, question) in &sent {
        let replies = requests.iter().filter(|r| replies_to(message)(r)).count();
        assert_eq!(replies, 1, "{question:?} answered {replies} times");
    }
    assert_eq!(from[0] + from[1], QUESTIONS);
    // Both versions answered: the questions really ran across the swaps.
    assert!(from[0] > 0 && from[1] > 0, "replies by version: {from:?}");
}
