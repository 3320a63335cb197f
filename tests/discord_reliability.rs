//! The bot never goes silent without saying so, delivers each reply
//! exactly once, and bounds what one member can make it post: the real bot
//! (see `tests/common/bot.rs`) against the fake Discord
//! (`tests/common/fake_discord.rs`).
//!
//! - start-up: a failed command registration is retried and, if it keeps
//!   failing, logged at ERROR while messages are answered anyway; a fatal
//!   gateway close (4004, 4013, 4014) ends `run` with one sentence, and the
//!   command line with exit 2;
//! - `/reload`: a summary longer than one message is cut to fit and
//!   delivered; shutdown (SIGTERM too) does not wait for a reload stuck in
//!   a read (a FIFO in the content folder that nobody writes);
//! - replies: a message POST that fails after Discord stored it is retried
//!   with the same nonce, and the fake, deduplicating like Discord, keeps one
//!   message;
//! - urgent replies: one per member per channel per window, the rest a
//!   logged silence; an edit that makes a message urgent gets the urgent
//!   reply, once, and an edit never gets an FAQ answer;
//! - threads inside an answer channel are answered like the channel.
//!
//! Waiting is done on the fake's requests and the captured logs; timeouts
//! only bound a failure.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use backpain_bot::config::{Discord, Token};
use backpain_bot::cooldown::Cooldown;
use backpain_bot::discord::deliver::Outbox;
use backpain_bot::discord::{self, respond};
use backpain_bot::matcher::Thresholds;
use backpain_bot::service::Service;
use common::bot::*;
use common::fake_discord::*;
use common::logs::Logs;
use common::stuck;
use poise::serenity_prelude as serenity;

/// A question the shipped FAQ answers.
const QUESTION: &str = "is acupuncture painful";

/// A message the shipped red flags make urgent (not a crisis).
const URGENT: &str = "i lost control of my bladder";

/// A crisis message (suicidal thoughts): the crisis reply, bounded apart
/// from the emergency one.
const CRISIS: &str = "honestly i feel like ending it all because of this back pain";

/// The edit that makes a question urgent.
const URGENT_EDIT: &str = "edit: now I can't feel my legs";

/// How long a bot with nothing left to do may take to stop. Shutdown waits
/// up to 10 s for replies in progress; far less means it did not wait for
/// a stuck reload.
const PROMPT_STOP: Duration = Duration::from_secs(4);

/// The reply the shipped content gives `question`.
fn shipped_reply(question: &str) -> String {
    let matcher = common::shipped();
    backpain_bot::reply::render(matcher, &matcher.ask(question))
}

/// The bot's channel messages replying to `message` so far.
fn replies_so_far(fake: &FakeDiscord, message: &Value) -> Vec<Request> {
    fake.requests()
        .into_iter()
        .filter(|r| replies_to(message)(r))
        .collect()
}

/// The final message of an interaction: its response, or the follow-up
/// after a deferral.
async fn final_response(bot: &Running, interaction: &Value) -> Request {
    let response = bot
        .fake
        .next_request(responds_to(interaction), TIMEOUT)
        .await
        .expect("the interaction is answered");
    if response.body["type"] != json!(5) {
        return response;
    }
    let token = interaction["token"].as_str().unwrap_or_default().to_owned();
    bot.fake
        .next_request(
            move |r| r.method == "POST" && r.route().ends_with(&token),
            TIMEOUT,
        )
        .await
        .expect("the deferred reply follows")
}

// ---------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------

/// One 500 on the command registration: tried again, and messages are
/// answered (poise's setup used to fail and hold every event for ever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_command_registration_is_retried() {
    Logs::get();
    let fake = FakeDiscord::start().await;
    fake.fail_next("/applications/", 500, None, 1);
    // Waits for the first (failed) registration.
    let bot = Running::start_on(fake, &shipped(), 0).await;
    let again = bot
        .fake
        .next_request(
            |r| r.method == "PUT" && r.route().ends_with("/commands"),
            TIMEOUT,
        )
        .await
        .expect("the registration is tried again");
    assert_eq!((again.status, again.injected), (200, false));
    assert!(!bot.fake.guild_commands(GUILD_ID).is_empty());
    let reply = bot
        .say(&Origin::dm(&FakeUser::new("early")), QUESTION)
        .await;
    assert_eq!(reply.content(), Some(shipped_reply(QUESTION).as_str()));
    bot.stop().await;
}

