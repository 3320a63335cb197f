//! Red-flag triage on the shipped rules (`faq/red-flags.toml`): questions
//! that describe an emergency must come out `urgent`, in any wording, with
//! typos; ordinary questions, including the ones that brush against a red
//! flag's words, must not.

mod common;

use backpain_bot::matcher::Outcome;
use backpain_bot::reply;

/// Checks that `question` fires red flag `flag` (by id), or none.
fn check(question: &str, flag: Option<&str>) -> Option<String> {
    let matcher = common::shipped();
    let m = matcher.ask(question);
    let got = m
        .flag
        .and_then(|i| matcher.catalog().red_flags.flags.get(i))
        .map(|f| f.id.as_str());
    let urgent = m.outcome == Outcome::Urgent;
    if got == flag && urgent == flag.is_some() {
        return None;
    }
    Some(format!(
        "{question:?}: expected {flag:?}, got {got:?} ({})",
        m.outcome.as_str()
    ))
}

fn run(cases: &[(&str, Option<&str>)]) {
    let failures: Vec<String> = cases.iter().filter_map(|&(q, f)| check(q, f)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
#[rustfmt::skip]
fn emergencies_are_flagged_in_any_wording() {
    run(&[
        ("I can't control my bladder since my back started hurting", Some("bladder-bowel")),
        ("cant control my bladder", Some("bladder-bowel")),
        ("back pain and now I'm leaking urine", Some("bladder-bowel")),
        ("lost control of my bowels this morning", Some("bladder-bowel")),
        ("I wet myself and my lower back is killing me", Some("bladder-bowel")),
        ("suddenly incontinent with back pain", Some("bladder-bowel")),
        ("i cannot hold my pee anymore and my back hurts", Some("bladder-bowel")),
        ("blader control problems with sciatica", Some("bladder-bowel")),
        ("numb between my legs", Some("saddle-numbness")),
        ("my groin feels numb", Some("saddle-numbness")),
        ("back pain and I suddenly can't feel my inner thighs", Some("saddle-numbness")),
        ("numbness in my buttocks and genitals", Some("saddle-numbness")),
        ("pins and needles in my crotch", Some("saddle-numbness")),
        ("no feeling in my butt since yesterday", Some("saddle-numbness")),
        ("my legs are getting weaker every day", Some("leg-weakness")),
        ("weakness in both legs", Some("leg-weakness")),
        ("my leg keeps giving way and it's getting worse", Some("leg-weakness")),
        ("I can't walk because of my back", Some("leg-weakness")),
        ("unable to stand since this morning", Some("leg-weakness")),
        ("I think I have foot drop", Some("leg-weakness")),
        ("fell off a ladder", Some("trauma")),
        ("I fell down the stairs and now my back hurts", Some("trauma")),
        ("my back hurts since I was hit by a car", Some("trauma")),
        ("back pain after a car accident", Some("trauma")),
        ("got tackled in rugby and my spine hurts", Some("trauma")),
        ("had a bad fall on the ice yesterday", Some("trauma")),
        ("whiplash from a crash, is acupressure ok?", Some("trauma")),
        ("back pain with a fever", Some("fever-infection")),
        ("my back hurts and I have chills", Some("fever-infection")),
        ("high temperature and my spine aches", Some("fever-infection")),
        ("feverish with a sore back", Some("fever-infection")),
        ("back pain with unexplained weight loss and night sweats", Some("weight-loss-cancer")),
        ("losing weight without trying", Some("weight-loss-cancer")),
        ("night sweats", Some("weight-loss-cancer")),
        ("I had cancer and now my back hurts", Some("weight-loss-cancer")),
        ("back pain, history of cancer", Some("weight-loss-cancer")),
        ("lost weight and back pain for months", Some("weight-loss-cancer")),
        ("chest pain and back pain", Some("chest-breathing")),
        ("my chest feels tight and my upper back hurts", Some("chest-breathing")),
        ("back pain and shortness of breath", Some("chest-breathing")),
        ("I can't breathe properly and my back hurts", Some("chest-breathing")),
        ("pain in my chest spreading to my back", Some("chest-breathing")),
    ]);
}

#[test]
#[rustfmt::skip]
fn ordinary_questions_are_not_flagged() {
    run(&[
        ("does acupuncture cause bruising", None),
        ("can stress cause back pain", None),
        ("how many sessions", None),
        ("can lifting hurt my back", None),
        ("what happens if I sit all day", None),
        ("is acupuncture painful", None),
        ("can infections cause back pain", None),
        ("what is a herniated disc", None),
        ("does acupressure help with tension in my legs", None),
        ("is it normal to feel tingling during acupuncture", None),
        ("can I fall asleep during acupuncture", None),
        ("what should I wear to my appointment", None),
        ("is acupressure safe", None),
        ("what causes chronic back pain", None),
        ("can acupuncture make my back sore for a day", None),
        ("how long does an acupressure session last", None),
        ("should I drink water after acupuncture", None),
        ("what are the side effects of acupuncture", None),
        ("does acupressure improve circulation", None),
        ("how do I lose weight fast", None),
        ("can poor posture cause back pain", None),
        ("is back pain common", None),
        ("will acupuncture needles hurt", None),
        ("can I do acupressure at home", None),
        ("what is spinal stenosis", None),
        ("does acupuncture work for sciatica", None),
    ]);
}

#[test]
fn the_urgent_reply_names_the_reason_and_carries_the_disclaimer() {
    let matcher = common::shipped();
    let catalog = matcher.catalog();
    for (i, flag) in catalog.red_flags.flags.iter().enumerate() {
        let m = backpain_bot::matcher::Match::urgent(i);
        let text = reply::render(matcher, &m);
        assert!(
            text.contains(&flag.name),
            "{}: no reason in {text}",
            flag.id
        );
        assert!(
            text.contains("emergency"),
            "{}: no urgent-care guidance",
            flag.id
        );
        assert!(
            text.ends_with(&catalog.messages.disclaimer),
            "{}: no disclaimer",
            flag.id
        );
        assert!(text.chars().count() <= reply::DISCORD_MESSAGE_LIMIT);
        assert!(!text.contains("{reason}"));
    }
}
