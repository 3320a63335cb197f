//! Golden questions against the shipped FAQ: paraphrases, typos, keyword
//! queries, chat phrasing, and off-topic questions that must not match.
//!
//! All cases run through one `check()` and failures are reported together.
//! `backpain-bot ask --explain "..."` shows why a question scored as it did.

mod common;

use backpain_bot::matcher::Outcome;

/// What a question must lead to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Answered by this entry.
    Answer(&'static str),
    /// A "did you mean" that offers this entry.
    Suggest(&'static str),
    /// A "did you mean", whatever it offers: the question is too vague for
    /// one entry to be the right one.
    SuggestAny,
    /// An honest "I don't have an answer for that".
    NoMatch,
    /// Anything but this entry: neither its answer nor a "did you mean"
    /// that offers it.
    NotFrom(&'static str),
    /// Answered by both entries, in this order: a message asking two
    /// questions.
    Both(&'static str, &'static str),
    /// Anything but an answer.
    Unanswered,
}

use Expect::{Answer, Both, NoMatch, NotFrom, Suggest, SuggestAny, Unanswered};

/// Returns a description of the failure, if the question does not lead to
/// what is expected.
fn check(question: &str, expect: Expect) -> Option<String> {
    let matcher = common::shipped();
    let m = matcher.ask(question);
    let id = |i: usize| matcher.entry(i).id.as_str();
    let ok = match expect {
        Answer(want) => {
            m.outcome == Outcome::Answer && m.entry.map(id) == Some(want) && m.also.is_none()
        }
        Both(first, second) => {
            m.outcome == Outcome::Answer
                && m.entry.map(id) == Some(first)
                && m.also.map(id) == Some(second)
        }
        Unanswered => m.outcome != Outcome::Answer,
        Suggest(want) => {
            m.outcome == Outcome::Suggest && m.suggestions.iter().any(|s| id(s.entry) == want)
        }
        SuggestAny => m.outcome == Outcome::Suggest,
        NoMatch => m.outcome == Outcome::NoMatch,
        NotFrom(not) => {
            m.entry.map(id) != Some(not) && m.suggestions.iter().all(|s| id(s.entry) != not)
        }
    };
    if ok {
        return None;
    }
    let got: Vec<String> = m
        .ranked
        .iter()
        .map(|s| format!("{} {:.3}", id(s.entry), s.confidence))
        .collect();
    Some(format!(
        "{question:?}: expected {expect:?}, got {} [{}]",
        m.outcome.as_str(),
        got.join(", ")
    ))
}

fn run(cases: &[(&str, Expect)]) {
    common::check_table(cases, check);
}

#[test]
#[rustfmt::skip]
fn paraphrases() {
    run(&[
        ("so what's acupressure all about", Answer("what-is-acupressure")),
        ("what even is acupuncture", Answer("what-is-acupuncture")),
        ("in what way do acupuncture needles ease back pain", Answer("how-acupuncture-works")),
        ("why does pressing on points ease pain", Answer("how-acupressure-works")),
        ("is acupressure good for back pain", Answer("can-acupressure-help")),
        ("does acupuncture help with a bad back", Answer("can-acupuncture-help")),
        ("what are the advantages of acupressure", Answer("acupressure-benefits")),
        ("why would someone choose acupuncture", Answer("acupuncture-benefits")),
        ("what's the difference between acupuncture and acupressure", Answer("acupuncture-vs-acupressure")),
        ("what usually causes back pain", Answer("causes-of-back-pain")),
        ("can a pulled muscle give you back pain", Answer("muscle-strain-and-lifting")),
        ("what does spinal stenosis mean", Answer("spinal-stenosis")),
        ("can being stressed out give me back pain", Answer("stress-and-back-pain")),
        ("does sitting at a desk all day hurt your back", Answer("posture-and-sitting")),
        ("can arthritis cause back pain", Answer("other-causes")),
        ("how many people suffer from back pain", Answer("how-common-is-back-pain")),
        ("how does back pain affect everyday life", Answer("what-is-back-pain")),
        ("what kinds of back pain are there", Answer("types-of-back-pain")),
        ("what does acute back pain mean", Answer("acute-back-pain")),
        ("what counts as chronic back pain", Answer("chronic-back-pain")),
        ("how should i get ready for my first acupuncture appointment", Answer("preparing-for-a-session")),
        ("what clothes should i wear for acupressure", Answer("what-to-wear")),
        ("should i eat something before acupuncture", Answer("eating-before-a-session")),
        ("what will happen at my acupuncture appointment", Answer("acupuncture-session")),
        ("what happens in an acupressure session", Answer("acupressure-session")),
        ("how long does an acupressure session take", Answer("session-length")),
        ("what does acupuncture feel like", Answer("what-does-it-feel-like")),
        ("do acupuncture needles hurt", Answer("is-acupuncture-painful")),
        ("what should i do after my acupuncture session", Answer("aftercare")),
        ("how many acupuncture sessions will i need", Answer("how-many-sessions")),
        ("does acupuncture really work", Answer("effectiveness")),
        ("is acupuncture safe", Answer("safety")),
        ("can acupuncture cause bruises", Answer("acupuncture-side-effects")),
        ("does acupressure have side effects", Answer("acupressure-side-effects")),
        ("how can i do acupressure at home", Answer("acupressure-at-home")),
        ("will my health plan pay for acupuncture", Answer("insurance")),
        ("what does qi mean", Answer("what-is-qi")),
        ("where did acupuncture come from", Answer("origins")),
        ("do i need a licensed acupuncturist", Answer("who-performs-it")),
        ("can acupuncture replace painkillers", Answer("without-medication")),
        ("is acupressure cheaper than acupuncture", Answer("cost")),
        ("can acupressure prevent back pain", Answer("prevention")),
    ]);
}

#[test]
#[rustfmt::skip]
fn typos() {
    run(&[
        ("what is acupresure", Answer("what-is-acupressure")),
        ("wht is acupunture", Answer("what-is-acupuncture")),
        ("is acupunture painfull", Answer("is-acupuncture-painful")),
        ("side efects of acupuncture", Answer("acupuncture-side-effects")),
        ("is acupuncture coverd by insurence", Answer("insurance")),
        ("how manny sessions do i need", Answer("how-many-sessions")),
        ("herniated disk", Answer("herniated-disc")),
        ("spinal stenossis", Answer("spinal-stenosis")),
        ("acupresure at home", Answer("acupressure-at-home")),
        ("chronic back pian", Answer("chronic-back-pain")),
    ]);
}

/// Short words misspelt (issue 12, point 4): three or four letters are too
/// few for edit distance alone, so the words around them decide.
#[test]
#[rustfmt::skip]
fn short_typos() {
    run(&[
        ("acupuncture sid efects", Answer("acupuncture-side-effects")),
        ("how mny sessions of acupuncture do i need", Answer("how-many-sessions")),
        ("can i do acupressure at hom", Answer("acupressure-at-home")),
        ("hw does acupresure wrk", Answer("how-acupressure-works")),
        ("wat does acupuncture fel like", Answer("what-does-it-feel-like")),
        ("wat shoud i wear to acupuncture", Answer("what-to-wear")),
        ("how lng is an acupuncture session", Answer("session-length")),
    ]);
}

#[test]
#[rustfmt::skip]
fn keyword_queries() {
    run(&[
        ("acupressure", Answer("what-is-acupressure")),
        ("acupuncture", Answer("what-is-acupuncture")),
        ("qi", Answer("what-is-qi")),
        ("insurance", Answer("insurance")),
        ("aftercare", Answer("aftercare")),
        ("acupressure benefits", Answer("acupressure-benefits")),
        ("acupuncture vs acupressure", Answer("acupuncture-vs-acupressure")),
        ("slipped disc", Answer("herniated-disc")),
        ("back pain causes", Answer("causes-of-back-pain")),
        ("acupuncture session length", Answer("session-length")),
        ("acupressure side effects", Answer("acupressure-side-effects")),
        ("acupuncture pain", Answer("is-acupuncture-painful")),
    ]);
}

#[test]
#[rustfmt::skip]
fn chat_phrasing() {
    run(&[
        ("hey bot, does acupuncture hurt?", Answer("is-acupuncture-painful")),
        ("ok so can i just do acupressure on myself", Answer("acupressure-at-home")),
        ("my back is killing me from sitting all day lol", Answer("posture-and-sitting")),
        ("is it ok to eat before an acupuncture appointment??", Answer("eating-before-a-session")),
        ("thinking of trying acupuncture, is it safe?", Answer("safety")),
        ("what do i wear to acupressure lol", Answer("what-to-wear")),
        ("hurt my back lifting boxes, why does that happen", Suggest("muscle-strain-and-lifting")),
        ("pls explain qi", Answer("what-is-qi")),
        ("how many ppl get back pain", Answer("how-common-is-back-pain")),
        ("would insurance cover my acupuncture", Answer("insurance")),
    ]);
}

#[test]
#[rustfmt::skip]
fn ambiguous_questions_get_suggestions() {
    run(&[
        ("side effects", Suggest("acupuncture-side-effects")),
        ("side effects", Suggest("acupressure-side-effects")),
        ("session", SuggestAny),
        ("back pain", Answer("what-is-back-pain")),
    ]);
}

#[test]
#[rustfmt::skip]
fn off_topic_questions_do_not_match() {
    run(&[
        ("what's the weather like today", NoMatch),
        ("how do I bake sourdough bread", NoMatch),
        ("tell me a joke", NoMatch),
        ("how do I treat a sprained ankle", NoMatch),
        ("who won the football game last night", NoMatch),
        ("recommend a good movie", NoMatch),
        ("what is the capital of australia", NoMatch),
        ("how do i reset my password", NoMatch),
        ("write me a poem about cats", NoMatch),
        ("best laptop for programming", NoMatch),
        ("how to cure a hangover", NoMatch),
        ("what time is it", NoMatch),
        ("can you help me with my taxes", NoMatch),
        ("is it going to rain tomorrow", NoMatch),
        ("how do I fix a flat tire", NoMatch),
        ("what should I cook for dinner", NoMatch),
        ("how tall is mount everest", NoMatch),
        ("how do vaccines work", NoMatch),
        ("what are the symptoms of the flu", NoMatch),
        ("how do i lose weight fast", NoMatch),
        ("can dogs eat chocolate", NoMatch),
        ("asdfghjkl", NoMatch),
        ("how much does a new car cost", NoMatch),
        ("how long does it take to boil an egg", NoMatch),
        ("where can i buy cheap shoes", NoMatch),
        ("how do i get rid of a headache", NoMatch),
        ("what is the best mattress", NoMatch),
        ("my cat keeps throwing up", NoMatch),
        ("", NoMatch),
        ("???", NoMatch),
        // Greetings ("hi", "good morning everyone") are small talk now:
        // tests/smalltalk.rs.
    ]);
}

/// The first article's claim that acupressure may treat depression answers
/// questions about acupressure and mood, never a member who says how they
/// feel: the entry has `must_mention`, so a message that mentions neither
/// acupressure nor pressure points gets no claim about treating it.
#[test]
#[rustfmt::skip]
fn how_a_member_feels_gets_no_treatment_claim() {
    run(&[
        ("i feel depressed", NoMatch),
        ("im depressed", NoMatch),
        ("i am so depressed", NoMatch),
        ("i have depression", NoMatch),
        ("depression", NoMatch),
        ("i'm so low", NoMatch),
        // Triage's safety net gives this one the crisis reply: not a claim either.
        ("feeling really low lately", NotFrom("acupressure-and-mood")),
        ("low mood", NoMatch),
        ("my depression is getting worse", NoMatch),
        ("i have anxiety", NoMatch),
        ("my anxiety is bad", NoMatch),
        ("i'm depressed because of my back", NotFrom("acupressure-and-mood")),
        ("back pain is making me depressed", NotFrom("acupressure-and-mood")),
        ("can acupuncture help with depression", NotFrom("acupressure-and-mood")),
        ("can acupressure help with depression", Answer("acupressure-and-mood")),
        ("does acupressure help my anxiety", Answer("acupressure-and-mood")),
        ("is acupressure good for low mood", Answer("acupressure-and-mood")),
        ("can pressure points help depression", Answer("acupressure-and-mood")),
    ]);
}

/// Claims inside cited sections that had no entry answering them.
#[test]
#[rustfmt::skip]
fn claims_found_by_sentence_coverage() {
    run(&[
        ("does acupressure improve circulation", Answer("acupressure-benefits")),
        ("can acupressure relieve tension", Answer("acupressure-benefits")),
        ("why does understanding the cause of back pain matter", Answer("causes-of-back-pain")),
        ("what steps should i follow after a session", Answer("aftercare")),
    ]);
}

/// Messages as members type them, which the entries' phrasings share too
/// few words with, answered by what the members' messages of
/// `examples.toml` teach (the classifier); and on-topic questions no entry
/// answers, which its `[uncovered]` messages keep from the nearest entry.
/// None of these is itself an example. Without the classifier the first
/// group gets no answer (`tests/cli.rs` turns it off).
/// A message is read part by part (`clauses`): the part that asks is
/// answered when the whole message is not, a second question gets its own
/// answer, and a part read alone never answers what the whole message says
/// is uncovered or what the part points back at.
#[test]
#[rustfmt::skip]
fn a_message_is_read_part_by_part() {
    run(&[
        (
            "ok weird question but what even IS back pain? like what's actually going on back there",
            Answer("what-is-back-pain"),
        ),
        ("safe or dangerous?? thinking of booking acupuncture", Answer("safety")),
        (
            "what is acupressure and can i do it at home?",
            Both("what-is-acupressure", "acupressure-at-home"),
        ),
        // "does it work" alone would be the effectiveness entry.
        ("acupuncture for fertility, does it work?", Unanswered),
        (
            "im a cashier and on my feet all shift, could that be why my back aches",
            Unanswered,
        ),
        // The whole message is about dry needling, which no entry covers.
        (
            "what is dry needling and is it the same as acupuncture? my physio offered it",
            Unanswered,
        ),
    ]);
}

#[test]
#[rustfmt::skip]
fn members_messages_teach_what_the_words_miss() {
    run(&[
        (
            "does acupuncture feel calming or just weird",
            Answer("what-does-it-feel-like"),
        ),
        (
            "outfit advice for my session tmrw? idk what to put on",
            Answer("what-to-wear"),
        ),
        (
            "can i get relief w/o popping painkillers every day",
            Answer("without-medication"),
        ),
        (
            "i slouch at my desk like 10 hrs a day and my back is wrecked, related?",
            Answer("posture-and-sitting"),
        ),
        (
            "what do they do to you during an acupressure session? just pressing?",
            Answer("acupressure-session"),
        ),
        (
            "preventing back pain w acupressure, possible?",
            Answer("prevention"),
        ),
        (
            "how do i find a good acupuncturist near me",
            NotFrom("who-performs-it"),
        ),
        (
            "should i wear a back brace at work",
            NotFrom("what-to-wear"),
        ),
        (
            "best mattress for back pain? mine is 15 years old lol",
            NoMatch,
        ),
        (
            "is it ok to do acupressure on my dog lol he has a bad hip",
            NotFrom("acupressure-at-home"),
        ),
    ]);
}