/// A registration that never succeeds: logged at ERROR, and the bot
/// answers messages all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_that_keeps_failing_is_logged_and_messages_are_answered() {
    let logs = Logs::get();
    let fake = FakeDiscord::start().await;
    fake.fail_next("/applications/", 503, None, 1_000);
    let bot = Running::start_on(fake, &shipped(), 0).await;
    let reply = bot
        .say(&Origin::dm(&FakeUser::new("patient")), QUESTION)
        .await;
    assert_eq!(reply.content(), Some(shipped_reply(QUESTION).as_str()));
    let logged = logs
        .wait_for(|l| l.contains("ERROR") && l.contains("could not register the slash commands"))
        .await;
    assert!(
        logged.is_some(),
        "the failed registration is logged at ERROR"
    );
    assert!(bot.fake.guild_commands(GUILD_ID).is_empty());
    bot.stop().await;
}

/// The bot's Discord settings against `fake`.
fn discord_config(fake: &FakeDiscord) -> Discord {
    Discord {
        api_url: Some(fake.base_url()),
        guild_ids: vec![GUILD_ID.parse().expect("numeric id")],
        answer_channels: vec![SECOND_CHANNEL_ID.parse().expect("numeric id")],
        moderator_role_ids: Vec::new(),
    }
}

/// Each fatal close serenity reports ends `run` with one sentence that says
/// what to do (it used to end with serenity's own words). 4011 is not
/// among them: serenity 0.12.5 identifies again after it (see
/// docs/RELIABILITY.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fatal_gateway_closes_end_run_with_one_sentence() {
    Logs::get();
    for (code, says) in [
        (4004, "set DISCORD_TOKEN"),
        (4013, "intents as invalid"),
        (4014, "enable it under Privileged Gateway Intents"),
    ] {
        let fake = FakeDiscord::start().await;
        fake.close_on_identify(code);
        let service = Service::load(
            &shipped(),
            Thresholds::default(),
            Cooldown::new(0, Duration::ZERO),
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let config = discord_config(&fake);
        let token = Token::new(TEST_TOKEN);
        let run = discord::run(
            std::sync::Arc::new(service),
            &config,
            &token,
            std::future::pending(),
        );
        let ended = tokio::time::timeout(TIMEOUT, run)
            .await
            .unwrap_or_else(|_| panic!("close {code}: run did not end"));
        let error = ended.expect_err("a fatal close is an error").to_string();
        assert!(error.contains(says), "close {code}: {error}");
        assert!(error.contains(&code.to_string()), "close {code}: {error}");
        assert_eq!(error.lines().count(), 1, "close {code}: {error}");
    }
}

/// Writes a config file that points the bot at `fake`.
fn write_config(dir: &Path, fake: &FakeDiscord) -> std::path::PathBuf {
    let path = dir.join("backpain-bot.toml");
    let text = format!(
        "[discord]\napi_url = \"{}\"\nguild_ids = [{GUILD_ID}]\nanswer_channels = [{SECOND_CHANNEL_ID}]\n",
        fake.base_url()
    );
    std::fs::write(&path, text).expect("writable");
    path
}

/// The bot's process, killed if a test fails before it exits.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `backpain-bot run` on `content` against `fake`.
fn spawn_bot(config: &Path, content: &Path) -> Child {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_backpain-bot"))
        .arg("--config")
        .arg(config)
        .arg("--content")
        .arg(content)
        .arg("run")
        .env("DISCORD_TOKEN", TEST_TOKEN)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    Child(child)
}

/// Waits for the bot's process to exit; its status and stderr.
async fn exited(mut child: Child, within: Duration) -> (std::process::ExitStatus, String) {
    let stderr = child.0.stderr.take();
    let read = tokio::task::spawn_blocking(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        }
        text
    });
    let pid = child.0.id();
    let status = tokio::task::spawn_blocking(move || {
        let status = child.0.wait();
        (status, child)
    });
    match tokio::time::timeout(within, status).await {
        Ok(Ok((Ok(status), _child))) => (status, read.await.unwrap_or_default()),
        _ => {
            // Kill it so the test ends; the child's guard is in the task.
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the bot did not exit within {within:?}");
        }
    }
}

