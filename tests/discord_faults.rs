//! End to end when things go wrong: the real bot (see `tests/common/bot.rs`)
//! against the fake Discord (`tests/common/fake_discord.rs`) while the
//! gateway misbehaves, and while members send hostile text.
//!
//! This file owns two tables:
//!
//! - gateway faults ([`Fault`], checked by [`check_fault`]): after each one
//!   the bot reconnects the way Discord asks (RESUME for a dropped
//!   connection, close code 4000 and op 7; a fresh IDENTIFY for close code
//!   4009, a non-resumable op 9 and missed heartbeat ACKs) and answers the
//!   next question; after a resumable fault a question sent while the bot was
//!   away is replayed and answered exactly once;
//! - hostile text ([`hostile_cases`], checked by [`check_harmless`]) sent as
//!   a mention, as a DM and through `/ask`: every reply pings nobody, repeats
//!   none of the member's mentions, links, markdown or invisible characters,
//!   and a question hidden in such text still gets its FAQ answer.
//!
//! Expected answers are computed from the shipped content, never written
//! out. Waiting is done on the fake's events; timeouts only bound a failure.

mod common;

use serde_json::{json, Value};

use backpain_bot::matcher::Outcome;
use backpain_bot::reply::DISCORD_MESSAGE_LIMIT;
use common::bot::*;
use common::fake_discord::*;

/// A question the shipped FAQ answers: asked after every fault, and hidden
/// in the hostile text.
const QUESTION: &str = "is acupuncture painful?";

/// Another question the shipped FAQ answers, sent while the bot is away.
const QUESTION_WHILE_AWAY: &str = "what is qi";

/// The heartbeat interval (ms) announced for the missed-ACK fault: short, so
/// serenity notices an unanswered heartbeat within a fraction of a second
/// instead of Discord's default 41 s.
const SHORT_HEARTBEAT_MS: u64 = 200;

/// A user id and a role id that are not the bot's, for hostile mentions
/// (the ids in Discord's own documentation examples are this shape).
const OTHER_ID: &str = "123456789012345678";

/// The size of the wall-of-text messages: far beyond Discord's own 4000
/// character limit, since the bot must cope with whatever the gateway hands
/// it.
const HUGE_BYTES: usize = 100 * 1024;

/// What no reply may contain, whatever was asked: a ping, or an invite.
const NEVER_IN_A_REPLY: [&str; 5] = [
    "@everyone",
    "@here",
    "<@",
    "discord.gg",
    "discord.com/invite",
];

// ---------------------------------------------------------------------------
// Gateway faults
// ---------------------------------------------------------------------------

/// A way the gateway connection breaks.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// The TCP connection goes away without a close frame.
    Dropped,
    /// The gateway closes the connection with this close code.
    Closed(u16),
    /// The gateway sends op 7 RECONNECT.
    Reconnect,
    /// The gateway sends op 9 INVALID_SESSION, not resumable.
    InvalidSession,
    /// The gateway stops ACKing heartbeats on the connection.
    MissedHeartbeatAcks,
}

impl Fault {
    /// Whether Discord lets the client resume the session afterwards
    /// (otherwise it must IDENTIFY afresh).
    fn resumable(self) -> bool {
        match self {
            Fault::Dropped | Fault::Reconnect => true,
            // 4009 is "session timed out"; other codes (4000, "unknown
            // error") leave the session resumable.
            Fault::Closed(code) => code != 4009,
            Fault::InvalidSession | Fault::MissedHeartbeatAcks => false,
        }
    }

    /// Breaks the live connection; false if there was none.
    fn inject(self, fake: &FakeDiscord) -> bool {
        match self {
            Fault::Dropped => fake.drop_connection(),
            Fault::Closed(code) => fake.close_with(code),
            Fault::Reconnect => fake.send_reconnect(),
            Fault::InvalidSession => fake.send_invalid_session(false),
            Fault::MissedHeartbeatAcks => fake.withhold_heartbeat_acks(),
        }
    }
}

/// A message text that mentions the bot and asks `question`.
fn mention(question: &str) -> String {
    format!("<@{BOT_USER_ID}> {question}")
}

/// The reply the shipped content gives `question`, which must be a real
/// answer (so a test comparing against it cannot pass on a "no match").
fn faq_answer(question: &str) -> String {
    let matcher = common::shipped();
    let m = matcher.ask(question);
    assert_eq!(
        m.outcome,
        Outcome::Answer,
        "the shipped FAQ must answer {question:?}"
    );
    backpain_bot::reply::render(matcher, &m)
}

