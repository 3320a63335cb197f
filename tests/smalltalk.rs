//! Small talk against the shipped content (`faq/smalltalk.toml`): greetings,
//! thanks and questions about the bot get their talk's reply; small talk
//! mixed with a real question or a red flag gets the answer or the urgent
//! reply as before; off-topic questions still get the no-answer reply.
//!
//! All cases run through one `check()` and failures are reported together.

mod common;

use backpain_bot::matcher::Outcome;
use backpain_bot::reply;

/// What a message must lead to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Small talk: this talk's reply.
    Chat(&'static str),
    /// Answered by this entry.
    Answer(&'static str),
    /// The urgent reply (a red flag or a crisis).
    Urgent,
    /// The honest "I don't have an answer for that".
    NoMatch,
}

use Expect::{Answer, Chat, NoMatch, Urgent};

/// A description of the failure, if `message` does not lead to `expect`.
fn check(message: &str, expect: Expect) -> Option<String> {
    let matcher = common::shipped();
    let m = matcher.ask(message);
    let catalog = matcher.catalog();
    let ok = match expect {
        Chat(want) => {
            let talk = matcher.talk(&m);
            let reply = reply::render(matcher, &m);
            m.outcome == Outcome::Chat
                && m.entry.is_none()
                && talk.is_some_and(|t| t.id == want && reply.starts_with(&t.reply))
                && reply.ends_with(&catalog.messages.disclaimer)
                && !reply.contains("don't have an answer")
        }
        Answer(want) => {
            m.outcome == Outcome::Answer
                && m.entry.map(|e| matcher.entry(e).id.as_str()) == Some(want)
        }
        Urgent => m.outcome == Outcome::Urgent,
        NoMatch => m.outcome == Outcome::NoMatch,
    };
    (!ok).then(|| {
        let talk = matcher.talk(&m).map(|t| t.id.as_str());
        let entry = m.entry.map(|e| matcher.entry(e).id.as_str());
        format!(
            "{message:?}: expected {expect:?}, got {} (talk {talk:?}, entry {entry:?}, \
             confidence {:.3})",
            m.outcome.as_str(),
            m.confidence
        )
    })
}

fn check_all(cases: &[(&str, Expect)]) {
    common::check_table(cases, check);
}

#[test]
fn small_talk_gets_its_reply() {
    check_all(&[
        ("hi", Chat("greeting")),
        ("hey", Chat("greeting")),
        ("Hello!", Chat("greeting")),
        ("hey there 👋", Chat("greeting")),
        ("hiya", Chat("greeting")),
        ("good morning everyone", Chat("greeting")),
        ("Good evening folks :)", Chat("greeting")),
        ("yo", Chat("greeting")),
        ("how are you?", Chat("how-are-you")),
        ("hi bot", Chat("greeting")),
        ("thanks", Chat("thanks")),
        ("thanks so much!!", Chat("thanks")),
        ("thank you", Chat("thanks")),
        ("Thank you so much!", Chat("thanks")),
        ("ty", Chat("thanks")),
        ("thx", Chat("thanks")),
        ("cheers mate", Chat("thanks")),
        ("ok thank you bot", Chat("thanks")),
        ("that helps, thanks", Chat("thanks")),
        ("ok", Chat("okay")),
        ("got it, thanks 🙏", Chat("thanks")),
        ("who are you", Chat("who-are-you")),
        ("who are u?", Chat("who-are-you")),
        ("what are you", Chat("who-are-you")),
        ("are you a bot", Chat("who-are-you")),
        ("r u a bot?", Chat("who-are-you")),
        ("are you real?", Chat("who-are-you")),
        ("are you human", Chat("who-are-you")),
        ("what can you do", Chat("what-can-you-do")),
        ("what do you do", Chat("what-can-you-do")),
        ("help", Chat("what-can-you-do")),
        ("help pls", Chat("what-can-you-do")),
        ("hi, what can you do?", Chat("what-can-you-do")),
        ("hey, how does this work?", Chat("what-can-you-do")),
        ("good bot", Chat("good-bot")),
        ("Good bot!", Chat("good-bot")),
        ("lol", Chat("good-bot")),
        ("bye", Chat("goodbye")),
        ("ok bye, take care", Chat("goodbye")),
        ("see ya", Chat("goodbye")),
    ]);
}

/// A greeting or thanks around a real question never hides its answer,
/// and a red flag always wins.
#[test]
fn small_talk_with_a_question_or_a_red_flag_is_not_small_talk() {
    check_all(&[
        ("hey, is acupuncture safe?", Answer("safety")),
        ("hi! what is acupressure?", Answer("what-is-acupressure")),
        (
            "hello, is acupuncture painful?",
            Answer("is-acupuncture-painful"),
        ),
        (
            "thanks! and what is acupuncture?",
            Answer("what-is-acupuncture"),
        ),
        ("hey, what is acupuncture?", Answer("what-is-acupuncture")),
        (
            "hey bot, does acupuncture hurt",
            Answer("is-acupuncture-painful"),
        ),
        ("hi there, what is qi", Answer("what-is-qi")),
        (
            "thank you! how long does an acupuncture session last?",
            Answer("session-length"),
        ),
        ("hey, i can't control my bladder since my back went", Urgent),
        ("hi, I lost bladder control and my back hurts", Urgent),
        ("thanks, but my legs went numb and I can't walk", Urgent),
        ("hello, I have a fever and severe back pain", Urgent),
        ("thanks for nothing, i want to kill myself", Urgent),
        (
            "hi bot, I fell off a ladder and my back hurts badly",
            Urgent,
        ),
        ("good bot. I have chest pain spreading to my back", Urgent),
        ("thanks, and how do I fix my car", NoMatch),
        (
            "that was not helpful, how much does acupuncture cost",
            Answer("cost"),
        ),
    ]);
}

/// Small talk as members type it: letters typed over and over, emoji that
/// say a word, chat spellings, mentions, and the talks members need beyond
/// hello and thanks (how are you, are you there, ok, not helpful).
#[test]
fn small_talk_as_members_type_it() {
    check_all(&[
        ("heyyyy", Chat("greeting")),
        ("👋", Chat("greeting")),
        ("thxxx!!!", Chat("thanks")),
        ("🙏", Chat("thanks")),
        ("thanks soooo much", Chat("thanks")),
        ("ok thanks", Chat("thanks")),
        ("👍", Chat("okay")),
        ("okey dokey", Chat("okay")),
        ("got it", Chat("okay")),
        ("byeeee 👋", Chat("goodbye")),
        ("how ya doin bot", Chat("how-are-you")),
        ("are you there?", Chat("are-you-there")),
        ("wut can u do", Chat("what-can-you-do")),
        ("gud bot", Chat("good-bot")),
        ("not helpful", Chat("not-helpful")),
        ("that was not helpful", Chat("not-helpful")),
        ("bad bot", Chat("not-helpful")),
    ]);
}

/// Off-topic questions stay off-topic, greeting or not.
#[test]
fn off_topic_questions_are_still_no_match() {
    check_all(&[
        ("how do I bake bread", NoMatch),
        ("hi, how do I bake bread", NoMatch),
        ("help me with my math homework", NoMatch),
        ("tell me a joke", NoMatch),
        ("what's your favourite movie", NoMatch),
        ("can you help me with my taxes", NoMatch),
        ("hello, what's the weather like today", NoMatch),
        ("", NoMatch),
        ("???", NoMatch),
        ("🐢", NoMatch),
        ("asdfghjkl", NoMatch),
    ]);
}

/// A message as long as a question may be (500 characters), made of small
/// talk, costs no more than reading its words: matching is linear.
#[test]
fn long_small_talk_is_small_talk_and_cheap() {
    let matcher = common::shipped();
    let long = "thank you so much ".repeat(27);
    assert!(long.len() <= backpain_bot::matcher::MAX_QUESTION_CHARS);
    let started = std::time::Instant::now();
    let m = matcher.ask(&long);
    assert_eq!(m.outcome, Outcome::Chat);
    // Generous for a debug build on a loaded machine; a quadratic scan of
    // this message would take far longer.
    assert!(started.elapsed() < std::time::Duration::from_millis(200));
}

/// `check` reports two phrases of different talks that the matcher reads
/// the same, at the talk listed later, which would never get its reply.
#[test]
fn phrases_that_read_alike_are_reported() {
    let dir = common::shipped_dir();
    let read = |name: &str| {
        let bytes = std::fs::read(dir.join(name))?;
        if name != "smalltalk.toml" {
            return Ok(bytes);
        }
        let text = String::from_utf8(bytes).map_err(std::io::Error::other)?;
        Ok(text
            .replacen("\"very helpful\",", "\"very helpful\", \"helpful\",", 1)
            .into_bytes())
    };
    let problems = match backpain_bot::load_with("faq", read, Default::default()) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    };
    let text = std::fs::read_to_string(dir.join("smalltalk.toml")).unwrap_or_default();
    let line = text
        .lines()
        .position(|l| l == "id = \"what-can-you-do\"")
        .map_or(0, |i| i + 1);
    assert_eq!(
        problems,
        [format!(
            "faq/smalltalk.toml:{line}: talk \"what-can-you-do\": the phrase \"help\" reads the \
             same to the matcher as \"helpful\" of talk \"thanks\" (word endings do not \
             count), so it would get that talk's reply; reword or remove one of them"
        )]
    );
}