/// The binary against a fake that closes the gateway with `code` on
/// IDENTIFY: it exits 2 with one sentence, no backtrace; the sentence.
async fn exits_2_on_close(code: u16) -> String {
    let fake = FakeDiscord::start().await;
    fake.close_on_identify(code);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_config(dir.path(), &fake);
    let child = spawn_bot(&config, &shipped());
    let (status, stderr) = exited(child, TIMEOUT).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("backpain-bot: "))
        .collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    said[0].to_owned()
}

/// The command line: a 4014 close exits 2 with the sentence, no backtrace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disallowed_intent_exits_2_with_what_to_do() {
    let said = exits_2_on_close(4014).await;
    assert!(
        said.contains("Message Content intent") && said.contains("Developer Portal"),
        "{said}"
    );
}

/// serenity 0.12.5 retries a 4011 close for ever; the binary's log layer
/// (`src/discord/gateway_watch.rs`) notices it and ends `run`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharding_required_exits_2_with_what_to_do() {
    let said = exits_2_on_close(4011).await;
    assert!(said.contains("gateway close 4011"), "{said}");
}

// ---------------------------------------------------------------------------
// Reload
// ---------------------------------------------------------------------------

#[path = "../benches/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

/// Writes a synthetic catalog of `entries` entries into `dir`.
fn write_synthetic(dir: &Path, entries: usize) {
    for (name, bytes) in synthetic::catalog_files(entries, 7) {
        std::fs::write(dir.join(name), bytes).expect("writable");
    }
}

/// 50 entries reloaded as 1,000: a summary of ~5,700 characters, which
/// Discord refuses (the fake too), so the moderator used to get no reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_reload_summary_is_cut_to_fit_and_delivered() {
    Logs::get();
    let content = tempfile::tempdir().expect("temp dir");
    write_synthetic(content.path(), 50);
    let bot = Running::start(content.path(), 0).await;
    write_synthetic(content.path(), 1_000);
    let moderator = Origin::guild(&FakeUser::new("moderator")).with_permissions(ADMIN_PERMISSIONS);
    let reload = interaction_command(&moderator, "reload", json!([]));
    bot.fake.dispatch("INTERACTION_CREATE", reload.clone());
    let reply = final_response(&bot, &reload).await;
    assert!(
        (200..300).contains(&reply.status),
        "the summary is delivered: {} {:?}",
        reply.status,
        reply.response
    );
    let text = reply.content().unwrap_or_default();
    assert!(text.chars().count() <= CONTENT_LIMIT, "{}", text.len());
    assert!(text.starts_with("Reloaded: 1000 entries"), "{text}");
    assert!(text.contains("more."), "{text}");
    assert_eq!(bot.service.current().catalog().entries.len(), 1_000);
    bot.stop().await;
}

/// `/reload` stuck in a read, then shutdown: the bot stops at once and
/// tells the moderator (it used to wait for the reload's reply).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_stuck_reload() {
    Logs::get();
    let content = scratch_content();
    let (service, control) = stuck::service(content.path());
    let bot = Running::serve(FakeDiscord::start().await, Arc::new(service)).await;
    control.stuck.store(true, Ordering::SeqCst);
    let moderator = Origin::guild(&FakeUser::new("moderator")).with_permissions(ADMIN_PERMISSIONS);
    let reload = interaction_command(&moderator, "reload", json!([]));
    bot.fake.dispatch("INTERACTION_CREATE", reload.clone());
    let stuck::StuckReads {
        entered, release, ..
    } = control;
    let entered = tokio::task::spawn_blocking(move || entered.recv_timeout(TIMEOUT));
    assert!(
        matches!(entered.await, Ok(Ok(()))),
        "the reload reads the content"
    );
    let fake = tokio::time::timeout(PROMPT_STOP, bot.stop())
        .await
        .expect("shutdown does not wait for the reload");
    let told = fake
        .next_request(responds_to(&reload), TIMEOUT)
        .await
        .expect("the moderator gets a reply");
    let told = if told.body["type"] == json!(5) {
        let token = reload["token"].as_str().unwrap_or_default().to_owned();
        fake.next_request(move |r| r.route().ends_with(&token), TIMEOUT)
            .await
            .expect("the deferred reply follows")
    } else {
        told
    };
    assert!(
        told.content().unwrap_or_default().contains("shutting down"),
        "{:?}",
        told.content()
    );
    // Unstick the read, so this test's runtime can end.
    drop(release);
}

// ---------------------------------------------------------------------------
// Exactly once
// ---------------------------------------------------------------------------

