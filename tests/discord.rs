//! End to end: the real bot, started through the library with its own
//! shutdown future, against a fake Discord on 127.0.0.1 (REST and gateway;
//! see `tests/common/fake_discord.rs`). Every scenario asserts on the JSON
//! the bot sends.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::oneshot;

use backpain_bot::config::{Discord, Token};
use backpain_bot::cooldown::Cooldown;
use backpain_bot::discord;
use backpain_bot::matcher::Thresholds;
use backpain_bot::service::Service;
use common::fake_discord::*;

/// Failure guard for waits that normally finish in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(15);

/// The bot's reply to a message: the channel message whose reference is it.
fn replies_to(message: &Value) -> impl Fn(&Request) -> bool + '_ {
    move |r: &Request| {
        r.method == "POST"
            && r.route().ends_with("/messages")
            && r.body["message_reference"]["message_id"] == message["id"]
    }
}

/// The bot's response to an interaction.
fn responds_to(interaction: &Value) -> impl Fn(&Request) -> bool + '_ {
    move |r: &Request| {
        r.is_interaction_callback()
            && r.route().starts_with(&format!(
                "/interactions/{}/",
                interaction["id"].as_str().unwrap_or_default()
            ))
    }
}

/// A running bot and its fake Discord.
struct Running {
    fake: FakeDiscord,
    service: Arc<Service>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), String>>,
}

