//! Discord's REST side failing under the bot, end to end through the fake
//! Discord: a reply answered with 429 (and its `retry-after`) or a 5xx is
//! tried again after the wait Discord names or an exponential backoff, a
//! bounded number of times, and a reply that never gets through is logged
//! with its question's id. Also: a slash command whose reply is slow is
//! deferred within Discord's deadline, and the bot's token never appears in
//! its logs, at any level.
//!
//! This binary installs one global log subscriber at TRACE (serenity's
//! own logs included) that every test here writes to.

mod common;

use std::time::Duration;

use serde_json::{json, Value};

use backpain_bot::config::Token;
use backpain_bot::discord::deliver::{self, Interaction, Outbox, MAX_ATTEMPTS};
use backpain_bot::discord::respond;
use common::bot::*;
use common::fake_discord::*;
use common::logs::Logs;
use poise::serenity_prelude as serenity;

/// Picks out the bot's attempts at one reply among the fake's requests.
type IsReply = Box<dyn Fn(&Request) -> bool>;

/// How one fault case should go.
struct Case {
    name: &'static str,
    /// The routes failed: "/channels/" (message replies) or
    /// "/interactions/" (slash command responses).
    route: &'static str,
    status: u16,
    /// The `retry-after` the fake sends, in seconds.
    retry_after: Option<f64>,
    /// How many attempts in a row fail.
    failures: usize,
}

impl Case {
    /// The least the bot must wait after failed attempt `n` (1-based).
    fn min_wait(&self, n: u32) -> Duration {
        match self.retry_after {
            Some(seconds) => Duration::from_secs_f64(seconds),
            None => deliver::backoff(n),
        }
    }

    fn delivered(&self) -> bool {
        self.failures < MAX_ATTEMPTS as usize
    }
}