/// The nonce a recorded message POST carried.
fn nonce_of(request: &Request) -> (Value, Value) {
    (
        request.body["nonce"].clone(),
        request.body["enforce_nonce"].clone(),
    )
}

/// A reply POST that Discord stored but whose answer never came: the
/// attempt times out, the retry carries the same nonce, and Discord (the
/// fake) keeps one message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_reply_is_retried_with_its_nonce_and_posted_once() {
    Logs::get();
    let fake = FakeDiscord::start().await;
    let outbox = Outbox::with_attempt_timeout(
        Some(&fake.base_url()),
        &Token::new(TEST_TOKEN),
        Duration::from_millis(300),
    )
    .expect("an HTTP client can be built");
    fake.fail_after_accepting("/channels/", AfterAccepting::Hang, 1);
    let channel = serenity::ChannelId::new(GENERAL_CHANNEL_ID.parse().expect("numeric id"));
    let question = serenity::MessageId::new(987_654_321_987_654_321);
    let message = respond::to_message(
        respond::text("the answer".to_owned()),
        channel,
        question,
        respond::Answering::Created,
    );
    let sent = outbox.channel_message(channel, &message, question).await;
    assert!(sent.is_ok(), "the retry is answered");
    let attempts: Vec<Request> = fake
        .requests()
        .into_iter()
        .filter(|r| r.is_channel_message(GENERAL_CHANNEL_ID))
        .collect();
    assert_eq!(attempts.len(), 2, "one timed-out attempt, one retry");
    assert!(attempts[0].injected, "the first attempt was left hanging");
    assert_eq!(nonce_of(&attempts[0]), nonce_of(&attempts[1]));
    assert_eq!(
        nonce_of(&attempts[0]),
        (json!("q987654321987654321"), json!(true))
    );
    let stored = fake.channel_messages(GENERAL_CHANNEL_ID);
    assert_eq!(stored.len(), 1, "{stored:#?}");
    // The retry got the stored message back.
    assert_eq!(attempts[1].response["id"], stored[0]["id"]);
}

/// The real bot: a reply POST answered 500 after Discord stored it is sent
/// again with the same nonce, and the member sees one answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_stored_before_a_500_is_posted_once() {
    Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("once");
    let origin = Origin::dm(&member);
    bot.fake
        .fail_after_accepting("/channels/", AfterAccepting::Status(500), 1);
    let message = message_create(&origin, QUESTION);
    let first = bot.send(message.clone()).await;
    assert_eq!(first.status, 500);
    let retry = bot
        .fake
        .next_request(replies_to(&message), TIMEOUT)
        .await
        .expect("the reply is tried again");
    assert_eq!(retry.status, 200);
    let id = message["id"].as_str().unwrap_or_default();
    assert_eq!(nonce_of(&first), (json!(format!("q{id}")), json!(true)));
    assert_eq!(nonce_of(&retry), nonce_of(&first));
    let stored = bot.fake.channel_messages(&origin.channel_id);
    assert_eq!(stored.len(), 1, "{stored:#?}");
    assert_eq!(stored[0]["content"], json!(shipped_reply(QUESTION)));
    bot.stop().await;
}

// ---------------------------------------------------------------------------
// Urgent replies
// ---------------------------------------------------------------------------

/// The same member sending urgent messages in an answer channel: the first
/// is answered; the repeats within the window get a logged silence; a
/// crisis message there, the member elsewhere, and other members are
/// answered; `/ask` gets the guidance again, privately.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_replies_are_bounded_per_member_and_channel() {
    let logs = Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("worried");
    let here = Origin::guild_channel(&member, SECOND_CHANNEL_ID);
    let urgent = shipped_reply(URGENT);
    let first = bot.say(&here, URGENT).await;
    assert_eq!(first.content(), Some(urgent.as_str()));
    for _ in 0..3 {
        let again = message_create(&here, URGENT);
        bot.fake.dispatch("MESSAGE_CREATE", again.clone());
        let id = again["id"].as_str().unwrap_or_default().to_owned();
        let logged = logs
            .wait_for(|l| l.contains("urgent reply not repeated") && l.contains(&id))
            .await;
        assert!(logged.is_some(), "the silence is logged for {id}");
        assert!(replies_so_far(&bot.fake, &again).is_empty());
    }
    // A crisis message says something new: it gets the crisis reply there.
    let crisis = bot.say(&here, CRISIS).await;
    assert_eq!(crisis.content(), Some(shipped_reply(CRISIS).as_str()));
    // Elsewhere, and for someone else, the first urgent message is answered.
    let dm = bot.say(&Origin::dm(&member), URGENT).await;
    assert_eq!(dm.content(), Some(urgent.as_str()));
    let other = Origin::guild_channel(&FakeUser::new("other"), SECOND_CHANNEL_ID);
    let theirs = bot.say(&other, URGENT).await;
    assert_eq!(theirs.content(), Some(urgent.as_str()));
    // A command always gets a response: the guidance, seen only by the member.
    let ask = bot
        .interact(interaction_command(
            &here,
            "ask",
            json!([option_string("question", URGENT)]),
        ))
        .await;
    assert_eq!(ask.content(), Some(urgent.as_str()));
    assert_eq!(ask.body["data"]["flags"], json!(64), "private");
    bot.stop().await;
    // The urgent words are in none of it.
    let text = logs.text();
    assert!(!text.contains(URGENT) && !text.contains(CRISIS));
}