impl Running {
    /// Starts the bot on `content` with `questions` per minute per member
    /// (0: no limit), and waits until it is connected and its commands are
    /// registered.
    async fn start(content: &Path, questions: usize) -> Running {
        let fake = FakeDiscord::start().await;
        let cooldown = Cooldown::new(questions, Duration::from_secs(60));
        let service = match Service::load(content, Thresholds::default(), cooldown) {
            Ok(service) => Arc::new(service),
            Err(problems) => panic!("content does not load: {problems:?}"),
        };
        let config = Discord {
            api_url: Some(fake.base_url()),
            guild_ids: vec![GUILD_ID.parse().expect("numeric id")],
            answer_channels: vec![SECOND_CHANNEL_ID.parse().expect("numeric id")],
            moderator_role_ids: Vec::new(),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let bot_service = Arc::clone(&service);
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            discord::run(bot_service, &config, &Token::new(TEST_TOKEN), shutdown)
                .await
                .map_err(|e| e.to_string())
        });
        fake.wait_ready().await;
        let registered = fake
            .next_request(
                |r| {
                    r.is(
                        "PUT",
                        &format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"),
                    )
                },
                TIMEOUT,
            )
            .await
            .expect("the bot registers its commands in the configured guild");
        let names: Vec<&str> = registered
            .body
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["ask", "topic", "topics", "sources", "help", "reload"]
        );
        Running {
            fake,
            service,
            stop: Some(stop),
            task,
        }
    }

    /// Sends a message event and waits for the bot's reply to it.
    async fn say(&self, origin: &Origin, content: &str) -> Request {
        let message = message_create(origin, content);
        self.fake.dispatch("MESSAGE_CREATE", message.clone());
        self.fake
            .next_request(replies_to(&message), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no reply to {content:?}"))
    }

    /// Sends an interaction and waits for the bot's response.
    async fn interact(&self, interaction: Value) -> Request {
        self.fake
            .dispatch("INTERACTION_CREATE", interaction.clone());
        self.fake
            .next_request(responds_to(&interaction), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no response to interaction {}", interaction["data"]))
    }

    /// Stops the bot the way ctrl-c would, and waits until it has finished
    /// every reply in progress.
    async fn stop(mut self) -> FakeDiscord {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(TIMEOUT, &mut self.task)
            .await
            .expect("the bot stops promptly");
        assert_eq!(result.expect("the bot task does not panic"), Ok(()));
        self.fake
    }
}

fn shipped() -> PathBuf {
    common::shipped_dir()
}

fn disclaimer() -> String {
    common::shipped().catalog().messages.disclaimer.clone()
}

/// Checks a reply: it carries `want` and the disclaimer, and pings nobody.
fn check_reply(request: &Request, want: &str) {
    let content = request.content().unwrap_or_default();
    assert!(content.contains(want), "{want:?} not in {content:?}");
    assert!(
        content.ends_with(&disclaimer()),
        "no disclaimer in {content:?}"
    );
    assert!(content.chars().count() <= 2000);
    let mentions = request
        .body
        .get("allowed_mentions")
        .or_else(|| request.body["data"].get("allowed_mentions"))
        .expect("allowed_mentions is always sent");
    assert_eq!(
        *mentions,
        json!({"parse": [], "users": [], "roles": [], "replied_user": false}),
        "replies must ping nobody"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_gets_the_answer_with_its_source_and_disclaimer() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let reply = bot
        .say(
            &Origin::guild(&member),
            &format!("<@{BOT_USER_ID}> is acupuncture painful?"),
        )
        .await;
    assert!(reply.is_channel_message(GENERAL_CHANNEL_ID));
    check_reply(&reply, "The article says acupuncture is not painful");
    check_reply(
        &reply,
        "Acupuncture and Acupressure for Back Pain: Ancient Techniques for Modern Relief",
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dms_and_answer_channels_are_answered_but_off_topic_chatter_is_not() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");

    let dm = bot.say(&Origin::dm(&member), "what is qi").await;
    assert!(dm.is_channel_message(&member.dm_channel_id));
    check_reply(&dm, "life force");

    // A DM that matches nothing still gets an honest reply.
    let none = bot.say(&Origin::dm(&member), "how do I bake bread").await;
    check_reply(&none, "I don't have an answer for that");

    // In an answer channel: silence for chatter, answers for questions.
    let in_channel = Origin::guild_channel(&member, SECOND_CHANNEL_ID);
    let chatter = message_create(&in_channel, "anyone watching the game tonight?");
    bot.fake.dispatch("MESSAGE_CREATE", chatter.clone());
    let answered = bot.say(&in_channel, "is acupressure safe?").await;
    check_reply(&answered, "safe");
    // An emergency is always answered there, with urgent-care guidance.
    let urgent = bot
        .say(&in_channel, "I fell off a ladder and now my back hurts")
        .await;
    check_reply(&urgent, "urgent medical care");
    // A plain message elsewhere in the guild is not for the bot.
    let elsewhere = message_create(&Origin::guild(&member), "is acupressure safe?");
    bot.fake.dispatch("MESSAGE_CREATE", elsewhere.clone());

    // Once the bot has stopped (which waits for replies in progress), no
    // reply to the chatter or to the unaddressed message exists.
    let fake = bot.stop().await;
    let requests = fake.requests();
    assert!(
        !requests.iter().any(replies_to(&chatter)),
        "answered chatter"
    );
    assert!(
        !requests.iter().any(replies_to(&elsewhere)),
        "answered an unaddressed message"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_autocomplete_and_buttons() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let here = Origin::guild(&member);

    let ask = bot
        .interact(interaction_command(
            &here,
            "ask",
            json!([option_string("question", "can I do acupressure at home?")]),
        ))
        .await;
    assert_eq!(ask.body["type"], 4);
    check_reply(&ask, "self-administered");

    let complete = bot
        .interact(interaction_autocomplete(
            &here,
            "topic",
            json!([option_focused("name", "acupres")]),
        ))
        .await;
    assert_eq!(complete.body["type"], 8);
    let choices = complete.body["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert_eq!(choices[0]["value"], "acupressure", "{choices:?}");

    let topic = bot
        .interact(interaction_command(
            &here,
            "topic",
            json!([option_string("name", "safety")]),
        ))
        .await;
    check_reply(&topic, "Is acupuncture painful?");
    let menu = &topic.body["data"]["components"][0]["components"][0];
    assert_eq!(menu["type"], 3, "a select menu: {menu}");
    let options = menu["options"].as_array().cloned().unwrap_or_default();
    assert!(!options.is_empty() && options.len() <= 25);

    // An ambiguous mention gets "did you mean" buttons; a click posts the answer.
    let suggestion = bot
        .say(&here, &format!("<@{BOT_USER_ID}> side effects"))
        .await;
    check_reply(&suggestion, "Did you mean");
    let buttons = suggestion.body["components"][0]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!((1..=3).contains(&buttons.len()), "{buttons:?}");
    let custom_id = buttons[0]["custom_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(buttons
        .iter()
        .all(|b| b["label"].as_str().is_some_and(|l| l.chars().count() <= 80)));
    let click = bot
        .interact(interaction_button(&here, &suggestion.response, &custom_id))
        .await;
    assert_eq!(click.body["type"], 4);
    check_reply(&click, "Are there any side effects of acupuncture?");

    // Picking a question from the topic's menu opens it.
    let value = options[0]["value"].as_str().unwrap_or_default().to_owned();
    let pick = bot
        .interact(interaction_component(
            &here,
            &suggestion.response,
            "faq:topic-menu",
            3,
            Some(&[value.as_str()]),
        ))
        .await;
    check_reply(&pick, "Source");

    for (command, want) in [
        ("topics", "Topics I can answer"),
        ("sources", "Can Acupressure Help With Back Pain?"),
        ("help", "/ask"),
    ] {
        let response = bot
            .interact(interaction_command(&here, command, Value::Null))
            .await;
        check_reply(&response, want);
    }
    bot.stop().await;
}

/// Copies the shipped content into a scratch folder a test may edit.
fn scratch_content() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_dir(&shipped(), dir.path());
    dir
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("readable");
    assert!(text.contains(from), "{from:?} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("writable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_good_content_refuses_bad_content_and_checks_permissions() {
    let dir = scratch_content();
    let bot = Running::start(dir.path(), 0).await;
    let member = FakeUser::new("member");
    let moderator = FakeUser::new("moderator");
    let as_moderator = Origin::guild(&moderator).with_permissions(ADMIN_PERMISSIONS);
    let insurance = "Is acupuncture covered by insurance?";

    let before = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&before, "some insurance plans may cover acupuncture");

    // The permission default hides /reload, but a crafted interaction from a
    // plain member must still be refused, privately.
    let refused = bot
        .interact(interaction_command(
            &Origin::guild(&member),
            "reload",
            Value::Null,
        ))
        .await;
    assert_eq!(refused.body["data"]["flags"], 64, "refusals are private");
    assert!(refused
        .content()
        .unwrap_or_default()
        .contains("Manage Server"));

    edit(
        dir.path(),
        "entries.toml",
        "to find out about coverage",
        "to learn what it covers",
    );
    let reloaded = bot
        .interact(interaction_command(&as_moderator, "reload", Value::Null))
        .await;
    assert_eq!(reloaded.body["data"]["flags"], 64, "summaries are private");
    let summary = reloaded.content().unwrap_or_default();
    assert!(summary.contains("Changed: insurance"), "{summary}");
    let after = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&after, "to learn what it covers");

    // Broken content: every problem listed, nothing changes.
    edit(
        dir.path(),
        "entries.toml",
        "topics = [\"practical\"",
        "topics = [\"nowhere\"",
    );
    edit(
        dir.path(),
        "sources.toml",
        "title = \"Can Acupressure",
        "titel = \"Can Acupressure",
    );
    let broken = bot
        .interact(interaction_command(&as_moderator, "reload", Value::Null))
        .await;
    let report = broken.content().unwrap_or_default();
    assert!(report.contains("nothing was changed"), "{report}");
    assert!(
        report.contains("sources.toml:21: unknown key `titel`"),
        "{report}"
    );
    let still = bot.say(&Origin::dm(&member), insurance).await;
    check_reply(&still, "to learn what it covers");
    assert_eq!(
        bot.service.current().catalog().entries.len(),
        common::shipped().catalog().entries.len()
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_200_questions_is_answered_exactly_once_each() {
    let bot = Running::start(&shipped(), 0).await;
    let users: Vec<FakeUser> = (0..8).map(|i| FakeUser::new(&format!("user{i}"))).collect();
    let questions = [
        "is acupuncture safe",
        "what is qi",
        "how many sessions do I need",
        "what causes back pain",
        "tell me a joke",
    ];
    let mut sent = Vec::new();
    for i in 0..200 {
        let origin = Origin::dm(&users[i % users.len()]);
        let message = message_create(&origin, questions[i % questions.len()]);
        bot.fake.dispatch("MESSAGE_CREATE", message.clone());
        sent.push(message);
    }
    for message in &sent {
        bot.fake
            .next_request(replies_to(message), TIMEOUT)
            .await
            .unwrap_or_else(|| panic!("no reply to message {}", message["id"]));
    }
    let fake = bot.stop().await;
    let requests = fake.requests();
    for message in &sent {
        let count = requests.iter().filter(|r| replies_to(message)(r)).count();
        assert_eq!(count, 1, "message {} answered {count} times", message["id"]);
    }
    // The fake echoes every reply back as a message from the bot, as Discord
    // does; none of those 200 echoes may be answered.
    let posted = requests
        .iter()
        .filter(|r| r.method == "POST" && r.route().ends_with("/messages"))
        .count();
    assert_eq!(posted, 200, "one message per question and nothing else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_member_is_limited_and_others_are_not() {
    let bot = Running::start(&shipped(), 3).await;
    let flooder = FakeUser::new("flooder");
    let other = FakeUser::new("other");
    let mut sent = Vec::new();
    for _ in 0..10 {
        let message = message_create(&Origin::dm(&flooder), "what is qi");
        bot.fake.dispatch("MESSAGE_CREATE", message.clone());
        sent.push(message);
    }
    let fine = bot.say(&Origin::dm(&other), "what is qi").await;
    check_reply(&fine, "life force");
    let fake = bot.stop().await;
    let replies: Vec<Request> = fake
        .requests()
        .into_iter()
        .filter(|r| sent.iter().any(|m| replies_to(m)(r)))
        .collect();
    let notices = replies
        .iter()
        .filter(|r| {
            r.content()
                .unwrap_or_default()
                .contains("asking questions quickly")
        })
        .count();
    assert_eq!((replies.len(), notices), (4, 1), "3 answers and one notice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_are_ignored_and_a_dropped_connection_is_resumed() {
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("member");
    let other_bot = FakeUser::other_bot("otherbot");
    let from_bot = message_create(
        &Origin::dm(&other_bot),
        &format!("<@{BOT_USER_ID}> what is qi"),
    );
    bot.fake.dispatch("MESSAGE_CREATE", from_bot.clone());
    let itself = message_create(&Origin::dm(&FakeUser::the_bot()), "what is qi");
    bot.fake.dispatch("MESSAGE_CREATE", itself.clone());

    assert!(bot.fake.drop_connection(), "a connection to drop");
    bot.fake.wait_resumes(1).await;
    let after = bot.say(&Origin::dm(&member), "what is qi").await;
    check_reply(&after, "life force");

    let fake = bot.stop().await;
    let requests = fake.requests();
    assert!(
        !requests.iter().any(replies_to(&from_bot)),
        "answered a bot"
    );
    assert!(!requests.iter().any(replies_to(&itself)), "answered itself");
    assert_eq!(fake.identify_count(), 1, "resumed, not re-identified");
}
