//! The bot as an operator runs it, measured: the real `backpain-bot run`
//! process against the fake Discord, answering 1,000 questions sent at a
//! steady rate. Reports latency from question sent to reply received (p50,
//! p99) and the bot's peak resident memory (VmHWM from /proc).
//!
//! A measurement, not a pass/fail test of speed: it is `#[ignore]`d, and run
//! with `cargo test --release --test perf -- --ignored --nocapture`. It
//! asserts only that every question was answered exactly once.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::fake_discord::*;
use serde_json::Value;

/// How many questions to send.
const QUESTIONS: usize = 1_000;

/// The steady rate: one question every 5 ms (200 a second), well above a
/// busy community's rate and below what one core can answer, so latency
/// reflects the bot, not a backlog.
const INTERVAL: Duration = Duration::from_millis(5);

/// Failure guard for one reply.
const TIMEOUT: Duration = Duration::from_secs(20);

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn thousand_questions_through_the_real_process() {
    let fake = Arc::new(FakeDiscord::start().await);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("bot.toml");
    std::fs::write(
        &config,
        format!(
            "[discord]\napi_url = \"{}\"\nguild_ids = [{GUILD_ID}]\n\n[cooldown]\nquestions = 0\n",
            fake.base_url()
        ),
    )
    .expect("config written");
    let mut bot = Command::new(env!("CARGO_BIN_EXE_backpain-bot"))
        .args(["run", "--config"])
        .arg(&config)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DISCORD_TOKEN", TEST_TOKEN)
        .env("RUST_LOG", "warn")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the bot starts");
    fake.wait_ready().await;

    let questions = [
        "is acupuncture painful",
        "what is qi",
        "how many sessions do I need",
        "side effects",
        "how do I bake bread",
    ];
    let users: Vec<FakeUser> = (0..20)
        .map(|i| FakeUser::new(&format!("user{i}")))
        .collect();
    let mut waiting = Vec::new();
    let mut ticker = tokio::time::interval(INTERVAL);
    let started = Instant::now();
    for i in 0..QUESTIONS {
        ticker.tick().await;
        let message = message_create(
            &Origin::dm(&users[i % users.len()]),
            questions[i % questions.len()],
        );
        let sent = Instant::now();
        fake.dispatch("MESSAGE_CREATE", message.clone());
        let fake = Arc::clone(&fake);
        waiting.push(tokio::spawn(async move {
            let id: Value = message["id"].clone();
            fake.next_request(
                move |r: &Request| r.body["message_reference"]["message_id"] == id,
                TIMEOUT,
            )
            .await
            .map(|_| sent.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    for w in waiting {
        latencies.push(
            w.await
                .expect("waiter")
                .expect("every question is answered"),
        );
    }
    let elapsed = started.elapsed();
    let peak = peak_rss_kib(bot.id());
    let _ = Command::new("kill")
        .args(["-TERM", &bot.id().to_string()])
        .status();
    let status = bot.wait().expect("the bot exits");
    latencies.sort();
    let posted = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.route().ends_with("/messages"))
        .count();
    assert_eq!(posted, QUESTIONS, "every question answered exactly once");
    println!(
        "{QUESTIONS} questions in {:.2} s: p50 {:?}, p99 {:?}, max {:?}; peak RSS {} KiB; exit {status}",
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        peak.map_or("unknown".to_owned(), |k| k.to_string()),
    );
}