/// Sends one question through the faulty route and checks every attempt:
/// how many, their statuses, the waits between them, and either the reply
/// or the failure in the log.
async fn check(bot: &Running, case: &Case) {
    let member = FakeUser::new(&format!("member-{}", case.status));
    let origin = Origin::guild(&member);
    bot.fake
        .fail_next(case.route, case.status, case.retry_after, case.failures);
    let (question_id, is_reply): (String, IsReply) = if case.route == "/channels/" {
        let message = message_create(&origin, &format!("<@{BOT_USER_ID}> is acupuncture painful"));
        bot.fake.dispatch("MESSAGE_CREATE", message.clone());
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        (id, Box::new(move |r: &Request| replies_to(&message)(r)))
    } else {
        let interaction = interaction_command(
            &origin,
            "ask",
            json!([option_string("question", "is acupuncture painful")]),
        );
        bot.fake.dispatch("INTERACTION_CREATE", interaction.clone());
        let id = interaction["id"].as_str().unwrap_or_default().to_owned();
        (
            id,
            Box::new(move |r: &Request| responds_to(&interaction)(r)),
        )
    };
    let expected = if case.delivered() {
        case.failures + 1
    } else {
        MAX_ATTEMPTS as usize
    };
    let mut attempts: Vec<Request> = Vec::new();
    for n in 0..expected {
        let attempt = bot
            .fake
            .next_request(&is_reply, TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("{}: attempt {} never came", case.name, n + 1));
        attempts.push(attempt);
    }
    for (n, attempt) in attempts.iter().enumerate() {
        let failed = n < case.failures;
        assert_eq!(attempt.injected, failed, "{}: attempt {}", case.name, n + 1);
        let want = if failed { case.status } else { attempt.status };
        assert_eq!(attempt.status, want, "{}: attempt {}", case.name, n + 1);
        // Every attempt is the same reply.
        assert_eq!(
            attempt.body,
            attempts[0].body,
            "{}: attempt {}",
            case.name,
            n + 1
        );
    }
    for (n, pair) in attempts.windows(2).enumerate() {
        let waited = pair[1].at.duration_since(pair[0].at);
        let least = case.min_wait(n as u32 + 1);
        assert!(
            waited >= least,
            "{}: waited {waited:?} after attempt {}, at least {least:?} expected",
            case.name,
            n + 1
        );
    }
    if case.delivered() {
        let reply = attempts.last().expect("at least one attempt");
        let content = reply.content().unwrap_or_default();
        assert!(content.contains("Acupuncture"), "{}: {content}", case.name);
    } else {
        let line = Logs::get()
            .wait_for(|l| l.contains("reply not delivered") && l.contains(&question_id))
            .await;
        assert!(
            line.is_some(),
            "{}: no failure logged for {question_id}",
            case.name
        );
        // Given up: no attempt after the last one.
        let more = bot.fake.requests().iter().filter(|r| is_reply(r)).count();
        assert_eq!(more, MAX_ATTEMPTS as usize, "{}", case.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_replies_are_retried_as_discord_asks_then_logged() {
    Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let cases = [
        Case {
            name: "429 with retry-after on a message reply",
            route: "/channels/",
            status: 429,
            retry_after: Some(0.4),
            failures: 1,
        },
        Case {
            name: "429 twice with a short retry-after",
            route: "/channels/",
            status: 429,
            retry_after: Some(0.05),
            failures: 2,
        },
        Case {
            name: "500 twice on a message reply",
            route: "/channels/",
            status: 500,
            retry_after: None,
            failures: 2,
        },
        Case {
            name: "502 on a slash command response",
            route: "/interactions/",
            status: 502,
            retry_after: None,
            failures: 1,
        },
        Case {
            name: "429 on a slash command response",
            route: "/interactions/",
            status: 429,
            retry_after: Some(0.2),
            failures: 1,
        },
        Case {
            name: "503 that never ends",
            route: "/channels/",
            status: 503,
            retry_after: None,
            failures: MAX_ATTEMPTS as usize,
        },
    ];
    for case in &cases {
        check(&bot, case).await;
    }
    // A request Discord refuses as such is not sent again: one attempt,
    // then the log.
    let member = FakeUser::new("member-400");
    let message = message_create(
        &Origin::guild(&member),
        &format!("<@{BOT_USER_ID}> what is acupressure"),
    );
    bot.fake.fail_next("/channels/", 400, None, 1);
    bot.fake.dispatch("MESSAGE_CREATE", message.clone());
    let id = message["id"].as_str().unwrap_or_default().to_owned();
    let logged = Logs::get()
        .wait_for(|l| l.contains("reply not delivered") && l.contains(&id))
        .await;
    assert!(logged.is_some(), "the refused reply is logged");
    let attempts = bot
        .fake
        .requests()
        .iter()
        .filter(|r| replies_to(&message)(r))
        .count();
    assert_eq!(attempts, 1);
    // The bot still answers.
    let reply = bot.say(&Origin::dm(&member), "does acupuncture hurt").await;
    assert_eq!(reply.status, 200);
    bot.stop().await;
}

/// The outbox against the fake Discord: a reply ready in time is the
/// interaction's response; a late one is preceded by a deferral.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_replies_are_deferred_within_the_deadline() {
    Logs::get();
    let fake = FakeDiscord::start().await;
    let outbox = Outbox::new(Some(&fake.base_url()), &Token::new(TEST_TOKEN))
        .expect("an HTTP client can be built");
    let deadline = Duration::from_millis(100);
    // (how long the reply takes, whether it is deferred)
    for (n, (takes, deferred)) in [
        (Duration::ZERO, false),
        (Duration::from_millis(20), false),
        (Duration::from_millis(400), true),
    ]
    .into_iter()
    .enumerate()
    {
        let to = Interaction {
            id: serenity::InteractionId::new(900_000 + n as u64),
            token: format!("interaction-token-{n}"),
            application_id: serenity::ApplicationId::new(
                APPLICATION_ID.parse().expect("numeric id"),
            ),
        };
        let work = async move {
            // The slow work under test, not a wait for anything.
            tokio::time::sleep(takes).await;
            respond::text(format!("reply {n}"))
        };
        let sent = outbox.respond_in_time(&to, true, deadline, work).await;
        assert!(sent.is_ok(), "reply {n} delivered");
        let callback = fake
            .next_request(
                |r| r.route().starts_with(&format!("/interactions/{}/", to.id)),
                TIMEOUT,
            )
            .await
            .expect("the interaction is acknowledged");
        // 4: a message; 5: "thinking…", the message follows.
        let kind = callback.body["type"].as_u64();
        assert_eq!(kind, Some(if deferred { 5 } else { 4 }), "reply {n}");
        let ephemeral = Value::from(64);
        if deferred {
            assert_eq!(callback.body["data"]["flags"], ephemeral, "reply {n}");
            let follow_up = fake
                .next_request(|r| r.route().ends_with(&to.token), TIMEOUT)
                .await
                .expect("the reply follows the deferral");
            assert_eq!(follow_up.body["content"], format!("reply {n}"));
            assert_eq!(follow_up.body["flags"], ephemeral);
            assert_eq!(follow_up.body["allowed_mentions"]["parse"], json!([]));
        } else {
            assert_eq!(callback.body["data"]["content"], format!("reply {n}"));
            assert_eq!(callback.body["data"]["flags"], ephemeral, "reply {n}");
        }
    }
}

/// The words of urgent and crisis messages are never in the bot's own
/// logs, at any level, while other questions' words are at DEBUG.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_messages_are_never_logged() {
    let logs = Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("private");
    let urgent = [
        "i keep thinking about killing myself zxqcrisis",
        "i lost control of my bladder zxqbladder",
    ];
    for text in urgent {
        let reply = bot.say(&Origin::dm(&member), text).await;
        assert!(reply.content().is_some());
    }
    bot.say(&Origin::dm(&member), "is acupuncture safe zxqcalm")
        .await;
    bot.stop().await;
    let ours: Vec<String> = logs
        .text()
        .lines()
        .filter(|l| l.contains("backpain_bot"))
        .map(str::to_owned)
        .collect();
    assert!(
        ours.iter().any(|l| l.contains("zxqcalm")),
        "an ordinary question's words are logged at DEBUG"
    );
    for line in &ours {
        assert!(
            !line.contains("zxqcrisis") && !line.contains("zxqbladder"),
            "{line}"
        );
    }
}

/// A whole session at TRACE: questions, slash commands, a reload, retries
/// and a reconnect. The token is in none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_never_logged() {
    let logs = Logs::get();
    let content = scratch_content();
    let bot = Running::start(content.path(), 0).await;
    let member = FakeUser::new("curious");
    bot.say(
        &Origin::guild(&member),
        &format!("<@{BOT_USER_ID}> is acupuncture safe"),
    )
    .await;
    bot.fake.fail_next("/channels/", 500, None, 1);
    bot.say(&Origin::dm(&member), "what is acupressure").await;
    bot.interact(interaction_command(
        &Origin::guild(&member),
        "ask",
        json!([option_string("question", "does it hurt")]),
    ))
    .await;
    let moderator = Origin::guild(&member).with_permissions(1 << 5);
    bot.interact(interaction_command(&moderator, "reload", json!([])))
        .await;
    bot.fake.drop_connection();
    bot.fake.wait_resumes(1).await;
    bot.say(&Origin::dm(&member), "how many sessions").await;
    bot.stop().await;

    // Nor in anything that prints a token or what holds one.
    let token = Token::new(TEST_TOKEN);
    let outbox = Outbox::new(None, &token).expect("an HTTP client can be built");
    for shown in [format!("{token:?}"), format!("{outbox:?}")] {
        assert!(!shown.contains(TEST_TOKEN), "{shown}");
    }

    let text = logs.text();
    assert!(text.contains("TRACE"), "TRACE logs are captured");
    assert!(text.contains("question"), "the session is logged");
    assert!(!text.contains(TEST_TOKEN), "the token is in the logs");
}