/// Checks that `reply` is the FAQ answer to `question` and pings nobody.
fn check_answer(reply: &Request, question: &str) {
    assert_eq!(reply.content(), Some(faq_answer(question).as_str()));
    check_no_pings(reply);
}

/// Runs the bot, breaks its connection with `fault`, and checks that it
/// reconnects as Discord asks and answers again, each question exactly once.
async fn check_fault(fault: Fault) {
    let fake = FakeDiscord::start().await;
    if matches!(fault, Fault::MissedHeartbeatAcks) {
        fake.set_heartbeat_interval(SHORT_HEARTBEAT_MS);
    }
    let bot = Running::start_on(fake, &shipped(), 0).await;
    let here = Origin::guild(&FakeUser::new("member"));
    assert_eq!(
        (bot.fake.identify_count(), bot.fake.resume_count()),
        (1, 0),
        "one session before the fault"
    );

    assert!(fault.inject(&bot.fake), "{fault:?}: no connection to break");
    // While the bot is away, a question: Discord replays it on RESUME.
    let away = fault.resumable().then(|| {
        let message = message_create(&here, &mention(QUESTION_WHILE_AWAY));
        bot.fake.dispatch("MESSAGE_CREATE", message.clone());
        message
    });
    if fault.resumable() {
        bot.fake.wait_resumes(1).await;
    } else {
        bot.fake.wait_identifies(2).await;
    }
    bot.fake.wait_connected().await;
    if let Some(away) = &away {
        let reply = bot
            .fake
            .next_request(replies_to(away), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("{fault:?}: the question sent while away is not answered"));
        check_answer(&reply, QUESTION_WHILE_AWAY);
    }
    let next = message_create(&here, &mention(QUESTION));
    let reply = bot.send(next.clone()).await;
    check_answer(&reply, QUESTION);

    // Stopping waits for replies in progress: any duplicate is recorded by now.
    let fake = bot.stop().await;
    let requests = fake.requests();
    for message in away.iter().chain([&next]) {
        let replies = requests.iter().filter(|r| replies_to(message)(r)).count();
        assert_eq!(
            replies, 1,
            "{fault:?}: {} answered {replies} times",
            message["content"]
        );
    }
    let (identifies, resumes) = (fake.identify_count(), fake.resume_count());
    if fault.resumable() {
        assert_eq!(
            (identifies, resumes),
            (1, 1),
            "{fault:?}: one RESUME, no new IDENTIFY"
        );
    } else {
        assert_eq!(
            (identifies, resumes),
            (2, 0),
            "{fault:?}: a fresh IDENTIFY, no RESUME"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abrupt_close_is_resumed_and_missed_questions_are_answered_once() {
    check_fault(Fault::Dropped).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_code_4000_is_resumed_and_missed_questions_are_answered_once() {
    check_fault(Fault::Closed(4000)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op_7_reconnect_is_resumed_and_missed_questions_are_answered_once() {
    check_fault(Fault::Reconnect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_code_4009_starts_a_new_session_that_answers() {
    check_fault(Fault::Closed(4009)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op_9_invalid_session_starts_a_new_session_that_answers() {
    check_fault(Fault::InvalidSession).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_heartbeat_acks_start_a_new_session_that_answers() {
    check_fault(Fault::MissedHeartbeatAcks).await;
}

// ---------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------

/// One piece of hostile text.
struct Hostile {
    /// What it tries, for failure messages.
    name: &'static str,
    /// The text, as the member types it (without the bot's mention).
    text: String,
    /// Parts of `text` no reply may repeat.
    payload: &'static [&'static str],
    /// The FAQ question it hides, if it is a real question in disguise.
    disguises: Option<&'static str>,
}

fn case(
    name: &'static str,
    text: impl Into<String>,
    payload: &'static [&'static str],
    disguises: Option<&'static str>,
) -> Hostile {
    Hostile {
        name,
        text: text.into(),
        payload,
        disguises,
    }
}

/// The table: pings, markdown, links, invisible and direction-changing
/// characters, combining marks, emoji, control characters and walls of text.
fn hostile_cases() -> Vec<Hostile> {
    let q = Some(QUESTION);
    vec![
        case(
            "@everyone",
            format!("@everyone {QUESTION}"),
            &["@everyone"],
            q,
        ),
        case("@here", format!("@here {QUESTION}"), &["@here"], q),
        case(
            "role mention",
            format!("<@&{OTHER_ID}> {QUESTION}"),
            &["<@&", OTHER_ID],
            q,
        ),
        case(
            "user mention",
            format!("<@{OTHER_ID}> {QUESTION}"),
            &["<@", OTHER_ID],
            q,
        ),
        case(
            "markdown",
            "**bold** __u__ ~~s~~ ||spoiler||",
            &["**bold**", "__u__", "~~s~~", "||spoiler||", "spoiler"],
            None,
        ),
        case(
            "markdown around a question",
            "**is** __acupuncture__ ~~painful~~ ||?||",
            &["**is**", "__acupuncture__", "~~painful~~", "||?||"],
            q,
        ),
        case(
            "code block around a question",
            format!("```\n{QUESTION}\n```"),
            &["```"],
            q,
        ),
        case(
            "pings inside a code block",
            format!("```\n@everyone @here <@&{OTHER_ID}> <@{OTHER_ID}>\n```"),
            &["```", OTHER_ID],
            None,
        ),
        case(
            "invite links",
            "free nitro: discord.gg/abc123 and https://discord.com/invite/abc",
            &["discord.gg", "discord.com/invite", "abc123", "nitro"],
            None,
        ),
        case(
            "zero-width characters",
            "\u{200B}is\u{200D} acupuncture\u{FEFF} painful?",
            &["\u{200B}", "\u{200D}", "\u{FEFF}"],
            q,
        ),
        case(
            "zero-width pings",
            format!("@\u{200B}everyone @\u{FEFF}here <\u{200D}@&{OTHER_ID}>"),
            &["\u{200B}", "\u{200D}", "\u{FEFF}", OTHER_ID],
            None,
        ),
        case(
            "right-to-left override",
            format!("\u{202E}{QUESTION}\u{202C}"),
            &["\u{202E}", "\u{202C}"],
            q,
        ),
        case(
            "Arabic and Hebrew",
            // "Is acupuncture painful?" in Arabic, then in Hebrew.
            "هل الوخز بالإبر مؤلم؟ \u{202E}האם דיקור כואב?",
            &["الوخز", "דיקור", "\u{202E}"],
            None,
        ),
        case(
            "combining characters",
            "is a\u{301}cupuncture pa\u{308}inful?",
            &["\u{301}", "\u{308}"],
            q,
        ),
        case(
            "zalgo",
            concat!(
                "h\u{336}\u{34F}\u{489}e\u{337}\u{358}\u{35C} ",
                "c\u{338}\u{321}o\u{335}\u{322}m\u{334}e\u{33F}s",
            ),
            &["\u{336}", "\u{489}", "\u{35C}"],
            None,
        ),
        case(
            "emoji",
            format!("🤕 {QUESTION} 🙏🏽 👨‍👩‍👧"),
            &["🤕", "🙏", "👨\u{200D}👩"],
            q,
        ),
        case(
            "control characters",
            "\u{0}is\u{7} acupuncture\u{8}\u{1B} painful?\r\n\t\u{7F}",
            &["\u{0}", "\u{7}", "\u{8}", "\u{1B}", "\u{7F}"],
            q,
        ),
        case(
            "a question padded to 100 kB",
            format!("{QUESTION}{}", " \n".repeat(HUGE_BYTES / 2)),
            &[],
            q,
        ),
        case(
            "100 kB wall of text",
            "zqxj @everyone ".repeat(HUGE_BYTES / "zqxj @everyone ".len()),
            &["zqxj"],
            None,
        ),
    ]
}

/// The ways a member reaches the bot.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// A message in #general mentioning the bot.
    Mention,
    /// A direct message.
    Dm,
    /// The `/ask` slash command in the guild.
    Ask,
}

const VIAS: [Via; 3] = [Via::Mention, Via::Dm, Via::Ask];

/// A MESSAGE_CREATE `d` for `content`, flagged as Discord would flag it:
/// in the guild `mention_everyone` for @everyone or @here and the role in
/// `mention_roles`; anywhere, the mentioned user in `mentions`.
fn hostile_message(origin: &Origin, content: &str) -> Value {
    let mut message = message_create(origin, content);
    let in_guild = origin.guild_id.is_some();
    if in_guild && (content.contains("@everyone") || content.contains("@here")) {
        message["mention_everyone"] = json!(true);
    }
    if in_guild && content.contains(&format!("<@&{OTHER_ID}>")) {
        message["mention_roles"] = json!([OTHER_ID]);
    }
    if content.contains(&format!("<@{OTHER_ID}>")) {
        let other = FakeUser {
            id: OTHER_ID.to_owned(),
            ..FakeUser::new("other")
        };
        if let Some(mentions) = message["mentions"].as_array_mut() {
            mentions.push(other.json());
        }
    }
    message
}

/// Sends `text` to the bot by `via` and returns the request that carries
/// the bot's reply: the channel message, the interaction response, or, if
/// the bot deferred the interaction, the follow-up.
async fn ask_via(bot: &Running, member: &FakeUser, via: Via, text: &str) -> Request {
    match via {
        Via::Mention => {
            let origin = Origin::guild(member);
            bot.send(hostile_message(&origin, &mention(text))).await
        }
        Via::Dm => bot.send(hostile_message(&Origin::dm(member), text)).await,
        Via::Ask => {
            let interaction = interaction_command(
                &Origin::guild(member),
                "ask",
                json!([option_string("question", text)]),
            );
            let response = bot.interact(interaction.clone()).await;
            // Type 5: deferred; the reply follows on the interaction's webhook.
            if response.body["type"] != 5 {
                return response;
            }
            let webhook = format!(
                "/webhooks/{APPLICATION_ID}/{}",
                interaction["token"].as_str().unwrap_or_default()
            );
            bot.fake
                .next_request(
                    |r| {
                        matches!(r.method.as_str(), "POST" | "PATCH")
                            && r.route().starts_with(&webhook)
                    },
                    TIMEOUT,
                )
                .await
                .unwrap_or_else(|| panic!("no follow-up to a deferred /ask"))
        }
    }
}

/// Zero-width, direction-changing and control characters (other than a
/// line break): text the bot writes itself never holds them, so any in a
/// reply came from the member.
fn is_invisible(c: char) -> bool {
    let zero_width = matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
    let direction = matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}')
        || matches!(c, '\u{2066}'..='\u{2069}');
    (c.is_control() && c != '\n') || zero_width || direction
}

/// Checks the reply to one hostile text: allowed mentions that allow
/// nothing, the disclaimer, Discord's length limit, no ping or invite, and
/// nothing of the member's text repeated.
fn check_harmless(reply: &Request, case: &Hostile, via: Via) {
    let what = format!("{} via {via:?}", case.name);
    let content = reply.content().unwrap_or_default();
    check_no_pings(reply);
    assert!(
        content.ends_with(&disclaimer()),
        "{what}: no disclaimer in {content:?}"
    );
    assert!(
        content.chars().count() <= DISCORD_MESSAGE_LIMIT,
        "{what}: {} characters",
        content.chars().count()
    );
    for bad in NEVER_IN_A_REPLY.iter().chain(case.payload) {
        assert!(
            !content.contains(bad),
            "{what}: the reply holds {bad:?}: {content:?}"
        );
    }
    assert!(
        !content.chars().any(is_invisible),
        "{what}: the reply holds invisible characters: {content:?}"
    );
}

/// Every hostile text, by every way in, gets a harmless reply; the bot is
/// still answering afterwards (a panicking handler would have left a
/// question without a reply).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_pings_nobody_and_is_never_repeated() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    for case in hostile_cases() {
        for via in VIAS {
            let reply = ask_via(&bot, &member, via, &case.text).await;
            check_harmless(&reply, &case, via);
        }
    }
    let after = bot.say(&Origin::dm(&member), QUESTION).await;
    check_answer(&after, QUESTION);
    bot.stop().await;
}

/// A question hidden in hostile text (pings, markdown, invisible
/// characters, padding...) gets the same answer as the plain question, by
/// every way in. All cases run before the verdict, so a failure lists every
/// disguise that lost its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_in_disguise_get_their_faq_answer() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for case in hostile_cases() {
        let Some(question) = case.disguises else {
            continue;
        };
        let want = faq_answer(question);
        for via in VIAS {
            let reply = ask_via(&bot, &member, via, &case.text).await;
            check_harmless(&reply, &case, via);
            checked += 1;
            let got = reply.content().unwrap_or_default();
            if got != want {
                let first_line = got.lines().next().unwrap_or_default();
                wrong.push(format!("{} via {via:?}: got {first_line:?}", case.name));
            }
        }
    }
    let after = bot.say(&Origin::dm(&member), QUESTION).await;
    check_answer(&after, QUESTION);
    bot.stop().await;
    assert!(checked > 0, "the table has disguised questions");
    assert!(
        wrong.is_empty(),
        "{} of {checked} disguised questions did not get the answer to {QUESTION:?}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