/// A question edited into an emergency gets the urgent reply, once; an
/// edit that is not urgent gets nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_into_an_emergency_gets_the_urgent_reply_once() {
    let logs = Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("editor");
    let origin = Origin::guild(&member);
    let message = message_create(&origin, &format!("<@{BOT_USER_ID}> {QUESTION}"));
    let answer = bot.send(message.clone()).await;
    assert_eq!(answer.content(), Some(shipped_reply(QUESTION).as_str()));

    let edited = message_update(
        &message,
        &format!("<@{BOT_USER_ID}> {QUESTION}\n{URGENT_EDIT}"),
    );
    bot.fake.dispatch("MESSAGE_UPDATE", edited.clone());
    let urgent = bot
        .fake
        .next_request(replies_to(&message), TIMEOUT)
        .await
        .expect("the edit gets the urgent reply");
    assert_eq!(urgent.content(), Some(shipped_reply(URGENT_EDIT).as_str()));
    let id = message["id"].as_str().unwrap_or_default().to_owned();
    // Not the nonce of the first answer, or Discord would drop this reply.
    assert_eq!(urgent.body["nonce"], json!(format!("e{id}")));
    check_no_pings(&urgent);

    // Edited again, still urgent: no second reply.
    bot.fake.dispatch(
        "MESSAGE_UPDATE",
        message_update(&message, &format!("<@{BOT_USER_ID}> {URGENT_EDIT}!!")),
    );
    let logged = logs
        .wait_for(|l| l.contains("already got its urgent reply") && l.contains(&id))
        .await;
    assert!(logged.is_some());
    assert_eq!(replies_so_far(&bot.fake, &message).len(), 2);

    // An edit that is not urgent gets no FAQ answer, even in a DM.
    let dm = bot.say(&Origin::dm(&member), QUESTION).await;
    assert!(dm.content().is_some());
    let question = message_create(&Origin::dm(&member), "hello");
    let hello = bot.send(question.clone()).await;
    assert!(hello.content().is_some());
    bot.fake
        .dispatch("MESSAGE_UPDATE", message_update(&question, "what is qi"));
    let qid = question["id"].as_str().unwrap_or_default().to_owned();
    let logged = logs
        .wait_for(|l| l.contains("edit not urgent") && l.contains(&qid))
        .await;
    assert!(logged.is_some());
    assert_eq!(replies_so_far(&bot.fake, &question).len(), 1);
    bot.stop().await;
}

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

/// A thread inside the answer channel is answered like the channel, both
/// when Discord announced it (THREAD_CREATE, the cache) and when the bot
/// has to ask (GET /channels/{id}).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_in_an_answer_channel_are_answered() {
    Logs::get();
    let bot = Running::start(&shipped(), 0).await;
    let member = FakeUser::new("threaded");
    for announce in [true, false] {
        let thread = new_id();
        bot.fake.add_thread(&thread, SECOND_CHANNEL_ID, announce);
        let reply = bot
            .say(&Origin::guild_channel(&member, &thread), QUESTION)
            .await;
        assert!(reply.is_channel_message(&thread), "announced: {announce}");
        assert_eq!(reply.content(), Some(shipped_reply(QUESTION).as_str()));
        let looked_up = bot
            .fake
            .requests()
            .iter()
            .any(|r| r.is("GET", &format!("/channels/{thread}")));
        assert_eq!(looked_up, !announce, "announced: {announce}");
    }
    bot.stop().await;
}
